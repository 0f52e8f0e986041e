"""The weekly plan, week by week: each day's reviews and study blocks."""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from roadmap.durations import format_minutes
from roadmap.planning import weekly_plan
from roadmap.today import plan_context
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

    def read(self) -> tuple:
        offset = self.week_offset
        app = self.app
        cur = app.workspace.curriculum
        with app.workspace.read() as s:
            pc = plan_context(s, cur, app.now(), days=7 * (max(offset, 0) + 1))
        first = pc.today + timedelta(days=7 * offset)
        # A later week starts from what the weeks before it are planned to finish.
        if offset > 0:
            before = weekly_plan(cur, pc.statuses, pc.settings, pc.today, days=7 * offset, logged=pc.logged,
                                 reviews=pc.reviews, time_off=pc.time_off)
            logged = dict(pc.logged)
            for d in before.days:
                for b in d.blocks:
                    logged[b.skill_id] = logged.get(b.skill_id, 0.0) + b.hours
            statuses = dict(pc.statuses)
            from roadmap.models import Status

            statuses.update({s: Status.LEARNED for s in before.finished})
        else:
            logged, statuses = pc.logged, pc.statuses
        plan = weekly_plan(cur, statuses, pc.settings, first, logged=logged, reviews=pc.reviews,
                           time_off=pc.time_off)
        return plan, first, pc.today

    def show(self, data: tuple) -> None:
        """Draw the week: a row per review batch and study block."""
        plan, first, today = data
        cur = self.app.workspace.curriculum
        self.sub_title = f"{first:%d %b} – {first + timedelta(days=6):%d %b %Y}"
        parts = [f"[b]{format_minutes(plan.planned_hours * 60)}[/b] planned of "
                 f"{format_minutes(plan.budget_minutes)} available"]
        if plan.finished:
            parts.append(f"finishes {len(plan.finished)} skill{'s' if len(plan.finished) != 1 else ''}")
        if plan.milestones_reached:
            parts.append("reaches " + escape(", ".join(cur.milestone(x).name for x in plan.milestones_reached)))
        self.query_one("#week-summary", Static).update("  ·  ".join(parts))
        t = self.query_one("#week-table", DataTable)
        set_columns(t, [("day", "Day", 8), ("time", "Time", 6), ("what", "What", None)])
        for d in plan.days:
            label = f"{d.day:%a %d}" + (" •" if d.day == today else "")
            if d.off:
                t.add_row(label, "", Text("time off", style="italic"))
                continue
            if not d.blocks and not d.reviews:
                t.add_row(label, "", Text("rest day", style="dim"))
                continue
            first_row = True
            if d.reviews:
                t.add_row(label, format_minutes(d.review_minutes), f"{d.reviews} review{'s' if d.reviews != 1 else ''}")
                first_row = False
            for b in d.blocks:
                name = cur.skills[b.skill_id].name
                done = " ✓ finishes" if b.skill_id in plan.finished and plan.finished_on.get(b.skill_id) == d.day else ""
                t.add_row(label if first_row else "", format_minutes(b.minutes),
                          Text(name + done, no_wrap=True, overflow="ellipsis"))
                first_row = False
