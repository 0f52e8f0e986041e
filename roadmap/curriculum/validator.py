"""The curriculum validator: parsed TOML -> a :class:`Curriculum`, or a
:class:`CurriculumError` listing *every* problem (file, line, column where
known, what is wrong and what to do), so a mentor fixes a file in one pass.

The rules are documented in ``docs/curriculum.md``; reading single fields is
in :mod:`roadmap.curriculum.fields`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

import networkx as nx

from roadmap.curriculum.fields import CONTROL, LINE_BREAK, NAME_CONTROL, FieldReader, did_you_mean, is_number
from roadmap.curriculum.model import (
    FORMAT_VERSION, ID_PATTERN, Category, Check, Curriculum, CurriculumError, FrozenMap, Milestone, Resource, Skill,
    Track,
)

_SKILL_KEYS = {
    "id", "name", "category", "hours", "requires", "description", "checks", "check",
    "resources", "renamed_from", "exercises", "encompasses",
}
_CHECK_KEYS = {"id", "prompt", "answer", "hint", "renamed_from"}
_CATEGORY_KEYS = {"id", "name", "description"}
_MILESTONE_KEYS = {"id", "name", "description", "requires", "level", "stage", "deliverable", "tracks_required"}
_TRACK_KEYS = {"id", "name", "description", "requires"}
_TOP_KEYS = {"format", "title", "category", "skill", "milestone", "track"}
TOP_KEYS = frozenset(_TOP_KEYS)  # the top-level keys of a plain curriculum file


class Validator(FieldReader):
    """Checks a whole curriculum in one pass: fields, references between tables, the graph.

    Parameters
    ----------
    text : str
        The TOML source (for positions).
    source : str
        The file name shown in problems.
    """

    # -- the whole file ------------------------------------------------------
    def validate(self, data: dict[str, Any]) -> Curriculum:
        """Check ``data`` (as ``tomllib`` parsed it). Returns the Curriculum; raises CurriculumError."""
        for key in data:
            if key not in _TOP_KEYS:
                self.add(f"unknown top-level key '{key}'{did_you_mean(key, _TOP_KEYS)}; "
                         f"allowed: {', '.join(sorted(_TOP_KEYS))}")
        fmt = data.get("format", FORMAT_VERSION)
        if fmt != FORMAT_VERSION:
            self.add(f"format = {fmt!r} is not supported; this roadmap reads format = {FORMAT_VERSION}")

        categories = self._categories(self._tables(data, "category"))
        skill_tables = self._tables(data, "skill")
        skills = self._skills(skill_tables, {c.id for c in categories})
        tracks = self._tracks(self._tables(data, "track"), skills)
        # tracks_required counts [[track]] tables, valid or not, so a bad track is reported once
        milestones = self._milestones(self._tables(data, "milestone"), skills, len(self._tables(data, "track")))
        if not skills and not self.problems:
            self.add("the curriculum has no skills; add at least one [[skill]] table")

        graph = nx.DiGraph()
        graph.add_nodes_from(skills)
        for s in skills.values():
            for r in s.requires:
                if r == s.id:
                    self.add(f"skill {s.id} requires itself; remove \"{r}\" from its requires", (s.line, None))
                elif r in skills:
                    graph.add_edge(r, s.id)
        self._cycles(graph, skills)
        skills = self._encompasses(skill_tables, skills, graph)
        aliases = self._aliases(skills)

        if self.problems:
            self.problems.sort(key=lambda p: (p.file != self.source, p.file, p.line is None, p.line or 0))
            raise CurriculumError(self.problems)
        return Curriculum(
            source=self.source,
            categories=tuple(categories),
            skills=MappingProxyType(skills),
            milestones=tuple(milestones),
            _graph=nx.freeze(graph),
            aliases=MappingProxyType(aliases),
            tracks=MappingProxyType(tracks),
        )

    def _categories(self, tables) -> list[Category]:
        out, seen = [], set()
        for i, t in enumerate(tables):
            self._unknown_keys(f"category {self._label(i, t)}", t, _CATEGORY_KEYS,
                               lambda k, i=i: self.at.key("category", i, k))
            cid = self._id("category", i, t)
            name = self._text("category", i, t, "name", one_line=True)
            desc = self._text("category", i, t, "description", required=False)
            if cid is None:
                continue
            if cid in seen:
                self.add(f"duplicate category id '{cid}'; category ids must be unique",
                         self.at.key("category", i, "id"))
                continue
            seen.add(cid)
            out.append(Category(cid, name, desc))
        return out

    def _skills(self, tables, category_ids) -> dict[str, Skill]:
        out: dict[str, Skill] = {}
        all_ids = {t.get("id"): None for t in tables if isinstance(t.get("id"), str)}  # ordered, O(1) lookups
        kind = "skill"
        for i, t in enumerate(tables):
            self._unknown_keys(f"skill {self._label(i, t)}", t, _SKILL_KEYS, lambda k, i=i: self.at.key(kind, i, k))
            sid = self._id(kind, i, t)
            name = self._text(kind, i, t, "name", one_line=True)
            description = self._text(kind, i, t, "description")
            category = t.get("category")
            if category is None:
                self.add(f"skill {sid or '#' + str(i + 1)} has no 'category'", (self.at.table_line(kind, i), None))
            elif not isinstance(category, str):
                self.add(f"'category' of skill {sid} must be a category id (text), e.g. category = \"math\"",
                         self.at.key(kind, i, "category"))
            elif category not in category_ids:
                hint = did_you_mean(category, category_ids, 0) or (
                    f"; known categories: {', '.join(sorted(category_ids))}" if category_ids
                    else "; declare it in a [[category]] table")
                self.add(f"skill {sid} has unknown category '{category}'{hint}",
                         self.at.value(kind, i, "category", category))
            hours = t.get("hours")
            if hours is None:
                self.add(f"skill {sid} has no 'hours'; add hours = <estimated study hours>",
                         (self.at.table_line(kind, i), None))
                hours = 1.0
            elif not is_number(hours) or not (0 < hours < 10_000):
                self.add(f"'hours' of skill {sid} must be a number of hours above 0 (got {hours!r})",
                         self.at.key(kind, i, "hours"))
                hours = 1.0
            requires = self._id_list(kind, i, t, "requires")
            for r in requires:
                if r not in all_ids:
                    self.add(f"skill {sid} requires unknown skill '{r}'{did_you_mean(r, all_ids, 0.5)}",
                             self.at.value(kind, i, "requires", r))
            if len(set(requires)) != len(requires):
                self.add(f"skill {sid} lists a prerequisite twice", self.at.key(kind, i, "requires"))
            checks = self._checks(i, t, sid)
            exercises = self._exercises(i, t, sid)
            res = self._resources(i, t, sid)
            renamed = self._id_list(kind, i, t, "renamed_from")
            for old in renamed:
                if not ID_PATTERN.fullmatch(old):
                    self.add(f"renamed_from of skill {sid} has {old!r}, which is not a kebab-case skill id",
                             self.at.key(kind, i, "renamed_from"))
            renamed = [old for old in renamed if ID_PATTERN.fullmatch(old) and old != sid]
            if sid is None:
                continue
            if sid in out:
                self.add(f"duplicate skill id '{sid}' (first defined at {self.where_line(out[sid].line)}); "
                         f"skill ids must be unique", self.at.key(kind, i, "id"))
                continue
            out[sid] = Skill(
                id=sid, name=name, category=str(category), hours=float(hours),
                requires=tuple(dict.fromkeys(r for r in requires if r in all_ids)),
                description=description, checks=tuple(c.prompt for c in checks),
                resources=res, renamed_from=tuple(renamed), line=self.at.table_line(kind, i),
                check_items=checks, exercises=exercises,
            )
        return out

    def _checks(self, i, t, sid) -> tuple[Check, ...]:
        """The self-checks of skill table ``t``: a ``checks`` list of prompts or ``[[skill.check]]`` tables."""
        def where():  # only looked up for a problem: scanning the text for every skill costs seconds at 10 000
            return self.at.key("skill", i, "checks") if "checks" in t else (self.at.table_line("skill", i), None)

        if "checks" in t and "check" in t:
            self.add(f"skill {sid} has both 'checks' and [[skill.check]] tables; use one form "
                     f"(move the prompts of 'checks' into [[skill.check]] tables)", where())
        if "check" in t:
            out = self._check_tables(i, t.get("check"), sid)
        else:
            prompts = t.get("checks", [])
            if not isinstance(prompts, list) or not all(isinstance(c, str) and c.strip() for c in prompts):
                self.add(f"'checks' of skill {sid} must be a list of prompts (strings)", where())
                return ()
            if any(CONTROL.search(c) for c in prompts):
                self.add(f"'checks' of skill {sid} has a prompt with a control character (such as ESC); remove it",
                         where())
            out = tuple(Check(str(n), c.strip()) for n, c in enumerate(prompts, 1))
        given = t.get("check") if "check" in t else t.get("checks")
        n = len(given) if isinstance(given, list) else len(out)
        if n < 2:
            self.add(f"skill {sid} needs at least two self-check prompts (has {n}); add them to 'checks' "
                     f"or as [[skill.check]] tables", where())
        return out

    def _check_tables(self, i, tables, sid) -> tuple[Check, ...]:
        skill_line = self.at.table_line("skill", i)
        if not isinstance(tables, list) or not all(isinstance(c, dict) for c in tables):
            self.add(f"'check' of skill {sid} must be [[skill.check]] tables, each with an id and a prompt",
                     self.at.key("skill", i, "check"))
            return ()
        out: list[Check] = []
        ids = [c.get("id") for c in tables]
        renamed_seen: dict[str, str] = {}
        for j, c in enumerate(tables):
            pos = lambda key, j=j: self.at.check_key(i, j, key)  # noqa: E731
            head = (self.at.check_line(i, j) or skill_line, None)  # cheap: a binary search
            cid = c.get("id")
            what = f"check {cid if isinstance(cid, str) else '#' + str(j + 1)} of skill {sid}"
            self._unknown_keys(what, c, _CHECK_KEYS, pos)
            if cid is None:
                self.add(f"check #{j + 1} of skill {sid} has no 'id'; add id = \"some-kebab-case-id\"", head)
            elif not isinstance(cid, str) or not ID_PATTERN.fullmatch(cid):
                self.add(f"check id {cid!r} of skill {sid} is not kebab-case (lowercase letters, digits and "
                         f"single hyphens, e.g. \"rank\")", pos("id"))
                cid = None
            elif cid in ids[:j]:
                self.add(f"duplicate check id '{cid}' in skill {sid}; check ids must be unique within a skill",
                         pos("id"))
                cid = None
            texts = {}
            for key in ("prompt", "answer", "hint"):
                v = c.get(key)
                if v is None:
                    if key == "prompt":
                        self.add(f"{what} has no 'prompt'; add prompt = \"...\"", head)
                    continue
                if not isinstance(v, str) or (key == "prompt" and not v.strip()):
                    self.add(f"'{key}' of {what} must be a {'non-empty ' if key == 'prompt' else ''}string",
                             pos(key))
                elif CONTROL.search(v):
                    self.add(f"'{key}' of {what} contains a control character (such as ESC); remove it", pos(key))
                elif v.strip():
                    texts[key] = v.strip()
            old = c.get("renamed_from")
            if old is not None:
                if not isinstance(old, str) or not ID_PATTERN.fullmatch(old):
                    self.add(f"renamed_from of {what} must be the former check id (kebab-case), got {old!r}",
                             pos("renamed_from"))
                    old = None
                elif old == cid:
                    old = None
                elif old in ids:
                    self.add(f"{what} says it was renamed from '{old}', but '{old}' is still a check of this skill",
                             pos("renamed_from"))
                    old = None
                elif old in renamed_seen:
                    self.add(f"'{old}' is named in renamed_from of both check {renamed_seen[old]} and "
                             f"check {cid} of skill {sid}", pos("renamed_from"))
                    old = None
                else:
                    renamed_seen[old] = str(cid)
            if cid is not None and "prompt" in texts:
                out.append(Check(cid, texts["prompt"], texts.get("answer"), texts.get("hint"), old))
        return tuple(out)

    def _exercises(self, i, t, sid) -> tuple[str, ...]:
        v = t.get("exercises", [])
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            self.add(f"'exercises' of skill {sid} must be a list of tasks (non-empty strings)",
                     self.at.key("skill", i, "exercises"))
            return ()
        if any(CONTROL.search(x) for x in v):
            self.add(f"'exercises' of skill {sid} has a task with a control character (such as ESC); remove it",
                     self.at.key("skill", i, "exercises"))
            return ()
        return tuple(x.strip() for x in v)

    def _resources(self, i, t, sid) -> tuple[Resource, ...]:
        res = t.get("resources")
        if res is None:
            self.add(f"skill {sid} has no 'resources'; add at least one {{ title = \"...\", url = \"https://...\" }}",
                     (self.at.table_line("skill", i), None))
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
                         self.at.value("skill", i, "resources", r["url"]))
            if NAME_CONTROL.search(r["title"]) or LINE_BREAK.search(r["title"]):
                self.add(f"resource title {r['title']!r} of skill {sid} must be one line without control "
                         f"characters", self.at.key("skill", i, "resources"))
            out.append(Resource(r["title"].strip(), r["url"]))
        if not ok:
            self.add(f"'resources' of skill {sid} must be a list of {{ title = \"...\", url = \"https://...\" }}",
                     self.at.key("skill", i, "resources"))
        elif not out:
            self.add(f"skill {sid} needs at least one resource", self.at.key("skill", i, "resources"))
        return tuple(out)

    def _encompasses(self, tables, skills: dict[str, Skill], graph: nx.DiGraph) -> dict[str, Skill]:
        """Check each skill's ``encompasses`` against the graph; returns ``skills`` with them filled in."""
        out = dict(skills)
        for i, t in enumerate(tables):
            if "encompasses" not in t:
                continue
            sid, enc = t.get("id"), t["encompasses"]
            where = self.at.key("skill", i, "encompasses")
            if not isinstance(enc, dict):
                self.add(f"'encompasses' of skill {self._label(i, t)} must be a table of prerequisite ids and "
                         f"weights, e.g. encompasses = {{ calculus = 0.3 }}", where)
                continue
            mine = out.get(sid) if isinstance(sid, str) else None
            if mine is not None and mine.line != self.at.table_line("skill", i):
                mine = None  # a duplicate id: already reported
            ancestors = nx.ancestors(graph, sid) if mine is not None else set()
            weights = {}
            for key, w in enc.items():
                pos = self.at.entry(i, "encompasses", key)
                if not is_number(w) or not (0 < w <= 1):
                    self.add(f"weight of '{key}' in 'encompasses' of skill {sid} must be a number above 0 and "
                             f"at most 1 (got {w!r})", pos)
                elif key not in skills:
                    self.add(f"skill {sid} encompasses unknown skill '{key}'{did_you_mean(key, skills, 0.5)}", pos)
                elif key == sid:
                    self.add(f"skill {sid} encompasses itself; remove '{key}' from its encompasses", pos)
                elif mine is not None and key not in ancestors:
                    self.add(f"skill {sid} encompasses '{key}', which is not one of its prerequisites (direct or "
                             f"indirect); add it to requires or remove it from encompasses", pos)
                else:
                    weights[key] = float(w)
            if mine is not None:
                out[sid] = replace(mine, encompasses=FrozenMap(weights))
        return out

    def _aliases(self, skills: Mapping[str, Skill]) -> dict[str, str]:
        aliases: dict[str, str] = {}
        for s in skills.values():
            for old in s.renamed_from:
                if old in skills:
                    self.add(f"skill {s.id} says it was renamed from '{old}', but '{old}' is still a skill",
                             (s.line, None))
                elif old in aliases:
                    self.add(f"'{old}' is named in renamed_from of both {aliases[old]} and {s.id}", (s.line, None))
                else:
                    aliases[old] = s.id
        return aliases

    def _tracks(self, tables, skills) -> dict[str, Track]:
        out: dict[str, Track] = {}
        for i, t in enumerate(tables):
            self._unknown_keys(f"track {self._label(i, t)}", t, _TRACK_KEYS,
                               lambda k, i=i: self.at.key("track", i, k))
            tid = self._id("track", i, t)
            name = self._text("track", i, t, "name", one_line=True)
            desc = self._text("track", i, t, "description", required=False)
            req = self._known_skills("track", i, t, "requires", self._id_list("track", i, t, "requires"), skills)
            if not t.get("requires"):
                self.add(f"track {self._label(i, t)} lists no skills; add requires = [\"skill-id\", ...]",
                         self.at.key("track", i, "requires"))
            if tid is None:
                continue
            if tid in out:
                self.add(f"duplicate track id '{tid}'; track ids must be unique", self.at.key("track", i, "id"))
                continue
            out[tid] = Track(tid, name, desc, tuple(req))
        return out

    def _milestones(self, tables, skills, n_tracks: int) -> list[Milestone]:
        kind = "milestone"
        levels: dict[str, int] = {}  # stage id -> level, for the stage references below
        level_of: dict[int, str] = {}
        for i, t in enumerate(tables):
            lv, mid = t.get("level"), t.get("id")
            if lv is None:
                continue
            if not isinstance(lv, int) or isinstance(lv, bool) or lv < 1:
                self.add(f"'level' of milestone {self._label(i, t)} must be a whole number from 1 (got {lv!r})",
                         self.at.key(kind, i, "level"))
            elif lv in level_of:
                self.add(f"milestones {level_of[lv]} and {self._label(i, t)} both have level = {lv}; "
                         f"each stage needs its own level", self.at.key(kind, i, "level"))
            else:
                level_of[lv] = self._label(i, t)
                if isinstance(mid, str):
                    levels.setdefault(mid, lv)
        all_ids = {t.get("id") for t in tables if isinstance(t.get("id"), str)}
        # a stage is a milestone with a level, even a bad one (that problem is reported once, above)
        stage_ids = {t.get("id") for t in tables if isinstance(t.get("id"), str) and "level" in t}
        out, seen = [], set()
        for i, t in enumerate(tables):
            self._unknown_keys(f"milestone {self._label(i, t)}", t, _MILESTONE_KEYS,
                               lambda k, i=i: self.at.key(kind, i, k))
            mid = self._id(kind, i, t)
            stage = self._stage(i, t, stage_ids, all_ids)
            name = self._text(kind, i, t, "name", required="stage" not in t, one_line=True)
            if not name and "name" not in t and mid is not None:
                name = mid.replace("-", " ").capitalize()  # a concrete milestone may go by its id
            desc = self._text(kind, i, t, "description", required=False)
            deliverable = self._text(kind, i, t, "deliverable", required=False)
            req = self._id_list(kind, i, t, "requires")
            if not req and "requires" not in t:
                self.add(f"milestone {mid} has no 'requires'; list the skills it needs",
                         (self.at.table_line(kind, i), None))
            req = self._known_skills(kind, i, t, "requires", req, skills)
            n = t.get("tracks_required", 0)
            if not isinstance(n, int) or isinstance(n, bool) or not (0 <= n <= n_tracks):
                self.add(f"'tracks_required' of milestone {self._label(i, t)} must be a whole number from 0 to "
                         f"{n_tracks} (the number of [[track]] tables; got {n!r})",
                         self.at.key(kind, i, "tracks_required"))
                n = 0
            if mid is None:
                continue
            if mid in seen:
                self.add(f"duplicate milestone id '{mid}'", self.at.key(kind, i, "id"))
                continue
            seen.add(mid)
            level = levels.get(mid) if t.get("level") is not None else None
            out.append(Milestone(mid, name, desc, tuple(req), level=level, stage=stage,
                                 deliverable=deliverable, tracks_required=n))
        return out

    def _stage(self, i, t, stage_ids: set[str], all_ids) -> str | None:
        """The valid ``stage`` of milestone table ``t`` (None if absent or a problem)."""
        stage = t.get("stage")
        if stage is None:
            return None
        label, pos = self._label(i, t), self.at.key("milestone", i, "stage")
        if "level" in t:
            self.add(f"milestone {label} has both 'level' and 'stage'; a stage (a milestone with a level) "
                     f"does not belong to another stage: remove one", pos)
        elif not isinstance(stage, str):
            self.add(f"'stage' of milestone {label} must be the id of a stage (a milestone with a level)", pos)
        elif stage in stage_ids:
            return stage
        elif stage in all_ids:
            self.add(f"milestone {label} has stage = \"{stage}\", but milestone {stage} is not a stage "
                     f"(it has no 'level')", self.at.value("milestone", i, "stage", stage))
        else:
            hint = did_you_mean(stage, stage_ids, 0.5) or (
                f"; stages: {', '.join(sorted(stage_ids))}" if stage_ids else
                "; mark a stage with level = 1, 2, ...")
            self.add(f"milestone {label} has unknown stage '{stage}'{hint}",
                     self.at.value("milestone", i, "stage", stage))
        return None

    def _cycles(self, graph: nx.DiGraph, skills: Mapping[str, Skill]) -> None:
        for component in nx.strongly_connected_components(graph):
            if len(component) < 2:
                continue
            sub = graph.subgraph(component)
            edges = nx.find_cycle(sub, source=min(component))
            path = [e[0] for e in edges] + [edges[0][0]]
            pos = (min((skills[n].line or 0) for n in component) or None, None)
            added = getattr(self.at, "added_edge", None)  # overlays: point at the prerequisite an overlay added
            if added is not None:
                pos = next((p for p in (added(b, a) for a, b, *_ in edges) if p is not None), pos)
            self.add(f"prerequisite cycle: {' -> '.join(path)}; remove one of these requires", pos)


