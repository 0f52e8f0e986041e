"""A small dialog that sets or clears a milestone's target date, through the same action as
`roadmap config target.ID`."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from roadmap.errors import RoadmapError
from roadmap.tui.widgets.text import esc as escape


class TargetScreen(ModalScreen[str | None]):
    """Asks for a target date (YYYY-MM-DD; empty clears it) and stores it; returns the stored value
    ("none" when cleared), or None if cancelled with Esc. An invalid date is explained in place."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="target.cancel", tooltip="Close without changing it")]

    def __init__(self, milestone_id: str, name: str, current: str = "") -> None:
        super().__init__()
        self.milestone_id = milestone_id
        self.milestone_name = name
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="target-box"):
            yield Static(f"Target date for [b]{escape(self.milestone_name)}[/b] ({escape(self.milestone_id)})")
            yield Input(value=self.current, placeholder="YYYY-MM-DD, empty to clear", id="target-input")
            yield Static("Enter saves (empty clears) · Esc cancels", id="target-hint")

    def on_mount(self) -> None:
        self.query_one("#target-input", Input).focus()

    @on(Input.Submitted, "#target-input")
    def _submit(self, event: Input.Submitted) -> None:
        from roadmap import settings as sm
        from roadmap.actions import settings

        try:
            saved = settings.set(self.app.workspace, f"{sm.TARGET_PREFIX}{self.milestone_id}", event.value.strip(),
                                 now=self.app.now())
        except RoadmapError as e:
            self.query_one("#target-hint", Static).update(f"✗ {escape(str(e))}")
            return
        self.dismiss(saved.value)

    def action_cancel(self) -> None:
        """Close without changing the target."""
        self.dismiss(None)
