"""Why a skill is where it is (roadmap.actions.why): position, goal, missing prerequisites, start week."""

from __future__ import annotations

from datetime import date

import pytest

from roadmap.actions import plan, why
from roadmap.progress import ProgressError, set_status
from roadmap.settings import Settings
from roadmap.status import Status

from conftest import NOW


def test_why_gives_the_plan_position_missing_prerequisites_and_the_week_it_starts(ws):
    view = why.why(ws, "backprop", now=NOW)
    order = [i.skill_id for i in plan.study_plan(ws).items]
    assert view.reason.position == order.index("backprop") + 1  # 1-based, the same plan as `roadmap plan`
    assert set(view.reason.missing) == {"algebra", "calculus", "regression"}
    assert view.reason.goal is not None and "backprop" in view.reason.goal.skills
    assert view.today == date(2026, 11, 29)
    # 10 h a week over 7 days; 9 h of prerequisites come first, so it starts within the first week
    assert view.today < view.start and view.week == (view.start - view.today).days // 7 + 1 == 1
    assert why.why(ws, "regression", now=NOW).reason.unlocks == ["backprop"]


def test_a_learned_skill_has_no_position_and_no_start(ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW, settings=Settings(timezone="UTC"))
    view = why.why(ws, "algebra", now=NOW)
    assert view.reason.position is None and view.reason.status == Status.LEARNED
    assert view.start is None and view.week is None


def test_an_unknown_skill_is_refused_with_the_closest_ids(ws):
    with pytest.raises(ProgressError, match="backprop"):
        why.why(ws, "backprp", now=NOW)
