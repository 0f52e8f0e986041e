"""What every command shares: the workspace and clock, JSON and Rich output, and the plan table."""

from __future__ import annotations

import json
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


def console():
    """A Rich console that prints text as given (no highlighting, no soft wrap)."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def plain(text: str, style: str = ""):
    """Text shown as written: curriculum names may contain brackets that Rich would read as markup."""
    from rich.text import Text

    return Text(text, style=style)


def escape(text: str) -> str:
    """Escape Rich markup in text from files or users."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def emit_json(data) -> None:
    """Print ``data`` as indented UTF-8 JSON."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def parse_day(value: str | None, what: str) -> date | None:
    """``YYYY-MM-DD`` (or None) to a date; SettingsError naming ``what`` otherwise."""
    if value is None:
        return None
    from roadmap.settings import parse_date

    return parse_date(value, what=what)


def write(path: str, data: bytes, ws=None) -> None:
    """Write an output file atomically, never over the workspace's database (see actions.data.write_file)."""
    from roadmap.actions.data import write_file

    write_file(path, data, ws.engine.url.database if ws is not None else None)


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


def plan_table(cur, items, title):
    """Plan items as a table; the id (what you type next) is never cut, the name is."""
    from rich.table import Table

    from roadmap import wording

    id_w = max((len(i.skill_id) for i in items), default=2)
    num_w = len(str(len(items)))
    t = Table(title=title, title_justify="left", box=None, pad_edge=False)
    t.add_column("#", justify="right", style="dim", no_wrap=True, min_width=num_w)
    t.add_column("id", no_wrap=True, min_width=id_w)
    t.add_column("skill", no_wrap=True, overflow="ellipsis",
                 max_width=max(8, console().width - (num_w + id_w + 5 + 11 + 8)))
    t.add_column("left", justify="right", no_wrap=True, min_width=6)
    t.add_column("status", no_wrap=True, min_width=11)
    for i, item in enumerate(items, 1):
        sk = cur.skills[item.skill_id]
        t.add_row(str(i), sk.id, plain(sk.name), wording.duration_hours(item.hours), wording.status_word(item.status))
    return t
