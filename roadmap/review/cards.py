"""Review cards and the review log: every write of spaced review, and the replay that rebuilds the cards.

One card per self-check of a learned skill, keyed (skill id, check id); the
check id ``""`` is the card of the whole skill (a skill without checks, or a
card from before per-check cards: each check without a card of its own
starts from that state, see :func:`card_for`).

The review log is append-only: ``learn`` (a check entering review when its
skill is marked learned: its first exposure, rated Good), ``review``,
``undo`` and ``retire`` rows (see :class:`~roadmap.review.rating.LogKind`),
each naming its check (``check_id``; None for the whole skill's card) with
the card state before and after, enough to rebuild every card. Besides, this
module guarantees:

* no write is dated before the newest row of the skill's history
  (:class:`roadmap.timeline.ClockWentBackError`), so replaying the log in
  time order gives the cards as they are;
* the same rating for the same check within :data:`DEDUP_SECONDS` is
  recorded once;
* what :func:`record` stores is what :func:`preview` showed.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Collection, Sequence

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from roadmap.days import study_day, zone
from roadmap.models import ReviewCard, ReviewLog
from roadmap.review.history import undone_ids
from roadmap.review.rating import RATING_NAMES, LogKind, Rating, ReviewError, StalePreviewError
from roadmap.review.scheduling import (Outcome, card_dict, card_due, card_fields, card_key, first_exposure,
                                      outcomes, prior_exposure)
from roadmap.settings import Settings
from roadmap.timeline import check_order

DEDUP_SECONDS = 10.0
UNDO_DEPTH = 1000  # reviews searched for one that can still be undone
SPREAD_DAYS = 3  # a newly learned skill's checks first fall due over this many consecutive days


def _log_check(check_id: str) -> str | None:
    """The ``review_log.check_id`` of a card: None for the whole skill's card ("")."""
    return check_id or None


def card_row_from_dict(skill_id: str, d: dict, reviews: int, check_id: str = "") -> ReviewCard:
    """A ReviewCard row from an fsrs ``Card.to_dict()``, the check it belongs to and its review count."""
    return ReviewCard(skill_id=skill_id, check_id=check_id, reviews=reviews, **card_fields(d))


def _apply(row: ReviewCard, d: dict, reviews: int) -> None:
    for key, value in card_fields(d).items():
        setattr(row, key, value)
    row.reviews = reviews


def skill_cards(session: Session, skill_id: str) -> list[ReviewCard]:
    """Every stored card of a skill (its checks' and, if any, the whole skill's ``""``), by check id."""
    return list(session.exec(select(ReviewCard).where(ReviewCard.skill_id == skill_id)
                             .order_by(ReviewCard.check_id)).all())


def card_for(session: Session, skill_id: str, check_id: str) -> tuple[ReviewCard, bool]:
    """The card a check is reviewed from, and whether it is stored (False: a copy not yet added).

    A check with no card of its own reviews from its skill's whole-skill card
    (``""``, kept from before per-check cards): a copy of that state under the
    check's id, which :func:`record` stores. Raises ReviewError if neither exists.
    """
    row = session.get(ReviewCard, (skill_id, check_id))
    if row is not None:
        return row, True
    base = session.get(ReviewCard, (skill_id, "")) if check_id else None
    if base is None:
        what = f"{skill_id}/{check_id}" if check_id else skill_id
        if session.exec(select(ReviewCard.check_id).where(ReviewCard.skill_id == skill_id).limit(1)).first():
            raise ReviewError(f"{what} has no review card: {skill_id} has no check {check_id!r} in review "
                              f"(`roadmap due` lists the checks)")
        raise ReviewError(f"{what} has no review card: only learned skills are reviewed "
                          f"(mark it learned with `roadmap learn {skill_id}`)")
    copy = ReviewCard(skill_id=skill_id, check_id=check_id, state=base.state, step=base.step,
                      stability=base.stability, difficulty=base.difficulty, due=base.due,
                      last_review=base.last_review, reviews=base.reviews)
    return copy, False


def spread_days(index: int, count: int) -> int:
    """Extra days before the first review of check ``index`` (0-based) of ``count`` checks learned at once.

    The checks of a newly learned skill first fall due over up to
    :data:`SPREAD_DAYS` consecutive days (0, 1, 2, ...) instead of all on one.
    """
    span = min(count, SPREAD_DAYS)
    return index * span // count if count else 0


def introduce(session: Session, skill_id: str, *, now: datetime, settings: Settings,
              check_ids: Sequence[str] = ("",)) -> list[ReviewCard]:
    """Put every check of a newly learned skill into review (a first exposure counted as a Good review each).

    Parameters
    ----------
    check_ids : sequence of str
        The skill's check ids in curriculum order (``("",)``: the whole skill,
        for a skill without checks). The first reviews are spread over a few
        days (:func:`spread_days`); with no learning steps the earliest falls
        about two days later (FSRS-6's initial stability for Good, 2.31 days,
        at 90 % retention).

    Any cards the skill still had leave review first (a ``retire`` row each).
    Returns the stored cards.

    Raises ClockWentBackError if ``now`` is before the newest row of the skill's history.
    """
    now, ids = _enter_review(session, skill_id, now, check_ids)
    return _add_cards(session, skill_id, now, LogKind.LEARN, [
        (check_id, first_exposure(card_key(skill_id, check_id), now=now, settings=settings,
                                  delay_days=spread_days(i, len(ids))).card) for i, check_id in enumerate(ids)])


def introduce_prior(session: Session, skill_id: str, *, now: datetime, settings: Settings,
                    due_days: Sequence[date], check_ids: Sequence[str] = ("",)) -> list[ReviewCard]:
    """Put every check of a skill known before (prior knowledge) into review, each first due on its given day.

    Like :func:`introduce`, but each card starts as a memory recalled twice
    (:func:`roadmap.review.scheduling.prior_exposure`) and its log row is of
    kind ``prior``. ``due_days`` gives the first review day of each check
    (same order as ``check_ids``; the caller spreads them, see
    :func:`roadmap.progress.prior_schedule`).

    Raises ClockWentBackError if ``now`` is before the newest row of the skill's history.
    """
    now, ids = _enter_review(session, skill_id, now, check_ids)
    return _add_cards(session, skill_id, now, LogKind.PRIOR, [
        (check_id, prior_exposure(card_key(skill_id, check_id), now=now, settings=settings, due_day=day).card)
        for check_id, day in zip(ids, due_days, strict=True)])


def _enter_review(session: Session, skill_id: str, now: datetime,
                  check_ids: Sequence[str]) -> tuple[datetime, list[str]]:
    """Checks before a skill's checks enter review: the time order, the old cards retired; returns (now in
    UTC, the check ids without repeats, or ``[""]`` for a skill without checks)."""
    now = now.astimezone(UTC)
    check_order(session, [skill_id], now=now, action="learning")
    retire(session, skill_id, now=now)
    session.flush()
    return now, list(dict.fromkeys(check_ids)) or [""]


def _add_cards(session: Session, skill_id: str, now: datetime, kind: LogKind,
               cards: list[tuple[str, dict]]) -> list[ReviewCard]:
    """Store each (check id, card dict) as a new card with its first log row of ``kind``."""
    rows = []
    for check_id, card in cards:
        row = card_row_from_dict(skill_id, card, 0, check_id)
        session.add(row)
        session.add(ReviewLog(skill_id=skill_id, check_id=_log_check(check_id), reviewed_at=now,
                              rating=int(Rating.GOOD), kind=kind.value, card_before=None,
                              card_after=json.dumps(card)))
        rows.append(row)
    return rows


def retire(session: Session, skill_id: str, *, now: datetime, check_id: str | None = None) -> None:
    """Take a skill's cards (or one check's, with ``check_id``) out of review; the log keeps a ``retire`` row each.

    Raises ClockWentBackError if ``now`` is before the newest row of the skill's history.
    """
    rows = skill_cards(session, skill_id)
    if check_id is not None:
        rows = [r for r in rows if r.check_id == check_id]
    if not rows:
        return
    now = now.astimezone(UTC)
    check_order(session, [skill_id], now=now, action="taking out of review")
    for row in sorted(rows, key=lambda r: (r.check_id == "", r.check_id)):  # the whole skill's card last
        session.add(ReviewLog(skill_id=skill_id, check_id=_log_check(row.check_id), reviewed_at=now, rating=0,
                              kind=LogKind.RETIRE.value, card_before=json.dumps(card_dict(row)), card_after="null"))
        session.delete(row)


def preview(session: Session, skill_id: str, *, now: datetime, settings: Settings,
            check_id: str = "") -> dict[int, Outcome]:
    """What each rating (1-4) would give the check's card, without recording anything.

    Raises ReviewError if the check has no review card (its skill is not learned).
    """
    row, _ = card_for(session, skill_id, check_id)
    return outcomes(row, now=now, settings=settings)


def record(session: Session, skill_id: str, rating: int, *, now: datetime, settings: Settings,
           check_id: str = "", duration_seconds: float | None = None,
           expected_due_day: date | None = None) -> Outcome:
    """Record a review of one check of a learned skill and reschedule its card.

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
    check_id : str
        The check reviewed (``""``: the whole skill's card).
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
        Exactly what :func:`preview` showed for this rating at ``now``, with
        ``log_id`` the review-log row that holds it.

    Raises
    ------
    ReviewError
        The check has no card (skill not learned) or the rating is not 1-4.
    StalePreviewError
        ``expected_due_day`` no longer holds.
    ClockWentBackError
        ``now`` is before the newest row of the skill's history (its last
        review, undo, status change or study session).
    """
    if rating not in RATING_NAMES:
        raise ReviewError(f"rating {rating!r} is not one of 1-4 (again, hard, good, easy)")
    now = now.astimezone(UTC)
    row, stored = card_for(session, skill_id, check_id)
    check_order(session, [skill_id], now=now, action="a review")
    last = session.exec(select(ReviewLog).where(ReviewLog.skill_id == skill_id,
                                                _same_check(check_id))
                        .order_by(ReviewLog.id.desc()).limit(1)).first()
    if (last is not None and last.kind == LogKind.REVIEW and last.rating == rating
            and last.check_id == _log_check(check_id)
            and (now - last.reviewed_at).total_seconds() <= DEDUP_SECONDS):
        card = json.loads(last.card_after)
        tz = zone(settings.timezone)
        due_day = study_day(card_due(card), tz, settings.rollover_hour)
        return Outcome(rating, due_day, (due_day - study_day(last.reviewed_at, tz, settings.rollover_hour)).days,
                       card, log_id=last.id)
    before = card_dict(row)
    outcome = outcomes(row, now=now, settings=settings)[rating]
    if expected_due_day is not None and outcome.due_day != expected_due_day:
        raise StalePreviewError(f"{skill_id} changed since its choices were shown (reviewed elsewhere?); "
                                f"nothing was recorded; here are the new choices")
    _apply(row, outcome.card, row.reviews + 1)
    session.add(row)
    log = ReviewLog(skill_id=skill_id, check_id=_log_check(check_id), reviewed_at=now, rating=int(rating),
                    kind=LogKind.REVIEW.value, duration_seconds=duration_seconds, card_before=json.dumps(before),
                    card_after=json.dumps(outcome.card))
    session.add(log)
    session.flush()
    return replace(outcome, log_id=log.id)


def _same_check(check_id: str):
    return ReviewLog.check_id.is_(None) if not check_id else ReviewLog.check_id == check_id


def undo_last(session: Session, *, now: datetime, only: Collection[int] | None = None) -> ReviewLog | None:
    """Undo the most recent review that can be undone; returns its log row, or None if none.

    A review can be undone while it is its card's latest event (no later
    review, learning or retirement of that check or of its whole skill that
    is not itself undone): the card gets back its state from before that
    review, and the log gains an ``undo`` row dated ``now`` (nothing is
    deleted). The graph credit the review gave is undone with it (each
    credited card that has not changed since gets back its state from before
    the credit, with an ``undo`` row naming the credit row), in the same
    transaction. Learning a skill is undone with reset. Only the newest
    ``UNDO_DEPTH`` reviews are searched. With ``only`` (review-log ids, e.g.
    the ratings of one review session), no other review is undone.

    Raises ClockWentBackError if ``now`` is before the newest row of that skill's history.
    """
    if only is not None and not only:
        return None
    undone = set(session.exec(undone_ids()).all())
    page_size, offset = 200, 0
    while True:  # newest explicit reviews first (the (kind, reviewed_at) index), a page at a time
        query = select(ReviewLog).where(ReviewLog.kind == LogKind.REVIEW.value)
        if only is not None:
            query = query.where(ReviewLog.id.in_(list(only)))
        page = session.exec(query.order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
                            .offset(offset).limit(page_size)).all()
        if not page or offset >= UNDO_DEPTH:
            return None
        offset += page_size
        for target in page:
            if target.id in undone:
                continue
            row = session.get(ReviewCard, (target.skill_id, target.check_id or ""))
            same_card = ([or_(ReviewLog.check_id.is_(None), ReviewLog.check_id == target.check_id)]
                         if target.check_id is not None else [])  # a whole-skill row follows every check's
            later = session.exec(select(ReviewLog.id).where(
                ReviewLog.skill_id == target.skill_id, *same_card,
                ReviewLog.kind.in_((LogKind.REVIEW.value, LogKind.LEARN.value, LogKind.PRIOR.value,
                                    LogKind.RETIRE.value)),
                ReviewLog.id.not_in(undone),
                or_(ReviewLog.reviewed_at > target.reviewed_at,
                    and_(ReviewLog.reviewed_at == target.reviewed_at, ReviewLog.id > target.id)))).first()
            if row is not None and later is None:  # the card's latest event: it can be undone
                break
        else:
            continue
        break
    now = now.astimezone(UTC)
    check_order(session, [target.skill_id], now=now, action="undoing a review")
    _apply(row, json.loads(target.card_before), max(0, row.reviews - 1))
    session.add(row)
    session.add(ReviewLog(skill_id=target.skill_id, check_id=target.check_id, reviewed_at=now, rating=0,
                          kind=LogKind.UNDO.value, undoes=target.id, card_before=target.card_after,
                          card_after=target.card_before))
    _undo_credit(session, target.id, now=now, undone=undone)
    return target


def _undo_credit(session: Session, cause_id: int, *, now: datetime, undone: set[int]) -> int:
    """Undo the graph credit that review ``cause_id`` gave (see :mod:`roadmap.review.credit`); returns how many.

    Newest first, each credited card gets back its state from before the
    credit, with an ``undo`` row naming the credit row, unless the card
    changed since (a later review or credit): then it keeps what it has now,
    since that is newer than the credit. Cards whose skill has history dated
    after ``now`` are left alone too.
    """
    rows = session.exec(select(ReviewLog).where(ReviewLog.caused_by == cause_id, ReviewLog.kind == LogKind.CREDIT.value)
                        .order_by(ReviewLog.id.desc())).all()
    return _undo_credit_rows(session, rows, now=now, undone=undone)


def undo_study_credit(session: Session, at: datetime, *, now: datetime) -> int:
    """Undo the graph credit that study logged at instant ``at`` gave (credit rows with no causing review,
    dated ``at``: :func:`roadmap.review.credit.apply_study_credit`), as :func:`_undo_credit` does for a
    review's credit; returns how many credited cards got their state back."""
    undone = set(session.exec(undone_ids()).all())
    rows = session.exec(select(ReviewLog).where(ReviewLog.caused_by.is_(None), ReviewLog.kind == LogKind.CREDIT.value,
                                                ReviewLog.reviewed_at == at.astimezone(UTC))
                        .order_by(ReviewLog.id.desc())).all()
    return _undo_credit_rows(session, rows, now=now.astimezone(UTC), undone=undone)


def _undo_credit_rows(session: Session, rows, *, now: datetime, undone: set[int]) -> int:
    from roadmap.timeline import ClockWentBackError

    count = 0
    for credit in rows:
        if credit.id in undone:
            continue
        row = session.get(ReviewCard, (credit.skill_id, credit.check_id or ""))
        if row is None or {k: getattr(row, k) for k in _CARD_KEYS} != card_fields(json.loads(credit.card_after)):
            continue
        try:
            check_order(session, [credit.skill_id], now=now, action="undoing review credit")
        except ClockWentBackError:
            continue
        _apply(row, json.loads(credit.card_before), row.reviews)
        session.add(row)
        session.add(ReviewLog(skill_id=credit.skill_id, check_id=credit.check_id, reviewed_at=now, rating=0,
                              kind=LogKind.UNDO.value, undoes=credit.id, card_before=credit.card_after,
                              card_after=credit.card_before))
        count += 1
    return count


_CARD_KEYS = ("state", "step", "stability", "difficulty", "due", "last_review")


def rebuild_cards(session: Session) -> dict[tuple[str, str], dict]:
    """Every current card's state, rebuilt from the review log alone: (skill id, check id) -> ``Card.to_dict()``.

    Replays the log in time order (then entry order, for entries at the same
    instant): ``learn`` starts a card, ``review``, ``credit`` (graph credit) and ``undo`` set it to their
    ``card_after``, ``retire`` removes it (a ``retire`` of the whole skill,
    check None, removes every card of the skill). Rows with no check id are
    the whole skill's card ``""``. Time order matters after an import merges
    an older history into a newer one.
    """
    cards: dict[tuple[str, str], dict] = {}
    for row in session.exec(select(ReviewLog).order_by(ReviewLog.reviewed_at, ReviewLog.id)).all():
        key = (row.skill_id, row.check_id or "")
        if row.kind == LogKind.RETIRE:
            if row.check_id is None:
                for k in [k for k in cards if k[0] == row.skill_id]:
                    del cards[k]
            else:
                cards.pop(key, None)
        else:
            cards[key] = json.loads(row.card_after)
    return cards


def check_ids_of(skill) -> tuple[str, ...]:
    """The card ids of a curriculum skill: its checks' ids in order, or ``("",)`` (the whole skill) if it has none."""
    return tuple(c.id for c in getattr(skill, "check_items", ())) or ("",)


def sync_checks(session: Session, curriculum, *, now: datetime, settings: Settings,
                dry_run: bool = False) -> dict[str, int]:
    """Follow the curriculum's checks: renamed checks keep their history, added ones enter review.

    For each skill with cards: a check with ``renamed_from`` whose former id
    has cards or log rows (and whose new id has none) takes them over; a
    check of a learned skill with no card (added to the curriculum after the
    skill was learned, and with no whole-skill card to review from) is
    introduced as new (its first exposure at ``now``). A check removed from
    the curriculum keeps its card and history (orphaned, not shown).

    Returns counts ``{"renamed": n, "added": m}`` (with ``dry_run``, what
    would be done, writing nothing). Checks whose skill has history dated
    after ``now`` are left alone (they are tried again later).
    """
    from sqlalchemy import exists, update

    from roadmap.timeline import ClockWentBackError

    counts = {"renamed": 0, "added": 0}
    stored: dict[str, set[str]] = {}
    for skill_id, check_id in session.exec(select(ReviewCard.skill_id, ReviewCard.check_id)).all():
        stored.setdefault(skill_id, set()).add(check_id)
    for skill_id, have in stored.items():
        skill = curriculum.skills.get(skill_id)
        if skill is None:
            continue
        for check in skill.check_items:
            old = check.renamed_from
            if not old or check.id in have:
                continue
            new_has = session.exec(select(exists().where(ReviewLog.skill_id == skill_id,
                                                         ReviewLog.check_id == check.id))).one()
            if old in have and not new_has:
                counts["renamed"] += 1
                if dry_run:
                    continue
                session.exec(update(ReviewCard).where(ReviewCard.skill_id == skill_id, ReviewCard.check_id == old)
                             .values(check_id=check.id))
                session.exec(update(ReviewLog).where(ReviewLog.skill_id == skill_id, ReviewLog.check_id == old)
                             .values(check_id=check.id))
                have.discard(old)
                have.add(check.id)
        if "" in have:
            continue  # every check without a card reviews from the whole skill's card
        missing = [c for c in check_ids_of(skill) if c not in have]
        if not missing:
            continue
        if dry_run:
            counts["added"] += len(missing)
            continue
        try:
            check_order(session, [skill_id], now=now, action="adding a check")
        except ClockWentBackError:
            continue
        ids = list(check_ids_of(skill))
        for check_id in missing:
            outcome = first_exposure(card_key(skill_id, check_id), now=now, settings=settings,
                                     delay_days=spread_days(ids.index(check_id), len(ids)))
            session.add(card_row_from_dict(skill_id, outcome.card, 0, check_id))
            session.add(ReviewLog(skill_id=skill_id, check_id=_log_check(check_id), reviewed_at=now.astimezone(UTC),
                                  rating=int(Rating.GOOD), kind=LogKind.LEARN.value, card_before=None,
                                  card_after=json.dumps(outcome.card)))
            counts["added"] += 1
    return counts
