"""The database: where it lives, opening it, migrating it, backing it up.

Two engines. A plain path is an SQLite file (the embedded, single-user
default); a database URL (``postgresql+psycopg://host/roadmap``) is a shared
PostgreSQL server (team mode). The rest of roadmap sees one SQLAlchemy engine
either way; engine-specific work stays in this module.

SQLite (:func:`open_database` with a path) does, in order: check the path is
usable and the file is an SQLite database; refuse a database written by a newer
roadmap (untouched); if migrations are pending, copy the file to a timestamped
backup (the last :data:`BACKUPS_KEPT` are kept) and run ``alembic upgrade
head``, restoring the backup if the upgrade fails. Connections use WAL mode and
a busy timeout so the TUI and CLI commands can work at the same time.

PostgreSQL (with a URL): credentials come from libpq's usual places
(``PGPASSWORD``, ``~/.pgpass``, a service file) or the URL, and are never
printed (messages show the URL with the password masked); TLS settings in the
URL (``?sslmode=verify-full&sslrootcert=...``) are passed to libpq. A database
written by a newer roadmap is refused, untouched. The upgrade runs in one
transaction, so a failed upgrade leaves nothing behind, under a transaction-level
advisory lock (``pg_advisory_xact_lock``), so concurrent upgrades serialize.
There is no file backup: backups are the operator's ``pg_dump``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Iterator

from sqlalchemy import String, event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.engine import URL, Engine, make_url
from sqlmodel import Session, create_engine

from roadmap.errors import RoadmapError

ENV_DB = "ROADMAP_DB"
SCHEMA_HEAD = "0005"  # the newest revision in migrations/versions; a test keeps the two equal
BACKUPS_KEPT = 5
BUSY_TIMEOUT_MS = 15_000
_SQLITE_MAGIC = b"SQLite format 3\x00"
MIGRATION_LOCK = 0x726F61646D6170  # "roadmap": the advisory lock key concurrent PostgreSQL upgrades serialize on


class utc_quarter_hour(FunctionElement):
    """SQL: the UTC quarter-hour a stored instant falls in, as text ``YYYY-MM-DD HH:MM`` (minutes 00/15/30/45).

    For aggregating in SQL by a unit every time zone offset in use divides; compiled per engine here, so the
    core's queries stay engine-neutral (SQLite stores instants as UTC text, PostgreSQL as timestamptz).
    """

    type = String()
    inherit_cache = True
    name = "utc_quarter_hour"


@compiles(utc_quarter_hour, "sqlite")
def _quarter_hour_sqlite(element, compiler, **kw):
    at = compiler.process(element.clauses, **kw)
    return f"(substr({at}, 1, 14) || printf('%02d', CAST(substr({at}, 15, 2) AS INTEGER) / 15 * 15))"


@compiles(utc_quarter_hour, "postgresql")
def _quarter_hour_postgresql(element, compiler, **kw):
    at = compiler.process(element.clauses, **kw)
    utc = f"(({at}) AT TIME ZONE 'UTC')"
    return (f"to_char(date_trunc('hour', {utc}) + floor(extract(minute FROM {utc}) / 15) * interval '15 minutes', "
            "'YYYY-MM-DD HH24:MI')")


class StoreError(RoadmapError):
    """The database cannot be used: bad path, not a database, too new, or a failed upgrade."""


def is_url(location: str | Path | None) -> bool:
    """Whether a ``--db`` value is a database URL (``scheme://...``) rather than a file path."""
    return isinstance(location, str) and "://" in location


def parse_url(location: str) -> URL:
    """The SQLAlchemy URL of a ``--db`` value (``postgresql://`` means the psycopg 3 driver).

    Raises StoreError for a malformed URL or an engine roadmap does not support (only SQLite and
    PostgreSQL are); the message never shows a password.
    """
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(location)
    except ArgumentError:
        raise StoreError(f"{_mask_text(location)} is not a database URL roadmap understands; give a file path "
                         "or postgresql+psycopg://[user@]host[:port]/database") from None
    backend = url.get_backend_name()
    if backend == "postgresql":
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url
    if backend == "sqlite":
        return url
    raise StoreError(f"{url.render_as_string(hide_password=True)}: roadmap stores its data in an SQLite file "
                     "or a PostgreSQL database (postgresql+psycopg://...), not in "
                     f"{backend}")


def display_name(location: str | Path | Engine | URL) -> str:
    """How messages name a database: its file path, or its URL with the password masked (``***``)."""
    if isinstance(location, Engine):
        location = location.url
    if isinstance(location, URL):
        if location.get_backend_name() == "sqlite":
            return str(location.database)
        return location.render_as_string(hide_password=True)
    if is_url(location):
        return _mask_text(str(location))
    return str(location)


def _mask_text(location: str) -> str:
    try:
        return make_url(location).render_as_string(hide_password=True)
    except Exception:
        return "the database URL"  # unparseable: show none of it, it may hold a password


def default_location() -> Path | str:
    """The database: ``$ROADMAP_DB`` if set (a path or a URL), else ``roadmap.db`` in the user data dir."""
    env = os.environ.get(ENV_DB)
    if env and is_url(env.strip()):
        return env.strip()
    return default_path()


def default_path() -> Path:
    """The database path: ``$ROADMAP_DB`` if set, else ``roadmap.db`` in the user data dir."""
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_data_path("roadmap", appauthor=False) / "roadmap.db"


def migrations_path() -> Path:
    """The Alembic script directory: inside the installed package (``roadmap._migrations``), or the
    checkout's top-level ``migrations/`` folder when run from a source tree, where that package does
    not exist (the wheel maps the folder to it)."""
    try:
        return Path(str(resources.files("roadmap._migrations")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "migrations"


def _alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_path()))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def _on_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin
    # (see _on_begin), and set up WAL and the busy timeout on every connection.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def _on_begin(conn) -> None:
    # A write transaction takes the write lock at BEGIN: with a deferred BEGIN,
    # a reader that later writes can fail at once with "database is locked"
    # whatever the busy timeout, when another process wrote in between.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")


def _check_path(path: Path, *, create_parent: bool) -> bool:
    """Raise StoreError if ``path`` cannot hold a database; return whether it has content."""
    if path.is_dir():
        raise StoreError(f"{path} is a directory; give the path of a database file (e.g. {path / 'roadmap.db'})")
    parent = path.parent
    if not parent.exists():
        if not create_parent:
            raise StoreError(f"cannot create the database {path}: the directory {parent} does not exist; "
                             "create it first or choose another --db path")
        parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        if not os.access(parent, os.W_OK):
            raise StoreError(f"cannot create the database {path}: the directory {parent} is not writable")
        return False
    if not os.access(path, os.R_OK):
        raise StoreError(f"cannot read the database {path}: permission denied")
    size = path.stat().st_size
    if size == 0:
        raise StoreError(f"{path} is an empty file, not a roadmap database; remove it or choose another --db path")
    with path.open("rb") as f:
        head = f.read(len(_SQLITE_MAGIC))
    if head != _SQLITE_MAGIC:
        raise StoreError(f"{path} is not an SQLite database (it may be another kind of file); "
                         "it was left untouched; choose another --db path")
    if not os.access(path, os.W_OK) or not os.access(parent, os.W_OK):
        raise StoreError(f"the database {path} (or its directory) is read-only; roadmap needs to write to it")
    return True


def backup(path: Path, now: datetime | None = None) -> Path:
    """Copy the database at ``path`` to ``<name>.<UTC timestamp>.bak`` beside it.

    Uses SQLite's online backup API, so the copy is consistent even in WAL
    mode. Keeps the newest :data:`BACKUPS_KEPT` backups and deletes older ones.
    The copy is readable by the owner only. Returns the backup's path.
    """
    now = now or datetime.now(UTC)
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.{stamp}.bak")
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    os.chmod(target, 0o600)
    for old in list_backups(path)[:-BACKUPS_KEPT]:
        old.unlink(missing_ok=True)
    return target


def list_backups(path: Path) -> list[Path]:
    """The backups of the database at ``path``, oldest first."""
    return sorted(path.parent.glob(f"{path.name}.*.bak"))


def _restore(backup_path: Path, path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.copyfile(backup_path, path)


def open_database(path: Path | str | None = None, *, create_parent: bool | None = None) -> Engine:
    """Open (creating if needed) and migrate the roadmap database.

    Parameters
    ----------
    path : Path or str, optional
        The database file, or a database URL (``postgresql+psycopg://...``, or ``sqlite:///path``);
        :func:`default_location` when None.
    create_parent : bool, optional
        Create a missing parent directory. Default: only for the default path
        (a mistyped ``--db`` directory is an error, not silently created).

    Returns
    -------
    sqlalchemy.engine.Engine

    Raises
    ------
    StoreError
        The path is unusable, the file is not an SQLite database, it was
        written by a newer roadmap (left untouched), or the upgrade failed
        (the backup is restored, and the message says where it is); for a
        URL: the server cannot be reached or refuses the login (the message
        masks the password), or the upgrade failed (rolled back).
    """
    if path is None and is_url(default_location()):
        path = default_location()
    if is_url(path):
        url = parse_url(str(path))
        if url.get_backend_name() == "postgresql":
            return _open_postgres(url)
        if not url.database or url.database == ":memory:":
            raise StoreError("an SQLite URL needs a file path (sqlite:///path/to/roadmap.db)")
        path = url.database
    is_default = path is None
    path = Path(path).expanduser() if path is not None else default_path()
    if create_parent is None:
        create_parent = is_default and not os.environ.get(ENV_DB)
    try:
        existed = _check_path(path, create_parent=create_parent)
    except OSError as e:
        raise StoreError(f"cannot use the database path {path}: {e.strerror or e}") from None
    current, head = _check_schema(path) if existed else (None, None)

    old_umask = os.umask(0o077)  # the database, its WAL and backups: owner only
    try:
        engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)
        try:
            _migrate(engine, path, current, head or SCHEMA_HEAD)
        except StoreError:
            engine.dispose()
            raise
        except sqlite3.DatabaseError as e:  # pragma: no cover - depends on the file
            engine.dispose()
            raise StoreError(f"{path} cannot be used as a database: {e}") from None
    finally:
        os.umask(old_umask)
    return engine


def _open_postgres(url: URL) -> Engine:
    """Open and migrate a PostgreSQL database (see the module doc); raises StoreError."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    where = display_name(url)
    engine = create_engine(url, pool_pre_ping=True)
    try:
        with engine.connect() as conn:
            current = _pg_revision(conn)
        head = _check_revision(where, current)
        if current != head:
            from alembic import command

            cfg = _alembic_config("postgresql://")  # the connection is passed in: no credentials in the config
            with engine.begin() as conn:
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
                current = _pg_revision(conn)  # another process may have upgraded while we waited
                if current != _check_revision(where, current):
                    cfg.attributes["connection"] = conn
                    try:
                        command.upgrade(cfg, "head")
                    except DBAPIError:
                        raise
                    except Exception as e:
                        raise StoreError(f"upgrading {where} failed ({_first_line(e)}); the upgrade was "
                                         "rolled back, nothing was changed. Please report this.") from None
    except StoreError:
        engine.dispose()
        raise
    except DBAPIError as e:
        engine.dispose()
        raise StoreError(f"cannot use the database {where}: {_mask_secrets(_first_line(e), url)}") from None
    return engine


def _pg_revision(conn) -> str | None:
    from sqlalchemy import text

    # A plain query of pg_tables (not to_regclass, whose catalog cache may predate the advisory lock wait).
    tables = set(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars())
    if "alembic_version" not in tables:
        if tables:
            raise StoreError(f"{display_name(conn.engine)} is a PostgreSQL database, but not a roadmap one (it has "
                             f"tables {', '.join(sorted(tables)[:5])}); it was left untouched; choose another database")
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _check_revision(where: str, current: str | None) -> str:
    """The head revision; StoreError if ``current`` is not one of ours (a newer roadmap wrote it)."""
    if current == SCHEMA_HEAD:
        return SCHEMA_HEAD
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config("sqlite://"))
    if current is not None:
        try:
            script.get_revision(current)
        except Exception:
            raise StoreError(
                f"{where} was written by a newer version of roadmap (schema revision {current}); "
                "this version cannot read it and left it untouched. Upgrade roadmap (pip install -U roadmap)."
            ) from None
    return script.get_current_head()


def _mask_secrets(message: str, url: URL) -> str:
    if url.password:
        message = message.replace(str(url.password), "***")
    return message


def _inspect(path: Path) -> tuple[str | None, set[str]]:
    """The schema revision and table names of an existing file, read without changing a byte.

    Raises StoreError if SQLite cannot read it.
    """
    uri = f"file:{path.as_posix()}?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            current = None
            if "alembic_version" in tables:
                row = con.execute("SELECT version_num FROM alembic_version").fetchone()
                current = row[0] if row else None
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{path} cannot be read as a database ({e}); it was left untouched") from None
    return current, tables


def _check_schema(path: Path) -> tuple[str | None, str]:
    """Refuse foreign or newer databases before anything writes to them; return (current, head).

    At head (the usual case) this reads one row with the sqlite3 module and
    never imports Alembic, which keeps start-up fast.
    """
    current, tables = _inspect(path)
    if current == SCHEMA_HEAD:
        return current, SCHEMA_HEAD
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(f"sqlite:///{path}"))
    head = script.get_current_head()
    if current is not None:
        try:
            script.get_revision(current)
        except Exception:
            raise StoreError(
                f"{path} was written by a newer version of roadmap (schema revision {current}); "
                "this version cannot read it and left it untouched. Upgrade roadmap (pip install -U roadmap)."
            ) from None
    elif tables:
        raise StoreError(f"{path} is an SQLite database, but not a roadmap one (it has tables "
                         f"{', '.join(sorted(tables)[:5])}); it was left untouched; choose another --db path")
    return current, head


def _migrate(engine: Engine, path: Path, current: str | None, head: str) -> None:
    if current == head:
        return
    from alembic import command

    cfg = _alembic_config(str(engine.url))
    existed = current is not None
    saved = backup(path) if existed else None
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except Exception as e:
        engine.dispose()
        if saved is not None:
            _restore(saved, path)
            raise StoreError(f"upgrading {path} failed ({_first_line(e)}); the database was restored from the "
                             f"backup {saved}, which is kept. Please report this.") from None
        raise StoreError(f"creating the database {path} failed: {_first_line(e)}") from None
    os.chmod(path, 0o600)


def _first_line(e: BaseException) -> str:
    text = str(getattr(e, "orig", None) or e).strip()
    return text.splitlines()[0] if text else type(e).__name__


@contextmanager
def transaction(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """One transaction: committed at the end, rolled back on any error.

    ``write=True`` takes SQLite's write lock at the start (BEGIN IMMEDIATE),
    waiting up to the busy timeout for another writer, so concurrent writers
    queue instead of failing; ``write=False`` is for reads.

    Raises StoreError (after rolling back) if the database stays locked past
    the busy timeout or SQLite reports another operational error.
    """
    from sqlalchemy.exc import OperationalError

    try:
        with engine.connect() as conn:
            conn.info["write"] = write
            try:
                with Session(bind=conn, expire_on_commit=False) as session:
                    try:
                        yield session
                        session.commit()
                    except BaseException:
                        session.rollback()
                        raise
            finally:
                conn.info.pop("write", None)
    except OperationalError as e:
        where = display_name(engine)
        if engine.dialect.name == "sqlite" and ("locked" in str(e) or "busy" in str(e)):
            raise StoreError(f"the database {where} is busy: another program kept it locked for "
                             f"{BUSY_TIMEOUT_MS // 1000} s; nothing was changed; try again") from None
        raise StoreError(f"the database {where} could not be used ({_mask_secrets(_first_line(e), engine.url)}); "
                         "nothing was changed") from None


def read(engine: Engine):
    """A read-only transaction (see :func:`transaction`)."""
    return transaction(engine, write=False)
