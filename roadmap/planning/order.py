"""The order of the study plan: which skill comes next, and why.

See :mod:`roadmap.planning` for the rule. The same :class:`Picker` chooses
the next skill for the study plan (a list) and for the weekly plan (days),
so the two agree: the study plan lists skills in the order a learner who
follows the weekly plan starts them.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date
from typing import Mapping, Sequence

from roadmap.curriculum import Curriculum
from roadmap.planning.goals import DONE, Goal, open_prerequisites, plan_goals, remaining_hours, status_of
from roadmap.status import Status

DEFAULT_PARALLEL = 2
"""Skills worked on at once when no settings are given (the setting ``parallel_skills``)."""

INTERLEAVE_FRACTION = 0.5
"""A skill of another category takes a parallel slot when its chain is at least this fraction of the best one's."""


@dataclass(frozen=True)
class PlanItem:
    """One skill of the study plan, with the hours still to study (estimate − logged, ≥ 0)."""

    skill_id: str
    hours: float
    status: Status


@dataclass(frozen=True)
class Ordering:
    """The static facts the next-skill rule uses, computed once per plan.

    Attributes
    ----------
    goals : list of Goal
        In plan order (see :func:`roadmap.planning.goals.plan_goals`).
    tier : dict[str, tuple of int]
        Skill id -> (index of the first goal that needs it, index of the
        first of that goal's leads it leads to (or the number of leads)).
    chain : dict[str, float]
        Skill id -> hours of the longest chain of unfinished skills of the same
        goal that starts with it (its own remaining hours included).
    rank : dict[str, tuple]
        Skill id -> sort key within a goal: longest chain first, then file order.
    hours : dict[str, float]
        Remaining hours of every skill still to study.
    waiting : dict[str, int]
        Skill still to study -> how many of its direct prerequisites are still to study.
    successors : dict[str, tuple of str]
        Skill still to study -> the skills still to study that list it as a direct prerequisite.
    """

    goals: list[Goal]
    tier: dict[str, tuple[int, int]]
    chain: dict[str, float]
    rank: dict[str, tuple]
    hours: dict[str, float]
    waiting: dict[str, int]
    successors: dict[str, tuple[str, ...]]


def ordering(curriculum: Curriculum, statuses: Mapping[str, Status], logged: Mapping[str, float] | None = None, *,
             targets: Mapping[str, date] | None = None, tracks: Sequence[str] = ()) -> Ordering:
    """Compute goals, tiers and chain lengths for the skills not learned or skipped. O(leads x (V + E))."""
    todo = [s for s in curriculum.skills if status_of(statuses, s) not in DONE]
    sub = set(todo)  # the prerequisite graph without the skills learned or skipped
    successors = {s: tuple(c for c in curriculum.successors(s) if c in sub) for s in todo}
    goals = plan_goals(curriculum, statuses, targets=targets, tracks=tracks)
    tier: dict[str, tuple[int, int]] = {}
    for i, g in enumerate(goals):
        for j, lead in enumerate(g.leads):
            for s in open_prerequisites(curriculum, statuses, [lead]):
                tier.setdefault(s, (i, j))
        for s in g.skills:
            if s in sub:
                tier.setdefault(s, (i, len(g.leads)))
    hours = {s: remaining_hours(curriculum, s, logged) for s in todo}
    chain: dict[str, float] = {}
    for s in reversed(curriculum.prerequisites_first(todo)):  # any topological order gives the same chains
        below = [chain[c] for c in successors[s] if tier[c] == tier[s]]
        chain[s] = hours[s] + max(below, default=0.0)
    index = {s: i for i, s in enumerate(curriculum.skills)}
    rank = {s: (-round(chain[s], 6), index[s]) for s in todo}
    waiting = {s: sum(1 for p in curriculum.prerequisites(s) if p in sub) for s in todo}
    return Ordering(goals, tier, chain, rank, hours, waiting, successors)


class Picker:
    """Chooses the next skill to start, given the skills being studied now.

    The rule, in turn: only skills whose prerequisites are all finished; only
    skills of the earliest goal with skills not yet started (so a goal is
    finished before what only a later goal needs, and in-progress skills come
    first); the longest remaining chain within that goal first, then file
    order; and for a parallel slot, a skill of a category not being studied
    when its chain is at least :data:`INTERLEAVE_FRACTION` of the best one's.

    Call :meth:`pick` to start a skill and :meth:`finish` when it is done.
    """

    def __init__(self, curriculum: Curriculum, order: Ordering):
        self.order = order
        self.category = {s: curriculum.skills[s].category for s in order.hours}
        self.waiting = {s: order.waiting[s] for s in order.hours}
        self.pending: dict[tuple[int, int], int] = {}  # tier -> skills neither started nor finished
        for s in order.hours:
            self.pending[order.tier[s]] = self.pending.get(order.tier[s], 0) + 1
        self.ready: dict[tuple[tuple[int, int], str], list] = {}  # (tier, category) -> heap of (rank, id)
        for s, n in self.waiting.items():
            if n == 0:
                self._push(s)

    def _push(self, s: str) -> None:
        heapq.heappush(self.ready.setdefault((self.order.tier[s], self.category[s]), []), (self.order.rank[s], s))

    def pick(self, studying: Sequence[str] = ()) -> str | None:
        """The next skill to start beside ``studying`` (None if none may start now); it counts as started."""
        tiers = [t for t, n in self.pending.items() if n > 0]
        if not tiers:
            return None
        tier = min(tiers)
        tops = [(h[0], cat) for (t, cat), h in self.ready.items() if t == tier and h]
        if not tops:
            return None
        (best_rank, best), best_cat = min(tops)
        used = {self.category[s] for s in studying}
        if best_cat in used:
            others = [(r, s, c) for (r, s), c in tops if c not in used
                      and self.order.chain[s] >= INTERLEAVE_FRACTION * self.order.chain[best]]
            if others:
                (best_rank, best, best_cat) = min(others)
        heapq.heappop(self.ready[(tier, best_cat)])
        self.pending[tier] -= 1
        return best

    def finish(self, s: str) -> None:
        """Record ``s`` as finished: skills waiting only for it become ready."""
        for c in self.order.successors[s]:
            self.waiting[c] -= 1
            if self.waiting[c] == 0:
                self._push(c)


def start_order(curriculum: Curriculum, order: Ordering, parallel: int) -> list[str]:
    """The order in which a learner starts the skills, studying ``parallel`` at once with equal time each.

    A continuous play of the plan in study hours (no calendar): each started
    skill gets an equal share of the time until one is finished, then the
    freed slot is filled by :class:`Picker`.
    """
    picker = Picker(curriculum, order)
    active: dict[str, float] = {}
    out: list[str] = []
    while True:
        while len(active) < parallel:
            s = picker.pick(list(active))
            if s is None:
                break
            out.append(s)
            if order.hours[s] <= 1e-9:
                picker.finish(s)
            else:
                active[s] = order.hours[s]
        if not active:
            break
        step = min(active.values())
        done = sorted((s for s in active if active[s] - step <= 1e-9), key=order.rank.__getitem__)
        for s in list(active):
            active[s] -= step
        for s in done:
            del active[s]
            picker.finish(s)
    return out


def study_plan(curriculum: Curriculum, statuses: Mapping[str, Status], logged: Mapping[str, float] | None = None,
               *, settings=None) -> list[PlanItem]:
    """The ordered study plan (see :mod:`roadmap.planning` for the order).

    Parameters
    ----------
    curriculum : Curriculum
    statuses : Mapping[str, Status]
        Skill id to status; missing ids are not_started.
    logged : Mapping[str, float], optional
        Skill id to hours already studied.
    settings : roadmap.settings.Settings, optional
        Gives the target dates, chosen tracks and ``parallel_skills``;
        none, no tracks and :data:`DEFAULT_PARALLEL` when None.

    Returns
    -------
    list of PlanItem
        Every skill that is neither learned nor skipped; each appears after
        all of its prerequisites that are also in the plan.
    """
    order = ordering(curriculum, statuses, logged, targets=getattr(settings, "targets", None),
                     tracks=getattr(settings, "tracks", ()))
    parallel = getattr(settings, "parallel_skills", DEFAULT_PARALLEL)
    return [PlanItem(s, round(order.hours[s], 2), status_of(statuses, s))
            for s in start_order(curriculum, order, parallel)]


def frontier(curriculum: Curriculum, statuses: Mapping[str, Status],
             logged: Mapping[str, float] | None = None, *, plan: list[PlanItem] | None = None,
             settings=None) -> list[PlanItem]:
    """Skills ready to study: not learned or skipped, every prerequisite learned or skipped.

    Returned best first, in study-plan order. ``plan`` is the study plan if
    the caller already has it (it is computed otherwise, with ``settings``).
    """
    ready = {
        s for s in curriculum.skills
        if status_of(statuses, s) not in DONE
        and all(status_of(statuses, p) in DONE for p in curriculum.prerequisites(s))
    }
    plan = plan if plan is not None else study_plan(curriculum, statuses, logged, settings=settings)
    return [item for item in plan if item.skill_id in ready]


def missing_prerequisites(curriculum: Curriculum, statuses: Mapping[str, Status], skill_id: str) -> list[str]:
    """Prerequisites of ``skill_id`` (direct and indirect) not yet learned or skipped, in study order."""
    ancestors = curriculum.with_prerequisites([skill_id]) - {skill_id}
    missing = [a for a in ancestors if status_of(statuses, a) not in DONE]
    return curriculum.prerequisites_first(missing)  # ties broken by file order: deterministic


@dataclass(frozen=True)
class PlanReason:
    """Why a skill is where it is in the study plan.

    Attributes
    ----------
    skill_id : str
    position : int or None
        1-based place in the study plan; None when the skill is learned or skipped.
    goal : Goal or None
        The goal it is studied for (the first goal of the plan that needs it).
    ladder_goal : Goal or None
        The goal it would be studied for without target dates, when a target moved it.
    missing : list of str
        Prerequisites (direct and indirect) not yet learned or skipped, in study-plan order.
    unlocks : list of str
        Skills that list it as a direct prerequisite and are not learned or skipped.
    status : Status
    """

    skill_id: str
    position: int | None
    goal: Goal | None
    ladder_goal: Goal | None
    missing: list[str]
    unlocks: list[str]
    status: Status

    @property
    def moved_by_target(self) -> bool:
        """Whether a milestone's target date moved the skill ahead of its place on the ladder."""
        return self.ladder_goal is not None


def plan_reason(curriculum: Curriculum, statuses: Mapping[str, Status], skill_id: str, *,
                logged: Mapping[str, float] | None = None, settings=None,
                plan: list[PlanItem] | None = None) -> PlanReason:
    """Why ``skill_id`` is where it is in the study plan (its goal, missing prerequisites, what it unlocks).

    Raises KeyError for an unknown skill id.
    """
    curriculum.skills[skill_id]  # noqa: B018 - raises KeyError for an unknown id
    targets = getattr(settings, "targets", None)
    tracks = getattr(settings, "tracks", ())
    status = status_of(statuses, skill_id)
    missing = missing_prerequisites(curriculum, statuses, skill_id)
    unlocks = [s for s in curriculum.dependents(skill_id) if status_of(statuses, s) not in DONE]
    if status in DONE:
        return PlanReason(skill_id, None, None, None, missing, unlocks, status)
    plan = plan if plan is not None else study_plan(curriculum, statuses, logged, settings=settings)
    where = {p.skill_id: i for i, p in enumerate(plan, 1)}
    position = where[skill_id]
    missing.sort(key=where.__getitem__)
    goals = plan_goals(curriculum, statuses, targets=targets, tracks=tracks)
    goal = next(g for g in goals if skill_id in g.skills)
    ladder = None
    if goal.kind == "target":
        plain = plan_goals(curriculum, statuses, tracks=tracks)
        ladder = next(g for g in plain if skill_id in g.skills)
    return PlanReason(skill_id, position, goal, ladder, missing, unlocks, status)
