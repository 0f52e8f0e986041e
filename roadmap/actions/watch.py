"""Noticing writes made elsewhere: a stamp of the database that changes whenever the learner's data does.

The app compares stamps every few seconds and re-reads its screen when the stamp moved: after
``roadmap log`` in another terminal, or (in team mode) a review made on another machine.

* An SQLite file: the modification time and size of the file and its write-ahead log (no query).
* A database server (PostgreSQL): one round trip of small queries over the learner's own rows (row-level
  security scopes them): the newest review-log, status-event and study-session ids, the time off, the
  settings and a digest (md5) of each note's text. The log tables only grow (an undo is a new row), so
  their newest id moves with every review, status change and logged session.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roadmap.workspace import Workspace


def file_stamp(path: Path | str) -> tuple:
    """(mtime ns, size) of an SQLite file and of its ``-wal`` file (None for a file that is missing)."""
    out = []
    for suffix in ("", "-wal"):
        try:
            st = os.stat(str(path) + suffix)
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append(None)
    return tuple(out)


def server_stamp(session) -> tuple:
    """The learner's change markers on a database server, read in ``session`` (see the module doc)."""
    from sqlalchemy import func
    from sqlmodel import select

    from roadmap.models import ReviewLog, Setting, SkillNote, StatusEvent, StudySession, TimeOff

    return (
        session.exec(select(func.max(ReviewLog.id))).one(),
        session.exec(select(func.max(StatusEvent.id))).one(),
        tuple(session.exec(select(func.max(StudySession.id), func.count(StudySession.id))).one()),
        tuple(tuple(r) for r in session.exec(select(TimeOff.id, TimeOff.first_day, TimeOff.last_day,
                                                    TimeOff.note).order_by(TimeOff.id)).all()),
        tuple(tuple(r) for r in session.exec(select(Setting.key, Setting.value).order_by(Setting.key)).all()),
        tuple(tuple(r) for r in session.exec(select(SkillNote.skill_id, func.md5(SkillNote.text))
                                             .order_by(SkillNote.skill_id)).all()),
    )


def database_stamp(ws: Workspace) -> tuple:
    """A value that changes whenever the workspace's data does: :func:`file_stamp` of an SQLite file
    (cheap: call it on any thread), else :func:`server_stamp` (a round trip to the server: call it
    from a worker thread). Raises the store's errors when the server cannot be reached."""
    path = ws.database_file
    if path is not None:
        return file_stamp(path)
    with ws.read() as s:
        return server_stamp(s)
