"""roadmap.settings_store: settings written to and read from the database."""

import pytest

from roadmap import settings_store
from roadmap.settings import Settings, SettingsError


def test_set_read_and_reset(ws):
    with ws.write() as s:
        assert settings_store.set_value(s, "weekly_hours", "12.50") == "12.5"
        settings_store.set_value(s, "timezone", "Europe/Berlin")
    with ws.read() as s:
        got = settings_store.load(s)
        assert (got.weekly_hours, got.timezone) == (12.5, "Europe/Berlin")
    with ws.write() as s:
        settings_store.reset_value(s, "weekly_hours")
    assert ws.settings().weekly_hours == Settings().weekly_hours


def test_a_refused_value_writes_nothing(ws):
    with pytest.raises(SettingsError):
        with ws.write() as s:
            settings_store.set_value(s, "daily_review_cap", "0")
    with ws.read() as s:
        assert settings_store.stored_values(s) == {}


def test_target_dates_are_removed_with_none(ws):
    ids = {m.id for m in ws.curriculum.milestones}
    mid = sorted(ids)[0]
    with ws.write() as s:
        settings_store.set_value(s, f"target.{mid}", "2027-06-30", milestone_ids=ids)
    assert str(ws.settings().targets[mid]) == "2027-06-30"
    with ws.write() as s:
        assert settings_store.set_value(s, f"target.{mid}", "none", milestone_ids=ids) == "none"
    assert ws.settings().targets == {}
