"""Words and symbols both faces show."""

from __future__ import annotations

import re
from datetime import date

from roadmap import wording
from roadmap.status import SkillState, Status


def test_dates_have_four_digit_years():
    d = date(2028, 10, 2)
    assert wording.date_text(d) == "2 Oct 2028"
    assert wording.day_text(d) == "Mon 2 Oct 2028"
    assert wording.long_day_text(d) == "Monday 2 October 2028"
    assert wording.range_text(date(2028, 12, 28), date(2029, 1, 3)) == "28 Dec 2028 – 3 Jan 2029"
    assert wording.range_text(date(2028, 9, 28), date(2028, 10, 4)) == "28 Sep – 4 Oct 2028"
    for text in (wording.date_text(d), wording.day_text(d)):
        assert re.search(r"\b2028\b", text) and "02 Oct 28" not in text


def test_durations_have_one_style():
    assert wording.duration_hours(1 + 40 / 60) == "1h40m"
    assert wording.duration_hours(30) == "30h"
    assert wording.duration_minutes(45) == "45m"
    assert wording.duration_minutes(61) == "1h01m"


def test_locked_and_ready_have_distinct_glyphs():
    glyphs = wording.STATE_GLYPHS
    assert len(set(glyphs.values())) == len(SkillState)
    assert glyphs[SkillState.LOCKED] != glyphs[SkillState.READY]
    assert wording.status_label(Status.IN_PROGRESS) == "◐ in progress"


def test_ratings_and_intervals():
    assert wording.RATING_NAMES == {1: "again", 2: "hard", 3: "good", 4: "easy"}
    assert wording.RATING_LABELS[3] == "Good"
    assert [wording.interval(d) for d in (0, 1, 45, 400)] == ["today", "1d", "1mo", "1.1y"]


def test_plan_prints_durations_not_decimal_hours(run):
    assert run("log", "algebra", "20m").exit_code == 0
    out = run("plan").output
    assert "3h40m" in out and "3.7" not in out


def test_a_memory_below_the_desired_retention_never_reads_as_equal_to_it():
    from roadmap.wording import memory_percent

    assert [memory_percent(r) for r in (0.897, 0.9, 0.8999999, 1.0, 0.0, 0.655)] == \
        ["89%", "90%", "89%", "100%", "0%", "65%"]
