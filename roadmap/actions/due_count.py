"""How many reviews are due today, after the daily cap, read with the standard library only.

``roadmap due --count`` is meant for shell prompts and status bars, which run
it often, so it avoids SQLModel, SQLAlchemy, networkx and the curriculum
validator: it reads the same rows as :func:`roadmap.review.due_queue` with
:mod:`sqlite3` and applies the same rules:

* the unit is a check: a check is due today when its card's due instant is
  before the end of today's study day (:class:`roadmap.days.StudyCalendar`,
  the learner's zone and rollover hour); a check without a card of its own
  takes its skill's whole-skill card (check id ``""``);
* only skills and checks of the curriculum count (cards of removed skills
  and checks are kept but not shown);
* at most what is left of ``daily_review_cap`` today is shown (checks rated
  today, not undone, use it up), and nothing on a day of time off.

Whenever it cannot be sure it reads what the full path would (no database
yet, a schema other than the one this code knows, a curriculum that is not
TOML or is an overlay extending another, a locked or unreadable file), :func:`count_due` returns None and the
caller takes the full path, which also reports any problem properly. A test
keeps the two equal over random review histories and settings.

Two small files in the user cache dir keep a count to a few milliseconds of
work (it runs at every shell prompt); each only saves time, never changes an
answer:

* the skill and check ids of a curriculum file, under the SHA-256 of its bytes
  and roadmap's version (so the TOML is parsed once per edit, not per prompt);
* today's study-day window (start, end, local date) and daily cap, under the
  SHA-256 of the stored settings rows, ``$TZ``, the target of /etc/localtime
  and roadmap's version (everything the window depends on), reused only while
  ``now`` lies inside the window; computed with :mod:`roadmap.settings` and
  :class:`roadmap.days.StudyCalendar` otherwise.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

SCHEMA_HEAD = "0007"  # must equal roadmap.store.SCHEMA_HEAD (a test checks); otherwise the full path is used
CACHE_VERSION = "1"  # bump when what the cache files hold changes


def _cache_file(kind: str, key: bytes) -> Path:
    """The cache file of ``kind`` for ``key`` (hashed with roadmap's version) in the user cache dir."""
    import hashlib

    import platformdirs

    from roadmap import __version__

    digest = hashlib.sha256(key + f"|{kind}|{CACHE_VERSION}|{__version__}".encode()).hexdigest()
    return platformdirs.user_cache_path("roadmap", appauthor=False) / f"{kind}-{digest[:32]}.txt"


def _write_atomically(target: Path, text: str) -> None:
    """Write a cache file whole or not at all; failures ignored (a cache only saves time)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        pass


def _bundled_bytes() -> bytes:
    """The bundled curriculum's bytes: from the installed package, or a source checkout's curriculum/
    (found without importing importlib.resources). Raises OSError when neither is readable."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("roadmap._curriculum")
    except ModuleNotFoundError:
        spec = None
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        try:
            return (Path(folder) / "skills_graph.toml").read_bytes()
        except OSError:
            continue
    return (Path(__file__).resolve().parents[2] / "curriculum" / "skills_graph.toml").read_bytes()


def curriculum_skill_ids(path: Path | None) -> dict[str, tuple[str, ...]] | None:
    """The skill ids of a curriculum TOML file (the bundled one when None), each with its check ids, or None
    if it cannot be read or is an overlay
    (``extends``: the caller then takes the full path, which merges the chain).

    Check ids are the ``[[skill.check]]`` ids, or "1", "2", ... for a plain
    ``checks`` list, or ``("",)`` (the whole skill) for a skill without checks,
    as :func:`roadmap.review.check_ids_of` gives them.
    """
    try:
        raw = _bundled_bytes() if path is None else Path(path).expanduser().read_bytes()
    except OSError:
        return None
    cached = _cache_file("check-ids", raw)
    try:
        lines = cached.read_text(encoding="utf-8").split("\n")
        if lines[-1] == "end":  # written whole
            return {sid: tuple(checks) for sid, *checks in (line.split("\t") for line in lines[:-1])}
    except (OSError, ValueError):
        pass  # not read on this machine yet: parse the TOML
    out = _parse_skill_ids(raw)
    if out is not None:
        _write_atomically(cached, "".join("\t".join((sid, *checks)) + "\n" for sid, checks in out.items()) + "end")
    return out


def _parse_skill_ids(raw: bytes) -> dict[str, tuple[str, ...]] | None:
    """:func:`curriculum_skill_ids` of a file's bytes, read from the TOML."""
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return None
    if "extends" in data:
        return None  # an overlay: its skills are those of the merged chain, which the full path reads
    skills = data.get("skill")
    if not isinstance(skills, list) or not all(isinstance(s, dict) and isinstance(s.get("id"), str) for s in skills):
        return None
    out: dict[str, tuple[str, ...]] = {}
    for s in skills:
        tables, plain = s.get("check"), s.get("checks")
        if isinstance(tables, list) and tables:
            ids = tuple(str(c.get("id")) for c in tables if isinstance(c, dict))
        elif isinstance(plain, list):
            ids = tuple(str(i + 1) for i in range(len(plain)))
        else:
            ids = ()
        out[s["id"]] = ids or ("",)
    return out


def default_db_path() -> Path:
    """The database the CLI uses without ``--db``: ``$ROADMAP_DB``, else roadmap.db in the user data dir."""
    env = os.environ.get("ROADMAP_DB")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_data_path("roadmap", appauthor=False) / "roadmap.db"


def count_due(db: Path, skills, now: datetime) -> int | None:
    """Checks due today after the daily cap, at instant ``now`` (aware); None when unsure (see the module doc).

    Parameters
    ----------
    db : Path
        The database file (never created or changed here: opened read-only). A database URL
        (PostgreSQL) is not read here: None, so the caller takes the full path.
    skills : dict of str to tuple of str, or set of str
        The curriculum's skill ids with their check ids (:func:`curriculum_skill_ids`);
        a plain set counts every stored card of those skills.
    now : datetime
        The current instant, timezone-aware.
    """
    import sqlite3

    from roadmap.errors import RoadmapError

    if "://" in str(db):
        return None  # a database URL (team mode): the full path answers
    db = Path(db)
    if not db.is_file():
        return None
    try:
        con = sqlite3.connect(f"file:{db.as_posix()}?mode=ro", uri=True, timeout=5.0)
        try:
            version = con.execute("SELECT version_num FROM alembic_version").fetchone()
            if version is None or version[0] != SCHEMA_HEAD:
                return None
            rows = con.execute("SELECT key, value FROM setting ORDER BY key").fetchall()
            cap, day, start, end = _today(rows, now)

            def stored_instant(at: datetime) -> str:  # as SQLModel stores UTC instants: naive, microseconds
                return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

            if con.execute("SELECT 1 FROM time_off WHERE first_day <= ? AND last_day >= ? LIMIT 1",
                           (day, day)).fetchone():
                return 0  # a day of time off: everything due waits
            end = stored_instant(end)
            done = con.execute("SELECT count(*) FROM review_log WHERE kind = 'review' AND reviewed_at >= ? AND id "
                               "NOT IN (SELECT undoes FROM review_log WHERE undoes IS NOT NULL)",
                               (stored_instant(start),)).fetchone()[0]
            left = max(0, cap - done)
            if left == 0:
                return 0
            cards: dict[str, dict[str, bool]] = {}
            for skill_id, check_id, due in con.execute(
                    "SELECT skill_id, check_id, due < ? FROM review_card WHERE skill_id IN "
                    "(SELECT skill_id FROM review_card WHERE due < ?)", (end, end)):
                if skill_id in skills:
                    cards.setdefault(skill_id, {})[check_id] = bool(due)
            n = 0
            checks = skills if isinstance(skills, dict) else {}
            for skill_id, have in cards.items():
                ids = checks.get(skill_id)
                if ids is None:
                    n += sum(have.values())
                    continue
                for c in ids:
                    own = have.get(c)
                    n += own if own is not None else have.get("", False)
        finally:
            con.close()
    except (sqlite3.Error, ValueError, TypeError, RoadmapError):
        return None
    return min(n, left)


def _today(rows: list, now: datetime) -> tuple[int, str, datetime, datetime]:
    """(daily review cap, study day as ISO date, its start, its end) for the stored settings ``rows`` at
    ``now`` (aware; start and end aware UTC-comparable instants), through the window cache (module doc).

    Raises RoadmapError (e.g. an unknown zone) or ValueError as the settings code does.
    """
    try:
        localtime = os.path.realpath("/etc/localtime")
        st = os.stat(localtime)
        localtime += f"|{st.st_mtime_ns}|{st.st_size}"
    except OSError:
        localtime = ""
    where = _cache_file("due-window", repr((rows, os.environ.get("TZ"), localtime)).encode())
    try:
        cap_text, day, start_text, end_text = where.read_text(encoding="ascii").split()
        start, end = datetime.fromisoformat(start_text), datetime.fromisoformat(end_text)
        if start <= now < end:
            return int(cap_text), day, start, end
    except (OSError, ValueError):
        pass
    import json

    from roadmap.settings import from_stored

    stored = {}
    for key, value in rows:
        try:
            stored[key] = json.loads(value)
        except ValueError:
            continue
    settings = from_stored(stored)
    cal = settings.calendar
    today = cal.study_day(now)
    start, end = cal.day_start(today), cal.day_end(today)
    if start <= now < end:
        _write_atomically(where, f"{settings.daily_review_cap} {today.isoformat()} {start.isoformat()} "
                                 f"{end.isoformat()}\n")
    return settings.daily_review_cap, today.isoformat(), start, end
