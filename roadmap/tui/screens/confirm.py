"""A small yes/no dialog: "learn anyway?" when prerequisites are missing, "learn with prerequisites?"."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from roadmap.tui.widgets.text import esc as escape


class ConfirmScreen(ModalScreen[bool]):
    """Asks ``question`` (after ``detail``, shown as written); returns True for y / Enter, False for n / Esc."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes", tooltip="Do it anyway"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", tooltip="Leave it as it is"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            if self.detail:
                with VerticalScroll(id="confirm-scroll"):  # a long list (e.g. prerequisites to mark) scrolls
                    yield Static(escape(self.detail), id="confirm-detail")
            yield Static(f"[b]{escape(self.question)}[/b]", id="confirm-question")
            yield Static("y / Enter: yes · n / Esc: no", id="confirm-hint")

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)
