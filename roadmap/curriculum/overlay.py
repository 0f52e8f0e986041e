"""Curriculum overlays: a file that ``extends`` another curriculum and says only what differs.

An overlay names its base (``extends = "bundled"`` or a path relative to the
overlay file, itself possibly an overlay) and then adds skills (``[[skill]]``),
changes them (``[[change]]``), drops them (``remove = [...]``), adds or changes
milestones and tracks (``[[milestone]]``, ``[[track]]``: an existing id is a
change) and adds categories (``[[category]]``). The format is documented in
``docs/curriculum.md``.

The chain is merged table by table into the plain form the validator reads,
and the merged result is validated as a whole by
:class:`roadmap.curriculum.validator.Validator`. Every merged table remembers,
per key, list item and check, the file and table its value came from
(:class:`MergedLocations`), so each problem names the file, line and column
that caused it, in the overlay or in the base.

Removing a skill that others require is not an error: the dependents,
milestones and tracks lose that prerequisite and the curriculum carries a
warning (``Curriculum.warnings``). A validated overlay is cached under the
content of every file of its chain (:mod:`roadmap.curriculum.cache`).
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from roadmap.curriculum import cache
from roadmap.curriculum.fields import did_you_mean
from roadmap.curriculum.locations import Line, Locations, Pos
from roadmap.curriculum.model import FORMAT_VERSION, Curriculum, CurriculumError, Problem

BUNDLED = "bundled"
KINDS = ("category", "skill", "milestone", "track")
_TOP_KEYS = {"format", "title", "extends", "remove", "category", "skill", "change", "milestone", "track"}
_REPLACED = ("name", "category", "hours", "description", "exercises", "resources", "encompasses")
_APPENDED = {"add_exercises": "exercises", "add_resources": "resources"}
_CHANGE_KEYS = {"skill", *_REPLACED, *_APPENDED, "add_requires", "remove_requires", "check", "remove_checks"}
_CHANGED = {
    "milestone": {"name", "description", "requires", "level", "stage", "deliverable", "tracks_required"},
    "track": {"name", "description", "requires"},
}
_EXTENDS = re.compile(rb"^[ \t]*extends[ \t]*=", re.M)
_SEPARATOR = b"\x00roadmap-overlay-chain\x00"


def may_extend(raw: bytes) -> bool:
    """True if the file's bytes may hold a top-level ``extends`` (cheap; a False is certain)."""
    return _EXTENDS.search(raw) is not None


# -- where merged values came from ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Origin:
    """A table of one file of the chain: ``kind`` (``skill``, ``change``, ...) number ``index`` (0-based),
    optionally one ``key`` of it (e.g. ``add_requires`` for prerequisites a change added)."""

    at: Locations
    source: str
    depth: int  # 0 for the root base, 1 for the overlay extending it, ...
    kind: str
    index: int
    key: str | None = None

    def pos(self, p: Pos) -> Pos:
        """``p`` with its line carrying this origin's file."""
        return (None if p[0] is None else Line(p[0], self.source)), p[1]

    def with_key(self, key: str) -> Origin:
        """The same table, key ``key``."""
        return replace(self, key=key)


@dataclass
class Table:
    """One merged table: its plain TOML value and where each part of it came from."""

    data: dict[str, Any]
    origin: Origin  # the table's header
    keys: dict[str, Origin] = field(default_factory=dict)  # key -> origin of its current value
    values: dict[tuple[str, str], Origin] = field(default_factory=dict)  # (key, list item) -> where it was added
    checks: list[tuple[Origin, int]] | None = None  # per check: (table, check index in it; -1: a `checks` list)

    def key_origin(self, key: str) -> Origin:
        """Where the value of ``key`` was set (the table's header origin, key ``key``, when not changed)."""
        return self.keys.get(key) or self.origin.with_key(key)


class MergedLocations:
    """The :class:`roadmap.curriculum.locations.Locations` interface over a merged chain: each position is
    looked up in the file its value came from, and its line carries that file (a ``Line``)."""

    def __init__(self, tables: dict[str, list[Table]]):
        self.tables = tables
        self._skill_by_id: dict[str, Table] | None = None

    def _t(self, kind: str, index: int) -> Table | None:
        ts = self.tables[kind]
        return ts[index] if index < len(ts) else None

    def table_line(self, kind: str, index: int) -> int | None:
        """Line of the header of merged table ``index`` of ``kind``."""
        t = self._t(kind, index)
        if t is None:
            return None
        o = t.origin
        return o.pos((o.at.table_line(o.kind, o.index), None))[0]

    def key(self, kind: str, index: int, key: str) -> Pos:
        """Position of ``key =`` where the key's value was set."""
        t = self._t(kind, index)
        if t is None:
            return None, None
        o = t.key_origin(key)
        return o.pos(o.at.key(o.kind, o.index, o.key))

    def value(self, kind: str, index: int, key: str, value: str) -> Pos:
        """Position of the list item ``value`` of ``key`` where it was written."""
        t = self._t(kind, index)
        if t is None:
            return None, None
        o = t.values.get((key, value)) or t.key_origin(key)
        return o.pos(o.at.value(o.kind, o.index, o.key, value))

    def _check(self, skill_index: int, check_index: int) -> tuple[Origin, int] | None:
        t = self._t("skill", skill_index)
        if t is None:
            return None
        if t.checks is None:
            return t.origin, check_index
        return t.checks[check_index] if check_index < len(t.checks) else (t.origin, check_index)

    def check_line(self, skill_index: int, check_index: int) -> int | None:
        """Line of the header of a check of a merged skill (the ``checks`` key for a converted list)."""
        found = self._check(skill_index, check_index)
        if found is None:
            return None
        o, k = found
        if k < 0:
            return o.pos(o.at.key(o.kind, o.index, o.key or "checks"))[0]
        return o.pos((o.at.check_line(o.index, k, o.kind), None))[0]

    def check_key(self, skill_index: int, check_index: int, key: str) -> Pos:
        """Position of ``key =`` in a check of a merged skill."""
        found = self._check(skill_index, check_index)
        if found is None:
            return None, None
        o, k = found
        if k < 0:
            return o.pos(o.at.key(o.kind, o.index, o.key or "checks"))
        return o.pos(o.at.check_key(o.index, k, key, o.kind))

    def entry(self, skill_index: int, table_key: str, entry: str) -> Pos:
        """Position of ``entry =`` in the inline table ``table_key`` of a merged skill."""
        t = self._t("skill", skill_index)
        if t is None:
            return None, None
        o = t.key_origin(table_key)
        return o.pos(o.at.entry(o.index, o.key, entry, o.kind))

    def added_edge(self, skill_id: str, requirement: str) -> Pos | None:
        """Where an overlay added prerequisite ``requirement`` to skill ``skill_id``; None if it is the root
        base's own (the validator then reports a cycle as for a plain file)."""
        if self._skill_by_id is None:
            self._skill_by_id = {}
            for t in self.tables["skill"]:
                self._skill_by_id.setdefault(t.data.get("id"), t)
        t = self._skill_by_id.get(skill_id)
        if t is None:
            return None
        o = t.values.get(("requires", requirement)) or t.key_origin("requires")
        return o.pos(o.at.value(o.kind, o.index, o.key, requirement)) if o.depth > 0 else None


# -- reading the chain ------------------------------------------------------------------------------------------
@dataclass
class _File:
    path: Path
    shown: str
    raw: bytes
    depth: int = 0
    data: dict | None = None
    at: Locations | None = None
    text: str = ""

    def parse(self) -> dict:
        """The TOML of this file (parsed once). Raises CurriculumError."""
        if self.data is None:
            from roadmap.curriculum.loader import decode, toml

            self.text = decode(self.raw, self.shown)
            self.data = toml(self.text, self.shown)
            self.at = Locations(self.text)
        return self.data

    def extends(self) -> str | None:
        """The ``extends`` value (None for a plain curriculum). Raises CurriculumError if it is not text."""
        if not may_extend(self.raw):
            return None
        data = self.parse()
        if "extends" not in data:
            return None
        v = data["extends"]
        if not isinstance(v, str) or not v.strip():
            raise CurriculumError([self.problem("'extends' must be \"bundled\" or the path of a curriculum file "
                                                "(relative to this file)", self.at.top_key("extends"))])
        return v

    def problem(self, message: str, pos: Pos, warning: bool = False) -> Problem:
        """A problem in this file at ``pos``."""
        return Problem(self.shown, pos[0], pos[1], message, warning)


def resolve(overlay: Path, overlay_shown: str, target: str) -> tuple[Path, str]:
    """The file an overlay's ``extends = target`` names, and how to show it: ``"bundled"`` is the bundled
    curriculum, anything else a path relative to the overlay file's folder."""
    from roadmap.curriculum.loader import bundled_path

    if target == BUNDLED:
        p = bundled_path()
        return p, str(p)
    t = Path(target).expanduser()
    if t.is_absolute():
        return t, target
    return overlay.parent / t, os.path.normpath(str(Path(overlay_shown).parent / t))


def _chain(path: Path, shown: str, raw: bytes) -> list[_File]:
    """The files of the chain, root base first. Raises CurriculumError (unreadable base, cycle)."""
    from roadmap.curriculum.loader import read

    files = [_File(path, shown, raw)]
    seen = [path.resolve()]
    while True:
        f = files[-1]
        target = f.extends()
        if target is None:
            break
        base, base_shown = resolve(f.path, f.shown, target)
        pos = f.at.top_value("extends", target)
        if base.resolve() in seen:
            names = [x.shown for x in files] + [base_shown]
            raise CurriculumError([f.problem(f"extends cycle: {' -> '.join(names)}; a curriculum cannot extend "
                                             f"itself, directly or through another overlay", pos)])
        try:
            base_raw = read(base, base_shown)
        except CurriculumError as e:
            why = e.problems[0].message.split(";")[0]
            hint = did_you_mean(target, [BUNDLED]) or "; give \"bundled\" or a path relative to this file"
            raise CurriculumError([f.problem(f"extends '{target}', but {base}: {why}{hint}", pos)]) from None
        files.append(_File(base, base_shown, base_raw))
        seen.append(base.resolve())
    files.reverse()
    for depth, f in enumerate(files):
        f.depth = depth
    return files


def chain_key(files: list[_File]) -> bytes:
    """The cache key material of a chain: the bytes of every file, root base first."""
    return _SEPARATOR.join(f.raw for f in files)


def load_file(path: Path, shown: str, raw: bytes) -> Curriculum:
    """Load the curriculum file ``path`` (bytes ``raw``) that may extend another (see :func:`may_extend`).

    Returns the validated, merged Curriculum (``source`` is ``shown``; ``warnings`` lists what the
    overlays dropped). A file without a top-level ``extends`` is loaded as a plain curriculum.

    Raises
    ------
    CurriculumError
        Every problem of the chain: an unknown or cyclic ``extends``, a change of an unknown skill, and
        every rule of the merged curriculum, each at the file, line and column that caused it.
    """
    from roadmap.curriculum.loader import plain

    files = _chain(path, shown, raw)
    if len(files) == 1:
        return plain(raw, shown, files[0].text or None)
    key = chain_key(files)
    paths = "\x00".join(f.shown for f in files)  # warnings name any file of the chain
    cached = cache.get(key, shown, paths)
    if cached is not None:
        return cached
    cur = merge(files)
    cache.put(key, cur, paths)
    return cur


def merge(files: list[_File]) -> Curriculum:
    """Merge a chain (root base first) and validate the result. Raises CurriculumError."""
    from roadmap.curriculum.validator import Validator

    m = _Merger()
    m.base(files[0])
    for f in files[1:]:
        m.apply(f)
    top = files[-1].shown
    at = MergedLocations(m.tables)
    data = {"format": FORMAT_VERSION, **{k: [t.data for t in m.tables[k]] for k in KINDS}}
    problems = list(m.problems)
    cur = None
    try:
        cur = Validator("", top, at=at).validate(data)
    except CurriculumError as e:
        problems += e.problems
    if problems:
        problems.sort(key=lambda p: (p.file != top, p.file, p.line is None, p.line or 0))
        raise CurriculumError(problems)
    return replace(cur, warnings=tuple(m.warnings))


class _Merger:
    """Applies the files of a chain, in order, to merged tables."""

    def __init__(self):
        self.tables: dict[str, list[Table]] = {k: [] for k in KINDS}
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self._cuts: list[tuple[str, str, Pos, str]] = []  # (dependent, prerequisite, where, how): edges cut

    def find(self, kind: str, id_: Any) -> Table | None:
        """The merged table of ``kind`` with id ``id_`` (the first, if the id is duplicated)."""
        return next((t for t in self.tables[kind] if t.data.get("id") == id_), None)

    def ids(self, kind: str) -> list[str]:
        """The ids of the merged tables of ``kind``."""
        return [t.data["id"] for t in self.tables[kind] if isinstance(t.data.get("id"), str)]

    def _tables(self, f: _File, kind: str) -> list[dict]:
        v = f.data.get(kind, [])
        if not isinstance(v, list) or not all(isinstance(t, dict) for t in v):
            self.problems.append(f.problem(f"'{kind}' must be an array of tables, written [[{kind}]]",
                                           f.at.top_key(kind)))
            return []
        return v

    def _append(self, f: _File, kind: str) -> None:
        for i, t in enumerate(self._tables(f, kind)):
            self.tables[kind].append(Table(copy.deepcopy(t), Origin(f.at, f.shown, f.depth, kind, i)))

    def base(self, f: _File) -> None:
        """Start from the plain curriculum ``f`` (the root of the chain)."""
        from roadmap.curriculum.validator import TOP_KEYS

        f.parse()
        self._top(f, TOP_KEYS)
        for kind in KINDS:
            self._append(f, kind)

    def _top(self, f: _File, allowed) -> None:
        for key in f.data:
            if key not in allowed:
                self.problems.append(f.problem(f"unknown top-level key '{key}'{did_you_mean(key, allowed)}; "
                                               f"allowed: {', '.join(sorted(allowed))}", f.at.top_key(key)))
        fmt = f.data.get("format", FORMAT_VERSION)
        if fmt != FORMAT_VERSION:
            self.problems.append(f.problem(f"format = {fmt!r} is not supported; this roadmap reads "
                                           f"format = {FORMAT_VERSION}", f.at.top_key("format")))

    def apply(self, f: _File) -> None:
        """Apply the overlay ``f``: categories, removals, new skills, changes, milestones, tracks."""
        f.parse()
        self._top(f, _TOP_KEYS)
        before = self._requires_map()
        self._cuts = []
        self._append(f, "category")
        removed = self._remove(f)
        self._append(f, "skill")
        for j, c in enumerate(self._tables(f, "change")):
            self._change(f, j, c, removed)
        for kind in ("milestone", "track"):
            for i, t in enumerate(self._tables(f, kind)):
                self._milestone_or_track(f, kind, i, t)
        self._drop_lost_encompasses(f, before)

    # -- encompasses that lost their path ------------------------------------------------------------------------
    def _requires_map(self) -> dict[str, list[str]]:
        """Skill id -> its prerequisite ids, as merged so far."""
        out: dict[str, list[str]] = {}
        for t in self.tables["skill"]:
            sid, req = t.data.get("id"), t.data.get("requires", [])
            if isinstance(sid, str):
                out.setdefault(sid, [r for r in req if isinstance(r, str)] if isinstance(req, list) else [])
        return out

    @staticmethod
    def _ancestors(graph: dict[str, list[str]], sid: str) -> set[str]:
        seen: set[str] = set()
        todo = list(graph.get(sid, ()))
        while todo:
            r = todo.pop()
            if r not in seen:
                seen.add(r)
                todo.extend(graph.get(r, ()))
        return seen

    def _drop_lost_encompasses(self, f: _File, before: dict[str, list[str]]) -> None:
        """Drop, with a warning at the overlay line that caused it, each ``encompasses`` entry of a base skill
        that was among the skill's prerequisites (direct or indirect) before overlay ``f`` and no longer is
        (``remove_requires`` or ``remove`` cut the path): credit through a skill that is no longer a
        prerequisite means nothing. Entries ``f`` itself wrote are left to the validator."""
        if not self._cuts:
            return
        after = self._requires_map()
        dropped: dict[int, dict[str, list[str]]] = {}  # cut index -> encompassed id -> skills that lost it
        for t in self.tables["skill"]:
            sid, enc = t.data.get("id"), t.data.get("encompasses")
            if not isinstance(sid, str) or not isinstance(enc, dict) or sid not in before:
                continue
            if t.key_origin("encompasses").at is f.at:
                continue  # this overlay wrote these encompasses: its own lines carry any problem
            old, new = self._ancestors(before, sid), self._ancestors(after, sid)
            lost = [k for k in enc if k in old and k not in new and k in after]
            if not lost:
                continue
            t.data["encompasses"] = {k: v for k, v in enc.items() if k not in lost}
            for k in lost:
                cause = next((n for n, (dep, req, _, _) in enumerate(self._cuts)
                              if (dep == sid or dep in old) and (req == k or k in self._ancestors(before, req))), 0)
                dropped.setdefault(cause, {}).setdefault(k, []).append(sid)
        for n, lost_by in sorted(dropped.items()):
            _, _, pos, how = self._cuts[n]
            parts = [f"{k} from the encompasses of {', '.join(ids)}" for k, ids in lost_by.items()]
            self.warnings.append(f.problem(f"{how} drops {'; '.join(parts)} (no longer among their "
                                           f"prerequisites, so no review credit can flow there)", pos, warning=True))

    # -- remove ------------------------------------------------------------------------------------------------
    def _id_list(self, f: _File, value: Any, pos: Pos, what: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            self.problems.append(f.problem(f"{what} must be a list of ids, e.g. [\"linear-algebra\"]", pos))
            return []
        return value

    def _remove(self, f: _File) -> set[str]:
        removed: set[str] = set()
        for sid in self._id_list(f, f.data.get("remove", []), f.at.top_key("remove"), "'remove'"):
            pos = f.at.top_value("remove", sid)
            t = self.find("skill", sid)
            if t is None:
                hint = did_you_mean(sid, self.ids("skill"), 0.5)
                self.problems.append(f.problem(f"remove names unknown skill '{sid}'{hint}", pos))
                continue
            self.tables["skill"] = [x for x in self.tables["skill"] if x is not t]
            removed.add(sid)
            lost = {kind: [] for kind in ("skill", "milestone", "track")}
            for kind, ts in (("skill", self.tables["skill"]), ("milestone", self.tables["milestone"]),
                             ("track", self.tables["track"])):
                for x in ts:
                    req = x.data.get("requires")
                    if isinstance(req, list) and sid in req:
                        x.data["requires"] = [r for r in req if r != sid]
                        lost[kind].append(str(x.data.get("id")))
                        if kind == "skill":
                            self._cuts.append((str(x.data.get("id")), sid, pos, f"removing skill {sid}"))
                    enc = x.data.get("encompasses")
                    if kind == "skill" and isinstance(enc, dict) and sid in enc:
                        x.data["encompasses"] = {k: v for k, v in enc.items() if k != sid}
            parts = [f"{'the prerequisites of' if kind == 'skill' else f'the requires of {kind}'} "
                     f"{', '.join(ids)}" for kind, ids in lost.items() if ids]
            if parts:
                self.warnings.append(f.problem(f"removing skill {sid} drops it from {'; from '.join(parts)}",
                                               pos, warning=True))
        return removed

    # -- [[change]] ---------------------------------------------------------------------------------------------
    def _change(self, f: _File, j: int, c: dict, removed: set[str]) -> None:
        at = f.at
        here = Origin(at, f.shown, f.depth, "change", j)
        sid = c.get("skill")
        for key in c:
            if key not in _CHANGE_KEYS:
                near = did_you_mean(key, _CHANGE_KEYS) or f"; allowed: {', '.join(sorted(_CHANGE_KEYS))}"
                self.problems.append(f.problem(f"unknown key '{key}' in [[change]] of skill {sid}{near}",
                                               at.key("change", j, key)))
        if sid is None:
            self.problems.append(f.problem(f"[[change]] #{j + 1} has no 'skill'; add skill = \"the-skill-id\"",
                                           (at.table_line("change", j), None)))
            return
        if not isinstance(sid, str):
            self.problems.append(f.problem("'skill' of a [[change]] must be the id of a skill (text)",
                                           at.key("change", j, "skill")))
            return
        t = self.find("skill", sid)
        if t is None:
            why = (f"skill {sid}, which this overlay's 'remove' drops; keep one of the two" if sid in removed
                   else f"unknown skill '{sid}'{did_you_mean(sid, self.ids('skill'), 0.5)}")
            self.problems.append(f.problem(f"[[change]] of {why}", at.value("change", j, "skill", sid)))
            return
        for key in _REPLACED:
            if key in c:
                t.data[key] = copy.deepcopy(c[key])
                t.keys[key] = here.with_key(key)
        for key, target in _APPENDED.items():
            if key not in c:
                continue
            old, new = t.data.get(target, []), c[key]
            if not isinstance(new, list):
                self.problems.append(f.problem(f"'{key}' of the [[change]] of skill {sid} must be a list",
                                               at.key("change", j, key)))
                continue
            t.data[target] = (old if isinstance(old, list) else []) + copy.deepcopy(new)
            t.keys[target] = here.with_key(key)
        self._requires(f, t, here, c, f"skill {sid}", self_id=sid)
        if "check" in c or "remove_checks" in c:
            self._checks(f, t, here, c, sid)

    def _requires(self, f: _File, t: Table, here: Origin, c: dict, what: str, self_id: str | None = None) -> None:
        """Apply ``add_requires`` / ``remove_requires`` of table ``c`` (at ``here``) to merged table ``t``."""
        at = f.at
        req = t.data.get("requires", [])
        if not isinstance(req, list):
            return  # the base's own problem, reported by the validator
        req = list(req)
        for key in ("add_requires", "remove_requires"):
            if key not in c:
                continue
            for r in self._id_list(f, c[key], at.key(here.kind, here.index, key), f"'{key}' of {what}"):
                pos = at.value(here.kind, here.index, key, r)
                if key == "remove_requires":
                    if r in req:
                        req.remove(r)
                        if here.kind == "change" and self_id is not None:
                            self._cuts.append((self_id, r, pos, f"removing prerequisite {r} from skill {self_id}"))
                    else:
                        hint = did_you_mean(r, req, 0.5) or (f"; its requires: {', '.join(req)}" if req else "")
                        self.problems.append(f.problem(f"{what} does not require '{r}'{hint}", pos))
                elif r == self_id:
                    self.problems.append(f.problem(f"{what} cannot require itself; remove \"{r}\" from "
                                                   f"add_requires", pos))
                elif r in req:
                    self.warnings.append(f.problem(f"{what} already requires '{r}'; remove it from add_requires",
                                                   pos, warning=True))
                else:
                    req.append(r)
                    t.values[("requires", r)] = here.with_key(key)
        t.data["requires"] = req

    def _checks(self, f: _File, t: Table, here: Origin, c: dict, sid: str) -> None:
        """Add, replace (same id) and remove checks of merged skill ``t``; a ``checks`` list of prompts
        becomes check tables with ids "1", "2", ..."""
        at = f.at
        if t.checks is None:
            if isinstance(t.data.get("check"), list):
                t.checks = [(t.origin, k) for k in range(len(t.data["check"]))]
            else:
                prompts = t.data.pop("checks", [])
                prompts = prompts if isinstance(prompts, list) else []
                t.data["check"] = [{"id": str(n), "prompt": p} for n, p in enumerate(prompts, 1)]
                t.checks = [(t.key_origin("checks"), -1)] * len(prompts)
        checks: list = t.data["check"]
        new = c.get("check", [])
        if not isinstance(new, list) or not all(isinstance(x, dict) for x in new):
            self.problems.append(f.problem(f"'check' of the [[change]] of skill {sid} must be [[change.check]] "
                                           f"tables", at.key("change", here.index, "check")))
            new = []
        for k, cc in enumerate(new):
            at_k = (here, k)
            i = next((n for n, x in enumerate(checks) if cc.get("id") is not None and x.get("id") == cc.get("id")),
                     None)
            if i is None:
                checks.append(copy.deepcopy(cc))
                t.checks.append(at_k)
            else:
                checks[i] = copy.deepcopy(cc)
                t.checks[i] = at_k
        key = "remove_checks"
        for cid in self._id_list(f, c.get(key, []), at.key("change", here.index, key),
                                 f"'{key}' of the [[change]] of skill {sid}"):
            i = next((n for n, x in enumerate(checks) if x.get("id") == cid), None)
            if i is None:
                ids = [str(x.get("id")) for x in checks]
                hint = did_you_mean(cid, ids, 0.5) or (f"; its checks: {', '.join(ids)}" if ids else "")
                self.problems.append(f.problem(f"skill {sid} has no check '{cid}'{hint}",
                                               at.value("change", here.index, key, cid)))
                continue
            del checks[i]
            del t.checks[i]

    # -- [[milestone]], [[track]] -------------------------------------------------------------------------------
    def _milestone_or_track(self, f: _File, kind: str, i: int, t: dict) -> None:
        at = f.at
        here = Origin(at, f.shown, f.depth, kind, i)
        mid = t.get("id")
        existing = self.find(kind, mid) if isinstance(mid, str) else None
        if existing is None:
            if "add_requires" in t or "remove_requires" in t:
                hint = did_you_mean(str(mid), self.ids(kind), 0.5)
                self.problems.append(f.problem(
                    f"{kind} '{mid}' is not in the base curriculum{hint}; add_requires and remove_requires change "
                    f"an existing {kind} (a new one lists its skills in requires)", at.key(kind, i, "id")))
                return
            self.tables[kind].append(Table(copy.deepcopy(t), here))
            return
        allowed = _CHANGED[kind] | {"id", "add_requires", "remove_requires"}
        for key in t:
            if key not in allowed:
                near = did_you_mean(key, allowed) or f"; allowed: {', '.join(sorted(allowed))}"
                self.problems.append(f.problem(f"unknown key '{key}' in the change of {kind} {mid}{near}",
                                               at.key(kind, i, key)))
            elif key in _CHANGED[kind]:
                existing.data[key] = copy.deepcopy(t[key])
                existing.keys[key] = here.with_key(key)
        self._requires(f, existing, here, t, f"{kind} {mid}")


def base_of(path: str | Path) -> tuple[Path, str]:
    """The file an overlay extends, and how to show it. Raises CurriculumError if ``path`` cannot be read
    or does not extend another curriculum."""
    from roadmap.curriculum.loader import read

    p = Path(path)
    f = _File(p, str(path), read(p, str(path)))
    target = f.extends()
    if target is None:
        raise CurriculumError([Problem(str(path), None, None, "is not an overlay: it has no top-level "
                                                               "extends = \"bundled\" (or a path)")])
    return resolve(p, str(path), target)
