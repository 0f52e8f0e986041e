"""Several processes rating the same skill at once on the live clock: each rates a different check,
none is refused as a clock going back, and every confirmed rating is in the log."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_parallel_reviews_of_one_skill_each_rate_their_own_check(tmp_path):
    db = tmp_path / "p.db"
    env = {k: v for k, v in os.environ.items() if k != "ROADMAP_NOW"}
    env["ROADMAP_DB"] = str(db)
    cmd = [sys.executable, "-m", "roadmap"]
    learn = subprocess.run(cmd + ["learn", "python"], env=dict(env, ROADMAP_NOW="2025-01-01T09:00:00+01:00"),
                           capture_output=True, text=True, cwd=tmp_path)
    assert learn.returncode == 0, learn.stderr
    procs = [subprocess.Popen(cmd + ["review", "python", "--rating", "good"], env=env, cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    assert [code for code, _, _ in outs] == [0, 0, 0, 0], [err for _, _, err in outs]
    rated = sorted(out.split(":")[0] for _, out, _ in outs)
    with sqlite3.connect(db) as con:
        rows = sorted(f"{s}/{c}" for s, c in con.execute(
            "SELECT skill_id, check_id FROM review_log WHERE kind = 'review'"))
    assert rows == rated and len(set(rows)) == 4  # four different checks, each confirmed and stored
