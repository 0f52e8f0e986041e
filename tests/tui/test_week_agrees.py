"""The CLI's `week --from D` and the app's Week screen show the same blocks for the same D."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable

from roadmap.planning import play_plan
from roadmap.progress import load_statuses, set_status
from roadmap.settings import Settings
from roadmap.status import Status

from conftest import NOW, as_json
from tui.conftest import settle


def _blocks_of_json(week: dict) -> list[tuple[str, str, float]]:
    return [(d["date"], b["skill"], b["hours"]) for d in week["days"] for b in d["blocks"]]


def _blocks_of_plan(plan) -> list[tuple[str, str, float]]:
    return [(d.day.isoformat(), b.skill_id, round(b.hours, 2)) for d in plan.days for b in d.blocks]


async def test_cli_week_from_a_later_date_equals_the_app_week(make_app, ws, run):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW - timedelta(days=3),
                   settings=Settings(timezone="UTC"))
    assert run("config", "weekly_hours", "4").exit_code == 0
    weeks_ahead = 3
    day = (NOW + timedelta(days=7 * weeks_ahead)).date()  # NOW is 12:00 UTC: its study day is its date
    cli_blocks = _blocks_of_json(as_json(run("week", "--from", day.isoformat(), "--format", "json")))

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        for _ in range(weeks_ahead):
            await pilot.press("right_square_bracket")
            await settle(pilot)
        screen = app.screen
        assert screen.view.first == day
        app_blocks = _blocks_of_plan(screen.view.plan)
        table = screen.query_one("#week-table", DataTable)
        shown = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]

    assert cli_blocks and cli_blocks == app_blocks
    names = {ws.curriculum.skills[sid].name for _, sid, _ in app_blocks}
    assert all(any(name in row for row in shown) for name in names)
    # The week is the continuation of the plan: planning it afresh from D (what `week --from`
    # printed before the core decided it) would start with other blocks.
    with ws.read() as s:
        statuses = load_statuses(s, ws.curriculum)
    afresh = play_plan(ws.curriculum, statuses, Settings(weekly_hours=4, timezone="UTC"), day)
    assert _blocks_of_plan(afresh) != cli_blocks


async def test_past_week_shows_what_was_done_in_cli_and_app(make_app, ws, run):
    run("log", "algebra", "45m", now=NOW - timedelta(days=3))
    run("log", "calculus", "1h", now=NOW - timedelta(days=1))
    day = (NOW - timedelta(days=7)).date()
    cli_blocks = _blocks_of_json(as_json(run("week", "--from", day.isoformat(), "--format", "json")))
    assert cli_blocks == [((NOW - timedelta(days=3)).date().isoformat(), "algebra", 0.75),
                          ((NOW - timedelta(days=1)).date().isoformat(), "calculus", 1.0)]
    text = run("week", "--from", day.isoformat()).output
    assert "✓    45m  Linear algebra" in text and "✓     1h  Calculus" in text

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        screen = app.screen
        assert screen.view.first == day
        app_blocks = _blocks_of_plan(screen.view.plan)
        table = screen.query_one("#week-table", DataTable)
        shown = [(str(table.get_row_at(i)[1]), str(table.get_row_at(i)[2])) for i in range(table.row_count)]
    assert app_blocks == cli_blocks
    assert ("✓ 45m", "Linear algebra (logged)") in shown and ("✓ 1h", "Calculus (logged)") in shown
