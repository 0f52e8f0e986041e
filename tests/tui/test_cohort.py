"""The Cohort screen: mentees sorted by risk with the selected one's detail; the empty state."""

from __future__ import annotations

from roadmap.actions.cohort import Cohort
from roadmap.tui.app import RoadmapApp
from roadmap.workspace import Workspace

from actions.test_cohort import _fill_sqlite
from conftest import NOW, SMALL
from tui.conftest import settle, text_of


def _app(tmp_path) -> RoadmapApp:
    path = tmp_path / "team.db"
    _fill_sqlite(path)
    return RoadmapApp(Workspace(path, SMALL), clock=lambda: NOW)


def test_cohort_snapshot_80x24(snap_compare, tmp_path):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("down")  # cat: an overdue review, inactive for 100 days
        await settle(pilot)

    assert snap_compare(_app(tmp_path), terminal_size=(80, 24), run_before=run_before)


async def test_cohort_rows_and_detail(tmp_path):
    app = _app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert [r.learner for r in screen.view.rows] == ["ann", "cat", "bob"]
        detail = text_of(screen.query_one("#cohort-detail"))
        assert "ann" in detail and "Linear regression" in detail and "Basics" in detail


async def test_cohort_empty_state(tmp_path):
    app = _app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        app.screen.show(Cohort([], True, 4))
        await pilot.pause()
        assert "No mentees" in text_of(app.screen.query_one("#cohort-note"))
        assert not app.screen.query_one("#cohort-table").display
