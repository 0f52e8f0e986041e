"""The Today screen: due reviews, skills in progress, the frontier, milestones.

It draws in two steps: the due count and the review queue first (a cheap read,
:func:`roadmap.actions.today.due_today`), then -- from the same worker -- the
study plan, streak, week and milestones as soon as the planner has them
(:func:`roadmap.actions.today.overview`); "planning…" shows meanwhile.
"""

from __future__ import annotations

import threading
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static

from roadmap import wording
from roadmap.actions.today import STREAK_MAX, DueToday, Overview, due_today, overview, review_session
from roadmap.status import SkillState
from roadmap.tui.screens.base import SkillListScreen
from roadmap.tui.widgets.columns import set_columns
from roadmap.tui.widgets.milestones import MilestoneBars
from roadmap.tui.widgets.text import esc as escape
from roadmap.tui.widgets.skill_detail import SkillDetail
from roadmap.tui.widgets.title_bar import TitleBar
from roadmap.tui.widgets.key_footer import KeyFooter


NEXT_UP_SHOWN = 40
PLANNING = "[dim]planning…[/dim]"
FIRST_DRAW_WAIT_S = 2.0  # the worker plans once the queue is on screen, or after this long at most
NARROW_HIDDEN = {"today.skip"}  # left out of the footer below 80 columns, so the rest (and ? Help) fit  # the best frontier skills; the browser (b) lists them all


class TodayScreen(SkillListScreen):
    """The daily driver: what is due, what to study next, how far the milestones are."""

    TITLE = "Today"
    BINDINGS = [
        Binding("r", "review", "Review", id="today.review",
                tooltip="Review today's queue (or, with nothing due, the fading skills early)"),
        Binding("s", "set_status('in_progress')", "Start", id="today.start",
                tooltip="Mark the selected skill as in progress"),
        Binding("l", "set_status('learned')", "Learn", id="today.learn",
                tooltip="Mark the selected skill as learned; it enters spaced review"),
        Binding("L", "learn_prior", "Learn + prereqs", id="today.learn_prior", show=False,
                tooltip="Learn the selected skill and every prerequisite not learned yet, as prior knowledge "
                        "(lists them and asks first; first reviews spread over weeks)"),
        Binding("k", "set_status('skipped')", "Skip", id="today.skip",
                tooltip="Skip the selected skill (already known or not wanted)"),
        Binding("h", "log_time", "Log time", id="today.log", show=False,
                tooltip="Log how long you studied the selected skill (e.g. 45m, 1.5h)"),
        Binding("x", "set_status('not_started')", "Reset", id="today.reset", show=False,
                tooltip="Reset the selected skill to not started"),
        Binding("b", "app.browse", "Browse", id="today.browse", tooltip="All skills, with search and filters"),
        Binding("w", "app.week", "Week", id="today.week", tooltip="The weekly plan"),
        Binding("enter", "open", "Open", id="today.open", show=False,
                tooltip="Open the selected skill in the browser (prerequisite chain, search)"),
        Binding("p", "app.placement", "Placement", id="today.placement", show=False,
                tooltip="The placement diagnostic: at most 25 questions find what you already know"),
        Binding("f5", "reload", "Refresh", id="today.refresh", show=False, tooltip="Read the database again"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("Loading…", id="summary")
        with Horizontal(id="main"):
            yield DataTable(id="skills", cursor_type="row", zebra_stripes=False)
            with VerticalScroll(id="detail-scroll"):
                yield SkillDetail(id="detail")
        yield MilestoneBars(id="milestones")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#skills", DataTable)
        table.border_title = "Next up"
        self.query_one("#detail-scroll").border_title = "Skill"
        self.query_one("#milestones").border_title = "Milestones"
        self._fit()

    _resumed = False

    def on_screen_resume(self) -> None:
        # Back from another screen (a review, setup): read again. The resume that comes with the
        # first mount is skipped -- on_mount has started the first read, and a second one would
        # run the queue read and the planner twice while the first paint waits for the CPU.
        if self._resumed:
            self.action_reload()
        self._resumed = True

    first: DueToday | None = None  # the queue, drawn before the plan; ``ov`` replaces it
    painted = False  # True once the first data (the queue) is on screen

    class QueueLoaded(Message):
        """Posted by the worker with the queue, before it plans; ``drawn`` is set once it is on screen."""

        def __init__(self, data: DueToday, drawn: threading.Event) -> None:
            self.data = data
            self.drawn = drawn
            super().__init__()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        if self.ov is None:  # the first read: the due count and the queue first, then the planner
            drawn, now = threading.Event(), self.app.now()
            first = due_today(self.app.workspace, now=now)
            self.post_message(self.QueueLoaded(first, drawn))
            drawn.wait(FIRST_DRAW_WAIT_S)  # let the first paint have the CPU
            self.post_message(self.Loaded(self.read(now=now, due=first)))
            return
        self.post_message(self.Loaded(self.read()))

    def read(self, now: datetime | None = None, due: DueToday | None = None) -> Overview:
        """The day's overview at ``now`` (UTC; default the app's clock), reusing the queue ``due``
        already read at that instant if given (runs in a thread)."""
        return overview(self.app.workspace, now=now or self.app.now(), due=due)

    @on(QueueLoaded)
    def _queue_loaded(self, message: QueueLoaded) -> None:
        if self.ov is None:
            self.show_queue(message.data)
        self.call_after_refresh(self._drawn, message.drawn)

    def _drawn(self, drawn: threading.Event) -> None:
        self.painted = True
        drawn.set()

    def show_queue(self, first: DueToday) -> None:
        """Draw the due count and the queue; the plan's panels say "planning…" until :meth:`show`."""
        self.first = first
        self.sub_title = wording.long_day_text(first.today)
        self.query_one("#summary", Static).update(self._summary(first, [PLANNING]))
        self.query_one("#skills", DataTable).border_subtitle = PLANNING
        self.query_one("#detail", SkillDetail).update(PLANNING)
        self.query_one("#milestones", MilestoneBars).update(PLANNING)

    def _summary(self, ov: DueToday, middle: list[str]) -> str:
        """The summary: the due count, ``middle`` (the day's plan and streak), fading, the queue's first skills."""
        cur = self.app.workspace.curriculum
        due = f"[b]{len(ov.due)}[/b] check{'s' if len(ov.due) != 1 else ''} to review"
        if ov.moved and ov.day_off:
            due += f" (time off: {ov.moved} wait for the next days)"
        elif ov.moved:
            due += f" ({ov.moved} moved to the next days: daily cap {ov.settings.daily_review_cap})"
        parts = [due, *middle]
        if ov.fading:
            parts.append(f"{len(ov.fading)} fading")
        lines = "  ·  ".join(parts)
        if ov.due and not self.has_class("-short"):
            skills = list(dict.fromkeys(d.skill_id for d in ov.due))  # a skill's due checks come together
            names = ", ".join(f"{cur.skills[sid].name} {wording.memory_percent(ov.cards[sid].retrievability)}"
                              if sid in ov.cards else cur.skills[sid].name for sid in skills[:3])
            more = f" +{len(skills) - 3} more" if len(skills) > 3 else ""
            lines += f"\n[b]r[/b] to review, most at risk first: {escape(names)}{more}"
        return lines

    SHORT, NARROW = 24, 80  # below these (down to the 60x18 minimum) panels give way to the list

    def on_resize(self) -> None:
        self._fit()
        if self.ov is not None:
            self.show(self.ov)
        elif self.first is not None:
            self.show_queue(self.first)

    def _fit(self) -> None:
        """On a short or narrow terminal the list keeps its rows: milestones and the detail panel hide
        (Enter opens the skill in the browser), the summary keeps one line and the footer is compact."""
        w, h = self.size.width or self.app.size.width, self.size.height or self.app.size.height
        self.set_class(h < self.SHORT, "-short")
        self.set_class(w < self.NARROW, "-narrow")
        self.query_one(KeyFooter).compact = w < self.NARROW
        self._show_in_footer(NARROW_HIDDEN, w >= self.NARROW)

    def _show_in_footer(self, binding_ids: set[str], show: bool) -> None:
        """Show or hide bindings (by id) in the footer; the keys work either way (and ? lists them)."""
        from dataclasses import replace

        changed = False
        for key, bindings in self._bindings.key_to_bindings.items():
            for i, b in enumerate(bindings):
                if b.id in binding_ids and b.show != show:
                    bindings[i] = replace(b, show=show)
                    changed = True
        if changed:
            self.refresh_bindings()

    def show(self, ov: Overview) -> None:
        """Draw the day's overview."""
        self.ov = ov
        cur = self.app.workspace.curriculum
        self.sub_title = wording.long_day_text(ov.today)
        if ov.today_done_minutes:
            today = (f"today done [b]{wording.duration_minutes(ov.today_done_minutes)}[/b] of "
                     f"{wording.duration_minutes(ov.today_hours * 60)}")
        else:
            today = f"today [b]{wording.duration_minutes(ov.today_hours * 60)}[/b] planned"
        streak = (f"streak [b]{ov.streak_days}{'+' if ov.streak_days >= STREAK_MAX else ''}[/b] "
                  f"day{'s' if ov.streak_days != 1 else ''}")
        lines = self._summary(ov, [today, streak])
        self.query_one("#summary", Static).update(lines)
        table = self.query_one("#skills", DataTable)
        keep = table.cursor_row
        selected = self.selected_id()
        set_columns(table, [("mark", "", 1), ("skill", "Skill", None), ("hours", "left", 7)])
        for item in ov.in_progress + ov.next_up[:NEXT_UP_SHOWN]:
            sk = cur.skills[item.skill_id]
            mark = wording.STATE_GLYPHS[ov.states.get(item.skill_id, SkillState.READY)]
            # time still to study (estimate less logged), in the one duration style: 45m logged of 30h is 29h15m
            table.add_row(mark, Text(sk.name, overflow="ellipsis", no_wrap=True),
                          Text(wording.duration_hours(item.hours), justify="right"), key=item.skill_id)
        if table.row_count:
            rows = [r.value for r in table.rows]
            table.move_cursor(row=rows.index(selected) if selected in rows else min(keep, table.row_count - 1))
        table.border_subtitle = f"{len(ov.in_progress)} in progress · {len(ov.next_up)} ready"
        self.query_one("#milestones", MilestoneBars).show(ov.milestones,
                                                          self.query_one("#milestones").content_size.width or None)
        self.show_detail()

    def empty_text(self) -> str | None:
        if self.ov is not None and not self.ov.in_progress and not self.ov.next_up:
            return ("[b]Nothing left to study.[/b]\n\nEvery skill is learned or skipped. Keep your reviews going "
                    "(r), or extend the curriculum (see docs/curriculum.md).")
        return None

    def action_open(self) -> None:
        """Open the selected skill in the browser."""
        sid = self.selected_id()
        if sid is not None:
            self.app.action_show_skill(sid)

    @on(DataTable.RowSelected, "#skills")
    def _row_selected(self) -> None:
        self.action_open()

    def action_review(self) -> None:
        """Open the review session on today's queue."""
        from roadmap.tui.screens.review import ReviewScreen

        ov = self.ov or self.first  # the queue is there before the plan
        if ov is None:
            return
        session = review_session(ov, self.app.workspace.curriculum)
        if session.kind == "ahead":  # nothing is due, but these are below the desired retention
            self.notify(f"Nothing due today; reviewing {wording.plural(len(session.skill_ids), 'fading skill')} early.")
        if session.targets:
            self.app.push_screen(ReviewScreen(session.targets, moved=session.moved))
            return
        if session.kind == "capped":
            self.notify(f"All reviews for today are done; {session.moved} more wait for the next days.")
            return
        self.notify("Nothing due for review today."
                    + (f" Next review: {wording.day_text(session.next_day)}." if session.next_day else ""))

