"""Team mode, the tester's findings: malformed database URLs, secrets in URLs and server messages, role
names PostgreSQL refuses, roles row-level security does not apply to, and removing a learner when roles
are cluster-wide (real throwaway PostgreSQL, tests/pg.py; CLI through click's runner or a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from sqlalchemy import make_url

from conftest import SMALL
from test_team import Team, _fill, team  # noqa: F401 - the fixture

from roadmap import store
from roadmap.store import StoreError

BAD_URLS = [
    ("postgresql+psycopg://u:pw@127.0.0.1:notaport/team", "port"),
    ("postgresql+psycopg://u:pw@127.0.0.1:0/team", "port"),
    ("postgresql+psycopg://u:pw@[::1/team", "IPv6"),
    ("postgresql+psycopg://u:pw@127.0.0.1:55439:55440/team", "one port"),
    ("postgresql+psycopg2://u:pw@127.0.0.1/team", "use postgresql+psycopg://"),
    ("postgresql+asyncpg://u:pw@127.0.0.1/team", "use postgresql+psycopg://"),
    ("postgresql+pg8000://u:pw@127.0.0.1/team", "use postgresql+psycopg://"),
    ("postgresql+psycopg://u:Tr0ub4dor@Horse@127.0.0.1/team", "%40"),
]


def _cli(*args, env_db=None):
    from roadmap.cli import cli

    env = {"ROADMAP_DB": env_db} if env_db else {}
    return CliRunner(env=env).invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("url,hint", BAD_URLS)
def test_malformed_urls_and_other_drivers_are_one_clear_message(url, hint, tmp_path):
    for r in (_cli("--db", url, "status"), _cli("--db", url, "admin", "list"), _cli("config", env_db=url)):
        assert r.exit_code == 2, r.output
        assert hint in r.stderr and "Traceback" not in r.output
        for secret in ("pw", "Tr0ub4dor", "Horse"):
            assert f":{secret}" not in r.output and f"{secret}@" not in r.output


def test_a_malformed_url_stops_the_app_before_it_opens():
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROADMAP_")}
    env.update(ROADMAP_DB="postgresql+psycopg://u:Tr0ub4dor@Horse@127.0.0.1/team", ROADMAP_CURRICULUM=str(SMALL))
    r = subprocess.run([sys.executable, "-m", "roadmap"], env=env, capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 2 and "%40" in r.stderr and "Traceback" not in r.stderr
    assert "Horse" not in r.stderr + r.stdout


def test_urls_show_no_password_in_the_user_part_or_the_query():
    url = store.parse_url("postgres://u:pw@h/d?sslmode=require&password=AlicePw&sslpassword=KeyPw&user=x")
    shown = store.display_name(url)
    assert url.drivername == "postgresql+psycopg"
    assert "AlicePw" not in shown and "KeyPw" not in shown and ":pw@" not in shown
    assert "password=***" in shown and "sslpassword=***" in shown and "sslmode=require" in shown
    assert store.parse_url("postgresql://u@h/d").drivername == "postgresql+psycopg"


def test_server_text_is_never_rewritten_inside_only_password_pairs_are_masked():
    assert store.server_text('connection is bad: database "x" does not exist') == \
        'connection is bad: database "x" does not exist'
    assert store.server_text("invalid dsn: host=h password=se cr user=u") == "invalid dsn: host=h password=*** cr user=u"
    assert "s3" not in store.server_text("missing \"=\" after \"password='s3 x'\"")


def test_a_cohort_csv_cell_a_spreadsheet_would_run_is_neutralised():
    from roadmap.cli.cohort import CSV_FIELDS, cohort_csv, csv_cell

    assert [csv_cell(v) for v in ("=1+1", "+x", "-y", "@SUM(A1)", "\tz", "alice", None, -3, 0.5)] == \
        ["'=1+1", "'+x", "'-y", "'@SUM(A1)", "'\tz", "alice", "", -3, 0.5]

    class Row:
        learner, stages, stuck = '=HYPERLINK("http://x")', [], ["-algebra"]

        def to_json(self):
            return {k: None for k in CSV_FIELDS} | {"learner": self.learner, "stuck": self.stuck, "weeks_late": -1}

    out = cohort_csv(SimpleNamespace(rows=[Row()]))
    assert "'=HYPERLINK" in out and "'-algebra" in out and ",-1," in out


# ---------------------------------------------------------------- on a real server


def test_postgres_schemes_are_psycopg_and_query_passwords_are_masked(team):
    base = team.url("a")
    for scheme in ("postgres://", "postgresql://"):
        r = team.cli("a", "status", db=base.replace("postgresql+psycopg://", scheme))
        assert r.returncode == 0, r.stderr
    sock = make_url(base).query["host"]
    with_query = f"postgresql+psycopg:///{team.db}?host={sock}&user={team.names['a']}&password=AlicePw"
    for args in (["config"], ["status"]):
        r = team.cli("a", *args, db=with_query)
        assert r.returncode == 0, r.stderr
        assert "AlicePw" not in r.stdout + r.stderr
    r = team.cli("a", "config", db=with_query)
    assert "password=***" in r.stdout
    bad = f"postgresql+psycopg://nobody:b@/no_such_db?host={sock}&password=AlicePw"
    r = team.cli("a", "status", db=bad)
    assert r.returncode == 2 and "AlicePw" not in r.stderr and "Traceback" not in r.stderr
    assert 'role "nobody" does not exist' in r.stderr  # a one-letter password (b) garbles nothing


def test_reserved_and_control_character_role_names_are_refused(team):
    for name in ("none", "NONE", "public", "current_user", "session_user", "current_role", "pg_x", "ctl\x01c",
                 "line\nbreak"):  # one team for all names: setting one up is the slow part
        for args in (["add-learner", name], ["add-mentor", name]):
            r = team.admin(*args, code=2)
            assert "Traceback" not in r.output and ("reserved" in r.stderr or "control character" in r.stderr), \
                (name, r.output)


def test_superusers_bypassrls_roles_and_the_owner_are_never_learners_or_mentees(team):
    tag = uuid.uuid4().hex[:6]
    byp = f"byp_{tag}"
    team.extra_roles.append(byp)
    with team.server.connect() as con:
        con.execute(f'CREATE ROLE "{byp}" LOGIN BYPASSRLS')
    a, m = team.names["a"], team.names["m"]
    for who in ("postgres", byp):
        r = team.admin("add-learner", who, "--password-stdin", input="new-pw\n", code=2)
        assert "row-level security does not apply" in r.stderr and "Traceback" not in r.output
        team.admin("add-mentor", who, code=2)
        team.admin("assign", m, who, code=2)
        team.admin("assign", who, a, code=2)
        team.admin("upgrade", "--assign-to", who, code=2)
    with team.server.connect() as con:
        assert not con.execute("SELECT pg_has_role(%s, 'roadmap_learner', 'MEMBER')", (byp,)).fetchone()[0]
        assert con.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'postgres'").fetchone()[0] is None
    r = team.admin("add-learner", team.names["b"], "--password-stdin", input="a\x00b\n", code=2)
    assert "NUL" in r.stderr and "a\x00b" not in r.output
    r = team.admin("upgrade", "--assign-to", "nobody_" + tag, code=2)
    assert "there is no role" in r.stderr


def test_a_plain_owner_cannot_make_itself_a_learner_and_missing_privileges_are_clear(pg_server, pg_url):
    tag = uuid.uuid4().hex[:6]
    owner, weak, learner = f"own_{tag}", f"weak_{tag}", f"lea_{tag}"
    db = make_url(pg_url).database
    with pg_server.connect() as con:
        con.execute(f'CREATE ROLE "{owner}" LOGIN CREATEROLE')
        con.execute(f'CREATE ROLE "{weak}" LOGIN')
        con.execute(f'ALTER DATABASE "{db}" OWNER TO "{owner}"')
    with pg_server.connect(db) as con:
        con.execute(f'ALTER SCHEMA public OWNER TO "{owner}"')
    try:
        t = Team(pg_server, pg_server.url(db, user=owner), {"l": learner})
        t.admin("init")
        r = t.admin("add-learner", owner, code=2)
        assert "administrator" in r.stderr
        r = t.admin("add-learner", "postgres", "--password-stdin", input="x\n", code=2)  # was InsufficientPrivilege
        assert "superuser" in r.stderr and "Traceback" not in r.output
        with pg_server.connect(db) as con:  # an owner without CREATEROLE: a clear refusal, not a traceback
            con.execute(f'ALTER ROLE "{owner}" NOCREATEROLE')
        r = t.admin("add-learner", learner, code=2)
        assert "may not do this" in r.stderr and "Traceback" not in r.output
    finally:
        with pg_server.connect() as con:
            con.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            for role in (learner, weak, owner):
                con.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_remove_learner_refuses_roles_that_are_not_learners_here(team):
    tag = uuid.uuid4().hex[:6]
    outsider = f"out_{tag}"
    team.extra_roles.append(outsider)
    with team.server.connect() as con:
        con.execute(f'CREATE ROLE "{outsider}" LOGIN')
    for who, words in ((outsider, "not a learner of this team"), ("postgres", "not a learner"),
                       ("nobody_" + tag, "there is no role")):
        r = team.admin("remove-learner", who, "--yes", code=2)
        assert words in r.stderr and "Traceback" not in r.output
    with team.server.connect() as con:
        assert con.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", (outsider,)).fetchone()[0] == 1


def test_removing_a_learner_keeps_their_rows_in_another_team_database(team):
    a, b = team.names["a"], team.names["b"]
    other = team.server.create_database("team2")
    try:
        t2 = Team(team.server, team.server.url(other), team.names)
        t2.admin("init")
        _fill(t2, "a", "algebra")  # a's rows in team2
        _fill(team, "a", "calculus")  # and in team
        r = team.admin("remove-learner", a, "--drop-role", "--yes", code=2)
        assert other in r.stderr and "nothing was changed" in r.stderr
        r = team.admin("remove-learner", a, "--yes")
        assert other in r.stderr and "stays in roadmap_learner" in r.stdout
        with team.server.connect(team.db) as con:
            assert con.execute("SELECT count(*) FROM skill_progress WHERE learner = %s", (a,)).fetchone() == (0,)
        status = json.loads(t2.cli("a", "status", "--format", "json").stdout)  # a still works in team2
        assert status["counts"]["learned"] == 1
        with team.connect("b") as con:  # exactly one row: the wording counts it as one
            con.execute("INSERT INTO setting (key, value) VALUES ('weekly_hours', '3')")
            con.commit()
        r = team.admin("remove-learner", b, "--yes")
        assert f"Removed {b} (1 row);" in r.stdout and "left roadmap_learner" in r.stdout
        with team.server.connect() as con:
            assert not con.execute("SELECT pg_has_role(%s, 'roadmap_learner', 'MEMBER')", (b,)).fetchone()[0]
            assert con.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", (b,)).fetchone() == (1,)
        r = t2.admin("remove-learner", a, "--drop-role", "--yes")  # team has none of a's rows left now
        assert "dropped the role" in r.stdout
        with team.server.connect() as con:
            assert con.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", (a,)).fetchone() == (0,)
    finally:
        team.server.drop_database(other)


def test_drop_role_is_refused_while_the_role_holds_privileges_elsewhere(team):
    a = team.names["a"]
    with team.server.connect() as con:
        con.execute(f'GRANT CONNECT ON DATABASE postgres TO "{a}"')
    try:
        r = team.admin("remove-learner", a, "--drop-role", "--yes", code=2)
        assert "privileges for database postgres" in r.stderr and "nothing was changed" in r.stderr
        with team.server.connect() as con:
            assert con.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", (a,)).fetchone() == (1,)
    finally:
        with team.server.connect() as con:
            con.execute(f'REVOKE CONNECT ON DATABASE postgres FROM "{a}"')


def _scram_matches(verifier: str, password: str) -> bool:
    """Whether a stored ``SCRAM-SHA-256$iter:salt$StoredKey:ServerKey`` verifier is that of ``password``
    (RFC 5802 / RFC 7677: the keys derived from PBKDF2-HMAC-SHA-256 of the password)."""
    import base64
    import hashlib
    import hmac

    method, rest = verifier.split("$", 1)
    params, keys = rest.split("$")
    iterations, salt = params.split(":")
    stored_key, server_key = (base64.b64decode(k) for k in keys.split(":"))
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return (method == "SCRAM-SHA-256" and hashlib.sha256(client_key).digest() == stored_key
            and hmac.new(salted, b"Server Key", hashlib.sha256).digest() == server_key)


def test_a_password_is_stored_as_given_but_never_sent_in_sql_text(team, monkeypatch):
    import psycopg

    sent: list[str] = []
    execute = psycopg.Cursor.execute

    def recording(self, query, *args, **kwargs):
        sent.append(query.as_string(self.connection) if hasattr(query, "as_string") else str(query))
        return execute(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", recording)
    tag = uuid.uuid4().hex[:6]
    who = f"pw_{tag}"
    team.extra_roles.append(who)
    team.admin("add-learner", who, "--password-stdin", input="Corr3ct horse 'battery'\n")
    team.admin("add-learner", who, "--password-stdin", input="then another one\n")  # an existing role
    assert sent and not any("Corr3ct" in q or "another one" in q for q in sent)
    with team.server.connect() as con:
        stored = con.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (who,)).fetchone()[0]
    assert _scram_matches(stored, "then another one") and not _scram_matches(stored, "Corr3ct horse 'battery'")
