"""Cohort scale: ``roadmap cohort`` for a mentor of 1 000 learners x 90 skills x 2 years of reviews, on PostgreSQL.

Usage (from the repository root, PostgreSQL installed; see tests/pg.py):

    python benchmarks/cohort_scale.py                 # 1 000 learners, median of 5 runs
    python benchmarks/cohort_scale.py --learners 100 --runs 3

Starts a throwaway server, creates the schema as the superuser (the administrator), fills it with
COPY as the superuser: per learner, 90 skills of the bundled curriculum (a random share learned,
two in progress, some of them for months), two review cards per learned skill, about two years of
explicit reviews (one every few days per card: about 1 300 per learner), a study session every two
or three days, a weekly budget and a target date. Then a ``mentor`` role that mentors every learner
times :func:`roadmap.actions.cohort.cohort` (after one warm-up call that also loads the curriculum),
and prints the median and the spread.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import signal
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
DAYS = 730


def fill(con, curriculum, learners: int, seed: int = 1) -> dict:
    """COPY the rows of ``learners`` learners into the (migrated) database; return row counts."""
    rnd = random.Random(seed)
    skills = list(curriculum.skills)[:90]
    milestone = curriculum.milestones[0].id
    counts = {"skill_progress": 0, "review_card": 0, "review_log": 0, "study_session": 0, "setting": 0}
    start = NOW - timedelta(days=DAYS)
    rows: dict[str, list] = {k: [] for k in counts}
    plans = {}
    for i in range(learners):
        who = f"l{i:04d}"
        learned = rnd.randint(10, 80)
        plans[who] = skills[:learned]
        for k, sid in enumerate(skills[:learned]):
            at = start + timedelta(days=k * (DAYS - 30) / max(1, learned))
            rows["skill_progress"].append((who, sid, "learned", at, at, at))
        for sid in skills[learned:learned + 2]:
            at = NOW - timedelta(days=rnd.randint(1, 120))
            rows["skill_progress"].append((who, sid, "in_progress", at, None, at))
        rows["setting"].append((who, "weekly_hours", json.dumps(str(rnd.choice((5, 8, 10, 15))))))
        rows["setting"].append((who, f"target.{milestone}",
                                json.dumps((NOW + timedelta(days=rnd.randint(-30, 200))).date().isoformat())))
        for k, sid in enumerate(plans[who]):
            first = start + timedelta(days=k * (DAYS - 30) / max(1, learned))
            for check in ("1", "2"):
                at, n = first, 0
                while True:
                    at += timedelta(days=rnd.uniform(3, 40))
                    if at >= NOW:
                        break
                    rows["review_log"].append((who, sid, check, at, rnd.choice((1, 3, 3, 3, 3, 4)), "review", "{}"))
                    n += 1
                rows["review_card"].append((who, sid, check, 2, 20.0, 5.0, at, at - timedelta(days=20), n))
        at = start
        while at < NOW:
            rows["study_session"].append((who, rnd.choice(plans[who]), at, rnd.choice((0.5, 1.0, 1.5, 2.0))))
            at += timedelta(days=rnd.uniform(2, 3))
    columns = {"skill_progress": "learner, skill_id, status, started_at, learned_at, updated_at",
               "setting": "learner, key, value",
               "review_card": "learner, skill_id, check_id, state, stability, difficulty, due, last_review, reviews",
               "review_log": "learner, skill_id, check_id, reviewed_at, rating, kind, card_after",
               "study_session": "learner, skill_id, at, hours"}
    with con.cursor() as cur:
        for table, cols in columns.items():  # one COPY at a time on a connection
            with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
                for r in rows[table]:
                    cp.write_row(r)
            counts[table] = len(rows[table])
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--learners", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tests"))
    import pg

    from roadmap import curriculum as curriculum_mod
    from roadmap.actions.cohort import cohort
    from roadmap.workspace import Workspace

    server = pg.start_server()
    if isinstance(server, str):
        print(f"cannot run: {server}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server on a kill too (finally below)
    try:
        dbname = server.create_database("cohort")
        from roadmap.actions import admin

        admin.init(server.url(dbname))
        cur = curriculum_mod.load(None)
        t0 = time.perf_counter()
        with server.connect(dbname) as con:
            counts = fill(con, cur, args.learners)
            # The mentor is a learner (`roadmap admin add-learner`); the 1 000 mentees are rows only (no
            # roles needed to hold data), assigned with COPY rather than 1 000 `roadmap admin assign` calls.
            admin.add_learner(server.url(dbname), "mentor")
            with con.cursor() as c, c.copy("COPY mentorship (mentor, mentee) FROM STDIN") as cp:
                for i in range(args.learners):
                    cp.write_row(("mentor", f"l{i:04d}"))
            con.execute("VACUUM ANALYZE")
        fill_s = time.perf_counter() - t0
        ws = Workspace(server.url(dbname, user="mentor"), None)
        view = cohort(ws, now=NOW)  # warm-up: curriculum, connection
        assert len(view.rows) == args.learners, len(view.rows)
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            cohort(ws, now=NOW)
            times.append(time.perf_counter() - t)
        ws.close()
    finally:
        server.stop()
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    print(f"rows: {counts} (filled in {fill_s:.0f} s)")
    print(f"cohort of {args.learners} learners: median {statistics.median(times):.3f} s "
          f"(min {min(times):.3f}, max {max(times):.3f}, {args.runs} runs) on {cpu}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
