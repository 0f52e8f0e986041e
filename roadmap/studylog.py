"""Study time: hours a learner logs on a skill (``roadmap log SKILL 90m``).

A skill's remaining hours are its estimate minus the hours logged on it;
the study plan uses remaining hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from roadmap.errors import RoadmapError
from roadmap.models import StudySession

MAX_SESSION_HOURS = 24


def log_time(session: Session, skill_id: str, hours: float, *, now: datetime) -> StudySession:
    """Record ``hours`` (> 0) of study on ``skill_id`` at ``now`` (UTC). Returns the row.

    Sessions may be logged in any time order (see :mod:`roadmap.timeline`).
    """
    row = StudySession(skill_id=skill_id, at=now, hours=hours)
    session.add(row)
    return row


def last_session(session: Session, skill_id: str | None = None) -> StudySession | None:
    """The study session logged last (latest instant, then latest entry), on ``skill_id`` if given; None if none."""
    query = select(StudySession)
    if skill_id is not None:
        query = query.where(StudySession.skill_id == skill_id)
    return session.exec(query.order_by(StudySession.at.desc(), StudySession.id.desc())).first()


def logged_hours(session: Session) -> dict[str, float]:
    """Total hours logged per skill id (one aggregate query)."""
    rows = session.exec(select(StudySession.skill_id, func.sum(StudySession.hours))
                        .group_by(StudySession.skill_id)).all()
    return {sid: float(h) for sid, h in rows}


@dataclass(frozen=True)
class Logged:
    """The result of :func:`log_study`: hours now logged in all, hours left, and whether the skill was started."""

    total_hours: float
    hours_left: float
    started: bool


def log_study(session: Session, curriculum, skill_id: str, hours: float, *, now: datetime, settings) -> Logged:
    """Log ``hours`` of study on a skill; a skill not started yet is marked in progress
    when its prerequisites are learned or skipped (otherwise its status is left alone).

    Raises RoadmapError if ``hours`` is not above 0 and at most :data:`MAX_SESSION_HOURS`, and
    ClockWentBackError (nothing is logged) if ``now`` is before the newest status change or review
    of the skill (see :mod:`roadmap.timeline`). Sessions are not ordered among themselves: logged
    hours are a sum, so two sessions in either order give the same state.
    """
    from roadmap.models import Status
    from roadmap.planning import remaining_hours, status_of
    from roadmap.progress import ProgressError, load_statuses, set_status

    if not (0 < hours <= MAX_SESSION_HOURS):
        raise RoadmapError(f"{hours:g} h is not a study session; log between a minute and {MAX_SESSION_HOURS} h "
                           "(log each session separately)")
    from roadmap.timeline import check_order

    check_order(session, [skill_id], now=now, action="study time")
    log_time(session, skill_id, hours, now=now)
    started = False
    if status_of(load_statuses(session, curriculum), skill_id) == Status.NOT_STARTED:
        try:
            with session.begin_nested():
                set_status(session, curriculum, [skill_id], Status.IN_PROGRESS, now=now, settings=settings)
            started = True
        except ProgressError:
            pass
    total = logged_hours(session).get(skill_id, 0.0)
    return Logged(total, remaining_hours(curriculum, skill_id, {skill_id: total}), started)


def hours_by_day(session: Session, calendar, since: datetime, until: datetime) -> dict:
    """Hours logged per study day and skill between ``since`` and ``until`` (UTC instants, until excluded).

    Returns ``{day: {skill_id: hours}}``; ``calendar`` (a :class:`roadmap.days.StudyCalendar`) maps each
    session's instant to its study day. Reads only the sessions in the range.
    """
    out: dict = {}
    rows = session.exec(select(StudySession.skill_id, StudySession.at, StudySession.hours)
                        .where(StudySession.at >= since, StudySession.at < until)).all()
    for sid, at, hours in rows:
        if at.tzinfo is None:  # SQLite hands back naive datetimes; they are stored in UTC
            from datetime import UTC

            at = at.replace(tzinfo=UTC)
        day = out.setdefault(calendar.study_day(at), {})
        day[sid] = day.get(sid, 0.0) + hours
    return out
