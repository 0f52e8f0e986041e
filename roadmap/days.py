"""Local study days: the one mapping from UTC instants to the learner's days.

A *study day* is a local calendar date whose day begins at the rollover hour
(default 04:00 local time), so a review at 01:30 after a late evening still
counts for the evening's day, as in Anki. Every queue, count, heatmap,
streak and weekly plan goes through :func:`study_day`. Days are stepped as
dates (never by adding 24 hours), so DST changes cannot skip or repeat a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from roadmap.errors import RoadmapError


class TimeZoneError(RoadmapError):
    """An unknown IANA time zone name."""


def zone(name: str | None) -> tzinfo:
    """The time zone for an IANA name (``Europe/Berlin``); the system's local zone for ''/None.

    Raises TimeZoneError for an unknown name.
    """
    if not name:
        return system_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError, OSError):
        from zoneinfo import available_timezones

        near = [z for z in available_timezones() if z.lower() == name.lower()]
        hint = f" (did you mean {near[0]}?)" if near else ""
        raise TimeZoneError(f"unknown time zone {name!r}{hint}; use an IANA name such as "
                            "Europe/Berlin, America/New_York or UTC") from None


def system_zone() -> tzinfo:
    """The computer's time zone: as a ZoneInfo when its IANA name can be found ($TZ or
    /etc/localtime), else dateutil's tzlocal (slower, but always right)."""
    import os

    candidates = []
    if os.environ.get("TZ"):
        candidates.append(os.environ["TZ"].lstrip(":"))
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    for name in candidates:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, IsADirectoryError, OSError):
            continue
    from dateutil import tz

    return tz.tzlocal()


def study_day(instant: datetime, tz: tzinfo, rollover_hour: int) -> date:
    """The local study day that contains ``instant``.

    Parameters
    ----------
    instant : datetime
        Timezone-aware (any zone; usually UTC).
    tz : tzinfo
        The learner's time zone.
    rollover_hour : int
        Local hour, 0-23, at which a new study day begins.

    Returns
    -------
    date
        The local date, minus one day if the local time is before the rollover hour.
    """
    local = instant.astimezone(tz)
    day = local.date()
    if local.hour < rollover_hour:
        day -= timedelta(days=1)
    return day


def day_start(day: date, tz: tzinfo, rollover_hour: int) -> datetime:
    """The UTC instant at which study day ``day`` begins (its rollover hour, local time).

    If the rollover wall time does not exist that day (a DST gap), it is read
    with the offset in force before the change (PEP 495, fold=0), which for a
    one-hour gap starting at the rollover hour is the end of the gap: the same
    instant at which :func:`study_day` starts returning ``day``.
    """
    return datetime.combine(day, time(rollover_hour), tzinfo=tz).astimezone(UTC)


def day_end(day: date, tz: tzinfo, rollover_hour: int) -> datetime:
    """The UTC instant at which study day ``day`` ends (the start of the next one)."""
    return day_start(day + timedelta(days=1), tz, rollover_hour)


@dataclass(frozen=True)
class StudyCalendar:
    """The learner's study calendar: a time zone and the local hour at which a study day begins.

    One value instead of ``zone(settings.timezone)`` and ``settings.rollover_hour``
    passed separately; build it with :meth:`of` (from settings) or directly.

    Attributes
    ----------
    tz : tzinfo
        The learner's time zone.
    rollover_hour : int
        Local hour, 0-23, at which a new study day begins.
    """

    tz: tzinfo
    rollover_hour: int = 4

    @classmethod
    def of(cls, settings) -> StudyCalendar:
        """The calendar of a :class:`roadmap.settings.Settings` (raises TimeZoneError for an unknown zone)."""
        return cls(zone(settings.timezone), settings.rollover_hour)

    def study_day(self, instant: datetime) -> date:
        """The study day containing ``instant`` (timezone-aware); see :func:`study_day`."""
        return study_day(instant, self.tz, self.rollover_hour)

    def day_start(self, day: date) -> datetime:
        """The UTC instant at which study day ``day`` begins; see :func:`day_start`."""
        return day_start(day, self.tz, self.rollover_hour)

    def day_end(self, day: date) -> datetime:
        """The UTC instant at which study day ``day`` ends; see :func:`day_end`."""
        return day_end(day, self.tz, self.rollover_hour)

    def local(self, instant: datetime) -> datetime:
        """``instant`` as local wall-clock time in the learner's zone."""
        return instant.astimezone(self.tz)
