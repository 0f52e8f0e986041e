"""Review actions: today's queue, a review with the next interval, a preview of each rating, undo, forecast.

Scheduling itself is :mod:`roadmap.review` (the only ``fsrs`` importer);
these functions open the transaction, read the settings and return values.
Ratings are ints 1-4 (Again, Hard, Good, Easy); names are in :mod:`roadmap.wording`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roadmap.workspace import Workspace


@dataclass(frozen=True)
class DueQueue:
    """Today's review queue.

    ``items`` (review.DueItem, most at risk first) are what is shown: at most
    ``cap`` unless everything was asked for; ``total`` counts every review
    due today, before the cap.
    """

    items: list
    total: int
    cap: int


def due(ws: Workspace, *, now: datetime, show_all: bool = False) -> DueQueue:
    """Today's reviews, most at risk (lowest retrievability) first, within the daily cap unless ``show_all``."""
    from roadmap import review, settings_store

    with ws.read() as s:
        settings = settings_store.load(s)
        everything = review.due_queue(s, now=now, settings=settings, limit=10**9, skills=ws.curriculum.skills)
    cap = settings.daily_review_cap
    return DueQueue(everything if show_all else everything[:cap], len(everything), cap)


def parse_rating(text: str | int) -> int:
    """``again|hard|good|easy`` (or 1-4) to 1-4. Raises ReviewError naming what is accepted."""
    from roadmap.review import parse_rating as parse

    return parse(text)


@dataclass(frozen=True)
class Reviewed:
    """A recorded review: the skill, the rating (1-4) and its outcome (``due_day``, ``interval_days``).

    ``upcoming`` holds the preview of the next skill (rating to outcome) when one was asked for.
    """

    skill_id: str
    rating: int
    outcome: object
    upcoming: dict | None = None


def review(ws: Workspace, skill_id: str, rating: int, *, now: datetime, duration_seconds: float | None = None,
           expected_due_day: date | None = None, preview_next: str | None = None) -> Reviewed:
    """Record a review of a learned skill (id or former id) and reschedule it, in one transaction.

    ``expected_due_day`` is the due day the learner was shown; if the card
    changed meanwhile the review is refused (StalePreviewError).
    ``preview_next`` names the next skill whose choices are computed at the
    same instant (the app's review session).

    Raises ReviewError (unknown or unlearned skill, review before the last one).
    """
    from roadmap import review as rv, settings_store
    from roadmap.actions.skills import resolve

    sid = resolve(ws, skill_id)
    with ws.write() as s:
        settings = settings_store.load(s)
        out = rv.record(s, sid, rating, now=now, settings=settings, duration_seconds=duration_seconds,
                        expected_due_day=expected_due_day)
        upcoming = rv.preview(s, preview_next, now=now, settings=settings) if preview_next else None
    return Reviewed(sid, rating, out, upcoming)


def preview(ws: Workspace, skill_id: str, *, now: datetime) -> dict:
    """What each rating (1-4) would do now: rating to review.Outcome (due day, interval). Read-only."""
    from roadmap import review as rv, settings_store

    with ws.read() as s:
        return rv.preview(s, skill_id, now=now, settings=settings_store.load(s))


@dataclass(frozen=True)
class Undone:
    """The review that was undone: skill, rating (1-4) and when it was made (local time)."""

    skill_id: str
    rating: int
    reviewed_at: datetime


def undo(ws: Workspace, *, now: datetime) -> Undone | None:
    """Undo the last review (the log keeps both); None when there is nothing to undo."""
    from roadmap import review as rv, settings_store

    with ws.write() as s:
        row = rv.undo_last(s, now=now)
        if row is None:
            return None
        cal = settings_store.load(s).calendar
        return Undone(row.skill_id, row.rating, cal.local(row.reviewed_at))


def forecast(ws: Workspace, *, now: datetime, days: int = 14) -> list[tuple[date, int]]:
    """Reviews shown per study day for ``days`` days from today (after the daily cap; time off respected)."""
    from roadmap import review as rv, settings_store
    from roadmap.timeoff import list_time_off

    with ws.read() as s:
        off = [(t.first_day, t.last_day) for t in list_time_off(s)]
        return rv.forecast(s, now=now, settings=settings_store.load(s), days=days, skills=ws.curriculum.skills,
                           time_off=off)
