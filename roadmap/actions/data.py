"""Data in and out: export, import, the prerequisite graph, and writing output files safely."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roadmap.errors import RoadmapError

if TYPE_CHECKING:
    from roadmap.workspace import Workspace


def export_json(ws: Workspace, *, now: datetime) -> dict[str, Any]:
    """Everything the learner entered as the documented export document (docs/export-format.md)."""
    from roadmap import transfer

    with ws.read() as s:
        return transfer.export_document(s, now=now)


@dataclass(frozen=True)
class FutureRows:
    """History rows of an export dated after now: ``count`` rows, the latest at ``latest`` (UTC).

    ``roadmap import`` refuses such a file until that time (:func:`roadmap.transfer.check_not_after`).
    """

    count: int
    latest: datetime | None

    def warning(self) -> str:
        """The message the export prints on stderr ('' when no row is dated after now)."""
        if not self.count:
            return ""
        rows = "1 history row is" if self.count == 1 else f"{self.count} history rows are"
        return (f"Warning: {rows} dated after now (the latest {self.latest:%Y-%m-%d %H:%M} UTC); "
                f"`roadmap import` refuses this file until then. Was the clock (or ROADMAP_NOW) wrong "
                f"when they were written?")


def future_rows(doc: dict[str, Any], *, now: datetime) -> FutureRows:
    """How many history rows of export ``doc`` are dated after ``now`` (UTC), and the latest one's time."""
    from roadmap import transfer

    at = transfer.dated_after(doc, now)
    return FutureRows(len(at), at[-1] if at else None)


def import_file(ws: Workspace, path: str, *, now: datetime | None = None) -> dict[str, int]:
    """Merge a file made by export into the database, all or nothing; returns rows added per kind.

    The whole file is checked before anything is written; rows already
    there are skipped (importing twice changes nothing).

    With ``now`` (UTC), history dated after it is refused
    (:func:`roadmap.transfer.check_not_after`).

    Raises TransferError naming the file and the problem.
    """
    from roadmap import transfer

    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise transfer.TransferError(f"cannot read {path}: {getattr(e, 'strerror', None) or e}") from None
    try:
        doc = transfer.parse_document(text)
        if now is not None:
            transfer.check_not_after(doc, now)
    except transfer.TransferError as e:
        raise transfer.TransferError(f"{path} was not imported: {e}") from None
    with ws.write() as s:
        return transfer.import_document(s, doc)


@dataclass(frozen=True)
class Graph:
    """The prerequisite graph as text (Mermaid or DOT) and how many skills it draws."""

    text: str
    skills: int


def graph(ws: Workspace, *, now: datetime, fmt: str = "mermaid", focus: str | None = None) -> Graph:
    """The prerequisite graph coloured by skill state, all of it or around ``focus`` (a skill id).

    ``fmt`` is ``mermaid`` or ``dot``. Raises ProgressError for an unknown focus id.
    """
    from roadmap import graph_export as ge
    from roadmap.actions.skills import resolve
    from roadmap.actions.today import read_overview

    cur = ws.curriculum
    sid = resolve(ws, focus) if focus is not None else None
    with ws.read() as s:
        ov = read_overview(s, cur, now)
    states = ge.node_states(cur, ov.statuses, ov.fading)
    nodes = ge.focus_nodes(cur, sid)
    return Graph((ge.to_dot if fmt == "dot" else ge.to_mermaid)(cur, states, nodes, sid), len(nodes))


def write_file(path: str, data: bytes, database: str | os.PathLike | None = None) -> None:
    """Write ``data`` to ``path`` atomically (a failed write leaves the old file as it was).

    Refuses ``database`` itself and its WAL, shared-memory and backup files,
    so an export can never overwrite the learner's history.

    Raises RoadmapError with a message naming the path.
    """
    import tempfile

    if not path.strip():
        raise RoadmapError("--output is empty; give a file path, or leave it out to print")
    target = Path(path).expanduser()
    if database is not None:
        db = Path(database).resolve()
        out = target.resolve()
        if out == db or (out.parent == db.parent and out.name.startswith(db.name + ".")) or \
                out.name in (db.name + "-wal", db.name + "-shm"):
            raise RoadmapError(f"refusing to write over the database {db} (or its companion files); "
                               "choose another --output file")
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except IsADirectoryError:
        raise RoadmapError(f"cannot write {path}: it is a directory") from None
    except OSError as e:
        raise RoadmapError(f"cannot write {path}: {e.strerror or e}; the file was left as it was") from None
