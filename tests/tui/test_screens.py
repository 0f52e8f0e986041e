"""Every screen: user flows with Pilot, snapshots at 80x24 and 120x40, and a size sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import DataTable, Input

from roadmap import review
from roadmap.models import Status
from roadmap.progress import load_statuses, set_status
from roadmap.settings import Settings

from conftest import NOW
from tui.conftest import settle, text_of

SCREENS = ["today", "review", "browse", "week", "milestones", "stats", "settings", "help"]


def seed(ws) -> None:
    """A learner a few weeks in: some skills learned and reviewed, one in progress."""
    s0 = Settings(timezone="UTC")
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra", "calculus"], Status.LEARNED, now=NOW - timedelta(days=20),
                   settings=s0)
        set_status(s, ws.curriculum, ["probability"], Status.IN_PROGRESS, now=NOW - timedelta(days=2), settings=s0)
    with ws.write() as s:
        review.record(s, "algebra", 3, check_id="1", now=NOW - timedelta(days=16), settings=s0)
        review.record(s, "calculus", 1, check_id="1", now=NOW - timedelta(days=16), settings=s0)


async def open_screen(pilot, name: str) -> None:
    app = pilot.app
    await settle(pilot)
    if name == "review":
        await pilot.press("r")
    elif name == "help":
        await pilot.press("question_mark")
    elif name != "today":
        await app.run_action({"browse": "browse", "week": "week", "milestones": "milestones", "stats": "stats",
                        "settings": "settings"}[name])
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("name", SCREENS)
def test_snapshot(name, size, snap_compare, make_app, ws):
    seed(ws)
    app = make_app()

    async def run_before(pilot):
        await open_screen(pilot, name)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


SIZES = [(40, 12), (59, 17), (60, 18), (72, 20), (100, 30), (140, 50), (200, 60)]


@pytest.mark.slow
@pytest.mark.parametrize("name", SCREENS)
async def test_size_sweep(name, make_app, ws):
    seed(ws)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, name)
        for w, h in SIZES:
            await pilot.resize_terminal(w, h)
            await settle(pilot)
            small = w < app.MIN_WIDTH or h < app.MIN_HEIGHT
            assert (type(app.screen).__name__ == "TooSmallScreen") == small, (w, h)
            if small:
                assert "Terminal too small" in text_of(app.screen.query_one("#too-small"))


@pytest.mark.slow
async def test_learn_from_browser_with_search(make_app, ws):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"prob")
        await pilot.press("enter")
        await settle(pilot)
        table = app.screen.query_one("#all-skills", DataTable)
        assert [r.value for r in table.rows] == ["probability"]
        await pilot.press("l")
        await settle(pilot)
        with ws.read() as s:
            assert load_statuses(s, ws.curriculum) == {"probability": Status.LEARNED}
        await pilot.press("f", "f", "f")   # filter: learned
        await settle(pilot)
        await pilot.press("slash", "ctrl+u", "enter")
        await settle(pilot)
        assert [r.value for r in app.screen.query_one("#all-skills", DataTable).rows] == ["probability"]
        await pilot.press("f")   # filter: skipped, and no search
        await settle(pilot)
        assert app.screen.empty_text().startswith("No skill is skipped.")


async def test_learning_a_locked_skill_is_refused_and_asks_learn_anyway(make_app, ws):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.action_show_skill("backprop")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        assert "prerequisites not learned" in text_of(app.screen.query_one("#confirm-detail"))
        await pilot.press("escape")
        await settle(pilot)
        with ws.read() as s:
            assert load_statuses(s, ws.curriculum) == {}


@pytest.mark.slow
async def test_palette_jumps_to_a_skill(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Bayesian")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "BrowserScreen"
        table = app.screen.query_one("#all-skills", DataTable)
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "bayes"


@pytest.mark.slow
@pytest.mark.error_notification(r"^Not saved: fix weekly_hours first\.$")
async def test_changing_a_setting_changes_the_plan(make_app, ws):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert "10h planned" in text_of(app.screen.query_one("#week-summary"))
        await pilot.press("comma")
        await settle(pilot)
        field = app.screen.query_one("#set-weekly_hours", Input)
        field.focus()
        field.value = "-2"
        await pilot.pause()
        assert "out of range" in text_of(app.screen.query_one("#set-weekly_hours-error"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        with ws.read() as s:
            from roadmap import settings as sm

            assert sm.load(s).weekly_hours == 10
        field.value = "3.5"
        await pilot.press("enter")
        await settle(pilot)
        with ws.read() as s:
            assert sm.load(s).weekly_hours == 3.5
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert "3h30m planned" in text_of(app.screen.query_one("#week-summary"))


async def test_week_navigation(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert app.screen.sub_title.startswith("29 Nov")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.screen.sub_title == "6 – 12 Dec 2026"  # dates always carry the year
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.sub_title.startswith("29 Nov")


@pytest.mark.slow
async def test_long_and_cjk_names_do_not_break_layout(make_app, ws, small_path):
    text = small_path.read_text().replace('name = "Probability"',
                                          'name = "確率論と統計的推論の基礎 🎲 with a very long English tail that goes on"')
    small_path.write_text(text)
    ws.__dict__.pop("curriculum", None)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screens = {"browse": "BrowserScreen", "week": "WeekScreen", "milestones": "MilestonesScreen"}
        for name, screen in screens.items():
            await open_screen(pilot, name)
            for size in ((60, 18), (80, 24)):
                await pilot.resize_terminal(*size)
                await settle(pilot)
                assert type(app.screen).__name__ == screen, (name, size)
            if name == "browse":   # the name is shown (shortened if it must be), not dropped
                cells = app.screen.query_one("#all-skills", DataTable).get_row("probability")
                assert any(str(c).lstrip("○◐✓·⊘! ").startswith("確率論") for c in cells), cells


@pytest.mark.slow
async def test_brackets_in_names_and_typed_values_do_not_break_the_app(make_app, ws, small_path):
    small_path.write_text(small_path.read_text().replace('name = "Linear algebra"', 'name = "Algebra [/bold] tips"'))
    ws.__dict__.pop("curriculum", None)
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW - timedelta(days=5),
                   settings=Settings(timezone="UTC"))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("3")   # the confirmation names the skill
        await settle(pilot)
        await pilot.press("escape", "comma")
        await settle(pilot)
        field = app.screen.query_one("#set-weekly_hours", Input)
        field.focus()
        await pilot.press("ctrl+u", "left_square_bracket", "slash")
        await settle(pilot)
        assert "[/" in text_of(app.screen.query_one("#set-weekly_hours-error"))
        await pilot.press("escape", "t")
        await settle(pilot)
        assert type(app.screen).__name__ == "TodayScreen"


async def test_nothing_but_quit_behind_the_too_small_note(make_app):
    app = make_app()
    async with app.run_test(size=(30, 10)) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "TooSmallScreen"
        await pilot.press("w", "b", "comma")
        await settle(pilot)
        assert type(app.screen).__name__ == "TooSmallScreen"


async def test_log_time_from_today(make_app, ws):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await pilot.pause()
        await pilot.press(*"lots", "enter")
        await pilot.pause()
        assert "not a duration" in text_of(app.screen.query_one("#log-hint"))
        await pilot.press("ctrl+u", *"45m", "enter")
        await settle(pilot)
        from roadmap import studylog

        with ws.read() as s:
            assert studylog.logged_hours(s) == {"algebra": 0.75}
            assert load_statuses(s, ws.curriculum)["algebra"] == Status.IN_PROGRESS


async def test_on_off_settings_are_chosen_not_typed(make_app, ws):
    from textual.widgets import Select

    from roadmap.actions.settings import current

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        await settle(pilot)
        field = app.screen.query_one("#set-graph_credit")
        assert isinstance(field, Select) and field.value == "off"
        assert isinstance(app.screen.query_one("#set-weekly_hours"), Input)  # numbers stay typed
        field.value = "on"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert current(ws).graph_credit is True
        assert app.screen.query_one("#set-graph_credit", Select).value == "on"


@pytest.mark.error_notification(r"Not saved: fix target\.basics first")
async def test_a_past_target_date_is_refused_as_typed_and_never_saved(make_app, ws):
    from roadmap.actions.settings import current

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        await settle(pilot)
        field = app.screen.query_one("#set-target--basics", Input)
        field.focus()
        field.value = "2026-11-28"  # the day before NOW
        await pilot.pause()
        assert "is in the past (today is 2026-11-29)" in text_of(app.screen.query_one("#set-target--basics-error"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "basics" not in current(ws).targets
        field.value = "2026-11-29"  # today is not past
        await pilot.pause()
        assert "✗" not in text_of(app.screen.query_one("#set-target--basics-error"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert str(current(ws).targets["basics"]) == "2026-11-29"


async def test_a_stored_target_that_has_passed_is_not_shown_as_an_error(make_app, ws):
    from roadmap.actions import settings as settings_actions

    settings_actions.set(ws, "target.basics", "2026-01-31")  # set long ago; NOW is 29 Nov 2026
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("comma")
        await settle(pilot)
        assert app.screen.query_one("#set-target--basics", Input).value == "2026-01-31"
        assert "✗" not in text_of(app.screen.query_one("#set-target--basics-error"))
        field = app.screen.query_one("#set-weekly_hours", Input)
        field.value = "6"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert settings_actions.current(ws).weekly_hours == 6
