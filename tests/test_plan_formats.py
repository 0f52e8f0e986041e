"""The weekly plan as documents: iCalendar times across daylight-saving changes, Markdown escaping."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings as hsettings, strategies as st
from icalendar import Calendar

from roadmap import curriculum as cm
from roadmap.plan_formats import local_instant, plan_ics, plan_markdown
from roadmap.planning import Block, DayPlan, WeekPlan
from roadmap.settings import Settings

from conftest import NOW, SMALL

CUR = cm.load(SMALL)


def utc(*a) -> datetime:
    return datetime(*a, tzinfo=UTC)


def one_day(day: date, minutes: list[int], review_minutes: float = 0.0) -> WeekPlan:
    skills = ["calculus", "algebra", "probability"]
    blocks = [Block(skills[i % 3], m) for i, m in enumerate(minutes)]
    d = DayPlan(day, capacity_minutes=sum(minutes), reviews=2 if review_minutes else 0,
                review_minutes=review_minutes, blocks=blocks)
    return WeekPlan([d], budget_minutes=sum(minutes))


def events(ics: bytes) -> list[tuple[datetime, datetime]]:
    """(start, end) of each VEVENT as UTC instants, in file order."""
    out = []
    for ev in Calendar.from_ical(ics).walk("VEVENT"):
        start, end = ev.decoded("dtstart"), ev.decoded("dtend")
        out.append((start.astimezone(UTC), end.astimezone(UTC)))
    return out


@pytest.mark.parametrize("zone,day,at,review,minutes,first_start", [
    # Berlin springs forward 02:00 -> 03:00 on Sun 29 Mar 2026: 02:30 does not exist, it is 03:30 CEST
    ("Europe/Berlin", date(2026, 3, 29), time(2, 30), 0, [60], utc(2026, 3, 29, 1, 30)),
    # ... and a block starting before the gap runs through it with its full length
    ("Europe/Berlin", date(2026, 3, 29), time(1, 30), 30, [90, 45], utc(2026, 3, 29, 0, 30)),
    # Berlin falls back 03:00 -> 02:00 on Sun 25 Oct 2026: 02:30 happens twice; the first one is meant
    ("Europe/Berlin", date(2026, 10, 25), time(2, 30), 0, [60], utc(2026, 10, 25, 0, 30)),
    ("Europe/Berlin", date(2026, 10, 25), time(1, 45), 15, [60, 60], utc(2026, 10, 24, 23, 45)),
    # New York: forward on Sun 8 Mar 2026, back on Sun 1 Nov 2026 (02:00 local)
    ("America/New_York", date(2026, 3, 8), time(2, 30), 0, [45, 30], utc(2026, 3, 8, 7, 30)),
    ("America/New_York", date(2026, 11, 1), time(1, 30), 0, [60, 60], utc(2026, 11, 1, 5, 30)),
    # an ordinary day, for contrast
    ("Europe/Berlin", date(2026, 6, 1), time(19, 0), 10, [60], utc(2026, 6, 1, 17, 0)),
])
def test_ics_events_keep_their_length_across_daylight_saving(zone, day, at, review, minutes, first_start):
    s = Settings(timezone=zone, study_time=at)
    got = events(plan_ics(one_day(day, minutes, review), CUR, s, now=NOW))
    lengths = ([review] if review else []) + minutes
    assert [(end - start) for start, end in got] == [timedelta(minutes=m) for m in lengths]
    assert got[0][0] == first_start
    assert all(a[1] == b[0] for a, b in zip(got, got[1:]))   # back to back: no gap, no overlap


def test_ics_writes_times_a_calendar_reads_back_the_same():
    """Inside a gap the start is written as the existing local time after it; an end in the repeated
    autumn hour that means its second occurrence is written in UTC (a calendar reads the first)."""
    spring = plan_ics(one_day(date(2026, 3, 29), [60]), CUR, Settings(timezone="Europe/Berlin",
                                                                   study_time=time(2, 30)), now=NOW)
    assert b"DTSTART;TZID=Europe/Berlin:20260329T033000" in spring
    assert b"DTEND;TZID=Europe/Berlin:20260329T043000" in spring
    autumn = plan_ics(one_day(date(2026, 10, 25), [60]), CUR, Settings(timezone="Europe/Berlin",
                                                                    study_time=time(2, 30)), now=NOW)
    assert b"DTSTART;TZID=Europe/Berlin:20261025T023000" in autumn   # first 02:30 (CEST)
    assert b"DTEND:20261025T013000Z" in autumn                       # second 02:30 (CET)


def test_ics_without_a_time_zone_is_in_utc():
    got = plan_ics(one_day(date(2026, 3, 29), [60]), CUR, Settings(timezone="", study_time=time(2, 30)), now=NOW)
    assert b"DTSTART:20260329T023000Z" in got and b"DTEND:20260329T033000Z" in got


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham", "America/Santiago",
         "Asia/Kolkata"]


def change_days(zone: str) -> list[date]:
    """The days of 2025-2027 on which ``zone``'s UTC offset changes, and the days before them."""
    tz, out = ZoneInfo(zone), []
    d = date(2025, 1, 1)
    while d < date(2028, 1, 1):
        nxt = d + timedelta(days=1)
        if datetime.combine(d, time(0), tz).utcoffset() != datetime.combine(nxt, time(0), tz).utcoffset():
            out += [d - timedelta(days=1), d]
        d = nxt
    return out


CHANGES = {z: change_days(z) for z in ZONES}


@st.composite
def zone_day_time(draw):
    """A zone, a day and a study time: mostly a day around a daylight-saving change and a time in
    the night, when the clocks change."""
    zone = draw(st.sampled_from(ZONES))
    if CHANGES[zone] and draw(st.integers(0, 9)):   # nine in ten around a change
        day = draw(st.sampled_from(CHANGES[zone]))
    else:
        day = draw(st.dates(date(2024, 1, 1), date(2030, 12, 31)))
    at = draw(st.one_of(st.times(time(0), time(3, 59)), st.times()))
    return zone, day, at.replace(second=0, microsecond=0)


@pytest.mark.slow
@hsettings(max_examples=40, deadline=None)
@given(zone_day_time(), st.lists(st.integers(1, 240), min_size=1, max_size=4), st.sampled_from([0, 12.5]))
def test_ics_events_are_as_long_as_their_blocks_in_any_zone(case, minutes, review):
    zone, day, at = case
    s = Settings(timezone=zone, study_time=at)
    got = events(plan_ics(one_day(day, minutes, review), CUR, s, now=NOW))
    lengths = ([review] if review else []) + minutes
    assert [(end - start) for start, end in got] == [timedelta(minutes=m) for m in lengths]
    assert all(a[1] == b[0] for a, b in zip(got, got[1:]))
    tz = ZoneInfo(zone)
    wall = datetime.combine(day, at, tzinfo=tz)
    # the first event starts at study_time, or (inside a gap) at most the gap's length after it
    shown = got[0][0].astimezone(tz).replace(tzinfo=None)
    assert timedelta(0) <= shown - wall.replace(tzinfo=None) <= timedelta(hours=1)
    assert got[0][0] == local_instant(day, at, tz)


def renamed(cur: cm.Curriculum, skill_id: str, name: str) -> cm.Curriculum:
    """A copy of ``cur`` with one skill renamed (names the validator would refuse included)."""
    return replace(cur, skills={**cur.skills, skill_id: replace(cur.skills[skill_id], name=name)})


def test_markdown_escapes_what_breaks_a_line_or_a_table():
    cur = renamed(CUR, "calculus", "Calc | limits\r\nand *series* <T>")
    md = plan_markdown(one_day(date(2026, 6, 1), [60]), cur)
    line = next(ln for ln in md.splitlines() if "`calculus`" in ln)
    assert line == r"- [ ] 1h: Calc \| limits and \*series\* \<T\> (`calculus`)"
    assert "\nand" not in md
