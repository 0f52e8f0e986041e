"""The study plan and the frontier (roadmap.actions.plan): prerequisites first, progress counted."""

from __future__ import annotations

from datetime import timedelta

from roadmap import studylog
from roadmap.actions import plan
from roadmap.progress import set_status
from roadmap.settings import Settings
from roadmap.status import Status

from conftest import NOW

S0 = Settings(timezone="UTC")


def test_the_plan_puts_every_prerequisite_before_the_skills_that_need_it(ws):
    view = plan.study_plan(ws)
    order = [i.skill_id for i in view.items]
    assert sorted(order) == sorted(ws.curriculum.skills)  # nothing learned yet: every skill, once
    for sid in order:
        for req in ws.curriculum.skills[sid].requires:
            assert order.index(req) < order.index(sid), (req, sid)
    assert view.total_hours == sum(sk.hours for sk in ws.curriculum.skills.values()) == 19


def test_learned_and_skipped_skills_leave_the_plan_and_logged_hours_shrink_a_skill(ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW - timedelta(days=1), settings=S0)
        set_status(s, ws.curriculum, ["probability"], Status.SKIPPED, now=NOW - timedelta(days=1), settings=S0)
        set_status(s, ws.curriculum, ["calculus"], Status.IN_PROGRESS, now=NOW - timedelta(days=1), settings=S0)
        studylog.log_time(s, "calculus", 1.0, now=NOW - timedelta(hours=2))
    view = plan.study_plan(ws)
    hours = {i.skill_id: i.hours for i in view.items}
    assert "algebra" not in hours and "probability" not in hours
    assert hours["calculus"] == 2  # 3 h, 1 h logged
    assert view.statuses["algebra"] == Status.LEARNED and view.total_hours == 19 - 4 - 2 - 1


def test_next_skills_are_the_frontier_and_count_limits_them(ws):
    assert {i.skill_id for i in plan.next_skills(ws).items} == {"algebra", "calculus", "probability"}
    assert len(plan.next_skills(ws, 2).items) == 2
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra", "calculus"], Status.LEARNED, now=NOW, settings=S0)
    frontier = [i.skill_id for i in plan.next_skills(ws).items]
    assert "regression" in frontier and "backprop" not in frontier  # its prerequisite is still ahead
