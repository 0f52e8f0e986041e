"""Nothing lost: concurrent writers, killed processes, migrations of real data, export/import,
curriculum changes under existing progress."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from roadmap import review, store
from roadmap.models import ReviewCard, ReviewLog, SkillProgress, Status, StudySession
from roadmap.progress import load_statuses, orphaned, set_status
from roadmap.settings import Settings
from roadmap.store import StoreError, open_database
from roadmap.workspace import Workspace

from conftest import NOW, SMALL, as_json

FIXTURES = Path(__file__).parent / "fixtures"

WRITER = r"""
import sys
from datetime import UTC, datetime, timedelta
from roadmap import studylog
from roadmap.workspace import Workspace
ws = Workspace(sys.argv[1], sys.argv[2])
tag, n = sys.argv[3], int(sys.argv[4])
t0 = datetime(2026, 11, 29, tzinfo=UTC)
for i in range(n):
    with ws.write() as s:
        row = studylog.log_time(s, "algebra", 0.25, now=t0 + timedelta(seconds=i, microseconds=int(tag)))
        s.flush()
        rid = row.id
    print(rid, flush=True)
"""


@pytest.mark.slow  # ~4 s: writer processes
def test_two_processes_writing_at_once_lose_nothing(db_path):
    open_database(db_path).dispose()
    n = 60
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), str(SMALL), str(tag), str(n)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for tag in (1, 2)]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert "locked" not in err
    ids = [int(x) for out, _ in outs for x in out.split()]
    assert len(ids) == 2 * n == len(set(ids))
    ws = Workspace(db_path, SMALL)
    with ws.read() as s:
        assert len(s.exec(select(StudySession)).all()) == 2 * n
    ws.close()


@pytest.mark.slow
def test_killed_in_the_middle_of_writes_leaves_a_consistent_database(db_path, tmp_path):
    """SIGKILL a writer at a random point after it has confirmed (printed after commit) 1-40 rows,
    eight times: every confirmed row is there and the database is intact. The test waits for the
    confirmations it needs, not for a time, so a loaded machine only makes it slower."""
    open_database(db_path).dispose()
    rng = random.Random(7)
    committed: set[int] = set()
    for round_ in range(8):
        wanted = rng.randint(1, 40)
        errors = tmp_path / f"writer-{round_}.err"
        with open(errors, "w") as err:
            p = subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), str(SMALL), str(rng.randint(1, 999)),
                                  "100000"], stdout=subprocess.PIPE, stderr=err, text=True)
        seen = []
        while len(seen) < wanted:
            line = p.stdout.readline()
            if not line:  # the writer ended before confirming enough rows
                p.wait()
                pytest.fail(f"writer exited with {p.returncode} after {len(seen)} rows: {errors.read_text()}")
            seen.append(int(line))
        os.kill(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        assert p.returncode == -signal.SIGKILL
        committed |= set(seen) | {int(x) for x in out.split()}
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    present = {r[0] for r in con.execute("SELECT id FROM study_session")}
    con.close()
    assert len(committed) >= 8 and committed <= present
    open_database(db_path).dispose()  # opens normally afterwards


@pytest.mark.parametrize("rev", sorted(p.stem.split("_")[1] for p in FIXTURES.glob("rev_*.sql")))
def test_fixture_of_each_revision_upgrades_with_every_row(tmp_path, rev):
    db = tmp_path / "old.db"
    con = sqlite3.connect(db)
    con.executescript((FIXTURES / f"rev_{rev}.sql").read_text())
    tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name != 'alembic_version'")]
    columns = {t: [r[1] for r in con.execute(f"PRAGMA table_info({t})")] for t in tables}
    before = {t: con.execute(f"SELECT {', '.join(columns[t])} FROM {t}").fetchall() for t in tables}
    old_cards = con.execute("SELECT skill_id, state, stability, difficulty, due, last_review, reviews FROM review_card"
                            ).fetchall() if "review_card" in tables and "check_id" not in columns["review_card"] else []
    con.close()
    open_database(db).dispose()
    con = sqlite3.connect(db)
    for table, rows in before.items():  # every row, every column it had, kept as it was
        assert con.execute(f"SELECT {', '.join(columns[table])} FROM {table}").fetchall() == rows, table
    if rev < "0005" and "review_card" in tables:  # a skill's card becomes its whole-skill card; log rows whole-skill
        assert con.execute("SELECT DISTINCT check_id FROM review_card").fetchall() in ([], [("",)])
        assert con.execute("SELECT count(*) FROM review_log WHERE check_id IS NOT NULL").fetchone() == (0,)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == store.SCHEMA_HEAD
    con.close()
    assert bool(store.list_backups(db)) == (rev != store.SCHEMA_HEAD)  # a backup before each upgrade
    ws = Workspace(db)  # and the bundled curriculum reads it
    with ws.read() as s:
        assert load_statuses(s, ws.curriculum)["linear-algebra"] == Status.LEARNED
        # each check of a learned skill reviews from the skill's old card: the same state, nothing lost
        checks = review.check_states(s, now=NOW, settings=Settings(timezone="UTC"), skills=ws.curriculum.skills)
        by_check = {(i.skill_id, i.check_id): i for i in checks}
        for skill_id, _state, stability, _difficulty, due, _last, _reviews in old_cards:
            ids = review.check_ids_of(ws.curriculum.skills[skill_id])
            assert {c for (sid, c) in by_check if sid == skill_id} == set(ids)
            for c in ids:
                assert by_check[(skill_id, c)].stability == stability
                assert by_check[(skill_id, c)].due_day.isoformat() == due[:10]
    ws.close()


def test_foreign_database_bytes_untouched(tmp_path):
    p = tmp_path / "contacts.db"
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE contacts (name TEXT)")
    con.commit()
    con.close()
    before = p.read_bytes()
    with pytest.raises(StoreError, match="not a roadmap one"):
        open_database(p)
    assert p.read_bytes() == before
    assert not Path(str(p) + "-wal").exists()


def test_locked_database_is_a_clear_error_not_a_traceback(run, db_path, monkeypatch):
    assert run("learn", "algebra").exit_code == 0
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 300)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        r = run("learn", "calculus")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert r.exit_code == 2 and "busy" in r.stderr and "nothing was changed" in r.stderr
    assert as_json(run("status", "--format", "json"))["counts"]["learned"] == 1


def _history(ws):
    s0 = Settings(timezone="UTC")
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra", "calculus"], Status.LEARNED, now=NOW, settings=s0)
        set_status(s, ws.curriculum, ["probability"], Status.IN_PROGRESS, now=NOW, settings=s0)
    for i, r in enumerate([3, 1, 4]):
        with ws.write() as s:
            review.record(s, "algebra", r, check_id="1", now=NOW + timedelta(days=3 + 5 * i), settings=s0, duration_seconds=30)
    with ws.write() as s:
        review.undo_last(s, now=NOW + timedelta(days=14))


def test_export_import_round_trip(ws, tmp_path, run):
    _history(ws)
    run("log", "probability", "45m")
    run("off", "add", "2026-12-24", "2027-01-02", "--note", "holidays")
    run("config", "weekly_hours", "6")
    doc = as_json(run("export"))
    assert doc["format"] == "roadmap-export" and doc["version"] == 3
    assert [e["kind"] for e in doc["review_log"]] == ["learn"] * 4 + ["review", "review", "review", "undo"]
    assert [e["check"] for e in doc["review_log"]] == ["1", "2", "1", "2", "1", "1", "1", "1"]
    assert doc["review_log"][-1]["undoes_index"] == 6
    path = tmp_path / "e.json"
    path.write_text(json.dumps(doc))
    fresh = tmp_path / "fresh.db"
    later = NOW + timedelta(days=60)  # the history above runs two weeks past NOW: import it after that
    assert run("import", str(path), db=fresh, now=later).exit_code == 0
    assert as_json(run("export", db=fresh)) == doc
    again = run("import", str(path), db=fresh, now=later)
    assert "nothing new" in again.output
    assert as_json(run("export", db=fresh)) == doc
    with Workspace(fresh, tmp_path / "small.toml").read() as s:
        cards = {c.skill_id: (c.due, c.reviews) for c in s.exec(select(ReviewCard)).all()}
    with ws.read() as s:
        assert cards == {c.skill_id: (c.due, c.reviews) for c in s.exec(select(ReviewCard)).all()}


@pytest.mark.parametrize("content,reason", [
    ("not json", "not JSON"),
    ('{"format": "something-else", "version": 1}', "not a roadmap export"),
    ('{"format": "roadmap-export", "version": 99}', "version 99 is not supported"),
    ('{"format": "roadmap-export", "version": 1, "progress": [{"skill": "a", "status": "done"}]}',
     "progress[0]: status must be one of"),
    ('{"format": "roadmap-export", "version": 1, "review_log": [{"skill": "a", "at": "2026-01-01T00:00:00Z",'
     ' "kind": "review", "rating": 9, "card_after": {}}]}', "review_log[0]: rating must be 1 or 2 or 3 or 4"),
    ('{"format": "roadmap-export", "version": 1, "settings": {"weekly_hours": "-4"}}', "settings.weekly_hours"),
])
def test_malformed_import_refused_with_reason_and_nothing_written(run, tmp_path, content, reason):
    run("learn", "algebra")
    before = as_json(run("export"))
    p = tmp_path / "bad.json"
    p.write_text(content)
    r = run("import", str(p))
    assert r.exit_code == 2 and reason in r.stderr and "Traceback" not in r.output
    assert as_json(run("export")) == before


def test_renamed_skill_keeps_its_history(ws, small_path, db_path):
    _history(ws)
    ws.close()
    small_path.write_text(small_path.read_text().replace('id = "algebra"', 'id = "linear-algebra"\nrenamed_from = ["algebra"]')
                          .replace('"algebra"', '"linear-algebra"').replace('renamed_from = ["linear-algebra"]',
                                                                           'renamed_from = ["algebra"]'))
    w2 = Workspace(db_path, small_path)
    with w2.read() as s:  # reading with the renamed curriculum moves nothing...
        assert s.get(ReviewCard, ("algebra", "1")) is not None
        assert load_statuses(s, w2.curriculum)["linear-algebra"] == Status.LEARNED  # ...but shows it renamed
    w2.apply_renames()  # as the app does when it opens, and any command that writes
    with w2.read() as s:
        st = load_statuses(s, w2.curriculum)
        assert st["linear-algebra"] == Status.LEARNED and "algebra" not in st
        assert s.get(ReviewCard, ("linear-algebra", "1")).reviews == 2  # three reviews, the last undone
        assert {r.skill_id for r in s.exec(select(ReviewLog)).all()} == {"linear-algebra", "calculus"}
    w2.close()


def test_removed_skill_is_kept_and_orphaned(ws, small_path, db_path, run):
    _history(ws)
    ws.close()
    text = small_path.read_text()
    start = text.index('[[skill]]\nid = "probability"')
    end = text.index("[[skill]]", start + 5)
    small_path.write_text(text[:start] + text[end:].replace('requires = ["probability"]', "requires = []"))
    status = as_json(run("status", "--format", "json"))
    assert status["orphaned"] == ["probability"]
    with Workspace(db_path).read() as s:
        assert s.get(SkillProgress, "probability").status == "in_progress"


def test_new_prerequisite_does_not_unlearn(ws, small_path, db_path, run):
    _history(ws)
    ws.close()
    small_path.write_text(small_path.read_text().replace('requires = []\ndescription = "Vectors',
                                                         'requires = ["probability"]\ndescription = "Vectors'))
    status = as_json(run("status", "--format", "json"))
    assert status["counts"]["learned"] == 2
    assert "algebra" in {d["id"] for d in as_json(run("due", "--format", "json", now=NOW + timedelta(days=40)))}


def test_orphaned_card_is_not_due(ws, small_path, run):
    _history(ws)
    ws.close()
    text = small_path.read_text()
    start = text.index('[[skill]]\nid = "calculus"')
    end = text.index("[[skill]]", start + 5)
    small_path.write_text(text[:start] + text[end:].replace('["algebra", "calculus"]', '["algebra"]'))
    due = as_json(run("due", "--all", "--format", "json", now=NOW + timedelta(days=60)))
    assert [(d["id"], d["check"]) for d in due] == [("algebra", "1"), ("algebra", "2")]
    counts = [f["count"] for f in as_json(run("forecast", "--format", "json", now=NOW + timedelta(days=60)))]
    assert counts[0] == 2 and sum(counts) == 2


def test_stale_preview_is_refused(ws):
    _history(ws)
    t = NOW + timedelta(days=30)
    s0 = Settings(timezone="UTC")
    with ws.read() as s:
        shown = review.preview(s, "calculus", check_id="1", now=t, settings=s0)
    with ws.write() as s:
        review.record(s, "calculus", 4, check_id="1", now=t, settings=s0)  # reviewed elsewhere meanwhile
    with ws.write() as s, pytest.raises(review.StalePreviewError):
        review.record(s, "calculus", 1, check_id="1", now=t + timedelta(seconds=30), settings=s0,
                      expected_due_day=shown[1].due_day)
    with ws.read() as s:
        assert s.get(ReviewCard, ("calculus", "1")).reviews == 1


def test_undone_reviews_do_not_count_for_streak_or_retention(ws):
    _history(ws)
    with ws.read() as s:
        counts = review.history_counts(s, settings=Settings(timezone="UTC"), since=NOW)
        ret, n = review.retention_achieved(s, since=NOW)
    assert sum(counts.values()) == 2 and n == 2 and ret == 0.5


def test_orphan_listing(ws):
    _history(ws)
    assert orphaned(ws.curriculum, {"gone": Status.LEARNED, "algebra": Status.LEARNED}) == ["gone"]


def _doc_with_log(entries):
    return json.dumps({"format": "roadmap-export", "version": 1, "review_log": entries})


CARD = {"card_id": 1, "state": 2, "step": None, "stability": 2.3, "difficulty": 5.0,
        "due": "2026-01-03T04:00:00+00:00", "last_review": "2026-01-01T10:00:00+00:00"}


@pytest.mark.parametrize("entries,reason", [
    ([{"skill": "a", "at": "2026-01-01T10:00:00Z", "kind": "learn", "rating": 3,
       "card_after": {**CARD, "due": "0001-01-01T00:00:00+00:00"}}], "outside the years"),
    ([{"skill": "a", "at": "2026-01-01T10:00:00Z", "kind": "learn", "rating": 3,
       "card_after": {**CARD, "stability": -5}}], "stability must be a positive number"),
    ([{"skill": "a", "at": "2026-01-01T10:00:00Z", "kind": "learn", "rating": 3,
       "card_after": {**CARD, "last_review": "2026-01-01T10:00:00"}}], "has no UTC offset"),
    ([{"skill": "a", "at": "2026-01-01T10:00:00Z", "kind": "review", "rating": 0, "card_before": CARD,
       "card_after": CARD}], "rating must be"),
    ([{"skill": "a", "at": "2026-01-01T10:00:00Z", "kind": "review", "rating": True, "card_before": CARD,
       "card_after": CARD}], "rating must be"),
    ([{"skill": "a", "at": "2026-01-01T10:00:00Z", "kind": "undo", "rating": 0, "card_before": CARD,
       "card_after": CARD}], "names undoes_index"),
    ([{"skill": "a", "at": "9999-12-31T23:59:59-05:00", "kind": "learn", "rating": 3, "card_after": CARD}],
     "not an ISO 8601 time"),
])
def test_import_refuses_data_that_would_break_later(run, tmp_path, entries, reason):
    p = tmp_path / "bad.json"
    p.write_text(_doc_with_log(entries))
    r = run("import", str(p))
    assert r.exit_code == 2 and reason in r.stderr, r.stderr


def test_import_refuses_deep_or_huge_json(run, tmp_path):
    for content in ("[" * 100_000 + "]" * 100_000, '{"format": "roadmap-export", "version": ' + "9" * 5000 + "}"):
        p = tmp_path / "x.json"
        p.write_text(content)
        r = run("import", str(p))
        assert r.exit_code == 2 and "Traceback" not in r.output


def test_identical_entries_at_one_instant_survive_a_round_trip(run, tmp_path):
    run("learn", "algebra")
    later = NOW + timedelta(days=3)
    run("review", "algebra/1", "--rating", "good", now=later)
    run("undo", now=later)
    run("review", "algebra/1", "--rating", "good", now=later)   # same check, time, rating as the undone one
    doc = as_json(run("export"))
    p = tmp_path / "e.json"
    p.write_text(json.dumps(doc))
    fresh = tmp_path / "fresh.db"
    run("import", str(p), db=fresh, now=later)
    assert as_json(run("export", db=fresh)) == doc
    assert [d["check"] for d in as_json(run("due", "--format", "json", now=later, db=fresh))] == ["2"]


def test_importing_an_older_history_does_not_roll_cards_back(run, tmp_path):
    run("learn", "algebra", now=NOW - timedelta(days=10))
    run("review", "algebra/1", "--rating", "again", now=NOW - timedelta(days=7))
    old = tmp_path / "old.json"
    old.write_text(run("export").stdout)
    newer = tmp_path / "newer.db"
    run("learn", "algebra", now=NOW - timedelta(days=9), db=newer)
    run("review", "algebra/1", "--rating", "easy", now=NOW - timedelta(days=2), db=newer)
    before = as_json(run("due", "--all", "--format", "json", now=NOW + timedelta(days=1), db=newer))
    run("import", str(old), db=newer)
    after = as_json(run("due", "--all", "--format", "json", now=NOW + timedelta(days=1), db=newer))
    assert after == before   # the newest review (Easy, 2 days ago) still decides the card
    assert "1" not in [d["check"] for d in after]


def test_output_never_overwrites_the_database(run, db_path, tmp_path):
    run("learn", "algebra")
    for args in (["export", "-o", str(db_path)], ["graph", "-o", str(db_path)],
                 ["week", "--format", "markdown", "-o", str(db_path) + "-wal"]):
        r = run(*args)
        assert r.exit_code == 2 and "refusing to write over the database" in r.stderr
    assert as_json(run("status", "--format", "json"))["counts"]["learned"] == 1
    r = run("export", "-o", "")
    assert r.exit_code == 2 and "--output is empty" in r.stderr


def test_a_failed_export_keeps_the_old_file(run, tmp_path, monkeypatch):
    out = tmp_path / "backup.json"
    out.write_text("previous backup")
    import os as os_mod

    def fail(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os_mod, "fsync", fail)
    r = run("export", "-o", str(out))
    assert r.exit_code == 2 and "No space left" in r.stderr and "left as it was" in r.stderr
    assert out.read_text() == "previous backup"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".backup")] == []


def test_undo_skips_reviews_that_can_no_longer_be_undone(run):
    run("learn", "algebra", "calculus")
    t = NOW + timedelta(days=3)
    run("review", "algebra", "--rating", "good", now=t)
    run("review", "calculus", "--rating", "good", now=t + timedelta(minutes=1))
    run("reset", "calculus", now=t + timedelta(minutes=2))
    r = run("undo", now=t + timedelta(minutes=3))
    assert "Undid the good review of algebra" in r.output
