"""How many reviews are due today, after the daily cap, read with the standard library only.

``roadmap due --count`` is meant for shell prompts and status bars, which run
it often, so it avoids SQLModel, SQLAlchemy, networkx and the curriculum
validator: it reads the same rows as :func:`roadmap.review.due_queue` with
:mod:`sqlite3` and applies the same rules:

* a card is due today when its due instant is before the end of today's
  study day (:class:`roadmap.days.StudyCalendar`, the learner's zone and
  rollover hour);
* only skills of the curriculum count (cards of removed skills are kept but
  not shown);
* at most ``daily_review_cap`` are shown.

Whenever it cannot be sure it reads what the full path would (no database
yet, a schema other than the one this code knows, a curriculum that is not
TOML or is an overlay extending another, a locked or unreadable file), :func:`count_due` returns None and the
caller takes the full path, which also reports any problem properly. A test
keeps the two equal over random review histories and settings.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

SCHEMA_HEAD = "0004"  # must equal roadmap.store.SCHEMA_HEAD (a test checks); otherwise the full path is used


def curriculum_skill_ids(path: Path | None) -> set[str] | None:
    """The skill ids of a curriculum TOML file (the bundled one when None), or None if it cannot be read
    or is an overlay (``extends``: the caller then takes the full path, which merges the chain)."""
    import tomllib

    try:
        if path is None:
            from importlib import resources

            raw = (resources.files("roadmap._curriculum") / "skills_graph.toml").read_bytes()
        else:
            raw = Path(path).expanduser().read_bytes()
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except (OSError, ValueError, ModuleNotFoundError, RecursionError):
        return None
    if "extends" in data:
        return None  # an overlay: its skills are those of the merged chain, which the full path reads
    skills = data.get("skill")
    if not isinstance(skills, list) or not all(isinstance(s, dict) and isinstance(s.get("id"), str) for s in skills):
        return None
    return {s["id"] for s in skills}


def default_db_path() -> Path:
    """The database the CLI uses without ``--db``: ``$ROADMAP_DB``, else roadmap.db in the user data dir."""
    env = os.environ.get("ROADMAP_DB")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_data_path("roadmap", appauthor=False) / "roadmap.db"


def count_due(db: Path, skills: set[str], now: datetime) -> int | None:
    """Reviews due today after the daily cap, at instant ``now`` (aware); None when unsure (see the module doc).

    Parameters
    ----------
    db : Path
        The database file (never created or changed here: opened read-only).
    skills : set of str
        The curriculum's skill ids.
    now : datetime
        The current instant, timezone-aware.
    """
    import json
    import sqlite3

    from roadmap.errors import RoadmapError
    from roadmap.settings import from_stored

    if not db.is_file():
        return None
    try:
        con = sqlite3.connect(f"file:{db.as_posix()}?mode=ro", uri=True, timeout=5.0)
        try:
            version = con.execute("SELECT version_num FROM alembic_version").fetchone()
            if version is None or version[0] != SCHEMA_HEAD:
                return None
            stored = {}
            for key, value in con.execute("SELECT key, value FROM setting"):
                try:
                    stored[key] = json.loads(value)
                except ValueError:
                    continue
            settings = from_stored(stored)
            cal = settings.calendar
            end = cal.day_end(cal.study_day(now)).astimezone(UTC).replace(tzinfo=None)
            n = 0
            for skill_id, due in con.execute("SELECT skill_id, due FROM review_card"):
                if skill_id in skills and datetime.fromisoformat(due) < end:
                    n += 1
        finally:
            con.close()
    except (sqlite3.Error, ValueError, TypeError, RoadmapError):
        return None
    return min(n, settings.daily_review_cap)
