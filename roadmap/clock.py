"""The current instant, injectable: ``ROADMAP_NOW`` fixes it for tests and simulations.

Core functions never read the clock themselves; they take ``now`` as an
argument. Only the CLI and the TUI call :func:`now`, once per command or
refresh, and pass the value down.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from roadmap.errors import RoadmapError

ENV_NOW = "ROADMAP_NOW"
MIN_YEAR, MAX_YEAR = 1970, 2999  # plans reach years ahead; date arithmetic must never overflow


class ClockError(RoadmapError):
    """``ROADMAP_NOW`` is not an ISO 8601 instant with a UTC offset."""


def parse_instant(text: str, *, what: str = "instant") -> datetime:
    """Parse an ISO 8601 date-time with offset (``2026-03-01T09:00:00+01:00`` or ``...Z``) to UTC.

    Raises
    ------
    ClockError
        If ``text`` is malformed or has no offset (a naive time is ambiguous).
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ClockError(f"{what} {text!r} is not an ISO 8601 date-time; "
                         "use e.g. 2026-03-01T09:00:00+01:00 or 2026-03-01T08:00:00Z") from None
    if value.tzinfo is None or value.utcoffset() is None:
        example = text.strip() if "T" in text or " " in text.strip() else f"{text.strip()}T09:00:00"
        raise ClockError(f"{what} {text!r} has no UTC offset; add one, e.g. {example}+00:00 or {example}Z")
    if not (MIN_YEAR <= value.year <= MAX_YEAR):
        raise ClockError(f"{what} {text!r} is outside the years {MIN_YEAR}-{MAX_YEAR} roadmap plans in")
    return value.astimezone(UTC)


def now() -> datetime:
    """The current instant in UTC (tz is ``datetime.UTC``); ``$ROADMAP_NOW`` if set.

    Raises ClockError if ``ROADMAP_NOW`` is set but malformed.
    """
    fixed = os.environ.get(ENV_NOW)
    if fixed:
        return parse_instant(fixed, what=ENV_NOW)
    return datetime.now(UTC)


def at_write(now: datetime) -> datetime:
    """The instant a write is dated, read once the write lock is held.

    A command reads the clock when it starts and may then wait for another
    process's write; dated at its start, it would look older than the write it
    waited for and be refused as a clock going back. So when ``now`` came from
    the live clock (``ROADMAP_NOW`` unset and ``now`` within five minutes of the
    system clock), the later of the two is used; a fixed or injected instant is
    returned unchanged. Returns an aware UTC datetime.
    """
    if os.environ.get(ENV_NOW):
        return now
    live = datetime.now(UTC)
    if abs(live - now) <= timedelta(minutes=5):
        return max(now, live)
    return now
