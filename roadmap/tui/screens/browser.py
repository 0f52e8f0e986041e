"""The roadmap browser: every skill by category, filtered by status and text, with its detail."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Input

from roadmap import wording
from roadmap.actions.skills import status_of
from roadmap.actions.today import Overview
from roadmap.status import SkillState
from roadmap.tui.screens.base import SkillListScreen
from roadmap.tui.widgets.columns import set_columns
from roadmap.tui.widgets.text import esc as escape
from roadmap.tui.widgets.skill_detail import SkillDetail
from roadmap.tui.widgets.title_bar import TitleBar
from roadmap.tui.widgets.key_footer import KeyFooter

FILTERS = ["all", "not_started", "in_progress", "learned", "skipped", "fading", "ready"]
FILTER_LABEL = {"all": "all", "not_started": "not started", "in_progress": "in progress", "learned": "learned",
                "skipped": "skipped", "fading": "fading", "ready": "ready"}


class BrowserScreen(SkillListScreen):
    """All skills grouped by category; `/` searches, `f` cycles the status filter."""

    TITLE = "Browse"
    TABLE = "all-skills"
    DETAIL = "browser-skill"
    BINDINGS = [
        Binding("slash", "search", "Search", id="browser.search", key_display="/",
                tooltip="Search skills by name, id or description"),
        Binding("f", "cycle_filter", "Filter", id="browser.filter",
                tooltip="Cycle the status filter: all, not started, in progress, learned, skipped, fading, ready"),
        Binding("s", "set_status('in_progress')", "Start", id="browser.start",
                tooltip="Mark the selected skill as in progress"),
        Binding("l", "set_status('learned')", "Learn", id="browser.learn",
                tooltip="Mark the selected skill as learned (with prerequisites missing, asks first)"),
        Binding("L", "learn_prior", "Learn + prereqs", id="browser.learn_prior", show=False,
                tooltip="Learn the selected skill and every prerequisite not learned yet, as prior knowledge "
                        "(lists them and asks first; first reviews spread over weeks)"),
        Binding("k", "set_status('skipped')", "Skip", id="browser.skip", tooltip="Skip the selected skill"),
        Binding("h", "log_time", "Log time", id="browser.log", show=False,
                tooltip="Log how long you studied the selected skill (e.g. 45m, 1.5h)"),
        Binding("x", "set_status('not_started')", "Reset", id="browser.reset",
                tooltip="Reset the selected skill to not started"),
        Binding("escape", "back", "Back", id="browser.back", tooltip="Leave the search, or go back to Today"),
    ]

    def __init__(self, select: str | None = None) -> None:
        super().__init__()
        self.filter = "all"
        self.query_text = ""
        self.pending_select = select

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Input(placeholder="Search skills (name, id, description) — Esc to leave", id="search")
        with Horizontal(id="browser-main"):
            with Vertical(id="browser-left"):
                yield DataTable(id=self.TABLE, cursor_type="row")
            with VerticalScroll(id="browser-detail"):
                yield SkillDetail(id=self.DETAIL)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#all-skills", DataTable)
        self.query_one("#browser-detail").border_title = "Skill"
        self._title()
        table.focus()

    def show(self, ov: Overview) -> None:
        """Draw the skills that pass the filters."""
        self.ov = ov
        self._fill()

    def on_resize(self) -> None:
        self._fill()

    def _matches(self, sid: str) -> bool:
        cur = self.app.workspace.curriculum
        st = status_of(self.ov.statuses, sid).value
        state = self.ov.states.get(sid)
        if self.filter == "fading" and state != SkillState.FADING:
            return False
        if self.filter == "ready" and state not in (SkillState.READY, SkillState.IN_PROGRESS):
            return False
        if self.filter not in ("all", "fading", "ready") and st != self.filter:
            return False
        if self.query_text:
            sk = cur.skills[sid]
            hay = f"{sk.id} {sk.name} {sk.description} {cur.category_name(sk.category)}".lower()
            return all(word in hay for word in self.query_text.lower().split())
        return True

    def _fill(self) -> None:
        if self.ov is None:
            return
        cur = self.app.workspace.curriculum
        table = self.query_one("#all-skills", DataTable)
        selected = self.pending_select or self.selected_id()
        self.pending_select = None
        wide = table.size.width >= 70
        set_columns(table, [("mark", "", 1), ("skill", "Skill", None)]
                    + ([("category", "Category", 16)] if wide else []) + [("hours", "h", 4)])
        order = {c.id: i for i, c in enumerate(cur.categories)}
        matches = sorted((sid for sid in cur.skills if self._matches(sid)),
                         key=lambda sid: order.get(cur.skills[sid].category, len(order)))
        if self.query_text:  # skills whose name matches come before those matched by description only
            words = self.query_text.lower().split()
            matches.sort(key=lambda sid: not all(w in f"{sid} {cur.skills[sid].name}".lower() for w in words))
        for sid in matches:
            sk = cur.skills[sid]
            mark = wording.STATE_GLYPHS[self.ov.states[sid]]
            cells = [mark, Text(sk.name, no_wrap=True, overflow="ellipsis")]
            if wide:
                cells.append(Text(cur.category_name(sk.category), no_wrap=True, overflow="ellipsis"))
            table.add_row(*cells, f"{sk.hours:g}", key=sid)
        shown = len(matches)
        rows = [r.value for r in table.rows]
        if selected in rows:
            table.move_cursor(row=rows.index(selected))
        table.border_title = f"Skills: {shown} of {len(cur.skills)} · filter: {FILTER_LABEL[self.filter]}"
        table.border_subtitle = " ".join(wording.STATE_GLYPHS.values()) + " — ? explains"
        self.show_detail()

    def empty_text(self) -> str | None:
        if self.query_one(f"#{self.TABLE}", DataTable).row_count:
            return None
        if not self.query_text.strip():
            return (f"No skill is {FILTER_LABEL[self.filter]}.\n\nPress [b]f[/b] to change the filter.")
        return (f"No skill matches “{escape(self.query_text)}” with the filter {FILTER_LABEL[self.filter]}.\n\n"
                "Press [b]f[/b] to change the filter, or [b]/[/b] to change the search.")

    def _title(self) -> None:
        self.sub_title = f"filter: {FILTER_LABEL[self.filter]}" + (f" · “{self.query_text}”" if self.query_text else "")

    def select(self, skill_id: str) -> None:
        """Show every skill and put the cursor on ``skill_id``."""
        self.filter, self.query_text = "all", ""
        self.query_one("#search", Input).value = ""
        self.pending_select = skill_id
        self._title()
        self._fill()

    def action_search(self) -> None:
        """Focus the search box."""
        self.query_one("#search", Input).focus()

    @on(Input.Changed, "#search")
    def _search(self, event: Input.Changed) -> None:
        self.query_text = event.value.strip()
        self._title()
        self._fill()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one("#all-skills", DataTable).focus()

    def action_cycle_filter(self) -> None:
        """Next status filter."""
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self._title()
        self._fill()

    def action_back(self) -> None:
        """Leave the search box, or go back."""
        search = self.query_one("#search", Input)
        if search.has_focus:
            self.query_one("#all-skills", DataTable).focus()
        else:
            self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # Letter keys type into the search box while it has focus.
        if action in ("set_status", "learn_prior", "cycle_filter", "search") \
                and self.query_one("#search", Input).has_focus:
            return False
        return True
