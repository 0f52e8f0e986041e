"""First-run setup from the command line: all or nothing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import NOW, as_json


def test_setup_stores_everything_and_marks_prior_knowledge(run):
    r = run("setup", "--weekly-hours", "8", "--study-days", "MO,WE,SA=3", "--known", "regression,bayes",
            "--timezone", "Europe/Berlin", "--target", "basics=2028-06-30")
    assert r.exit_code == 0, r.output
    for key, want in (("weekly_hours", "8"), ("study_days", "MO,WE,SA=3"), ("timezone", "Europe/Berlin"),
                      ("target.basics", "2028-06-30")):
        out = run("config", key)
        assert want in out.output, (key, out.output)
    counts = as_json(run("status", "--format", "json"))["counts"]
    assert counts["learned"] == 5  # regression, algebra, calculus, bayes, probability
    assert "Marked 5 skills learned as prior knowledge" in r.output


def test_setup_with_any_bad_value_writes_nothing(run):
    r = run("setup", "--weekly-hours", "8", "--study-days", "MO,XX", "--known", "regresion")
    assert r.exit_code == 2
    assert "XX" in r.output and "regresion" in r.output and "did you mean regression" in r.output
    assert "Traceback" not in r.output
    st = as_json(run("status", "--format", "json"))
    assert st["counts"]["learned"] == 0
    assert "10" in run("config", "weekly_hours").output


def test_bad_target_is_named(run):
    r = run("setup", "--target", "basics")
    assert r.exit_code == 2 and "MILESTONE=YYYY-MM-DD" in r.output


def _process(db_path, small_path, *args: str) -> subprocess.CompletedProcess:
    """``roadmap ARGS`` in a real subprocess (exit code and stderr exactly as a user sees them)."""
    env = {"ROADMAP_DB": str(db_path), "ROADMAP_CURRICULUM": str(small_path), "ROADMAP_NOW": NOW.isoformat(),
           "PATH": os.environ.get("PATH", ""), "TZ": "UTC", "HOME": str(db_path.parent)}
    return subprocess.run([sys.executable, "-m", "roadmap", *args], capture_output=True, text=True, env=env,
                          timeout=120)


class _Result:
    """What the tests read of a run: ``returncode``, ``stdout`` and ``stderr`` (as a CompletedProcess has)."""

    def __init__(self, result):
        self.returncode, self.stdout, self.stderr = result.exit_code, result.stdout, result.stderr


def _cli(db_path, small_path, *args: str) -> _Result:
    """``roadmap ARGS`` through click in this process, stderr kept apart from stdout (the first test below
    checks the same wording from a real process)."""
    from click.testing import CliRunner

    from roadmap.cli import cli

    env = {"ROADMAP_DB": str(db_path), "ROADMAP_CURRICULUM": str(small_path), "ROADMAP_NOW": NOW.isoformat()}
    return _Result(CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False))


def test_setup_names_every_problem_at_once(db_path, small_path, run):
    p = _process(db_path, small_path, "setup", "--weekly-hours", "x", "--study-days", "ZZ", "--timezone", "Nope",
             "--target", "nope=2028-13-01", "--known", "zzz")
    assert p.returncode == 2, p.stderr
    err = p.stderr
    assert "Traceback" not in err
    assert err.startswith("roadmap: setup not saved (nothing was changed):\n")
    for piece in ("'x' is not a number", "'ZZ' is not a study day", "unknown time zone 'Nope'",
                  "unknown milestone 'nope'", "'2028-13-01' is not a date", "unknown skill id 'zzz'"):
        assert piece in err, (piece, err)
    assert "10" in run("config", "weekly_hours").output  # nothing was written


@pytest.mark.parametrize("hours, days, hint", [
    ("0.5", "MO,SA=3", "raise weekly_hours to at least 3"),
    ("4", "SA=3,SU=3", "raise weekly_hours to at least 6"),
    ("3", "MO,SA=3", "leaving no time for MO"),
])
def test_setup_refuses_fixed_day_hours_beyond_the_weekly_hours(db_path, small_path, run, hours, days, hint):
    p = _cli(db_path, small_path, "setup", "--weekly-hours", hours, "--study-days", days)
    assert p.returncode == 2 and hint in p.stderr and "setup not saved" in p.stderr, p.stderr
    assert run("config", "study_days").output.strip() == "MO,TU,WE,TH,FR,SA,SU"


def test_config_refuses_what_setup_refuses_and_any_order_reaches_a_valid_state(db_path, small_path, run):
    p = _cli(db_path, small_path, "config", "study_days", "SA=6,SU=6")  # weekly_hours is 10
    assert p.returncode == 2 and "raise weekly_hours to at least 12" in p.stderr, p.stderr
    assert run("config", "weekly_hours", "12").exit_code == 0
    assert run("config", "study_days", "SA=6,SU=6").exit_code == 0
    assert run("config", "study_days", "MO,SA=6,SU=6").exit_code == 2  # nothing left for Monday
    p = _cli(db_path, small_path, "config", "weekly_hours", "11")
    assert p.returncode == 2 and "more than weekly_hours (11)" in p.stderr
    assert run("config", "weekly_hours").output.strip() == "12"


def test_setup_target_dates_past_repeated_and_several(db_path, small_path, run):
    p = _cli(db_path, small_path, "setup", "--target", "basics=2020-01-01")
    assert p.returncode == 2 and "is in the past (today is 2026-11-29)" in p.stderr, p.stderr
    p = _cli(db_path, small_path, "setup", "--target", "basics=2028-01-01", "--target", "basics=2029-01-01")
    assert p.returncode == 2 and "--target basics is given twice" in p.stderr, p.stderr
    r = run("setup", "--target", "basics=2026-11-29", "--target", "all=2028-01-01")  # today is not past
    assert r.exit_code == 0, r.output
    assert run("config", "target.basics").output.strip() == "2026-11-29"
    assert run("config", "target.all").output.strip() == "2028-01-01"
    r = run("config", "target.all", "2026-11-28")  # config refuses a past date as setup does
    assert r.exit_code == 2 and "target.all 2026-11-28 is in the past" in r.stderr, r.output
    assert run("config", "target.all").output.strip() == "2028-01-01"


@pytest.mark.parametrize("name", ["", "localtime", "posixrules", "Factory", "posix/Europe/Berlin"])
def test_setup_refuses_names_that_are_no_iana_zone(db_path, small_path, run, name):
    p = _cli(db_path, small_path, "setup", "--timezone", name)
    assert p.returncode == 2 and "timezone:" in p.stderr and "Traceback" not in p.stderr, p.stderr
    assert run("config", "timezone").output.strip() == "system"
    assert run("config", "timezone", name).exit_code == (0 if name == "" else 2)


def test_setup_stores_system_when_asked(run):
    assert run("setup", "--timezone", "system").exit_code == 0
    assert run("config", "timezone").output.strip() == "system"


def test_setup_and_config_agree_on_today_before_the_day_rollover(db_path, small_path, run):
    """Between midnight and the rollover hour (04:00) today is still the previous study day, for both."""
    at = "2026-03-02T02:00:00+01:00"  # 02:00 in Berlin: study day 1 March
    r = run("setup", "--timezone", "Europe/Berlin", "--target", "basics=2026-03-01", now=at)
    assert r.exit_code == 0, r.output
    assert run("config", "target.all", "2026-03-01", now=at).exit_code == 0
    r = run("config", "target.all", "2026-02-28", now=at)
    assert r.exit_code == 2 and "today is 2026-03-01" in r.stderr
