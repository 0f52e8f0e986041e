"""roadmap.studylog: logged study sessions and what logging does to a skill's status."""

from datetime import timedelta

import pytest

from conftest import NOW
from roadmap.errors import RoadmapError
from roadmap.progress import load_statuses
from roadmap.settings import Settings
from roadmap.status import Status
from roadmap.studylog import log_study, logged_hours


def test_logging_sums_and_starts_a_ready_skill(ws):
    with ws.write() as s:
        first = log_study(s, ws.curriculum, "algebra", 1.5, now=NOW, settings=Settings())
        second = log_study(s, ws.curriculum, "algebra", 1.0, now=NOW + timedelta(hours=2), settings=Settings())
    assert first.started and not second.started
    assert second.total_hours == pytest.approx(2.5)
    with ws.read() as s:
        assert logged_hours(s) == {"algebra": pytest.approx(2.5)}
        assert load_statuses(s, ws.curriculum)["algebra"] == Status.IN_PROGRESS


def test_a_locked_skill_is_logged_but_not_started(ws):
    locked = next(sid for sid, sk in ws.curriculum.skills.items() if sk.requires)
    with ws.write() as s:
        out = log_study(s, ws.curriculum, locked, 1.0, now=NOW, settings=Settings())
    assert not out.started
    with ws.read() as s:
        assert load_statuses(s, ws.curriculum).get(locked, Status.NOT_STARTED) == Status.NOT_STARTED


@pytest.mark.parametrize("hours", [0, -1, 1000])
def test_impossible_sessions_are_refused(ws, hours):
    with pytest.raises(RoadmapError, match="not a study session"):
        with ws.write() as s:
            log_study(s, ws.curriculum, "algebra", hours, now=NOW, settings=Settings())
    with ws.read() as s:
        assert logged_hours(s) == {}
