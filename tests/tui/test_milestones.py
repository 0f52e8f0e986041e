"""The Milestones screen: deliverable and missing skills of the selected milestone; set and clear a target."""

from __future__ import annotations

import pytest

from textual.widgets import DataTable, Input

from roadmap.actions import settings

from tui.conftest import settle, text_of


@pytest.mark.slow  # ~3.5 s: a long Pilot session
async def test_milestones_show_missing_skills_and_set_a_target(make_app, ws):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert [r.value for r in screen.query_one("#milestones-table", DataTable).rows] == ["basics", "all"]
        detail = text_of(screen.query_one("#milestone-detail"))
        assert "basics" in detail and "Missing 3 skills: Linear algebra, Calculus, Linear regression" in detail
        await pilot.press("d")
        await settle(pilot)
        assert type(app.screen).__name__ == "TargetScreen"
        await pilot.press("ctrl+u", *"2026-13-01", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "TargetScreen"  # explained in place, nothing stored
        assert "✗" in text_of(app.screen.query_one("#target-hint"))
        assert settings.get(ws, "target.basics") == "none"
        inp = app.screen.query_one("#target-input", Input)
        inp.value = "2027-01-31"
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "MilestonesScreen"
        assert settings.get(ws, "target.basics") == "2027-01-31"
        assert "Target: 31 Jan 2027" in text_of(app.screen.query_one("#milestone-detail"))
        await pilot.press("d")
        await settle(pilot)
        app.screen.query_one("#target-input", Input).value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert settings.get(ws, "target.basics") == "none"
        assert "Target: none" in text_of(app.screen.query_one("#milestone-detail"))


async def test_milestone_names_are_whole_at_80_columns(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.run_action("milestones")
        await settle(pilot)
        table = app.screen.query_one("#milestones-table", DataTable)
        assert table.ordered_columns[0].width >= 34  # "Entry-level researcher (0-3 years)" fits whole


async def test_a_missed_target_is_marked_at_80_columns_and_explained_in_words(make_app, ws):
    settings.set(ws, "target.basics", "2026-11-30")  # the day after NOW: far too soon for 3 skills at 10 h a week
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        table = app.screen.query_one("#milestones-table", DataTable)
        cells = [str(c) for c in table.get_row("basics")]
        assert cells[-1] == "! 30 Nov 2026"  # no Status column at 80: the mark says the forecast misses it
        detail = " ".join(text_of(app.screen.query_one("#milestone-detail")).split())
        assert "Target: 30 Nov 2026 · forecast" in detail and "after it; meeting it needs" in detail


async def test_the_target_dialog_refuses_a_past_date(make_app, ws):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("ctrl+u", *"2020-01-01", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "TargetScreen"
        assert "in the past (today is 2026-11-29)" in " ".join(text_of(app.screen.query_one("#target-hint")).split())
        assert settings.get(ws, "target.basics") == "none"
