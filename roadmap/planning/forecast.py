"""Milestone forecasts: when each milestone is expected to be reached, and how it stands against its target."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Mapping, Sequence

from roadmap.curriculum import Curriculum
from roadmap.planning.goals import MilestoneProgress, milestone_needs, milestone_progress, status_of
from roadmap.planning.layout import WeekPlan, play_plan
from roadmap.settings import Settings
from roadmap.status import DONE, Status


HORIZON_DAYS = 3650


@dataclass(frozen=True)
class MilestoneForecast:
    """A milestone's progress, forecast date and target status.

    Attributes
    ----------
    progress : MilestoneProgress
    forecast : date or None
        The day its last skill is expected to be finished, playing the study
        plan forward at the learner's capacity; None if not within
        ``HORIZON_DAYS`` (or already reached).
    target : date or None
        The learner's target date (setting ``target.<id>``).
    status : str
        ``reached``, ``on track``, ``behind``, ``no target``, ``unreachable``
        (not within the horizon) or ``needs track`` (the milestone counts more
        chosen tracks than the learner has chosen: setting ``tracks``; no forecast).
    weeks_behind : int or None
        Whole weeks the forecast is after the target, when behind.
    needed_hours_per_week : float or None
        The weekly budget (hours, 0.5 h steps) at which the same plan, study
        days, time off and reviews would finish it by the target, when behind;
        None if the target has passed or not even 168 h a week would do.
    """

    progress: MilestoneProgress
    forecast: date | None
    target: date | None
    status: str
    weeks_behind: int | None = None
    needed_hours_per_week: float | None = None

    def status_text(self) -> str:
        """A few words for a table: 'on track', '8 wk late: 11.5 h/wk', 'reached', 'target passed', ''."""
        if self.status == "reached":
            return "reached"
        if self.status == "needs track":
            return f"choose {self.progress.tracks_missing} more track{'s' if self.progress.tracks_missing > 1 else ''}"
        if self.target is None:
            return "beyond 10 years" if self.status == "unreachable" else ""
        if self.status == "on track":
            return "on track"
        if self.needed_hours_per_week is None:
            return "target passed"
        late = f"{self.weeks_behind} wk late" if self.weeks_behind else "late"
        return f"{late}: {self.needed_hours_per_week:g}h/wk"


def milestone_forecasts(curriculum: Curriculum, statuses: Mapping[str, Status], settings: Settings, today: date, *,
                        logged: Mapping[str, float] | None = None, reviews: Mapping[date, int] | None = None,
                        time_off: list[tuple[date, date]] | None = None,
                        horizon_days: int = HORIZON_DAYS, review_profile: Sequence[float] | None = None,
                        checks: Mapping[str, int] | None = None) -> list[MilestoneForecast]:
    """Forecast every milestone by playing the plan forward from ``today``.

    The study plan is laid on the learner's study days for up to
    ``horizon_days`` with :func:`play_plan` (same budget, study days, time
    off and review load), and each milestone's forecast is the day its last
    unfinished skill is finished. ``reviews`` gives the expected reviews per
    day; days past its last date repeat the average of its last 30 days (the
    load of skills already in review). Skills learned later add their checks'
    expected reviews (``review_profile``, ``checks``: see :func:`play_plan`);
    without a profile, forecasts far out are optimistic by the review time.
    """
    load = dict(reviews or {})
    if load:
        last = max(load)
        tail = [load.get(last - timedelta(days=i), 0) for i in range(30)]
        avg = round(sum(tail) / len(tail))
        for i in range(horizon_days):
            d = today + timedelta(days=i)
            load.setdefault(d, avg if d > last else 0)
    played = play_plan(curriculum, statuses, settings, today, days=horizon_days, logged=logged,
                       reviews=load, time_off=time_off, review_profile=review_profile, checks=checks,
                       until_finished=True)

    needs = milestone_needs(curriculum, settings.tracks)

    def finish_day(p: MilestoneProgress, wp: WeekPlan) -> date | None:
        undone = [s for s in needs[p.id].skills if status_of(statuses, s) not in DONE]
        days_ = [wp.finished_on.get(s) for s in undone]
        return None if any(d is None for d in days_) else max(days_)

    def needed(p: MilestoneProgress, target: date | None) -> float | None:
        # The smallest weekly budget (0.5 h steps) at which the same plan, study days,
        # time off and reviews finish the milestone by its target: found by bisection.
        if target is None or target <= today:
            return None
        span = (target - today).days + 1

        def ok(hours: float) -> bool:
            wp = play_plan(curriculum, statuses, replace(settings, weekly_hours=hours), today, days=span,
                           logged=logged, reviews=load, time_off=time_off, review_profile=review_profile,
                           checks=checks, until_finished=True)
            d = finish_day(p, wp)
            return d is not None and d <= target

        lo, hi = settings.weekly_hours, 168.0
        if not ok(hi):
            return None
        while hi - lo > 0.5:
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if ok(mid) else (mid, hi)
        return math.ceil(hi * 2) / 2

    out = []
    for p in milestone_progress(curriculum, statuses, logged, tracks=settings.tracks):
        target = settings.targets.get(p.id)
        if p.reached:
            out.append(MilestoneForecast(p, None, target, "reached"))
            continue
        if p.tracks_missing:
            out.append(MilestoneForecast(p, None, target, "needs track"))
            continue
        forecast = finish_day(p, played)
        if forecast is None:
            out.append(MilestoneForecast(p, None, target, "unreachable" if target is None else "behind",
                                         needed_hours_per_week=needed(p, target)))
        elif target is None:
            out.append(MilestoneForecast(p, forecast, None, "no target"))
        elif forecast <= target:
            out.append(MilestoneForecast(p, forecast, target, "on track"))
        else:
            behind = -(-(forecast - target).days // 7)
            out.append(MilestoneForecast(p, forecast, target, "behind", behind, needed(p, target)))
    return out
