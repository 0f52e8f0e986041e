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

    Three indexed lookups (review log, status events, progress).
    """
    best: tuple[datetime, str] | None = None
    for model, column, what in _SOURCES:
        at = session.exec(select(column).where(model.skill_id == skill_id).order_by(column.desc()).limit(1)).first()
        if at is not None and (best is None or at > best[0]):
            best = (at.astimezone(UTC), what)
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
        Naming the skill, the refused time, the newest row's time, and what to do.
    """
    at = now.astimezone(UTC)
    for skill_id in skill_ids:
        newest = newest_entry(session, skill_id)
        if newest is not None and at < newest[0]:
            raise ClockWentBackError(
                f"{action} of {skill_id} dated {_show(at)} was refused: it is before the newest entry in "
                f"{skill_id}'s history (a {newest[1]} at {_show(newest[0])}), and history must stay in time "
                f"order; nothing was written. Check the computer's clock (or ROADMAP_NOW) and try again "
                f"at or after {_show(newest[0])}")


def _show(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
