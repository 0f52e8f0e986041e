"""Shared fixtures: a small hand-made curriculum, a workspace on a temporary
database, a frozen clock, a CLI runner with a clean environment, and a
throwaway PostgreSQL server (tests/pg.py) for the tests that run on both engines
(``engine_url``: an SQLite file, then a fresh PostgreSQL database).

Speed: migrating a new database with Alembic is the slow part of most tests, so ``ws`` and ``run`` start
from a copy of an empty database migrated once per session (:func:`migrated_copy`); tests of creating and
migrating (tests/test_store*.py) use ``db_path`` / ``engine_url``, which stay empty. Validated curricula
are cached (by content, see roadmap.curriculum.cache) in one folder for the whole session."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from roadmap.workspace import Workspace
import pg  # tests/pg.py (the tests folder is on sys.path, as for `from conftest import ...`)

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small.toml"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)  # a Sunday


@pytest.fixture(scope="session")
def _session_cache(tmp_path_factory) -> Path:
    """The user cache dir of every test: validated curricula are cached by content, so sharing it only
    saves parsing (a test of the cache itself sets its own, see ``fresh_cache``)."""
    return tmp_path_factory.mktemp("xdg-cache")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path, _session_cache):
    """No test reads the developer's data, time zone or clock by accident."""
    for var in ("ROADMAP_DB", "ROADMAP_CURRICULUM", "ROADMAP_NOW", "NO_COLOR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(_session_cache))


@pytest.fixture
def fresh_cache(monkeypatch, tmp_path) -> Path:
    """An empty user cache dir for this test only (``tmp_path/xdg-cache``); returns roadmap's folder in it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    return tmp_path / "xdg-cache" / "roadmap"


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """An empty SQLite database at the newest schema revision, migrated once for the session."""
    from roadmap.store import open_database

    path = tmp_path_factory.mktemp("template") / "empty.db"
    open_database(path).dispose()  # closing the last connection checkpoints the WAL into the file
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server) -> str:
    """The name of an empty PostgreSQL database at the newest schema revision, migrated once (no open
    connection is kept, so it can be a ``CREATE DATABASE ... TEMPLATE``)."""
    from roadmap.store import open_database

    name = pg_server.create_database("template")
    open_database(pg_server.url(name)).dispose()
    return name


_MIGRATED = pytest.StashKey[set]()


def migrated_copy(request, db: Path | str) -> Path | str:
    """Make ``db`` (a test's ``db_path``) an empty database at the newest revision, as opening it would,
    but by copying the session's template instead of migrating: a missing SQLite file becomes a copy of
    ``template_db``; a fresh PostgreSQL database is replaced by a copy of ``pg_template`` (once per test:
    ``ws`` and ``run`` share it). Returns ``db``."""
    done = request.node.stash.setdefault(_MIGRATED, set())
    if str(db) in done:
        return db
    done.add(str(db))
    if on_postgres(db):
        from sqlalchemy.engine import make_url

        server = request.getfixturevalue("pg_server")
        template = request.getfixturevalue("pg_template")
        name = make_url(db).database
        server.drop_database(name)
        with server.connect() as con:
            con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    elif not Path(db).exists():
        shutil.copy(request.getfixturevalue("template_db"), db)
        Path(db).chmod(0o600)
    return db


@pytest.fixture
def small_path(tmp_path) -> Path:
    """A copy of tests/data/small.toml in tmp_path (tests may edit it)."""
    p = tmp_path / "small.toml"
    shutil.copy(SMALL, p)
    return p


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server for the whole session (started on first use, stopped at the end);
    the test skips, naming the reason, when PostgreSQL or psycopg is missing."""
    server = pg.start_server()
    if isinstance(server, str):
        pytest.skip(server)
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:
    """The URL of a fresh, empty PostgreSQL database (dropped after the test)."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_url(request, tmp_path) -> str:
    """The database a storage test runs on, once per engine: an SQLite file path in tmp_path, then the
    URL of a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "roadmap.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db_path(request, tmp_path) -> Path | str:
    """The test's database: a file in tmp_path; in modules marked ``pytestmark = both_engines`` the test
    runs twice, on that file (a Path) and on a fresh PostgreSQL database (its URL, a str)."""
    if "engine_url" in request.fixturenames:
        url = request.getfixturevalue("engine_url")
        return url if "://" in url else Path(url)
    return tmp_path / "roadmap.db"


both_engines = pytest.mark.usefixtures("engine_url")  # pytestmark = both_engines: every test on SQLite and PostgreSQL


def on_postgres(db) -> bool:
    """Whether a test's ``db_path`` is a PostgreSQL URL (for the few assertions only SQLite files allow)."""
    return "://" in str(db)


@pytest.fixture
def ws(request, db_path, small_path) -> Workspace:
    """A workspace on the small curriculum and a fresh (empty, migrated) database."""
    w = Workspace(migrated_copy(request, db_path), small_path)
    yield w
    w.close()


@pytest.fixture
def run(request, db_path, small_path, monkeypatch):
    """Run the CLI: run("learn", "algebra", now=...) -> click Result (exit code, output); the database
    starts empty and migrated."""
    from roadmap.cli import cli

    migrated_copy(request, db_path)

    def _run(*args: str, now: datetime | str | None = NOW, curriculum: Path | None = small_path, db=db_path,
             input: str | None = None):
        env = {"ROADMAP_DB": str(db) if db else None,
               "ROADMAP_CURRICULUM": str(curriculum) if curriculum else None,
               "ROADMAP_NOW": now.isoformat() if isinstance(now, datetime) else now}
        runner = CliRunner()
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False, input=input)

    return _run


def as_json(result) -> object:
    """Parse a CLI result's stdout as JSON (asserting success first)."""
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
