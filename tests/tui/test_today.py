"""The Today screen and the review session, driven with Pilot like a user."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable

from roadmap.models import Status
from roadmap.progress import load_statuses, set_status
from roadmap.settings import Settings

from conftest import NOW
from tui.conftest import settle, text_of


def statuses(ws):
    with ws.read() as s:
        return load_statuses(s, ws.curriculum)


async def test_today_lists_frontier_and_learns_a_skill(make_app, ws):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#skills", DataTable)
        rows = [r.value for r in table.rows]
        assert rows == ["algebra", "calculus", "probability"]
        await pilot.press("l")
        await settle(pilot)
        assert statuses(ws) == {"algebra": Status.LEARNED}
        rows = [r.value for r in app.screen.query_one("#skills", DataTable).rows]
        assert "algebra" not in rows
        await pilot.press("down", "s")
        await settle(pilot)
        assert statuses(ws)["probability"] == Status.IN_PROGRESS
        rows = [r.value for r in app.screen.query_one("#skills", DataTable).rows]
        assert rows[0] == "probability"  # in progress first


async def test_review_session_end_to_end_with_undo(make_app, ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra", "calculus"], Status.LEARNED, now=NOW, settings=Settings(timezone="UTC"))
    app = make_app(NOW + timedelta(days=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "2 reviews due" in str(app.screen.query_one("#summary").render())
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "ReviewScreen"
        choices = text_of(screen.query_one("#review-choices"))
        assert "Again" in choices and "Easy" in choices and "next in 1d" in choices and "2026" in choices
        shown = screen.outcomes[3]
        first = screen.current
        await pilot.press("3")
        await settle(pilot)
        from roadmap.models import ReviewCard

        with ws.read() as s:
            card = s.get(ReviewCard, first)
            assert card.reviews == 1
        assert str(shown.due_day) in card.due.isoformat() or shown.due_day >= card.due.date()
        await pilot.press("u")
        await settle(pilot)
        assert screen.current == first
        with ws.read() as s:
            assert s.get(ReviewCard, first).reviews == 0
        await pilot.press("3", )
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert screen.current is None
        assert "All reviews for today are done" in str(screen.query_one("#review-body").render())
        await pilot.press("escape")
        await settle(pilot)
        assert "0 reviews due" in str(app.screen.query_one("#summary").render())


async def test_help_lists_keys(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = " ".join(text_of(w) for w in app.screen.query("#help-grid Static"))
        assert "Learn" in text and "Quit" in text and "Mark the selected skill as learned" in text
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "TodayScreen"


async def test_external_change_is_shown(make_app, ws):
    app = make_app()
    app.POLL_SECONDS = 0.2
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with ws.write() as s:
            set_status(s, ws.curriculum, ["calculus"], Status.LEARNED, now=NOW, settings=Settings())
        await pilot.pause(0.6)
        await settle(pilot)
        rows = [r.value for r in app.screen.query_one("#skills", DataTable).rows]
        assert "calculus" not in rows


async def test_no_color_is_respected(make_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.no_color
        rows = [r.value for r in app.screen.query_one("#skills", DataTable).rows]
        assert rows  # still usable; states carry symbols (○ ◐), not colour alone


async def test_review_ahead_when_only_fading(make_app, ws):
    s0 = Settings(timezone="UTC")  # learned at 90 %: due in two days
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW - timedelta(days=1), settings=s0)
        from roadmap import settings as sm

        sm.set_value(s, "desired_retention", "0.97")
    app = make_app(NOW)  # due tomorrow, but already below 97 % retrievability
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.screen.ov.due and app.screen.ov.cards["algebra"].retrievability < 0.97
        await pilot.press("r")
        await settle(pilot)
        assert type(app.screen).__name__ == "ReviewScreen" and app.screen.current == "algebra"
