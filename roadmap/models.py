"""SQLModel tables: the single source of the database schema.

Every instant is a timezone-aware UTC datetime (SQLModel stores it with its
``UTCDateTime`` type and returns it in UTC). Rows refer to skills by id, never
by a foreign key into the curriculum, so editing the TOML never loses history:
a skill that disappears keeps its rows and is shown as orphaned.

Alembic revisions in ``migrations/versions`` are written from these classes;
``tests/test_migrations.py`` checks that upgrading an empty database to head
gives exactly this schema.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from roadmap.status import Status

__all__ = ["ReviewCard", "ReviewLog", "Setting", "SkillNote", "SkillProgress", "Status", "StatusEvent", "StudySession",
           "TimeOff"]


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
