"""Planning: the study plan, the frontier, milestone progress and the weekly plan.

Everything here is a pure function of the curriculum, the learner's progress
(statuses, logged hours), their settings and a date: no database, no clock.

Order of the study plan
-----------------------
Every unlearned, unskipped skill, each after all of its prerequisites
(a topological order of the graph restricted to those skills). Among the
skills whose prerequisites are placed, the next one is chosen by, in turn:

1. skills already in progress (finish what was started);
2. skills the *nearest* unfinished milestone needs (milestones ranked by
   remaining hours, fewest first; a skill takes the rank of the nearest
   milestone that needs it);
3. skills that unlock the most later skills (unfinished descendants);
4. fewer remaining hours;
5. id, so the order is deterministic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Mapping

import networkx as nx

from roadmap.curriculum import Curriculum
from roadmap.status import Status
from roadmap.settings import Settings

DONE = frozenset({Status.LEARNED, Status.SKIPPED})


@dataclass(frozen=True)
class PlanItem:
    """One skill of the study plan, with the hours still to study (estimate − logged, ≥ 0)."""

    skill_id: str
    hours: float
    status: Status


@dataclass(frozen=True)
class MilestoneProgress:
    """How far a milestone is: ``done`` of ``required`` skills (prerequisites included)."""

    id: str
    name: str
    done: int
    required: int
    hours_remaining: float

    @property
    def fraction(self) -> float:
        """Done / required, 0-1 (1 for a milestone that needs nothing)."""
        return self.done / self.required if self.required else 1.0

    @property
    def reached(self) -> bool:
        """Whether every required skill is learned or skipped."""
        return self.done >= self.required


def status_of(statuses: Mapping[str, Status], skill_id: str) -> Status:
    """The status of a skill; not_started when there is no record."""
    return statuses.get(skill_id, Status.NOT_STARTED)


def remaining_hours(curriculum: Curriculum, skill_id: str, logged: Mapping[str, float] | None = None) -> float:
    """Estimated hours minus hours logged on the skill, at least 0."""
    spent = (logged or {}).get(skill_id, 0.0)
    return max(0.0, curriculum.skills[skill_id].hours - spent)


def milestone_progress(curriculum: Curriculum, statuses: Mapping[str, Status],
                       logged: Mapping[str, float] | None = None) -> list[MilestoneProgress]:
    """Progress of every milestone, in curriculum order.

    A milestone requires the skills it lists *and all their prerequisites*.
    ``hours_remaining`` sums the remaining hours of its unfinished skills.
    """
    done = {s for s, st in statuses.items() if st in DONE}
    rem: dict[str, float] = {}  # remaining hours, computed once per skill
    out = []
    for m in curriculum.milestones:
        needed = curriculum.milestone_skills(m.id)
        undone = needed - done
        for s in undone - rem.keys():
            rem[s] = remaining_hours(curriculum, s, logged)
        out.append(MilestoneProgress(
            id=m.id, name=m.name, done=len(needed) - len(undone), required=len(needed),
            hours_remaining=round(sum(rem[s] for s in undone), 2),
        ))
    return out


def _unlock_counts(graph: nx.DiGraph) -> dict[str, int]:
    """Number of descendants of each node, in O(V + E) big-int operations.

    Each node's descendant set is a bitset (a Python int) built in reverse
    topological order as the union of its successors' sets.
    """
    order = list(nx.topological_sort(graph))
    bit = {n: 1 << i for i, n in enumerate(order)}
    below: dict[str, int] = {}
    for n in reversed(order):
        acc = 0
        for s in graph.successors(n):
            acc |= bit[s] | below[s]
        below[n] = acc
    return {n: below[n].bit_count() for n in order}


def study_plan(curriculum: Curriculum, statuses: Mapping[str, Status],
               logged: Mapping[str, float] | None = None) -> list[PlanItem]:
    """The ordered study plan (see the module docstring for the order).

    Parameters
    ----------
    curriculum : Curriculum
    statuses : Mapping[str, Status]
        Skill id to status; missing ids are not_started.
    logged : Mapping[str, float], optional
        Skill id to hours already studied.

    Returns
    -------
    list of PlanItem
        Every skill that is neither learned nor skipped; each appears after
        all of its prerequisites that are also in the plan.
    """
    todo = [s for s in curriculum.skills if status_of(statuses, s) not in DONE]
    # A plain copy without the finished skills: networkx walks it far faster than a subgraph view.
    sub = nx.DiGraph(curriculum.graph)
    sub.remove_nodes_from([s for s in curriculum.skills if status_of(statuses, s) in DONE])
    unlocks = _unlock_counts(sub)
    hours = {s: remaining_hours(curriculum, s, logged) for s in todo}

    nearest = sorted(
        (p for p in milestone_progress(curriculum, statuses, logged) if not p.reached),
        key=lambda p: (p.hours_remaining, p.id),
    )
    rank: dict[str, int] = {}
    for i, p in enumerate(nearest):
        for s in curriculum.milestone_skills(p.id):
            rank.setdefault(s, i)
    last = len(nearest)

    def key(s: str):
        return (
            0 if status_of(statuses, s) == Status.IN_PROGRESS else 1,
            rank.get(s, last),
            -unlocks[s],
            hours[s],
            s,
        )

    order = nx.lexicographical_topological_sort(sub, key=key)
    return [PlanItem(s, round(hours[s], 2), status_of(statuses, s)) for s in order]


def frontier(curriculum: Curriculum, statuses: Mapping[str, Status],
             logged: Mapping[str, float] | None = None, *, plan: list[PlanItem] | None = None) -> list[PlanItem]:
    """Skills ready to study: not learned or skipped, every prerequisite learned or skipped.

    Returned best first, in study-plan order. ``plan`` is the study plan if
    the caller already has it (it is computed otherwise).
    """
    ready = {
        s for s in curriculum.skills
        if status_of(statuses, s) not in DONE
        and all(status_of(statuses, p) in DONE for p in curriculum.graph.predecessors(s))
    }
    plan = plan if plan is not None else study_plan(curriculum, statuses, logged)
    return [item for item in plan if item.skill_id in ready]


def missing_prerequisites(curriculum: Curriculum, statuses: Mapping[str, Status], skill_id: str) -> list[str]:
    """Prerequisites of ``skill_id`` (direct and indirect) not yet learned or skipped, in study order."""
    ancestors = nx.ancestors(curriculum.graph, skill_id)
    missing = [a for a in ancestors if status_of(statuses, a) not in DONE]
    order = {s: i for i, s in enumerate(curriculum.skills)}  # ties broken by file order: deterministic
    return list(nx.lexicographical_topological_sort(curriculum.graph.subgraph(missing), key=order.__getitem__))


# -- the weekly plan ------------------------------------------------------------

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
        Study blocks, in order.
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
    ``milestones_reached`` the milestones all of whose skills are then done.
    """

    days: list[DayPlan]
    budget_minutes: int
    finished: list[str] = field(default_factory=list)
    milestones_reached: list[str] = field(default_factory=list)
    finished_on: dict[str, date] = field(default_factory=dict)

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


def weekly_plan(curriculum: Curriculum, statuses: Mapping[str, Status], settings: Settings, start: date, *,
                days: int = 7, logged: Mapping[str, float] | None = None,
                reviews: Mapping[date, int] | None = None, time_off: list[tuple[date, date]] | None = None,
                review_minutes: float | None = None, plan: list[PlanItem] | None = None) -> WeekPlan:
    """Lay the study plan and expected reviews onto study days.

    Parameters
    ----------
    curriculum, statuses, settings
        As for :func:`study_plan`; settings give the weekly budget (hours),
        study days and minutes per review.
    start : date
        The first day.
    days : int
        How many consecutive days (7 for one week).
    logged : Mapping[str, float], optional
        Hours already studied per skill.
    reviews : Mapping[date, int], optional
        Reviews expected per day (from the review forecast).
    time_off : list of (date, date), optional
        Inclusive date ranges with no study.
    review_minutes : float, optional
        Minutes per review; ``settings.review_minutes`` when None.
    plan : list of PlanItem, optional
        The study plan, if the caller already has it.

    Returns
    -------
    WeekPlan
        Each day gets its reviews first, then study blocks filling the rest of
        its hours, in study-plan order; a skill's hours are split across days
        as needed, so no skill starts before its prerequisites' hours are all
        planned, and no day is over its hours. Times are whole minutes.
    """
    dates = [start + timedelta(days=i) for i in range(days)]
    caps = day_capacities(settings, dates)
    minutes_per_review = settings.review_minutes if review_minutes is None else review_minutes
    off_days = {d for d in dates for a, b in (time_off or []) if a <= d <= b}
    plan = plan if plan is not None else study_plan(curriculum, statuses, logged)
    queue = [[item.skill_id, round(item.hours * 60)] for item in plan]
    queue = [q for q in queue if q[1] > 0] + [[q[0], 0] for q in queue if q[1] <= 0]
    finished: list[str] = []
    finished_on: dict[str, date] = {}
    plan_days = []
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
        n_reviews = 0 if off else (reviews or {}).get(d, 0)
        rev_min = n_reviews * minutes_per_review
        day = DayPlan(day=d, capacity_minutes=cap_min, off=off, reviews=n_reviews, review_minutes=rev_min)
        free = cap_min - rev_min
        while queue and (queue[0][1] == 0 or free >= 1):
            skill, need = queue[0]
            take = min(need, int(free))
            if take > 0:
                day.blocks.append(Block(skill, take))
            free -= take
            queue[0][1] -= take
            if queue[0][1] <= 0:
                finished.append(skill)
                finished_on[skill] = d
                queue.pop(0)
            if free <= 0:
                break
        plan_days.append(day)
    after = dict(statuses)
    after.update({s: Status.LEARNED for s in finished})
    reached = [p.id for p, q in zip(milestone_progress(curriculum, statuses, logged),
                                    milestone_progress(curriculum, after, logged))
               if not p.reached and q.reached]
    budget = sum(d.capacity_minutes for d in plan_days)
    return WeekPlan(days=plan_days, budget_minutes=budget, finished=finished, milestones_reached=reached,
                    finished_on=finished_on)


# -- milestone forecasts ----------------------------------------------------------

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
        ``reached``, ``on track``, ``behind``, ``no target`` or ``unreachable``
        (not within the horizon).
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
                        horizon_days: int = HORIZON_DAYS) -> list[MilestoneForecast]:
    """Forecast every milestone by playing the plan forward from ``today``.

    The study plan is laid on the learner's study days for up to
    ``horizon_days`` with :func:`weekly_plan` (same budget, study days, time
    off and review load), and each milestone's forecast is the day its last
    unfinished skill is finished. ``reviews`` gives the expected reviews per
    day; days past its last date repeat the average of its last 30 days (the
    load of skills already in review; skills learned later add to it, so
    forecasts far out are slightly optimistic).
    """
    load = dict(reviews or {})
    if load:
        last = max(load)
        tail = [load.get(last - timedelta(days=i), 0) for i in range(30)]
        avg = round(sum(tail) / len(tail))
        for i in range(horizon_days):
            d = today + timedelta(days=i)
            load.setdefault(d, avg if d > last else 0)
    plan = study_plan(curriculum, statuses, logged)
    played = weekly_plan(curriculum, statuses, settings, today, days=horizon_days, logged=logged,
                         reviews=load, time_off=time_off, plan=plan)

    def finish_day(p: MilestoneProgress, wp: WeekPlan) -> date | None:
        undone = [s for s in curriculum.milestone_skills(p.id) if status_of(statuses, s) not in DONE]
        days_ = [wp.finished_on.get(s) for s in undone]
        return None if any(d is None for d in days_) else max(days_)

    def needed(p: MilestoneProgress, target: date | None) -> float | None:
        # The smallest weekly budget (0.5 h steps) at which the same plan, study days,
        # time off and reviews finish the milestone by its target: found by bisection.
        if target is None or target <= today:
            return None
        span = (target - today).days + 1

        def ok(hours: float) -> bool:
            wp = weekly_plan(curriculum, statuses, replace(settings, weekly_hours=hours), today, days=span,
                             logged=logged, reviews=load, time_off=time_off, plan=plan)
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
    for p in milestone_progress(curriculum, statuses, logged):
        target = settings.targets.get(p.id)
        if p.reached:
            out.append(MilestoneForecast(p, None, target, "reached"))
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
