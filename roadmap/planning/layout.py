"""The weekly plan: the study plan and the expected reviews laid onto study days.

:func:`play_plan` plays the plan forward day by day: each day gets its
reviews first, then its remaining minutes are shared by up to
``parallel_skills`` skills (the setting) chosen by the study plan's rule
(:class:`roadmap.planning.order.Picker`). It serves one week (``roadmap
week``) and a multi-year horizon (milestone forecasts) alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Mapping, Sequence

from roadmap.curriculum import Curriculum
from roadmap.planning.goals import milestone_progress, status_of
from roadmap.planning.order import PlanItem, Picker, ordering
from roadmap.settings import Settings
from roadmap.status import DONE, Status

@dataclass
class Block:
    """Study time on one skill on one day, in whole minutes."""

    skill_id: str
    minutes: int

    @property
    def hours(self) -> float:
        """The block's length in hours."""
        return self.minutes / 60


@dataclass
class DayPlan:
    """One day of the weekly plan.

    Attributes
    ----------
    day : date
        The local study day.
    capacity_minutes : int
        The day's study time, minutes (0 on days that are not study days or are off).
    off : bool
        True when the day falls in the learner's time off.
    reviews : int
        Reviews expected that day.
    review_minutes : float
        Minutes those reviews are expected to take.
    blocks : list of Block
        Study blocks, one per skill, in curriculum file order.
    """

    day: date
    capacity_minutes: int
    off: bool = False
    reviews: int = 0
    review_minutes: float = 0.0
    blocks: list[Block] = field(default_factory=list)

    @property
    def hours(self) -> float:
        """The day's capacity in hours."""
        return self.capacity_minutes / 60

    @property
    def planned_minutes(self) -> float:
        """Minutes of study blocks plus review time."""
        return sum(b.minutes for b in self.blocks) + self.review_minutes

    @property
    def planned_hours(self) -> float:
        """Hours of study blocks plus review time."""
        return self.planned_minutes / 60


@dataclass
class WeekPlan:
    """A plan over consecutive days, with what it is expected to achieve.

    ``finished`` lists the skills whose remaining hours are all planned;
    ``milestones_reached`` the milestones all of whose skills are then done;
    ``started_on`` and ``finished_on`` give the day of a skill's first block
    and the day its last hour is planned.
    """

    days: list[DayPlan]
    budget_minutes: int
    finished: list[str] = field(default_factory=list)
    milestones_reached: list[str] = field(default_factory=list)
    finished_on: dict[str, date] = field(default_factory=dict)
    started_on: dict[str, date] = field(default_factory=dict)

    def progress_after(self, statuses: Mapping[str, Status],
                       logged: Mapping[str, float]) -> tuple[dict[str, Status], dict[str, float]]:
        """The progress of a learner who followed this plan: (statuses, hours logged per skill).

        Finished skills are learned; skills with blocks but hours left are in
        progress; every block counts as logged hours. Planning from the day
        after with this progress continues this plan.
        """
        logged = dict(logged)
        statuses = dict(statuses)
        for d in self.days:
            for b in d.blocks:
                logged[b.skill_id] = logged.get(b.skill_id, 0.0) + b.hours
                if status_of(statuses, b.skill_id) == Status.NOT_STARTED:
                    statuses[b.skill_id] = Status.IN_PROGRESS
        statuses.update({s: Status.LEARNED for s in self.finished})
        return statuses, logged

    @property
    def budget_hours(self) -> float:
        """The hours available over the plan's days (time off excluded)."""
        return self.budget_minutes / 60

    @property
    def planned_hours(self) -> float:
        """Total hours planned (study blocks and reviews)."""
        return sum(d.planned_minutes for d in self.days) / 60


def day_capacities(settings: Settings, days: list[date]) -> dict[date, float]:
    """Study hours available on each date, from the weekly budget and study days.

    Days with fixed hours (``SA=3``) get them; what remains of the weekly
    budget is shared evenly by the other study days of the week; other days
    get 0. Study days are expanded with dateutil's ``rrule`` (RFC 5545).
    """
    from dateutil.rrule import WEEKLY, rrule

    if not days:
        return {}
    fixed = {d: h for d, h in settings.study_days.items() if h is not None}
    flexible = [d for d, h in settings.study_days.items() if h is None]
    share = max(0.0, settings.weekly_hours - sum(fixed.values()))
    each = share / len(flexible) if flexible else 0.0
    from datetime import datetime

    start, end = min(days), max(days)
    rule = rrule(WEEKLY, byweekday=sorted(settings.study_days), dtstart=datetime.combine(start, datetime.min.time()),
                 until=datetime.combine(end, datetime.min.time()))
    study = {dt.date() for dt in rule}
    return {d: (fixed.get(d.weekday(), each) if d in study else 0.0) for d in days}




def _share(free: int, need: dict[str, int], rank: Mapping[str, tuple]) -> dict[str, int]:
    """Share ``free`` whole minutes equally among skills, none getting more than it needs (water-filling)."""
    out: dict[str, int] = {}
    left = free
    items = sorted(need, key=lambda s: (need[s], rank[s]))
    for i, s in enumerate(items):
        fair = left // (len(items) - i) if i < len(items) - 1 else left
        out[s] = min(need[s], fair)
        left -= out[s]
    return out


def play_plan(curriculum: Curriculum, statuses: Mapping[str, Status], settings: Settings, start: date, *,
              days: int = 7, logged: Mapping[str, float] | None = None,
              reviews: Mapping[date, int] | None = None, time_off: list[tuple[date, date]] | None = None,
              review_minutes: float | None = None, plan: list[PlanItem] | None = None,
              review_profile: Sequence[float] | None = None, checks: Mapping[str, int] | None = None,
              until_finished: bool = False) -> WeekPlan:
    """Play the study plan forward on study days: reviews first, then up to ``parallel_skills`` skills a day.

    Parameters
    ----------
    curriculum, statuses, settings
        As for :func:`roadmap.planning.study_plan`; settings give the weekly
        budget (hours), study days, minutes per review, target dates, chosen
        tracks and ``parallel_skills``.
    start : date
        The first day.
    days : int
        How many consecutive days (7 for one week, 3650 for a forecast).
    logged : Mapping[str, float], optional
        Hours already studied per skill.
    reviews : Mapping[date, int], optional
        Reviews expected per day (from the review forecast).
    time_off : list of (date, date), optional
        Inclusive date ranges with no study.
    review_minutes : float, optional
        Minutes per review; ``settings.review_minutes`` when None.
    plan : list of PlanItem, optional
        Ignored (the order is recomputed from the same inputs); kept so
        callers that already hold the study plan may pass it.
    review_profile : sequence of float, optional
        Expected reviews of one check on each day after its skill is learned
        (index 0: the next day). With it, skills the play finishes add their
        checks' expected reviews to the days after (forecasts over months and
        years); without it only ``reviews`` count (one week).
    checks : Mapping[str, int], optional
        Checks per skill (1 when missing), for ``review_profile``.
    until_finished : bool
        Stop after the first day that ends with no skill being studied and none ready to start
        (every day after it would be the same: reviews only), so the returned days may be fewer
        than ``days``. For forecasts, which only need the days skills finish on; the week view
        keeps False.

    Returns
    -------
    WeekPlan
        Each day gets its reviews first; the rest of its minutes is shared
        equally by the skills being studied (at most ``parallel_skills`` at
        once; a skill's unused share goes to the others). Skills in progress
        are studied first and stay until finished; a freed slot is filled by
        the study plan's rule, preferring a category not being studied. No
        skill starts before its prerequisites are finished, no day is over
        its hours, times are whole minutes.
    """
    del plan  # the order depends on the same inputs; recomputing keeps one rule
    dates = [start + timedelta(days=i) for i in range(days)]
    caps = day_capacities(settings, dates)
    minutes_per_review = settings.review_minutes if review_minutes is None else review_minutes
    off_days = {d for d in dates for a, b in (time_off or []) if a <= d <= b}
    order = ordering(curriculum, statuses, logged, targets=settings.targets, tracks=settings.tracks)
    picker = Picker(curriculum, order)
    parallel = settings.parallel_skills
    need = {s: round(h * 60) for s, h in order.hours.items()}
    index = {s: i for i, s in enumerate(curriculum.skills)}
    active: list[str] = []
    finished: list[str] = []
    finished_on: dict[str, date] = {}
    started_on: dict[str, date] = {}
    plan_days = []

    extra = [0.0] * days  # expected reviews of the checks of skills the play finishes
    day_index = {d: i for i, d in enumerate(dates)}

    def finish(s: str, d: date) -> None:
        finished.append(s)
        finished_on[s] = d
        picker.finish(s)
        if review_profile:
            n, first = (checks or {}).get(s, 1), day_index[d] + 1
            for j, v in enumerate(review_profile[:max(0, days - first)]):
                extra[first + j] += n * v

    def fill(d: date) -> None:
        while len(active) < parallel:
            s = picker.pick(active)
            if s is None:
                return
            if need[s] <= 0:
                finish(s, d)
            else:
                active.append(s)

    # Whole minutes per day, rounded on the running total so the days add up
    # to the budget exactly (7 x 10/7 h gives 600 minutes, not 602).
    cap_minutes, running, placed = {}, 0.0, 0
    for d in dates:
        running += caps[d] * 60
        cap_minutes[d] = round(running) - placed
        placed += cap_minutes[d]
    for d in dates:
        off = d in off_days
        cap_min = 0 if off else cap_minutes[d]
        expected = 0.0 if off else (reviews or {}).get(d, 0) + extra[day_index[d]]
        n_reviews = round(expected)
        rev_min = expected * minutes_per_review
        day = DayPlan(day=d, capacity_minutes=cap_min, off=off, reviews=n_reviews, review_minutes=rev_min)
        free = int(cap_min - rev_min) if cap_min - rev_min >= 1 else 0
        spent: dict[str, int] = {}
        fill(d)
        while free > 0 and active:
            given = _share(free, {s: need[s] for s in active}, order.rank)
            for s in active:
                if given[s]:
                    spent[s] = spent.get(s, 0) + given[s]
                    started_on.setdefault(s, d)
                    need[s] -= given[s]
                    free -= given[s]
            done = [s for s in active if need[s] <= 0]
            if not done:
                break
            for s in done:
                active.remove(s)
                finish(s, d)
            fill(d)
        day.blocks = [Block(s, spent[s]) for s in sorted(spent, key=index.__getitem__)]  # file order
        plan_days.append(day)
        if until_finished and not active:
            break  # the day's last pick found nothing ready: only a finish makes a skill ready, so no later day changes
    after = dict(statuses)
    after.update({s: Status.LEARNED for s in finished})
    reached = [p.id for p, q in zip(milestone_progress(curriculum, statuses, logged, tracks=settings.tracks),
                                    milestone_progress(curriculum, after, logged, tracks=settings.tracks))
               if not p.reached and q.reached]
    budget = sum(d.capacity_minutes for d in plan_days)
    return WeekPlan(days=plan_days, budget_minutes=budget, finished=finished, milestones_reached=reached,
                    finished_on=finished_on, started_on=started_on)


weekly_plan = play_plan
"""Former name of :func:`play_plan` (it plays any number of days, not only a week)."""
