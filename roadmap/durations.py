"""Durations typed by people: ``90m``, ``1.5h``, ``2h30m``, ``45min``, ``1:15``."""

from __future__ import annotations

import re

from roadmap.errors import RoadmapError

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(hours?|hrs|hr|h|minutes?|mins|min|m)", re.I)  # longest unit first


class DurationError(RoadmapError):
    """Text that is not a positive duration."""


def parse_duration(text: str) -> float:
    """Parse a duration into hours.

    Accepts ``90m``, ``1.5h``, ``2h30m``, ``45min`` and ``H:MM``. A bare number
    is refused (minutes or hours would be a guess).

    Returns
    -------
    float
        Hours, > 0.

    Raises
    ------
    DurationError
        If the text is not one of the accepted forms or is zero.
    """
    t = text.strip().lower().replace(" ", "")
    if re.match(r"-[\d.]", t):
        raise DurationError(f"{text!r} is not a positive duration")
    hours = None
    m = re.fullmatch(r"(\d+):([0-5]\d)", t)
    if m:
        hours = int(m.group(1)) + int(m.group(2)) / 60
    elif t and _PART.sub("", t) == "":
        hours = 0.0
        for number, unit in _PART.findall(t):
            hours += float(number) / (1 if unit.startswith("h") else 60)
    if hours is None or not (hours < 1e6):
        raise DurationError(f"{text!r} is not a duration; use e.g. 90m, 1.5h, 2h30m or 1:30")
    if hours <= 0:
        raise DurationError(f"{text!r} is not a positive duration")
    return hours


def format_minutes(minutes: float) -> str:
    """Minutes as people read them: ``45m``, ``1h``, ``1h26m`` (:func:`roadmap.wording.duration_minutes`)."""
    from roadmap.wording import duration_minutes

    return duration_minutes(minutes)
