"""The weekly plan, week by week: each day's reviews and study blocks."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from roadmap import wording
from roadmap.actions.week import WeekView, finishes_on, is_rest_day
from roadmap.tui.screens.base import LoadingScreen
from roadmap.tui.widgets.columns import set_columns
from roadmap.tui.widgets.title_bar import TitleBar
from roadmap.tui.widgets.text import esc as escape
from roadmap.tui.widgets.key_footer import KeyFooter


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
        yield KeyFooter()

    def action_shift(self, weeks: int) -> None:
        """Move by ``weeks`` (0: back to this week)."""
        self.week_offset = 0 if weeks == 0 else self.week_offset + weeks
        self.action_reload()

    def read(self):
        from roadmap.actions.week import week_at

        return week_at(self.app.workspace, now=self.app.now(), offset=self.week_offset)

    def show(self, view: WeekView) -> None:
        """Draw the week: a row per review batch and study block; days gone by show what was done (✓)."""
        self.view = view
        plan, today = view.plan, view.today
        cur = self.app.workspace.curriculum
        fm = wording.duration_minutes
        self.sub_title = wording.range_text(view.first, view.last)
        if view.last < today:
            parts = [f"[b]{fm(view.done_minutes)}[/b] done"]
        else:
            parts = [f"[b]{fm(view.planned_minutes)}[/b] planned of {fm(view.available_minutes)} available"]
            if view.done_minutes:
                parts.append(f"{fm(view.done_minutes)} done")
            if view.beyond_minutes >= 1:
                parts.append(f"+{fm(view.beyond_minutes)} reviews beyond your study time")
        if plan.finished:
            parts.append(f"finishes {wording.plural(len(plan.finished), 'skill')}")
        if plan.milestones_reached:
            parts.append("reaches " + escape(", ".join(cur.milestone(x).name for x in plan.milestones_reached)))
        self.query_one("#week-summary", Static).update("  ·  ".join(parts))
        t = self.query_one("#week-table", DataTable)
        set_columns(t, [("day", "Day", 8), ("time", "Time", 8), ("what", "What", None)])
        for d in plan.days:
            label = f"{d.day:%a} {d.day.day}" + (" •" if d.day == today else "")
            done = view.done.get(d.day)
            rows: list[tuple[str, Text | str]] = []
            if done is not None:
                if done.reviews:
                    rows.append((f"✓ {fm(done.review_minutes)}", wording.plural(done.reviews, "review") + " made"))
                for b in done.study:
                    rows.append((f"✓ {fm(b.minutes)}", Text(cur.skills[b.skill_id].name + " (logged)",
                                                             no_wrap=True, overflow="ellipsis")))
            if view.is_past(d.day):
                if not rows:
                    what = "time off" if d.off else "rest day" if not d.capacity_minutes else "nothing done"
                    rows.append(("", Text(what, style="italic" if d.off else "dim")))
            elif d.off:
                rows.append(("", Text("time off", style="italic")))
            elif is_rest_day(d) and not rows:
                rows.append(("", Text("rest day", style="dim")))
            else:
                if d.reviews:
                    rows.append((fm(d.review_minutes), wording.plural(d.reviews, "review")))
                for b in d.blocks:
                    name = cur.skills[b.skill_id].name
                    mark = " ✓ finishes" if finishes_on(view, b.skill_id, d.day) else ""
                    rows.append((fm(b.minutes), Text(name + mark, no_wrap=True, overflow="ellipsis")))
            for i, (time, what) in enumerate(rows):
                t.add_row(label if i == 0 else "", time, what)
