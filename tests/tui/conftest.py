"""TUI fixtures: an app factory on a temporary database with a frozen clock."""

from __future__ import annotations

import pytest

from roadmap.tui.app import RoadmapApp

from conftest import NOW


@pytest.fixture
def make_app(ws):
    """make_app(now=NOW) -> RoadmapApp on the small curriculum and a fresh database."""

    def _make(now=NOW):
        return RoadmapApp(ws, clock=lambda: now)

    return _make


async def settle(pilot) -> None:
    """Wait until workers are done and the screen has processed their messages."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def text_of(widget) -> str:
    """The plain text a widget renders (markup and tables included)."""
    from rich.console import Console

    console = Console(width=max(40, widget.size.width or 100), record=True, file=open("/dev/null", "w"))
    rendered = widget.render()
    rendered = getattr(rendered, "_renderable", rendered)  # a Rich renderable wrapped by Textual
    console.print(rendered if not hasattr(rendered, "plain") else rendered.plain)
    return console.export_text()
