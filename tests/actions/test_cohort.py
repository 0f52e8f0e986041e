"""The mentor's cohort view: rows per learner on SQLite (rows with explicit learners) and on a real
PostgreSQL with a mentor role that sees two mentees and not a third, and cannot write their rows."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import uuid
from dataclasses import replace
from datetime import date, timedelta

import pytest

from roadmap.actions.cohort import LearnerData, cohort, cohort_row, quick_forecast
from roadmap.planning import milestone_forecasts
from roadmap.settings import Settings
from roadmap.status import Status
from roadmap.workspace import Workspace

from conftest import NOW, SMALL


def _ts(dt) -> str:
    return dt.strftime("%Y-%m-%d %H:%M:%S.%f")


def _fill_sqlite(path) -> None:
    """Three learners in one file (keys kept disjoint: SQLite's keys have no learner in them)."""
    ws = Workspace(path, SMALL)
    ws.engine  # noqa: B018 - create and migrate
    ws.close()
    con = sqlite3.connect(path)
    old = NOW - timedelta(weeks=6)
    # ann: two skills learned, regression stuck in progress for 6 weeks, a target she will miss, 3 cards overdue.
    for sid, status in (("algebra", "learned"), ("calculus", "learned"), ("regression", "in_progress")):
        con.execute("INSERT INTO skill_progress (learner, skill_id, status, started_at, learned_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)", ("ann", sid, status, _ts(old),
                                                  _ts(old) if status == "learned" else None, _ts(old)))
    for check in ("1", "2", "3"):
        con.execute("INSERT INTO review_card (learner, skill_id, check_id, state, due, reviews) VALUES (?,?,?,?,?,?)",
                    ("ann", "algebra" if check != "3" else "calculus", check, 2, _ts(NOW - timedelta(days=2)), 1))
    con.execute("INSERT INTO setting (learner, key, value) VALUES ('ann', 'target.basics', ?)",
                (json.dumps("2026-11-29"),))
    # ann's reviews in the last 90 days: 4, one rated Again; one more long ago (outside the window).
    for i, rating in enumerate((3, 1, 3, 4)):
        con.execute("INSERT INTO review_log (learner, skill_id, check_id, reviewed_at, rating, kind, card_after) "
                    "VALUES ('ann', 'algebra', '1', ?, ?, 'review', '{}')", (_ts(NOW - timedelta(days=10 + i)), rating))
    con.execute("INSERT INTO review_log (learner, skill_id, check_id, reviewed_at, rating, kind, card_after) "
                "VALUES ('ann', 'algebra', '1', ?, 1, 'review', '{}')", (_ts(NOW - timedelta(days=200)),))
    # bob: probability in progress since yesterday, 2 h this week, 3 h more three weeks ago; in Tokyo.
    con.execute("INSERT INTO skill_progress (learner, skill_id, status, started_at, updated_at) VALUES "
                "('bob', 'probability', 'in_progress', ?, ?)", (_ts(NOW - timedelta(days=1)), _ts(NOW - timedelta(days=1))))
    con.execute("INSERT INTO study_session (learner, skill_id, at, hours) VALUES ('bob', 'probability', ?, 2.0)",
                (_ts(NOW - timedelta(days=1)),))
    con.execute("INSERT INTO study_session (learner, skill_id, at, hours) VALUES ('bob', 'probability', ?, 3.0)",
                (_ts(NOW - timedelta(days=21)),))
    con.execute("INSERT INTO setting (learner, key, value) VALUES ('bob', 'timezone', ?)", (json.dumps("Asia/Tokyo"),))
    # cat: one skill learned long ago, nothing since; one card overdue.
    con.execute("INSERT INTO skill_progress (learner, skill_id, status, learned_at, updated_at) VALUES "
                "('cat', 'bayes', 'skipped', ?, ?)", (_ts(NOW - timedelta(days=100)), _ts(NOW - timedelta(days=100))))
    con.execute("INSERT INTO review_card (learner, skill_id, check_id, state, due, reviews) VALUES "
                "('cat', 'bayes', '1', 2, ?, 1)", (_ts(NOW - timedelta(days=50)),))
    con.commit()
    con.close()


@pytest.fixture
def three(tmp_path):
    path = tmp_path / "team.db"
    _fill_sqlite(path)
    w = Workspace(path, SMALL)
    yield w
    w.close()


def test_rows_per_learner_on_sqlite(three):
    view = cohort(three, now=NOW)
    assert not view.team
    rows = {r.learner: r for r in view.rows}
    assert set(rows) == {"ann", "bob", "cat"}
    ann, bob, cat = rows["ann"], rows["bob"], rows["cat"]
    assert [(s.id, s.done, s.total) for s in ann.stages] == [("basics", 2, 3), ("all", 2, 6)]
    assert ann.milestone == "basics" and ann.target == date(2026, 11, 29)
    # regression (2 h) at 10/7 h a day: done on the 2nd day, 1 day after the target (a week late, rounded up)
    assert ann.forecast == date(2026, 11, 30) and ann.weeks_late == 1
    assert ann.overdue == 3
    assert (ann.reviews, ann.retention) == (4, 0.75)
    assert ann.stuck == ("regression",) and ann.stuck_since == ((NOW - timedelta(weeks=6)).date(),)
    assert (bob.hours_7, bob.hours_28, bob.stuck) == (2.0, 5.0, ())
    assert bob.last_active == date(2026, 11, 28)  # 28 Nov 12:00 UTC is 21:00 in Tokyo
    assert bob.weeks_late is None  # no target
    assert cat.overdue == 1 and cat.days_inactive == 100 and cat.retention is None
    assert cat.stages[1].done == 1  # skipped counts as done, as for milestones


def test_risk_order(three):
    # ann is a week late; cat and bob are on no target: cat has an overdue review, bob none.
    assert [r.learner for r in cohort(three, now=NOW).rows] == ["ann", "cat", "bob"]


def test_stuck_weeks_threshold(three):
    rows = {r.learner: r for r in cohort(three, now=NOW, stuck_weeks=7).rows}
    assert rows["ann"].stuck == ()


def test_local_learner_alone(ws):
    from roadmap.actions.skills import set_status

    set_status(ws, ["algebra"], Status.LEARNED, now=NOW)
    (row,) = cohort(ws, now=NOW).rows
    assert row.learner == "" and row.stages[0].done == 1 and row.last_active == NOW.date()


@pytest.mark.parametrize("weekly, days, statuses, parallel", [
    (7, None, {}, 1), (3, None, {"algebra": Status.LEARNED}, 1), (10, {0: None, 2: None, 5: 2.0}, {}, 1),
    (2.5, {1: None, 3: None}, {"calculus": Status.IN_PROGRESS}, 1), (10, None, {}, 2)])
def test_quick_forecast_matches_the_planner(weekly, days, statuses, parallel):
    """Without reviews or time off the cohort's arithmetic forecast is the Milestones screen's."""
    from roadmap import curriculum

    cur = curriculum.load(SMALL)
    s = Settings(weekly_hours=weekly, parallel_skills=parallel, targets={"basics": date(2026, 12, 10)})
    if days:
        s = replace(s, study_days=days)
    today = s.calendar.study_day(NOW)
    planned = {f.progress.id: f for f in milestone_forecasts(cur, statuses, s, today)}
    row = cohort_row(cur, LearnerData("x", statuses=statuses, settings=s), NOW)
    assert row.forecast == planned[row.milestone].forecast
    assert (row.weeks_late or None) == planned[row.milestone].weeks_behind


def test_quick_forecast_edges():
    s = Settings(weekly_hours=7)
    assert quick_forecast(0, s, date(2026, 1, 1)) == date(2026, 1, 1)
    assert quick_forecast(7, s, date(2026, 1, 1)) == date(2026, 1, 7)
    assert quick_forecast(7, s, date(2026, 1, 1), review_hours_per_week=7) is None  # no time left for study


def test_cli_formats(three, run):
    db = three.db_path
    text = run("cohort", db=db)
    assert text.exit_code == 0 and text.output.index("ann") < text.output.index("cat") < text.output.index("bob")
    data = json.loads(run("cohort", "--format", "json", db=db).stdout)
    assert [r["learner"] for r in data] == ["ann", "cat", "bob"]
    assert set(data[0]) == {"learner", "stages", "next_milestone", "next_milestone_name", "forecast", "target",
                            "weeks_late", "reviews_overdue", "retention", "retention_reviews", "hours_7d",
                            "hours_28d", "stuck", "last_active", "days_inactive"}
    assert data[0]["stuck"] == ["regression"] and data[0]["retention"] == 0.75
    rows = list(csv.DictReader(io.StringIO(run("cohort", "--format", "csv", db=db).stdout)))
    assert [r["learner"] for r in rows] == ["ann", "cat", "bob"]
    assert rows[0]["stage:basics"] == "2/3" and rows[0]["weeks_late"] == "1" and rows[2]["hours_28d"] == "5.0"


def test_cli_rejects_bad_stuck_weeks(three, run):
    r = run("cohort", "--stuck-weeks", "0", db=three.db_path)
    assert r.exit_code == 2 and "stuck-weeks" in r.output


# --- PostgreSQL: a real mentor role ---------------------------------------------------------------------------

@pytest.fixture
def team(pg_server, pg_url):
    """A team database made with `roadmap admin`: learners ann, bob, cat (unique role names) and a mentor
    of ann and bob."""
    from roadmap.actions import admin

    dbname = pg_url.split("@/")[1].split("?")[0]
    tag = uuid.uuid4().hex[:6]
    names = {k: f"{k}_{tag}" for k in ("mentor", "ann", "bob", "cat")}
    admin.init(pg_url)
    for k in ("ann", "bob", "cat"):
        admin.add_learner(pg_url, names[k])
    admin.add_mentor(pg_url, names["mentor"], [names["ann"], names["bob"]])
    spaces = {k: Workspace(pg_server.url(dbname, user=n), SMALL) for k, n in names.items()}
    yield names, spaces, pg_server, dbname
    for w in spaces.values():
        w.close()
    pg_server.drop_database(dbname)
    with pg_server.connect() as con:
        for n in names.values():
            con.execute(f'DROP ROLE IF EXISTS "{n}"')


def test_mentor_sees_two_mentees_not_a_third(team):
    from roadmap.actions.skills import log_time, set_status

    names, spaces, _, _ = team
    set_status(spaces["ann"], ["algebra", "calculus"], Status.LEARNED, now=NOW - timedelta(days=3))
    log_time(spaces["bob"], "probability", 1.5, now=NOW - timedelta(days=2))
    set_status(spaces["cat"], ["algebra"], Status.LEARNED, now=NOW - timedelta(days=1))
    set_status(spaces["mentor"], ["bayes"], Status.IN_PROGRESS, now=NOW - timedelta(days=1))
    view = cohort(spaces["mentor"], now=NOW)
    assert view.team
    rows = {r.learner: r for r in view.rows}
    assert set(rows) == {names["ann"], names["bob"]}
    assert rows[names["ann"]].stages[0].done == 2 and rows[names["bob"]].hours_7 == 1.5
    # The mentor's own commands still see only the mentor's rows.
    from roadmap.actions.summary import status_summary

    assert status_summary(spaces["mentor"], now=NOW).counts[Status.LEARNED] == 0
    # A learner with no mentees gets an empty cohort, not someone else's rows.
    assert cohort(spaces["cat"], now=NOW).empty


def test_mentor_cannot_write_in_the_cohort_transaction(team):
    from sqlalchemy import text

    from roadmap.actions.cohort import enter_cohort_mode
    from roadmap.actions.skills import set_status
    from roadmap.store import StoreError

    names, spaces, server, dbname = team
    set_status(spaces["ann"], ["algebra"], Status.LEARNED, now=NOW)
    mentor = spaces["mentor"]
    with pytest.raises(StoreError, match="row-level security"):
        with mentor.read() as s:
            enter_cohort_mode(s)
            s.execute(text("INSERT INTO skill_progress (learner, skill_id, status, updated_at) "
                           "VALUES (:l, 'bayes', 'learned', now())"), {"l": names["ann"]})
    with mentor.read() as s:
        enter_cohort_mode(s)
        assert s.execute(text("SELECT count(*) FROM skill_progress WHERE learner = :l"),
                         {"l": names["ann"]}).scalar() == 1  # readable ...
        changed = s.execute(text("UPDATE skill_progress SET status = 'skipped' WHERE learner = :l"),
                            {"l": names["ann"]}).rowcount
        gone = s.execute(text("DELETE FROM skill_progress WHERE learner = :l"), {"l": names["ann"]}).rowcount
    assert (changed, gone) == (0, 0)  # ... but not writable
    with server.connect(dbname) as con:
        assert con.execute("SELECT status FROM skill_progress").fetchall() == [("learned",)]


def test_cli_no_mentees_on_postgres(team, run):
    names, spaces, _, _ = team
    r = run("cohort", db=spaces["cat"].db_path)
    assert r.exit_code == 1 and "No mentees" in r.stderr
    r = run("cohort", "--format", "json", db=spaces["cat"].db_path)
    assert r.exit_code == 1 and json.loads(r.stdout) == []


def test_undone_reviews_do_not_count(three):
    con = sqlite3.connect(three.db_path)
    (rid,) = con.execute("SELECT id FROM review_log WHERE learner = 'ann' AND rating = 1 "
                         "AND reviewed_at > ?", (_ts(NOW - timedelta(days=90)),)).fetchone()
    con.execute("INSERT INTO review_log (learner, skill_id, check_id, reviewed_at, rating, kind, undoes, card_after) "
                "VALUES ('ann', 'algebra', '1', ?, 1, 'undo', ?, '{}')", (_ts(NOW - timedelta(days=1)), rid))
    con.commit()
    con.close()
    ann = next(r for r in cohort(three, now=NOW).rows if r.learner == "ann")
    assert (ann.reviews, ann.retention) == (3, 1.0)
