"""Shown instead of a garbled screen when the terminal is too small."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static


class TooSmallScreen(Screen):
    """A plain note with the size needed; it goes away when the terminal grows."""

    BINDINGS = [Binding("q", "app.quit", "Quit", id="small.quit")]

    def __init__(self, width: int, height: int) -> None:
        super().__init__()
        self.need = (width, height)

    def compose(self) -> ComposeResult:
        yield Static(id="too-small")

    def on_mount(self) -> None:
        self._say()

    def on_resize(self) -> None:
        self._say()

    def _say(self) -> None:
        w, h = self.need
        self.query_one("#too-small", Static).update(
            f"Terminal too small\n\nroadmap needs {w}×{h};\nthis one is {self.app.size.width}×"
            f"{self.app.size.height}.\n\nEnlarge it, or q to quit.")
