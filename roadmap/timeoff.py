"""Time off: ranges of local dates with no study (holidays, conferences).

The weekly plan puts nothing on those days; reviews that fall due inside
are not lost: they wait in the queue and come after, most at risk first,
within the daily review cap.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from roadmap.errors import RoadmapError
from roadmap.models import TimeOff


class TimeOffError(RoadmapError):
    """A bad time-off range (end before start, too long) or an unknown id."""


def add_time_off(session: Session, first: date, last: date, note: str = "") -> TimeOff:
    """Add an inclusive range of days off. Raises TimeOffError if ``last < first`` or it is over 366 days."""
    if last < first:
        raise TimeOffError(f"time off ends ({last}) before it starts ({first}); give FROM then TO")
    if (last - first).days > 366:
        raise TimeOffError(f"time off from {first} to {last} is longer than a year; add it in parts if you mean it")
    for t in list_time_off(session):
        if (t.first_day, t.last_day) == (first, last):
            raise TimeOffError(f"time off from {first} to {last} is already there (#{t.id})")
    row = TimeOff(first_day=first, last_day=last, note=note)
    session.add(row)
    session.flush()
    return row


def list_time_off(session: Session) -> list[TimeOff]:
    """Every time-off range, earliest first."""
    return list(session.exec(select(TimeOff).order_by(TimeOff.first_day, TimeOff.id)).all())


def remove_time_off(session: Session, time_off_id: int) -> TimeOff:
    """Remove a range by its id (as listed). Raises TimeOffError if there is none."""
    row = session.get(TimeOff, time_off_id)
    if row is None:
        ids = ", ".join(str(t.id) for t in list_time_off(session)) or "none"
        raise TimeOffError(f"no time off with id {time_off_id}; ids: {ids} (see `roadmap off list`)")
    session.delete(row)
    return row
