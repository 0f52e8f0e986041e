"""Reading the fields of one TOML table and reporting what is wrong with them:
the field-level half of the curriculum validator (the rules between tables
are in :mod:`roadmap.curriculum.validator`). Every problem gets the file,
line and column of the key or value it is about.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from roadmap.curriculum.locations import Locations, Pos
from roadmap.curriculum.model import ID_PATTERN, Problem

# Everything below space but tab and newline, DEL and the C1 controls (terminal escapes such as CSI).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A name is one line: it also ends up in table rows, graph labels and Markdown.
LINE_BREAK = re.compile(r"[\n\r\x0b\x0c\x85\u2028\u2029]")
NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def did_you_mean(word: str, candidates, cutoff: float = 0.6) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``candidates`` to ``word``, or "" if none is close."""
    near = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=cutoff)
    return f"; did you mean '{near[0]}'?" if near else ""


def is_number(v: Any) -> bool:
    """True for an int or float that is not a bool (TOML ``true`` is not a number of hours)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class FieldReader:
    """Reads fields of the tables of one curriculum text and collects the problems found.

    Parameters
    ----------
    text : str
        The TOML source (for positions).
    source : str
        The file name shown in problems.
    """

    def __init__(self, text: str, source: str, at: Locations | None = None):
        self.source = source
        self.at = at if at is not None else Locations(text)
        self.problems: list[Problem] = []

    def add(self, message: str, pos: Pos = (None, None)) -> None:
        """Record one problem at ``pos`` (line, column). A line that carries its file
        (:class:`roadmap.curriculum.locations.Line`, in merged overlays) names that file."""
        line = pos[0]
        source = getattr(line, "source", self.source)
        self.problems.append(Problem(source, None if line is None else int(line), pos[1], message))

    def where_line(self, line: int | None) -> str:
        """``"line 12"``, or ``"base.toml:12"`` when the line is in another file than this one."""
        source = getattr(line, "source", self.source)
        return f"line {line}" if source == self.source else f"{source}:{int(line)}"

    # -- fields --------------------------------------------------------------
    def _label(self, i, table) -> str:
        v = table.get("id")
        return v if isinstance(v, str) else f"#{i + 1}"

    def _text(self, kind, i, table, key, required=True, one_line=False) -> str:
        v = table.get(key)
        if v is None:
            if required:
                self.add(f"{kind} #{i + 1} ({table.get('id', '?')}) has no '{key}'; add {key} = \"...\"",
                         (self.at.table_line(kind, i), None))
            return ""
        label = self._label(i, table)
        if not isinstance(v, str) or (required and not v.strip()):
            problem = "must be a non-empty string"
        elif one_line and LINE_BREAK.search(v):
            problem = f"contains a line break; a {key} is one line (put more in 'description')"
        elif (NAME_CONTROL if one_line else CONTROL).search(v):
            problem = f"contains a control character (such as ESC{' or TAB' if one_line else ''}); remove it"
        else:
            return v.strip()
        self.add(f"'{key}' of {kind} {label} {problem}", self.at.key(kind, i, key))
        return ""

    def _id(self, kind, i, table) -> str | None:
        v = table.get("id")
        if v is None:
            self.add(f"{kind} #{i + 1} has no 'id'; add id = \"some-kebab-case-id\"",
                     (self.at.table_line(kind, i), None))
            return None
        if not isinstance(v, str) or not ID_PATTERN.fullmatch(v):
            self.add(f"{kind} id {v!r} is not kebab-case (lowercase letters, digits and single hyphens, "
                     f"e.g. \"linear-algebra\")", self.at.key(kind, i, "id"))
            return None
        return v

    def _id_list(self, kind, i, table, key) -> list[str]:
        v = table.get(key, [])
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            self.add(f"'{key}' of {kind} {self._label(i, table)} must be a list of skill ids, "
                     f"e.g. {key} = [\"linear-algebra\"]", self.at.key(kind, i, key))
            return []
        return v

    def _known_skills(self, kind, i, table, key, ids, skill_ids) -> list[str]:
        """The ids of ``ids`` that name skills; a problem (with a "did you mean") for each other one."""
        for r in ids:
            if r not in skill_ids:
                self.add(f"{kind} {self._label(i, table)} {key} unknown skill '{r}'"
                         f"{did_you_mean(r, skill_ids, 0.5)}", self.at.value(kind, i, key, r))
        if len(set(ids)) != len(ids):
            self.add(f"{kind} {self._label(i, table)} lists a skill twice in '{key}'", self.at.key(kind, i, key))
        return list(dict.fromkeys(r for r in ids if r in skill_ids))

    def _unknown_keys(self, what: str, table, allowed, pos_of) -> None:
        for key in table:
            if key not in allowed:
                near = did_you_mean(key, allowed)
                hint = near or f"; allowed: {', '.join(sorted(allowed))}"
                self.add(f"unknown key '{key}' in {what}{hint}", pos_of(key))

    def _tables(self, data, kind) -> list[dict]:
        v = data.get(kind, [])
        if not isinstance(v, list) or not all(isinstance(t, dict) for t in v):
            self.add(f"'{kind}' must be an array of tables, written [[{kind}]]")
            return []
        return v

    # -- the whole file ------------------------------------------------------
