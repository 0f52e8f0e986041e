"""What every plan needs, read once: progress, settings, time off and the review load."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from roadmap.settings import Settings
from roadmap.status import Status


@dataclass(frozen=True)
class PlanContext:
    """Progress, settings, time off and review load, read in one transaction.

    ``settings.review_minutes`` is replaced by the median of the learner's
    logged review durations once there are enough of them (20).
    ``reviews`` maps each day of the horizon to the reviews expected then.

    Attributes
    ----------
    today : date
        The current study day.
    statuses : dict[str, Status]
    logged : dict[str, float]
        Hours logged per skill.
    settings : Settings
    time_off : list of (date, date)
        Inclusive ranges of days off.
    reviews : dict[date, int]
        Reviews expected per study day (the forecast, after the daily cap).
    """

    today: date
    statuses: dict[str, Status]
    logged: dict[str, float]
    settings: Settings
    time_off: list[tuple[date, date]]
    reviews: dict[date, int]


def plan_context(session, curriculum, now: datetime, *, days: int = 7, first: date | None = None) -> PlanContext:
    """Read what plans need inside ``session``, with the review forecast covering ``first`` .. ``first + days``.

    ``first`` defaults to today's study day; a ``first`` in the past gives a
    forecast from today (reviews are never forecast for days gone by).
    """
    from roadmap import review, settings_store, studylog
    from roadmap.progress import load_statuses
    from roadmap.timeoff import list_time_off

    settings = settings_store.load(session)
    median = review.median_duration_seconds(session)
    if median is not None:
        settings = replace(settings, review_minutes=max(0.5, median / 60))
    today = settings.calendar.study_day(now)
    first = first or today
    off = [(t.first_day, t.last_day) for t in list_time_off(session)]
    horizon = max(1, (first - today).days + days)
    counts = dict(review.forecast(session, now=now, settings=settings, days=horizon, time_off=off,
                                  skills=curriculum.skills))
    return PlanContext(today=today, statuses=load_statuses(session, curriculum), logged=studylog.logged_hours(session),
                       settings=settings, time_off=off, reviews=counts)
