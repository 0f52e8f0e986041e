"""The order of a skill's history: no write is dated before what it follows.

A skill's history is its status changes (``status_event`` and
``skill_progress.updated_at``) and its review-log rows, each dated. The
review log is replayed in time order when cards are rebuilt (after an
import), and an import keeps the progress row with the newer
``updated_at``, so a row dated before an existing one would replay in
another order than it happened: an undo dated before the review it undoes
lets the review come back. So every status change and every review-log row
is refused when it is dated before the newest row of that skill's history (a
clock set back, or an earlier ``ROADMAP_NOW``); rows at the same instant
keep their entry order.

Study sessions are not part of it: logged hours are a sum, their order
carries no state, and two ``roadmap log`` commands racing for the lock must
both be kept (a session that starts a skill is a status change, and is
checked as one).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Iterable

from sqlmodel import Session, select

from roadmap.errors import RoadmapError
from roadmap.models import ReviewLog, SkillProgress, StatusEvent


class ClockWentBackError(RoadmapError):
    """A write dated before the newest row of the skill's history it follows; nothing was written."""


_SOURCES = (
    (ReviewLog, ReviewLog.reviewed_at, "review log entry"),
    (StatusEvent, StatusEvent.at, "status change"),
    (SkillProgress, SkillProgress.updated_at, "status change"),
)


def newest_entry(session: Session, skill_id: str) -> tuple[datetime, str] | None:
    """The newest instant (UTC) in the history of ``skill_id`` and what kind of row it is; None if it has none.

    One query (see :func:`newest_entries`).
    """
    return newest_entries(session, [skill_id]).get(skill_id)


_CHUNK = 300  # skill ids per query (three bound parameters each; SQLite's limit is 999 on old builds)


@cache
def _newest_query():
    """The statement of :func:`newest_entries`, built once (its skill ids are an expanding parameter)."""
    from sqlalchemy import bindparam, func, literal, union_all

    ids = bindparam("ids", expanding=True)
    return union_all(*(select(literal(i).label("src"), model.skill_id.label("skill_id"), func.max(column).label("at"))
                       .where(model.skill_id.in_(ids)).group_by(model.skill_id)
                       for i, (model, column, _) in enumerate(_SOURCES)))


def newest_entries(session: Session, skill_ids: Iterable[str]) -> dict[str, tuple[datetime, str]]:
    """For each of ``skill_ids`` with any history: its newest instant (UTC) and what kind of row that is.

    One query per :data:`_CHUNK` ids: the ``max()`` of each history table for those skills (each an
    indexed lookup by ``skill_id``), joined with ``UNION ALL``. On equal instants the first table of
    ``_SOURCES`` names the row (review log, then status change).
    """
    ids = sorted(set(skill_ids))
    best: dict[str, tuple[datetime, str]] = {}
    query = _newest_query()
    for start in range(0, len(ids), _CHUNK):
        part = ids[start:start + _CHUNK]
        for src, skill_id, at in sorted(session.execute(query, {"ids": part}).all(), key=lambda r: r[0]):
            if at is None:
                continue
            at = at.astimezone(UTC)
            old = best.get(skill_id)
            if old is None or at > old[0]:
                best[skill_id] = (at, _SOURCES[src][2])
    return best


def check_order(session: Session, skill_ids: Iterable[str], *, now: datetime, action: str) -> None:
    """Refuse a write about ``skill_ids`` dated ``now`` if any of them has history dated after ``now``.

    Parameters
    ----------
    session : Session
        The caller's transaction (read only here).
    skill_ids : iterable of str
        The skills the write is about.
    now : datetime
        The instant the write would carry (aware).
    action : str
        What the write is, for the message (``"learn"``, ``"a review"``, ...).

    Raises
    ------
    ClockWentBackError
        Naming the skill (the first of ``skill_ids`` refused), the refused time, the newest row's time,
        and what to do.
    """
    at = now.astimezone(UTC)
    skill_ids = list(skill_ids)
    if not skill_ids:
        return
    newest_of = newest_entries(session, skill_ids)
    for skill_id in skill_ids:
        newest = newest_of.get(skill_id)
        if newest is not None and at < newest[0]:
            raise ClockWentBackError(
                f"{action} of {skill_id} dated {_show(at)} was refused: it is before the newest entry in "
                f"{skill_id}'s history (a {newest[1]} at {_show(newest[0])}), and history must stay in time "
                f"order; nothing was written. Check the computer's clock (or ROADMAP_NOW) and try again "
                f"at or after {_show(newest[0])}")


def _show(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
