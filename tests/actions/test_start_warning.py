"""`start` before the prerequisites: allowed, with a warning that names them; `learn` still refuses."""

from __future__ import annotations

import pytest
from roadmap.actions import skills
from roadmap.progress import PrerequisitesMissing, load_statuses
from roadmap.status import Status

from conftest import NOW, both_engines

pytestmark = both_engines  # storage tests: each runs on an SQLite file and on PostgreSQL


def test_start_before_prerequisites_returns_the_warning(ws):
    (c,) = skills.set_status(ws, ["backprop"], Status.IN_PROGRESS, now=NOW)
    assert c.after == Status.IN_PROGRESS and c.changed
    assert c.missing_prerequisites == ("algebra", "calculus", "regression")
    (ok,) = skills.set_status(ws, ["probability"], Status.IN_PROGRESS, now=NOW)
    assert ok.missing_prerequisites == ()
    with pytest.raises(PrerequisitesMissing):
        skills.set_status(ws, ["backprop"], Status.LEARNED, now=NOW)


def test_cli_start_warns_on_stderr_and_learn_refuses(run):
    r = run("start", "backprop")
    assert r.exit_code == 0
    assert "backprop" in r.stdout and "Warning" not in r.stdout
    assert "Warning: started backprop before 3 prerequisites: algebra, calculus, regression" in r.stderr
    r = run("learn", "backprop")
    assert r.exit_code == 2 and "--force" in r.stderr
