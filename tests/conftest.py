"""Shared fixtures: a small hand-made curriculum, a workspace on a temporary
database, a frozen clock, a CLI runner with a clean environment, and a
throwaway PostgreSQL server (tests/pg.py) for the tests that run on both engines
(``engine_url``: an SQLite file, then a fresh PostgreSQL database)."""

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


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    """No test reads the developer's data, time zone or clock by accident."""
    for var in ("ROADMAP_DB", "ROADMAP_CURRICULUM", "ROADMAP_NOW", "NO_COLOR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


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
def ws(db_path, small_path) -> Workspace:
    """A workspace on the small curriculum and a fresh database."""
    w = Workspace(db_path, small_path)
    yield w
    w.close()


@pytest.fixture
def run(db_path, small_path, monkeypatch):
    """Run the CLI: run("learn", "algebra", now=...) -> click Result (exit code, output)."""
    from roadmap.cli import cli

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
