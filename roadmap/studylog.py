"""Study time: hours a learner logs on a skill (``roadmap log SKILL 90m``).

A skill's remaining hours are its estimate minus the hours logged on it;
the study plan uses remaining hours.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from roadmap.models import StudySession


def log_time(session: Session, skill_id: str, hours: float, *, now: datetime) -> StudySession:
    """Record ``hours`` (> 0) of study on ``skill_id`` at ``now`` (UTC). Returns the row."""
    row = StudySession(skill_id=skill_id, at=now, hours=hours)
    session.add(row)
    return row


def logged_hours(session: Session) -> dict[str, float]:
    """Total hours logged per skill id (one aggregate query)."""
    rows = session.exec(select(StudySession.skill_id, func.sum(StudySession.hours))
                        .group_by(StudySession.skill_id)).all()
    return {sid: float(h) for sid, h in rows}
