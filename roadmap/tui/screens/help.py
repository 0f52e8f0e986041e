"""Help: every key of the screen below and of the app, with what it does."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def _key(b: Binding) -> str:
    names = {"question_mark": "?", "slash": "/", "comma": ",", "left_square_bracket": "[",
             "right_square_bracket": "]", "escape": "esc"}
    return b.key_display or ", ".join(names.get(k, k) for k in b.key.split(","))


def keys_table(screen: Screen) -> Table:
    """A table of the bindings of ``screen`` and of the app: key, name, what it does."""
    t = Table(box=None, show_header=False, pad_edge=False, expand=True)
    t.add_column("key", no_wrap=True, style="bold", width=8)
    t.add_column("name", no_wrap=True, width=11)
    t.add_column("what", ratio=1)
    sections = [(screen.TITLE or type(screen).__name__, screen.BINDINGS), ("Everywhere", screen.app.BINDINGS)]
    for n, (title, bindings) in enumerate(sections):
        if n:
            t.add_row("", "", "")
        t.add_row(f"[u]{escape(str(title))}[/u]", "", "")
        for b in bindings:
            if isinstance(b, Binding):
                t.add_row(escape(_key(b)), escape(b.description), escape(b.tooltip))
    t.add_row("", "", "")
    t.add_row("", "", "[dim]Ctrl+P: the command palette — this screen's actions, every screen, "
                      "and every skill by name.[/dim]")
    return t


class HelpScreen(ModalScreen):
    """A modal list of keys; any of Esc, q, ? or F1 closes it."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "app.pop_screen", "Close", id="help.close")]

    def __init__(self, below: Screen) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(keys_table(self.below), id="help-text")
