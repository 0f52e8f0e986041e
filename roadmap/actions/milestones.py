"""Milestones with forecasts: when each is expected to be reached and how it stands against its target."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from roadmap.planning import MilestoneForecast
from roadmap.status import ForecastStatus

if TYPE_CHECKING:
    from roadmap.workspace import Workspace

FORECAST_READ_DAYS = 60  # days of the review forecast read; later days repeat its average
PROFILE_CARDS = 16  # checks played to estimate a new check's review load


def review_profile(settings, days: int = 3650) -> tuple[float, ...]:
    """Expected reviews of one newly learned check on each of the ``days`` days after it is learned.

    Played with the scheduler itself (:func:`roadmap.review.scheduling.schedule`,
    the learner's desired retention and maximum interval): ``PROFILE_CARDS``
    checks from their first exposure, each review recalled with probability
    the desired retention (rated Good, else Again), one review a day at most;
    seeded, so the same settings give the same profile. Cached per settings.
    """
    key = (repr(settings), days)
    if key not in _PROFILES:
        if len(_PROFILES) > 8:
            _PROFILES.clear()
        _PROFILES[key] = _profile(settings, days)
    return _PROFILES[key]


_PROFILES: dict = {}


def _profile(settings, days: int) -> tuple[float, ...]:
    import random
    from datetime import UTC, timedelta

    from roadmap.review.scheduling import schedule

    rng = random.Random(0)
    counts = [0] * days
    start = datetime(2000, 1, 3, 12, tzinfo=UTC)
    cal = settings.calendar
    first_day = cal.study_day(start)
    for k in range(PROFILE_CARDS):
        out = schedule(None, 3, skill_id=f"profile-{k}", reviews=0, now=start, settings=settings)
        n = 1
        while True:
            gap = max(1, (out.due_day - first_day).days)
            if gap > days:
                break
            counts[gap - 1] += 1
            rating = 3 if rng.random() < settings.desired_retention else 1
            first_day_ = first_day + timedelta(days=gap)
            at = cal.day_start(first_day_) + timedelta(hours=8)
            out = schedule(out.card, rating, skill_id=f"profile-{k}", reviews=n, now=at, settings=settings)
            n += 1
    return tuple(c / PROFILE_CARDS for c in counts)


def milestone_forecasts(ws: Workspace, *, now: datetime) -> list[MilestoneForecast]:
    """Every milestone's progress, forecast date and target status (``status`` is a :class:`ForecastStatus`).

    The forecast plays the study plan forward at the learner's weekly hours,
    study days, time off and review load (:func:`roadmap.planning.milestone_forecasts`).
    """
    from roadmap.actions.context import plan_context
    from roadmap.planning import HORIZON_DAYS, milestone_forecasts as forecast

    from roadmap.review import check_ids_of

    with ws.read() as s:
        pc = plan_context(s, ws.curriculum, now, days=FORECAST_READ_DAYS)
    checks = {sid: len(check_ids_of(skill)) or 1 for sid, skill in ws.curriculum.skills.items()}
    out = forecast(ws.curriculum, pc.statuses, pc.settings, pc.today, logged=pc.logged, reviews=pc.reviews,
                   time_off=pc.time_off, horizon_days=HORIZON_DAYS,
                   review_profile=review_profile(pc.settings), checks=checks)
    return [replace(f, status=ForecastStatus(f.status)) for f in out]
