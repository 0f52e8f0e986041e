"""Today: everything the daily screen shows, gathered in one read, and what `r` reviews.

:func:`overview` reads the database once (a few aggregate queries) and
computes the rest in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from roadmap.planning import MilestoneProgress, PlanItem, WeekPlan, frontier, milestone_progress, play_plan, study_plan
from roadmap.settings import Settings
from roadmap.status import Status

if TYPE_CHECKING:
    from roadmap.workspace import Workspace


@dataclass(frozen=True)
class Overview:
    """The state of the learner's day.

    Attributes
    ----------
    today : date
        The current local study day.
    due : list of review.DueItem
        Today's review queue (capped), most at risk first.
    due_total : int
        All reviews due today, before the cap.
    in_progress : list of PlanItem
        Skills being studied, with remaining hours.
    next_up : list of PlanItem
        The frontier, best first (in-progress skills excluded).
    today_hours : float
        Study hours the weekly plan gives today (blocks and reviews).
    milestones : list of MilestoneProgress
    streak_days : int
        Consecutive study days, ending today or yesterday, with a review (at most STREAK_MAX).
    statuses : dict
        Skill id to Status.
    logged : dict
        Skill id to hours logged.
    settings : Settings
    cards : dict
        Skill id to review.DueItem for every learned skill (retrievability now).
    fading : list of str
        Learned skills below the desired retention, weakest first
        (:func:`roadmap.actions.skills.fading`).
    states : dict
        Skill id to :class:`roadmap.status.SkillState`.
    week : WeekPlan
        The seven days from today.
    """

    today: date
    due: list
    due_total: int
    in_progress: list[PlanItem]
    next_up: list[PlanItem]
    today_hours: float
    milestones: list[MilestoneProgress]
    streak_days: int
    statuses: dict
    logged: dict
    settings: Settings
    cards: dict
    week: WeekPlan
    fading: list[str]
    states: dict


STREAK_WINDOWS = (30, 120, 400)  # days read for the streak; a longer one shows as 400+
STREAK_MAX = STREAK_WINDOWS[-1]


def streak(counts: dict[date, int], today: date) -> int:
    """Consecutive days with at least one review, ending today (or yesterday if none yet today)."""
    day = today if counts.get(today) else today - timedelta(days=1)
    n = 0
    while counts.get(day):
        n += 1
        day -= timedelta(days=1)
    return n


def read_overview(session, curriculum, now: datetime) -> Overview:
    """The overview at ``now`` (UTC) inside ``session``. Read-only."""
    from roadmap import review
    from roadmap.actions.context import plan_context
    from roadmap.actions.skills import fading, skill_states

    ctx = plan_context(session, curriculum, now)
    settings, today, statuses, logged = ctx.settings, ctx.today, ctx.statuses, ctx.logged
    cal = settings.calendar
    cards = review.card_states(session, now=now, settings=settings, skills=curriculum.skills)
    everything_due = review.queue_order(cards.values(), today)  # one read of the cards for both
    plan = study_plan(curriculum, statuses, logged, settings=settings)
    in_progress = [p for p in plan if p.status == Status.IN_PROGRESS]
    ready = [p for p in frontier(curriculum, statuses, logged, plan=plan) if p.status != Status.IN_PROGRESS]
    wp = play_plan(curriculum, statuses, settings, today, logged=logged, reviews=ctx.reviews, time_off=ctx.time_off,
                   plan=plan)
    # The streak is counted over a window that grows only while the streak fills it, so
    # its cost follows the streak's length (at most STREAK_MAX days), not the log's.
    for window in STREAK_WINDOWS:
        history = review.history_counts(session, settings=settings, since=cal.day_start(today - timedelta(days=window)))
        if streak(history, today) < window:
            break
    weak = fading(cards, statuses, settings)
    return Overview(
        today=today,
        due=everything_due[: settings.daily_review_cap],
        due_total=len(everything_due),
        in_progress=in_progress,
        next_up=ready,
        today_hours=wp.days[0].planned_hours,
        milestones=milestone_progress(curriculum, statuses, logged, tracks=settings.tracks),
        streak_days=min(streak(history, today), STREAK_MAX),
        statuses=statuses,
        logged=logged,
        settings=settings,
        cards=cards,
        week=wp,
        fading=weak,
        states=skill_states(curriculum, statuses, weak),
    )


def overview(ws: Workspace, *, now: datetime) -> Overview:
    """Gather the Today screen's data at instant ``now`` (UTC). Read-only."""
    with ws.read() as s:
        return read_overview(s, ws.curriculum, now)


@dataclass(frozen=True)
class ReviewSession:
    """What a review session would cover now.

    ``kind`` is ``due`` (today's queue), ``ahead`` (nothing due: the fading
    skills, reviewed early) or ``none``; ``next_day`` is the next day a
    review falls due when there is nothing to review.
    """

    kind: str
    skill_ids: list[str]
    next_day: date | None = None


def review_session(ov: Overview) -> ReviewSession:
    """Today's queue; with nothing due, the fading skills early (within the daily cap); else the next due day."""
    if ov.due:
        return ReviewSession("due", [d.skill_id for d in ov.due])
    weak = ov.fading[: ov.settings.daily_review_cap]
    if weak:
        return ReviewSession("ahead", list(weak))
    return ReviewSession("none", [], min((c.due_day for c in ov.cards.values()), default=None))
