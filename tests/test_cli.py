"""CLI round trips on a temporary database, exit codes, and the JSON interface."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from conftest import NOW, as_json


def test_validate_bundled_and_small(run):
    r = run("validate", curriculum=None)
    assert r.exit_code == 0 and "ok —" in r.output and "skills" in r.output
    r = run("validate")
    assert "6 skills, 4 prerequisites, 2 categories, 2 milestones" in r.output


def test_validate_bad_file_exit_2_every_problem(run, tmp_path):
    bad = tmp_path / "bad.toml"
    text = (tmp_path / "small.toml").read_text()
    bad.write_text(text.replace('requires = ["regression"]\ndescription = "Gradients',
                                'requires = ["regresion", "backprop"]\ndescription = "Gradients'))
    r = run("validate", str(bad))
    assert r.exit_code == 2
    assert "did you mean 'regression'?" in r.stderr
    assert "requires itself" in r.stderr
    assert "Traceback" not in r.output


def test_cyclic_curriculum_in_use_exit_2(run, tmp_path, small_path):
    small_path.write_text(small_path.read_text().replace('requires = []\ndescription = "Vectors',
                                                         'requires = ["backprop"]\ndescription = "Vectors'))
    r = run("status")
    assert r.exit_code == 2
    assert "prerequisite cycle: algebra -> regression -> backprop -> algebra" in r.stderr


def test_learn_status_plan_round_trip(run):
    assert run("learn", "algebra", "calculus").exit_code == 0
    status = as_json(run("status", "--format", "json"))
    assert status["counts"] == {"not_started": 4, "in_progress": 0, "learned": 2, "skipped": 0}
    basics = next(m for m in status["milestones"] if m["id"] == "basics")
    assert (basics["done"], basics["required"]) == (2, 3)
    plan = as_json(run("plan", "--format", "json"))
    assert [p["id"] for p in plan] == ["regression", "backprop", "probability", "bayes"]
    assert set(plan[0]) >= {"id", "name", "category", "hours", "status"}
    nxt = as_json(run("next", "-n", "1", "--format", "json"))
    assert [p["id"] for p in nxt] == ["regression"]


def test_plan_all_lists_every_skill_id_after_the_plan(run):
    assert run("learn", "algebra").exit_code == 0 and run("skip", "calculus").exit_code == 0
    everything = as_json(run("plan", "--all", "--format", "json"))
    assert [p["id"] for p in everything][-2:] == ["algebra", "calculus"]  # after the plan, in file order
    assert [(p["status"], p["hours"]) for p in everything[-2:]] == [("learned", 0.0), ("skipped", 0.0)]
    assert [p["id"] for p in everything[:-2]] == [p["id"] for p in as_json(run("plan", "--format", "json"))]
    text = run("plan", "--all").stdout
    assert "Learned or skipped: 2 skills" in text and "algebra" in text.split("Learned or skipped")[1]
    unknown = run("learn", "nothing-like-any-id")
    assert unknown.exit_code == 2 and "`roadmap plan --all` lists the skill ids" in unknown.stderr


def test_learn_refused_without_prerequisites(run):
    r = run("learn", "backprop")
    assert r.exit_code == 2
    assert "algebra, calculus, regression" in r.stderr and "--force" in r.stderr
    assert as_json(run("status", "--format", "json"))["counts"]["learned"] == 0
    assert run("learn", "--force", "backprop").exit_code == 0


def test_unknown_id_suggests(run):
    r = run("start", "algebre")
    assert r.exit_code == 2 and "did you mean algebra" in r.stderr


def test_start_skip_reset(run):
    assert run("start", "probability").exit_code == 0
    assert run("skip", "algebra").exit_code == 0
    status = as_json(run("status", "--format", "json"))["counts"]
    assert status["in_progress"] == 1 and status["skipped"] == 1
    assert run("reset", "algebra", "probability").exit_code == 0
    assert as_json(run("status", "--format", "json"))["counts"]["not_started"] == 6


def test_week_json_shape_and_budget(run):
    assert run("config", "weekly_hours", "7").exit_code == 0
    week = as_json(run("week", "--from", "2026-11-30", "--format", "json"))
    days = week["days"]
    assert [d["date"] for d in days][0] == "2026-11-30" and len(days) == 7
    assert all(set(d) >= {"date", "hours", "blocks", "reviews", "review_minutes", "off"} for d in days)
    assert abs(sum(d["hours"] for d in days) - 7) < 0.05
    assert days[0]["blocks"] == [{"skill": "algebra", "hours": 0.5}, {"skill": "calculus", "hours": 0.5}]


def test_week_text_fits_80_columns(run):
    r = run("week")
    assert r.exit_code == 0 and "From Sun 29 Nov 2026" in r.output
    assert max(len(line) for line in r.output.splitlines()) <= 80


def test_config(run):
    r = run("config")
    assert r.exit_code == 0 and "weekly_hours" in r.output and "desired_retention" in r.output
    assert run("config", "weekly_hours").output.strip() == "10"
    r = run("config", "weekly_hours", "-3")
    assert r.exit_code == 2 and "0.5 to 168" in r.stderr
    r = run("config", "weekly_hour", "3")
    assert r.exit_code == 2 and "did you mean weekly_hours" in r.stderr
    assert run("config", "desired_retention", "0.5").exit_code == 2
    assert run("config", "timezone", "Mars/Base").exit_code == 2
    assert run("config", "timezone", "Europe/Berlin").exit_code == 0
    assert run("config", "--unset", "timezone").exit_code == 0
    assert run("config", "timezone").output.strip() == "system"


def test_bad_roadmap_now(run):
    r = run("status", now="yesterday")
    # status does not read the clock; learn does
    r = run("learn", "algebra", now="yesterday")
    assert r.exit_code == 2 and "ROADMAP_NOW" in r.stderr and "ISO 8601" in r.stderr
    r = run("learn", "algebra", now="2026-01-01T10:00:00")
    assert r.exit_code == 2 and "no UTC offset" in r.stderr


def test_bad_from_date(run):
    r = run("week", "--from", "2026-13-01")
    assert r.exit_code == 2 and "YYYY-MM-DD" in r.stderr


def test_due_review_undo_forecast(run):
    run("learn", "algebra")
    assert as_json(run("due", "--format", "json")) == []
    later = NOW + timedelta(days=5)
    due = as_json(run("due", "--format", "json", now=later))
    assert [(d["id"], d["check"]) for d in due] == [("algebra", "1"), ("algebra", "2")]  # one item per check
    assert set(due[0]) >= {"id", "name", "check", "prompt", "due", "retrievability"} and 0 < due[0]["retrievability"] < 1
    assert due[0]["prompt"] == "What is a rank?"
    r = run("review", "algebra", "--rating", "good", now=later)
    assert r.exit_code == 0 and "next review" in r.output and r.output.startswith("algebra/1: good")
    assert "early" not in r.output  # it was due
    assert [d["check"] for d in as_json(run("due", "--format", "json", now=later))] == ["2"]
    assert "Undid the good review of algebra" in run("undo", now=later).output
    assert len(as_json(run("due", "--format", "json", now=later))) == 2
    fc = as_json(run("forecast", "--days", "3", "--format", "json", now=later))
    assert fc[0] == {"date": "2026-12-04", "count": 2} and len(fc) == 3
    r = run("review", "algebra", "--rating", "great", now=later)
    assert r.exit_code == 2 and "again, hard, good, easy" in r.stderr
    r = run("review", "calculus", "--rating", "good", now=later)
    assert r.exit_code == 2 and "only learned skills are reviewed" in r.stderr


def test_a_review_before_the_due_day_says_it_is_early(run):
    run("learn", "algebra")
    at = NOW + timedelta(hours=1)
    weakest = as_json(run("status", "--format", "json", now=at))["memory"][0]["weakest_check"]
    r = run("review", "algebra", "--rating", "good", now=at)  # nothing due yet: the weakest check, as status says
    assert r.exit_code == 0 and r.output.startswith(f"algebra/{weakest}: good")
    assert "an early review: it was not due until " in r.output and "2026" in r.output


@pytest.mark.slow
def test_works_from_any_directory_with_installed_package(tmp_path, db_path):
    """The console script, run from an unrelated directory, finds the bundled curriculum and migrations."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROADMAP_")}
    env.update(ROADMAP_DB=str(db_path), ROADMAP_NOW=NOW.isoformat())
    exe = [sys.executable, "-c", "from roadmap.cli import main; main()"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = subprocess.run(exe + ["learn", "python"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    out = subprocess.run(exe + ["status", "--format", "json"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert json.loads(out.stdout)["counts"]["learned"] == 1


def test_no_traceback_on_bad_db_path(run, tmp_path):
    r = run("status", db=tmp_path / "missing" / "x.db")
    assert r.exit_code == 2 and "does not exist" in r.stderr


def test_now_is_reported_in_utc(run):
    """ROADMAP_NOW with any offset is the same instant, and what is written down is UTC."""
    assert run("learn", "algebra", now="2026-11-29T21:00:00+09:00").exit_code == 0
    doc = as_json(run("export", now="2026-11-29T07:30:00-04:30"))
    assert doc["exported_at"] == "2026-11-29T12:00:00Z"
    assert [e["at"] for e in doc["status_events"] if e["skill"] == "algebra"] == ["2026-11-29T12:00:00Z"]


def test_status_shows_memory_and_fading(run):
    run("learn", "algebra", "calculus")
    run("review", "algebra", "--rating", "again", now=NOW + timedelta(days=3))
    status = as_json(run("status", "--format", "json", now=NOW + timedelta(days=20)))
    mem = {m["id"]: m for m in status["memory"]}
    assert set(mem) == {"algebra", "calculus"}
    assert all(0 < m["retrievability"] < 1 for m in mem.values())
    assert mem["algebra"]["fading"] and mem["calculus"]["fading"]
    r = run("status", now=NOW + timedelta(days=20))
    assert "fading: " in r.output and "algebra" in r.output


def test_fixed_study_days_note(run):
    r = run("config", "study_days", "SA=3,SU=2")
    assert r.exit_code == 0 and "weekly_hours (10) is not used" in r.output


def test_undo_with_nothing_to_undo_exits_1(db_path, small_path, run):
    env = {**os.environ, "ROADMAP_DB": str(db_path), "ROADMAP_CURRICULUM": str(small_path),
           "ROADMAP_NOW": NOW.isoformat()}
    p = subprocess.run([sys.executable, "-m", "roadmap", "undo"], capture_output=True, text=True, env=env,
                       timeout=120)
    assert p.returncode == 1 and p.stdout == ""
    assert p.stderr == "roadmap: nothing to undo: no review left to undo (none recorded, or all undone already)\n"
    run("learn", "algebra")
    later = NOW + timedelta(days=5)
    assert run("review", "algebra", "--rating", "good", now=later).exit_code == 0
    assert run("undo", now=later).exit_code == 0
    assert run("undo", now=later).exit_code == 1  # that one is undone already


def test_the_command_list_shows_logs_whole_summary():
    from click.testing import CliRunner

    from roadmap.cli import cli

    out = CliRunner().invoke(cli, ["--help"]).output
    assert "log         Record study time (90m, 1h30m, 1:30); --undo takes it back.\n" in out


def test_with_nothing_due_the_weakest_check_is_rated_ties_going_to_the_earlier_due_day():
    from datetime import date

    from roadmap.actions.review import _pick
    from roadmap.review import DueItem

    today = date(2026, 11, 30)
    items = [DueItem("algebra", date(2026, 12, 9), 0.95, 0, 3.0, 5.0, "a"),
             DueItem("algebra", date(2026, 12, 4), 0.95, 0, 3.0, 5.0, "b")]  # same memory, b due first
    assert _pick("algebra", items, today) == "b"  # the check `status` names as weakest, not the first id
