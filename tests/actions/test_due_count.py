"""`roadmap due --count`: the standard-library count equals the length of `roadmap due --format json`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hyp_settings, strategies as st

from roadmap import review, settings_store
from roadmap.actions import due_count
from roadmap.progress import set_status
from roadmap.settings import Settings
from roadmap.status import Status
from roadmap.workspace import Workspace

from conftest import NOW, SMALL

SKILLS = ["algebra", "calculus", "probability"]  # no prerequisites: any of them can be learned
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati", ""]

_TEMPLATE: dict[str, Path] = {}


def _fresh_db(tmp: Path) -> Path:
    """A migrated empty database, copied from one made once (migrating each time is slow)."""
    if "db" not in _TEMPLATE:
        base = Path(tempfile.mkdtemp(prefix="roadmap-due-count-"))
        w = Workspace(base / "template.db", SMALL)
        w.engine  # noqa: B018 - creates and migrates it
        w.close()
        _TEMPLATE["db"] = base / "template.db"
    db = tmp / "roadmap.db"
    shutil.copy(_TEMPLATE["db"], db)
    return db


histories = st.lists(
    st.tuples(st.sampled_from(SKILLS),
              st.integers(min_value=1, max_value=90 * 24),   # learned this many hours before now
              st.lists(st.tuples(st.integers(min_value=1, max_value=4), st.integers(min_value=1, max_value=30 * 24)),
                       max_size=4)),                          # (rating, hours after the previous review)
    max_size=3, unique_by=lambda t: t[0])


@pytest.mark.slow  # ~5 s: 30 random histories through the CLI
@hyp_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=histories, zone=st.sampled_from(ZONES), rollover=st.integers(0, 23), cap=st.integers(1, 3),
       now_shift=st.integers(min_value=0, max_value=60 * 24))
def test_count_equals_the_length_of_the_json_queue(history, zone, rollover, cap, now_shift):
    from click.testing import CliRunner

    from roadmap.cli import cli

    now = NOW + timedelta(hours=now_shift)
    with tempfile.TemporaryDirectory() as tmp:
        db = _fresh_db(Path(tmp))
        ws = Workspace(db, SMALL)
        try:
            with ws.write() as s:
                settings_store.set_value(s, "timezone", zone or "system")
                settings_store.set_value(s, "rollover_hour", str(rollover))
                settings_store.set_value(s, "daily_review_cap", str(cap))
            s0 = Settings(timezone=zone, rollover_hour=rollover, daily_review_cap=cap)
            for skill, learned_hours_ago, reviews in history:
                t = now - timedelta(hours=learned_hours_ago)
                with ws.write() as s:
                    set_status(s, ws.curriculum, [skill], Status.LEARNED, now=t, settings=s0)
                for rating, gap in reviews:
                    t += timedelta(hours=gap)
                    if t > now:
                        break
                    with ws.write() as s:
                        review.record(s, skill, rating, check_id="1", now=t, settings=s0)
        finally:
            ws.close()
        fast = due_count.count_due(db, due_count.curriculum_skill_ids(SMALL), now)
        result = CliRunner().invoke(cli, ["due", "--format", "json"], catch_exceptions=False,
                                    env={"ROADMAP_DB": str(db), "ROADMAP_CURRICULUM": str(SMALL),
                                         "ROADMAP_NOW": now.isoformat(), "TZ": "UTC"})
        assert result.exit_code == 0, result.output
        assert fast == len(json.loads(result.stdout))
        counted = CliRunner().invoke(cli, ["due", "--count"], catch_exceptions=False,
                                     env={"ROADMAP_DB": str(db), "ROADMAP_CURRICULUM": str(SMALL),
                                          "ROADMAP_NOW": now.isoformat(), "TZ": "UTC"})
        assert counted.stdout.strip() == str(fast)  # the full path (click) agrees too


def test_schema_head_is_the_stores():
    from roadmap.store import SCHEMA_HEAD

    assert due_count.SCHEMA_HEAD == SCHEMA_HEAD


def test_removed_skills_are_not_counted(ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra", "calculus"], Status.LEARNED, now=NOW - timedelta(days=30),
                   settings=Settings(timezone="UTC"))
    db = Path(ws.engine.url.database)
    assert due_count.count_due(db, {"algebra": ("1", "2"), "calculus": ("1", "2")}, NOW) == 4  # checks count
    assert due_count.count_due(db, {"algebra": ("1", "2")}, NOW) == 2
    assert due_count.count_due(db, {"algebra": ("1",)}, NOW) == 1  # a removed check is not counted
    assert due_count.count_due(db, {"algebra"}, NOW) == 2  # skill ids only: every stored card of them


def test_unsure_cases_take_the_full_path(tmp_path):
    assert due_count.count_due(tmp_path / "missing.db", {"algebra"}, NOW) is None
    (tmp_path / "not.toml").write_text("this is [not toml")
    assert due_count.curriculum_skill_ids(tmp_path / "not.toml") is None
    assert due_count.curriculum_skill_ids(tmp_path / "missing.toml") is None


def _roadmap(args, env, tmp_path):
    """Run the console entry in a fresh interpreter; report which heavy modules it loaded."""
    code = ("import sys, atexit\n"
            "atexit.register(lambda: sys.stderr.write('LOADED ' + ','.join(m for m in "
            "('sqlmodel', 'sqlalchemy', 'networkx', 'textual', 'click', 'rich') if m in sys.modules) + '\\n'))\n"
            f"sys.argv = ['roadmap'] + {list(args)!r}\n"
            "from roadmap.cli import main\nmain()\n")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=tmp_path)
    loaded = [ln for ln in out.stderr.splitlines() if ln.startswith("LOADED ")][-1][len("LOADED "):]
    return out, set(filter(None, loaded.split(",")))


@pytest.mark.slow  # ~3 s: fresh interpreters
def test_count_command_takes_the_stdlib_path(ws, tmp_path):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra", "calculus", "probability"], Status.LEARNED,
                   now=NOW - timedelta(days=30), settings=Settings(timezone="UTC"))
        settings_store.set_value(s, "daily_review_cap", "2")
    env = dict(os.environ, ROADMAP_DB=str(ws.engine.url.database), ROADMAP_CURRICULUM=str(ws.curriculum_path),
               ROADMAP_NOW=NOW.isoformat())
    out, loaded = _roadmap(["due", "--count"], env, tmp_path)
    assert out.returncode == 0 and out.stdout == "2\n"
    assert not loaded, f"due --count loaded {loaded}"
    out, loaded = _roadmap(["--db", str(ws.engine.url.database), "due", "--format", "json"], env, tmp_path)
    assert len(json.loads(out.stdout)) == 2
    assert "rich" not in loaded and "textual" not in loaded  # JSON output needs no Rich


def test_count_without_a_database_creates_it_and_says_zero(tmp_path):
    env = dict(os.environ, ROADMAP_DB=str(tmp_path / "new.db"), ROADMAP_CURRICULUM=str(SMALL),
               ROADMAP_NOW=NOW.isoformat())
    out, loaded = _roadmap(["due", "--count"], env, tmp_path)
    assert out.returncode == 0 and out.stdout == "0\n" and "sqlmodel" in loaded  # the full path answered


@pytest.mark.slow  # ~3 s: fresh interpreters
def test_an_overlay_takes_the_full_path_and_counts_its_skills(ws, tmp_path):
    """The fast path reads skill ids straight from the TOML; an overlay's skills are those of its merged chain,
    so it falls back to the full path, which leaves out the skill the overlay removes."""
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra", "calculus", "probability"], Status.LEARNED,
                   now=NOW - timedelta(days=30), settings=Settings(timezone="UTC"))
    overlay = tmp_path / "team.toml"
    overlay.write_text(f'extends = "{ws.curriculum_path.name}"\nremove = ["probability"]\n')
    assert due_count.curriculum_skill_ids(overlay) is None
    env = dict(os.environ, ROADMAP_DB=str(ws.engine.url.database), ROADMAP_CURRICULUM=str(overlay),
               ROADMAP_NOW=NOW.isoformat())
    out, loaded = _roadmap(["due", "--count"], env, tmp_path)
    listed, _ = _roadmap(["due", "--format", "json"], env, tmp_path)
    overlay_count = len(json.loads(listed.stdout))
    assert all(i["id"] != "probability" for i in json.loads(listed.stdout))
    assert out.returncode == 0 and out.stdout == f"{overlay_count}\n" and "sqlmodel" in loaded  # the full path
    env["ROADMAP_CURRICULUM"] = str(ws.curriculum_path)
    out, loaded = _roadmap(["due", "--count"], env, tmp_path)
    listed, _ = _roadmap(["due", "--format", "json"], env, tmp_path)
    base_count = len(json.loads(listed.stdout))
    assert base_count > overlay_count
    assert out.stdout == f"{base_count}\n" and not loaded  # the plain base: the standard-library path, history intact


def test_check_ids_are_read_once_per_content(tmp_path, fresh_cache):
    path = tmp_path / "small.toml"
    path.write_bytes(SMALL.read_bytes())
    parsed = due_count.curriculum_skill_ids(path)
    assert parsed == {sid: tuple(c.id for c in sk.check_items) or ("",)
                      for sid, sk in Workspace(None, SMALL).curriculum.skills.items()}
    assert len(list(fresh_cache.glob("check-ids-*.txt"))) == 1
    assert due_count.curriculum_skill_ids(path) == parsed  # from the cache: the same answer
    path.write_bytes(SMALL.read_bytes().replace(b'id = "algebra"', b'id = "algebra2"', 1))
    edited = due_count.curriculum_skill_ids(path)  # other bytes: parsed again, never the old ids
    assert "algebra2" in edited and "algebra" not in edited
    assert len(list(fresh_cache.glob("check-ids-*.txt"))) == 2


def test_a_cache_file_cut_short_is_not_trusted(tmp_path, fresh_cache):
    parsed = due_count.curriculum_skill_ids(SMALL)
    [cached] = fresh_cache.glob("check-ids-*.txt")
    cached.write_text(cached.read_text().split("\n")[0] + "\n")  # one skill, no end mark
    assert due_count.curriculum_skill_ids(SMALL) == parsed


def test_the_cached_study_day_window_gives_the_full_paths_count_around_a_rollover(ws, monkeypatch, fresh_cache):
    from roadmap.days import StudyCalendar, zone

    with ws.write() as s:
        settings_store.set_value(s, "timezone", "Europe/Berlin")
        settings_store.set_value(s, "rollover_hour", "4")
        set_status(s, ws.curriculum, SKILLS, Status.LEARNED, now=NOW - timedelta(days=2),
                   settings=Settings(timezone="Europe/Berlin", rollover_hour=4))
    db = Path(ws.engine.url.database)
    cal = StudyCalendar(zone("Europe/Berlin"), 4)
    end = cal.day_end(cal.study_day(NOW))
    skills = due_count.curriculum_skill_ids(SMALL)

    def full(now):
        from roadmap.actions.review import due

        return len(due(ws, now=now).items)

    for now in (end - timedelta(hours=30), end - timedelta(seconds=1), end, end + timedelta(days=3)):
        first = due_count.count_due(db, skills, now)  # computes (or reuses) the window
        assert due_count.count_due(db, skills, now) == first == full(now)  # cached: the same answer
    assert list(fresh_cache.glob("due-window-*.txt"))
    monkeypatch.setenv("TZ", "Asia/Tokyo")  # the system zone is part of the key
    assert due_count.count_due(db, skills, end) == full(end)
