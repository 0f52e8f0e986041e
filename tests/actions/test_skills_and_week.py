"""Single definitions in the core: ready, locked, fading, rest day, counts by status; status changes."""

from __future__ import annotations

from datetime import date, timedelta

from roadmap.actions import skills, week
from roadmap.planning import DayPlan
from roadmap.progress import set_status
from roadmap.settings import Settings
from roadmap.status import SkillState, Status

from conftest import NOW, both_engines

pytestmark = both_engines  # storage tests: each runs on an SQLite file and on PostgreSQL


def test_states_split_not_started_into_ready_and_locked(ws):
    cur = ws.curriculum
    statuses = {"algebra": Status.LEARNED, "calculus": Status.SKIPPED, "probability": Status.IN_PROGRESS}
    states = skills.skill_states(cur, statuses, fading_ids=["algebra"])
    assert states == {"algebra": SkillState.FADING, "calculus": SkillState.SKIPPED,
                      "probability": SkillState.IN_PROGRESS, "regression": SkillState.READY,
                      "backprop": SkillState.LOCKED, "bayes": SkillState.LOCKED}
    counts = skills.counts_by_status(cur, statuses)
    assert counts == {Status.NOT_STARTED: 3, Status.IN_PROGRESS: 1, Status.LEARNED: 1, Status.SKIPPED: 1}


def test_learn_gives_the_first_review_day(ws):
    changes = skills.set_status(ws, ["algebra"], Status.LEARNED, now=NOW)
    (c,) = changes
    assert c.changed and c.after == Status.LEARNED and c.first_review == date(2026, 12, 1)
    (again,) = skills.set_status(ws, ["algebra"], Status.LEARNED, now=NOW)
    assert not again.changed and again.first_review is None
    (reset,) = skills.set_status(ws, ["algebra"], Status.NOT_STARTED, now=NOW)
    assert reset.left_review


def test_fading_is_learned_and_below_the_desired_retention(ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra", "calculus"], Status.LEARNED, now=NOW - timedelta(days=40),
                   settings=Settings(timezone="UTC"))
    from roadmap.actions.today import overview

    ov = overview(ws, now=NOW)
    assert ov.fading == ["algebra", "calculus"] or ov.fading == ["calculus", "algebra"]
    assert all(ov.states[s] == SkillState.FADING for s in ov.fading)


def test_a_rest_day_is_a_day_with_nothing_planned():
    """The faces disagreed: the CLI called a study day with hours but nothing left to study '0m', the
    app 'rest day'. The core's rule: a rest day has no reviews and no study blocks."""
    d = date(2026, 11, 30)
    assert week.is_rest_day(DayPlan(d, capacity_minutes=90))                   # hours, nothing to study
    assert week.is_rest_day(DayPlan(d, capacity_minutes=0))                    # not a study day
    assert not week.is_rest_day(DayPlan(d, capacity_minutes=0, reviews=2))     # reviews are planned
    assert not week.is_rest_day(DayPlan(d, capacity_minutes=60, off=True))     # time off is said as such


def test_cli_says_rest_day_when_everything_is_learned(run):
    assert run("skip", "algebra", "calculus", "probability").exit_code == 0
    assert run("skip", "regression", "backprop", "bayes").exit_code == 0
    out = run("week").output
    assert out.count("rest day") == 7 and "  0m" not in out


def test_week_from_today_equals_the_default_week(ws):
    a = week.week_plan(ws, now=NOW)
    b = week.week_plan(ws, now=NOW, first=a.today)
    assert a.plan == b.plan and a.first == a.today


def test_config_lists_every_milestone_target_as_the_app_does(run):
    """The faces disagreed: the app listed every milestone's target, the CLI only those set."""
    out = run("config").output
    assert "target.basics" in out and "target.all" in out
    assert run("config", "target.basics", "2027-01-31").exit_code == 0
    assert run("config", "target.basics").output.strip() == "2027-01-31"


def test_settings_value_type_is_pure_and_storage_separate(ws):
    from roadmap import settings, settings_store

    assert settings.normalize("weekly_hours", "12") == "12"
    assert settings.normalize("target.basics", "none") is None
    with ws.write() as s:
        settings_store.set_value(s, "rollover_hour", "6")
    with ws.read() as s:
        assert settings_store.load(s).rollover_hour == 6 and settings.load(s).rollover_hour == 6
    cal = settings.Settings(timezone="Asia/Tokyo", rollover_hour=6).calendar
    assert cal.study_day(NOW) == date(2026, 11, 29) and cal.day_start(date(2026, 11, 29)).hour == 21


def test_cli_says_a_day_with_reviews_but_no_study_time_is_not_a_study_day(run):
    """A review due on a day that is not a study day: the CLI said '0m' above a 5m review."""
    assert run("config", "study_days", "MO,WE,FR,SA=3").exit_code == 0  # NOW is a Sunday
    assert run("learn", "algebra", now=NOW - timedelta(days=3)).exit_code == 0
    out = run("week").output
    days = out.split("\n\n")[1:]
    reviews_off = [d for d in days if "review" in d and ("Tue" in d.splitlines()[0] or "Thu" in d.splitlines()[0]
                                                          or "Sun" in d.splitlines()[0])]
    assert reviews_off, out
    assert all("not a study day (reviews due)" in d.splitlines()[0] for d in reviews_off), out
    assert not any(d.splitlines()[0].endswith("  0m") for d in days), out
