"""Today at the documented minimum size (60x18): the due count, at least three rows of the list and
the whole footer stay visible."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import DataTable, Footer

from roadmap.progress import set_status
from roadmap.settings import Settings
from roadmap.status import Status
from roadmap.tui.app import RoadmapApp
from roadmap.workspace import Workspace

from conftest import NOW
from tui.conftest import settle, text_of
from tui.test_screens import seed


async def assert_usable(app) -> None:
    screen = app.screen
    assert type(screen).__name__ == "TodayScreen"
    assert "to review" in text_of(screen.query_one("#summary"))
    assert screen.query_one("#summary").region.height >= 1
    table = screen.query_one("#skills", DataTable)
    assert table.row_count >= 3
    assert table.scrollable_content_region.height >= 4  # the header and at least three rows
    footer = screen.query_one(Footer)
    assert footer.region.height == 1 and footer.region.bottom == app.size.height
    keys = list(footer.query("FooterKey"))
    assert keys and all(k.region.right <= app.size.width for k in keys)
    labels = " ".join(f"{k.key_display} {k.description}" for k in keys)
    assert "q Quit" in labels and "? Help" in labels and "r Review" in labels


async def test_today_at_60x18_small_curriculum(make_app):
    app = make_app()
    async with app.run_test(size=(60, 18)) as pilot:
        await settle(pilot)
        await assert_usable(app)


@pytest.mark.slow
async def test_today_at_60x18_bundled_curriculum_with_many_due(tmp_path):
    ws = Workspace(tmp_path / "bundled.db")
    try:
        cur = ws.curriculum
        learned = [s for s in cur.skills if not cur.skills[s].requires][:8]
        with ws.write() as s:
            set_status(s, cur, learned, Status.LEARNED, now=NOW - timedelta(days=30), settings=Settings(timezone="UTC"))
        app = RoadmapApp(ws, clock=lambda: NOW)
        async with app.run_test(size=(60, 18)) as pilot:
            await settle(pilot)
            assert len(app.screen.ov.due) >= 3
            await assert_usable(app)
    finally:
        ws.close()


def test_today_snapshot_at_60x18(snap_compare, make_app, ws):
    seed(ws)

    async def run_before(pilot):
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(60, 18), run_before=run_before)
