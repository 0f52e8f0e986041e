"""Help: every key of the screen below and of the app, with what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from roadmap.status import SkillState
from roadmap.tui.widgets.text import esc as escape
from roadmap.wording import STATE_GLYPHS, STATE_WORDS, STREAK_TEXT

STATUS_STATES = [SkillState.READY, SkillState.LOCKED, SkillState.IN_PROGRESS, SkillState.LEARNED, SkillState.SKIPPED]


def _glyphs(states) -> str:
    return "".join(STATE_GLYPHS[s] for s in states)


def _key(b: Binding) -> str:
    names = {"question_mark": "?", "slash": "/", "comma": ",", "left_square_bracket": "[",
             "right_square_bracket": "]", "escape": "esc"}
    return b.key_display or ", ".join(names.get(k, k) for k in b.key.split(","))


def key_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(key, name, what it does) rows for the bindings of ``screen`` and of the app, with section
    headings as rows whose key is the heading and whose other cells are empty."""
    rows: list[tuple[str, str, str]] = []
    sections = [(screen.TITLE or type(screen).__name__, screen.BINDINGS), ("Everywhere", screen.app.BINDINGS)]
    for title, bindings in sections:
        rows.append((str(title), "", ""))
        rows += [(_key(b), b.description, b.tooltip) for b in bindings if isinstance(b, Binding)]
    rows += [
        ("Moving", "", ""),
        ("↑ ↓", "Select", "Move in lists and tables; PgUp/PgDn scroll; Tab moves between panels"),
        ("ctrl+p", "Commands", "The command palette: this screen's actions, every screen, every skill by name"),
        ("esc", "Close", "Close this help (so do ?, F1 and q)"),
        ("Words", "", ""),
        (_glyphs(STATUS_STATES), "Status", " · ".join(STATE_WORDS[s] for s in STATUS_STATES)
         + " (ready: every prerequisite learned or skipped; locked: some still missing)"),
        (STATE_GLYPHS[SkillState.FADING], "Fading",
         "A learned skill whose memory (retrievability) is below your desired retention"),
        ("", "Streak", STREAK_TEXT),
        ("", "Frontier", "Skills whose prerequisites are all learned or skipped: ready to study"),
    ]
    return rows


class HelpScreen(ModalScreen):
    """A modal list of keys; any of Esc, q, ? or F1 closes it."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "app.pop_screen", "Close", id="help.close")]

    def __init__(self, below: Screen) -> None:
        super().__init__()
        self.below = below

    def on_mount(self) -> None:
        box = self.query_one("#help-box")
        box.border_title = f"Keys: {self.below.TITLE or type(self.below).__name__}"
        box.border_subtitle = "esc closes"  # said at once, not only in the last rows

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            with Grid(id="help-grid"):
                for key, name, what in key_rows(self.below):
                    if not name and not what:
                        yield Static(f"[b u]{escape(key)}[/b u]", classes="help-section")
                    else:
                        yield Static(escape(key), classes="help-key")
                        yield Static(escape(name))
                        yield Static(escape(what))
