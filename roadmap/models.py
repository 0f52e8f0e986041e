"""SQLModel tables: the single source of the database schema.

Every instant is a timezone-aware UTC datetime (SQLModel stores it with its
``UTCDateTime`` type and returns it in UTC). Rows refer to skills by id, never
by a foreign key into the curriculum, so editing the TOML never loses history:
a skill that disappears keeps its rows and is shown as orphaned.

Learners (revision 0007). Every per-learner table (:data:`LEARNER_TABLES`) has a ``learner`` column
that these classes deliberately do not map: the database fills it (``current_user`` on PostgreSQL,
``''`` — the one local learner — on SQLite), and on PostgreSQL row-level security scopes every
statement to the connecting role, so the core's queries and the ORM's identity by ``skill_id`` are
those of one learner, with no learner filter anywhere in the core. Code that reads several learners
at once (the cohort view of a mentor) names the column with :func:`learner_of`.

Alembic revisions in ``migrations/versions`` are written from these classes;
``tests/test_migrations.py`` checks that upgrading an empty database to head
gives exactly this schema.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, String, literal_column
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Field, SQLModel

from roadmap.status import Status

__all__ = ["LEARNER_TABLES", "Mentorship", "ReviewCard", "ReviewLog", "Setting", "SkillNote", "SkillProgress", "Status",
           "StatusEvent", "StudySession", "TimeOff", "in_models", "learner_of"]


class SkillProgress(SQLModel, table=True):
    """The current status of one skill; a missing row means not_started.

    Timestamps are UTC; each is the latest time the skill entered that status.
    """

    __tablename__ = "skill_progress"

    skill_id: str = Field(primary_key=True)
    status: str = Field(default=Status.NOT_STARTED.value)
    started_at: datetime | None = None
    learned_at: datetime | None = None
    skipped_at: datetime | None = None
    updated_at: datetime


class StatusEvent(SQLModel, table=True):
    """Append-only history of status changes (one row per change, UTC)."""

    __tablename__ = "status_event"

    id: int | None = Field(default=None, primary_key=True)
    skill_id: str = Field(index=True)
    status: str
    at: datetime


class Setting(SQLModel, table=True):
    """A user setting: key and its value as JSON text (see roadmap.settings)."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True)
    value: str


class ReviewCard(SQLModel, table=True):
    """The FSRS memory state of one self-check of a learned skill (derived from the review log).

    ``check_id`` is the check's id within the skill (``[[skill.check]]`` id,
    or "1", "2", ... for plain-string checks). The empty id ``""`` is the card
    of the whole skill: a skill without checks has only that one, and a
    database from before per-check cards (revision 0005) keeps its skill
    cards under it; each check without a card of its own then reviews from
    that state (see :mod:`roadmap.review.queue`).

    ``state`` is fsrs.State (1 learning, 2 review, 3 relearning); stability in
    days; difficulty in [1, 10]; ``due`` and ``last_review`` in UTC.
    """

    __tablename__ = "review_card"

    skill_id: str = Field(primary_key=True)
    check_id: str = Field(default="", primary_key=True)
    state: int
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime = Field(index=True)
    last_review: datetime | None = None
    reviews: int = 0


class ReviewLog(SQLModel, table=True):
    """Append-only log of reviews: the user's history, enough to rebuild every card.

    ``kind`` is ``learn`` (the first exposure, when a skill is marked learned),
    ``review`` (an explicit rating), ``undo`` (cancels review ``undoes``) or
    ``credit`` (a partial review flowing through the prerequisite graph from
    the explicit review ``caused_by``). ``card_before`` / ``card_after`` are fsrs ``Card.to_dict()`` JSON.
    ``duration_seconds`` is None when unknown. ``check_id`` names the card
    (the check of the skill) the row is about; None for the whole skill's
    card: rows written before per-check cards, and a ``retire`` that takes
    every card of the skill out of review.
    """

    __tablename__ = "review_log"
    # Heatmaps, streaks and retention read explicit reviews by time: this index covers them.
    __table_args__ = (Index("ix_review_log_kind_reviewed_at", "kind", "reviewed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    skill_id: str = Field(index=True)
    check_id: str | None = None
    reviewed_at: datetime = Field(index=True)
    rating: int
    kind: str = "review"
    duration_seconds: float | None = None
    undoes: int | None = Field(default=None, index=True)
    card_before: str | None = None
    card_after: str
    caused_by: int | None = Field(default=None, index=True)  # credit rows: the explicit review that caused them


class SkillNote(SQLModel, table=True):
    """The learner's own notes on a skill (Markdown text), shown with its checks' answer keys; UTC time."""

    __tablename__ = "skill_note"

    skill_id: str = Field(primary_key=True)
    text: str
    updated_at: datetime


class StudySession(SQLModel, table=True):
    """Time spent studying a skill (``roadmap log``): hours, at a UTC instant."""

    __tablename__ = "study_session"

    id: int | None = Field(default=None, primary_key=True)
    skill_id: str = Field(index=True)
    at: datetime
    hours: float


class TimeOff(SQLModel, table=True):
    """A range of local dates with no study (holidays), both ends included."""

    __tablename__ = "time_off"

    id: int | None = Field(default=None, primary_key=True)
    first_day: date
    last_day: date
    note: str = ""


class Mentorship(SQLModel, table=True):
    """Who mentors whom: ``mentor`` and ``mentee`` are learners (PostgreSQL role names; team mode only).

    On PostgreSQL a role reads the rows where it is the mentor or the mentee; only the database owner
    writes them (``roadmap admin``).
    """

    __tablename__ = "mentorship"

    mentor: str = Field(primary_key=True)
    mentee: str = Field(primary_key=True, index=True)


LEARNER_TABLES = ("skill_progress", "status_event", "setting", "review_card", "review_log", "skill_note",
                  "study_session", "time_off")
"""The per-learner tables: each has the unmapped ``learner`` column (see the module doc)."""


def learner_of(model: type[SQLModel]) -> ColumnElement[str]:
    """The ``learner`` column of a per-learner table, for a query over several learners.

    ``select(learner_of(ReviewLog), func.count()).group_by(learner_of(ReviewLog))`` reads, per
    learner, what row-level security lets the connecting role see (a mentor with ``roadmap.cohort``
    on: their own rows and their mentees'). Renders as ``<table>.learner``; raises ValueError for a
    table that has no learner.
    """
    name = model.__tablename__
    if name not in LEARNER_TABLES:
        raise ValueError(f"{name} is not a per-learner table")
    return literal_column(f"{name}.learner", String())


def in_models(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic ``include_object`` hook: leave out the schema parts the models do not map on purpose.

    Those are the ``learner`` columns of :data:`LEARNER_TABLES` and their indexes (``ix_<table>_learner``);
    everything else is compared (tests) and autogenerated (new revisions) as usual.
    """
    if type_ == "column" and name == "learner" and reflected and compare_to is None:
        return obj.table.name not in LEARNER_TABLES
    if type_ == "index" and reflected and compare_to is None and name and name.endswith("_learner"):
        return name[3:-len("_learner")] not in LEARNER_TABLES if name.startswith("ix_") else True
    return True
