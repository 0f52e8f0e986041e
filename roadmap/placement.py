"""The placement diagnostic: find what a learner already knows with few questions (pure).

The learner's knowledge is taken to be a *down-set* of the prerequisite
graph: whoever knows a skill knows its prerequisites. Each probe shows one
recall check of a skill and takes an answer (:class:`Answer`: knew it,
partly, no). A pass marks the skill and every prerequisite (direct or
indirect) known; a miss marks the skill and every skill built on it to study;
"partly" marks the skill unsure and its dependents to study (nothing is
marked known on a partial answer).

Which skill is probed:

1. a binary search along the study plan (the first probe is near the middle
   of the plan; after a pass the search moves up the graph, to later skills,
   after a miss down, to earlier ones) finds the plan position ``boundary``
   where the learner's knowledge ends, as if it were a prefix of the plan.
   Of the skills within an eighth of the search range from its middle, the
   one with the most undecided prerequisites is probed (a pass settles them
   all); on the bundled curriculum this lowers the worst misclassification of
   a plan-prefix learner from 4 skills to 1;
2. then, while undecided skills lie before that boundary, the one with the
   most undecided prerequisites (a pass settles them all) is confirmed;
3. then the frontier: undecided skills whose prerequisites are all known,
   earliest in the plan first (knowledge that is not a prefix of the plan).

It stops after ``max_probes`` (25) probes or when no skill is undecided (the
frontier is settled). In the :meth:`Placement.result`, undecided skills
before the boundary are *unsure* (never a guessed "known"); the others are
*to study*. Only skills marked known are written (as prior knowledge) once
the learner confirms.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Iterable, Sequence

import networkx as nx

from roadmap.curriculum import Curriculum
from roadmap.errors import RoadmapError

MAX_PROBES = 25


def placement_order(curriculum: Curriculum, plan: Sequence[str]) -> list[str]:
    """The study plan re-ordered by stage: skills of the lowest stage (milestone ``level``) that needs them first.

    A topological order of the plan's skills: key (stage level, plan
    position), skills no staged milestone needs last. A learner who has
    finished a stage then knows a prefix of this order.
    """
    pos = {s: i for i, s in enumerate(plan)}
    level: dict[str, int] = {}
    for m in sorted((m for m in curriculum.milestones if m.level is not None), key=lambda m: m.level):
        for s in curriculum.milestone_skills(m.id):
            level.setdefault(s, m.level)
    sub = curriculum.graph.subgraph(pos)
    return list(nx.lexicographical_topological_sort(sub, key=lambda s: (level.get(s, 1 << 30), pos[s])))


class PlacementError(RoadmapError):
    """An answer that is not y/p/n, or an answer for a skill that was not the one probed."""


class Answer(StrEnum):
    """The learner's answer to a probe: ``y`` I knew it, ``p`` partly, ``n`` no."""

    YES = "y"
    PARTLY = "p"
    NO = "n"

    @classmethod
    def parse(cls, text: str) -> Answer:
        """``y``/``yes``/``p``/``partly``/``n``/``no`` (any case) to an Answer. Raises PlacementError otherwise."""
        key = text.strip().lower()
        for a, words in ((cls.YES, ("y", "yes", "knew it", "i knew it")), (cls.PARTLY, ("p", "partly", "partial")),
                         (cls.NO, ("n", "no"))):
            if key in words:
                return a
        raise PlacementError(f"answer {text!r} is not y (I knew it), p (partly) or n (no)")


@dataclass(frozen=True)
class Probe:
    """One question: a skill and the recall check shown (prompt, answer key; the key may be None)."""

    number: int
    skill_id: str
    skill_name: str
    check_id: str
    prompt: str
    answer: str | None


@dataclass(frozen=True)
class PlacementResult:
    """The summary the learner confirms: skill ids in study order.

    ``known`` are marked learned as prior knowledge on confirmation;
    ``unsure`` and ``to_study`` are left as they are. ``probes`` is the
    number of questions asked.
    """

    known: tuple[str, ...]
    unsure: tuple[str, ...]
    to_study: tuple[str, ...]
    probes: int


class Placement:
    """An adaptive placement over a curriculum's study plan (see the module docstring).

    Parameters
    ----------
    curriculum : Curriculum
    order : sequence of str
        The skills to place, in study-plan order (prerequisites first);
        skills already learned or skipped are left out by the caller.
    already_known : iterable of str
        Skills known beforehand (learned or skipped); never probed.
    max_probes : int
        At most this many probes (default 25).
    """

    def __init__(self, curriculum: Curriculum, order: Sequence[str], *, already_known: Iterable[str] = (),
                 max_probes: int = MAX_PROBES) -> None:
        self.curriculum = curriculum
        self.order = list(order)
        self.pos = {s: i for i, s in enumerate(self.order)}
        self.max_probes = max_probes
        g = curriculum.graph
        inside = set(self.order)
        self._anc = {s: nx.ancestors(g, s) & inside for s in self.order}
        self._desc = {s: nx.descendants(g, s) & inside for s in self.order}
        self._pre = {s: set(g.predecessors(s)) for s in self.order}
        self.known: set[str] = set()
        self.not_known: set[str] = set()
        self.unsure: set[str] = set()
        self._prior = set(already_known)
        self.lo, self.hi = 0, len(self.order)  # the boundary lies in [lo, hi]
        self.asked: list[tuple[str, Answer]] = []
        self._current: Probe | None = None

    # -- state -----------------------------------------------------------------

    @property
    def undecided(self) -> list[str]:
        """Skills neither known, to study nor unsure yet, in plan order."""
        done = self.known | self.not_known | self.unsure
        return [s for s in self.order if s not in done]

    @property
    def boundary(self) -> int:
        """The estimated plan position where the learner's knowledge ends (skills before it are likely known)."""
        return self.lo if self.lo >= self.hi else (self.lo + self.hi) // 2

    def finished(self) -> bool:
        """True after ``max_probes`` probes or when no skill is undecided."""
        return len(self.asked) >= self.max_probes or not self.undecided

    # -- the probe/answer API ----------------------------------------------------

    def next_probe(self) -> Probe | None:
        """The next question, or None when the placement is finished. Asking again returns the same probe."""
        if self._current is not None:
            return self._current
        if self.finished():
            return None
        sid = self._choose()
        skill = self.curriculum.skills[sid]
        check = skill.check_items[0] if skill.check_items else None
        prompt = check.prompt if check else (skill.checks[0] if skill.checks else f"Explain {skill.name}.")
        self._current = Probe(len(self.asked) + 1, sid, skill.name, check.id if check else "", prompt,
                              check.answer if check else skill.description or None)
        return self._current

    def answer(self, skill_id: str, answer: Answer | str) -> None:
        """Record the answer to the current probe and infer what it implies.

        Raises PlacementError if ``skill_id`` is not the skill of the current probe or the answer is not y/p/n.
        """
        if self._current is None or self._current.skill_id != skill_id:
            raise PlacementError(f"{skill_id} is not the skill being asked about")
        a = answer if isinstance(answer, Answer) else Answer.parse(answer)
        self._current = None
        self.asked.append((skill_id, a))
        p = self.pos[skill_id]
        if a == Answer.YES:
            for s in self._anc[skill_id] | {skill_id}:
                if s not in self.not_known:
                    self.known.add(s)
                    self.unsure.discard(s)
            self.lo = max(self.lo, p + 1)
            self.hi = max(self.hi, self.lo)
        else:
            if a == Answer.PARTLY:
                self.unsure.add(skill_id)
            else:
                self.not_known.add(skill_id)
            for s in self._desc[skill_id]:
                self.not_known.add(s)
                self.unsure.discard(s)
            self.hi = min(self.hi, p)
            self.lo = min(self.lo, self.hi)

    def result(self) -> PlacementResult:
        """The summary so far: known, unsure (undecided skills before the boundary too), to study."""
        b = self.boundary
        unsure = set(self.unsure) | {s for s in self.undecided if self.pos[s] < b}
        known = [s for s in self.order if s in self.known]
        return PlacementResult(tuple(known), tuple(s for s in self.order if s in unsure),
                               tuple(s for s in self.order if s not in self.known and s not in unsure),
                               len(self.asked))

    # -- choosing ----------------------------------------------------------------

    def _choose(self) -> str:
        open_ = self.undecided
        if self.hi > self.lo:  # 1. binary search along the plan
            mid = (self.lo + self.hi) // 2
            cands = [s for s in open_ if self.lo <= self.pos[s] < self.hi]
            if cands:
                # Near the middle (within an eighth of the range), the skill with the most undecided
                # prerequisites: a pass then settles the most skills, the split stays close to halving.
                width = max(1, (self.hi - self.lo) // 8)
                undecided = set(open_)
                near = [s for s in cands if abs(self.pos[s] - mid) <= width] or cands
                return max(near, key=lambda s: (len(self._anc[s] & undecided), -abs(self.pos[s] - mid),
                                                -self.pos[s]))
            firsts = [i for i in range(self.lo, self.hi) if self.order[i] not in self.known]  # all decided: settle it
            self.lo = self.hi = firsts[0] if firsts else self.hi
        b = self.boundary
        undecided = set(open_)
        before = [s for s in open_ if self.pos[s] < b]
        if before:  # 2. confirm what the boundary says is known, top of the graph first
            undecided = set(open_)
            return max(before, key=lambda s: (len(self._anc[s] & undecided), self.pos[s]))
        ready = [s for s in open_ if all(p in self.known or p in self._prior or p not in self.pos for p in self._pre[s])]
        return (ready or open_)[0]  # 3. the frontier, earliest in the plan first
