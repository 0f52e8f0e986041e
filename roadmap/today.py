"""Today: everything the daily screen shows, gathered in one read.

:func:`overview` is what the TUI's Today screen renders; it reads the
database once (a few aggregate queries) and computes the rest in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from roadmap import review, settings as settings_mod, studylog
from roadmap.curriculum import Curriculum
from roadmap.days import day_start, study_day, zone
from roadmap.models import Status
from roadmap.planning import (MilestoneProgress, PlanItem, WeekPlan, frontier, milestone_progress,
                              status_of, study_plan, weekly_plan)
from roadmap.progress import load_statuses
from roadmap.settings import Settings


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


@dataclass(frozen=True)
class PlanContext:
    """What every plan needs, read once: progress, settings, time off and review load.

    ``settings.review_minutes`` is replaced by the median of the learner's
    logged review durations once there are enough of them (20).
    ``reviews`` maps each day of the horizon to the reviews expected then.
    """

    today: date
    statuses: dict
    logged: dict
    settings: Settings
    time_off: list[tuple[date, date]]
    reviews: dict[date, int]


def plan_context(session: Session, curriculum: Curriculum, now: datetime, *, days: int = 7,
                 first: date | None = None) -> PlanContext:
    """Read what plans need, with the review forecast covering ``first`` .. ``first + days``."""
    from dataclasses import replace

    from roadmap.timeoff import list_time_off

    settings = settings_mod.load(session)
    median = review.median_duration_seconds(session)
    if median is not None:
        settings = replace(settings, review_minutes=max(0.5, median / 60))
    tz = zone(settings.timezone)
    today = study_day(now, tz, settings.rollover_hour)
    first = first or today
    off = [(t.first_day, t.last_day) for t in list_time_off(session)]
    horizon = max(1, (first - today).days + days)
    counts = dict(review.forecast(session, now=now, settings=settings, days=horizon, time_off=off,
                                  skills=curriculum.skills))
    return PlanContext(today=today, statuses=load_statuses(session, curriculum), logged=studylog.logged_hours(session),
                       settings=settings, time_off=off, reviews=counts)


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


def overview(session: Session, curriculum: Curriculum, now: datetime) -> Overview:
    """Gather the Today screen's data at instant ``now`` (UTC). Read-only."""
    ctx = plan_context(session, curriculum, now)
    settings, today, statuses, logged = ctx.settings, ctx.today, ctx.statuses, ctx.logged
    tz = zone(settings.timezone)
    cards = review.card_states(session, now=now, settings=settings, skills=curriculum.skills)
    everything_due = review.queue_order(cards.values(), today)  # one read of the cards for both
    plan = study_plan(curriculum, statuses, logged)
    in_progress = [p for p in plan if p.status == Status.IN_PROGRESS]
    ready = [p for p in frontier(curriculum, statuses, logged, plan=plan) if p.status != Status.IN_PROGRESS]
    wp = weekly_plan(curriculum, statuses, settings, today, logged=logged, reviews=ctx.reviews, time_off=ctx.time_off,
                     plan=plan)
    # The streak is counted over a window that grows only while the streak fills it, so
    # its cost follows the streak's length (at most STREAK_MAX days), not the log's.
    for window in STREAK_WINDOWS:
        history = review.history_counts(session, settings=settings,
                                        since=day_start(today - timedelta(days=window), tz, settings.rollover_hour))
        if streak(history, today) < window:
            break
    return Overview(
        today=today,
        due=everything_due[: settings.daily_review_cap],
        due_total=len(everything_due),
        in_progress=in_progress,
        next_up=ready,
        today_hours=wp.days[0].planned_hours,
        milestones=milestone_progress(curriculum, statuses, logged),
        streak_days=min(streak(history, today), STREAK_MAX),
        statuses=statuses,
        logged=logged,
        settings=settings,
        cards=cards,
        week=wp,
    )


def fading(ov: Overview) -> list[str]:
    """Learned skills whose retrievability is below the desired retention, weakest first."""
    items = [c for c in ov.cards.values() if c.retrievability < ov.settings.desired_retention
             and status_of(ov.statuses, c.skill_id) == Status.LEARNED]
    return [c.skill_id for c in sorted(items, key=lambda c: c.retrievability)]
