"""Load: many learners recording reviews and study time at once, on PostgreSQL (team mode) and on SQLite.

Usage (from the repository root, PostgreSQL installed; see tests/pg.py):

    python benchmarks/pg_load.py                        # 50 learners, 10 processes, 60 s, both engines
    python benchmarks/pg_load.py --seconds 15 --engine postgresql
    python benchmarks/pg_load.py --learners 6 --processes 3 --seconds 3 --json

What it does
------------
PostgreSQL: starts a throwaway server (tests/pg.py: ``initdb`` + ``pg_ctl`` in a temporary folder),
creates the schema and one login role per learner as the superuser (the administrator), through
:mod:`roadmap.actions.admin` (``roadmap admin init`` / ``add-learner``); row-level security keeps each
learner to their own rows.
SQLite: one database file per learner (the single-user layout: a file holds one learner).

Each of ``--processes`` worker processes owns ``learners / processes`` learners (one learner is one
person: never written by two processes at once), connects as each of them (their own role), and
first marks 30 skills learned 30 days ago through :func:`roadmap.actions.skills.set_status`, so their
cards are due. When every worker is ready, all start together and for ``--seconds`` each picks one of
its learners at random and records either a review of a due card (:func:`roadmap.actions.review.review`)
or study time (:func:`roadmap.actions.skills.log_time`, with hours unique to that write), timing each
call. A write counts as confirmed when the action returns; any exception is an error surfaced to the
user. At the end the confirmed writes are compared with the rows in the database: the review-log ids
returned and the study-session hours written, per learner. Lost = confirmed but missing, duplicated =
present more than once or never confirmed.

Prints writes/s (all processes together) and p50/p95 latency per write in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEARNED = 30  # skills each learner has learned (30 days before the run) -> their due cards


def _tests_pg():
    """tests/pg.py, the throwaway-server helper the test suite uses (the product does not depend on it)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import pg

    return pg


# --- worker ----------------------------------------------------------------------------------------------------

def _setup_learner(ws) -> list[tuple[str, str]]:
    """Mark the first skills learned 30 days ago (if not yet); return the learner's due cards (skill, check)."""
    from sqlmodel import select

    from roadmap.actions.skills import set_status
    from roadmap.models import ReviewCard
    from roadmap.status import Status

    with ws.read() as s:
        have = s.exec(select(ReviewCard.skill_id, ReviewCard.check_id)).all()
    if not have:
        ids = list(ws.curriculum.skills)[:LEARNED]
        set_status(ws, ids, Status.LEARNED, now=datetime.now(UTC) - timedelta(days=30), force=True)
    now = datetime.now(UTC)
    with ws.read() as s:
        return [tuple(r) for r in s.exec(select(ReviewCard.skill_id, ReviewCard.check_id)
                                         .where(ReviewCard.due <= now).order_by(ReviewCard.due)).all()]


def worker(spec: dict) -> dict:
    """Run one worker: set up its learners, say ``ready``, wait for ``go`` on stdin, write for the time given."""
    from roadmap.actions.review import review
    from roadmap.actions.skills import log_time
    from roadmap.workspace import Workspace

    rnd = random.Random(spec["seed"])
    spaces = {name: Workspace(loc, None) for name, loc in spec["learners"].items()}
    cards = {name: _setup_learner(ws) for name, ws in spaces.items()}
    skills = {name: sorted({s for s, _ in c}) for name, c in cards.items()}
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return {}
    reviews: list[tuple[str, int]] = []
    logs: list[tuple[str, float]] = []
    latency: list[float] = []
    errors: list[str] = []
    n = 0
    start = time.monotonic()
    deadline = start + spec["seconds"]
    names = sorted(spaces)
    while time.monotonic() < deadline:
        who = rnd.choice(names)
        ws = spaces[who]
        n += 1
        t0 = time.perf_counter()
        try:
            if cards[who] and rnd.random() < 0.5:
                sid, cid = cards[who].pop(0)
                out = review(ws, sid, rnd.choice((1, 2, 3, 3, 3, 4)), now=datetime.now(UTC), check_id=cid)
                latency.append(time.perf_counter() - t0)
                reviews.append((who, out.outcome.log_id))
            else:
                hours = round(0.25 + (spec["index"] * 1_000_000 + n) * 1e-7, 9)
                log_time(ws, rnd.choice(skills[who]), hours, now=datetime.now(UTC))
                latency.append(time.perf_counter() - t0)
                logs.append((who, hours))
        except Exception as e:  # every failure is one the user would see
            errors.append(f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
    elapsed = time.monotonic() - start
    for ws in spaces.values():
        ws.close()
    return {"reviews": reviews, "logs": logs, "latency": latency, "errors": errors, "elapsed": elapsed}


# --- driver ----------------------------------------------------------------------------------------------------

def _stored_postgres(server, dbname: str):
    with server.connect(dbname) as con:
        reviews = con.execute("SELECT learner, id FROM review_log WHERE kind = 'review'").fetchall()
        logs = con.execute("SELECT learner, hours FROM study_session").fetchall()
    return reviews, logs


def _stored_sqlite(files: dict[str, Path]):
    import sqlite3

    reviews, logs = [], []
    for name, path in files.items():
        con = sqlite3.connect(path)
        reviews += [(name, i) for (i,) in con.execute("SELECT id FROM review_log WHERE kind = 'review'")]
        logs += [(name, h) for (h,) in con.execute("SELECT hours FROM study_session")]
        con.close()
    return reviews, logs


def _compare(confirmed: list, stored: list) -> tuple[int, int]:
    """(lost, duplicated): confirmed writes missing from the rows; rows beyond (or besides) the confirmed."""
    want, have = Counter(confirmed), Counter(stored)
    lost = sum((want - have).values())
    dup = sum((have - want).values())
    return lost, dup


def run(engine: str, *, learners: int, processes: int, seconds: float, server=None, seed: int = 1) -> dict:
    """Run the load once on ``engine`` (``postgresql`` or ``sqlite``); return the figures (see the module doc).

    ``server`` is a running tests/pg.py server to use (one is started and stopped otherwise).
    """
    pg = _tests_pg() if engine == "postgresql" else None
    own_server = False
    tmp = Path(tempfile.mkdtemp(prefix="roadmap-load-"))
    names = [f"learner{i:03d}_{os.getpid()}" for i in range(learners)]
    if engine == "postgresql":
        if server is None:
            server = pg.start_server()
            if isinstance(server, str):
                raise SystemExit(f"cannot run on PostgreSQL: {server}")
            own_server = True
        dbname = server.create_database("load")
        from roadmap.actions import admin

        admin.init(server.url(dbname))  # `roadmap admin init` / `add-learner`, as the administrator
        for n in names:
            admin.add_learner(server.url(dbname), n)
        where = {n: server.url(dbname, user=n) for n in names}
    else:
        where = {n: str(tmp / f"{n}.db") for n in names}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    env.pop("ROADMAP_NOW", None)
    procs = []
    try:
        for i in range(processes):
            mine = {n: where[n] for n in names[i::processes]}
            spec = {"learners": mine, "seconds": seconds, "seed": seed * 1000 + i, "index": i}
            procs.append(subprocess.Popen([sys.executable, __file__, "--worker", json.dumps(spec)], env=env,
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=tmp))
        for p in procs:  # wait until every worker has set up its learners
            line = p.stdout.readline().strip()
            if line != "ready":
                raise RuntimeError(f"a worker failed to start (said {line!r}); exit code {p.wait()}")
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        results = []
        for p in procs:
            out, _ = p.communicate()
            if p.returncode:
                raise RuntimeError(f"a worker exited with {p.returncode}")
            results.append(json.loads(out.strip().splitlines()[-1]))
        if engine == "postgresql":
            stored_reviews, stored_logs = _stored_postgres(server, dbname)
        else:
            stored_reviews, stored_logs = _stored_sqlite({n: Path(p) for n, p in where.items()})
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        if engine == "postgresql":
            server.drop_database(dbname)
            with server.connect() as con:
                for n in names:
                    con.execute(f'DROP ROLE IF EXISTS "{n}"')
            if own_server:
                server.stop()
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    confirmed_reviews = [tuple(r) for res in results for r in res["reviews"]]
    confirmed_logs = [(w, round(h, 9)) for res in results for w, h in res["logs"]]
    lost_r, dup_r = _compare(confirmed_reviews, [tuple(r) for r in stored_reviews])
    lost_l, dup_l = _compare(confirmed_logs, [(w, round(h, 9)) for w, h in stored_logs])
    elapsed = max(res["elapsed"] for res in results)  # the writing time, setup and verification left out
    lat = sorted(x for res in results for x in res["latency"])
    errors = [e for res in results for e in res["errors"]]
    writes = len(confirmed_reviews) + len(confirmed_logs)
    q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [lat[0] if lat else 0.0] * 99
    return {"engine": engine, "learners": learners, "processes": processes, "seconds": round(elapsed, 1),
            "writes": writes, "reviews": len(confirmed_reviews), "study_sessions": len(confirmed_logs),
            "writes_per_s": round(writes / elapsed, 1) if elapsed else 0.0,
            "p50_ms": round(1000 * q[49], 1), "p95_ms": round(1000 * q[94], 1),
            "lost": lost_r + lost_l, "duplicated": dup_r + dup_l, "errors": len(errors),
            "error_kinds": dict(Counter(errors).most_common(5))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", choices=["postgresql", "sqlite", "both"], default="both")
    ap.add_argument("--learners", type=int, default=50)
    ap.add_argument("--processes", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--json", action="store_true", help="Print the figures as JSON lines.")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))), flush=True)
        return 0
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up (server, roles, files) on a kill too
    engines = ["postgresql", "sqlite"] if args.engine == "both" else [args.engine]
    rows = [run(e, learners=args.learners, processes=args.processes, seconds=args.seconds) for e in engines]
    if args.json:
        for r in rows:
            print(json.dumps(r))
    else:
        print("| engine | learners | processes | seconds | writes | writes/s | p50 ms | p95 ms | lost | duplicated "
              "| errors |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            print(f"| {r['engine']} | {r['learners']} | {r['processes']} | {r['seconds']} | {r['writes']} | "
                  f"{r['writes_per_s']} | {r['p50_ms']} | {r['p95_ms']} | {r['lost']} | {r['duplicated']} | "
                  f"{r['errors']} |")
            if r["error_kinds"]:
                print(f"  errors: {r['error_kinds']}")
    return 1 if any(r["lost"] or r["duplicated"] or r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
