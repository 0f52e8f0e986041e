"""The curriculum: a TOML file of skills, categories and milestones, validated
into an immutable :class:`Curriculum` that holds the prerequisite graph.

The format is documented in ``docs/curriculum.md``. Loading never raises
anything but :class:`CurriculumError`, which carries *every* problem found
(file, line, column where known, and a message), so a mentor fixes a file in
one pass.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import networkx as nx

from roadmap.errors import RoadmapError

FORMAT_VERSION = 1
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # everything below space but tab and newline

_SKILL_KEYS = {
    "id", "name", "category", "hours", "requires", "description", "checks",
    "resources", "renamed_from",
}
_CATEGORY_KEYS = {"id", "name", "description"}
_MILESTONE_KEYS = {"id", "name", "description", "requires"}
_TOP_KEYS = {"format", "title", "category", "skill", "milestone"}


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
    """

    file: str
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


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
        Self-check prompts shown during review.
    renamed_from : tuple of str
        Former ids of this skill; their history is carried over.
    line : int or None
        Line of the ``[[skill]]`` header in the source file.
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


@dataclass(frozen=True)
class Milestone:
    """A named goal that requires a set of skills.

    ``requires`` lists the characteristic skills; :meth:`Curriculum.milestone_skills`
    adds their prerequisites, since none of them can be learned without those.
    """

    id: str
    name: str
    description: str
    requires: tuple[str, ...]


@dataclass(frozen=True)
class Curriculum:
    """A validated curriculum. Immutable; build it with :func:`load`.

    Attributes
    ----------
    source : str
        Where it was read from (a path, or ``"<bundled>"``).
    categories : tuple of Category
    skills : Mapping[str, Skill]
        By id, in file order.
    milestones : tuple of Milestone
    graph : networkx.DiGraph
        Frozen; an edge ``a -> b`` means *a* is a prerequisite of *b*.
    """

    source: str
    categories: tuple[Category, ...]
    skills: Mapping[str, Skill]
    milestones: tuple[Milestone, ...]
    graph: nx.DiGraph = field(repr=False)
    aliases: Mapping[str, str] = field(default_factory=dict, repr=False)
    _closures: dict = field(default_factory=dict, repr=False, compare=False)

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

    def milestone_skills(self, milestone_id: str) -> frozenset[str]:
        """All skills a milestone needs: those it lists and all their prerequisites."""
        if milestone_id not in self._closures:  # computed once per milestone (the graph never changes)
            self._closures[milestone_id] = self.with_prerequisites(self.milestone(milestone_id).requires)
        return self._closures[milestone_id]

    def with_prerequisites(self, skill_ids) -> frozenset[str]:
        """``skill_ids`` and all their prerequisites, direct and indirect (one graph walk, O(V + E))."""
        pred = self.graph.pred
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
        return sorted(self.graph.successors(skill_id))

    def canonical_id(self, skill_id: str) -> str | None:
        """The current id for ``skill_id`` or a former id of a renamed skill; None if unknown."""
        if skill_id in self.skills:
            return skill_id
        return self.aliases.get(skill_id)

    def suggest(self, skill_id: str, n: int = 3) -> list[str]:
        """Up to ``n`` existing skill ids closest in spelling to ``skill_id``."""
        return difflib.get_close_matches(skill_id, list(self.skills), n=n, cutoff=0.5)


def bundled_path() -> Path:
    """Path of the curriculum shipped with roadmap (inside the installed package)."""
    return Path(str(resources.files("roadmap._curriculum") / "skills_graph.toml"))


def load(path: str | Path | None = None) -> Curriculum:
    """Read and validate a curriculum file.

    Parameters
    ----------
    path : str or Path, optional
        The TOML file; the bundled curriculum when None.

    Returns
    -------
    Curriculum

    Raises
    ------
    CurriculumError
        If the file cannot be read, is not TOML, or breaks any rule of the
        format; ``problems`` lists them all.
    """
    p = Path(path) if path is not None else bundled_path()
    shown = str(path) if path is not None else str(p)
    try:
        raw = p.read_bytes()
        cached = _cache_get(raw, shown)
        if cached is not None:
            return cached
        text = raw.decode("utf-8-sig")  # a BOM, as some editors on Windows write, is fine
    except FileNotFoundError:
        raise CurriculumError([Problem(shown, None, None, "no such file; check the path")])
    except IsADirectoryError:
        raise CurriculumError([Problem(shown, None, None, "is a directory, not a curriculum TOML file")])
    except UnicodeDecodeError as e:
        raise CurriculumError([Problem(shown, None, None, f"the file is not UTF-8 text ({e.reason} at byte {e.start}); "
                                                          "save it as UTF-8")])
    except OSError as e:
        raise CurriculumError([Problem(shown, None, None, f"cannot be read: {e.strerror}")])
    cur = parse(text, shown)
    _cache_put(raw, cur)
    return cur


# -- a cache of validated curricula, keyed by content ------------------------------
# Parsing and validating TOML is pure Python: ~60 ms for the bundled file and
# seconds for a curriculum of 10 000 skills. A validated curriculum is stored
# as a pickle in the user cache dir under the SHA-256 of the file's bytes and
# of this code's version, so an edited file or a new roadmap never reads a
# stale entry. Any problem with the cache falls back to parsing.

_CACHE_VERSION = "2"


def _cache_path(raw: bytes):
    import hashlib

    import platformdirs

    from roadmap import __version__

    digest = hashlib.sha256(raw + f"|{__version__}|{_CACHE_VERSION}|{FORMAT_VERSION}".encode()).hexdigest()
    return platformdirs.user_cache_path("roadmap", appauthor=False) / f"curriculum-{digest[:32]}.pickle"


def _cache_get(raw: bytes, source: str) -> Curriculum | None:
    import pickle

    try:
        with open(_cache_path(raw), "rb") as f:
            state = pickle.load(f)
        return _from_state(state, source)
    except Exception:  # missing, unreadable or from another version: parse instead
        return None


def _cache_put(raw: bytes, cur: Curriculum) -> None:
    import os
    import pickle
    import tempfile

    try:
        target = _cache_path(raw)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".curriculum-")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(_to_state(cur), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except OSError:
        pass  # a read-only cache dir only costs speed


def _to_state(cur: Curriculum) -> tuple:
    closures = {m.id: cur.milestone_skills(m.id) for m in cur.milestones}
    return (cur.categories, dict(cur.skills), cur.milestones, dict(cur.aliases), closures)


def _from_state(state: tuple, source: str) -> Curriculum:
    categories, skills, milestones, aliases, closures = state
    graph = nx.DiGraph()
    graph.add_nodes_from(skills)
    graph.add_edges_from((r, s.id) for s in skills.values() for r in s.requires)
    return Curriculum(source=source, categories=categories, skills=MappingProxyType(skills),
                      milestones=milestones, graph=nx.freeze(graph), aliases=MappingProxyType(aliases),
                      _closures=dict(closures))


def parse(text: str, source: str = "<string>") -> Curriculum:
    """Validate curriculum TOML text; see :func:`load`. Raises CurriculumError."""
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise CurriculumError([Problem(source, None, None, "not valid TOML: values are nested too deeply")]) from None
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
        msg = re.sub(r"\s*\(at end of document\)", " at the end of the document", msg)
        raise CurriculumError([Problem(source, line, col, f"not valid TOML: {msg}")])
    return _Validator(text, source).validate(data)


class _Validator:
    """Collects every problem in one pass over parsed TOML."""

    def __init__(self, text: str, source: str):
        self.source = source
        self.lines = text.splitlines()
        self.problems: list[Problem] = []
        self.headers = {
            name: [i + 1 for i, ln in enumerate(self.lines)
                   if re.match(rf"\s*\[\[\s*{name}\s*\]\]", ln)]
            for name in ("category", "skill", "milestone")
        }

    # -- positions -----------------------------------------------------------
    def _table_line(self, kind: str, index: int) -> int | None:
        hs = self.headers[kind]
        return hs[index] if index < len(hs) else None

    def _key_pos(self, kind: str, index: int, key: str) -> tuple[int | None, int | None]:
        start = self._table_line(kind, index)
        if start is None:
            return None, None
        for n in range(start, len(self.lines)):  # the lines after the header
            ln = self.lines[n]
            if re.match(r"\s*\[", ln):
                break
            m = re.match(rf"(\s*){re.escape(key)}\s*=", ln)
            if m:
                return n + 1, len(m.group(1)) + 1
        return start, None

    def _value_pos(self, kind: str, index: int, key: str, value: str):
        line, col = self._key_pos(kind, index, key)
        if line is None:
            return None, None
        for n in range(line - 1, min(line + 40, len(self.lines))):
            c = self.lines[n].find(f'"{value}"')
            if c >= 0:
                return n + 1, c + 2
            if n > line - 1 and re.match(r"\s*(\[|[A-Za-z_-]+\s*=)", self.lines[n]):
                break
        return line, col

    def add(self, message: str, pos: tuple[int | None, int | None] = (None, None)) -> None:
        self.problems.append(Problem(self.source, pos[0], pos[1], message))

    # -- fields --------------------------------------------------------------
    def _text(self, kind, i, table, key, required=True) -> str:
        v = table.get(key)
        if v is None:
            if required:
                self.add(f"{kind} #{i + 1} ({table.get('id', '?')}) has no '{key}'; add {key} = \"...\"",
                         (self._table_line(kind, i), None))
            return ""
        if not isinstance(v, str) or (required and not v.strip()):
            self.add(f"'{key}' of {kind} {table.get('id', '#' + str(i + 1))} must be a non-empty string",
                     self._key_pos(kind, i, key))
            return ""
        if _CONTROL.search(v):
            self.add(f"'{key}' of {kind} {table.get('id', '#' + str(i + 1))} contains a control character "
                     f"(such as ESC); remove it", self._key_pos(kind, i, key))
            return ""
        return v.strip()

    def _id(self, kind, i, table) -> str | None:
        v = table.get("id")
        if v is None:
            self.add(f"{kind} #{i + 1} has no 'id'; add id = \"some-kebab-case-id\"",
                     (self._table_line(kind, i), None))
            return None
        if not isinstance(v, str) or not ID_PATTERN.fullmatch(v):
            self.add(f"{kind} id {v!r} is not kebab-case (lowercase letters, digits and single hyphens, "
                     f"e.g. \"linear-algebra\")", self._key_pos(kind, i, "id"))
            return None
        return v

    def _id_list(self, kind, i, table, key) -> list[str]:
        v = table.get(key, [])
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            self.add(f"'{key}' of {kind} {table.get('id', '#' + str(i + 1))} must be a list of skill ids, "
                     f"e.g. {key} = [\"linear-algebra\"]", self._key_pos(kind, i, key))
            return []
        return v

    def _unknown_keys(self, kind, i, table, allowed):
        for key in table:
            if key not in allowed:
                near = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f"; did you mean '{near[0]}'?" if near else f"; allowed: {', '.join(sorted(allowed))}"
                self.add(f"unknown key '{key}' in {kind} {table.get('id', '#' + str(i + 1))}{hint}",
                         self._key_pos(kind, i, key))

    def _tables(self, data, kind) -> list[dict]:
        v = data.get(kind, [])
        if not isinstance(v, list) or not all(isinstance(t, dict) for t in v):
            self.add(f"'{kind}' must be an array of tables, written [[{kind}]]")
            return []
        return v

    # -- the whole file ------------------------------------------------------
    def validate(self, data: dict[str, Any]) -> Curriculum:
        for key in data:
            if key not in _TOP_KEYS:
                self.add(f"unknown top-level key '{key}'; allowed: {', '.join(sorted(_TOP_KEYS))}")
        fmt = data.get("format", FORMAT_VERSION)
        if fmt != FORMAT_VERSION:
            self.add(f"format = {fmt!r} is not supported; this roadmap reads format = {FORMAT_VERSION}")

        categories = self._categories(self._tables(data, "category"))
        skills = self._skills(self._tables(data, "skill"), {c.id for c in categories})
        milestones = self._milestones(self._tables(data, "milestone"), skills)
        if not skills and not self.problems:
            self.add("the curriculum has no skills; add at least one [[skill]] table")

        graph = nx.DiGraph()
        for s in skills.values():
            graph.add_node(s.id)
        for idx, s in enumerate(skills.values()):
            for r in s.requires:
                if r == s.id:
                    self.add(f"skill {s.id} requires itself; remove \"{r}\" from its requires",
                             (s.line, None))
                elif r in skills:
                    graph.add_edge(r, s.id)
        self._cycles(graph, skills)

        aliases: dict[str, str] = {}
        for s in skills.values():
            for old in s.renamed_from:
                if old in skills:
                    self.add(f"skill {s.id} says it was renamed from '{old}', but '{old}' is still a skill",
                             (s.line, None))
                elif old in aliases:
                    self.add(f"'{old}' is named in renamed_from of both {aliases[old]} and {s.id}",
                             (s.line, None))
                else:
                    aliases[old] = s.id

        if self.problems:
            self.problems.sort(key=lambda p: (p.line is None, p.line or 0))
            raise CurriculumError(self.problems)
        return Curriculum(
            source=self.source,
            categories=tuple(categories),
            skills=MappingProxyType(skills),
            milestones=tuple(milestones),
            graph=nx.freeze(graph),
            aliases=MappingProxyType(aliases),
        )

    def _categories(self, tables) -> list[Category]:
        out, seen = [], set()
        for i, t in enumerate(tables):
            self._unknown_keys("category", i, t, _CATEGORY_KEYS)
            cid = self._id("category", i, t)
            name = self._text("category", i, t, "name")
            desc = self._text("category", i, t, "description", required=False)
            if cid is None:
                continue
            if cid in seen:
                self.add(f"duplicate category id '{cid}'; category ids must be unique",
                         self._key_pos("category", i, "id"))
                continue
            seen.add(cid)
            out.append(Category(cid, name, desc))
        return out

    def _skills(self, tables, category_ids) -> dict[str, Skill]:
        out: dict[str, Skill] = {}
        all_ids = [t.get("id") for t in tables if isinstance(t.get("id"), str)]
        for i, t in enumerate(tables):
            kind = "skill"
            self._unknown_keys(kind, i, t, _SKILL_KEYS)
            sid = self._id(kind, i, t)
            name = self._text(kind, i, t, "name")
            description = self._text(kind, i, t, "description")
            category = t.get("category")
            if category is None:
                self.add(f"skill {sid or '#' + str(i + 1)} has no 'category'", (self._table_line(kind, i), None))
            elif not isinstance(category, str):
                self.add(f"'category' of skill {sid} must be a category id (text), e.g. category = \"math\"",
                         self._key_pos(kind, i, "category"))
            elif category not in category_ids:
                near = difflib.get_close_matches(str(category), sorted(category_ids), n=1)
                hint = f"; did you mean '{near[0]}'?" if near else (
                    f"; known categories: {', '.join(sorted(category_ids))}" if category_ids
                    else "; declare it in a [[category]] table")
                self.add(f"skill {sid} has unknown category '{category}'{hint}",
                         self._value_pos(kind, i, "category", str(category)))
            hours = t.get("hours")
            if hours is None:
                self.add(f"skill {sid} has no 'hours'; add hours = <estimated study hours>",
                         (self._table_line(kind, i), None))
                hours = 1.0
            elif isinstance(hours, bool) or not isinstance(hours, (int, float)) or not (0 < hours < 10_000):
                self.add(f"'hours' of skill {sid} must be a number of hours above 0 (got {hours!r})",
                         self._key_pos(kind, i, "hours"))
                hours = 1.0
            requires = self._id_list(kind, i, t, "requires")
            for r in requires:
                if r not in all_ids:
                    near = difflib.get_close_matches(r, all_ids, n=1, cutoff=0.5)
                    hint = f"; did you mean '{near[0]}'?" if near else ""
                    self.add(f"skill {sid} requires unknown skill '{r}'{hint}",
                             self._value_pos(kind, i, "requires", r))
            if len(set(requires)) != len(requires):
                self.add(f"skill {sid} lists a prerequisite twice", self._key_pos(kind, i, "requires"))
            checks = t.get("checks", [])
            if not isinstance(checks, list) or not all(isinstance(c, str) and c.strip() for c in checks):
                self.add(f"'checks' of skill {sid} must be a list of prompts (strings)",
                         self._key_pos(kind, i, "checks"))
                checks = []
            elif len(checks) < 2:
                self.add(f"skill {sid} needs at least two self-check prompts in 'checks' (has {len(checks)})",
                         self._key_pos(kind, i, "checks") if "checks" in t else (self._table_line(kind, i), None))
            res = self._resources(i, t, sid)
            renamed = self._id_list(kind, i, t, "renamed_from")
            for old in renamed:
                if not ID_PATTERN.fullmatch(old):
                    self.add(f"renamed_from of skill {sid} has {old!r}, which is not a kebab-case skill id",
                             self._key_pos(kind, i, "renamed_from"))
            renamed = [old for old in renamed if ID_PATTERN.fullmatch(old) and old != sid]
            if sid is None:
                continue
            if sid in out:
                self.add(f"duplicate skill id '{sid}' (first defined at line {out[sid].line}); "
                         f"skill ids must be unique", self._key_pos(kind, i, "id"))
                continue
            out[sid] = Skill(
                id=sid, name=name, category=str(category), hours=float(hours),
                requires=tuple(dict.fromkeys(r for r in requires if r in all_ids)),
                description=description, checks=tuple(c.strip() for c in checks),
                resources=res, renamed_from=tuple(renamed), line=self._table_line(kind, i),
            )
        return out

    def _resources(self, i, t, sid) -> tuple[Resource, ...]:
        res = t.get("resources")
        if res is None:
            self.add(f"skill {sid} has no 'resources'; add at least one {{ title = \"...\", url = \"https://...\" }}",
                     (self._table_line("skill", i), None))
            return ()
        out = []
        ok = isinstance(res, list)
        for r in res if ok else []:
            if (not isinstance(r, dict) or set(r) != {"title", "url"} or not isinstance(r.get("title"), str)
                    or not isinstance(r.get("url"), str)):
                ok = False
                break
            if not re.fullmatch(r"https?://[^\s/]+\S*", r["url"]):
                self.add(f"resource url {r['url']!r} of skill {sid} must be a web address: http(s)://host/...",
                         self._value_pos("skill", i, "resources", r["url"]))
            out.append(Resource(r["title"].strip(), r["url"]))
        if not ok:
            self.add(f"'resources' of skill {sid} must be a list of {{ title = \"...\", url = \"https://...\" }}",
                     self._key_pos("skill", i, "resources"))
        elif not out:
            self.add(f"skill {sid} needs at least one resource", self._key_pos("skill", i, "resources"))
        return tuple(out)

    def _milestones(self, tables, skills) -> list[Milestone]:
        out, seen = [], set()
        for i, t in enumerate(tables):
            self._unknown_keys("milestone", i, t, _MILESTONE_KEYS)
            mid = self._id("milestone", i, t)
            name = self._text("milestone", i, t, "name")
            desc = self._text("milestone", i, t, "description", required=False)
            req = self._id_list("milestone", i, t, "requires")
            if not req and "requires" not in t:
                self.add(f"milestone {mid} has no 'requires'; list the skills it needs",
                         (self._table_line("milestone", i), None))
            for r in req:
                if r not in skills:
                    near = difflib.get_close_matches(r, list(skills), n=1, cutoff=0.5)
                    hint = f"; did you mean '{near[0]}'?" if near else ""
                    self.add(f"milestone {mid} requires unknown skill '{r}'{hint}",
                             self._value_pos("milestone", i, "requires", r))
            if mid is None:
                continue
            if mid in seen:
                self.add(f"duplicate milestone id '{mid}'", self._key_pos("milestone", i, "id"))
                continue
            seen.add(mid)
            out.append(Milestone(mid, name, desc, tuple(r for r in req if r in skills)))
        return out

    def _cycles(self, graph: nx.DiGraph, skills: Mapping[str, Skill]) -> None:
        for component in nx.strongly_connected_components(graph):
            if len(component) < 2:
                continue
            sub = graph.subgraph(component)
            start = min(component)
            edges = nx.find_cycle(sub, source=start)
            path = [e[0] for e in edges] + [edges[0][0]]
            line = min((skills[n].line or 0) for n in component) or None
            self.add(f"prerequisite cycle: {' -> '.join(path)}; remove one of these requires",
                     (line, None))


def summary(curriculum: Curriculum) -> dict[str, int]:
    """Counts for ``roadmap validate``: skills, prerequisites, categories, milestones."""
    return {
        "skills": len(curriculum.skills),
        "prerequisites": curriculum.graph.number_of_edges(),
        "categories": len(curriculum.categories),
        "milestones": len(curriculum.milestones),
    }

