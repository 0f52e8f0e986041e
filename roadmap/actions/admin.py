"""Administering a team database (PostgreSQL): schema, learners, mentors (``roadmap admin``).

Run by the team database's owner (the administrator), who is not a learner: the owner's role owns the
tables, so row-level security does not apply to it (revision 0007). A learner is a PostgreSQL role that
can log in and is a member of the group role :data:`roadmap.store.LEARNER_GROUP`, which holds the
grants; a mentor is a learner with rows in ``mentorship``. Roles are cluster-wide in PostgreSQL: one
role can be a learner in several team databases of a server, and removing a learner drops the role.

Identifiers and the password are always quoted by psycopg (``psycopg.sql.Identifier`` / ``Literal``),
never formatted into SQL by hand; a password is never shown or logged by roadmap.

Every function takes the database location (a ``postgresql+psycopg://`` URL) and raises
:class:`AdminError` for a location that is not a team database, an unknown or invalid role name, or
a role without the privileges needed (creating roles needs CREATEROLE); the database is never left
half-changed (each function is one transaction; a role created in it disappears on rollback).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from roadmap.errors import RoadmapError


class AdminError(RoadmapError):
    """``roadmap admin`` cannot do what was asked (the message says why and what to do)."""


@dataclass(frozen=True)
class Revision:
    """The schema revision before and after ``init``/``upgrade`` (``before`` None: there was no schema)."""

    before: str | None
    after: str
    group_created: bool = False
    assigned_to: str | None = None


@dataclass(frozen=True)
class Member:
    """One learner of the team: role name, their mentees (if a mentor) and their mentors."""

    name: str
    mentees: tuple[str, ...] = ()
    mentors: tuple[str, ...] = ()
    can_login: bool = True


@dataclass(frozen=True)
class Team:
    """Everyone in a team database: the learners (members of the group role), sorted by name, and the
    roles that own rows without being learners (e.g. the administrator's own rows after an upgrade)."""

    learners: tuple[Member, ...]
    others_with_rows: tuple[str, ...] = field(default=())


def _url(location: str | Path | None) -> str:
    from roadmap import store

    loc = location if location is not None else store.default_location()
    if store.is_url(loc) and store.parse_url(str(loc)).get_backend_name() == "postgresql":
        return str(loc)
    raise AdminError("roadmap admin needs a team database: give --db (or ROADMAP_DB) as a PostgreSQL URL, "
                     "postgresql+psycopg://OWNER@host/database (see docs/team.md); an SQLite file has one "
                     "learner and nothing to administer")


def _check_name(name: str, what: str = "learner") -> str:
    if not name or not name.strip() or name != name.strip():
        raise AdminError(f"the {what} name {name!r} is empty or has spaces around it; give a role name like alice")
    if len(name.encode()) > 63:
        raise AdminError(f"the {what} name {name!r} is longer than PostgreSQL's 63 bytes; choose a shorter one")
    if name.lower().startswith("pg_") or name == "public":
        raise AdminError(f"{name!r} is reserved by PostgreSQL; choose another {what} name")
    from roadmap.store import LEARNER_GROUP

    if name == LEARNER_GROUP:
        raise AdminError(f"{name!r} is the group role every learner belongs to; choose another {what} name")
    return name


@contextmanager
def _admin(location, *, assign_to: str | None = None) -> Iterator:
    """(engine's connection in one transaction, psycopg cursor) as the owner; DB errors -> AdminError."""
    from sqlalchemy.exc import DBAPIError

    from roadmap import store

    url = _url(location)
    engine = store.open_database(url, admin=True, assign_to=assign_to)
    where = store.display_name(engine)
    try:
        with engine.begin() as conn:
            cur = conn.connection.driver_connection.cursor()
            cur.execute("SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) OR "
                        "pg_has_role(current_user, (SELECT relowner FROM pg_class "
                        "WHERE oid = to_regclass('alembic_version')), 'USAGE')")
            me, owner = cur.fetchone()
            if not owner:
                raise AdminError(f"roadmap admin runs as the owner of the team database {where}; you are connected "
                                 f"as {me}, a learner. Connect as the owner (or ask the administrator)")
            yield conn, cur
    except DBAPIError as e:
        code = getattr(e.orig, "sqlstate", None) or ""
        why = store._mask_secrets(store._first_line(e), engine.url)
        if code == "42501":
            raise AdminError(f"{where}: your role may not do this ({why}); nothing was changed. Run roadmap admin "
                             "as the database owner, with CREATEROLE to add or remove roles") from None
        raise AdminError(f"{where}: {why}; nothing was changed") from None
    finally:
        engine.dispose()


def _role_exists(cur, name: str) -> bool:
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
    return cur.fetchone() is not None


def _is_learner(cur, name: str) -> bool:
    from roadmap.store import LEARNER_GROUP

    cur.execute("SELECT pg_has_role(%s, %s, 'MEMBER') AND %s <> %s", (name, LEARNER_GROUP, name, LEARNER_GROUP))
    return bool(cur.fetchone()[0])


def _ensure_group(cur) -> bool:
    """Create the group role if missing; True if it was created."""
    from psycopg import sql

    from roadmap.store import LEARNER_GROUP

    if _role_exists(cur, LEARNER_GROUP):
        return False
    cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(LEARNER_GROUP)))
    return True


def _revision(location) -> str | None:
    from sqlalchemy import create_engine, text

    from roadmap import store

    engine = create_engine(store.parse_url(_url(location)))
    try:
        with engine.connect() as conn:
            if conn.execute(text("SELECT to_regclass('alembic_version')")).scalar() is None:
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        return None  # open_database reports the real problem next, with the URL masked
    finally:
        engine.dispose()


def init(location: str | Path | None) -> Revision:
    """Create (or upgrade) the schema, create the group role if missing and grant it; idempotent."""
    from roadmap import store

    before = _revision(location)
    with _admin(location) as (conn, cur):
        created = _ensure_group(cur)
        store.grant_learner_access(conn)
    return Revision(before, store.SCHEMA_HEAD, group_created=created)


def upgrade(location: str | Path | None, *, assign_to: str | None = None) -> Revision:
    """Upgrade the schema to this roadmap's revision (one transaction) and re-grant the group role.

    ``assign_to``: on an upgrade from before revision 0007, the rows already there go to this role (a
    learner) instead of the administrator's role; it must exist (``add-learner`` first).
    """
    from roadmap import store

    if assign_to is not None:
        _check_name(assign_to)
    before = _revision(location)
    with _admin(location, assign_to=assign_to) as (conn, _cur):
        store.grant_learner_access(conn)
    moved = assign_to if assign_to is not None and before is not None and before < "0007" else None
    return Revision(before, store.SCHEMA_HEAD, assigned_to=moved)


def _make_learner(cur, name: str, password: str | None) -> bool:
    """Create the login role if missing and make it a member of the group; True if the role was created."""
    from psycopg import sql

    from roadmap.store import LEARNER_GROUP

    _ensure_group(cur)
    created = not _role_exists(cur, name)
    if created:
        stmt = sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name))
        if password is not None:
            stmt = sql.SQL("{} PASSWORD {}").format(stmt, sql.Literal(password))
        cur.execute(stmt)
    elif password is not None:
        cur.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(name), sql.Literal(password)))
    if not _is_learner(cur, name):
        cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(LEARNER_GROUP), sql.Identifier(name)))
    return created


def add_learner(location: str | Path | None, name: str, *, password: str | None = None) -> bool:
    """Add a learner: a login role ``name`` (password ``password``, or none for peer/trust/certificate
    authentication) in the group role. An existing role just joins the group (its password is set if
    given). Returns True if the role was created."""
    from roadmap import store

    _check_name(name)
    if password is not None and not password:
        raise AdminError("the password is empty; give one on standard input, or leave out --password-stdin")
    with _admin(location) as (conn, cur):
        created = _make_learner(cur, name, password)
        store.grant_learner_access(conn)
    return created


def _need_learner(cur, name: str) -> None:
    if not _role_exists(cur, name):
        raise AdminError(f"there is no role {name}; add it first: roadmap admin add-learner {name}")
    if not _is_learner(cur, name):
        raise AdminError(f"the role {name} is not a learner of this team; add it: roadmap admin add-learner {name}")


def add_mentor(location: str | Path | None, name: str, mentees: list[str], *, password: str | None = None) -> bool:
    """Add a mentor (a learner, created if missing) and assign ``mentees`` (existing learners) to them.

    Returns True if the mentor's role was created.
    """
    from roadmap import store

    _check_name(name, "mentor")
    for m in mentees:
        _check_name(m)
    with _admin(location) as (conn, cur):
        created = _make_learner(cur, name, password)
        for m in mentees:
            _assign(cur, name, m)
        store.grant_learner_access(conn)
    return created


def _assign(cur, mentor: str, mentee: str) -> bool:
    if mentor == mentee:
        raise AdminError(f"{mentor} cannot mentor themselves")
    _need_learner(cur, mentor)
    _need_learner(cur, mentee)
    cur.execute("INSERT INTO mentorship (mentor, mentee) VALUES (%s, %s) ON CONFLICT DO NOTHING", (mentor, mentee))
    return cur.rowcount == 1


def assign(location: str | Path | None, mentor: str, mentee: str) -> bool:
    """Make ``mentor`` a mentor of ``mentee`` (both learners); False if it already was."""
    with _admin(location) as (_conn, cur):
        return _assign(cur, _check_name(mentor, "mentor"), _check_name(mentee))


def unassign(location: str | Path | None, mentor: str, mentee: str) -> None:
    """Stop ``mentor`` mentoring ``mentee``; AdminError if they were not paired."""
    with _admin(location) as (_conn, cur):
        cur.execute("DELETE FROM mentorship WHERE mentor = %s AND mentee = %s", (mentor, mentee))
        if cur.rowcount == 0:
            raise AdminError(f"{mentor} is not a mentor of {mentee}; see roadmap admin list")


def learner_rows(location: str | Path | None, name: str) -> dict[str, int]:
    """What removing ``name`` deletes: rows per table (only tables with rows), incl. ``mentorship``."""
    from roadmap.models import LEARNER_TABLES

    with _admin(location) as (_conn, cur):
        _need_role(cur, name)
        counts = {}
        for table in LEARNER_TABLES:
            cur.execute(f"SELECT count(*) FROM {table} WHERE learner = %s", (name,))  # table names: constants
            counts[table] = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM mentorship WHERE mentor = %s OR mentee = %s", (name, name))
        counts["mentorship"] = cur.fetchone()[0]
    return {t: n for t, n in counts.items() if n}


def _need_role(cur, name: str) -> None:
    _check_name(name)
    if not _role_exists(cur, name):
        raise AdminError(f"there is no role {name}; see roadmap admin list")
    cur.execute("SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = %s)", (name,))
    me, superuser = cur.fetchone()
    if name == me or superuser:
        raise AdminError(f"{name} is the administrator (or a superuser), not a learner; it cannot be removed here")


def remove_learner(location: str | Path | None, name: str) -> dict[str, int]:
    """Delete every row of learner ``name`` (all per-learner tables and mentorship) and drop their role,
    in one transaction. Returns the rows deleted per table. AdminError for an unknown role, the
    administrator, or a role that still owns objects (PostgreSQL refuses to drop it; nothing changed).
    """
    from psycopg import sql

    from roadmap.models import LEARNER_TABLES

    deleted = {}
    with _admin(location) as (_conn, cur):
        _need_role(cur, name)
        for table in LEARNER_TABLES:
            cur.execute(f"DELETE FROM {table} WHERE learner = %s", (name,))  # table names: constants
            deleted[table] = cur.rowcount
        cur.execute("DELETE FROM mentorship WHERE mentor = %s OR mentee = %s", (name, name))
        deleted["mentorship"] = cur.rowcount
        cur.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))
    return {t: n for t, n in deleted.items() if n}


def list_team(location: str | Path | None) -> Team:
    """The learners (members of the group role) with their mentees and mentors, and roles with rows
    that are not learners."""
    from roadmap.models import LEARNER_TABLES
    from roadmap.store import LEARNER_GROUP

    with _admin(location) as (_conn, cur):
        roles = []
        if _role_exists(cur, LEARNER_GROUP):
            cur.execute("SELECT r.rolname, r.rolcanlogin FROM pg_roles r WHERE pg_has_role(r.oid, %s, 'MEMBER') "
                        "AND r.rolname <> %s AND NOT r.rolsuper ORDER BY r.rolname", (LEARNER_GROUP, LEARNER_GROUP))
            roles = cur.fetchall()
        cur.execute("SELECT mentor, mentee FROM mentorship ORDER BY mentor, mentee")
        pairs = cur.fetchall()
        union = " UNION ".join(f"SELECT DISTINCT learner FROM {t}" for t in LEARNER_TABLES)
        cur.execute(f"SELECT learner FROM ({union}) AS x ORDER BY learner")
        with_rows = [r[0] for r in cur.fetchall()]
    names = {r[0] for r in roles}
    learners = tuple(Member(name, tuple(b for a, b in pairs if a == name), tuple(a for a, b in pairs if b == name),
                            can_login) for name, can_login in roles)
    return Team(learners, tuple(n for n in with_rows if n not in names))
