"""roadmap.actions.watch: the database's change stamp moves with every kind of write, on both engines."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from roadmap.actions import review, settings, skills, timeoff, watch
from roadmap.status import Status

from conftest import NOW


@pytest.mark.both_engines
def test_every_kind_of_write_moves_the_stamp_and_reading_does_not(ws):
    stamps = [watch.database_stamp(ws)]

    def moved() -> bool:
        stamps.append(watch.database_stamp(ws))
        return stamps[-1] != stamps[-2]

    review.due(ws, now=NOW)  # a read
    assert not moved()
    skills.set_status(ws, ["algebra"], Status.LEARNED, now=NOW)
    assert moved()
    later = NOW + timedelta(days=5)
    review.review(ws, "algebra", 3, now=later)
    assert moved()
    review.undo(ws, now=later)
    assert moved()
    skills.log_time(ws, "calculus", 0.5, now=later)
    assert moved()
    added = timeoff.add(ws, date(2027, 1, 1), date(2027, 1, 3), "trip")
    assert moved()
    timeoff.remove(ws, added.id)
    assert moved()
    settings.set(ws, "weekly_hours", "7")
    assert moved()
    review.set_note(ws, "algebra", "rank = dim of column space", now=later)
    assert moved()
    review.set_note(ws, "algebra", "rank = number of pivots", now=later + timedelta(minutes=1))
    assert moved()
    review.set_note(ws, "algebra", "rank = number of pivots.", now=later + timedelta(minutes=1))  # same instant
    assert moved()
    assert not moved()  # nothing written since


def test_an_sqlite_file_is_stamped_without_a_query(ws, tmp_path):
    assert ws.database_file is not None
    assert watch.database_stamp(ws) == watch.file_stamp(ws.database_file)
    assert watch.file_stamp(tmp_path / "missing.db") == (None, None)
