"""roadmap.durations: what a user types for a study session, read as hours."""

import pytest

from roadmap.durations import DurationError, format_minutes, parse_duration


@pytest.mark.parametrize("text, hours", [("90m", 1.5), ("1.5h", 1.5), ("2h30m", 2.5), ("45min", 0.75),
                                         ("1:30", 1.5), (" 2 h 15 m ", 2.25), ("2hrs", 2.0), ("1hour30minutes", 1.5), ("0:05", 5 / 60)])
def test_accepted_forms(text, hours):
    assert parse_duration(text) == pytest.approx(hours)


@pytest.mark.parametrize("text", ["90", "", "h", "1:75", "-1h", "0m", "0:00", "abc", "1e9h"])
def test_refused_forms_name_the_text(text):
    with pytest.raises(DurationError) as e:
        parse_duration(text)
    assert repr(text) in str(e.value)


@pytest.mark.parametrize("text", ["-5m", "-1.5h", "-1:30", " -2h"])
def test_negative_durations_are_refused_as_negative(text):
    with pytest.raises(DurationError, match="not a positive duration"):
        parse_duration(text)


def test_minutes_are_shown_in_one_style():
    assert [format_minutes(m) for m in (45, 60, 86)] == ["45m", "1h", "1h26m"]
