"""The week: study blocks and reviews for seven days (or more) from any date.

A week that starts after today starts from what the days before it are
planned to finish: the plan is played forward from today to the first day
shown, so the CLI (``roadmap week --from D``) and the app's Week screen show
the same blocks for the same date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from roadmap.planning import DayPlan, WeekPlan, play_plan
from roadmap.settings import Settings

if TYPE_CHECKING:
    from roadmap.workspace import Workspace


@dataclass(frozen=True)
class WeekView:
    """A plan of consecutive days and where it stands.

    Attributes
    ----------
    plan : WeekPlan
        The days, their reviews and study blocks (whole minutes).
    first : date
        Its first day.
    today : date
        The current study day (to mark it).
    settings : Settings
        The settings it was planned with (review minutes from the learner's log).
    """

    plan: WeekPlan
    first: date
    today: date
    settings: Settings

    @property
    def last(self) -> date:
        """Its last day."""
        return self.plan.days[-1].day if self.plan.days else self.first

    @property
    def overbooked(self) -> list[date]:
        """Study days whose reviews alone take longer than the day's study time."""
        return [d.day for d in self.plan.days if d.capacity_minutes and d.planned_minutes > d.capacity_minutes + 0.5]


def is_rest_day(day: DayPlan) -> bool:
    """A day with nothing planned: no reviews and no study blocks (and not time off)."""
    return not day.off and not day.blocks and not day.reviews


def finishes_on(view: WeekView, skill_id: str, day: date) -> bool:
    """Whether the plan finishes ``skill_id`` on ``day``."""
    return view.plan.finished_on.get(skill_id) == day


def project(curriculum, ctx, first: date, days: int) -> WeekPlan:
    """The plan for ``days`` days from ``first``, after playing the plan forward from ``ctx.today``.

    Blocks planned before ``first`` count as logged hours, and the skills
    they finish as learned, so the days shown continue the plan instead of
    restarting it. Pure: ``ctx`` is a :class:`roadmap.actions.context.PlanContext`.
    """
    logged, statuses = ctx.logged, ctx.statuses
    ahead = (first - ctx.today).days
    if ahead > 0:
        before = play_plan(curriculum, ctx.statuses, ctx.settings, ctx.today, days=ahead, logged=ctx.logged,
                           reviews=ctx.reviews, time_off=ctx.time_off)
        statuses, logged = before.progress_after(ctx.statuses, ctx.logged)
    return play_plan(curriculum, statuses, ctx.settings, first, days=days, logged=logged, reviews=ctx.reviews,
                       time_off=ctx.time_off)


def week_plan(ws: Workspace, *, now: datetime, first: date | None = None, weeks: int = 1) -> WeekView:
    """The plan for ``weeks`` weeks from ``first`` (default: today's study day), read-only.

    Parameters
    ----------
    ws : Workspace
    now : datetime
        The current instant (aware UTC).
    first : date, optional
        The first day; a day after today is planned as the continuation of
        the days before it (see :func:`project`).
    weeks : int
        Number of weeks (7 days each).
    """
    from roadmap.actions.context import plan_context

    days = 7 * weeks
    with ws.read() as s:
        ctx = plan_context(s, ws.curriculum, now, days=days, first=first)
    first = first or ctx.today
    return WeekView(project(ws.curriculum, ctx, first, days), first, ctx.today, ctx.settings)


def week_at(ws: Workspace, *, now: datetime, offset: int = 0) -> WeekView:
    """The week ``offset`` weeks from today (negative: before), as the app's Week screen pages through it."""
    from roadmap.actions.context import plan_context

    with ws.read() as s:
        ctx = plan_context(s, ws.curriculum, now, days=7 * (max(offset, 0) + 1))
    first = ctx.today + timedelta(days=7 * offset)
    return WeekView(project(ws.curriculum, ctx, first, 7), first, ctx.today, ctx.settings)
