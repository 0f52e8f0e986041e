"""First-run setup from the command line: all or nothing."""

from __future__ import annotations

import json

from conftest import as_json


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
