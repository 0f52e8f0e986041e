"""Why a skill is where it is in the study plan (``roadmap why SKILL``, the skill detail in the app)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from roadmap.planning import PlanReason

if TYPE_CHECKING:
    from roadmap.workspace import Workspace


@dataclass(frozen=True)
class WhyView:
    """A skill's place in the study plan and the reason for it.

    Attributes
    ----------
    reason : PlanReason
        Position, goal (milestone, stage or track it is studied for), the goal
        it would have without target dates when a target moved it, missing
        prerequisites, what it unlocks, status.
    start : date or None
        The study day the weekly plan first gives it time (None if learned,
        skipped, or not within the forecast horizon).
    week : int or None
        The week of the plan that day falls in (1 = the week starting today).
    today : date
        The current study day.
    """

    reason: PlanReason
    start: date | None
    week: int | None
    today: date


def why(ws: Workspace, skill_id: str, *, now: datetime) -> WhyView:
    """Explain ``skill_id``'s place in the study plan. Read-only.

    Raises
    ------
    ProgressError
        If ``skill_id`` names no skill, with the closest ids (a former id of a renamed skill is accepted).
    """
    from roadmap.actions.context import plan_context
    from roadmap.actions.milestones import FORECAST_READ_DAYS
    from roadmap.planning import HORIZON_DAYS, plan_reason, play_plan
    from roadmap.progress import resolve_ids

    cur = ws.curriculum
    (skill_id,) = resolve_ids(cur, [skill_id])
    with ws.read() as s:
        ctx = plan_context(s, cur, now, days=FORECAST_READ_DAYS)
    reason = plan_reason(cur, ctx.statuses, skill_id, logged=ctx.logged, settings=ctx.settings)
    start = week = None
    if reason.position is not None:
        played = play_plan(cur, ctx.statuses, ctx.settings, ctx.today, days=HORIZON_DAYS, logged=ctx.logged,
                           reviews=ctx.reviews, time_off=ctx.time_off, until_finished=True)
        start = played.started_on.get(skill_id) or played.finished_on.get(skill_id)
        week = (start - ctx.today).days // 7 + 1 if start else None
    return WhyView(reason, start, week, ctx.today)
