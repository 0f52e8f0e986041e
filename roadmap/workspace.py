"""A workspace: one curriculum file and one database, opened lazily.

The CLI and the TUI both work through a :class:`Workspace`, so they find the
same files the same way: ``--curriculum`` / ``$ROADMAP_CURRICULUM`` / the
bundled curriculum, and ``--db`` / ``$ROADMAP_DB`` / the user data dir.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from sqlalchemy.engine import Engine

from roadmap import curriculum as curriculum_mod
from roadmap import runtime
from roadmap import settings_store
from roadmap.curriculum import Curriculum
from roadmap.settings import Settings
from roadmap.store import display_name, is_url, open_database, read, transaction

ENV_CURRICULUM = "ROADMAP_CURRICULUM"


class Workspace:
    """The curriculum and database a command works on.

    Parameters
    ----------
    db : str or Path, optional
        Database file, or a database URL (``postgresql+psycopg://host/roadmap``: team mode);
        ``$ROADMAP_DB`` or the user data dir when None.
    curriculum : str or Path, optional
        Curriculum TOML; ``$ROADMAP_CURRICULUM`` or the bundled one when None.

    Opening is lazy: ``roadmap validate`` never touches the database, and
    ``roadmap --help`` touches nothing. Errors surface as the domain errors of
    :mod:`roadmap.curriculum` and :mod:`roadmap.store`.
    """

    def __init__(self, db: str | Path | None = None, curriculum: str | Path | None = None):
        self.db_path: Path | str | None = (str(db).strip() if is_url(str(db).strip()) else Path(db).expanduser()) \
            if db else None
        env = os.environ.get(ENV_CURRICULUM)
        self.curriculum_path = Path(curriculum).expanduser() if curriculum else (Path(env).expanduser() if env else None)
        self._synced = False

    @cached_property
    def curriculum(self) -> Curriculum:
        """The validated curriculum (raises CurriculumError)."""
        cur = curriculum_mod.load(self.curriculum_path)
        if runtime.FREEZE_AFTER_LOAD:
            import gc

            gc.freeze()
        return cur

    @cached_property
    def engine(self) -> Engine:
        """The migrated database engine (raises StoreError)."""
        return open_database(self.db_path)

    @property
    def database_file(self) -> Path | None:
        """The SQLite file the workspace works on, or None on a database server (PostgreSQL)."""
        url = self.engine.url
        return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None

    @property
    def database_name(self) -> str:
        """How messages name the database: its file path, or its URL with any password masked."""
        return display_name(self.engine)

    def settings(self) -> Settings:
        """The current settings, read fresh."""
        with read(self.engine) as s:
            return settings_store.load(s)

    def write(self):
        """A write transaction on the database (see roadmap.store.transaction)."""
        self._sync_renames()
        return transaction(self.engine)

    def read(self):
        """A read transaction on the database (never writes: reading with a trial curriculum changes nothing)."""
        return read(self.engine)

    def apply_renames(self) -> None:
        """Move history stored under a skill's former ids (``renamed_from``) to its current id, and follow
        its checks (renamed checks keep their history, checks added to a learned skill enter review:
        :func:`roadmap.review.sync_checks`).

        Done once per workspace, before its first write, and by the app when it
        opens; read-only commands never do it.
        """
        self._sync_renames()

    def _sync_renames(self) -> None:
        if self._synced:
            return
        self._synced = True
        from roadmap.curriculum import CurriculumError

        try:
            aliases = self.curriculum.aliases
        except CurriculumError:
            return  # commands that do not need the curriculum (export, config) still work
        if aliases:
            from roadmap.progress import apply_renames

            with transaction(self.engine) as s:
                apply_renames(s, self.curriculum)
        self._sync_checks()

    def _sync_checks(self) -> None:
        from sqlmodel import select

        from roadmap.models import ReviewCard

        # Usually nothing to do: find out with one read of the card ids, without loading the scheduler
        # or taking the write lock.
        with read(self.engine) as s:
            stored: dict[str, set[str]] = {}
            for skill_id, check_id in s.exec(select(ReviewCard.skill_id, ReviewCard.check_id)).all():
                stored.setdefault(skill_id, set()).add(check_id)
        skills = self.curriculum.skills

        def behind(sid: str, have: set[str]) -> bool:
            checks = skills[sid].check_items
            renamed = any(c.renamed_from in have and c.id not in have for c in checks if c.renamed_from)
            return renamed or ("" not in have and not {c.id for c in checks} <= have)

        if not any(sid in skills and behind(sid, have) for sid, have in stored.items()):
            return
        from roadmap import clock, review

        with transaction(self.engine) as s:
            review.sync_checks(s, self.curriculum, now=clock.now(), settings=settings_store.load(s))

    def close(self) -> None:
        """Release the database connections, if open."""
        if "engine" in self.__dict__:
            self.engine.dispose()
