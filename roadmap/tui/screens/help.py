"""Help: every key of the screen below and of the app, with what it does."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def _key(b: Binding) -> str:
    return b.key_display or ", ".join(k.replace("question_mark", "?") for k in b.key.split(","))


def keys_markup(screen: Screen) -> str:
    """Rich markup listing the bindings of ``screen`` and of the app."""
    sections = [(screen.TITLE or type(screen).__name__, screen.BINDINGS), ("Everywhere", screen.app.BINDINGS)]
    lines = []
    for title, bindings in sections:
        lines.append(f"[b]{escape(str(title))}[/b]")
        for b in bindings:
            if isinstance(b, Binding):
                lines.append(f"  {_key(b):<10} {escape(b.description):<12} {escape(b.tooltip)}")
        lines.append("")
    lines.append("[dim]Ctrl+P opens the command palette: jump to any screen or skill by name.[/dim]")
    return "\n".join(lines)


class HelpScreen(ModalScreen):
    """A modal list of keys; any of Esc, q, ? or F1 closes it."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "app.pop_screen", "Close", id="help.close")]

    def __init__(self, below: Screen) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(keys_markup(self.below), id="help-text")
