"""Milestones: progress, hours left, forecast date and target status."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from roadmap import wording
from roadmap.tui.screens.base import LoadingScreen
from roadmap.tui.widgets.columns import set_columns
from roadmap.tui.widgets.milestones import bar
from roadmap.tui.widgets.title_bar import TitleBar


class MilestonesScreen(LoadingScreen):
    """Each milestone with a bar, its forecast, and how it stands against its target."""

    TITLE = "Milestones"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="milestones.back", tooltip="Back to Today"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("Forecasting…", id="milestones-note")
        yield DataTable(id="milestones-table", cursor_type="row")
        yield Footer(show_command_palette=False)

    forecasts: list | None = None

    def on_resize(self) -> None:
        if self.forecasts is not None:
            self.show(self.forecasts)

    def read(self) -> list:
        from roadmap.actions.milestones import milestone_forecasts

        return milestone_forecasts(self.app.workspace, now=self.app.now())

    def show(self, forecasts: list) -> None:
        """Draw one row per milestone."""
        self.forecasts = forecasts
        t = self.query_one("#milestones-table", DataTable)
        wide = self.size.width >= 110
        cols = [("name", "Milestone", None), ("bar", "Progress", 16 if wide else 10), ("left", "Left", 6),
                ("forecast", "Forecast", 11)]
        if wide:
            cols += [("target", "Target", 11)]
        cols += [("status", "Status", 26 if wide else 21)]
        set_columns(t, cols)
        for f in forecasts:
            p = f.progress
            row = [Text(p.name, no_wrap=True, overflow="ellipsis"),
                   bar(p.fraction, 10 if wide else 5) + f" {round(100 * p.fraction):>3}%",
                   wording.duration_hours(p.hours_remaining), wording.date_text(f.forecast) if f.forecast else "—"]
            if wide:
                row.append(wording.date_text(f.target) if f.target else "—")
            row.append(Text(wording.forecast_text(f) or "no target", no_wrap=True, overflow="ellipsis"))
            t.add_row(*row)
        self.query_one("#milestones-note", Static).update(
            "Forecasts play your study plan forward at your weekly hours, study days, time off and reviews. "
            "Set a target in Settings (,) or with [b]roadmap config target.ID YYYY-MM-DD[/b].")
