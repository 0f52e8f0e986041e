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

Several processes may start at once on a database that does not exist yet or
needs an upgrade. Creating and upgrading therefore happen under one exclusive
lock on a sidecar file (``<name>.lock``, see :func:`schema_lock`) that the
others wait for; whoever gets it next checks the schema again and usually finds
nothing left to do. A database already at the newest revision (the usual case)
is opened without taking that lock. The upgrade runs in one SQLite write
transaction taken *before* the backup is copied, so no process can write
between the backup and the migration; and a failed upgrade restores the backup
only if no other connection has written since the backup was taken
(``PRAGMA data_version``), inside one transaction, through SQLite itself (never
by copying files over a live database and its ``-wal``/``-shm``).
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
import time
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
SCHEMA_HEAD = "0007"  # the newest revision in migrations/versions; a test keeps the two equal
BACKUPS_KEPT = 5
BUSY_TIMEOUT_MS = 15_000
LOCK_TIMEOUT_S = 120.0  # how long a start waits for another process creating or upgrading the database
_SQLITE_MAGIC = b"SQLite format 3\x00"
MIGRATION_LOCK = 0x726F61646D6170  # "roadmap": the advisory lock key concurrent PostgreSQL upgrades serialize on
LEARNER_LOCK = 0x726F6164  # "road": first key of the (key, hashtext(role)) advisory locks one learner's writers queue on


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


SECRET_QUERY_KEYS = ("password", "sslpassword")
"""URL query parameters (libpq connection keywords) that hold secrets: shown as ``***`` wherever a URL is shown."""

_URL_FORM = "postgresql+psycopg://[user[:password]@]host[:port]/database"


def _check_authority(location: str) -> None:
    """Refuse what SQLAlchemy would misread or crash on in the ``user:password@host:port`` part of a URL.

    Raises StoreError naming the problem; the message never shows the URL (it may hold a password).
    """
    rest = location.partition("://")[2]
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if authority.count("@") > 1:
        raise StoreError("the database URL (--db / ROADMAP_DB) has more than one @ before the host: a password "
                         "containing @ must be written %40 (user:pa%40ss@host/database)")
    hostport = authority.rpartition("@")[2]
    if hostport.startswith("["):
        host, bracket, port = hostport[1:].partition("]")
        if not bracket or not host:
            raise StoreError("the database URL (--db / ROADMAP_DB) has an IPv6 host without its closing ]; "
                             "write it as [::1] (postgresql+psycopg://user@[::1]:5432/database)")
        if port and not port.startswith(":"):
            raise StoreError("the database URL (--db / ROADMAP_DB) has text after the IPv6 host's ]; "
                             f"write {_URL_FORM}")
        port = port[1:]
        has_port = bool(port) or bool(hostport.endswith(":"))
    else:
        host, colon, port = hostport.partition(":")
        if ":" in port:
            raise StoreError("the database URL (--db / ROADMAP_DB) has more than one :port after the host; give "
                             f"one port ({_URL_FORM})")
        has_port = bool(colon)
    if has_port and not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        raise StoreError("the port in the database URL (--db / ROADMAP_DB) is not a number from 1 to 65535; "
                         f"write {_URL_FORM} (5432 is PostgreSQL's usual port)")


def parse_url(location: str) -> URL:
    """The SQLAlchemy URL of a ``--db`` value.

    ``postgresql://`` and ``postgres://`` mean the psycopg 3 driver (``postgresql+psycopg://``); other
    PostgreSQL drivers (psycopg2, asyncpg, pg8000) are refused. SQLite URLs use the standard driver.

    Raises StoreError for a malformed URL (a port that is not a number, two ports, an unclosed IPv6 host,
    an unencoded @ in the password) or an engine or driver roadmap does not support; the message never
    shows a password.
    """
    from sqlalchemy.exc import ArgumentError

    scheme = location.partition("://")[0].strip().lower()
    backend, _plus, driver = scheme.partition("+")
    if backend in ("postgresql", "postgres"):
        if driver not in ("", "psycopg"):
            raise StoreError(f"roadmap talks to PostgreSQL through psycopg 3 only, not {driver}: "
                             f"use postgresql+psycopg://... in --db / ROADMAP_DB ({_URL_FORM})")
        _check_authority(location)
    try:
        url = make_url(location)
    except (ArgumentError, ValueError):
        raise StoreError("the database URL (--db / ROADMAP_DB) is malformed; give a file path or "
                         f"{_URL_FORM}") from None
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        return url
    raise StoreError(f"{display_name(url)}: roadmap stores its data in an SQLite file "
                     "or a PostgreSQL database (postgresql+psycopg://...), not in "
                     f"{scheme or 'this'}")


def display_name(location: str | Path | Engine | URL) -> str:
    """How messages name a database: its file path, or its URL with the password masked (``***``), in the
    user part and in the query string (:data:`SECRET_QUERY_KEYS`)."""
    if isinstance(location, Engine):
        location = location.url
    if isinstance(location, URL):
        if location.get_backend_name() == "sqlite":
            return str(location.database)
        shown = location.render_as_string(hide_password=True)
        keys = "|".join(SECRET_QUERY_KEYS)
        return re.sub(rf"(?<=[?&])({keys})=[^&#]*", r"\1=***", shown, flags=re.IGNORECASE)
    if is_url(location):
        return _mask_text(str(location))
    return str(location)


def _mask_text(location: str) -> str:
    try:
        return display_name(parse_url(location))
    except Exception:
        return "the database URL"  # unparseable: show none of it, it may hold a password


_SECRET_PAIR = re.compile(r"\b(password|sslpassword)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def server_text(message: str) -> str:
    """A database error's text, fit to show: ``password=...`` key/value pairs (libpq connection strings,
    which psycopg may quote in its errors) become ``password=***``. Nothing else in the server's text is
    changed (the server never echoes a password; replacing the password's characters inside its text
    would garble it and, for a short password, reveal it)."""
    return _SECRET_PAIR.sub(lambda m: f"{m.group(1)}=***", message)


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


def _check_path(path: Path, *, create_parent: bool) -> int:
    """Raise StoreError if ``path`` cannot hold a database; return its size in bytes (0: new or empty).

    A 0-byte file is not refused: it is what SQLite leaves for a moment while
    another process creates the database, and under the schema lock it is
    created as a new database (there is nothing in it to lose).
    """
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
        return 0
    if not os.access(path, os.R_OK):
        raise StoreError(f"cannot read the database {path}: permission denied")
    size = path.stat().st_size
    if size:
        with path.open("rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
        if head != _SQLITE_MAGIC:
            raise StoreError(f"{path} is not an SQLite database (it may be another kind of file); "
                             "it was left untouched; choose another --db path")
    if not os.access(path, os.W_OK) or not os.access(parent, os.W_OK):
        raise StoreError(f"the database {path} (or its directory) is read-only; roadmap needs to write to it")
    return size


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


def lock_path(path: Path) -> Path:
    """The sidecar lock file of the database at ``path``: ``<name>.lock`` beside it.

    It is created on the first creation or upgrade and left in place (removing
    a lock file that another process may be about to lock would let two
    processes hold "the" lock at once).
    """
    return path.with_name(f"{path.name}.lock")


def _try_lock(fd: int) -> bool:
    """Take the exclusive lock on ``fd`` without waiting; False if another process holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as e:
        if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        # A file system without flock (some network mounts): go on unlocked. The
        # upgrade still runs inside one SQLite write transaction, so the backup
        # and migration stay safe; only simultaneous creation loses its queue.
        return True
    return True


@contextmanager
def schema_lock(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the exclusive lock under which the database at ``path`` is created or upgraded.

    An OS file lock (``flock`` on POSIX, ``msvcrt.locking`` on Windows) on
    :func:`lock_path`; the OS releases it when the process ends, however it
    ends, so a crashed upgrader never leaves it held. Other processes wait for
    it, polling every few milliseconds, up to ``timeout`` seconds
    (:data:`LOCK_TIMEOUT_S` when None).

    Raises
    ------
    StoreError
        Another process held the lock for longer than ``timeout`` seconds
        (nothing was changed).
    OSError
        The lock file cannot be created or opened.
    """
    timeout = LOCK_TIMEOUT_S if timeout is None else timeout
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(lock_path(path), flags, 0o600)
    try:
        deadline = time.monotonic() + timeout
        delay = 0.002
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise StoreError(f"another roadmap process has been creating or upgrading the database {path} "
                                 f"for over {timeout:.0f} s; nothing was changed; let it finish and try again")
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def open_database(path: Path | str | None = None, *, create_parent: bool | None = None, admin: bool = False,
                  assign_to: str | None = None) -> Engine:
    """Open (creating if needed) and migrate the roadmap database.

    A database at the newest revision is opened at once, without a lock. One
    that is missing, empty or older is created or upgraded under
    :func:`schema_lock`: a process that finds another one doing it waits (up
    to :data:`LOCK_TIMEOUT_S` seconds), then checks the schema again.

    Parameters
    ----------
    path : Path or str, optional
        The database file, or a database URL (``postgresql+psycopg://...``, or ``sqlite:///path``);
        :func:`default_location` when None.
    create_parent : bool, optional
        Create a missing parent directory. Default: only for the default path
        (a mistyped ``--db`` directory is an error, not silently created).
    admin : bool
        PostgreSQL: opened by ``roadmap admin`` (the owner), not by a learner: the check that refuses
        learner commands from the administrator once other learners have rows is skipped.
    assign_to : str, optional
        PostgreSQL: a role that receives the rows an upgrade from before revision 0007 would assign to
        the upgrading role (``roadmap admin upgrade --assign-to``).

    Returns
    -------
    sqlalchemy.engine.Engine

    Raises
    ------
    StoreError
        The path is unusable, the file is not an SQLite database, it was
        written by a newer roadmap (left untouched), another process kept the
        schema lock too long, or the upgrade failed (the backup is restored
        unless another program wrote to the database after it was taken; the
        message says which, and where the backup is); for a URL: the server cannot be reached or refuses the login (the message
        masks the password), or the upgrade failed (rolled back); the schema is behind and the role may not
        upgrade it (the message says to ask the administrator); the role is the administrator and other
        learners' rows exist (learner commands only; see :func:`_check_learner`).
    """
    if path is None and is_url(default_location()):
        path = default_location()
    if is_url(path):
        url = parse_url(str(path))
        if url.get_backend_name() == "postgresql":
            return _open_postgres(url, admin=admin, assign_to=assign_to)
        if not url.database or url.database == ":memory:":
            raise StoreError("an SQLite URL needs a file path (sqlite:///path/to/roadmap.db)")
        path = url.database
    is_default = path is None
    path = Path(path).expanduser() if path is not None else default_path()
    if create_parent is None:
        create_parent = is_default and not os.environ.get(ENV_DB)
    try:
        if _check_path(path, create_parent=create_parent):
            current, _head = _check_schema(path)
            if current == SCHEMA_HEAD:
                return _new_engine(path)
        with schema_lock(path):
            return _create_or_upgrade(path)
    except OSError as e:
        raise StoreError(f"cannot use the database path {path}: {e.strerror or e}") from None


def _new_engine(path: Path, **kwargs) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **kwargs)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _create_or_upgrade(path: Path) -> Engine:
    """Under the schema lock: look again (another process may have done it), then create or upgrade."""
    size = _check_path(path, create_parent=False)
    current, head = _check_schema(path) if size else (None, SCHEMA_HEAD)
    if current != head:
        old_umask = os.umask(0o077)  # the database, its WAL and backups: owner only
        try:
            _migrate(path, current, head)
        except sqlite3.DatabaseError as e:  # pragma: no cover - depends on the file
            raise StoreError(f"{path} cannot be used as a database: {e}") from None
        finally:
            os.umask(old_umask)
    return _new_engine(path)


def _open_postgres(url: URL, *, admin: bool = False, assign_to: str | None = None) -> Engine:
    """Open and migrate a PostgreSQL database (see the module doc); raises StoreError.

    ``admin``: the caller is ``roadmap admin`` (the database owner): it may upgrade, and it is not a
    learner, so :func:`_check_learner` is skipped. ``assign_to``: a role that receives the rows an
    upgrade to revision 0007 assigns to the upgrading role (``roadmap admin upgrade --assign-to``).
    """
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    where = display_name(url)
    engine = create_engine(url, pool_pre_ping=True)
    try:
        with engine.connect() as conn:
            current = _pg_revision(conn)
            head = _check_revision(where, current)
            if current != head and not _can_upgrade(conn):
                if current is None:
                    raise StoreError(f"the team database {where} has no roadmap schema yet, and your role cannot "
                                     "create it; ask its administrator to run `roadmap admin init`")
                raise StoreError(f"the team database {where} is at revision {current} and this roadmap needs "
                                 f"{head}; ask its administrator to run `roadmap admin upgrade`")
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
                        if assign_to is not None and current is not None and current < "0007":
                            _assign_rows(conn, assign_to)
                        grant_learner_access(conn)
                    except (DBAPIError, StoreError):
                        raise
                    except Exception as e:
                        raise StoreError(f"upgrading {where} failed ({_first_line(e)}); the upgrade was "
                                         "rolled back, nothing was changed. Please report this.") from None
        if not admin:
            with engine.connect() as conn:
                _check_learner(conn, where)
    except StoreError:
        engine.dispose()
        raise
    except DBAPIError as e:
        engine.dispose()
        raise StoreError(f"cannot use the database {where}: {server_text(_first_line(e))}") from None
    return engine


LEARNER_GROUP = "roadmap_learner"
"""The group role every learner and mentor role is a member of; it holds the grants on roadmap's tables."""


def _can_upgrade(conn) -> bool:
    """Whether the connecting role may change the schema: a superuser, or (a member of) the owner of
    ``alembic_version``; with no schema yet, a role that may create tables in the current schema."""
    from sqlalchemy import text

    return bool(conn.execute(text(
        "SELECT CASE WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN true "
        "WHEN to_regclass('alembic_version') IS NULL "
        "THEN has_schema_privilege(current_schema(), 'CREATE') "
        "ELSE pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = to_regclass('alembic_version')), "
        "'USAGE') END")).scalar())


def _check_learner(conn, where: str) -> None:
    """Refuse learner commands from a role that row-level security does not apply to, once the database
    holds other learners' rows (it would see and change everyone's roadmap as if it were its own).

    Such a role is a superuser, a role with BYPASSRLS, or the tables' owner: the team's administrator,
    who uses ``roadmap admin``. A database with one learner (a personal PostgreSQL database, or a fresh
    team database) works for its owner as before. Raises StoreError.
    """
    from sqlalchemy import text

    from roadmap.models import LEARNER_TABLES

    bypasses = conn.execute(text(
        "SELECT r.rolsuper OR r.rolbypassrls OR pg_has_role(current_user, c.relowner, 'USAGE') "
        "FROM pg_roles r, pg_class c WHERE r.rolname = current_user AND c.oid = to_regclass('skill_progress')")
    ).scalar()
    if not bypasses:
        return
    others = " UNION ALL ".join(f"(SELECT 1 FROM {t} WHERE learner <> current_user LIMIT 1)" for t in LEARNER_TABLES)
    if conn.execute(text(f"SELECT EXISTS ({others}) OR EXISTS (SELECT 1 FROM mentorship)")).scalar():
        role = conn.execute(text("SELECT current_user")).scalar()
        raise StoreError(f"you are connected to the team database {where} as {role}, its administrator: "
                         "row-level security does not apply to that role, so it would see every learner's "
                         "rows as its own. Connect as your learner role "
                         "(postgresql+psycopg://NAME@host/database), or use `roadmap admin`")


def _assign_rows(conn, role: str) -> None:
    """Give every per-learner row of the upgrading role to ``role`` (upgrade to 0007 with --assign-to)."""
    from sqlalchemy import text

    from roadmap.models import LEARNER_TABLES

    if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
        raise StoreError(f"there is no role {role} to assign the rows to; create it first "
                         f"(roadmap admin add-learner {role}); nothing was changed")
    for table in LEARNER_TABLES:
        conn.execute(text(f"UPDATE {table} SET learner = :r WHERE learner = current_user"), {"r": role})


def grant_learner_access(conn) -> bool:
    """Grant the group role :data:`LEARNER_GROUP` what a learner needs, if the role exists; True if it does.

    SELECT/INSERT/UPDATE/DELETE on the per-learner tables, USAGE on the sequences of the current schema,
    SELECT on ``mentorship`` and ``alembic_version`` (row-level security still limits which rows). Run
    after each upgrade, so tables added by later revisions are granted too. Idempotent.
    """
    from sqlalchemy import text

    from roadmap.models import LEARNER_TABLES

    if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": LEARNER_GROUP}).first():
        return False
    prep = conn.dialect.identifier_preparer
    group = prep.quote(LEARNER_GROUP)
    schema = prep.quote(conn.execute(text("SELECT current_schema()")).scalar())
    conn.execute(text(f"GRANT USAGE ON SCHEMA {schema} TO {group}"))
    conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(LEARNER_TABLES)} TO {group}"))
    conn.execute(text(f"GRANT SELECT ON mentorship, alembic_version TO {group}"))
    conn.execute(text(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {group}"))
    return True


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


def _revision(con: sqlite3.Connection) -> str | None:
    if not con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").fetchone():
        return None
    row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _data_version(con: sqlite3.Connection) -> int:
    # Changes whenever *another* connection commits to the database (SQLite's
    # PRAGMA data_version); the connection's own commits leave it alone.
    return con.execute("PRAGMA data_version").fetchone()[0]


def _migrate(path: Path, current: str | None, head: str) -> None:
    """Create (``current`` None) or upgrade the database; the caller holds :func:`schema_lock`.

    One connection does everything, so ``PRAGMA data_version`` compares like
    with like: it takes the write lock (BEGIN IMMEDIATE), checks the revision
    is still ``current``, copies the backup, runs the migrations and commits.
    """
    from alembic import command
    from sqlalchemy.pool import StaticPool

    engine = _new_engine(path, poolclass=StaticPool)
    saved: Path | None = None
    try:
        with engine.connect() as conn:
            conn.info["write"] = True
            con = conn.connection.dbapi_connection
            try:
                with conn.begin():
                    found = _revision(con)
                    if found != current:
                        raise StoreError(f"another program changed the schema of {path} (revision {current} -> "
                                         f"{found}) while roadmap was upgrading it; nothing was changed; try again")
                    before = _data_version(con)
                    if current is not None:
                        saved = backup(path)
                    cfg = _alembic_config(str(engine.url))
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
            except StoreError:
                raise
            except Exception as e:
                why = _first_line(e)
                if current is None:
                    raise StoreError(f"creating the database {path} failed: {why}") from None
                if saved is None:
                    raise StoreError(f"upgrading {path} failed before anything was changed, while copying the "
                                     f"backup ({why}); the database is as it was; try again") from None
                try:
                    restored = _restore(saved, con, before)
                except Exception as e2:
                    raise StoreError(f"upgrading {path} failed ({why}), and restoring the backup {saved} (which is "
                                     f"kept) failed too ({_first_line(e2)}); the upgrade itself was rolled back. "
                                     "Please report this.") from None
                if restored:
                    raise StoreError(f"upgrading {path} failed ({why}); the database was restored from the backup "
                                     f"{saved}, which is kept. Please report this.") from None
                raise StoreError(f"upgrading {path} failed ({why}); the upgrade was rolled back, and since another "
                                 "program wrote to the database after the backup was taken, the backup "
                                 f"{saved} was not copied over it (it is kept). Please report this.") from None
    finally:
        engine.dispose()
    os.chmod(path, 0o600)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _restore(saved: Path, con: sqlite3.Connection, before: int) -> bool:
    """Put the backup ``saved`` back into the live database through ``con``, if nobody else wrote since.

    ``before`` is ``PRAGMA data_version`` read on ``con`` just before the
    backup was taken. In one write transaction: if another connection has
    committed since, nothing is done and False is returned; otherwise every
    table, index, trigger and view is replaced by the backup's, and True is
    returned. Going through SQLite (not copying the file) keeps the WAL and the
    other processes' shared memory consistent.
    """
    con.execute("PRAGMA foreign_keys = OFF")  # only outside a transaction; dropping tables must not cascade
    con.execute("ATTACH DATABASE ? AS saved", (str(saved),))
    try:
        con.execute("BEGIN IMMEDIATE")
        try:
            if _data_version(con) != before:
                con.execute("ROLLBACK")
                return False
            live = con.execute("SELECT type, name FROM main.sqlite_master "
                               "WHERE name NOT LIKE 'sqlite_%' AND type IN ('view', 'trigger', 'table')").fetchall()
            for kind, name in sorted(live, key=lambda r: r[0] == "table"):  # views and triggers first
                con.execute(f"DROP {kind.upper()} IF EXISTS main.{_quote(name)}")
            objects = con.execute("SELECT type, name, sql FROM saved.sqlite_master "
                                  "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'").fetchall()
            order = {"table": 0, "index": 1, "trigger": 2, "view": 3}
            for kind, name, sql in sorted(objects, key=lambda r: order.get(r[0], 4)):
                con.execute(sql)  # unqualified CREATE statements go to main
                if kind == "table":
                    con.execute(f"INSERT INTO main.{_quote(name)} SELECT * FROM saved.{_quote(name)}")
            has_seq = "SELECT 1 FROM {}.sqlite_master WHERE name = 'sqlite_sequence'"
            if con.execute(has_seq.format("main")).fetchone():
                con.execute("DELETE FROM main.sqlite_sequence")
                if con.execute(has_seq.format("saved")).fetchone():
                    con.execute("INSERT INTO main.sqlite_sequence SELECT * FROM saved.sqlite_sequence")
            con.execute(f"PRAGMA main.user_version = {int(con.execute('PRAGMA saved.user_version').fetchone()[0])}")
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
    finally:
        con.execute("DETACH DATABASE saved")
        con.execute("PRAGMA foreign_keys = ON")
    return True


def _first_line(e: BaseException) -> str:
    text = str(getattr(e, "orig", None) or e).strip()
    return text.splitlines()[0] if text else type(e).__name__


@contextmanager
def transaction(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """One transaction: committed at the end, rolled back on any error.

    ``write=True`` takes SQLite's write lock at the start (BEGIN IMMEDIATE),
    waiting up to the busy timeout for another writer, so concurrent writers
    queue instead of failing; ``write=False`` is for reads. On PostgreSQL a write
    transaction starts with a transaction-level advisory lock keyed on the
    connecting role (``pg_advisory_xact_lock(LEARNER_LOCK, hashtext(current_user))``),
    so one learner's writers (two machines) queue as on SQLite and read what the
    previous one committed, while different learners never wait for each other.

    Raises StoreError (after rolling back) if the database stays locked past
    the busy timeout, PostgreSQL reports a serialization failure or deadlock
    (nothing was changed; try again), refuses the role (permission denied), the
    connection is lost, or another operational error occurs.
    """
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as conn:
            conn.info["write"] = write
            try:
                with Session(bind=conn, expire_on_commit=False) as session:
                    try:
                        if write and conn.dialect.name == "postgresql":
                            session.execute(text("SELECT pg_advisory_xact_lock(:c, hashtext(current_user))"),
                                            {"c": LEARNER_LOCK})
                        yield session
                        session.commit()
                    except BaseException:
                        session.rollback()
                        raise
            finally:
                conn.info.pop("write", None)
    except DBAPIError as e:
        raise _db_error(e, engine) from None


def _db_error(e, engine: Engine) -> BaseException:
    """The StoreError a failed transaction becomes (or ``e`` itself, for errors that are roadmap's bugs)."""
    from sqlalchemy.exc import OperationalError

    where = display_name(engine)
    why = server_text(_first_line(e))
    if engine.dialect.name == "sqlite":
        if not isinstance(e, OperationalError):
            return e
        if "locked" in str(e) or "busy" in str(e):
            return StoreError(f"the database {where} is busy: another program kept it locked for "
                              f"{BUSY_TIMEOUT_MS // 1000} s; nothing was changed; try again")
        return StoreError(f"the database {where} could not be used ({why}); nothing was changed")
    code = getattr(e.orig, "sqlstate", None) or ""
    if code in ("40001", "40P01"):
        return StoreError(f"another roadmap process wrote to {where} at the same time ({why}); nothing was "
                          "changed; try again")
    if code == "42501":
        return StoreError(f"the database {where} refused your role ({why}); nothing was changed. Learners read "
                          "and write only their own rows; ask the administrator if you need more")
    if isinstance(e, OperationalError) or code[:2] in ("08", "57", "53"):
        return StoreError(f"the database {where} could not be used ({why}); nothing was changed")
    return e


def read(engine: Engine):
    """A read-only transaction (see :func:`transaction`)."""
    return transaction(engine, write=False)
