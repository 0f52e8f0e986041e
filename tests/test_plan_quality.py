"""Plan quality (issue 12 §5): properties of the study plan and the weekly plan on random curricula
with stages, concrete milestones, tracks and targets, and on the bundled curriculum."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from roadmap import curriculum as cm
from roadmap.planning import milestone_forecasts, milestone_needs, play_plan, study_plan
from roadmap.settings import Settings, parse_study_days
from roadmap.status import DONE, Status

from conftest import SMALL

L, S, P = Status.LEARNED, Status.SKIPPED, Status.IN_PROGRESS
START = date(2026, 11, 30)


def ids(items):
    return [i.skill_id for i in items]


@st.composite
def curricula(draw):
    """A random valid curriculum with 0-3 stages, concrete milestones, tracks, targets and progress."""
    n = draw(st.integers(2, 22))
    edges = set()
    for j in range(1, n):
        for i in draw(st.lists(st.integers(0, j - 1), max_size=3)):
            edges.add((i, j))
    hours = draw(st.lists(st.integers(1, 20), min_size=n, max_size=n))
    cats = draw(st.lists(st.sampled_from(["math", "code"]), min_size=n, max_size=n))
    skill = st.integers(0, n - 1)
    lines = ['format = 1\n[[category]]\nid = "math"\nname = "M"\n[[category]]\nid = "code"\nname = "C"\n']
    for j in range(n):
        req = ", ".join(f'"s{i}"' for i, k in sorted(edges) if k == j)
        lines.append(f'[[skill]]\nid = "s{j}"\nname = "S{j}"\ncategory = "{cats[j]}"\nhours = {hours[j]}\n'
                     f'requires = [{req}]\ndescription = "d"\nchecks = ["a", "b"]\n'
                     f'resources = [{{ title = "t", url = "https://x.org" }}]\n')
    n_tracks = draw(st.integers(0, 2))
    for t in range(n_tracks):
        req = ", ".join(f'"s{i}"' for i in sorted(set(draw(st.lists(skill, min_size=1, max_size=3)))))
        lines.append(f'[[track]]\nid = "t{t}"\nname = "T{t}"\ndescription = "d"\nrequires = [{req}]\n')
    n_stages = draw(st.integers(0, 3))
    milestones = []
    for k in range(n_stages):
        req = ", ".join(f'"s{i}"' for i in sorted(set(draw(st.lists(skill, min_size=1, max_size=3)))))
        tr = draw(st.integers(0, n_tracks)) if k == n_stages - 1 else 0
        lines.append(f'[[milestone]]\nid = "stage{k}"\nname = "Stage {k}"\nlevel = {k + 1}\n'
                     f'tracks_required = {tr}\nrequires = [{req}]\n')
        milestones.append(f"stage{k}")
    for c in range(draw(st.integers(0 if n_stages else 1, 3))):
        req = ", ".join(f'"s{i}"' for i in sorted(set(draw(st.lists(skill, min_size=1, max_size=2)))))
        stage = f'stage = "stage{draw(st.integers(0, n_stages - 1))}"\n' if n_stages and draw(st.booleans()) else ""
        lines.append(f'[[milestone]]\nid = "m{c}"\nname = "M{c}"\n{stage}requires = [{req}]\n')
        milestones.append(f"m{c}")
    cur = cm.parse("".join(lines))
    status = draw(st.lists(st.sampled_from([None, None, L, S, P]), min_size=n, max_size=n))
    statuses = {f"s{j}": s for j, s in enumerate(status) if s is not None}
    targets = {m: START + timedelta(days=draw(st.integers(-10, 400)))
               for m in draw(st.lists(st.sampled_from(milestones), max_size=2, unique=True))}
    tracks = tuple(draw(st.lists(st.sampled_from([f"t{t}" for t in range(n_tracks)] or ["x"]),
                                 max_size=n_tracks, unique=True))) if n_tracks else ()
    return cur, statuses, targets, tracks


def _waiting_for(cur, todo, skills):
    """``skills`` with the prerequisites they still wait for (the walk stops at learned or skipped skills)."""
    seen, stack = set(skills), list(skills)
    while stack:
        for p in cur.graph.predecessors(stack.pop()):
            if p in todo and p not in seen:
                seen.add(p)
                stack.append(p)
    return seen


def _before(pos, first, then):
    """Every skill of ``first`` comes before every skill of ``then`` (both restricted to the plan)."""
    a = [pos[s] for s in first if s in pos]
    b = [pos[s] for s in then if s in pos]
    return not a or not b or max(a) < min(b)


@given(curricula(), st.integers(1, 4))
@hsettings(max_examples=50, deadline=None)
def test_plan_order_properties(case, parallel):
    cur, statuses, targets, tracks = case
    s = Settings(targets=targets, tracks=tracks, parallel_skills=parallel)
    plan = ids(study_plan(cur, statuses, settings=s))
    todo = {x for x in cur.skills if statuses.get(x) not in DONE}
    assert sorted(plan) == sorted(todo) and len(plan) == len(set(plan))
    pos = {x: i for i, x in enumerate(plan)}
    for a, b in cur.graph.edges:  # prerequisites first
        if a in pos and b in pos:
            assert pos[a] < pos[b]
    assert plan == ids(study_plan(cur, dict(statuses), settings=s))  # deterministic
    # In-progress skills and their missing prerequisites come first.
    started = _waiting_for(cur, todo, [x for x, st_ in statuses.items() if st_ == P])
    assert {plan[i] for i in range(len(started))} == started
    needs = {m: n.skills & todo for m, n in milestone_needs(cur, tracks).items()}
    # Targets steer: earliest target first, then the ladder.
    dated = sorted((d, [m.id for m in cur.milestones].index(m), m) for m, d in targets.items()
                   if needs[m])
    seen = set(started)
    for _, _, m in dated:
        assert _before(pos, needs[m] - seen, todo - needs[m] - seen)
        seen |= needs[m]
    # Stage order: what a stage needs comes before what only a later stage needs.
    stages = [m.id for m in cur.stages()]
    for i, stage in enumerate(stages):
        for later in stages[i + 1:]:
            assert _before(pos, needs[stage] - seen, needs[later] - needs[stage] - seen)
    # Skills no milestone or chosen track needs come last.
    wanted = set().union(*needs.values()) | cur.with_prerequisites(
        [x for t in tracks for x in cur.tracks[t].requires])
    assert _before(pos, (wanted & todo) - seen, todo - wanted - seen)


@given(curricula(), st.integers(1, 4), st.floats(0.5, 40),
       st.sampled_from(["MO,TU,WE,TH,FR,SA,SU", "MO,TH,SA=3", "SU=2"]), st.integers(0, 6))
@hsettings(max_examples=50, deadline=None)
def test_play_properties(case, parallel, weekly, days, reviews):
    cur, statuses, targets, tracks = case
    s = Settings(weekly_hours=weekly, study_days=parse_study_days(days), parallel_skills=parallel,
                 targets=targets, tracks=tracks)
    load = {START + timedelta(days=i): reviews for i in range(0, 28, 3)}
    wp = play_plan(cur, statuses, s, START, days=28, reviews=load)
    remaining = sum(i.hours for i in study_plan(cur, statuses, settings=s))
    for d in wp.days:  # no day over its hours
        assert d.planned_minutes <= d.capacity_minutes or (d.reviews and not d.blocks)
    study = sum(b.minutes for d in wp.days for b in d.blocks) / 60
    free = sum(max(0, int(d.capacity_minutes - d.review_minutes)) for d in wp.days) / 60
    assert study <= min(free, remaining) + 1e-9
    assert study >= min(free, remaining) - 0.05 * len(wp.days) / 60 - 0.05  # whole minutes only
    open_: set[str] = set()
    for d in wp.days:
        # At most `parallel` skills studied at once: those not finished that day fit in the slots...
        assert len([b for b in d.blocks if wp.finished_on.get(b.skill_id) != d.day]) <= parallel
        # ...and a skill being studied gets time every day with enough free minutes until it is finished.
        if d.capacity_minutes - d.review_minutes >= parallel:
            assert open_ <= {b.skill_id for b in d.blocks}
        open_ |= {b.skill_id for b in d.blocks}
        open_ -= {x for x, f in wp.finished_on.items() if f == d.day}
        assert len(open_) <= parallel
    # In-progress skills that are ready start on the first day with free time (when they fit the slots).
    ready_started = [x for x, st_ in statuses.items() if st_ == P and cur.skills[x].hours > 0
                     and all(statuses.get(p) in DONE for p in cur.graph.predecessors(x))]
    first = next((d for d in wp.days if d.capacity_minutes - d.review_minutes >= parallel), None)
    if first is not None and len(ready_started) <= parallel:
        assert set(ready_started) <= {b.skill_id for b in first.blocks}
    # Prerequisites are finished before a dependent's first block.
    for a, b in cur.graph.edges:
        if b in wp.started_on and statuses.get(a) not in DONE:
            assert a in wp.finished_on and wp.finished_on[a] <= wp.started_on[b]


@given(curricula(), st.integers(1, 4), st.floats(0.5, 40),
       st.sampled_from(["MO,TU,WE,TH,FR,SA,SU", "MO,TH,SA=3", "SU=2"]), st.integers(0, 6), st.integers(0, 40))
@hsettings(max_examples=50, deadline=None)
def test_playing_until_finished_changes_no_finish_or_start_day(case, parallel, weekly, days, reviews, off_from):
    cur, statuses, targets, tracks = case
    s = Settings(weekly_hours=weekly, study_days=parse_study_days(days), parallel_skills=parallel,
                 targets=targets, tracks=tracks)
    load = {START + timedelta(days=i): reviews for i in range(0, 400, 3)}
    off = [(START + timedelta(days=off_from), START + timedelta(days=off_from + 20))]
    whole = play_plan(cur, statuses, s, START, days=400, reviews=load, time_off=off,
                      review_profile=[0.5, 0.2, 0.1], checks={x: 2 for x in cur.skills})
    short = play_plan(cur, statuses, s, START, days=400, reviews=load, time_off=off,
                      review_profile=[0.5, 0.2, 0.1], checks={x: 2 for x in cur.skills}, until_finished=True)
    assert (short.finished_on, short.started_on, short.finished, short.milestones_reached) == \
        (whole.finished_on, whole.started_on, whole.finished, whole.milestones_reached)
    assert short.days == whole.days[:len(short.days)]
    assert all(not d.blocks for d in whole.days[len(short.days):])  # what it left out: days of reviews only


@given(curricula(), st.integers(1, 3))
@hsettings(max_examples=30, deadline=None)
def test_stage_forecasts_follow_the_ladder(case, parallel):
    cur, statuses, _, tracks = case
    s = Settings(weekly_hours=20, parallel_skills=parallel, tracks=tracks)
    fcs = {f.progress.id: f for f in milestone_forecasts(cur, statuses, s, START, horizon_days=800)}
    dates = [fcs[m.id].forecast for m in cur.stages() if fcs[m.id].status != "reached"]
    known = [d for d in dates if d is not None]
    assert known == sorted(known)


# -- the bundled curriculum ---------------------------------------------------------


@pytest.fixture(scope="module")
def bundled():
    return cm.load()


def test_bundled_stage_order_and_first_network(bundled):
    plan = study_plan(bundled, {})
    pos = {p.skill_id: i for i, p in enumerate(plan)}
    needs = {m: n.skills for m, n in milestone_needs(bundled).items()}
    entry, mid, senior = (m.id for m in bundled.stages())
    assert _before(pos, needs[entry], needs[senior] - needs[mid] - needs[entry])
    assert _before(pos, needs[entry], needs[mid] - needs[entry])
    assert _before(pos, needs[mid], needs[senior] - needs[mid])
    # The first neural-network skill starts within the first 250 planned hours, in the list and in the weeks.
    hours_before = sum(p.hours for p in plan[:pos["neural-network-basics"]])
    assert hours_before <= 250
    wp = play_plan(bundled, {}, Settings(weekly_hours=10), START, days=400)
    first = wp.started_on["neural-network-basics"]
    assert sum(b.minutes for d in wp.days if d.day < first for b in d.blocks) / 60 <= 250
    # Fundamentals before modelling before research practice: the opening skills are mathematics and Python.
    assert {bundled.skills[p.skill_id].category for p in plan[:4]} <= {"math", "programming", "data"}


def test_bundled_forecasts_follow_the_ladder(bundled):
    fcs = milestone_forecasts(bundled, {}, Settings(weekly_hours=10, tracks=("nlp-track",)), START)
    by_id = {f.progress.id: f for f in fcs}
    stages = [by_id[m.id].forecast for m in bundled.stages()]
    assert all(stages) and stages == sorted(stages)
    for m in bundled.milestones:  # a concrete milestone is forecast no later than its stage
        if m.stage:
            assert by_id[m.id].forecast <= by_id[m.stage].forecast


def test_senior_stage_asks_for_a_track(bundled):
    senior = bundled.stages()[-1]
    f = {f.progress.id: f for f in milestone_forecasts(bundled, {}, Settings(), START, horizon_days=30)}[senior.id]
    assert f.status == "needs track" and f.forecast is None and f.progress.tracks_missing == 1
    assert not f.progress.reached and "track" in f.status_text()
    # With a track chosen, its skills come at the senior stage: after what mid-career needs, before the rest.
    s = Settings(tracks=("nlp-track",))
    plan = ids(study_plan(bundled, {}, settings=s))
    pos = {x: i for i, x in enumerate(plan)}
    needs = milestone_needs(bundled, s.tracks)
    mid = bundled.stages()[1].id
    track = bundled.with_prerequisites(bundled.tracks["nlp-track"].requires)
    assert track <= needs[senior.id].skills
    assert _before(pos, needs[mid].skills, track - needs[mid].skills)
    rest = set(bundled.skills) - needs[senior.id].skills - set().union(*(n.skills for n in needs.values()))
    assert _before(pos, track, rest)


def test_targets_steer(bundled):
    target = {"ship-to-production": START + timedelta(days=365)}
    plan = ids(study_plan(bundled, {}, settings=Settings(targets=target)))
    pos = {x: i for i, x in enumerate(plan)}
    ship = milestone_needs(bundled)["ship-to-production"].skills
    assert _before(pos, ship, set(bundled.skills) - ship)
    fc = {f.progress.id: f for f in milestone_forecasts(bundled, {}, Settings(weekly_hours=10, targets=target),
                                                        START)}
    assert fc["ship-to-production"].status == "behind" and fc["ship-to-production"].needed_hours_per_week > 10


def test_starting_a_second_skill_keeps_the_first():
    """The learner starts algebra (1 h logged), then probability: both are studied from the first day."""
    cur = cm.load(SMALL)
    statuses = {"algebra": P, "probability": P}
    wp = play_plan(cur, statuses, Settings(weekly_hours=7), START, logged={"algebra": 1.0})
    assert {b.skill_id for b in wp.days[0].blocks} == {"algebra", "probability"}
    assert wp.finished_on["algebra"] == date(2026, 12, 5)  # 3 h left at 30 min a day, then alone
    plan = study_plan(cur, statuses, {"algebra": 1.0})
    assert ids(plan)[:2] == ["algebra", "probability"] and plan[0].hours == 3.0


def test_a_later_week_continues_the_plan(bundled):
    """Playing 14 days equals playing 7, taking the progress they give, and playing 7 more."""
    s = Settings(weekly_hours=10)
    whole = play_plan(bundled, {"python": P}, s, START, days=14, logged={"python": 5.0})
    first = play_plan(bundled, {"python": P}, s, START, days=7, logged={"python": 5.0})
    statuses, logged = first.progress_after({"python": P}, {"python": 5.0})
    second = play_plan(bundled, statuses, s, START + timedelta(days=7), days=7, logged=logged)
    blocks = [(d.day, b.skill_id, b.minutes) for d in whole.days[7:] for b in d.blocks]
    assert blocks == [(d.day, b.skill_id, b.minutes) for d in second.days for b in d.blocks]
