"""The database on a PostgreSQL server (team mode): opening by URL, migrations in one transaction under an
advisory lock, refusals, and no password in any message. Runs against the throwaway server of tests/pg.py."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import make_url, text
from sqlmodel import SQLModel

import roadmap.models  # noqa: F401
from roadmap.models import in_models
from roadmap import store
from roadmap.store import StoreError, open_database

from conftest import both_engines


@both_engines
def test_upgrade_from_empty_equals_models_on_both_engines(engine_url):
    engine = open_database(engine_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == store.SCHEMA_HEAD
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"include_object": in_models}), SQLModel.metadata)
        assert diff == []
    finally:
        engine.dispose()
    open_database(engine_url).dispose()  # at head: opens again without migrating


def test_plain_postgresql_scheme_means_psycopg(pg_url):
    engine = open_database(pg_url.replace("postgresql+psycopg://", "postgresql://"))
    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()


def test_newer_database_refused_untouched(pg_url, pg_server):
    open_database(pg_url).dispose()
    name = make_url(pg_url).database
    with pg_server.connect(name) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError, match="newer version of roadmap"):
        open_database(pg_url)
    with pg_server.connect(name) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9999"


def test_foreign_database_refused_untouched(pg_url, pg_server):
    name = make_url(pg_url).database
    with pg_server.connect(name) as con:
        con.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(StoreError, match="not a roadmap one"):
        open_database(pg_url)
    with pg_server.connect(name) as con:
        assert con.execute("SELECT to_regclass('alembic_version')").fetchone()[0] is None


def test_failed_upgrade_leaves_nothing(pg_url, pg_server, monkeypatch):
    from alembic import command

    def broken(cfg, rev):
        conn = cfg.attributes["connection"]
        conn.execute(text("CREATE TABLE half_written (id int)"))
        raise RuntimeError("boom")

    monkeypatch.setattr(command, "upgrade", broken)
    with pytest.raises(StoreError, match="rolled back"):
        open_database(pg_url)
    name = make_url(pg_url).database
    with pg_server.connect(name) as con:
        assert con.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 0


def test_password_never_in_messages(pg_server):
    url = pg_server.url("no_such_database", user="nobody", password="s3cret-pw")
    with pytest.raises(StoreError) as info:
        open_database(url)
    assert "s3cret-pw" not in str(info.value)
    assert "***" in str(info.value)
    with pytest.raises(StoreError) as info:
        open_database("mysql://u:s3cret-pw@host/db")
    assert "s3cret-pw" not in str(info.value)


@pytest.mark.slow
def test_concurrent_upgrades_serialize(pg_url):
    """Four processes open (and so upgrade) the same empty database at once: one upgrades, the others
    wait on the advisory lock and find it at head; none fails."""
    code = "import sys; from roadmap.store import open_database; open_database(sys.argv[1]).dispose()"
    procs = [subprocess.Popen([sys.executable, "-c", code, pg_url], stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    errors = [p.communicate()[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    engine = open_database(pg_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    engine.dispose()
