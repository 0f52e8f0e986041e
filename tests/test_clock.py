"""roadmap.clock: instants are UTC; ROADMAP_NOW freezes the clock; naive or malformed times are refused."""

from datetime import UTC, datetime

import pytest

from roadmap.clock import ClockError, now, parse_instant


def test_offsets_become_utc():
    assert parse_instant("2026-03-01T09:00:00+01:00") == datetime(2026, 3, 1, 8, tzinfo=UTC)
    assert parse_instant("2026-03-01T08:00:00Z").tzinfo is UTC


@pytest.mark.parametrize("text, words", [("2026-03-01T09:00:00", "no UTC offset"), ("yesterday", "not an ISO 8601"),
                                         ("1200-01-01T00:00:00Z", "outside the years")])
def test_bad_instants_are_refused(text, words):
    with pytest.raises(ClockError, match=words):
        parse_instant(text)


def test_now_is_frozen_by_the_environment(monkeypatch):
    monkeypatch.setenv("ROADMAP_NOW", "2027-01-02T03:04:05+02:00")
    assert now() == datetime(2027, 1, 2, 1, 4, 5, tzinfo=UTC)
    monkeypatch.setenv("ROADMAP_NOW", "soon")
    with pytest.raises(ClockError, match="ROADMAP_NOW"):
        now()
    monkeypatch.delenv("ROADMAP_NOW")
    assert now().tzinfo is UTC and abs((now() - datetime.now(UTC)).total_seconds()) < 60
