"""The week: what was done on the days gone by, and study blocks and reviews planned from today on.

Days before today come from the learner's history (study time logged per
skill, reviews made), never from a freshly computed plan. Today counts what
was already done against the day's study time: the rest of the day's plan
shrinks by it. A week that starts after today starts from what the days
before it are planned to finish: the plan is played forward from today to
the first day shown, so the CLI (``roadmap week --from D``) and the app's
Week screen show the same blocks for the same date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from roadmap.planning import Block, DayPlan, WeekPlan, milestone_progress, play_plan
from roadmap.settings import Settings
from roadmap.status import Status

if TYPE_CHECKING:
    from roadmap.workspace import Workspace


@dataclass(frozen=True)
class DoneDay:
    """What the learner did on one study day.

    Attributes
    ----------
    day : date
        The local study day.
    study : tuple of Block
        Study time logged per skill, whole minutes (in the order first logged).
    reviews : int
        Explicit reviews made (undone ones excluded).
    review_minutes : float
        Minutes those reviews are counted as (``reviews`` x the minutes per review).
    """

    day: date
    study: tuple[Block, ...] = ()
    reviews: int = 0
    review_minutes: float = 0.0

    @property
    def study_minutes(self) -> int:
        """Minutes of study logged."""
        return sum(b.minutes for b in self.study)

    @property
    def minutes(self) -> float:
        """Study and review minutes together: the day's time done."""
        return self.study_minutes + self.review_minutes

    @property
    def active(self) -> bool:
        """Whether anything was done (a review or logged study)."""
        return bool(self.reviews or self.study)


@dataclass(frozen=True)
class WeekView:
    """Consecutive days: what was done before today, and the plan from today on.

    Attributes
    ----------
    plan : WeekPlan
        Every day shown. Days before today hold what was done (their blocks are
        the study time logged, their reviews the reviews made); today and later
        days hold the plan (today's blocks are what is left after ``done``).
    first : date
        Its first day.
    today : date
        The current study day (to mark it).
    settings : Settings
        The settings it was planned with (review minutes from the learner's log).
    done : dict of date to DoneDay
        What was done on the days shown up to today (days with nothing done are left out).
    """

    plan: WeekPlan
    first: date
    today: date
    settings: Settings
    done: dict[date, DoneDay] = field(default_factory=dict)

    @property
    def last(self) -> date:
        """Its last day."""
        return self.plan.days[-1].day if self.plan.days else self.first

    def is_past(self, day: date) -> bool:
        """Whether ``day`` is before today (shown from history, not planned)."""
        return day < self.today

    @property
    def overbooked(self) -> list[date]:
        """Study days from today on whose reviews alone take longer than the day's study time."""
        return [d.day for d in self.plan.days if not self.is_past(d.day) and d.capacity_minutes
                and d.review_minutes > self.room(d) + 0.5]

    def room(self, day: DayPlan) -> float:
        """Minutes still available on a day from today on: its study time less what was done (at least 0)."""
        done = self.done.get(day.day)
        return max(0.0, day.capacity_minutes - (done.minutes if done else 0.0))

    def planned_within(self, day: DayPlan) -> float:
        """Minutes planned on a day from today on, at most :meth:`room` (0 for past days)."""
        if self.is_past(day.day):
            return 0.0
        return min(day.planned_minutes, self.room(day))

    @property
    def planned_minutes(self) -> float:
        """Minutes planned from today on, never more than :attr:`available_minutes`."""
        return sum(self.planned_within(d) for d in self.plan.days)

    @property
    def available_minutes(self) -> float:
        """Study time still available from today on: capacity less what was done today."""
        return sum(self.room(d) for d in self.plan.days if not self.is_past(d.day))

    @property
    def beyond_minutes(self) -> float:
        """Review minutes expected from today on beyond the days' study time (on days without study
        time, or more reviews than a day holds): they are not counted as planned."""
        return sum(max(0.0, d.planned_minutes - self.room(d)) for d in self.plan.days if not self.is_past(d.day))

    @property
    def done_minutes(self) -> float:
        """Minutes done (study logged and reviews made) on the days shown."""
        return sum(d.minutes for d in self.done.values())

    @property
    def today_done(self) -> DoneDay:
        """What was done today (an empty DoneDay when nothing yet)."""
        return self.done.get(self.today) or DoneDay(self.today)

    @property
    def today_goal_minutes(self) -> float:
        """Today's plan in all: time done today plus what is still planned today (0 if today is not shown)."""
        day = next((d for d in self.plan.days if d.day == self.today), None)
        if day is None:
            return 0.0
        return self.today_done.minutes + self.planned_within(day)


def is_rest_day(day: DayPlan) -> bool:
    """A day with nothing planned: no reviews and no study blocks (and not time off)."""
    return not day.off and not day.blocks and not day.reviews


def finishes_on(view: WeekView, skill_id: str, day: date) -> bool:
    """Whether the plan finishes ``skill_id`` on ``day``."""
    return view.plan.finished_on.get(skill_id) == day


def read_done(session, settings: Settings, first: date, last: date) -> dict[date, DoneDay]:
    """What was done on each study day from ``first`` to ``last`` (both included): study time logged
    per skill and reviews made. Days with nothing done are left out. Read-only, two range queries."""
    from roadmap import review, studylog

    cal = settings.calendar
    since, until = cal.day_start(first), cal.day_end(last)
    hours = studylog.hours_by_day(session, cal, since, until)
    counts = review.history_counts(session, settings=settings, since=since)
    out = {}
    for d in sorted(set(hours) | set(counts)):
        if not first <= d <= last:
            continue
        n = counts.get(d, 0)
        study = tuple(Block(sid, round(h * 60)) for sid, h in hours.get(d, {}).items() if round(h * 60) > 0)
        out[d] = DoneDay(d, study, n, n * settings.review_minutes)
    return out


def _trim(day: DayPlan, room: float) -> DayPlan:
    """``day`` with its study blocks cut (from the end) so blocks and reviews fit in ``room`` minutes."""
    free = max(0, int(room - day.review_minutes))
    blocks = []
    for b in day.blocks:
        take = min(b.minutes, free)
        if take > 0:
            blocks.append(Block(b.skill_id, take))
        free -= take
    return DayPlan(day.day, day.capacity_minutes, day.off, day.reviews, day.review_minutes, blocks)


def forward(curriculum, ctx, days: int, done_today: DoneDay | None = None) -> WeekPlan:
    """The plan for ``days`` days from ``ctx.today``, with what was done today counted against today.

    Today's study blocks are cut to the day's study time less ``done_today``
    (its study time logged and reviews made); the hours cut are planned on
    the following days. Pure: ``ctx`` is a :class:`roadmap.actions.context.PlanContext`.
    """
    whole = play_plan(curriculum, ctx.statuses, ctx.settings, ctx.today, days=days, logged=ctx.logged,
                      reviews=ctx.reviews, time_off=ctx.time_off)
    if done_today is None or not done_today.active or not whole.days or days < 1:
        return whole
    first = whole.days[0]
    today = _trim(first, first.capacity_minutes - done_today.minutes)
    if today.blocks == first.blocks:
        return whole
    # Play today's (shorter) blocks forward, then plan the other days from there: skills
    # begun today stay in progress, so the following days continue them.
    finished_today = [s for s in whole.finished if whole.finished_on.get(s) == ctx.today
                      and sum(b.minutes for b in today.blocks if b.skill_id == s)
                      == sum(b.minutes for b in first.blocks if b.skill_id == s)]
    cut = WeekPlan(days=[today], budget_minutes=today.capacity_minutes, finished=finished_today)
    statuses, logged = cut.progress_after(ctx.statuses, ctx.logged)
    rest = play_plan(curriculum, statuses, ctx.settings, ctx.today + timedelta(days=1), days=days - 1,
                     logged=logged, reviews=ctx.reviews, time_off=ctx.time_off)
    finished = finished_today + rest.finished
    finished_on = {s: ctx.today for s in finished_today} | rest.finished_on
    return WeekPlan(days=[today] + rest.days, budget_minutes=today.capacity_minutes + rest.budget_minutes,
                    finished=finished, milestones_reached=_reached(curriculum, ctx, finished),
                    finished_on=finished_on)


def _reached(curriculum, ctx, finished) -> list[str]:
    """Milestones not reached now that ``finished`` skills (learned) would reach."""
    after = dict(ctx.statuses)
    after.update({s: Status.LEARNED for s in finished})
    tracks = ctx.settings.tracks
    return [p.id for p, q in zip(milestone_progress(curriculum, ctx.statuses, ctx.logged, tracks=tracks),
                                 milestone_progress(curriculum, after, ctx.logged, tracks=tracks))
            if not p.reached and q.reached]


def project(curriculum, ctx, first: date, days: int, done: dict[date, DoneDay] | None = None) -> WeekPlan:
    """The days ``first`` .. ``first + days - 1``: days before today from ``done`` (what was done),
    today and later from the plan played forward from ``ctx.today`` (see :func:`forward`).

    Blocks planned before ``first`` count as logged hours, and the skills
    they finish as learned, so the days shown continue the plan instead of
    restarting it. Pure: ``ctx`` is a :class:`roadmap.actions.context.PlanContext`.
    """
    done = done or {}
    dates = [first + timedelta(days=i) for i in range(days)]
    past = [d for d in dates if d < ctx.today]
    from roadmap.planning import day_capacities

    caps = day_capacities(ctx.settings, past)
    off_days = {d for d in past for a, b in ctx.time_off if a <= d <= b}
    shown: list[DayPlan] = []
    for d in past:
        dd = done.get(d) or DoneDay(d)
        shown.append(DayPlan(d, 0 if d in off_days else round(caps[d] * 60), d in off_days, dd.reviews,
                             dd.review_minutes, list(dd.study)))
    ahead = max(0, (first - ctx.today).days)
    future = days - len(past)
    if future <= 0:
        return WeekPlan(days=shown, budget_minutes=sum(d.capacity_minutes for d in shown))
    whole = forward(curriculum, ctx, ahead + future, done.get(ctx.today))
    window = whole.days[ahead:]
    in_window = [s for s in whole.finished if whole.finished_on.get(s, ctx.today) >= window[0].day]
    before = [s for s in whole.finished if s not in in_window]
    ctx_before = _with_finished(ctx, before)
    return WeekPlan(days=shown + window, budget_minutes=sum(d.capacity_minutes for d in shown + window),
                    finished=in_window, milestones_reached=_reached(curriculum, ctx_before, in_window),
                    finished_on={s: whole.finished_on[s] for s in in_window if s in whole.finished_on})


def _with_finished(ctx, finished):
    """``ctx`` with ``finished`` skills learned (milestones already reached by then do not count again)."""
    from dataclasses import replace

    statuses = dict(ctx.statuses)
    statuses.update({s: Status.LEARNED for s in finished})
    return replace(ctx, statuses=statuses)


def _view(ws: Workspace, now: datetime, first: date | None, days: int) -> WeekView:
    from roadmap.actions.context import plan_context

    with ws.read() as s:
        ctx = plan_context(s, ws.curriculum, now, days=days, first=first)
        first = first or ctx.today
        done = read_done(s, ctx.settings, first, min(ctx.today, first + timedelta(days=days - 1))) \
            if first <= ctx.today else {}
    return WeekView(project(ws.curriculum, ctx, first, days, done), first, ctx.today, ctx.settings, done)


def week_plan(ws: Workspace, *, now: datetime, first: date | None = None, weeks: int = 1) -> WeekView:
    """The days of ``weeks`` weeks from ``first`` (default: today's study day), read-only.

    Parameters
    ----------
    ws : Workspace
    now : datetime
        The current instant (aware UTC).
    first : date, optional
        The first day. Days before today show what was done; a day after
        today is planned as the continuation of the days before it (see
        :func:`project`).
    weeks : int
        Number of weeks (7 days each).
    """
    return _view(ws, now, first, 7 * weeks)


def week_at(ws: Workspace, *, now: datetime, offset: int = 0) -> WeekView:
    """The week ``offset`` weeks from today (negative: before), as the app's Week screen pages through it."""
    from roadmap import settings_store

    with ws.read() as s:
        today = settings_store.load(s).calendar.study_day(now)
    return _view(ws, now, today + timedelta(days=7 * offset), 7)
