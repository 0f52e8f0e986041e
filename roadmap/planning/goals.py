"""What the learner is working towards: milestones, career stages, chosen tracks, and their progress.

A *goal* is a set of skills the study plan finishes together: the skills in
progress, a milestone with a target date, a career stage (a milestone with a
``level``), a concrete milestone of a stage, a chosen track, or "the rest".
The study plan works through the goals in order (see :mod:`roadmap.planning`).

What a milestone needs
----------------------
A milestone needs the skills it lists and all their prerequisites. A milestone
with ``tracks_required = N`` also needs the skills of the first N tracks the
learner chose (setting ``tracks``, in the order given). A career *stage* also
needs what its concrete milestones (those with ``stage = <its id>``) need and
everything the earlier stages need: the ladder is cumulative, so a stage is
never reached (or forecast) before an earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Mapping, Sequence

from roadmap.curriculum import Curriculum
from roadmap.status import DONE, Status


def status_of(statuses: Mapping[str, Status], skill_id: str) -> Status:
    """The status of a skill; not_started when there is no record."""
    return statuses.get(skill_id, Status.NOT_STARTED)


def remaining_hours(curriculum: Curriculum, skill_id: str, logged: Mapping[str, float] | None = None) -> float:
    """Estimated hours minus hours logged on the skill, at least 0."""
    spent = (logged or {}).get(skill_id, 0.0)
    return max(0.0, curriculum.skills[skill_id].hours - spent)


@dataclass(frozen=True)
class Need:
    """What one milestone needs.

    Attributes
    ----------
    skills : frozenset of str
        Every skill id it needs (prerequisites, concrete milestones, earlier
        stages and counted tracks included).
    tracks : tuple of str
        The chosen tracks it counts (the first ``tracks_required`` chosen).
    tracks_missing : int
        How many more tracks the learner must choose before it can be reached.
    """

    skills: frozenset[str]
    tracks: tuple[str, ...] = ()
    tracks_missing: int = 0


def open_prerequisites(curriculum: Curriculum, statuses: Mapping[str, Status], skill_ids) -> frozenset[str]:
    """``skill_ids`` not learned or skipped, with the prerequisites they still wait for.

    The walk stops at learned or skipped skills: a prerequisite of a learned
    skill is not needed again (it may be unlearned if the learner forced it).
    """
    seen = {s for s in skill_ids if status_of(statuses, s) not in DONE}
    stack = list(seen)
    while stack:
        for p in curriculum.prerequisites(stack.pop()):
            if p not in seen and status_of(statuses, p) not in DONE:
                seen.add(p)
                stack.append(p)
    return frozenset(seen)


def chosen_tracks(curriculum: Curriculum, tracks: Sequence[str]) -> list[str]:
    """The chosen track ids the curriculum knows, in the learner's order, without repeats."""
    out: list[str] = []
    for t in tracks:
        if t in curriculum.tracks and t not in out:
            out.append(t)
    return out


def track_skills(curriculum: Curriculum, track_id: str) -> frozenset[str]:
    """The skills of a track with all their prerequisites."""
    return curriculum.with_prerequisites(curriculum.tracks[track_id].requires)


def milestone_needs(curriculum: Curriculum, tracks: Sequence[str] = ()) -> dict[str, Need]:
    """What each milestone needs, by milestone id, in curriculum order (see the module docstring).

    ``tracks`` are the learner's chosen track ids (unknown ids are ignored).
    O(milestones x (V + E)).
    """
    chosen = chosen_tracks(curriculum, tracks)
    out: dict[str, Need] = {}

    def own(m) -> Need:
        counted = tuple(chosen[:m.tracks_required])
        skills = set(curriculum.milestone_skills(m.id))
        for t in counted:
            skills |= track_skills(curriculum, t)
        return Need(frozenset(skills), counted, max(0, m.tracks_required - len(chosen)))

    for m in curriculum.milestones:
        if m.level is None:
            out[m.id] = own(m)
    earlier = Need(frozenset())
    for stage in curriculum.stages():
        n = own(stage)
        skills, counted, missing = set(n.skills) | earlier.skills, list(earlier.tracks), n.tracks_missing
        for t in n.tracks:
            if t not in counted:
                counted.append(t)
        for m in curriculum.stage_milestones(stage.id):
            skills |= out[m.id].skills
            missing = max(missing, out[m.id].tracks_missing)
            counted += [t for t in out[m.id].tracks if t not in counted]
        earlier = Need(frozenset(skills), tuple(counted), max(missing, earlier.tracks_missing))
        out[stage.id] = earlier
    return {m.id: out[m.id] for m in curriculum.milestones}


@dataclass(frozen=True)
class MilestoneProgress:
    """How far a milestone is: ``done`` of ``required`` skills (see :class:`Need` for what it requires).

    ``tracks_missing`` counts the tracks still to choose (setting ``tracks``);
    a milestone with tracks missing is not reached.
    """

    id: str
    name: str
    done: int
    required: int
    hours_remaining: float
    tracks_missing: int = 0

    @property
    def fraction(self) -> float:
        """Done / required, 0-1 (1 for a milestone that needs nothing)."""
        return self.done / self.required if self.required else 1.0

    @property
    def reached(self) -> bool:
        """Whether every required skill is learned or skipped and no track is missing."""
        return self.done >= self.required and not self.tracks_missing


def milestone_progress(curriculum: Curriculum, statuses: Mapping[str, Status],
                       logged: Mapping[str, float] | None = None, *,
                       tracks: Sequence[str] = ()) -> list[MilestoneProgress]:
    """Progress of every milestone, in curriculum order.

    ``hours_remaining`` sums the remaining hours of its unfinished skills;
    ``tracks`` are the learner's chosen tracks (setting ``tracks``).
    """
    done = {s for s, st in statuses.items() if st in DONE}
    rem: dict[str, float] = {}  # remaining hours, computed once per skill
    out = []
    needs = milestone_needs(curriculum, tracks)
    for m in curriculum.milestones:
        need = needs[m.id]
        undone = need.skills - done
        for s in undone - rem.keys():
            rem[s] = remaining_hours(curriculum, s, logged)
        out.append(MilestoneProgress(
            id=m.id, name=m.name, done=len(need.skills) - len(undone), required=len(need.skills),
            hours_remaining=round(sum(rem[s] for s in undone), 2), tracks_missing=need.tracks_missing,
        ))
    return out


@dataclass(frozen=True)
class Goal:
    """One step of the study plan's order: a set of skills finished before the next goal's.

    Attributes
    ----------
    kind : str
        ``in progress``, ``target`` (a milestone with a target date),
        ``milestone`` (a concrete milestone of a stage, or one outside the
        ladder), ``stage``, ``track`` (a chosen track no milestone counts) or ``rest``.
    id : str
        The milestone or track id ("" for in progress and rest).
    name : str
    skills : frozenset of str
        Everything the goal needs (skills of earlier goals included).
    target : date or None
        The target date, for ``target`` goals.
    stage : str or None
        The stage a milestone belongs to (its own id for a stage).
    leads : tuple of str
        The skills the goal names, in file order (a milestone's ``requires``,
        then its counted tracks' skills; for a stage, its concrete milestones'
        first): the plan works towards them one after the other.
    """

    kind: str
    id: str
    name: str
    skills: frozenset[str]
    target: date | None = None
    stage: str | None = None
    leads: tuple[str, ...] = ()


def plan_goals(curriculum: Curriculum, statuses: Mapping[str, Status], *, targets: Mapping[str, date] | None = None,
               tracks: Sequence[str] = ()) -> list[Goal]:
    """The goals of the study plan, in the order it works through them.

    Within a goal the plan works towards its ``leads`` one after the other.

    1. the skills in progress (those ready first), with their missing prerequisites;
    2. milestones with a target date that are not reached, earliest target first;
    3. the career ladder: for each stage by level, its concrete milestones in
       file order, then the stage itself;
    4. milestones outside the ladder, in file order;
    5. chosen tracks no milestone counts, in the learner's order;
    6. the rest (skills no stage, milestone or chosen track needs).
    """
    needs = milestone_needs(curriculum, tracks)
    done = {s for s, st in statuses.items() if st in DONE}
    goals = []
    started = [s for s in curriculum.skills if status_of(statuses, s) == Status.IN_PROGRESS]
    if started:
        # Those being studied now first, then those waiting for a prerequisite (started out of order).
        ready = [s for s in started if all(status_of(statuses, p) in DONE for p in curriculum.prerequisites(s))]
        goals.append(Goal("in progress", "", "skills in progress", open_prerequisites(curriculum, statuses, started),
                          leads=tuple(ready + [s for s in started if s not in ready])))
    order = {m.id: i for i, m in enumerate(curriculum.milestones)}
    stage_of = {m.id: (m.stage if m.level is None else m.id) for m in curriculum.milestones}

    def own_leads(mid: str) -> tuple[str, ...]:
        m = curriculum.milestone(mid)
        return m.requires + tuple(s for t in needs[mid].tracks for s in curriculum.tracks[t].requires)

    def leads(mid: str) -> tuple[str, ...]:
        m = curriculum.milestone(mid)
        if m.level is None:
            return own_leads(mid)
        earlier = [st.id for st in curriculum.stages() if st.level < m.level]
        return tuple(s for sid in earlier + [mid] for c in curriculum.stage_milestones(sid) + [curriculum.milestone(sid)]
                     for s in own_leads(c.id))

    dated = [(d, order[mid], mid) for mid, d in (targets or {}).items()
             if mid in order and not needs[mid].skills <= done]
    for d, _, mid in sorted(dated):
        goals.append(Goal("target", mid, curriculum.milestone(mid).name, needs[mid].skills, d, stage_of[mid],
                          leads(mid)))
    ladder = set()
    for stage in curriculum.stages():
        for m in curriculum.stage_milestones(stage.id):
            goals.append(Goal("milestone", m.id, m.name, needs[m.id].skills, stage=stage.id, leads=own_leads(m.id)))
            ladder.add(m.id)
        goals.append(Goal("stage", stage.id, stage.name, needs[stage.id].skills, stage=stage.id,
                          leads=own_leads(stage.id)))
        ladder.add(stage.id)
    for m in curriculum.milestones:
        if m.id not in ladder:
            goals.append(Goal("milestone", m.id, m.name, needs[m.id].skills, leads=own_leads(m.id)))
    counted = {t for n in needs.values() for t in n.tracks}
    for t in chosen_tracks(curriculum, tracks):
        if t not in counted:
            goals.append(Goal("track", t, curriculum.tracks[t].name, track_skills(curriculum, t),
                              leads=curriculum.tracks[t].requires))
    goals.append(Goal("rest", "", "other skills", frozenset(curriculum.skills)))
    return goals
