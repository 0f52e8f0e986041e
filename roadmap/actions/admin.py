"""Administering a team database (PostgreSQL): schema, learners, mentors (``roadmap admin``).

Run by the team database's owner (the administrator), who is not a learner: the owner's role owns the
tables, so row-level security does not apply to it (revision 0007). A learner is a PostgreSQL role that
can log in and is a member of the group role :data:`roadmap.store.LEARNER_GROUP`, which holds the
grants; a mentor is a learner with rows in ``mentorship``. Roles are cluster-wide in PostgreSQL: one
role can be a learner in several team databases of a server, and removing a learner drops the role.

Identifiers are always quoted by psycopg (``psycopg.sql.Identifier`` / ``Literal``), never formatted
into SQL by hand. A password is never shown or logged by roadmap, and never sent in SQL text: libpq
turns it into the verifier the server stores (SCRAM-SHA-256), and only that is sent.

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


RESERVED_NAMES = frozenset({"public", "none", "current_user", "session_user", "current_role", "user", "all"})
"""Role names PostgreSQL reserves or reads as keywords in role clauses (compared case-insensitively); names
starting with ``pg_`` are reserved too."""


def _check_name(name: str, what: str = "learner") -> str:
    """``name`` if it can be a learner's role name; AdminError (naming the problem) otherwise."""
    import unicodedata

    if not name or not name.strip() or name != name.strip():
        raise AdminError(f"the {what} name {name!r} is empty or has spaces around it; give a role name like alice")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        raise AdminError(f"the {what} name {name!r} contains a control character or line break; give a role "
                         "name of letters, digits and _ like alice")
    if len(name.encode()) > 63:
        raise AdminError(f"the {what} name {name!r} is longer than PostgreSQL's 63 bytes; choose a shorter one")
    if name.lower().startswith("pg_") or name.lower() in RESERVED_NAMES:
        raise AdminError(f"{name!r} is reserved by PostgreSQL; choose another {what} name")
    from roadmap.store import LEARNER_GROUP

    if name == LEARNER_GROUP:
        raise AdminError(f"{name!r} is the group role every learner belongs to; choose another {what} name")
    return name


@contextmanager
def _admin(location, *, assign_to: str | None = None) -> Iterator:
    """(engine's connection in one transaction, psycopg cursor) as the owner; DB errors -> AdminError."""
    import psycopg
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
    except (DBAPIError, psycopg.Error) as e:
        raise _admin_error(e, where) from None
    finally:
        engine.dispose()


def _admin_error(e: BaseException, where: str) -> AdminError:
    """The AdminError a database error in ``roadmap admin`` becomes (the transaction was rolled back)."""
    import psycopg

    from roadmap import store

    orig = getattr(e, "orig", None) or e
    code = getattr(orig, "sqlstate", None) or ""
    why = store.server_text(store._first_line(orig))
    if code == "42501":
        return AdminError(f"{where}: your role may not do this ({why}); nothing was changed. Run roadmap admin "
                          "as the database owner, with CREATEROLE to add or remove roles (a superuser role can "
                          "only be changed by a superuser)")
    if code in ("42939", "42602", "42704"):
        return AdminError(f"{where}: PostgreSQL refused the role name ({why}); nothing was changed; choose "
                          "another name")
    if code == "2BP01":
        detail = getattr(getattr(orig, "diag", None), "message_detail", None)
        if detail:
            why += ": " + "; ".join(store.server_text(line) for line in detail.splitlines())
        return AdminError(f"{where}: the role still owns objects or holds privileges ({why}); nothing was "
                          "changed. Reassign or drop them first (REASSIGN OWNED / DROP OWNED as a superuser)")
    if isinstance(orig, psycopg.DataError) or code.startswith("22"):
        return AdminError(f"{where}: PostgreSQL cannot store a value given ({why}); nothing was changed")
    return AdminError(f"{where}: {why}; nothing was changed")


def _role_exists(cur, name: str) -> bool:
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
    return cur.fetchone() is not None


def _bypasses(cur, name: str) -> str | None:
    """Why row-level security does not apply to role ``name`` (so it cannot be a learner or a mentee), or
    None: it is the connected administrator, the database's owner, (a member of) the tables' owner, a
    superuser or a role with BYPASSRLS."""
    cur.execute("SELECT r.rolname = current_user, r.oid = (SELECT datdba FROM pg_database "
                "WHERE datname = current_database()), coalesce(pg_has_role(r.oid, c.relowner, 'USAGE'), false), "
                "r.rolsuper, r.rolbypassrls FROM pg_roles r LEFT JOIN pg_class c "
                "ON c.oid = to_regclass('alembic_version') WHERE r.rolname = %s", (name,))
    row = cur.fetchone()
    if row is None:
        return None
    me, db_owner, table_owner, superuser, bypassrls = row
    if me or db_owner:
        return "the administrator (the owner of this team database)"
    if superuser:
        return "a superuser"
    if bypassrls:
        return "a role with BYPASSRLS"
    if table_owner:
        return "the administrator (the owner of this team database)"
    return None


def _refuse_bypass(cur, name: str, what: str) -> None:
    why = _bypasses(cur, name)
    if why:
        raise AdminError(f"{name} is {why}: row-level security does not apply to it, so it would see every "
                         f"learner's rows; it cannot be a {what}. Give a learner role; nothing was changed")


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


def _check_assignee(location, name: str) -> None:
    """AdminError unless role ``name`` exists and row-level security applies to it (checked before the
    upgrade starts, so a mistyped ``--assign-to`` changes nothing)."""
    import psycopg
    from sqlalchemy import create_engine

    from roadmap import store

    url = store.parse_url(_url(location))
    _args, kwargs = create_engine(url).dialect.create_connect_args(url)
    try:
        with psycopg.connect(**kwargs, autocommit=True, connect_timeout=30) as con:
            cur = con.cursor()
            if not _role_exists(cur, name):
                raise AdminError(f"there is no role {name} to assign the rows to; create it first "
                                 f"(roadmap admin add-learner {name}); nothing was changed")
            _refuse_bypass(cur, name, "learner to assign the rows to")
    except psycopg.Error:
        return  # open_database reports the real problem next, with the URL masked


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
        _check_assignee(location, assign_to)
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
    if not created:
        _refuse_bypass(cur, name, "learner")
    if created:
        stmt = sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name))
        if password is not None:
            stmt = sql.SQL("{} PASSWORD {}").format(stmt, sql.Literal(_verifier(cur, name, password)))
        cur.execute(stmt)
    elif password is not None:
        cur.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(name),
                                                                 sql.Literal(_verifier(cur, name, password))))
    if not _is_learner(cur, name):
        cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(LEARNER_GROUP), sql.Identifier(name)))
    return created


def _verifier(cur, name: str, password: str) -> str:
    """The password as the server stores it (a SCRAM-SHA-256 verifier, or whatever the server's
    ``password_encryption`` asks for), computed here by libpq (``PQencryptPasswordConn``): the
    statement that sets it never holds the password itself, so a server that logs statements
    logs no password."""
    return cur.connection.pgconn.encrypt_password(password.encode(), name.encode()).decode()


def _check_password(password: str | None) -> None:
    if password is None:
        return
    if not password:
        raise AdminError("the password is empty; give one on standard input, or leave out --password-stdin")
    if "\x00" in password:
        raise AdminError("the password contains a NUL character, which PostgreSQL cannot store; give another "
                         "one on standard input")


def add_learner(location: str | Path | None, name: str, *, password: str | None = None) -> bool:
    """Add a learner: a login role ``name`` (password ``password``, or none for peer/trust/certificate
    authentication) in the group role. An existing role just joins the group (its password is set if
    given). Returns True if the role was created."""
    from roadmap import store

    _check_name(name)
    _check_password(password)
    with _admin(location) as (conn, cur):
        created = _make_learner(cur, name, password)
        store.grant_learner_access(conn)
    return created


def _need_learner(cur, name: str) -> None:
    if not _role_exists(cur, name):
        raise AdminError(f"there is no role {name}; add it first: roadmap admin add-learner {name}")
    _refuse_bypass(cur, name, "learner, mentor or mentee")
    if not _is_learner(cur, name):
        raise AdminError(f"the role {name} is not a learner of this team; add it: roadmap admin add-learner {name}")


def add_mentor(location: str | Path | None, name: str, mentees: list[str], *, password: str | None = None) -> bool:
    """Add a mentor (a learner, created if missing) and assign ``mentees`` (existing learners) to them.

    Returns True if the mentor's role was created.
    """
    from roadmap import store

    _check_name(name, "mentor")
    _check_password(password)
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


@dataclass(frozen=True)
class Removal:
    """What ``remove-learner`` did (or, from :func:`plan_removal`, would do).

    ``deleted``: rows per table in this database (only tables with rows, incl. ``mentorship``);
    ``left_group``: the role left the cluster-wide group :data:`roadmap.store.LEARNER_GROUP`;
    ``role_dropped``: the role itself was dropped (``--drop-role``); ``elsewhere``: other databases of the
    cluster holding roadmap rows of the role (name -> rows, kept); ``unchecked``: roadmap databases of the
    cluster the administrator could not look into (the role may have rows there).
    """

    deleted: dict[str, int]
    left_group: bool = False
    role_dropped: bool = False
    elsewhere: dict[str, int] = field(default_factory=dict)
    unchecked: tuple[str, ...] = ()


def _need_removable(cur, name: str) -> None:
    """AdminError unless ``name`` is a learner of this team (in the group, or with rows here)."""
    _check_name(name)
    if not _role_exists(cur, name):
        raise AdminError(f"there is no role {name}; see roadmap admin list")
    why = _bypasses(cur, name)
    if why:
        raise AdminError(f"{name} is {why}, not a learner; it cannot be removed here")
    if not _is_learner(cur, name) and not sum(_count_rows(cur, name).values()):
        raise AdminError(f"the role {name} is not a learner of this team (not in roadmap_learner, no rows "
                         "here); nothing was changed; see roadmap admin list")


def _count_rows(cur, name: str) -> dict[str, int]:
    from roadmap.models import LEARNER_TABLES

    counts = {}
    for table in LEARNER_TABLES:
        cur.execute(f"SELECT count(*) FROM {table} WHERE learner = %s", (name,))  # table names: constants
        counts[table] = cur.fetchone()[0]
    cur.execute("SELECT count(*) FROM mentorship WHERE mentor = %s OR mentee = %s", (name, name))
    counts["mentorship"] = cur.fetchone()[0]
    return {t: n for t, n in counts.items() if n}


def _rows_elsewhere(cur, url, name: str) -> tuple[dict[str, int], tuple[str, ...]]:
    """Roadmap rows of role ``name`` in the other databases of the cluster that the administrator may
    connect to: (database -> rows, databases that could not be checked). A database without roadmap's
    schema is skipped; one whose rows the administrator cannot all read (row-level security, no grant, a
    refused login) is "unchecked"."""
    import psycopg
    from sqlalchemy import create_engine

    from roadmap.models import LEARNER_TABLES

    cur.execute("SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate "
                "AND datname <> current_database() AND has_database_privilege(datname, 'CONNECT') "
                "ORDER BY datname")
    names = [r[0] for r in cur.fetchall()]
    dialect = create_engine(url).dialect
    found: dict[str, int] = {}
    unchecked: list[str] = []
    count = " + ".join(f"(SELECT count(*) FROM {t} WHERE learner = %(n)s)" for t in LEARNER_TABLES)
    for db in names:
        _args, kwargs = dialect.create_connect_args(url.set(database=db))
        try:
            with psycopg.connect(**kwargs, autocommit=True, connect_timeout=10) as con:
                if con.execute("SELECT to_regclass('alembic_version') IS NULL OR "
                               "to_regclass('skill_progress') IS NULL").fetchone()[0]:
                    continue
                sees_all = con.execute(
                    "SELECT r.rolsuper OR r.rolbypassrls OR pg_has_role(current_user, c.relowner, 'USAGE') "
                    "FROM pg_roles r, pg_class c WHERE r.rolname = current_user "
                    "AND c.oid = to_regclass('skill_progress')").fetchone()[0]
                if not sees_all:
                    unchecked.append(db)
                    continue
                n = con.execute(f"SELECT {count} + (SELECT count(*) FROM mentorship WHERE mentor = %(n)s "
                                "OR mentee = %(n)s)", {"n": name}).fetchone()[0]
                if n:
                    found[db] = n
        except psycopg.Error:
            unchecked.append(db)
    return found, tuple(unchecked)


def plan_removal(location: str | Path | None, name: str) -> Removal:
    """What removing learner ``name`` deletes here (``deleted``) and where else the role has roadmap rows
    (``elsewhere``/``unchecked``); changes nothing. AdminError for an unknown role, the administrator, a
    superuser or BYPASSRLS role, or a role that is not a learner of this team."""
    with _admin(location) as (conn, cur):
        _need_removable(cur, name)
        rows = _count_rows(cur, name)
        elsewhere, unchecked = _rows_elsewhere(cur, conn.engine.url, name)
    return Removal(rows, elsewhere=elsewhere, unchecked=unchecked)


def learner_rows(location: str | Path | None, name: str) -> dict[str, int]:
    """What removing ``name`` deletes here: rows per table (only tables with rows), incl. ``mentorship``."""
    return plan_removal(location, name).deleted


def remove_learner(location: str | Path | None, name: str, *, drop_role: bool = False) -> Removal:
    """Remove learner ``name`` from this team, in one transaction: delete their rows in every per-learner
    table and ``mentorship`` of this database, and take the role out of the group role (unless it has
    roadmap rows in another database of the cluster, or one could not be checked: the group is
    cluster-wide, leaving it would lock them out there; the membership is kept and ``elsewhere``/
    ``unchecked`` say why). With ``drop_role`` the role itself is dropped too, which is refused (nothing
    changed) when another database holds its rows or could not be checked, or when PostgreSQL reports
    objects or privileges depending on the role (pg_shdepend).

    Returns a :class:`Removal`. AdminError for an unknown role, the administrator, a superuser or
    BYPASSRLS role, a role that is not a learner of this team, or a refused DROP ROLE.
    """
    from psycopg import sql

    from roadmap import wording
    from roadmap.models import LEARNER_TABLES
    from roadmap.store import LEARNER_GROUP

    deleted = {}
    with _admin(location) as (conn, cur):
        _need_removable(cur, name)
        elsewhere, unchecked = _rows_elsewhere(cur, conn.engine.url, name)
        if drop_role and (elsewhere or unchecked):
            where = ", ".join([f"{db} ({wording.plural(n, 'row')})" for db, n in elsewhere.items()]
                              + [f"{db} (could not be checked)" for db in unchecked])
            raise AdminError(f"the role {name} is used in other databases of this server: {where}. Roles are "
                             f"cluster-wide; remove {name} there first, or leave out --drop-role to remove "
                             "them from this team only; nothing was changed")
        for table in LEARNER_TABLES:
            cur.execute(f"DELETE FROM {table} WHERE learner = %s", (name,))  # table names: constants
            deleted[table] = cur.rowcount
        cur.execute("DELETE FROM mentorship WHERE mentor = %s OR mentee = %s", (name, name))
        deleted["mentorship"] = cur.rowcount
        left = False
        if drop_role:
            cur.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))
            left = True
        elif not elsewhere and not unchecked and _is_learner(cur, name):
            cur.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(LEARNER_GROUP), sql.Identifier(name)))
            left = True
    return Removal({t: n for t, n in deleted.items() if n}, left_group=left, role_dropped=drop_role,
                   elsewhere=elsewhere, unchecked=unchecked)


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
