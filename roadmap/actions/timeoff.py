"""Time off: ranges of days with no study (holidays); reviews due then wait until after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roadmap.workspace import Workspace


@dataclass(frozen=True)
class TimeOffRange:
    """Days ``first`` to ``last`` (both included) off, with its id and a note."""

    id: int
    first: date
    last: date
    note: str

    @property
    def days(self) -> int:
        """Number of days, both ends included."""
        return (self.last - self.first).days + 1


def _range(row) -> TimeOffRange:
    return TimeOffRange(row.id, row.first_day, row.last_day, row.note)


def add(ws: Workspace, first: date, last: date, note: str = "") -> TimeOffRange:
    """Add time off from ``first`` to ``last``. Raises TimeOffError (end before start, too long, duplicate)."""
    from roadmap.timeoff import add_time_off

    with ws.write() as s:
        return _range(add_time_off(s, first, last, note))


def list_all(ws: Workspace) -> list[TimeOffRange]:
    """Every time-off range, earliest first."""
    from roadmap.timeoff import list_time_off

    with ws.read() as s:
        return [_range(r) for r in list_time_off(s)]


def remove(ws: Workspace, time_off_id: int) -> TimeOffRange:
    """Remove a range by id. Raises TimeOffError for an unknown id."""
    from roadmap.timeoff import remove_time_off

    with ws.write() as s:
        return _range(remove_time_off(s, time_off_id))
