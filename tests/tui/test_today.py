"""The Today screen and the review session, driven with Pilot like a user."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import DataTable
from textual.worker import WorkerFailed

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


@pytest.mark.slow  # ~3 s: a long Pilot session
async def test_review_session_end_to_end_with_undo(make_app, ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra", "calculus"], Status.LEARNED, now=NOW, settings=Settings(timezone="UTC"))
    app = make_app(NOW + timedelta(days=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "4 checks to review" in str(app.screen.query_one("#summary").render())
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "ReviewScreen"
        assert "reveal" in text_of(screen.query_one("#review-choices"))  # the prompt alone first
        await pilot.press("3")  # no rating before the answer is revealed
        await settle(pilot)
        assert screen.index == 0 and not screen.rated
        await pilot.press("u")  # nothing of this session to undo (and nothing from before is undone)
        await settle(pilot)
        assert "Nothing to undo in this session" in text_of(screen.query_one("#review-status"))
        await pilot.press("space")
        await settle(pilot)
        assert "no answer key" in text_of(screen.query_one("#review-body"))
        choices = text_of(screen.query_one("#review-choices"))
        assert "Again" in choices and "Easy" in choices and "next in 1d" in choices and "2026" in choices
        shown = screen.outcomes[3]
        first = screen.current_card
        await pilot.press("3")
        await settle(pilot)
        from roadmap.models import ReviewCard

        with ws.read() as s:
            card = s.get(ReviewCard, (first.skill_id, first.check_id))
            assert card.reviews == 1
        assert str(shown.due_day) in card.due.isoformat() or shown.due_day >= card.due.date()
        await pilot.press("u")
        await settle(pilot)
        assert screen.current_card == first
        with ws.read() as s:
            assert s.get(ReviewCard, (first.skill_id, first.check_id)).reviews == 0
        for _ in range(4):
            await pilot.press("space")
            await settle(pilot)
            await pilot.press("3")
            await settle(pilot)
        assert screen.current is None
        assert "All reviews for today are done" in str(screen.query_one("#review-body").render())
        assert "4 checks reviewed in under a minute" in text_of(screen.query_one("#review-progress"))
        await pilot.press("escape")
        await settle(pilot)
        assert "0 checks to review" in str(app.screen.query_one("#summary").render())


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


@pytest.mark.both_engines  # a file's stamp on SQLite, a query on PostgreSQL (team mode: another machine)
async def test_external_change_is_shown(make_app, ws):
    from roadmap.workspace import Workspace

    app = make_app()
    app.POLL_SECONDS = 0.5  # the write below usually lands before the first poll: it must still be seen
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "calculus" in [r.value for r in app.screen.query_one("#skills", DataTable).rows]
        other = Workspace(ws.db_path, ws.curriculum_path)  # another process's connection
        try:
            with other.write() as s:
                set_status(s, other.curriculum, ["calculus"], Status.LEARNED, now=NOW, settings=Settings())
        finally:
            other.close()
        for _ in range(1500):  # until a poll has noticed and the screen has re-read (15 s at most)
            await pilot.pause(0.01)
            await settle(pilot)
            if "calculus" not in [r.value for r in app.screen.query_one("#skills", DataTable).rows]:
                break
        assert "calculus" not in [r.value for r in app.screen.query_one("#skills", DataTable).rows]


async def test_no_color_is_respected(make_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.no_color
        table = app.screen.query_one("#skills", DataTable)
        # still usable; states carry symbols (○ ready, ◐ in progress), not colour alone
        assert {r.value: str(table.get_row(r.value)[0]) for r in table.rows} == {
            "calculus": "○", "algebra": "○", "probability": "○"}


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


@pytest.mark.error_notification(r"ZeroDivisionError")
async def test_a_failed_background_task_is_an_error_the_tests_see(make_app, error_notifications):
    """A worker that raises shows an error toast; the harness records it (and fails any test that
    did not expect one: see tests/tui/conftest.py)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        worker = app.run_worker(lambda: 1 / 0, thread=True, exit_on_error=False)
        with pytest.raises(WorkerFailed):
            await worker.wait()
        await pilot.pause()
    assert [sev for sev, _, msg in error_notifications if "ZeroDivisionError" in msg] == ["error"]


@pytest.mark.error_notification(r"^Not done: the database is busy$")
async def test_a_screen_whose_worker_fails_shows_the_error(make_app, monkeypatch, error_notifications):
    """A screen's worker (not the app's) that fails is shown too: Textual's worker state message goes
    to the screen and does not bubble to the app."""
    from roadmap.errors import RoadmapError
    from roadmap.tui.screens.stats import StatsScreen

    def busy(self):
        raise RoadmapError("the database is busy")

    monkeypatch.setattr(StatsScreen, "read", busy)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.run_action("stats")
        for _ in range(3):
            try:
                await app.workers.wait_for_complete()
            except WorkerFailed:
                pass
            await pilot.pause()
        assert type(app.screen).__name__ == "StatsScreen"
    assert [sev for sev, _, msg in error_notifications if "busy" in msg] == ["error"]


async def test_undo_at_the_start_of_a_session_never_undoes_older_reviews(make_app, ws):
    from sqlmodel import select

    from roadmap import review
    from roadmap.models import ReviewLog

    s0 = Settings(timezone="UTC")
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW - timedelta(days=70), settings=s0)
    for i, check in enumerate(("1", "2", "1")):  # reviews made two months ago
        with ws.write() as s:
            review.record(s, "algebra", 3, check_id=check, now=NOW - timedelta(days=60 - i), settings=s0)
    app = make_app(NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        await pilot.press("u", "u", "u")  # fast presses
        await settle(pilot)
        assert "Nothing to undo in this session" in text_of(screen.query_one("#review-status"))
        with ws.read() as s:
            assert s.exec(select(ReviewLog).where(ReviewLog.kind == "undo")).first() is None
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("u", "u", "u")  # undoes this session's one rating, nothing more
        await settle(pilot)
        with ws.read() as s:
            assert len(s.exec(select(ReviewLog).where(ReviewLog.kind == "undo")).all()) == 1
        assert screen.index == 0 and not screen.rated


@pytest.mark.slow
async def test_notes_key_saves_a_note_shown_with_the_answer(make_app, ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW - timedelta(days=10),
                   settings=Settings(timezone="UTC"))
    app = make_app(NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"pivots")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Your notes" in text_of(screen.query_one("#review-body"))
        assert "pivots" in text_of(screen.query_one("#review-body"))
    from roadmap.actions.review import get_note

    assert get_note(ws, "algebra") == "pivots"


async def test_rating_before_reveal_says_to_reveal_first(make_app, ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW, settings=Settings(timezone="UTC"))
    app = make_app(NOW + timedelta(days=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        await pilot.press("2")
        await settle(pilot)
        assert screen.index == 0 and not screen.rated
        assert "Reveal the answer first (space)" in text_of(screen.query_one("#review-status"))
        footer = " ".join(str(k.render()) for k in screen.query("FooterKey"))
        assert "Again" not in footer and "Reveal" in footer  # the ratings show with the revealed answer


async def test_the_due_count_and_queue_show_before_the_plan(make_app, ws, monkeypatch):
    """Today draws the queue first; the study plan and milestones fill in when the planner is done."""
    import threading

    from roadmap.tui.screens.today import TodayScreen

    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW - timedelta(days=30),
                   settings=Settings(timezone="UTC"))
    planner_may_run = threading.Event()
    plan = TodayScreen.read

    def held_read(self, *args, **kwargs):
        assert planner_may_run.wait(30), "the test never let the planner run"
        return plan(self, *args, **kwargs)

    monkeypatch.setattr(TodayScreen, "read", held_read)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(3000):  # until the queue is on screen (30 s at most)
            if getattr(app.screen, "painted", False):
                break
            await pilot.pause(0.01)
        screen = app.screen
        summary = text_of(screen.query_one("#summary"))
        assert "2 checks to review" in summary and "Linear algebra" in summary and "planning…" in summary
        assert screen.ov is None and screen.query_one("#skills", DataTable).row_count == 0
        assert "planning…" in text_of(screen.query_one("#milestones"))
        planner_may_run.set()
        await settle(pilot)
        assert screen.ov is not None and "planning…" not in text_of(screen.query_one("#summary"))
        assert [r.value for r in screen.query_one("#skills", DataTable).rows] == ["calculus", "probability"]
        assert "planning…" not in text_of(screen.query_one("#milestones"))


async def test_the_first_load_reads_once_and_coming_back_reads_again(make_app, monkeypatch):
    """Opening the app reads the queue and plans once (the screen's mount and its first resume used to
    start two reads side by side); coming back from another screen reads again."""
    from roadmap.tui.screens import today

    calls = {"queue": 0, "plan": 0}
    queue, plan = today.due_today, today.TodayScreen.read

    def counted_queue(*args, **kwargs):
        calls["queue"] += 1
        return queue(*args, **kwargs)

    def counted_plan(self, *args, **kwargs):
        calls["plan"] += 1
        return plan(self, *args, **kwargs)

    monkeypatch.setattr(today, "due_today", counted_queue)
    monkeypatch.setattr(today.TodayScreen, "read", counted_plan)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert calls == {"queue": 1, "plan": 1}
        await pilot.press("question_mark")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "TodayScreen"
        assert calls == {"queue": 1, "plan": 2}


async def test_a_server_that_does_not_answer_gets_one_poll_at_a_time(make_app, monkeypatch):
    """Team mode: a poll that hangs (a dropped network) is not joined by a new one every interval."""
    import threading

    from roadmap.tui.app import RoadmapApp
    from roadmap.workspace import Workspace

    release, calls = threading.Event(), []
    app = make_app()  # its first stamp is taken on the file, before the switch below

    def hung_stamp(self):
        calls.append(1)
        release.wait(30)
        return ("answered", len(calls))

    monkeypatch.setattr(Workspace, "database_file", property(lambda self: None))  # as on a server
    monkeypatch.setattr(RoadmapApp, "_stamp", hung_stamp)
    app.POLL_SECONDS = 0.05
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(300):  # until the first poll hangs (3 s at most)
            if calls:
                break
            await pilot.pause(0.01)
        await pilot.pause(0.5)  # ten intervals
        assert len(calls) == 1
        release.set()
        for _ in range(300):  # polls go on once the server answers
            if len(calls) > 1:
                break
            await pilot.pause(0.01)
        assert len(calls) > 1
