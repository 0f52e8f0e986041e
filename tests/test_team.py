"""Team mode on a real PostgreSQL (tests/pg.py): learners are roles, row-level security keeps each
learner's rows their own, mentors read their mentees' rows only in the cohort view and never write
them, ``roadmap admin`` sets it all up, and a learner moves in from SQLite and back out.

The throwaway server trusts local connections, so a role logs in by name; the administrator here is
the ``postgres`` superuser (and, in one test, a plain owner role with CREATEROLE). Role names are
unique per test (roles are cluster-wide) and dropped afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import make_url, text

from conftest import NOW, SMALL
from roadmap import store
from roadmap.store import StoreError, open_database, transaction

LEARNER_TABLES = ("skill_progress", "status_event", "setting", "review_card", "review_log", "skill_note",
                  "study_session", "time_off")


@pytest.fixture
def team(pg_server, pg_url):
    """A team database after `roadmap admin init`, with learners a and b and mentor m of a (unique role names)."""
    tag = uuid.uuid4().hex[:6]
    names = {k: f"{k}_{tag}" for k in ("a", "b", "m")}
    t = Team(pg_server, pg_url, names)
    t.admin("init")
    t.admin("add-learner", names["a"])
    t.admin("add-learner", names["b"])
    t.admin("add-mentor", names["m"], "--mentee", names["a"])
    yield t
    from psycopg import sql

    with pg_server.connect() as con:
        for n in [*names.values(), *t.extra_roles]:
            con.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(n)))


class Team:
    def __init__(self, server, url, names):
        self.server, self.owner_url, self.names = server, url, names
        self.db = make_url(url).database
        self.extra_roles: list[str] = []

    def url(self, key: str) -> str:
        return self.server.url(self.db, user=self.names.get(key, key))

    def admin(self, *args: str, input: str | None = None, url: str | None = None, code: int = 0):
        from roadmap.cli import cli

        r = CliRunner().invoke(cli, ["--db", url or self.owner_url, "admin", *args], input=input,
                               catch_exceptions=False)
        assert r.exit_code == code, r.output
        return r

    def connect(self, key: str):
        """A psycopg connection as learner ``key`` (not autocommit: each test block is a transaction)."""
        import psycopg

        return psycopg.connect(dbname=self.db, user=self.names.get(key, key), host=str(self.server.socket_dir))

    def cli(self, key: str, *args: str, now: str = NOW.isoformat(), db: str | None = None) -> CliResult:
        """Run roadmap as learner ``key`` (through click, in this process; ``process`` runs a real one)."""
        from roadmap.cli import cli

        env = {"ROADMAP_DB": db or self.url(key), "ROADMAP_CURRICULUM": str(SMALL), "ROADMAP_NOW": now}
        return CliResult(CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False))

    def process(self, key: str, *args: str, now: str = NOW.isoformat(), db: str | None = None):
        """Run roadmap in a subprocess as learner ``key`` (a subprocess.CompletedProcess)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("ROADMAP_")}
        env.update(ROADMAP_DB=db or self.url(key), ROADMAP_CURRICULUM=str(SMALL), ROADMAP_NOW=now)
        return subprocess.run([sys.executable, "-m", "roadmap", *args], env=env, capture_output=True, text=True,
                              timeout=120)


class CliResult:
    """What the team tests read of a command: ``returncode``, ``stdout`` and ``stderr`` (as a
    subprocess.CompletedProcess has them), from a click test run."""

    def __init__(self, result):
        self.returncode, self.stdout, self.stderr = result.exit_code, result.stdout, result.stderr


def _fill(team: Team, key: str, skill: str) -> None:
    for args in (["learn", skill], ["log", skill, "1.5h"], ["config", "weekly_hours", "9"]):
        r = team.cli(key, *args)
        assert r.returncode == 0, r.stderr


def test_a_learner_can_neither_read_nor_change_another_learners_rows(team):
    import psycopg

    _fill(team, "a", "algebra")
    _fill(team, "b", "calculus")
    a, b = team.names["a"], team.names["b"]
    with team.connect("a") as con:
        for table in LEARNER_TABLES:  # reading: only a's rows, whatever the query asks for
            learners = {r[0] for r in con.execute(f"SELECT learner FROM {table}")}
            assert learners <= {a}, table
            assert con.execute(f"SELECT count(*) FROM {table} WHERE learner = %s", (b,)).fetchone() == (0,)
        assert con.execute("SELECT skill_id FROM skill_progress").fetchall() == [("algebra",)]
        # changing: updates and deletes of b's rows touch nothing
        assert con.execute("UPDATE skill_progress SET status = 'skipped' WHERE learner = %s", (b,)).rowcount == 0
        assert con.execute("DELETE FROM review_log WHERE learner = %s", (b,)).rowcount == 0
    with team.connect("a") as con, pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        con.execute("UPDATE setting SET learner = %s", (b,))  # handing own rows to b is refused too
    with team.connect("a") as con, pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        con.execute("INSERT INTO study_session (skill_id, at, hours, learner) VALUES ('x', now(), 1, %s)", (b,))
    with team.connect("a") as con, pytest.raises(psycopg.errors.InsufficientPrivilege):
        con.execute("INSERT INTO mentorship VALUES (%s, %s)", (a, b))  # only the owner names mentors
    with team.connect("a") as con:  # a row inserted without a learner is a's, by the server's default
        con.execute("INSERT INTO study_session (skill_id, at, hours) VALUES ('x', now(), 1)")
        assert con.execute("SELECT learner FROM study_session WHERE skill_id = 'x'").fetchone() == (a,)
    with team.server.connect(team.db) as con:  # b's rows are all still there, unchanged
        assert con.execute("SELECT skill_id, status FROM skill_progress WHERE learner = %s", (b,)).fetchall() == [
            ("calculus", "learned")]
        assert con.execute("SELECT count(*) FROM review_log WHERE learner = %s", (b,)).fetchone()[0] >= 1
        assert con.execute("SELECT count(*) FROM setting WHERE learner = %s", (b,)).fetchone()[0] >= 1
    # and b's roadmap shows b's progress only
    status = json.loads(team.cli("b", "status", "--format", "json").stdout)
    assert status["counts"]["learned"] == 1


def test_a_mentor_reads_mentees_rows_only_in_the_cohort_view_and_cannot_write_them(team):
    _fill(team, "a", "algebra")
    _fill(team, "b", "calculus")
    a = team.names["a"]
    with team.connect("m") as con:
        assert con.execute("SELECT count(*) FROM skill_progress").fetchone() == (0,)  # own commands: own rows
        con.execute("SET LOCAL roadmap.cohort = 'on'")
        for table in ("skill_progress", "review_log", "study_session", "setting"):
            assert {r[0] for r in con.execute(f"SELECT learner FROM {table}")} == {a}, table  # not b: no mentee
        assert con.execute("UPDATE skill_progress SET status = 'skipped'").rowcount == 0
        assert con.execute("DELETE FROM review_log").rowcount == 0
        assert con.execute("DELETE FROM study_session WHERE learner = %s", (a,)).rowcount == 0
        con.rollback()
    import psycopg

    with team.connect("m") as con, pytest.raises(psycopg.errors.InsufficientPrivilege):
        con.execute("SET LOCAL roadmap.cohort = 'on'")
        con.execute("INSERT INTO setting (key, value, learner) VALUES ('weekly_hours', '1', %s)", (a,))
    with team.connect("m") as con:  # the setting is per transaction: the next one sees own rows again
        assert con.execute("SELECT count(*) FROM skill_progress").fetchone() == (0,)
        assert con.execute("SELECT mentor, mentee FROM mentorship").fetchall() == [(team.names["m"], a)]
    with team.connect("b") as con:  # a non-mentor turning the cohort view on sees nothing more
        con.execute("SET LOCAL roadmap.cohort = 'on'")
        assert {r[0] for r in con.execute("SELECT learner FROM skill_progress")} == {team.names["b"]}
        assert con.execute("SELECT count(*) FROM mentorship").fetchone() == (0,)
    with team.server.connect(team.db) as con:
        assert con.execute("SELECT status FROM skill_progress WHERE learner = %s", (a,)).fetchall() == [("learned",)]


def test_the_product_works_for_a_learner_and_refuses_the_administrator(team):
    for args in (["learn", "algebra"], ["review", "algebra", "--rating", "good"], ["start", "calculus"],
                 ["log", "calculus", "2h"], ["off", "add", "2026-12-24", "2026-12-26"]):
        r = team.cli("a", *args, now="2026-12-02T09:00:00+00:00" if args[0] == "review" else NOW.isoformat())
        assert r.returncode == 0, (args, r.stderr)
    status = json.loads(team.cli("a", "status", "--format", "json").stdout)
    assert status["counts"]["learned"] == 1 and status["counts"]["in_progress"] == 1
    # `due --count` in a real process: main()'s standard-library fast path must hand a URL to the full path
    counted = team.process("a", "due", "--count", now="2026-12-10T09:00:00+00:00")
    listed = team.cli("a", "due", "--format", "json", now="2026-12-10T09:00:00+00:00")
    assert counted.returncode == 0 and counted.stdout == f"{len(json.loads(listed.stdout))}\n", counted.stderr
    assert json.loads(team.cli("b", "status", "--format", "json").stdout)["counts"]["learned"] == 0
    # the administrator bypasses row-level security: learner commands are refused, clearly, once others have rows
    r = team.cli("owner", "status", db=team.owner_url)
    assert r.returncode == 2 and "administrator" in r.stderr and "Traceback" not in r.stderr


def test_admin_list_assign_unassign(team):
    a, b, m = (team.names[k] for k in "abm")
    team.admin("assign", m, b)
    listed = json.loads(team.admin("list", "--format", "json").stdout)
    by_name = {x["name"]: x for x in listed["learners"]}
    assert by_name[m]["mentees"] == sorted([a, b]) and by_name[a]["mentors"] == [m]
    team.admin("unassign", m, b)
    listed = json.loads(team.admin("list", "--format", "json").stdout)
    assert {x["name"]: x for x in listed["learners"]}[m]["mentees"] == [a]
    text_out = team.admin("list").stdout
    assert f"{m}  mentor of {a}" in text_out


def test_admin_errors_are_clear(team, tmp_path):
    from roadmap.cli import cli

    def admin(*args, db=team.owner_url):
        return CliRunner().invoke(cli, ["--db", db, "admin", *args], catch_exceptions=False)

    r = admin("list", db=str(tmp_path / "mine.db"))
    assert r.exit_code == 2 and "needs a team database" in r.stderr
    r = admin("assign", team.names["m"], "nobody_" + uuid.uuid4().hex[:6])
    assert r.exit_code == 2 and "add-learner" in r.stderr
    r = admin("unassign", team.names["m"], team.names["b"])
    assert r.exit_code == 2 and "not a mentor" in r.stderr
    r = admin("add-learner", "pg_evil")
    assert r.exit_code == 2 and "reserved" in r.stderr
    r = admin("add-learner", 'x"; DROP TABLE setting; --')  # a strange name is quoted, never run as SQL
    assert r.exit_code == 0, r.output
    team.extra_roles.append('x"; DROP TABLE setting; --')
    with team.server.connect(team.db) as con:
        assert con.execute("SELECT to_regclass('setting')").fetchone()[0] is not None
    r = admin("list", db=team.url("a"))  # a learner cannot administer
    assert r.exit_code == 2 and "owner" in r.stderr
    r = admin("remove-learner", team.names["b"], "--yes", db=team.url("a"))
    assert r.exit_code == 2 and "owner" in r.stderr


def test_remove_learner_lists_asks_and_deletes_rows_and_role(team):
    _fill(team, "a", "algebra")
    a = team.names["a"]
    r = team.admin("remove-learner", a, input="n\n", code=1)
    assert "skill_progress" in r.stderr and "Nothing was changed" in r.stderr
    with team.server.connect(team.db) as con:
        assert con.execute("SELECT count(*) FROM skill_progress WHERE learner = %s", (a,)).fetchone()[0] == 1
    r = team.admin("remove-learner", a, "--yes", "--drop-role")
    assert "Removed" in r.stdout and "dropped the role" in r.stdout
    with team.server.connect(team.db) as con:
        for table in LEARNER_TABLES:
            assert con.execute(f"SELECT count(*) FROM {table} WHERE learner = %s", (a,)).fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM mentorship WHERE mentee = %s", (a,)).fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", (a,)).fetchone()[0] == 0


def test_a_plain_owner_with_createrole_administers(pg_server, pg_url):
    tag = uuid.uuid4().hex[:6]
    owner, learner = f"own_{tag}", f"lea_{tag}"
    db = make_url(pg_url).database
    with pg_server.connect() as con:
        con.execute(f'CREATE ROLE "{owner}" LOGIN CREATEROLE')
        con.execute(f'ALTER DATABASE "{db}" OWNER TO "{owner}"')
    with pg_server.connect(db) as con:
        con.execute(f'ALTER SCHEMA public OWNER TO "{owner}"')
    try:
        t = Team(pg_server, pg_server.url(db, user=owner), {"l": learner})
        t.admin("init")
        t.admin("add-learner", learner, "--password-stdin", input="pw-not-shown\n")
        _fill(t, "l", "algebra")
        with pg_server.connect(db) as con:
            assert con.execute("SELECT learner FROM skill_progress").fetchall() == [(learner,)]
        assert t.cli("owner", "status", db=t.owner_url).returncode == 2  # the owner is not a learner
    finally:
        with pg_server.connect() as con:
            con.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            con.execute(f'DROP ROLE IF EXISTS "{learner}"')
            con.execute(f'DROP ROLE IF EXISTS "{owner}"')


@pytest.mark.slow  # ~2 s: writer processes that wait on each other's locks
def test_one_learners_writers_queue_and_other_learners_do_not_wait(team):
    """The per-learner advisory lock: a second writer of the same learner waits for the first (so it reads
    what the first committed), a writer of another learner goes through at once."""
    engine_a = open_database(team.url("a"))
    code = ("import sys; from sqlalchemy import text; from roadmap.store import open_database, transaction\n"
            "e = open_database(sys.argv[1])\n"
            "with transaction(e) as s:\n"
            "    s.execute(text(\"INSERT INTO setting (key, value) VALUES ('x', '1')\"))\n"
            "print('done')\n")
    try:
        with transaction(engine_a) as s:  # a holds a write transaction open
            other = subprocess.run([sys.executable, "-c", code, team.url("b")], capture_output=True, text=True,
                                   timeout=60)
            assert other.returncode == 0 and "done" in other.stdout, other.stderr  # b did not wait for a
            same = subprocess.Popen([sys.executable, "-c", code, team.url("a")], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            with team.server.connect(team.db) as con:  # wait until it is queued on a's lock
                while not con.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                                      ).fetchone()[0]:
                    assert same.poll() is None, same.communicate()
            s.execute(text("INSERT INTO setting (key, value) VALUES ('y', '1')"))
        out, err = same.communicate(timeout=60)
        assert same.returncode == 0 and "done" in out, err
    finally:
        engine_a.dispose()


def test_two_processes_of_one_learner_lose_no_update(team):
    """Read-modify-write of one counter from two processes at once: every increment is kept."""
    code = ("import sys; from sqlalchemy import text; from roadmap.store import open_database, transaction\n"
            "e = open_database(sys.argv[1])\n"
            "for _ in range(40):\n"
            "    with transaction(e) as s:\n"
            "        n = s.execute(text(\"SELECT value FROM setting WHERE key = 'n'\")).scalar()\n"
            "        s.execute(text(\"UPDATE setting SET value = :v WHERE key = 'n'\"), {'v': str(int(n) + 1)})\n")
    engine = open_database(team.url("a"))
    try:
        with transaction(engine) as s:
            s.execute(text("INSERT INTO setting (key, value) VALUES ('n', '0')"))
        procs = [subprocess.Popen([sys.executable, "-c", code, team.url("a")], stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        assert [p.wait(timeout=120) for p in procs] == [0, 0], [p.stderr.read() for p in procs]
        with transaction(engine, write=False) as s:
            assert s.execute(text("SELECT value FROM setting WHERE key = 'n'")).scalar() == "80"
    finally:
        engine.dispose()


def test_database_errors_become_clear_messages(team):
    engine = open_database(team.url("a"))
    try:
        with pytest.raises(StoreError, match="at the same time.*try again"):
            with transaction(engine) as s:
                s.execute(text("DO $$ BEGIN RAISE EXCEPTION 'could not serialize' USING ERRCODE = '40001'; END $$"))
        with pytest.raises(StoreError, match="at the same time.*try again"):
            with transaction(engine) as s:
                s.execute(text("DO $$ BEGIN RAISE EXCEPTION 'deadlock' USING ERRCODE = '40P01'; END $$"))
        with pytest.raises(StoreError, match="refused your role"):
            with transaction(engine) as s:
                s.execute(text("INSERT INTO setting (key, value, learner) VALUES ('k', '1', :b)"),
                          {"b": team.names["b"]})
    finally:
        engine.dispose()


def test_upgrade_from_0006_asks_learners_to_wait_and_assigns_rows(pg_server, pg_url, tmp_path):
    from alembic import command

    db = make_url(pg_url).database
    tag = uuid.uuid4().hex[:6]
    alice = f"alice_{tag}"
    cfg = store._alembic_config(pg_url)
    command.upgrade(cfg, "0006")
    with pg_server.connect(db) as con:
        con.execute("INSERT INTO skill_progress VALUES ('algebra', 'learned', NULL, '2026-01-01 10:00Z', NULL, "
                    "'2026-01-01 10:00Z')")
        con.execute("INSERT INTO review_log (skill_id, reviewed_at, rating, kind, card_after) VALUES "
                    "('algebra', '2026-01-01 10:00Z', 3, 'learn', '{}')")
        con.execute("INSERT INTO setting VALUES ('weekly_hours', '\"12\"')")
        con.execute(f'CREATE ROLE "{alice}" LOGIN')
        con.execute("DO $$ BEGIN CREATE ROLE roadmap_learner NOLOGIN; EXCEPTION WHEN duplicate_object THEN END $$")
        con.execute(f'GRANT roadmap_learner TO "{alice}"')
        con.execute("GRANT SELECT ON alembic_version TO roadmap_learner")  # what an older admin init granted
    try:
        t = Team(pg_server, pg_url, {"alice": alice})
        with pytest.raises(StoreError, match=r"revision 0006.*roadmap admin upgrade"):
            open_database(t.url("alice"))
        r = t.cli("alice", "status")
        assert r.returncode == 2 and "roadmap admin upgrade" in r.stderr
        with pg_server.connect(db) as con:
            assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0006",)
        out = t.admin("upgrade", "--assign-to", alice).stdout
        assert "0006 to 0007" in out and alice in out
        with pg_server.connect(db) as con:
            for table in ("skill_progress", "review_log", "setting"):
                assert con.execute(f"SELECT learner FROM {table}").fetchall() == [(alice,)], table
        status = json.loads(t.cli("alice", "status", "--format", "json").stdout)
        assert status["counts"]["learned"] == 1
        assert "nothing to do" in t.admin("upgrade").stdout
    finally:
        with pg_server.connect() as con:
            con.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            con.execute(f'DROP ROLE IF EXISTS "{alice}"')


def test_upgrade_from_0006_without_assign_keeps_rows_for_the_upgrading_role(pg_server, pg_url):
    from alembic import command

    command.upgrade(store._alembic_config(pg_url), "0006")
    db = make_url(pg_url).database
    with pg_server.connect(db) as con:
        con.execute("INSERT INTO setting VALUES ('weekly_hours', '\"12\"')")
    open_database(pg_url).dispose()  # the owner's own, single-user database upgrades as before
    with pg_server.connect(db) as con:
        assert con.execute("SELECT learner FROM setting").fetchall() == [("postgres",)]


def test_moving_in_from_sqlite_and_back_out(team, tmp_path):
    personal = tmp_path / "mine.db"
    for args in (["learn", "algebra"], ["log", "algebra", "1.5h"], ["config", "weekly_hours", "7"],
                 ["note", "algebra", "--text", "pivots"]):
        r = team.cli("a", *args, db=str(personal))
        assert r.returncode == 0, (args, r.stderr)
    out = tmp_path / "out.json"
    assert team.cli("a", "export", "-o", str(out), db=str(personal)).returncode == 0
    r = team.cli("a", "import", str(out))
    assert r.returncode == 0, r.stderr
    with team.server.connect(team.db) as con:
        assert con.execute("SELECT learner FROM skill_progress").fetchall() == [(team.names["a"],)]
    back = tmp_path / "back.json"
    assert team.cli("a", "export", "-o", str(back)).returncode == 0
    fresh = tmp_path / "fresh.db"
    assert team.cli("a", "import", str(back), db=str(fresh)).returncode == 0
    again = tmp_path / "again.json"
    assert team.cli("a", "export", "-o", str(again), db=str(fresh)).returncode == 0

    def body(p: Path) -> dict:
        d = json.loads(p.read_text())
        d.pop("exported_at", None)
        return d

    assert body(out) == body(back) == body(again)
    assert body(out)["progress"] and body(out)["review_log"]


def test_passwords_never_shown_and_tls_settings_pass_through(pg_server, team):
    bad = pg_server.url("no_such_db", user="nobody", password="s3cret-pw")
    r = team.cli("a", "status", db=bad)
    assert r.returncode == 2 and "s3cret-pw" not in r.stderr + r.stdout and "***" in r.stderr
    r = team.cli("a", "status", db=team.url("a") + "&sslmode=disable")
    assert r.returncode == 0, r.stderr
