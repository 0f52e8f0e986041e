"""The review queue: what is due today, every card's state now, and the reviews of the coming days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Collection

from sqlmodel import Session, select

from roadmap.days import day_end, study_day, zone
from roadmap.models import ReviewCard
from roadmap.review.scheduling import retrievabilities
from roadmap.settings import Settings


@dataclass(frozen=True)
class DueItem:
    """A skill in the review queue. ``retrievability`` is 0-1; ``overdue_days`` >= 0."""

    skill_id: str
    due_day: date
    retrievability: float
    overdue_days: int
    stability: float | None
    difficulty: float | None


def _states(session: Session, *, now: datetime, settings: Settings, skills: Collection[str] | None,
            due_before: datetime | None = None) -> list[DueItem]:
    """The state now of every card (or only of those due before ``due_before``; indexed)."""
    tz = zone(settings.timezone)
    today = study_day(now, tz, settings.rollover_hour)
    query = select(ReviewCard)
    if due_before is not None:
        query = query.where(ReviewCard.due < due_before)
    rows = [row for row in session.exec(query).all() if skills is None or row.skill_id in skills]
    out = []
    for row, r in zip(rows, retrievabilities(rows, now=now, settings=settings)):
        due_day = study_day(row.due, tz, settings.rollover_hour)
        out.append(DueItem(row.skill_id, due_day, r, max(0, (today - due_day).days), row.stability, row.difficulty))
    return out


def queue_order(items, today: date) -> list[DueItem]:
    """The items due on or before ``today``, most at risk (lowest retrievability) first."""
    return sorted((i for i in items if i.due_day <= today), key=lambda i: (i.retrievability, i.due_day, i.skill_id))


def due_queue(session: Session, *, now: datetime, settings: Settings, limit: int | None = None,
              skills: Collection[str] | None = None) -> list[DueItem]:
    """Today's review queue: cards due by the end of today's study day, most at risk first.

    At most ``settings.daily_review_cap`` items (or ``limit``), taken by
    lowest retrievability, so after a break the most-faded skills come first
    and the rest wait for the following days. Reads only due cards (indexed).
    With ``skills``, cards of other skills (removed from the curriculum) are left out.
    """
    tz = zone(settings.timezone)
    today = study_day(now, tz, settings.rollover_hour)
    items = _states(session, now=now, settings=settings, skills=skills,
                    due_before=day_end(today, tz, settings.rollover_hour))
    cap = settings.daily_review_cap if limit is None else limit
    return queue_order(items, today)[:cap]


def card_states(session: Session, *, now: datetime, settings: Settings,
                skills: Collection[str] | None = None) -> dict[str, DueItem]:
    """Every review card's state now (retrievability, due day), by skill id (only ``skills`` if given)."""
    return {i.skill_id: i for i in _states(session, now=now, settings=settings, skills=skills)}


def forecast(session: Session, *, now: datetime, settings: Settings, days: int = 30,
             time_off: list[tuple[date, date]] | None = None,
             skills: Collection[str] | None = None) -> list[tuple[date, int]]:
    """Reviews per study day for ``days`` days from today: (date, count).

    Cards are counted on their due day; overdue cards on today. The daily
    cap carries any excess over to the following days (most at risk first),
    as the queue does, so the forecast is what the learner will be shown.
    Days inside ``time_off`` (inclusive date ranges) get no reviews: what
    falls due then waits and comes after, within the cap. With ``skills``,
    only those skills' cards count.
    """
    tz = zone(settings.timezone)
    today = study_day(now, tz, settings.rollover_hour)
    horizon_end = day_end(today + timedelta(days=days - 1), tz, settings.rollover_hour)
    per_day: dict[date, int] = {}
    for skill_id, due in session.exec(select(ReviewCard.skill_id, ReviewCard.due)
                                      .where(ReviewCard.due < horizon_end)).all():
        if skills is not None and skill_id not in skills:
            continue
        d = max(today, study_day(due, tz, settings.rollover_hour))
        per_day[d] = per_day.get(d, 0) + 1
    out, backlog = [], 0
    for i in range(days):
        d = today + timedelta(days=i)
        backlog += per_day.get(d, 0)
        if any(a <= d <= b for a, b in time_off or ()):
            out.append((d, 0))
            continue
        shown = min(backlog, settings.daily_review_cap)
        backlog -= shown
        out.append((d, shown))
    return out
