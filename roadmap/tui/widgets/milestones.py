"""Milestone progress bars, drawn with characters so they read without colour."""

from __future__ import annotations

from textual.widgets import Static

from roadmap.planning import MilestoneProgress
from roadmap.tui.widgets.text import esc as escape


def bar(fraction: float, width: int) -> str:
    """A bar of ``width`` cells, ``fraction`` (0-1) of them filled."""
    filled = max(0, min(width, round(width * fraction)))
    return "█" * filled + "░" * (width - filled)


class MilestoneBars(Static):
    """One line per milestone: name, bar, percent, done/required."""

    def show(self, milestones: list[MilestoneProgress], width: int | None = None) -> None:
        """Render the milestones to fit the widget's width."""
        w = width or max(40, self.size.width or 80)
        name_w = min(34, max(len(m.name) for m in milestones)) if milestones else 10
        bar_w = max(6, w - name_w - 16)
        lines = []
        for m in milestones:
            name = m.name if len(m.name) <= name_w else m.name[: name_w - 1] + "…"
            lines.append(f"{escape(f'{name:<{name_w}}')} {bar(m.fraction, bar_w)} {round(100 * m.fraction):>3}% "
                         f"{m.done:>3}/{m.required:<3}")
        self.update("\n".join(lines) or "[dim]No milestones in this curriculum.[/dim]")
