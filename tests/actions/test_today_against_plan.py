"""Today against the plan: time done today counts, past days come from history, planned never exceeds
available, and the streak's one definition."""

from __future__ import annotations

from datetime import date, timedelta

from roadmap.actions import skills, today as today_mod, week
from roadmap.actions.today import rest_days, streak
from roadmap.progress import set_status
from roadmap.settings import Settings, parse_study_days
from roadmap.status import Status

from conftest import NOW, as_json, both_engines

pytestmark = both_engines  # storage tests: each runs on an SQLite file and on PostgreSQL

MONDAY = NOW + timedelta(days=1)  # Mon 30 Nov 2026, 12:00 UTC


def test_time_logged_today_counts_against_todays_plan(ws, run):
    assert run("config", "weekly_hours", "7").exit_code == 0  # 1 h a day
    before = week.week_plan(ws, now=MONDAY)
    assert before.today_goal_minutes == 60 and before.planned_minutes == before.available_minutes == 420
    skills.log_time(ws, "algebra", 50 / 60, now=MONDAY)
    view = week.week_plan(ws, now=MONDAY)
    today = view.plan.days[0]
    assert view.today_done.study_minutes == 50
    assert sum(b.minutes for b in today.blocks) == 10  # the rest of the day shrinks
    assert view.today_goal_minutes == 60
    assert view.planned_minutes <= view.available_minutes == 420 - 50
    ov = today_mod.overview(ws, now=MONDAY)
    assert ov.today_done_minutes == 50 and round(ov.today_hours * 60) == 60
    out = run("week", now=MONDAY).output
    assert "done 50m of 1h" in out


def test_planned_never_exceeds_available_with_reviews_on_a_rest_day(ws, run):
    """Reviews due on a day without study time used to be counted as planned: '8h15m planned of 8h'."""
    run("config", "study_days", "MO,TU,WE,TH,FR")
    run("config", "weekly_hours", "8")
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra", "calculus", "probability"], Status.LEARNED,
                   now=NOW - timedelta(days=4), settings=Settings(timezone="UTC"))
    view = week.week_plan(ws, now=NOW)  # Sunday: reviews due, no study time
    assert view.plan.days[0].reviews and view.planned_minutes <= view.available_minutes
    assert view.beyond_minutes > 0
    head = run("week").output.splitlines()
    from roadmap import wording

    beyond = f"{wording.duration_minutes(view.beyond_minutes)} of reviews beyond your study time"
    assert "8h planned of 8h available" in head[0] and beyond in head[1]


def test_past_days_show_what_was_done(ws, run):
    run("log", "algebra", "45m", now=NOW - timedelta(days=2))
    with ws.write() as s:
        set_status(s, ws.curriculum, ["calculus"], Status.LEARNED, now=NOW - timedelta(days=10),
                   settings=Settings(timezone="UTC"))
    from roadmap import review

    with ws.write() as s:
        review.record(s, "calculus", 3, check_id="1", now=NOW - timedelta(days=1),
                      settings=Settings(timezone="UTC"))
    first = (NOW - timedelta(days=3)).date()
    view = week.week_plan(ws, now=NOW, first=first)
    fri, sat = first + timedelta(days=1), first + timedelta(days=2)
    assert [(b.skill_id, b.minutes) for b in view.plan.days[1].blocks] == [("algebra", 45)]
    assert view.done[fri].study_minutes == 45 and view.done[sat].reviews == 1
    assert view.plan.days[0].blocks == [] and not view.plan.days[0].reviews  # nothing done: nothing planned
    data = as_json(run("week", "--from", first.isoformat(), "--format", "json"))
    assert [(b["skill"], b["minutes"] if "minutes" in b else round(b["hours"] * 60)) for b in data["days"][1]["blocks"]] \
        == [("algebra", 45)]
    text = run("week", "--from", first.isoformat()).output
    assert "✓    45m  Linear algebra" in text and "✓" in text.split("Sat 28 Nov 2026")[1].split("\n\n")[0]


def test_streak_counts_study_days_with_reviews_or_study():
    mon = date(2026, 11, 30)
    s = Settings(timezone="UTC", study_days=parse_study_days("MO,TU,WE,TH,FR"))
    rest = rest_days(s, [], study_left=True, first_due=None)
    # Fri and Mon active, the weekend between is not a study day: 2 days, unbroken
    assert streak({mon - timedelta(days=3): 1, mon: 1}, mon, rest) == 2
    # Thursday missed (a study day with study left): broken
    assert streak({mon - timedelta(days=4): 1, mon - timedelta(days=3): 1, mon: 1}, mon, rest) == 3
    assert streak({mon - timedelta(days=5): 1, mon - timedelta(days=3): 1, mon: 1}, mon, rest) == 2
    # time off does not break it
    off = rest_days(s, [(mon - timedelta(days=4), mon - timedelta(days=4))], study_left=True, first_due=None)
    assert streak({mon - timedelta(days=5): 1, mon - timedelta(days=3): 1, mon: 1}, mon, off) == 3
    # nothing to study and no review due yet: a quiet study day does not break it
    quiet = rest_days(s, [], study_left=False, first_due=mon)
    assert streak({mon - timedelta(days=5): 1, mon: 1}, mon, quiet) == 2
    # nothing done yet today: yesterday's streak holds
    assert streak({mon - timedelta(days=3): 1}, mon, rest) == 1


def test_logged_study_counts_for_the_streak(ws):
    skills.log_time(ws, "algebra", 0.5, now=NOW - timedelta(days=1))
    skills.log_time(ws, "algebra", 0.5, now=NOW)
    assert today_mod.overview(ws, now=NOW).streak_days == 2
