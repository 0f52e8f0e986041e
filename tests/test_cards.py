"""One review card per check: learning, the queue of checks, the cap and time off everywhere, undo within a
session, the terminal session, notes, curriculum changes, older exports."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta

from click.testing import CliRunner
from sqlmodel import select

from roadmap import review
from roadmap.actions import due_count
from roadmap.models import ReviewCard, ReviewLog, Status
from roadmap.progress import set_status
from roadmap.settings import Settings

from conftest import NOW, as_json, both_engines, on_postgres

pytestmark = both_engines  # storage tests: each runs on an SQLite file and on PostgreSQL

S = Settings(timezone="UTC")


def invoke(db, curriculum, *args, now=NOW, input=None):
    from roadmap.cli import cli

    env = {"ROADMAP_DB": str(db), "ROADMAP_CURRICULUM": str(curriculum), "ROADMAP_NOW": now.isoformat()}
    return CliRunner().invoke(cli, list(args), env=env, input=input, catch_exceptions=False)


def test_learning_puts_each_check_into_review_spread_over_days(ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW, settings=S)
    with ws.read() as s:
        cards = s.exec(select(ReviewCard).order_by(ReviewCard.check_id)).all()
        states = review.card_states(s, now=NOW + timedelta(days=2), settings=S, skills=ws.curriculum.skills)
    assert [c.check_id for c in cards] == ["1", "2"]
    assert len({c.due.date() for c in cards}) == 2  # not all on one day
    memory = states["algebra"]
    with ws.read() as s:
        items = review.check_states(s, now=NOW + timedelta(days=2), settings=S, skills=ws.curriculum.skills)
    weakest = min(items, key=lambda i: i.retrievability)
    assert memory.checks == 2 and memory.weakest == weakest.check_id == "1"
    assert abs(memory.retrievability - sum(i.retrievability for i in items) / 2) < 1e-12  # the mean


def test_rating_order_is_strict_when_the_cap_allows(ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW, settings=S)
    t = NOW
    for days in (3, 10, 30):
        t += timedelta(days=days)
        with ws.read() as s:
            out = review.preview(s, "algebra", check_id="1", now=t, settings=S)
        assert out[2].interval_days < out[3].interval_days < out[4].interval_days
        with ws.write() as s:
            review.record(s, "algebra", 3, check_id="1", now=t, settings=S)
    with ws.read() as s:  # at the maximum interval the cap wins
        out = review.preview(s, "algebra", check_id="1", now=t + timedelta(days=60),
                             settings=replace(S, max_interval_days=5))
    assert out[3].interval_days <= 5 and out[4].interval_days == 5


def test_undo_in_a_session_never_reaches_reviews_from_before(ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW - timedelta(days=70), settings=S)
    with ws.write() as s:
        old = review.record(s, "algebra", 3, check_id="1", now=NOW - timedelta(days=60), settings=S)
    with ws.write() as s:
        assert review.undo_last(s, now=NOW, only=[]) is None  # a session with no rating yet
        assert review.undo_last(s, now=NOW, only=[old.log_id + 100]) is None
    with ws.write() as s:
        new = review.record(s, "algebra", 2, check_id="2", now=NOW, settings=S)
    with ws.write() as s:
        assert review.undo_last(s, now=NOW, only=[new.log_id]).id == new.log_id
    with ws.write() as s:
        assert review.undo_last(s, now=NOW, only=[new.log_id]) is None  # and not a second time
    with ws.read() as s:
        assert s.exec(select(ReviewLog).where(ReviewLog.undoes == old.log_id)).first() is None


def test_review_durations_have_a_floor():
    assert review.review_seconds(0.1) is None and review.review_seconds(1.9) is None
    assert review.review_seconds(12.34) == 12.3


def test_the_cap_counts_checks_and_what_it_moves_is_not_due_again(ws, db_path, small_path):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra", "calculus", "probability"], Status.LEARNED,
                   now=NOW - timedelta(days=20), settings=S)
        from roadmap import settings_store

        settings_store.set_value(s, "daily_review_cap", "4")
        settings_store.set_value(s, "timezone", "UTC")
    q = as_json(invoke(db_path, small_path, "due", "--format", "json"))
    assert len(q) == 4 and {"check", "prompt", "id", "name", "due", "retrievability"} <= set(q[0])
    ids = [d["id"] for d in q]
    assert ids == sorted(ids, key=ids.index) and ids[0] == ids[1]  # a skill's checks together
    answers = "".join("\ngood\n" for _ in q)
    r = invoke(db_path, small_path, "review", input=answers)
    assert r.exit_code == 0, r.output
    assert "4 checks reviewed" in r.output and "2 more moved to the next days" in r.output
    assert "no answer key — check against the resources" in r.output
    assert "Resources:\n  - MML: https://mml-book.github.io/" in r.output  # not run on from the answer key
    assert as_json(invoke(db_path, small_path, "due", "--format", "json")) == []
    # the sqlite3 fast path of `due --count`; on PostgreSQL it declines (None) and the full path answers
    assert due_count.count_due(db_path, due_count.curriculum_skill_ids(small_path), NOW) == \
        (None if on_postgres(db_path) else 0)
    from roadmap.actions.today import overview

    ov = overview(ws, now=NOW)
    assert ov.due == [] and ov.moved == 2
    fc = as_json(invoke(db_path, small_path, "forecast", "--format", "json", "--days", "2"))
    assert [f["count"] for f in fc] == [0, 2]


def test_time_off_defers_reviews_in_due_today_and_the_week(ws, db_path, small_path):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW - timedelta(days=20), settings=S)
    assert invoke(db_path, small_path, "off", "add", NOW.date().isoformat(),
                  (NOW.date() + timedelta(days=1)).isoformat()).exit_code == 0
    assert as_json(invoke(db_path, small_path, "due", "--format", "json")) == []
    # the sqlite3 fast path of `due --count`; on PostgreSQL it declines (None) and the full path answers
    assert due_count.count_due(db_path, due_count.curriculum_skill_ids(small_path), NOW) == \
        (None if on_postgres(db_path) else 0)
    from roadmap.actions.today import overview

    ov = overview(ws, now=NOW)
    assert ov.due == [] and ov.day_off and ov.moved == 2
    fc = as_json(invoke(db_path, small_path, "forecast", "--format", "json", "--days", "3"))
    assert [f["count"] for f in fc] == [0, 0, 2]
    assert len(as_json(invoke(db_path, small_path, "due", "--format", "json", now=NOW + timedelta(days=2)))) == 2


def test_terminal_session_reveal_rate_undo_and_stop(ws, db_path, small_path):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW - timedelta(days=10), settings=S)
        old = review.record(s, "algebra", 3, check_id="1", now=NOW - timedelta(days=9), settings=S)
    # u before any rating: nothing of this session; then reveal, rate, undo, reveal, a bad rating, easy, stop
    r = invoke(db_path, small_path, "review", input="u\n\nhard\nu\n\nmaybe\neasy\nq\n")
    assert r.exit_code == 0, r.output
    out = r.output
    assert "Nothing to undo in this session" in out and "Undid the hard rating of algebra/" in out
    assert "is not one of again, hard, good, easy" in out and "easy: next review" in out
    assert "1 check reviewed (1 easy)" in out
    with ws.read() as s:
        assert s.exec(select(ReviewLog).where(ReviewLog.undoes == old.log_id)).first() is None
    # a pipe that ends mid-session stops cleanly (a real subprocess, stdin a pipe)
    env = {"ROADMAP_DB": str(db_path), "ROADMAP_CURRICULUM": str(small_path), "ROADMAP_NOW": NOW.isoformat(),
           "PATH": "", "TZ": "UTC"}
    p = subprocess.run([sys.executable, "-m", "roadmap", "review"], input="\n3\n", capture_output=True, text=True,
                       env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "1 check reviewed (1 good)" in p.stdout


def test_review_skill_alone_rates_its_most_at_risk_due_check(ws, db_path, small_path):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW - timedelta(days=3), settings=S)
    r = invoke(db_path, small_path, "review", "algebra", "--rating", "good")
    assert r.exit_code == 0 and r.output.startswith("algebra/1: good")  # due first, so least retrievable
    r = invoke(db_path, small_path, "review", "algebra/2", "--rating", "again")
    assert r.exit_code == 0 and r.output.startswith("algebra/2: again")
    r = invoke(db_path, small_path, "review", "algebra/9", "--rating", "good")
    assert r.exit_code == 2 and "no check '9'" in r.output


def test_notes_are_kept_shown_and_exported(ws, db_path, small_path, tmp_path):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW - timedelta(days=10), settings=S)
    assert invoke(db_path, small_path, "note", "algebra", "--text", "Rank = pivots.").exit_code == 0
    assert invoke(db_path, small_path, "note", "algebra", "--show").output.strip() == "Rank = pivots."
    r = invoke(db_path, small_path, "review", input="\nq\n")
    assert "Your notes:" in r.output and "Rank = pivots." in r.output
    doc = as_json(invoke(db_path, small_path, "export"))
    assert doc["notes"] == [{"skill": "algebra", "text": "Rank = pivots.", "updated_at": "2026-11-29T12:00:00Z"}]
    p = tmp_path / "e.json"
    p.write_text(json.dumps(doc))
    fresh = tmp_path / "fresh.db"
    assert invoke(fresh, small_path, "import", str(p)).exit_code == 0
    assert as_json(invoke(fresh, small_path, "export")) == doc


def test_a_version_1_export_imports_and_its_checks_review_from_the_skill_card(ws, db_path, small_path, tmp_path):
    card = {"card_id": 1, "state": 2, "step": None, "stability": 2.3065, "difficulty": 2.118103970459016,
            "due": "2026-11-20T04:00:00+00:00", "last_review": "2026-11-18T19:00:00+00:00"}
    doc = {"format": "roadmap-export", "version": 1, "exported_at": "2026-11-20T00:00:00Z", "settings": {},
           "progress": [{"skill": "algebra", "status": "learned", "started_at": None,
                         "learned_at": "2026-11-18T19:00:00Z", "skipped_at": None,
                         "updated_at": "2026-11-18T19:00:00Z"}],
           "status_events": [{"skill": "algebra", "status": "learned", "at": "2026-11-18T19:00:00Z"}],
           "study_sessions": [], "time_off": [],
           "review_log": [{"skill": "algebra", "at": "2026-11-18T19:00:00Z", "rating": 3, "kind": "learn",
                           "duration_seconds": None, "undoes_index": None, "card_before": None,
                           "card_after": card}]}
    p = tmp_path / "v1.json"
    p.write_text(json.dumps(doc))
    assert invoke(db_path, small_path, "import", str(p)).exit_code == 0
    due = as_json(invoke(db_path, small_path, "due", "--format", "json"))
    assert [(d["id"], d["check"], d["due"]) for d in due] == [("algebra", "1", "2026-11-20"),
                                                            ("algebra", "2", "2026-11-20")]
    assert invoke(db_path, small_path, "review", "algebra/2", "--rating", "good").exit_code == 0
    with ws.read() as s:
        assert s.get(ReviewCard, ("algebra", "2")).reviews == 1
        assert s.get(ReviewCard, ("algebra", "")) is not None  # check 1 still reviews from it
    due = as_json(invoke(db_path, small_path, "due", "--format", "json"))
    assert [d["check"] for d in due] == ["1"]
    again = as_json(invoke(db_path, small_path, "export"))
    fresh = tmp_path / "fresh.db"
    p.write_text(json.dumps(again))
    assert invoke(fresh, small_path, "import", str(p)).exit_code == 0
    assert as_json(invoke(fresh, small_path, "export")) == again


def test_checks_added_removed_and_renamed_later(ws, db_path, small_path):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW - timedelta(days=10), settings=S)
        review.record(s, "algebra", 4, check_id="2", now=NOW - timedelta(days=5), settings=S)
    ws.close()
    mml = 'resources = [{ title = "MML", url = "https://mml-book.github.io/" }]'
    text = small_path.read_text().replace(
        'checks = ["What is a rank?", "Derive the normal equations."]\n' + mml,
        mml + '\n\n[[skill.check]]\nid = "normal-equations"\nrenamed_from = "2"\n'
        'prompt = "Derive the normal equations."\nanswer = "Set the gradient of |Ax - b|^2 to zero: A^T A x = A^T b."\n'
        '\n[[skill.check]]\nid = "null-space"\nprompt = "What is a null space?"\nanswer = "All x with Ax = 0."\n', 1)
    assert "null-space" in text
    small_path.write_text(text)
    from roadmap.workspace import Workspace

    w = Workspace(db_path, small_path)
    w.apply_renames()  # what the app does when it opens, and every write before it writes
    with w.read() as s:
        cards = {c.check_id: c for c in s.exec(select(ReviewCard).where(ReviewCard.skill_id == "algebra")).all()}
        logs = s.exec(select(ReviewLog.check_id, ReviewLog.kind).where(ReviewLog.skill_id == "algebra")).all()
        items = review.check_states(s, now=NOW, settings=S, skills=w.curriculum.skills)
    w.close()
    assert set(cards) == {"1", "normal-equations", "null-space"}  # removed "1" kept (orphaned), renamed, added
    assert cards["normal-equations"].reviews == 1  # the history followed the rename
    assert cards["null-space"].reviews == 0 and ("null-space", "learn") in logs
    assert {i.check_id for i in items} == {"normal-equations", "null-space"}  # the orphaned check is not shown
