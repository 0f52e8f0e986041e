"""Milestones: the career ladder with progress, forecast, target, deliverable and missing skills."""

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
from roadmap.tui.widgets.milestones import bar
from roadmap.tui.widgets.text import esc as escape
from roadmap.tui.widgets.title_bar import TitleBar
from roadmap.tui.widgets.key_footer import KeyFooter

MISSING_SHOWN = 12  # skills named in the detail; the rest are counted


class MilestonesScreen(LoadingScreen):
    """Each milestone (stages first, concrete milestones under their stage) with a bar, its forecast and
    target; the selected one's deliverable and missing skills below. `d` sets or clears its target."""

    TITLE = "Milestones"
    BINDINGS = [
        Binding("d", "target", "Target date", id="milestones.target",
                tooltip="Set or clear the selected milestone's target date (the plan works towards it)"),
        Binding("escape", "app.pop_screen", "Back", id="milestones.back", tooltip="Back to Today"),
    ]

    rows: list | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("Forecasting…", id="milestones-note")
        yield DataTable(id="milestones-table", cursor_type="row")
        with VerticalScroll(id="milestone-detail-scroll"):
            yield Static("", id="milestone-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#milestone-detail-scroll").border_title = "Milestone"
        self.query_one("#milestones-table", DataTable).focus()

    def on_resize(self) -> None:
        if self.rows is not None:
            self.show(self.rows)

    def read(self) -> list:
        from roadmap.actions.ladder import ladder

        return ladder(self.app.workspace, now=self.app.now())

    def selected(self):
        """The :class:`roadmap.actions.ladder.LadderRow` under the cursor, or None."""
        t = self.query_one("#milestones-table", DataTable)
        if not self.rows or not t.row_count:
            return None
        return self.rows[min(t.cursor_row, len(self.rows) - 1)]

    def show(self, rows: list) -> None:
        """Draw one row per milestone, then the selected one's detail."""
        self.rows = rows
        t = self.query_one("#milestones-table", DataTable)
        keep = t.cursor_row
        wide = self.size.width >= 110
        # Narrow: the percentage alone (no bar), and no Target column while no milestone has a target (the
        # detail below says "Target: none"), so the name column keeps whole names at 80 columns.
        targets = wide or any(r.forecast.target for r in rows)
        cols = [("name", "Milestone", None), ("bar", "Progress", 16) if wide else ("bar", "Done", 4),
                ("left", "Left", 8), ("forecast", "Forecast", 11)]
        if targets:
            cols += [("target", "Target", 11 if wide else 13)]
        if wide:
            cols += [("status", "Status", 22)]
        set_columns(t, cols)
        for r in rows:
            f, p = r.forecast, r.forecast.progress
            name = ("  " * r.depth) + p.name
            row = [Text(name, no_wrap=True, overflow="ellipsis"),
                   (bar(p.fraction, 10) + " " if wide else "") + f"{round(100 * p.fraction):>3}%",
                   wording.duration_hours(p.hours_remaining), wording.date_text(f.forecast) if f.forecast else "—"]
            if targets:
                # narrow (no Status column): a target the forecast misses is marked "!" (the detail says by how much)
                late = f.target is not None and str(f.status) not in ("reached", "on track")
                row.append(Text((("! " if late and not wide else "") + wording.date_text(f.target)) if f.target
                                else "—", style="bold red" if late else ""))
            if wide:
                row.append(Text(wording.forecast_text(f) or "no target", no_wrap=True, overflow="ellipsis"))
            t.add_row(*row, key=r.milestone.id)
        if t.row_count:
            t.move_cursor(row=min(keep, t.row_count - 1))
        if not rows:
            self.query_one("#milestones-note", Static).update("No milestones in this curriculum.")
        else:
            self.query_one("#milestones-note", Static).update(
                "Forecasts play your study plan forward at your weekly hours, study days, time off and reviews. "
                "[b]d[/b] sets or clears the selected milestone's target date.")
        self.show_detail()

    @on(DataTable.RowHighlighted, "#milestones-table")
    def _highlighted(self) -> None:
        self.show_detail()

    @on(DataTable.RowSelected, "#milestones-table")
    def _selected(self) -> None:
        self.action_target()

    def show_detail(self) -> None:
        """The selected milestone's id, deliverable, target standing and missing skills."""
        r = self.selected()
        detail = self.query_one("#milestone-detail", Static)
        if r is None:
            detail.update("")
            return
        cur = self.app.workspace.curriculum
        f, m = r.forecast, r.milestone
        lines = [f"[b]{escape(m.name)}[/b]  [dim]{escape(m.id)}[/dim]"]
        if m.deliverable:
            lines.append(f"Deliverable: {escape(m.deliverable)}")
        standing = wording.forecast_text(f)
        if f.target is not None and f.needed_hours_per_week is not None and str(f.status) not in ("reached", "on track"):
            behind = f"{wording.plural(f.weeks_behind, 'week')} after it" if f.weeks_behind else "after it"
            standing = f"forecast {behind}; meeting it needs {f.needed_hours_per_week:g}h a week"
        lines.append(f"Target: {wording.date_text(f.target) if f.target else 'none'}"
                     + (f" · {standing}" if standing else ""))  # the standing may hold its own parentheses
        if r.missing:
            names = ", ".join(cur.skills[s].name for s in r.missing[:MISSING_SHOWN])
            more = f" and {len(r.missing) - MISSING_SHOWN} more" if len(r.missing) > MISSING_SHOWN else ""
            lines.append(f"Missing {wording.plural(len(r.missing), 'skill')}: {escape(names)}{more}")
        else:
            lines.append("Every skill it needs is learned or skipped.")
        detail.update("\n".join(lines))

    def action_target(self) -> None:
        """Ask for the selected milestone's target date (empty clears it) and store it."""
        r = self.selected()
        if r is None:
            self.notify("No milestone selected.", severity="warning", timeout=2)
            return
        from roadmap.tui.screens.target import TargetScreen

        def saved(value: str | None) -> None:
            if value is None:
                return
            # Short and brief: at 80 columns a toast covers the table's right half (the table shows the target).
            self.notify("Target cleared" if value == "none" else f"Target {value}", timeout=2)
            self.action_reload()

        current = r.forecast.target.isoformat() if r.forecast.target else ""
        self.app.push_screen(TargetScreen(r.milestone.id, r.milestone.name, current), saved)
