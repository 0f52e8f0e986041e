"""Study plan, frontier, milestones and the weekly plan: hand-checked and property-based."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings as hsettings, strategies as st

from roadmap import curriculum as cm
from roadmap.models import Status
from roadmap.planning import (day_capacities, frontier, milestone_progress, missing_prerequisites, play_plan,
                              study_plan)
from roadmap.settings import Settings, parse_study_days

from conftest import SMALL

L, S, P = Status.LEARNED, Status.SKIPPED, Status.IN_PROGRESS


def ids(items):
    return [i.skill_id for i in items]


def test_plan_by_hand():
    cur = cm.load(SMALL)
    # No stages: milestones in file order. "basics" leads to regression: algebra (chain 4 + 2 h)
    # before calculus (3 + 2 h); then "all": backprop, then bayes with its prerequisite.
    order = ["algebra", "calculus", "regression", "backprop", "probability", "bayes"]
    assert ids(study_plan(cur, {})) == order
    assert ids(study_plan(cur, {}, settings=Settings(parallel_skills=1))) == order
    # In-progress skills come first when ready.
    assert ids(study_plan(cur, {"probability": P}))[0] == "probability"
    assert ids(frontier(cur, {"algebra": L})) == ["calculus", "probability"]  # plan order
    assert ids(frontier(cur, {"algebra": L, "calculus": S})) == ["regression", "probability"]


def test_logged_hours_reduce_remaining():
    cur = cm.load(SMALL)
    plan = {i.skill_id: i.hours for i in study_plan(cur, {}, {"algebra": 1.5, "bayes": 99})}
    assert plan["algebra"] == 2.5 and plan["bayes"] == 0


def test_milestone_progress_counts_prerequisites():
    cur = cm.load(SMALL)
    (basics, everything) = milestone_progress(cur, {"algebra": L, "calculus": S})
    assert (basics.done, basics.required, basics.hours_remaining) == (2, 3, 2.0)
    assert (everything.done, everything.required) == (2, 6)
    assert missing_prerequisites(cur, {"algebra": L}, "backprop") == ["calculus", "regression"]


@st.composite
def dags(draw):
    n = draw(st.integers(1, 25))
    edges = set()
    for j in range(n):
        for i in draw(st.lists(st.integers(0, max(0, j - 1)), max_size=3)) if j else []:
            edges.add((i, j))
    hours = draw(st.lists(st.integers(1, 20), min_size=n, max_size=n))
    status = draw(st.lists(st.sampled_from([None, L, S, P]), min_size=n, max_size=n))
    lines = ['format = 1\n[[category]]\nid = "c"\nname = "C"\n']
    for j in range(n):
        req = ", ".join(f'"s{i}"' for i, k in sorted(edges) if k == j)
        lines.append(f'[[skill]]\nid = "s{j}"\nname = "S{j}"\ncategory = "c"\nhours = {hours[j]}\n'
                     f'requires = [{req}]\ndescription = "d"\nchecks = ["a", "b"]\n'
                     f'resources = [{{ title = "t", url = "https://x.org" }}]\n')
    k = draw(st.integers(0, n - 1))
    lines.append(f'[[milestone]]\nid = "m"\nname = "M"\nrequires = ["s{k}"]\n')
    cur = cm.parse("".join(lines))
    return cur, {f"s{j}": s for j, s in enumerate(status) if s is not None}


@given(dags())
@hsettings(max_examples=60, deadline=None)
def test_plan_puts_prerequisites_first_and_is_deterministic(case):
    cur, statuses = case
    plan = ids(study_plan(cur, statuses))
    todo = [s for s in cur.skills if statuses.get(s) not in (L, S)]
    assert sorted(plan) == sorted(todo)
    pos = {s: i for i, s in enumerate(plan)}
    for a, b in cur.graph.edges:
        if a in pos and b in pos:
            assert pos[a] < pos[b]
    assert plan == ids(study_plan(cur, dict(statuses)))
    ready = ids(frontier(cur, statuses))
    for s in ready:
        assert all(statuses.get(p) in (L, S) for p in cur.graph.predecessors(s))


@given(dags(), st.floats(0.5, 40), st.sampled_from(["MO,TU,WE,TH,FR,SA,SU", "MO,TH,SA=3", "SU=2"]))
@hsettings(max_examples=60, deadline=None)
def test_weekly_plan_properties(case, weekly, days):
    cur, statuses = case
    s = Settings(weekly_hours=weekly, study_days=parse_study_days(days))
    wp = play_plan(cur, statuses, s, date(2026, 11, 30))
    for d in wp.days:
        assert d.planned_minutes <= d.capacity_minutes or (d.reviews and not d.blocks)  # no day over its hours
    # total planned = min(budget, remaining work), up to whole minutes and short-block rules
    remaining = sum(i.hours for i in study_plan(cur, statuses))
    assert wp.planned_hours <= min(wp.budget_hours, remaining) + 0.05
    assert wp.planned_hours >= min(wp.budget_hours, remaining) - 0.05
    # prerequisites finished before dependents start
    finished_on, started_on = {}, {}
    for i, d in enumerate(wp.days):
        for b in d.blocks:
            started_on.setdefault(b.skill_id, i)
    order = [b.skill_id for d in wp.days for b in d.blocks]
    for a, b in cur.graph.edges:
        if a in started_on and b in started_on:
            assert max(i for i, x in enumerate(order) if x == a) < order.index(b)
        if b in started_on and statuses.get(a) not in (L, S):
            assert a in wp.finished and a in started_on or cur.skills[a].hours == 0
    del finished_on


def test_weekly_plan_by_hand():
    cur = cm.load(SMALL)
    s = Settings(weekly_hours=6, study_days=parse_study_days("MO,WE,SA=3"), parallel_skills=1)
    wp = play_plan(cur, {}, s, date(2026, 11, 30), reviews={date(2026, 12, 2): 6})
    hours = [d.hours for d in wp.days]
    assert hours == [1.5, 0, 1.5, 0, 0, 3, 0]          # Mon, Wed share 3 h; Sat fixed at 3 h
    mon, _, wed, _, _, sat, _ = wp.days
    assert [(b.skill_id, b.hours) for b in mon.blocks] == [("algebra", 1.5)]
    assert wed.reviews == 6 and wed.review_minutes == 30
    assert [(b.skill_id, b.hours) for b in wed.blocks] == [("algebra", 1.0)]
    assert [(b.skill_id, b.hours) for b in sat.blocks] == [("algebra", 1.5), ("calculus", 1.5)]
    assert wp.finished == ["algebra"] and wp.planned_hours == 6.0


def test_two_skills_share_each_day():
    """Algebra (4 h) and calculus (3 h) share each day; on Saturday (3 h) 90 minutes each."""
    cur = cm.load(SMALL)
    s = Settings(weekly_hours=6, study_days=parse_study_days("MO,WE,SA=3"))
    wp = play_plan(cur, {}, s, date(2026, 11, 30), reviews={date(2026, 12, 2): 6})
    mon, _, wed, _, _, sat, _ = wp.days
    assert [(b.skill_id, b.minutes) for b in mon.blocks] == [("algebra", 45), ("calculus", 45)]
    assert [(b.skill_id, b.minutes) for b in wed.blocks] == [("algebra", 30), ("calculus", 30)]
    assert [(b.skill_id, b.minutes) for b in sat.blocks] == [("algebra", 90), ("calculus", 90)]
    assert wp.started_on == {"algebra": date(2026, 11, 30), "calculus": date(2026, 11, 30)}


def test_capacities_sum_to_budget():
    s = Settings(weekly_hours=10)
    caps = day_capacities(s, [date(2026, 11, 30 + i) if i < 1 else date(2026, 12, i) for i in range(7)])
    assert abs(sum(caps.values()) - 10) < 1e-9
    wp = play_plan(cm.load(SMALL), {}, s, date(2026, 11, 30))
    assert wp.budget_hours == 10 and wp.planned_hours == 10


def test_time_off_days_are_empty():
    cur = cm.load(SMALL)
    wp = play_plan(cur, {}, Settings(), date(2026, 11, 30), time_off=[(date(2026, 12, 1), date(2026, 12, 2))],
                     reviews={date(2026, 12, 1): 3})
    off = [d for d in wp.days if d.off]
    assert [d.day for d in off] == [date(2026, 12, 1), date(2026, 12, 2)]
    assert all(not d.blocks and d.reviews == 0 and d.hours == 0 for d in off)
