"""Where things are in a curriculum's TOML text: the line and column of a
table, a key or a value, so every problem can name ``file:line:col``.

``tomllib`` returns plain values without positions, so these are found by
scanning the text for the table headers (``[[skill]]``, ``[[skill.check]]``,
...) and, below a header, for ``key =``. Positions are 1-based; ``None``
means "not found" (the problem is then reported at the table, or without a
line).
"""

from __future__ import annotations

import bisect
import re

Pos = tuple[int | None, int | None]

KINDS = ("category", "skill", "milestone", "track", "change")  # "change": overlays (roadmap.curriculum.overlay)
_ANY_TABLE = re.compile(r"\s*\[")
_HEADER = re.compile(r"\s*\[\[\s*([a-z]+)\s*\]\]")
_CHECK_HEADER = re.compile(r"\s*\[\[\s*(?:skill|change)\s*\.\s*check\s*\]\]")


class Line(int):
    """A 1-based line number that also knows the file it is in (``source``).

    A curriculum merged from an overlay and its base (:mod:`roadmap.curriculum.overlay`)
    has elements from several files; positions carry their file this way, so a
    problem is reported in the file that caused it. Compares and hashes as the int.
    """

    source: str

    def __new__(cls, value: int, source: str):
        obj = super().__new__(cls, value)
        obj.source = source
        return obj

    def __reduce__(self):
        return (Line, (int(self), self.source))


class Locations:
    """Positions in one curriculum text.

    Parameters
    ----------
    text : str
        The TOML source, as given to the parser.
    """

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.headers: dict[str, list[int]] = {kind: [] for kind in KINDS}
        self.check_headers: list[int] = []
        for n, ln in enumerate(self.lines, 1):
            if "[[" not in ln:  # most lines: one substring test
                continue
            m = _HEADER.match(ln)
            if m and m.group(1) in self.headers:
                self.headers[m.group(1)].append(n)
            elif _CHECK_HEADER.match(ln):
                self.check_headers.append(n)
        self._all_headers = sorted(h for hs in self.headers.values() for h in hs)

    def table_line(self, kind: str, index: int) -> int | None:
        """Line of the header of the ``index``-th (0-based) ``[[kind]]`` table."""
        hs = self.headers[kind]
        return hs[index] if index < len(hs) else None

    def _skill_span(self, index: int, kind: str = "skill") -> tuple[int, int] | None:
        """(first line, line after the last) of the ``index``-th skill (or ``[[change]]``), sub-tables included."""
        start = self.table_line(kind, index)
        if start is None:
            return None
        nxt = bisect.bisect_right(self._all_headers, start)
        return start, self._all_headers[nxt] if nxt < len(self._all_headers) else len(self.lines) + 1

    def check_line(self, skill_index: int, check_index: int, kind: str = "skill") -> int | None:
        """Line of the ``[[skill.check]]`` header of check ``check_index`` of skill ``skill_index``
        (the skill's header when it cannot be told); ``kind="change"`` for ``[[change.check]]``."""
        span = self._skill_span(skill_index, kind)
        if span is None:
            return None
        lo = bisect.bisect_right(self.check_headers, span[0])
        hi = bisect.bisect_left(self.check_headers, span[1])
        return self.check_headers[lo + check_index] if lo + check_index < hi else span[0]

    def key_in_table(self, header: int | None, key: str) -> Pos:
        """Position of ``key =`` in the table whose header is on line ``header`` ((header, None) if absent)."""
        if header is None:
            return None, None
        for n in range(header, len(self.lines)):  # the lines after the header
            ln = self.lines[n]
            if _ANY_TABLE.match(ln):
                break
            m = re.match(rf"(\s*){re.escape(key)}\s*=", ln)
            if m:
                return n + 1, len(m.group(1)) + 1
        return header, None

    def key(self, kind: str, index: int, key: str) -> Pos:
        """Position of ``key =`` in the ``index``-th ``[[kind]]`` table."""
        return self.key_in_table(self.table_line(kind, index), key)

    def check_key(self, skill_index: int, check_index: int, key: str, kind: str = "skill") -> Pos:
        """Position of ``key =`` in a ``[[skill.check]]`` table (its header line if absent)."""
        return self.key_in_table(self.check_line(skill_index, check_index, kind), key)

    def top_key(self, key: str) -> Pos:
        """Position of a top-level ``key =`` (before the first table); (None, None) if absent."""
        for n, ln in enumerate(self.lines, 1):
            if _ANY_TABLE.match(ln):
                break
            m = re.match(rf"(\s*){re.escape(key)}\s*=", ln)
            if m:
                return n, len(m.group(1)) + 1
        return None, None

    def top_value(self, key: str, value: str) -> Pos:
        """Position of the string ``"value"`` in the value of top-level ``key``; the key's position if not found."""
        line, col = self.top_key(key)
        if line is None:
            return None, None
        return self._value_from(line, col, value)

    def value(self, kind: str, index: int, key: str, value: str) -> Pos:
        """Position of the string ``"value"`` in the value of ``key`` (a list may span lines);
        the key's position if the value is not found."""
        line, col = self.key(kind, index, key)
        if line is None:
            return None, None
        return self._value_from(line, col, value)

    def _value_from(self, line: int, col: int | None, value: str) -> Pos:
        for n in range(line - 1, min(line + 40, len(self.lines))):
            c = self.lines[n].find(f'"{value}"')
            if c >= 0:
                return n + 1, c + 2
            if n > line - 1 and re.match(r"\s*(\[|[A-Za-z_-]+\s*=)", self.lines[n]):
                break
        return line, col

    def entry(self, skill_index: int, table_key: str, entry: str, kind: str = "skill") -> Pos:
        """Position of ``entry =`` inside a skill's inline or sub-table ``table_key``
        (e.g. ``encompasses = { calculus = 0.3 }``); the table key's position if not found."""
        span = self._skill_span(skill_index, kind)
        if span is None:
            return None, None
        pattern = re.compile(rf"(?:^|[{{,.\s])(\"?{re.escape(entry)}\"?\s*=)")
        seen_table = False
        for n in range(span[0] - 1, span[1] - 1):
            ln = self.lines[n]
            if not seen_table:
                # the key itself (inline table or dotted keys) or a sub-table header, never prose in a value
                m = re.match(rf"\s*(?:\[\s*[\w-]+\s*\.\s*)?\"?{re.escape(table_key)}\"?\s*[=.\]]", ln)
                if not m:
                    continue
                seen_table = True
                ln_from = m.end() - 1
            else:
                ln_from = 0
            m = pattern.search(ln, ln_from)
            if m:
                return n + 1, m.start(1) + 1
        return self.key(kind, skill_index, table_key)
