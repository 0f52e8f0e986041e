"""Settings actions (roadmap.actions.settings): list, get, set (all or nothing), unset, budget notes."""

from __future__ import annotations

from datetime import date

import pytest

from roadmap.actions import settings as sa
from roadmap.settings import Settings, SettingsError


def test_listing_shows_every_setting_then_every_milestone_target(ws):
    rows = sa.all_settings(ws)
    keys = [r.key for r in rows]
    assert keys[0] == "weekly_hours" and rows[0].value == rows[0].default == "10"
    assert keys[-2:] == ["target.basics", "target.all"] and rows[-1].value == "none"
    assert all(r.help for r in rows)


def test_set_get_and_unset_round_trip(ws):
    saved = sa.set(ws, "weekly_hours", "7.5")
    assert (saved.key, saved.value, saved.notes) == ("weekly_hours", "7.5", [])
    assert sa.get(ws, "weekly_hours") == "7.5" and sa.current(ws).weekly_hours == 7.5
    sa.set(ws, "target.basics", "2027-02-01")
    assert sa.current(ws).targets == {"basics": date(2027, 2, 1)}
    sa.unset(ws, "weekly_hours")
    assert sa.current(ws).weekly_hours == 10


def test_set_many_is_all_or_nothing(ws):
    with pytest.raises(SettingsError, match="unknown milestone .nope."):
        sa.set_many(ws, {"weekly_hours": "3", "target.nope": "2027-01-01"})
    assert sa.current(ws).weekly_hours == 10  # the valid value before the bad one was not kept
    with pytest.raises(SettingsError):
        sa.get(ws, "no_such_setting")


def test_notes_say_when_fixed_days_leave_weekly_hours_unused(ws):
    saved = sa.set_many(ws, {"study_days": "SA=3,SU=4"})[0]
    assert saved.notes and "weekly_hours" in saved.notes[0] and "7 h" in saved.notes[0]
    assert sa.budget_notes(Settings(study_days={5: 8, 6: None}, weekly_hours=6))[0].startswith("the fixed days")
    assert sa.budget_notes(Settings(study_days={5: 2, 6: None}, weekly_hours=6)) == []
