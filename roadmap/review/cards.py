"""Review cards and the review log: every write of spaced review, and the replay that rebuilds the cards.

The review log is append-only: ``learn`` (a skill marked learned: its first
exposure, rated Good), ``review``, ``undo`` and ``retire`` rows (see
:class:`~roadmap.review.rating.LogKind`), each with the card state before and
after, enough to rebuild every card. Besides, this module guarantees:

* no write is dated before the newest row of the skill's history
  (:class:`roadmap.timeline.ClockWentBackError`), so replaying the log in
  time order gives the cards as they are;
* the same rating for the same skill within :data:`DEDUP_SECONDS` is
  recorded once;
* what :func:`record` stores is what :func:`preview` showed.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from roadmap.days import study_day, zone
from roadmap.models import ReviewCard, ReviewLog
from roadmap.review.history import undone_ids
from roadmap.review.rating import RATING_NAMES, LogKind, Rating, ReviewError, StalePreviewError
from roadmap.review.scheduling import Outcome, card_dict, card_due, card_fields, first_exposure, outcomes
from roadmap.settings import Settings
from roadmap.timeline import check_order

DEDUP_SECONDS = 10.0
UNDO_DEPTH = 1000  # reviews searched for one that can still be undone


def card_row_from_dict(skill_id: str, d: dict, reviews: int) -> ReviewCard:
    """A ReviewCard row from an fsrs ``Card.to_dict()`` and the skill's review count."""
    return ReviewCard(skill_id=skill_id, reviews=reviews, **card_fields(d))


def _apply(row: ReviewCard, d: dict, reviews: int) -> None:
    for key, value in card_fields(d).items():
        setattr(row, key, value)
    row.reviews = reviews


def _card_row(session: Session, skill_id: str) -> ReviewCard:
    row = session.get(ReviewCard, skill_id)
    if row is None:
        raise ReviewError(f"{skill_id} has no review card: only learned skills are reviewed "
                          f"(mark it learned with `roadmap learn {skill_id}`)")
    return row


def introduce(session: Session, skill_id: str, *, now: datetime, settings: Settings) -> ReviewCard:
    """Give a newly learned skill its review card (its first exposure counts as a Good review).

    With no learning steps the first review falls about two days later
    (FSRS-6's initial stability for Good, 2.31 days, at 90 % retention).
    Replaces any card the skill had. Returns the stored card.

    Raises ClockWentBackError if ``now`` is before the newest row of the skill's history.
    """
    now = now.astimezone(UTC)
    check_order(session, [skill_id], now=now, action="learning")
    existing = session.get(ReviewCard, skill_id)
    before = json.dumps(card_dict(existing)) if existing else None
    outcome = first_exposure(skill_id, now=now, settings=settings)
    if existing is not None:
        session.delete(existing)
        session.flush()
    row = card_row_from_dict(skill_id, outcome.card, 0)
    session.add(row)
    session.add(ReviewLog(skill_id=skill_id, reviewed_at=now, rating=int(Rating.GOOD), kind=LogKind.LEARN.value,
                          card_before=before, card_after=json.dumps(outcome.card)))
    return row


def retire(session: Session, skill_id: str, *, now: datetime) -> None:
    """Take a skill out of review (it was reset or skipped); its log stays, and a ``retire`` row dated ``now`` is added.

    Raises ClockWentBackError if ``now`` is before the newest row of the skill's history.
    """
    row = session.get(ReviewCard, skill_id)
    if row is None:
        return
    now = now.astimezone(UTC)
    check_order(session, [skill_id], now=now, action="taking out of review")
    session.add(ReviewLog(skill_id=skill_id, reviewed_at=now, rating=0, kind=LogKind.RETIRE.value,
                          card_before=json.dumps(card_dict(row)), card_after="null"))
    session.delete(row)


def preview(session: Session, skill_id: str, *, now: datetime, settings: Settings) -> dict[int, Outcome]:
    """What each rating (1-4) would give, without recording anything.

    Raises ReviewError if the skill has no review card (it is not learned).
    """
    return outcomes(_card_row(session, skill_id), now=now, settings=settings)


def record(session: Session, skill_id: str, rating: int, *, now: datetime, settings: Settings,
           duration_seconds: float | None = None, expected_due_day: date | None = None) -> Outcome:
    """Record a review of a learned skill and reschedule it.

    Parameters
    ----------
    session : Session
        The caller's (write) transaction.
    skill_id : str
    rating : int
        1 Again, 2 Hard, 3 Good, 4 Easy (a :class:`Rating`; see :func:`parse_rating`).
    now : datetime
        The instant of the review, aware.
    settings : Settings
    duration_seconds : float, optional
        Time the review took.
    expected_due_day : date, optional
        The due day the learner was shown for this rating; if the result
        differs (the card was reviewed elsewhere meanwhile, or the study day
        rolled over), nothing is recorded and StalePreviewError is raised,
        so what is stored is always what was shown.

    Returns
    -------
    Outcome
        Exactly what :func:`preview` showed for this rating at ``now``.

    Raises
    ------
    ReviewError
        The skill is not learned or the rating is not 1-4.
    StalePreviewError
        ``expected_due_day`` no longer holds.
    ClockWentBackError
        ``now`` is before the newest row of the skill's history (its last
        review, undo, status change or study session).
    """
    if rating not in RATING_NAMES:
        raise ReviewError(f"rating {rating!r} is not one of 1-4 (again, hard, good, easy)")
    now = now.astimezone(UTC)
    row = _card_row(session, skill_id)
    check_order(session, [skill_id], now=now, action="a review")
    last = session.exec(select(ReviewLog).where(ReviewLog.skill_id == skill_id)
                        .order_by(ReviewLog.id.desc()).limit(1)).first()
    if (last is not None and last.kind == LogKind.REVIEW and last.rating == rating
            and (now - last.reviewed_at).total_seconds() <= DEDUP_SECONDS):
        card = json.loads(last.card_after)
        tz = zone(settings.timezone)
        due_day = study_day(card_due(card), tz, settings.rollover_hour)
        return Outcome(rating, due_day, (due_day - study_day(last.reviewed_at, tz, settings.rollover_hour)).days, card)
    before = card_dict(row)
    outcome = outcomes(row, now=now, settings=settings)[rating]
    if expected_due_day is not None and outcome.due_day != expected_due_day:
        raise StalePreviewError(f"{skill_id} changed since its choices were shown (reviewed elsewhere?); "
                                f"nothing was recorded; here are the new choices")
    _apply(row, outcome.card, row.reviews + 1)
    session.add(row)
    session.add(ReviewLog(skill_id=skill_id, reviewed_at=now, rating=int(rating), kind=LogKind.REVIEW.value,
                          duration_seconds=duration_seconds, card_before=json.dumps(before),
                          card_after=json.dumps(outcome.card)))
    return outcome


def undo_last(session: Session, *, now: datetime) -> ReviewLog | None:
    """Undo the most recent review that can be undone; returns its log row, or None if none.

    The most recent review (by time) that is not undone yet and is still its
    skill's latest event (not followed by another review, a reset or a new
    learning) is undone: the card gets back its state from before that review,
    and the log gains an ``undo`` row dated ``now`` (nothing is deleted).
    Learning a skill is undone with reset. Only the newest ``UNDO_DEPTH``
    reviews are searched.

    Raises ClockWentBackError if ``now`` is before the newest row of that skill's history.
    """
    undone = set(session.exec(undone_ids()).all())
    page_size, offset = 200, 0
    while True:  # newest explicit reviews first (the (kind, reviewed_at) index), a page at a time
        page = session.exec(select(ReviewLog).where(ReviewLog.kind == LogKind.REVIEW.value)
                            .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
                            .offset(offset).limit(page_size)).all()
        if not page or offset >= UNDO_DEPTH:
            return None
        offset += page_size
        for target in page:
            if target.id in undone:
                continue
            row = session.get(ReviewCard, target.skill_id)
            later = session.exec(select(ReviewLog.id).where(
                ReviewLog.skill_id == target.skill_id,
                ReviewLog.kind.in_((LogKind.REVIEW.value, LogKind.LEARN.value, LogKind.RETIRE.value)),
                ReviewLog.id.not_in(undone),
                or_(ReviewLog.reviewed_at > target.reviewed_at,
                    and_(ReviewLog.reviewed_at == target.reviewed_at, ReviewLog.id > target.id)))).first()
            if row is not None and later is None:  # the skill's latest event: it can be undone
                break
        else:
            continue
        break
    now = now.astimezone(UTC)
    check_order(session, [target.skill_id], now=now, action="undoing a review")
    _apply(row, json.loads(target.card_before), max(0, row.reviews - 1))
    session.add(row)
    session.add(ReviewLog(skill_id=target.skill_id, reviewed_at=now, rating=0, kind=LogKind.UNDO.value,
                          undoes=target.id, card_before=target.card_after, card_after=target.card_before))
    return target


def rebuild_cards(session: Session) -> dict[str, dict]:
    """Every current card's state, rebuilt from the review log alone: skill id -> ``Card.to_dict()``.

    Replays the log in time order (then entry order, for entries at the same
    instant): ``learn`` starts a card, ``review`` and ``undo`` set it to their
    ``card_after``, ``retire`` removes it. Time order matters after an import
    merges an older history into a newer one.
    """
    cards: dict[str, dict] = {}
    for row in session.exec(select(ReviewLog).order_by(ReviewLog.reviewed_at, ReviewLog.id)).all():
        if row.kind == LogKind.RETIRE:
            cards.pop(row.skill_id, None)
        else:
            cards[row.skill_id] = json.loads(row.card_after)
    return cards
