"""The weekly plan, week by week: each day's reviews and study blocks."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from roadmap import wording
from roadmap.actions.week import WeekView, finishes_on, is_rest_day
from roadmap.tui.screens.base import LoadingScreen
from roadmap.tui.widgets.columns import set_columns
from roadmap.tui.widgets.title_bar import TitleBar
from roadmap.tui.widgets.text import esc as escape


class WeekScreen(LoadingScreen):
    """The plan for one week; `[` and `]` (or ← →) move a week back and forward."""

    TITLE = "Week"
    BINDINGS = [
        Binding("left_square_bracket,left", "shift(-1)", "−7 days", id="week.prev", key_display="[",
                tooltip="Show the seven days before"),
        Binding("right_square_bracket,right", "shift(1)", "+7 days", id="week.next", key_display="]",
                tooltip="Show the seven days after"),
        Binding("n", "shift(0)", "From today", id="week.today", tooltip="Back to the seven days starting today (now)"),
        Binding("escape", "app.pop_screen", "Back", id="week.back", tooltip="Back to Today"),
    ]

    view = None  # the WeekView drawn last

    def __init__(self) -> None:
        super().__init__()
        self.week_offset = 0

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("Planning…", id="week-summary")
        yield DataTable(id="week-table", cursor_type="row")
        yield Footer(show_command_palette=False)

    def action_shift(self, weeks: int) -> None:
        """Move by ``weeks`` (0: back to this week)."""
        self.week_offset = 0 if weeks == 0 else self.week_offset + weeks
        self.action_reload()

    def read(self):
        from roadmap.actions.week import week_at

        return week_at(self.app.workspace, now=self.app.now(), offset=self.week_offset)

    def show(self, view: WeekView) -> None:
        """Draw the week: a row per review batch and study block."""
        self.view = view
        plan, today = view.plan, view.today
        cur = self.app.workspace.curriculum
        self.sub_title = wording.range_text(view.first, view.last)
        parts = [f"[b]{wording.duration_hours(plan.planned_hours)}[/b] planned of "
                 f"{wording.duration_minutes(plan.budget_minutes)} available"]
        if plan.finished:
            parts.append(f"finishes {wording.plural(len(plan.finished), 'skill')}")
        if plan.milestones_reached:
            parts.append("reaches " + escape(", ".join(cur.milestone(x).name for x in plan.milestones_reached)))
        self.query_one("#week-summary", Static).update("  ·  ".join(parts))
        t = self.query_one("#week-table", DataTable)
        set_columns(t, [("day", "Day", 8), ("time", "Time", 6), ("what", "What", None)])
        for d in plan.days:
            label = f"{d.day:%a} {d.day.day}" + (" •" if d.day == today else "")
            if d.off:
                t.add_row(label, "", Text("time off", style="italic"))
                continue
            if is_rest_day(d):
                t.add_row(label, "", Text("rest day", style="dim"))
                continue
            first_row = True
            if d.reviews:
                t.add_row(label, wording.duration_minutes(d.review_minutes), wording.plural(d.reviews, "review"))
                first_row = False
            for b in d.blocks:
                name = cur.skills[b.skill_id].name
                done = " ✓ finishes" if finishes_on(view, b.skill_id, d.day) else ""
                t.add_row(label if first_row else "", wording.duration_minutes(b.minutes),
                          Text(name + done, no_wrap=True, overflow="ellipsis"))
                first_row = False
