"""Export and import (roadmap.transfer): whatever the app writes, it reads back."""

from __future__ import annotations

import codecs
import json
from datetime import timedelta

import pytest

from roadmap import review, transfer
from roadmap.models import Status
from roadmap.progress import set_status
from roadmap.settings import Settings
from roadmap.studylog import log_study

from conftest import NOW, as_json, both_engines

pytestmark = both_engines  # storage tests: each runs on an SQLite file and on PostgreSQL

S = Settings(timezone="UTC")


def _export_text(ws) -> str:
    with ws.read() as s:
        return json.dumps(transfer.export_document(s, now=NOW), ensure_ascii=False, indent=2)


def test_a_byte_order_mark_is_accepted_as_text_and_as_bytes(ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW, settings=S)
    text = _export_text(ws)
    plain = transfer.parse_document(text)
    assert transfer.parse_document("\ufeff" + text) == plain
    assert transfer.parse_document(codecs.BOM_UTF8 + text.encode()) == plain
    assert transfer.parse_document(text.encode()) == plain


def test_import_of_a_file_with_a_byte_order_mark(run, tmp_path):
    """Editors on Windows save UTF-8 with a BOM: `roadmap import` takes such a file."""
    run("learn", "algebra")
    run("log", "calculus", "45m")
    doc = as_json(run("export"))
    path = tmp_path / "backup.json"
    path.write_bytes(codecs.BOM_UTF8 + json.dumps(doc, ensure_ascii=False).encode())
    fresh = tmp_path / "fresh.db"
    r = run("import", str(path), db=fresh)
    assert r.exit_code == 0, r.output
    assert as_json(run("export", db=fresh)) == doc


def test_bytes_that_are_not_utf8_are_refused_with_a_reason():
    with pytest.raises(transfer.TransferError, match="not UTF-8"):
        transfer.parse_document(b'{"format": "roadmap-export", "note": "\xfc"}')


def test_identical_status_changes_and_sessions_at_one_instant_survive_a_round_trip(ws, tmp_path):
    """Learned, reset and learned again within one instant, and the same hours logged twice: all kept."""
    with ws.write() as s:
        for status in (Status.LEARNED, Status.NOT_STARTED, Status.LEARNED):
            set_status(s, ws.curriculum, ["algebra"], status, now=NOW, settings=S, force=True)
        for _ in range(2):
            log_study(s, ws.curriculum, "calculus", 0.5, now=NOW, settings=S)
    text = _export_text(ws)
    from roadmap.workspace import Workspace

    other = Workspace(tmp_path / "other.db", ws.curriculum_path)
    try:
        with other.write() as s:
            added = transfer.import_document(s, transfer.parse_document(text))
        assert added["status_events"] == 4 and added["study_sessions"] == 2
        assert _export_text(other) == text
        with other.write() as s:  # a second import adds nothing
            assert sum(transfer.import_document(s, transfer.parse_document(text)).values()) == 0
        assert _export_text(other) == text
    finally:
        other.close()


def test_the_longest_intervals_up_to_the_last_year_export_and_import(run, tmp_path):
    """max_interval_days 36500 and Easy on every due day: due dates stop at the last year an export holds."""
    assert run("config", "max_interval_days", "36500").exit_code == 0
    assert run("learn", "algebra").exit_code == 0
    now = NOW
    at_the_end = 0
    for _ in range(60):  # up to about a century each: past the year 2999 without the clamp
        at_the_end += now.year == 2999
        if at_the_end > 3:
            break
        items = as_json(run("due", "--all", "--format", "json", now="2999-12-31T12:00:00Z"))
        item = next(i for i in items if i["check"] == "1")
        now = max(now + timedelta(seconds=30), NOW.fromisoformat(item["due"] + "T12:00:00+00:00"))
        r = run("review", "algebra/1", "--rating", "easy", now=now)
        assert r.exit_code == 0, r.output
    assert now.year == 2999
    doc = as_json(run("export", now=now))
    assert max(e["card_after"]["due"] for e in doc["review_log"]) <= f"{review.LAST_DUE_DAY}T23:59:59"
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    r = run("import", str(path), db=fresh, now=now)
    assert r.exit_code == 0, r.output
    assert as_json(run("export", now=now, db=fresh)) == doc
    assert as_json(run("due", "--all", "--format", "json", now="2999-12-31T12:00:00Z", db=fresh)) == \
        as_json(run("due", "--all", "--format", "json", now="2999-12-31T12:00:00Z"))


def test_history_from_the_future_is_refused_and_nothing_is_imported(run, tmp_path):
    """A review dated after now would lock its skill against every later write (a clock going back)."""
    run("learn", "algebra")
    doc = as_json(run("export"))
    doc["review_log"][0]["at"] = "2099-03-01T08:00:00Z"
    path = tmp_path / "future.json"
    path.write_text(json.dumps(doc))
    fresh = tmp_path / "fresh.db"
    r = run("import", str(path), db=fresh)
    assert r.exit_code == 2 and "review_log[0].at" in r.output and "after now" in r.output
    assert as_json(run("status", "--format", "json", db=fresh))["counts"].get("learned", 0) == 0


def test_export_warns_on_stderr_of_history_dated_after_now(run, tmp_path):
    """Rows written with a clock ahead (ROADMAP_NOW) export fine, but every import refuses the file:
    export says so on stderr, with how many rows and the latest date; stdout stays the JSON."""
    later = NOW + timedelta(days=37)
    assert run("learn", "algebra", now=later).exit_code == 0
    assert run("log", "calculus", "1h", now=later + timedelta(hours=1)).exit_code == 0
    r = run("export")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    rows = sum(1 for k in ("status_events", "study_sessions", "review_log") for x in doc[k])
    assert f"Warning: {rows} history rows are dated after now" in r.stderr
    assert f"the latest {later + timedelta(hours=1):%Y-%m-%d %H:%M} UTC" in r.stderr
    out = tmp_path / "ahead.json"
    r = run("export", "-o", str(out))
    assert r.exit_code == 0 and "dated after now" in r.stderr
    assert run("import", str(out), db=tmp_path / "fresh.db").exit_code == 2  # what the warning announces
    r = run("export", now=later + timedelta(hours=2))  # once the clock has caught up: no warning
    assert r.exit_code == 0 and "dated after now" not in r.stderr
