"""roadmap.settings (the pure value type): parsing, showing and reading stored values."""

from datetime import date

import pytest

from roadmap.settings import (SPECS, Settings, SettingsError, describe, from_stored, get_text, normalize,
                              parse_date, parse_study_days, show_study_days)


def test_study_days_round_trip():
    days = parse_study_days("mo, TU,TH,SA=3")
    assert days == {0: None, 1: None, 3: None, 5: 3.0}
    assert show_study_days(days) == "MO,TU,TH,SA=3"


@pytest.mark.parametrize("text, words", [("", "at least one day"), ("XX", "not a study day"),
                                         ("MO,MO", "listed twice"), ("SA=25", "at most 24")])
def test_bad_study_days(text, words):
    with pytest.raises(SettingsError, match=words):
        parse_study_days(text)


def test_every_setting_has_a_default_shown_as_it_is_typed():
    keys = [k for k, _, _ in describe()]
    assert keys == list(SPECS)
    for key, shown, help_ in describe():
        assert help_ and normalize(key, shown) is not None  # the default reads back


def test_normalize_refuses_out_of_range_values():
    with pytest.raises(SettingsError):
        normalize("desired_retention", "0.5")
    with pytest.raises(SettingsError, match="did you mean rollover_hour"):
        normalize("rolover_hour", "3")
    with pytest.raises(SettingsError, match="unknown milestone"):
        normalize("target.nope", "2027-01-01", milestone_ids={"first-job"})
    assert normalize("target.first-job", "none", milestone_ids={"first-job"}) is None


def test_from_stored_ignores_what_it_cannot_read():
    s = from_stored({"weekly_hours": "12", "rollover_hour": "99", "daily_review_cap": "not a number",
                     "target.first-job": "2027-06-30", "target.bad": "June", "unknown": "1"})
    assert s.weekly_hours == 12
    assert s.rollover_hour == Settings().rollover_hour and s.daily_review_cap == Settings().daily_review_cap
    assert s.targets == {"first-job": date(2027, 6, 30)}
    assert get_text(s, "target.first-job") == "2027-06-30" and get_text(s, "target.other") == "none"


def test_parse_date_names_what_it_reads():
    assert parse_date(" 2027-06-30 ") == date(2027, 6, 30)
    with pytest.raises(SettingsError, match="target 'June'"):
        parse_date("June", what="target")
