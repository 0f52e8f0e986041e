"""Cohort: a mentor's mentees, most at risk first; the selected mentee's milestone and stuck skills below."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from roadmap import wording
from roadmap.tui.screens.base import LoadingScreen
from roadmap.tui.widgets.columns import set_columns
from roadmap.tui.widgets.text import esc as escape
from roadmap.tui.widgets.title_bar import TitleBar
from roadmap.tui.widgets.key_footer import KeyFooter

EMPTY = ("[b]No mentees.[/b] The cohort view lists the learners assigned to you as mentees on a team "
         "database (PostgreSQL): their progress per stage, next milestone, overdue reviews and stuck skills, "
         "most at risk first. The team's database owner assigns mentees with [b]roadmap admin[/b].")
NOTE = ("Most at risk first: weeks late on the next milestone, then reviews overdue, then days inactive. "
        "Forecasts are quick estimates at each learner's weekly hours.")


def learner_label(name: str) -> str:
    """A learner's role name, or ``(local)`` for a database file's own learner."""
    return name or "(local)"


class CohortScreen(LoadingScreen):
    """One row per mentee (:func:`roadmap.actions.cohort.cohort`), sorted by risk; the highlighted
    mentee's stages, next milestone and stuck skills in the panel below."""

    TITLE = "Cohort"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="cohort.back", tooltip="Back to Today"),
    ]

    view = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("Reading the cohort…", id="cohort-note")
        yield DataTable(id="cohort-table", cursor_type="row")
        with VerticalScroll(id="cohort-detail-scroll"):
            yield Static("", id="cohort-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#cohort-detail-scroll").border_title = "Mentee"
        self.query_one("#cohort-table", DataTable).focus()

    def on_resize(self) -> None:
        if self.view is not None:
            self.show(self.view)

    def read(self):
        from roadmap.actions.cohort import cohort

        return cohort(self.app.workspace, now=self.app.now())

    def selected(self):
        """The :class:`roadmap.actions.cohort.CohortRow` under the cursor, or None."""
        t = self.query_one("#cohort-table", DataTable)
        if self.view is None or not self.view.rows or not t.row_count:
            return None
        return self.view.rows[min(t.cursor_row, len(self.view.rows) - 1)]

    def show(self, view) -> None:
        """Draw one row per mentee, then the highlighted one's detail (or the empty state)."""
        self.view = view
        t = self.query_one("#cohort-table", DataTable)
        keep = t.cursor_row
        wide = self.size.width >= 110
        cols = [("learner", "Learner", None), ("late", "Late", 7), ("overdue", "Overdue", 7),
                ("retention", "Ret.", 4), ("h7", "7 days", 6), ("stuck", "Stuck", 5), ("active", "Active", 11)]
        if wide:
            cols[1:1] = [("milestone", "Next milestone", 24), ("forecast", "Forecast", 11)]
            cols.insert(-1, ("h28", "28 days", 7))
        set_columns(t, cols)
        for r in view.rows:
            late = "—" if r.weeks_late is None else (f"{r.weeks_late} wk" if r.weeks_late else "on time")
            if r.milestone is not None and r.forecast is None:
                late = "10 y+"
            cells = {"learner": Text(learner_label(r.learner), no_wrap=True, overflow="ellipsis"), "late": late,
                     "overdue": str(r.overdue),
                     "retention": wording.percent(r.retention) if r.retention is not None else "—",
                     "h7": wording.duration_hours(r.hours_7), "h28": wording.duration_hours(r.hours_28),
                     "stuck": str(len(r.stuck)),
                     "active": wording.date_text(r.last_active) if r.last_active else "never",
                     "milestone": Text(r.milestone_name or "all reached", no_wrap=True, overflow="ellipsis"),
                     "forecast": wording.date_text(r.forecast) if r.forecast else "—"}
            t.add_row(*(cells[k] for k, _, _ in cols), key=r.learner)
        if t.row_count:
            t.move_cursor(row=min(keep, t.row_count - 1))
        t.display = bool(view.rows)
        self.query_one("#cohort-detail-scroll").display = bool(view.rows)
        self.query_one("#cohort-note", Static).update(NOTE if view.rows else EMPTY)
        self.show_detail()

    @on(DataTable.RowHighlighted, "#cohort-table")
    def _highlighted(self) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        """The highlighted mentee's stages, next milestone (forecast, target) and stuck skills."""
        r = self.selected()
        detail = self.query_one("#cohort-detail", Static)
        if r is None:
            detail.update("")
            return
        cur = self.app.workspace.curriculum
        lines = [f"[b]{escape(learner_label(r.learner))}[/b]  "
                 + "  ".join(f"{escape(s.name)} {s.done}/{s.total}" for s in r.stages)]
        if r.milestone is None:
            lines.append("Every milestone reached.")
        else:
            when = wording.date_text(r.forecast) if r.forecast else "beyond 10 years"
            target = f", target {wording.date_text(r.target)}" if r.target else ", no target"
            late = f" ({r.weeks_late} wk late)" if r.weeks_late else ""
            lines.append(f"Next: {escape(r.milestone_name)}, forecast {when}{target}{late}")
        if r.stuck:
            names = ", ".join(f"{cur.skills[s].name} (since {wording.date_text(d)})"
                              for s, d in zip(r.stuck, r.stuck_since))
            lines.append(f"Stuck ({self.view.stuck_weeks}+ weeks): {escape(names)}")
        else:
            lines.append("Nothing stuck.")
        ret = f"{wording.percent(r.retention)} of {r.reviews}" if r.retention is not None else "no reviews"
        lines.append(f"Overdue {r.overdue} · retention {ret} (90 days) · "
                     f"{wording.duration_hours(r.hours_7)} this week, {wording.duration_hours(r.hours_28)} in 28 days")
        detail.update("\n".join(lines))
