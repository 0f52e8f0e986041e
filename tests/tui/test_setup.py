"""First run in the app: the Setup screen, the Placement screen, and L (learn with prerequisites)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select, SelectionList

from roadmap.actions.settings import current
from roadmap.actions.setup import is_first_run
from roadmap.progress import load_statuses
from roadmap.review.rating import LogKind
from roadmap.status import Status
from roadmap.tui.app import RoadmapApp

from conftest import NOW
from tui.conftest import settle, text_of


def statuses(ws) -> dict[str, Status]:
    with ws.read() as s:
        return {k: Status(v) for k, v in load_statuses(s, ws.curriculum).items()}


def prior_logs(ws) -> set[str]:
    from sqlmodel import select

    from roadmap.models import ReviewLog

    with ws.read() as s:
        return {r.skill_id for r in s.exec(select(ReviewLog)) if r.kind == LogKind.PRIOR}


@pytest.fixture
def first_run_app(ws):
    return RoadmapApp(ws, clock=lambda: NOW, offer_setup=True)


async def test_setup_opens_on_first_run_and_saves_every_choice(first_run_app, ws):
    app = first_run_app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "SetupScreen"
        screen = app.screen
        screen.query_one("#setup-weekly_hours", Input).value = "8"
        screen.query_one("#setup-study_days", Input).value = "MO,WE,SA=3"
        screen.query_one("#setup-timezone", Input).value = "Europe/Berlin"
        screen.query_one("#setup-milestone", Select).value = "basics"
        screen.query_one("#setup-target", Input).value = "2027-06-30"
        screen.query_one("#setup-known", SelectionList).select("regression")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "TodayScreen"
    st = current(ws)
    assert st.weekly_hours == 8 and st.timezone == "Europe/Berlin"
    assert str(st.targets["basics"]) == "2027-06-30"
    got = statuses(ws)
    assert {s for s, v in got.items() if v == Status.LEARNED} == {"regression", "algebra", "calculus"}
    assert prior_logs(ws) == {"regression", "algebra", "calculus"}


async def test_invalid_setup_is_explained_in_the_form_and_loses_nothing(first_run_app, ws):
    app = first_run_app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#setup-weekly_hours", Input).value = "eight"
        screen.query_one("#setup-target", Input).value = "2027-13-40"
        screen.query_one("#setup-known", SelectionList).select("backprop")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        errors = text_of(screen.query_one("#setup-errors"))
        assert "✗" in errors and "Milestone" in errors
        screen.query_one("#setup-milestone", Select).value = "basics"
        await pilot.press("ctrl+s")
        await settle(pilot)
        errors = text_of(screen.query_one("#setup-errors"))
        assert "By (date)" in errors
        screen.query_one("#setup-target", Input).value = "2027-06-30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and "weekly" in text_of(screen.query_one("#setup-errors")).lower()
        assert screen.query_one("#setup-weekly_hours", Input).value == "eight"  # nothing typed is lost
        assert screen.query_one("#setup-known", SelectionList).selected == ["backprop"]
    assert is_first_run(ws)


async def test_skipping_setup_writes_nothing_and_settings_reopens_it(first_run_app, ws):
    app = first_run_app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "SetupScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "TodayScreen"
        assert is_first_run(ws)
        await app.run_action("settings")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert type(app.screen).__name__ == "SetupScreen"


async def test_setup_is_not_offered_once_the_database_has_data(ws):
    from roadmap.actions.settings import set as set_setting

    set_setting(ws, "weekly_hours", "6")
    app = RoadmapApp(ws, clock=lambda: NOW, offer_setup=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "TodayScreen"


async def _answer_all(pilot, app, knows: set[str]) -> list[str]:
    asked = []
    while app.screen.probe is not None:
        sid = app.screen.probe.skill_id
        asked.append(sid)
        await pilot.press("space")
        assert "Answer key" in text_of(app.screen.query_one("#placement-body"))
        await pilot.press("y" if sid in knows else "n")
        await pilot.pause()
    return asked


async def test_placement_writes_only_after_the_summary_is_confirmed(make_app, ws):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert type(app.screen).__name__ == "PlacementScreen"
        assert "Question 1 of at most 25" in text_of(app.screen.query_one("#placement-progress"))
        await _answer_all(pilot, app, {"algebra", "calculus", "regression"})
        summary = text_of(app.screen.query_one("#placement-body"))
        assert "Known: 3" in summary
        assert statuses(ws) == {} or Status.LEARNED not in statuses(ws).values()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "TodayScreen"
    assert prior_logs(ws) == {"algebra", "calculus", "regression"}


async def test_quitting_placement_writes_nothing(make_app, ws):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("space", "y")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "TodayScreen"
    assert is_first_run(ws)


@pytest.mark.slow
async def test_placement_from_setup_saves_the_choices_first(first_run_app, ws):
    app = first_run_app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#setup-weekly_hours", Input).value = "5"
        await pilot.press("f3")
        await settle(pilot)
        assert type(app.screen).__name__ == "PlacementScreen"
        await _answer_all(pilot, app, set())
        await pilot.press("escape")
        await settle(pilot)
    assert current(ws).weekly_hours == 5 and not prior_logs(ws)


@pytest.mark.parametrize("screen_action", ["today", "browse"])
async def test_capital_l_learns_a_skill_with_its_prerequisites_after_a_confirmation(make_app, ws, screen_action,
                                                                                   error_notifications):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.action_show_skill("backprop") if screen_action == "browse" else None
        await settle(pilot)
        if screen_action == "today":  # Today lists the frontier only: open the skill in the browser's way
            app.screen.query_one("#skills").focus()
        screen = app.screen
        if screen_action == "today":
            sid = screen.selected_id()
        else:
            sid = "backprop"
            assert screen.selected_id() == "backprop"
        await pilot.press("L")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        listed = text_of(app.screen.query_one("#confirm-detail"))
        await pilot.press("n")  # no: nothing is written
        await settle(pilot)
        assert not prior_logs(ws)
        await pilot.press("L")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    marked = prior_logs(ws)
    assert sid in marked and all(f"({s})" in listed for s in marked)
    if sid == "backprop":
        assert marked == {"backprop", "regression", "algebra", "calculus"}
    assert any("learned as prior knowledge" in m and "first review" in m for _, _, m in error_notifications)


async def test_lowercase_l_still_learns_only_the_skill(make_app, ws):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        sid = app.screen.selected_id()
        await pilot.press("l")
        await settle(pilot)
    assert statuses(ws).get(sid) == Status.LEARNED and not prior_logs(ws)


@pytest.mark.parametrize("name", ["setup", "placement", "summary"])
def test_snapshot_80x24(name, snap_compare, ws, monkeypatch):
    from roadmap.actions import setup as setup_actions

    monkeypatch.setattr(setup_actions, "detected_timezone", lambda: "Europe/Berlin")  # the same on every machine
    app = RoadmapApp(ws, clock=lambda: NOW, offer_setup=name == "setup")

    async def run_before(pilot):
        await settle(pilot)
        if name != "setup":
            await pilot.press("p")
            await settle(pilot)
            await pilot.press("space")
            if name == "summary":
                await _answer_all(pilot, app, {"algebra", "calculus"})
            await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def test_setup_pick_list_filters_keeps_ticks_and_previews_prerequisites(first_run_app, ws):
    app = first_run_app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        box = screen.query_one("#setup-known", SelectionList)
        screen.query_one("#setup-known-filter", Input).focus()
        await pilot.press(*"regr", "enter")
        await settle(pilot)
        assert [box.get_option_at_index(i).value for i in range(box.option_count)] == ["regression"]
        await pilot.press("space")
        await settle(pilot)
        assert " ".join(text_of(screen.query_one("#setup-known-summary")).split()) == \
            "Will mark 3 skills as known: the 1 you ticked and 2 prerequisites."
        screen.query_one("#setup-known-filter", Input).value = ""
        await settle(pilot)
        assert box.option_count == len(ws.curriculum.skills)
        assert box.selected == ["regression"]
        assert screen.known() == ("regression",)
        # ticked, brought along as a prerequisite, and unticked boxes differ without colour
        lines = {box.get_option_at_index(y).value: str(box.render_line(y).text) for y in range(box.option_count)}
        assert lines["regression"].startswith("[✓]")
        assert lines["algebra"].startswith("[+]") and lines["calculus"].startswith("[+]")
        assert lines["bayes"].startswith("[ ]")


async def test_setup_footer_offers_f1_for_help_and_question_mark_types(first_run_app, ws):
    app = first_run_app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("question_mark")
        await settle(pilot)
        assert app.screen is screen and screen.query_one("#setup-weekly_hours", Input).value.endswith("?")
        await pilot.press("f1")
        await settle(pilot)
        assert type(app.screen).__name__ == "HelpScreen"


async def test_skipping_setup_says_it_opens_again_at_the_next_start(ws):
    for _ in range(2):  # skipped, the next start offers it again (the database is still empty)
        app = RoadmapApp(ws, clock=lambda: NOW, offer_setup=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert type(app.screen).__name__ == "SetupScreen"
            await pilot.press("escape")
            await settle(pilot)
            assert type(app.screen).__name__ == "TodayScreen"
            said = " ".join(n.message for n in app._notifications)
            assert "opens again at the next start until you save it" in said
    assert is_first_run(ws)


async def test_tab_from_the_filter_lands_on_the_first_match(first_run_app, ws):
    app = first_run_app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#setup-known-filter", Input).focus()
        await pilot.press(*"regr", "tab")
        await settle(pilot)
        box = screen.query_one("#setup-known", SelectionList)
        assert box.has_focus and box.highlighted == 0
        await pilot.press("space")
        await settle(pilot)
        assert box.selected == ["regression"]


async def test_a_fixed_choice_loses_its_mark_at_once_with_no_settings_read_per_key(first_run_app, ws, monkeypatch):
    from roadmap.actions import settings as settings_actions

    app = first_run_app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        hours = screen.query_one("#setup-weekly_hours", Input)
        hours.value = "eight"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "weekly_hours" in text_of(screen.query_one("#setup-errors"))
        reads = []  # the re-check runs on the UI thread: it uses the settings read when the form opened
        monkeypatch.setattr(settings_actions, "current", lambda ws: reads.append(1) or settings_actions.Settings())
        hours.value = "1"
        hours.focus()
        await pilot.press("end", "2")
        await settle(pilot)
        assert reads == [] and "✗" not in text_of(screen.query_one("#setup-errors"))
        assert not screen.query_one("#setup-errors").has_class("invalid")
        assert is_first_run(ws)  # nothing saved by checking


async def test_down_from_the_filter_goes_into_the_list(first_run_app, ws):
    app = first_run_app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#setup-known-filter", Input).focus()
        await pilot.press(*"bay", "down", "space")
        await settle(pilot)
        box = screen.query_one("#setup-known", SelectionList)
        assert box.has_focus and box.selected == ["bayes"]
        assert screen.query_one("#setup-known-filter", Input).value == "bay"  # no space typed into the filter

