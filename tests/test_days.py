"""Study days: one mapping from UTC instants to local days, across zones, DST and rollover hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, strategies as st

from roadmap.days import TimeZoneError, day_end, day_start, study_day, zone

TOKYO, LA, BERLIN, NY = (ZoneInfo(z) for z in ("Asia/Tokyo", "America/Los_Angeles", "Europe/Berlin",
                                               "America/New_York"))


def utc(*a):
    return datetime(*a, tzinfo=UTC)


def test_east_and_west_of_utc():
    t = utc(2026, 6, 1, 20, 0)            # 05:00 next day in Tokyo, 13:00 in LA
    assert study_day(t, TOKYO, 4) == date(2026, 6, 2)
    assert study_day(t, LA, 4) == date(2026, 6, 1)
    assert study_day(utc(2026, 6, 1, 18, 30), TOKYO, 4) == date(2026, 6, 1)   # 03:30 Tokyo: still the 1st


@pytest.mark.parametrize("rollover,local_hour,expected_day", [
    (4, 3, date(2026, 3, 9)), (4, 4, date(2026, 3, 10)), (0, 0, date(2026, 3, 10)), (0, 23, date(2026, 3, 10)),
])
def test_rollover_hours(rollover, local_hour, expected_day):
    local = datetime(2026, 3, 10, local_hour, 30, tzinfo=BERLIN)
    assert study_day(local.astimezone(UTC), BERLIN, rollover) == expected_day


def test_spring_forward_day_is_23_hours():
    # Berlin: 2026-03-29 02:00 -> 03:00, inside the study day that starts on the 28th at 04:00
    d = date(2026, 3, 28)
    assert day_end(d, BERLIN, 4) - day_start(d, BERLIN, 4) == timedelta(hours=23)
    assert study_day(day_start(d, BERLIN, 4), BERLIN, 4) == d
    assert study_day(day_start(d, BERLIN, 4) - timedelta(seconds=1), BERLIN, 4) == d - timedelta(days=1)


def test_fall_back_day_is_25_hours():
    d = date(2026, 10, 24)  # 2026-10-25 03:00 -> 02:00 falls in the study day of the 24th
    assert day_end(d, BERLIN, 4) - day_start(d, BERLIN, 4) == timedelta(hours=25)


def test_rollover_inside_dst_gap_new_york():
    # New York springs forward at 02:00 on 2026-03-08; a rollover of 2 has no wall time that day.
    d = date(2026, 3, 8)
    start = day_start(d, NY, 2)
    assert start == utc(2026, 3, 8, 7, 0)        # 03:00 EDT, the end of the gap
    assert study_day(start, NY, 2) == d
    assert study_day(start - timedelta(seconds=1), NY, 2) == d - timedelta(days=1)


def test_learner_changes_time_zone():
    t = utc(2026, 5, 1, 1, 0)
    assert study_day(t, BERLIN, 4) == date(2026, 4, 30)   # 03:00 Berlin
    assert study_day(t, TOKYO, 4) == date(2026, 5, 1)     # 10:00 Tokyo


def test_unknown_zone():
    with pytest.raises(TimeZoneError, match="IANA"):
        zone("Mars/Olympus")
    assert zone("UTC") is not None and zone("") is not None


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),
       st.integers(0, 5000), st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kolkata",
                                              "Australia/Lord_Howe", "Pacific/Chatham", "UTC"]),
       st.integers(0, 23))
def test_study_days_are_monotonic_and_bounded(naive, minutes, tzname, rollover):
    tz = ZoneInfo(tzname)
    a = naive.replace(tzinfo=UTC)
    b = a + timedelta(minutes=minutes)
    da, db = study_day(a, tz, rollover), study_day(b, tz, rollover)
    assert da <= db
    assert day_start(da, tz, rollover) <= a + timedelta(hours=1)  # within a DST gap's slack
    assert a < day_end(da, tz, rollover) + timedelta(hours=1)
