"""Stats: review heatmap of the last year, the next 30 days' reviews, retention, counts."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from roadmap import wording
from roadmap.actions.stats import Stats, heatmap_lines, sparkline
from roadmap.tui.screens.base import LoadingScreen
from roadmap.tui.widgets.title_bar import TitleBar
from roadmap.tui.widgets.key_footer import KeyFooter


class StatsScreen(LoadingScreen):
    """Characters, not colours, carry the values, so it reads with NO_COLOR too."""

    TITLE = "Stats"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="stats.back", tooltip="Back to Today")]

    stats: Stats | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="stats-scroll"):
            yield Static("Counting…", id="stats-heatmap")
            yield Static(id="stats-forecast")
            yield Static(id="stats-numbers")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#stats-heatmap").border_title = "Reviews, last 52 weeks"
        self.query_one("#stats-forecast").border_title = "Reviews due, next 30 days"
        self.query_one("#stats-numbers").border_title = "Retention and progress"

    def on_resize(self) -> None:
        if self.stats is not None:
            self.show(self.stats)

    def read(self) -> Stats:
        from roadmap.actions.stats import stats

        return stats(self.app.workspace, now=self.app.now())

    def show(self, st: Stats) -> None:
        """Draw the heatmap, the forecast and the numbers."""
        self.stats = st
        weeks = max(4, min(52, (self.size.width or 80) - 10))
        lines = heatmap_lines(st.history, st.today, weeks)
        legend = "less · ░ ▒ ▓ █ more   (· no reviews)"
        self.query_one("#stats-heatmap", Static).update("\n".join(lines) + f"\n{legend}  total {st.total_reviews}")
        counts = [n for _, n in st.forecast]
        peak = max(counts, default=0)
        first, last = st.forecast[0][0], st.forecast[-1][0]
        self.query_one("#stats-forecast", Static).update(
            f"{sparkline(counts)}  peak {peak}/day\n{wording.date_text(first)}"
            f"{' ' * max(1, len(counts) - len(wording.date_text(first)) - len(wording.date_text(last)))}"
            f"{wording.date_text(last)}")
        if st.retention is None:
            ret = "Retention achieved: no reviews in the last year yet"
        else:
            ret = (f"Retention achieved (last 365 days): [b]{wording.percent(st.retention)}[/b] of {st.retention_reviews} "
                   f"reviews recalled · desired {wording.percent(st.desired_retention)}")
        counts_line = " · ".join(f"{wording.status_word(k)} {v}" for k, v in st.counts.items())
        if st.prior:
            counts_line += f" ({st.prior} learned as prior knowledge)"
        self.query_one("#stats-numbers", Static).update(f"{ret}\nSkills: {counts_line}")
