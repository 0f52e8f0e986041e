"""What every command shares: the workspace and clock, output streams, JSON, and text tables.

Two output rules hold for every command, whatever the locale:

* machine formats (JSON, export, Markdown, ICS, DOT, Mermaid) are written as
  UTF-8 bytes (:func:`emit_bytes`), to a file or to standard output;
* text for people goes through the terminal's encoding and never crashes on a
  character that encoding lacks: :func:`prepare_streams` makes the standard
  streams print an ASCII stand-in (:func:`roadmap.wording.ascii_fallback`).

Text tables are :class:`Table`: on a terminal, numbers, ids, dates and statuses
are never cut at any width (names shrink, and below that each row becomes a
short block of lines); to a pipe or a file nothing is cut at all.
"""

from __future__ import annotations

import codecs
import json
import sys
from dataclasses import dataclass
from datetime import date

import click

FORMATS = click.Choice(["text", "json"])


def workspace(ctx: click.Context):
    """The :class:`roadmap.workspace.Workspace` the root command opened."""
    return ctx.find_root().obj


def now():
    """The current instant (UTC), ``$ROADMAP_NOW`` if set."""
    from roadmap import clock

    return clock.now()


UNCUT_WIDTH = 100_000
"""Line width (cells) used when standard output is not a terminal: long enough that no text is cut."""


def console():
    """A Rich console that prints text as given (no highlighting).

    On a terminal it is as wide as the terminal (or ``$COLUMNS``). To a pipe or a file it is
    :data:`UNCUT_WIDTH` wide and does not wrap, so scripts and ``grep`` see whole lines.
    """
    from rich.console import Console

    con = Console(highlight=False, soft_wrap=False)
    if not con.is_terminal:
        con = Console(highlight=False, soft_wrap=True, width=UNCUT_WIDTH)
    return con


_ERRORS = "roadmap-ascii"


def _ascii_stand_in(error: UnicodeError):
    if not isinstance(error, UnicodeEncodeError):
        raise error
    from roadmap.wording import ascii_fallback

    return "".join(ascii_fallback(c) for c in error.object[error.start:error.end]), error.end


def prepare_streams() -> None:
    """Make standard output and error print an ASCII stand-in for any character their encoding lacks.

    Under a locale such as ``de_DE.ISO-8859-1`` the streams encode Latin-1, which has no ``—``, ``…``
    or ``○``; text then shows ``-``, ``.`` and ``o`` (same width) instead of raising
    :class:`UnicodeEncodeError`. Characters the encoding has (``ü``) are written as the locale
    expects. UTF-8 streams are left alone. Safe to call more than once.
    """
    try:
        codecs.lookup_error(_ERRORS)
    except LookupError:
        codecs.register_error(_ERRORS, _ascii_stand_in)
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            utf = codecs.lookup(encoding).name.startswith("utf")
        except LookupError:
            utf = False
        if not utf and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors=_ERRORS)


def emit_bytes(data: bytes | str, nl: bool = False) -> None:
    """Write a machine format to standard output as UTF-8 bytes, whatever the locale's encoding.

    ``data`` as ``str`` is encoded to UTF-8 first; ``nl`` adds a newline.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    click.echo(data, nl=nl)


def plain(text: str, style: str = ""):
    """Text shown as written: curriculum names may contain brackets that Rich would read as markup."""
    from rich.text import Text

    return Text(text, style=style)


def escape(text: str) -> str:
    """Escape Rich markup in text from files or users."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def emit_json(data) -> None:
    """Print ``data`` as indented JSON, in UTF-8 bytes whatever the locale."""
    emit_bytes(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def parse_day(value: str | None, what: str) -> date | None:
    """``YYYY-MM-DD`` (or None) to a date; SettingsError naming ``what`` otherwise."""
    if value is None:
        return None
    from roadmap.settings import parse_date

    return parse_date(value, what=what)


def write(path: str, data: bytes, ws=None) -> None:
    """Write an output file atomically, never over the workspace's database (see actions.data.write_file)."""
    from roadmap.actions.data import write_file

    write_file(path, data, ws.database_file if ws is not None else None)


def bar(done: int, total: int, width: int = 20) -> str:
    """A progress bar of ``width`` cells."""
    filled = round(width * done / total) if total else width
    return "█" * filled + "░" * (width - filled)


def skill_json(cur, item, statuses) -> dict:
    """A plan item as the documented JSON object."""
    from roadmap.actions.skills import status_of

    s = cur.skills[item.skill_id]
    return {"id": item.skill_id, "name": s.name, "category": s.category, "hours": item.hours,
            "estimate_hours": s.hours, "status": status_of(statuses, item.skill_id).value,
            "requires": list(s.requires)}


NAME_MIN_WIDTH = 16
"""Fewest cells a shrinking column (a name) keeps before a table turns into one block of lines per row."""

GAP = 2
"""Cells between two table columns."""


@dataclass(frozen=True)
class _Column:
    header: str
    kind: str
    justify: str
    style: str


class Table:
    """A text table for people, printed with ``console().print(table)``.

    Each column has a kind. ``"fixed"`` (numbers, ids, dates, statuses, durations, bars) is never cut
    or wrapped; ``"name"`` shrinks with an ellipsis to leave room for the fixed columns; ``"text"``
    (prose) wraps at word boundaries. On a terminal of width *W* cells:

    * if the fixed columns and every other column at :data:`NAME_MIN_WIDTH` fit in *W*, the names and
      texts share the space left (up to their full length);
    * otherwise each row is printed as a block: its names (wrapped) on one line (or, without a name
      column, its first column), then its fixed columns as ``header value`` pairs, indented, each pair
      kept whole, then each text column as an indented paragraph.

    When the console is not a terminal (a pipe or a file) nothing is cut: full names on one line.
    Cells are :class:`rich.text.Text` or strings in Rich markup (escape text from files with
    :func:`escape`, or pass :func:`plain`).
    """

    def __init__(self, title: str | None = None, caption: str | None = None):
        self.title = title
        self.caption = caption
        self.columns: list[_Column] = []
        self.rows: list[list] = []

    def add_column(self, header: str, kind: str = "fixed", justify: str = "left", style: str = "") -> None:
        """Add a column; ``kind`` is ``"fixed"``, ``"name"`` or ``"text"`` (see the class). ValueError otherwise."""
        if kind not in ("fixed", "name", "text"):
            raise ValueError(f"column kind {kind!r}: expected fixed, name or text")
        self.columns.append(_Column(header, kind, justify, style))

    def add_row(self, *cells) -> None:
        """Add a row of one cell per column (a ``str`` in Rich markup, or a ``Text``)."""
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(list(cells))

    def _texts(self, console):
        from rich.text import Text

        return [[c.copy() if isinstance(c, Text) else console.render_str(str(c), highlight=False) for c in row]
                for row in self.rows]

    def widths(self, width: int, natural: list[int]) -> list[int] | None:
        """Cells per column on a terminal ``width`` cells wide, given each column's full width
        (``natural``); None if the columns cannot share one line without cutting a fixed one."""
        widths = list(natural)
        flex = [i for i, c in enumerate(self.columns) if c.kind != "fixed"]
        room = width - GAP * (len(self.columns) - 1) - sum(natural[i] for i in range(len(natural)) if i not in flex)
        want = {i: natural[i] for i in flex}
        if sum(want.values()) <= room:
            return widths
        low = {i: min(want[i], NAME_MIN_WIDTH) for i in flex}
        if not flex or sum(low.values()) > room:
            return None
        # Share the room left fairly (max-min): columns that need less than an equal share get all they
        # need, the others split the rest equally.
        left = sorted(flex, key=lambda i: want[i])
        while left:
            share = room // len(left)
            i = left.pop(0)
            widths[i] = max(low[i], min(want[i], share))
            room -= widths[i]
        return widths

    def __rich_console__(self, console, options):
        rows = self._texts(console)
        if self.title:
            yield console.render_str(self.title, highlight=False)
        natural = [max([len(c.header)] + [row[i].cell_len for row in rows]) for i, c in enumerate(self.columns)]
        terminal = console.is_terminal
        widths = self.widths(options.max_width, natural) if terminal else natural
        if widths is None:
            yield from self._blocks(options.max_width, rows)
        else:
            yield from self._lines(console, options, rows, widths)
        if self.caption:
            yield console.render_str(self.caption, highlight=False)

    def _lines(self, console, options, rows, widths):
        """One line per row, the columns ``widths`` cells wide."""
        from rich.table import Table as RichTable

        t = RichTable(box=None, pad_edge=False, show_edge=False)
        for c, w in zip(self.columns, widths):
            if c.kind == "text":
                t.add_column(c.header, justify=c.justify, style=c.style, width=w, overflow="fold")
            else:
                t.add_column(c.header, justify=c.justify, style=c.style, width=w, no_wrap=True,
                             overflow="ellipsis")
        for row in rows:
            t.add_row(*row)
        from rich.segment import Segment

        wide = options.update_width(max(options.max_width, sum(widths) + GAP * len(widths)))
        for line in console.render_lines(t, wide, pad=False):
            # No trailing blanks: a script's `grep 'progress$'` matches the last column.
            while line and not line[-1].control and not line[-1].text.strip():
                line.pop()
            if line:
                line[-1] = Segment(line[-1].text.rstrip(), line[-1].style, line[-1].control)
            yield from line
            yield Segment.line()

    def _blocks(self, width, rows):
        """One block per row: the names (wrapped), then ``header value`` pairs, never split."""
        from rich.text import Text

        from rich.padding import Padding

        for row in rows:
            names = [row[i] for i, c in enumerate(self.columns) if c.kind == "name" and row[i].plain]
            fixed = [i for i, c in enumerate(self.columns) if c.kind == "fixed" and row[i].plain]
            if not names and fixed:
                names = [row[fixed.pop(0)]]
            pairs = []
            for i in fixed:
                c = self.columns[i]
                label = "#" if c.header == "#" else (c.header + " " if c.header else "")
                pairs.append(Text.assemble((label, "dim"), row[i]))
            yield Text("  ").join(names)
            line = Text("  ")
            for pair in pairs:
                if line.cell_len > 2 and line.cell_len + GAP + pair.cell_len > width:
                    yield line
                    line = Text("  ")
                line = line + (Text("  ") if line.cell_len > 2 else Text("")) + pair
            if line.cell_len > 2:
                yield line
            for i, c in enumerate(self.columns):
                if c.kind == "text" and row[i].plain:
                    yield Padding(Text.assemble((c.header + ": ", "dim"), row[i]), (0, 0, 0, 2))

def plan_table(cur, items, title):
    """Plan items as a :class:`Table`: number, id, name (it shrinks), time left, status."""
    from roadmap import wording

    t = Table(title=title)
    t.add_column("#", justify="right", style="dim")
    t.add_column("id")
    t.add_column("skill", kind="name")
    t.add_column("left", justify="right")
    t.add_column("status")
    for i, item in enumerate(items, 1):
        sk = cur.skills[item.skill_id]
        t.add_row(str(i), plain(sk.id), plain(sk.name), wording.duration_hours(item.hours),
                  wording.status_word(item.status))
    return t
