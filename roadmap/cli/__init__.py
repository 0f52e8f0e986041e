"""The command line: parse, call an action of :mod:`roadmap.actions`, format with :mod:`roadmap.wording`.

No rules live here. Every error a user can cause is a
:class:`roadmap.errors.RoadmapError`; it is printed as ``roadmap: <message>``
on stderr with exit code 2, never a traceback. ``--format json`` output is a
stable interface (documented in the README): fields are added over time,
never renamed.

Commands are grouped by topic: :mod:`.skills` (status, plan, next, learn…),
:mod:`.week` (week, milestones, time off), :mod:`.review` (due, review, undo,
forecast), :mod:`.data` (export, import, graph, config); :mod:`.output` holds
the shared tables and output helpers, :mod:`.app` the click group.

:func:`main` answers ``roadmap due --count`` before importing click (a
standard-library path for shell prompts; see :mod:`roadmap.actions.due_count`).
"""

from __future__ import annotations

import os
import sys


def _fast_due_count(argv: list[str]) -> bool:
    """Print the due count for ``[--db X] [--curriculum Y] due --count`` and return True, if it can be
    answered without the full command line; False to take the full path (which reports any problem)."""
    db = curriculum = None
    rest = list(argv)
    while rest and rest[0].startswith("--") and rest[0] not in ("--count",):
        opt = rest.pop(0)
        name, eq, value = opt.partition("=")
        if name not in ("--db", "--curriculum"):
            return False
        if not eq:
            if not rest:
                return False
            value = rest.pop(0)
        if not value.strip():
            return False
        if name == "--db":
            db = value
        else:
            curriculum = value
    if rest != ["due", "--count"]:
        return False
    from pathlib import Path

    from roadmap.actions import due_count
    from roadmap.clock import ClockError, now

    try:
        instant = now()
    except ClockError:
        return False
    db = db if db is not None else os.environ.get("ROADMAP_DB") or None
    if db is not None and (not db.strip() or "://" in db):
        return False  # empty (the full path says why), or a database URL (team mode): the full path reads it
    curriculum = curriculum if curriculum is not None else os.environ.get("ROADMAP_CURRICULUM") or None
    if curriculum is not None and not curriculum.strip():
        return False
    skills = due_count.curriculum_skill_ids(Path(curriculum) if curriculum else None)
    if skills is None:
        return False
    n = due_count.count_due(Path(db).expanduser() if db else due_count.default_db_path(), skills, instant)
    if n is None:
        return False
    sys.stdout.write(f"{n}\n")
    return True


def main() -> None:
    """Console-script entry point."""
    if _fast_due_count(sys.argv[1:]):
        return
    from roadmap.cli.output import prepare_streams

    prepare_streams()  # text for people never crashes on a character the locale's encoding lacks
    from roadmap import runtime
    from roadmap.cli.app import cli

    runtime.FREEZE_AFTER_LOAD = True  # one workspace in this process: see its doc

    cli(prog_name="roadmap")


def __getattr__(name: str):
    # ``from roadmap.cli import cli``: the click group, built on first use.
    if name == "cli":
        from roadmap.cli.app import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
