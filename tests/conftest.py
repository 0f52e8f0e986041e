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


_USER_NS = ("n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%' "
            "AND n.nspname NOT LIKE 'pg_toast_temp%'")
_SHAPE = f"""
SELECT (SELECT string_agg(version_num, ',') FROM alembic_version),
       (SELECT string_agg(format('%s:%s:%s', n.nspname, n.nspowner, n.nspacl), ',' ORDER BY n.nspname)
          FROM pg_namespace n WHERE {_USER_NS}),
       (SELECT string_agg(format('%s.%s:%s:%s:%s:%s:%s:%s', n.nspname, c.relname, c.relkind, c.relowner, c.relacl,
                                 c.relrowsecurity, c.relforcerowsecurity, c.reloptions), ',' ORDER BY n.nspname, c.relname)
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER_NS}),
       (SELECT string_agg(format('%s.%s.%s:%s:%s:%s:%s:%s', n.nspname, c.relname, a.attname, a.atttypid, a.atttypmod,
                                 a.attnotnull, a.attacl, pg_get_expr(d.adbin, d.adrelid)), ','
                          ORDER BY n.nspname, c.relname, a.attnum)
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE {_USER_NS} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped),
       (SELECT string_agg(format('%s:%s:%s', conrelid::regclass, conname, pg_get_constraintdef(k.oid)), ','
                          ORDER BY conrelid::regclass::text, conname)
          FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace WHERE {_USER_NS}),
       (SELECT string_agg(format('%s:%s:%s:%s:%s:%s:%s', polrelid::regclass, polname, polcmd, polpermissive, polroles,
                                 pg_get_expr(polqual, polrelid), pg_get_expr(polwithcheck, polrelid)), ','
                          ORDER BY polrelid::regclass::text, polname) FROM pg_policy),
       (SELECT string_agg(format('%s:%s:%s:%s', p.proname, p.proowner, p.proacl, md5(p.prosrc)), ','
                          ORDER BY p.proname) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE {_USER_NS}),
       (SELECT string_agg(format('%s:%s:%s', tgrelid::regclass, CASE WHEN tgisinternal THEN '' ELSE tgname END,
                                 tgenabled), ',' ORDER BY tgrelid::regclass::text, tgname) FROM pg_trigger),
       (SELECT string_agg(format('%s:%s', t.typname, t.typtype), ',' ORDER BY t.typname)
          FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE {_USER_NS} AND t.typrelid = 0 AND t.typelem = 0),
       (SELECT string_agg(format('%s:%s:%s:%s:%s:%s:%s', seqrelid::regclass, seqtypid, seqstart, seqincrement, seqmin,
                                 seqmax, seqcycle), ',' ORDER BY seqrelid::regclass::text) FROM pg_sequence),
       (SELECT string_agg(extname || extversion, ',' ORDER BY extname) FROM pg_extension),
       (SELECT format('%s:%s:%s:%s', datdba, datacl, datconnlimit, datallowconn) FROM pg_database
          WHERE datname = current_database()),
       (SELECT string_agg(array_to_string(setconfig, ';'), ',') FROM pg_db_role_setting s
          JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = current_database())
"""


class MigratedPool:
    """Empty PostgreSQL databases at the newest revision, one per test, reused: creating a database costs
    the server about 0.1 s of CPU, emptying one about 0.01 s.

    :meth:`take` hands out a database no other test is using (a copy of ``pg_template`` when none is free).
    :meth:`give_back` ends the database's sessions and, when its schema, grants and settings are still
    exactly the template's, empties every table (``TRUNCATE ... RESTART IDENTITY``, so ids start again as
    in a new database) and keeps it for the next test; any other change, or any error, drops it.
    """

    def __init__(self, server, template: str):
        self.server, self.template, self.free = server, template, []
        with server.connect(template) as con:
            self.shape = con.execute(_SHAPE).fetchone()
            tables = [r[0] for r in con.execute(  # the same in every copy whose shape is the template's
                "SELECT format('%I', relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                "AND relkind IN ('r', 'p') AND relname <> 'alembic_version'")]
        self.truncate = f"TRUNCATE {', '.join(tables)} RESTART IDENTITY"

    def take(self) -> str:
        return self.free.pop() if self.free else self.server.create_database(template=self.template)

    def give_back(self, name: str) -> None:
        try:
            with self.server.connect(name) as con:
                con.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid()")
                if con.execute(_SHAPE).fetchone() != self.shape:
                    raise LookupError("the test changed the schema")
                con.execute(self.truncate)
            self.free.append(name)
        except Exception:
            self.server.drop_database(name)


@pytest.fixture(scope="session")
def pg_pool(pg_server, pg_template) -> MigratedPool:
    """The session's :class:`MigratedPool`."""
    return MigratedPool(pg_server, pg_template)


@pytest.fixture
def pg_url(request, pg_server) -> str:
    """The URL of a PostgreSQL database no other test uses: for a test that uses ``ws`` or ``run`` (which
    want it migrated), an empty migrated one from ``pg_pool``; for one that uses ``team``, a new copy of
    ``pg_template`` (``roadmap admin`` changes grants and roles: never reused); otherwise a new, empty
    database. Dropped, or emptied for reuse, after the test."""
    names = set(request.fixturenames)
    pool = request.getfixturevalue("pg_pool") if {"ws", "run"} & names and "team" not in names else None
    if pool is not None:
        name = pool.take()
    elif "team" in names:
        name = pg_server.create_database(template=request.getfixturevalue("pg_template"))
    else:
        name = pg_server.create_database()
    url = pg_server.url(name)
    if pool is not None or "team" in names:
        request.node.stash.setdefault(_MIGRATED, set()).add(url)
    yield url
    if pool is not None:
        pool.give_back(name)
    else:
        pg_server.drop_database(name)


ENGINES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc):
    """A test marked ``both_engines`` (``pytestmark = both_engines`` for a module) that uses a database
    (``db_path``, so also ``ws`` and ``run``, or ``engine_url``) runs once per engine, ids ``[sqlite]``
    and ``[postgresql]``; one of the same module that needs no database runs once."""
    if metafunc.definition.get_closest_marker("both_engines") and "engine_url" in metafunc.fixturenames:
        metafunc.parametrize("engine_url", ENGINES, indirect=True)


@pytest.fixture
def engine_url(request, tmp_path) -> str | None:
    """The database a ``both_engines`` test runs on, once per engine: an SQLite file path in tmp_path,
    then the URL of a PostgreSQL database (see ``pg_url``); None in a test not marked ``both_engines``."""
    engine = getattr(request, "param", None)
    if engine is None:
        return None
    if engine == "sqlite":
        return str(tmp_path / "roadmap.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db_path(tmp_path, engine_url) -> Path | str:
    """The test's database: a file in tmp_path; in a test marked ``both_engines`` it runs twice, on that
    file (a Path) and on a PostgreSQL database (its URL, a str)."""
    if engine_url is None:
        return tmp_path / "roadmap.db"
    return engine_url if "://" in engine_url else Path(engine_url)


both_engines = pytest.mark.both_engines  # pytestmark = both_engines: database tests on SQLite and PostgreSQL


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
