"""Many processes starting at once on a database that must be created or upgraded.

Each round forks real processes from one runner that has already imported
roadmap (so they reach the database within a millisecond of each other, which
is harsher than shells starting ``roadmap`` one after another). They wait on a
pipe until every one of them exists, then all run one CLI command. After each
round: every process exited 0, every write a process confirmed is in the
database, ``PRAGMA integrity_check`` is ok, and the database was created or
upgraded exactly once.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from roadmap import store

from conftest import NOW

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the runner forks its processes (POSIX only)")

ROUNDS = 20
FIXTURES = Path(__file__).parent / "fixtures"

# Imports roadmap (and what the commands import lazily) once, then reads one job per line on stdin: {"n": processes, "argv": CLI arguments, "dir": output folder}.
# Forks n processes that block on a pipe; closing the pipe's last write end starts them all
# at once. Each runs `roadmap ARGV` with stdout/stderr in DIR/i.out, DIR/i.err; the runner
# answers with one line: the exit codes, in order.
RUNNER = r"""
import json, os, sys, traceback
from roadmap.cli import main
# what the commands import lazily, imported once here so the forked processes are quick
import alembic.command, alembic.script, roadmap.workspace, roadmap.progress, roadmap.review, roadmap.studylog

for line in sys.stdin:
    job = json.loads(line)
    start_r, start_w = os.pipe()
    pids = []
    for i in range(job["n"]):
        pid = os.fork()
        if pid == 0:
            os.close(start_w)
            for fd, name in ((1, f"{i}.out"), (2, f"{i}.err")):
                f = os.open(os.path.join(job["dir"], name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(f, fd)
                os.close(f)
            os.read(start_r, 1)  # returns when every process holds no write end: all start together
            sys.argv = ["roadmap", *job["argv"]]
            code = 0
            try:
                main()
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            except BaseException:
                traceback.print_exc()
                code = 1
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        pids.append(pid)
    os.close(start_r)
    os.close(start_w)
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
    print(json.dumps(codes), flush=True)
"""


class Runner:
    """One runner process; :meth:`round` starts ``n`` processes at once and returns (code, out, err) of each."""

    def __init__(self, tmp_path: Path):
        env = {**os.environ, "ROADMAP_NOW": NOW.isoformat(), "TZ": "UTC", "COLUMNS": "120"}
        for var in ("ROADMAP_DB", "ROADMAP_CURRICULUM"):
            env.pop(var, None)
        self.tmp_path = tmp_path
        self.proc = subprocess.Popen([sys.executable, "-c", RUNNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, env=env, cwd=tmp_path)
        self.rounds = 0

    def round(self, n: int, argv: list[str]) -> list[tuple[int, str, str]]:
        self.rounds += 1
        out_dir = self.tmp_path / f"round{self.rounds}"
        out_dir.mkdir()
        self.proc.stdin.write(json.dumps({"n": n, "argv": argv, "dir": str(out_dir)}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "the runner died"
        codes = json.loads(line)
        return [(code, (out_dir / f"{i}.out").read_text(), (out_dir / f"{i}.err").read_text())
                for i, code in enumerate(codes)]

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


@pytest.fixture
def runner(tmp_path):
    r = Runner(tmp_path)
    yield r
    r.close()


def _check_database(db: Path) -> sqlite3.Connection:
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(store.SCHEMA_HEAD,)]
    return con


def _all_exit_0(results) -> None:
    for i, (code, out, err) in enumerate(results):
        assert code == 0, f"process {i} exited {code}: {out}{err}"


@pytest.mark.slow
def test_parallel_first_starts_create_the_database_once(runner, tmp_path):
    for rnd in range(ROUNDS):
        db = tmp_path / f"new{rnd}.db"
        results = runner.round(12, ["--db", str(db), "learn", "--force", "python"])
        _all_exit_0(results)
        outs = [out for _, out, _ in results]
        assert all(out.startswith("python (Python): ") for out in outs), outs
        confirmed = sum("learned; first review" in out for out in outs)
        assert confirmed + sum("already learned" in out for out in outs) == len(outs), outs
        con = _check_database(db)
        assert con.execute("SELECT status FROM skill_progress WHERE skill_id = 'python'").fetchall() == [("learned",)]
        events = con.execute("SELECT count(*) FROM status_event WHERE skill_id = 'python' AND status = 'learned'")
        assert events.fetchone()[0] == confirmed >= 1, f"round {rnd}: {outs}"
        con.close()
        assert store.list_backups(db) == []  # created, never upgraded


def _one_revision_behind() -> Path:
    older = [p for p in FIXTURES.glob("rev_*.sql") if p.stem.split("_")[1] < store.SCHEMA_HEAD]
    return max(older)


def _rows(con: sqlite3.Connection, columns: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
    """Every row of every table, as tuples of ``columns[table]`` (all columns when not given), so rows
    from before an upgrade that adds columns can be found after it."""
    tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT IN ('alembic_version', 'sqlite_sequence')")]
    out = {}
    for t in tables:
        cols = (columns or {}).get(t) or [c[1] for c in con.execute(f'PRAGMA table_info("{t}")')]
        out[t] = con.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{t}"').fetchall()
    return out


def _columns(con: sqlite3.Connection) -> dict[str, list[str]]:
    tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: [c[1] for c in con.execute(f'PRAGMA table_info("{t}")')] for t in tables}


@pytest.mark.slow
def test_parallel_starts_on_an_older_database_upgrade_it_once_and_lose_no_write(runner, tmp_path):
    fixture = _one_revision_behind().read_text()
    for rnd in range(ROUNDS):
        db = tmp_path / f"old{rnd}.db"
        con = sqlite3.connect(db)
        con.executescript(fixture)
        before, columns = _rows(con), _columns(con)
        con.close()
        results = runner.round(6, ["--db", str(db), "log", "calculus", "10m"])
        _all_exit_0(results)
        confirmed = [out for _, out, _ in results if out.startswith("calculus: logged 10m")]
        assert len(confirmed) == len(results), [r[1:] for r in results]
        con = _check_database(db)
        assert con.execute("SELECT count(*) FROM study_session WHERE skill_id = 'calculus'").fetchone()[0] == 6
        after = _rows(con, columns)
        con.close()
        for table, rows in before.items():
            assert set(rows) <= set(after[table]), f"round {rnd}: rows of {table} lost"
        assert len(store.list_backups(db)) == 1, f"round {rnd}: upgraded more than once"
