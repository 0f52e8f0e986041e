"""The weekly plan in use: study time, time off, formats, milestone forecasts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar

from roadmap import curriculum as cm
from roadmap.planning import milestone_forecasts, play_plan
from roadmap.settings import Settings, parse_study_days

from conftest import NOW, SMALL, as_json


def test_log_reduces_remaining_and_starts_the_skill(run):
    r = run("log", "calculus", "90m")
    assert r.exit_code == 0 and "1h30m in all, about 1h30m left" in r.output and "marked in progress" in r.output
    plan = as_json(run("plan", "--format", "json"))
    assert plan[0] == {**plan[0], "id": "calculus", "hours": 1.5, "status": "in_progress"}
    r = run("log", "backprop", "1h")   # prerequisites missing: logged, not started
    assert r.exit_code == 0 and "marked in progress" not in r.output
    for bad in ("90", "0m", "lots", "30h"):
        r = run("log", "calculus", bad)
        assert r.exit_code == 2 and "Traceback" not in r.output, bad


def test_time_off_commands(run):
    assert run("off", "add", "2026-12-01", "2026-12-02", "--note", "trip").exit_code == 0
    assert "#1  2026-12-01 – 2026-12-02  trip" in run("off", "list").output
    week = as_json(run("week", "--from", "2026-11-30", "--format", "json"))
    assert [d["off"] for d in week["days"]][:4] == [False, True, True, False]
    assert run("off", "add", "2026-12-05", "2026-12-01").exit_code == 2
    assert run("off", "remove", "7").exit_code == 2
    assert run("off", "remove", "1").exit_code == 0
    assert "No time off" in run("off", "list").output


def test_reviews_due_in_time_off_come_after_within_cap(run):
    run("learn", "algebra", "calculus", "probability")   # 6 checks: the first of each due Tue 1 Dec, then Wed
    run("config", "daily_review_cap", "2")
    run("off", "add", "2026-11-30", "2026-12-03")
    week = as_json(run("week", "--from", "2026-11-29", "--format", "json"))
    reviews = [d["reviews"] for d in week["days"]]
    assert reviews == [0, 0, 0, 0, 0, 2, 2]
    for day in ("2026-12-01", "2026-12-03"):  # `due` on a day off agrees: nothing, it waits
        assert as_json(run("due", "--format", "json", now=f"{day}T12:00:00+00:00")) == []
    assert len(as_json(run("due", "--format", "json", now="2026-12-04T12:00:00+00:00"))) == 2


def test_week_with_dst_change_golden():
    """Europe/Berlin falls back on Sun 25 Oct 2026; the plan steps by dates, so every day appears once."""
    cur = cm.load(SMALL)
    s = Settings(weekly_hours=7, timezone="Europe/Berlin", parallel_skills=1)
    wp = play_plan(cur, {}, s, date(2026, 10, 22))
    assert [d.day for d in wp.days] == [date(2026, 10, 22) + timedelta(days=i) for i in range(7)]
    assert [(d.day.isoformat(), [(b.skill_id, b.minutes) for b in d.blocks]) for d in wp.days] == [
        ("2026-10-22", [("algebra", 60)]), ("2026-10-23", [("algebra", 60)]), ("2026-10-24", [("algebra", 60)]),
        ("2026-10-25", [("algebra", 60)]), ("2026-10-26", [("calculus", 60)]), ("2026-10-27", [("calculus", 60)]),
        ("2026-10-28", [("calculus", 60)]),
    ]


def test_week_json_multiple_weeks_and_markdown(run, tmp_path):
    week = as_json(run("week", "--weeks", "2", "--format", "json"))
    assert len(week["days"]) == 14
    out = tmp_path / "w.md"
    r = run("week", "--format", "markdown", "--output", str(out))
    assert r.exit_code == 0
    md = out.read_text()
    assert md.startswith("# Study plan Sun 29 Nov 2026") and "- [ ] 43m: Calculus (`calculus`)" in md


def test_ics_parses_back_with_stable_uids(run, tmp_path):
    run("config", "timezone", "Europe/Berlin")
    run("config", "study_time", "19:30")
    out = tmp_path / "w.ics"
    assert run("week", "--format", "ics", "--output", str(out)).exit_code == 0
    cal = Calendar.from_ical(out.read_bytes())
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) >= 7
    first = events[0]
    start = first.decoded("dtstart")
    assert (start.hour, start.minute) == (19, 30) and str(start.tzinfo) == "Europe/Berlin"
    assert "Self-check" in str(first.get("description")) and "https://" in str(first.get("description"))
    assert cal.walk("VTIMEZONE")
    uids = [str(e.get("uid")) for e in events]
    assert len(set(uids)) == len(uids)
    again = Calendar.from_ical(run("week", "--format", "ics", now=NOW + timedelta(minutes=5)).stdout_bytes)
    assert [str(e.get("uid")) for e in again.walk("VEVENT")] == uids


def test_milestone_forecast_by_hand():
    """basics needs calculus 3 h + algebra 4 h + regression 2 h = 9 h; at 1 h a day from Mon 30 Nov,
    the last hour is on day 9: Tue 8 Dec. With a target of Fri 4 Dec it is 1 week late; the 9 h
    must fit in the 5 days Mon-Fri, i.e. 9 / (5/7) = 12.6 h a week: 13 h in half-hour steps."""
    cur = cm.load(SMALL)
    s = Settings(weekly_hours=7, targets={"basics": date(2026, 12, 4), "all": date(2027, 6, 1)})
    basics, everything = milestone_forecasts(cur, {}, s, date(2026, 11, 30))
    assert basics.forecast == date(2026, 12, 8)
    assert (basics.status, basics.weeks_behind, basics.needed_hours_per_week) == ("behind", 1, 13.0)
    faster = Settings(weekly_hours=13, targets=s.targets)
    assert milestone_forecasts(cur, {}, faster, date(2026, 11, 30))[0].status == "on track"
    assert everything.forecast == date(2026, 12, 18) and everything.status == "on track"


def test_milestone_forecast_counts_reviews_and_study_days():
    cur = cm.load(SMALL)
    s = Settings(weekly_hours=2, study_days=parse_study_days("SA=1,SU=1"))
    (basics, _) = milestone_forecasts(cur, {}, s, date(2026, 11, 30), reviews={date(2026, 12, 5): 6})
    # Sat 5 Dec: 30 min of reviews + 30 min study; 9 h need 9 more study days at 1 h
    assert basics.forecast == date(2027, 1, 3)


def test_milestones_cli(run):
    run("config", "target.basics", "2026-12-01")
    data = as_json(run("milestones", "--format", "json"))
    basics = data[0]
    assert basics["id"] == "basics" and basics["status"] == "behind" and basics["forecast"]
    assert run("config", "target.nope", "2027-01-01").exit_code == 2
    r = run("milestones")
    assert r.exit_code == 0 and "late" in r.output
    assert max(len(line) for line in r.output.splitlines()) <= 80


def test_review_minutes_setting_used(run):
    run("learn", "algebra", "calculus", "probability")
    run("config", "review_minutes", "10")
    week = as_json(run("week", "--format", "json"))
    tue = next(d for d in week["days"] if d["reviews"])
    assert tue["review_minutes"] == 30.0


def test_week_starts_on_todays_study_day(run):
    """The default week starts on the study day of ROADMAP_NOW: before the rollover hour (04:00)
    it is still the previous day; in the learner's zone, not UTC."""
    assert as_json(run("week", "--format", "json"))["from"] == "2026-11-29"   # NOW: Sun 12:00 UTC
    assert as_json(run("week", "--format", "json", now="2026-11-30T03:59:00Z"))["from"] == "2026-11-29"
    assert as_json(run("week", "--format", "json", now="2026-11-30T04:00:00Z"))["from"] == "2026-11-30"
    run("config", "timezone", "Asia/Tokyo")   # 2026-11-29T20:00Z is 05:00 on Monday in Tokyo
    assert as_json(run("week", "--format", "json", now="2026-11-29T20:00:00Z"))["from"] == "2026-11-30"


def test_median_review_time_replaces_the_estimate(ws, run):
    from roadmap import review
    from roadmap.models import Status
    from roadmap.progress import set_status

    s0 = Settings(timezone="UTC")
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW, settings=s0)
    t = NOW
    for i in range(25):
        t += timedelta(days=3)
        with ws.write() as s:
            review.record(s, "algebra", 3 if i % 2 else 2, check_id="1", now=t, settings=s0, duration_seconds=120)
    with ws.read() as s:
        assert review.median_duration_seconds(s) == 120
    from roadmap.actions.context import plan_context

    with ws.read() as s:
        assert plan_context(s, ws.curriculum, t).settings.review_minutes == 2
