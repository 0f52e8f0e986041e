"""The app's way past a refusal for missing prerequisites, and the warning a start carries."""

from __future__ import annotations

import pytest

from textual.widgets import DataTable

from roadmap.progress import load_statuses
from roadmap.status import Status

from tui.conftest import settle


@pytest.mark.slow  # ~3 s: a long Pilot session
async def test_app_asks_learn_anyway_and_warns_on_start(make_app, ws):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.action_show_skill("backprop")
        await settle(pilot)
        assert app.screen.selected_id() == "backprop"
        await pilot.press("s")
        await settle(pilot)
        notes = [n for n in app._notifications if n.severity == "warning"]
        assert notes and "algebra, calculus, regression" in notes[-1].message
        await pilot.press("l")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("n")
        await settle(pilot)
        with ws.read() as s:
            assert load_statuses(s, ws.curriculum)["backprop"] == Status.IN_PROGRESS
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        with ws.read() as s:
            assert load_statuses(s, ws.curriculum)["backprop"] == Status.LEARNED
        assert type(app.screen).__name__ == "BrowserScreen"
        assert app.screen.query_one("#all-skills", DataTable).row_count
