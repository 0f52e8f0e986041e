"""The curriculum model: immutable values for skills, categories, milestones
and tracks, and :class:`Curriculum`, which holds them with the prerequisite
graph.

Pure: this module imports neither the database layer nor any face; build a
:class:`Curriculum` with :func:`roadmap.curriculum.load` (which validates).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from roadmap.errors import RoadmapError

if TYPE_CHECKING:
    import networkx as nx

FORMAT_VERSION = 1
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a curriculum file.

    Attributes
    ----------
    file : str
        The path as given by the user.
    line, column : int or None
        1-based position in the file, when it is known.
    message : str
        What is wrong and, where possible, what to do about it.
    warning : bool
        True for something worth knowing that does not stop the curriculum from
        loading (e.g. an overlay removing a skill that others required).
    """

    file: str
    line: int | None
    column: int | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {'warning: ' if self.warning else ''}{self.message}"


class CurriculumError(RoadmapError):
    """A curriculum file could not be read or is invalid.

    Attributes
    ----------
    problems : list of Problem
        Every problem found, in file order.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class FrozenMap(Mapping):
    """A read-only mapping that can be hashed and pickled (a ``MappingProxyType`` cannot be pickled,
    and validated curricula are cached as pickles)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping | None = None):
        self._data = dict(data or {})

    def __getitem__(self, key):
        return self._data[key]

    def __iter__(self) -> Iterator:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __reduce__(self):
        return (FrozenMap, (self._data,))


EMPTY_MAP = FrozenMap()


@dataclass(frozen=True)
class Resource:
    """A public study resource: a title and an http(s) URL (shown, never fetched)."""

    title: str
    url: str


@dataclass(frozen=True)
class Category:
    """A group of skills (e.g. ``math``), shown in the order of the file."""

    id: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Check:
    """One self-check of a skill: a prompt the learner answers from memory during review.

    Attributes
    ----------
    id : str
        Kebab-case, unique within the skill. Prompts given as a plain ``checks`` list
        get their 1-based position as id (``"1"``, ``"2"``, ...).
    prompt : str
        The question.
    answer : str or None
        Key points of a good answer (a few lines of Markdown), shown after answering.
    hint : str or None
        A nudge shown on request before answering.
    renamed_from : str or None
        The former id of this check, so its review history follows a rename.
    """

    id: str
    prompt: str
    answer: str | None = None
    hint: str | None = None
    renamed_from: str | None = None


@dataclass(frozen=True)
class Skill:
    """A node of the curriculum graph.

    Attributes
    ----------
    id : str
        Kebab-case identifier; progress is stored under it.
    hours : float
        Estimated study hours (> 0).
    requires : tuple of str
        Ids of the direct prerequisites.
    checks : tuple of str
        The prompts of the self-checks, in file order (the same as ``[c.prompt for c in check_items]``).
    renamed_from : tuple of str
        Former ids of this skill; their history is carried over.
    line : int or None
        Line of the ``[[skill]]`` header in the source file.
    check_items : tuple of Check
        The self-checks with their ids, answers and hints.
    exercises : tuple of str
        Multi-hour tasks done while studying the skill; never review cards.
    encompasses : Mapping[str, float] or None
        Prerequisite id -> weight in (0, 1]: how much a review of this skill also
        exercises that prerequisite (every key is a direct or indirect prerequisite).
        None when the skill has no ``encompasses`` table (graph credit then uses
        its default per prerequisite edge); a table, even an empty one, replaces
        that default for this skill's edges.
    """

    id: str
    name: str
    category: str
    hours: float
    requires: tuple[str, ...]
    description: str
    checks: tuple[str, ...]
    resources: tuple[Resource, ...]
    renamed_from: tuple[str, ...] = ()
    line: int | None = None
    check_items: tuple[Check, ...] = ()
    exercises: tuple[str, ...] = ()
    encompasses: Mapping[str, float] | None = None


@dataclass(frozen=True)
class Milestone:
    """A named goal that requires a set of skills.

    ``requires`` lists the characteristic skills; :meth:`Curriculum.milestone_skills`
    adds their prerequisites, since none of them can be learned without those.

    Attributes
    ----------
    level : int or None
        Set on a career *stage* (1, 2, 3, ...): stages are ordered by level.
    stage : str or None
        On a concrete milestone, the id of the stage it belongs to.
    deliverable : str
        What the learner can show when it is reached ("" when not given).
    tracks_required : int
        How many of the learner's chosen tracks this milestone also needs (0 to the number of tracks).
    """

    id: str
    name: str
    description: str
    requires: tuple[str, ...]
    level: int | None = None
    stage: str | None = None
    deliverable: str = ""
    tracks_required: int = 0


@dataclass(frozen=True)
class Track:
    """An elective specialisation a learner may choose: a named set of skills.

    Attributes
    ----------
    id : str
        Kebab-case, unique among tracks.
    requires : tuple of str
        The skills that make up the track (their prerequisites are implied).
    """

    id: str
    name: str
    description: str
    requires: tuple[str, ...]


@dataclass(frozen=True)
class Curriculum:
    """A validated curriculum. Immutable; build it with :func:`roadmap.curriculum.load`.

    Attributes
    ----------
    source : str
        Where it was read from (a path, or ``"<bundled>"``).
    categories : tuple of Category
    skills : Mapping[str, Skill]
        By id, in file order.
    milestones : tuple of Milestone
    graph : networkx.DiGraph
        Frozen; an edge ``a -> b`` means *a* is a prerequisite of *b*. Built on first use (importing
        networkx costs a noticeable part of a command's start-up); code on the paths of everyday
        commands walks :meth:`prerequisites` and :meth:`successors` instead, plain tuples with the same
        edges.
    aliases : Mapping[str, str]
        Former skill id -> current id.
    tracks : Mapping[str, Track]
        By id, in file order.
    warnings : tuple of Problem
        Things worth knowing that did not stop loading (``Problem.warning`` is True), e.g. from an
        overlay (:mod:`roadmap.curriculum.overlay`); empty for a plain file.
    """

    source: str
    categories: tuple[Category, ...]
    skills: Mapping[str, Skill]
    milestones: tuple[Milestone, ...]
    aliases: Mapping[str, str] = field(default_factory=dict, repr=False)
    _closures: dict = field(default_factory=dict, repr=False, compare=False)
    tracks: Mapping[str, Track] = field(default_factory=lambda: MappingProxyType({}))
    warnings: tuple[Problem, ...] = field(default=(), repr=False, compare=False)
    _graph: nx.DiGraph | None = field(default=None, repr=False, compare=False)
    _edges: tuple | None = field(default=None, repr=False, compare=False)

    def _adjacency(self) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        """(prerequisites, successors) of every skill: the graph's edges as plain tuples, computed once."""
        if self._edges is None:
            pred: dict[str, tuple[str, ...]] = {}
            succ: dict[str, list[str]] = {sid: [] for sid in self.skills}
            for sid, sk in self.skills.items():
                pred[sid] = tuple(dict.fromkeys(r for r in sk.requires if r in self.skills and r != sid))
                for r in pred[sid]:
                    succ[r].append(sid)
            object.__setattr__(self, "_edges", (pred, {k: tuple(v) for k, v in succ.items()}))
        return self._edges

    @property
    def graph(self) -> nx.DiGraph:
        """The prerequisite graph (networkx, frozen; edge ``a -> b``: *a* is a prerequisite of *b*),
        built on first use."""
        if self._graph is None:
            import networkx as nx

            object.__setattr__(self, "_graph", nx.freeze(build_graph(self.skills)))
        return self._graph

    def prerequisites(self, skill_id: str) -> tuple[str, ...]:
        """Ids of the direct prerequisites of ``skill_id`` that are skills of this curriculum, in
        ``requires`` order (the graph's predecessors). Raises KeyError for an unknown id."""
        return self._adjacency()[0][skill_id]

    def successors(self, skill_id: str) -> tuple[str, ...]:
        """Ids of the skills that list ``skill_id`` as a direct prerequisite, in file order (the graph's
        successors). Raises KeyError for an unknown id."""
        return self._adjacency()[1][skill_id]

    def prerequisites_first(self, skill_ids) -> list[str]:
        """``skill_ids`` ordered so that each comes after those of its prerequisites among them, ties
        broken by file order (networkx's ``lexicographical_topological_sort`` of the subgraph keyed by
        file position, without networkx). Raises KeyError for an unknown id."""
        import heapq

        wanted = set(skill_ids)
        position = {sid: i for i, sid in enumerate(self.skills)}
        waiting = {s: sum(1 for p in self.prerequisites(s) if p in wanted) for s in wanted}
        ready = [(position[s], s) for s, n in waiting.items() if n == 0]
        heapq.heapify(ready)
        out = []
        while ready:
            _, s = heapq.heappop(ready)
            out.append(s)
            for c in self.successors(s):
                if c in wanted:
                    waiting[c] -= 1
                    if waiting[c] == 0:
                        heapq.heappush(ready, (position[c], c))
        return out

    def prerequisite_count(self) -> int:
        """The number of prerequisite edges (the graph's edge count)."""
        return sum(len(p) for p in self._adjacency()[0].values())

    def category_name(self, category_id: str) -> str:
        """The display name of a category id (the id itself if unknown)."""
        for c in self.categories:
            if c.id == category_id:
                return c.name
        return category_id

    def milestone(self, milestone_id: str) -> Milestone:
        """The milestone with this id. Raises KeyError if there is none."""
        for m in self.milestones:
            if m.id == milestone_id:
                return m
        raise KeyError(milestone_id)

    def stages(self) -> list[Milestone]:
        """The career stages (milestones with a ``level``), ordered by level."""
        return sorted((m for m in self.milestones if m.level is not None), key=lambda m: m.level)

    def stage_milestones(self, stage_id: str) -> list[Milestone]:
        """The concrete milestones that belong to stage ``stage_id``, in file order ([] if none)."""
        return [m for m in self.milestones if m.stage == stage_id]

    def milestone_skills(self, milestone_id: str) -> frozenset[str]:
        """All skills a milestone needs: those it lists and all their prerequisites."""
        if milestone_id not in self._closures:  # computed once per milestone (the graph never changes)
            self._closures[milestone_id] = self.with_prerequisites(self.milestone(milestone_id).requires)
        return self._closures[milestone_id]

    def with_prerequisites(self, skill_ids) -> frozenset[str]:
        """``skill_ids`` and all their prerequisites, direct and indirect (one graph walk, O(V + E))."""
        pred = self._adjacency()[0]
        seen = set(skill_ids)
        stack = list(seen)
        while stack:
            for p in pred[stack.pop()]:
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        return frozenset(seen)

    def dependents(self, skill_id: str) -> list[str]:
        """Ids of the skills that list ``skill_id`` as a direct prerequisite."""
        return sorted(self.successors(skill_id))

    def canonical_id(self, skill_id: str) -> str | None:
        """The current id for ``skill_id`` or a former id of a renamed skill; None if unknown."""
        if skill_id in self.skills:
            return skill_id
        return self.aliases.get(skill_id)

    def suggest(self, skill_id: str, n: int = 3) -> list[str]:
        """Up to ``n`` existing skill ids closest in spelling to ``skill_id``."""
        return difflib.get_close_matches(skill_id, list(self.skills), n=n, cutoff=0.5)


def build_graph(skills: Mapping[str, Skill]) -> nx.DiGraph:
    """The prerequisite graph of ``skills`` (edge ``a -> b``: *a* is a prerequisite of *b*), not frozen.

    Requirements naming no skill in ``skills`` and self-loops are left out (the validator reports them).
    """
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(skills)
    graph.add_edges_from((r, s.id) for s in skills.values() for r in s.requires if r in skills and r != s.id)
    return graph


def summary(curriculum: Curriculum) -> dict[str, int]:
    """Counts for ``roadmap validate``: skills, prerequisites, categories, milestones (and tracks and
    stages when the curriculum has any)."""
    out = {
        "skills": len(curriculum.skills),
        "prerequisites": curriculum.prerequisite_count(),
        "categories": len(curriculum.categories),
        "milestones": len(curriculum.milestones),
    }
    if curriculum.tracks:
        out["tracks"] = len(curriculum.tracks)
    stages = curriculum.stages()
    if stages:
        out["stages"] = len(stages)
    return out
