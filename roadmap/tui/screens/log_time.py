"""A small dialog asking how long you studied a skill."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from roadmap.durations import DurationError, parse_duration
from roadmap.tui.widgets.text import esc as escape


class LogTimeScreen(ModalScreen[float | None]):
    """Returns the hours typed (90m, 1.5h, 1h30m, 1:30), or None if cancelled with Esc."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="log.cancel", tooltip="Close without logging")]

    def __init__(self, skill_name: str) -> None:
        super().__init__()
        self.skill_name = skill_name

    def compose(self) -> ComposeResult:
        with Vertical(id="log-box"):
            yield Static(f"How long did you study [b]{escape(self.skill_name)}[/b]?")
            yield Input(placeholder="e.g. 45m, 1.5h, 1h30m", id="log-input")
            yield Static("Enter logs it · Esc cancels", id="log-hint")

    def on_mount(self) -> None:
        self.query_one("#log-input", Input).focus()

    @on(Input.Submitted, "#log-input")
    def _submit(self, event: Input.Submitted) -> None:
        try:
            hours = parse_duration(event.value)
        except DurationError as e:
            self.query_one("#log-hint", Static).update(f"✗ {escape(str(e))}")
            return
        self.dismiss(hours)

    def action_cancel(self) -> None:
        """Close without logging."""
        self.dismiss(None)
