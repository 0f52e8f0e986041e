"""Spaced review of learned skills: the one wrapper around the ``fsrs`` library.

FSRS-6 (py-fsrs 6.x, https://github.com/open-spaced-repetition/py-fsrs) is
the memory model. This module is the only one that imports ``fsrs``, and it
adds what the library does not guarantee:

* a review dated before the skill's last review is refused (ReviewError);
* the same rating for the same skill within :data:`DEDUP_SECONDS` is
  recorded once;
* intervals are fuzzed here, not in the library (its fuzz draws from the
  global ``random`` and can reorder ratings): one uniform draw seeded by
  (skill id, review count) is applied to all four ratings, then
  interval(Hard) <= interval(Good) <= interval(Easy) <= max interval and
  every day-scale interval >= 1 day are enforced, so a preview equals the
  stored result;
* due dates are whole study days: a card is due from the start (rollover
  hour, local time) of its due day, so the date shown before rating is the
  date stored;
* stabilities and intervals are clamped, so no input overflows;
* the review log is append-only: ``learn`` (a skill marked learned: its
  first exposure, rated Good), ``review``, ``undo`` and ``retire`` rows, each
  with the card state before and after, enough to rebuild every card.
"""

from __future__ import annotations

import json
import math
import random
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Collection

import fsrs
from sqlalchemy import Integer, String, and_, cast, func, or_, type_coerce
from sqlmodel import Session, select

from roadmap.days import day_end, day_start, study_day, zone
from roadmap.errors import RoadmapError
from roadmap.models import ReviewCard, ReviewLog
from roadmap.settings import Settings

RATINGS = {"again": 1, "hard": 2, "good": 3, "easy": 4}
RATING_NAMES = {v: k for k, v in RATINGS.items()}
DEDUP_SECONDS = 10.0
UNDO_DEPTH = 1000  # reviews searched for one that can still be undone
MAX_STABILITY_DAYS = 1_000_000.0

# The library's fuzz ranges (fsrs.scheduler.FUZZ_RANGES, from FSRS's
# reference implementation), re-used for our seeded fuzz.
_FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.10), (20.0, math.inf, 0.05))


class ReviewError(RoadmapError):
    """A review that cannot be recorded: unknown or unlearned skill, bad rating, date before the last review."""


@dataclass(frozen=True)
class Outcome:
    """What one rating would do (or did) to a card.

    Attributes
    ----------
    rating : int
        1 Again, 2 Hard, 3 Good, 4 Easy.
    due_day : date
        The local study day on which the skill is next due.
    interval_days : int
        Study days from the review's day to ``due_day`` (0 only for
        configured short-term learning steps).
    card : dict
        The fsrs ``Card.to_dict()`` after the review.
    """

    rating: int
    due_day: date
    interval_days: int
    card: dict


@dataclass(frozen=True)
class DueItem:
    """A skill in the review queue. ``retrievability`` is 0-1; ``overdue_days`` >= 0."""

    skill_id: str
    due_day: date
    retrievability: float
    overdue_days: int
    stability: float | None
    difficulty: float | None


def parse_rating(text: str | int) -> int:
    """``again|hard|good|easy`` (or 1-4) to 1-4. Raises ReviewError naming what is accepted."""
    key = str(text).strip().lower()
    if key in ("1", "2", "3", "4"):
        return int(key)
    if key in RATINGS:
        return RATINGS[key]
    raise ReviewError(f"rating {text!r} is not one of again, hard, good, easy (or 1-4)")


def scheduler(settings: Settings) -> fsrs.Scheduler:
    """An fsrs Scheduler for the settings, with the library's fuzz off (we fuzz ourselves).

    Raises ReviewError if desired retention is outside 0.70-0.99.
    """
    if not (0.70 <= settings.desired_retention <= 0.99):
        raise ReviewError(f"desired_retention {settings.desired_retention} is outside 0.70-0.99")
    steps = tuple(timedelta(minutes=m) for m in settings.learning_steps_minutes)
    return fsrs.Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=steps,
        relearning_steps=steps[-1:],  # as the library's defaults: (1m, 10m) then (10m)
        maximum_interval=max(1, min(settings.max_interval_days, 36500)),
        enable_fuzzing=False,
    )


def _card_id(skill_id: str) -> int:
    return zlib.crc32(skill_id.encode()) + 1


def _to_card(row: ReviewCard) -> fsrs.Card:
    return fsrs.Card(
        card_id=_card_id(row.skill_id), state=fsrs.State(row.state), step=row.step,
        stability=row.stability, difficulty=row.difficulty,
        due=row.due.astimezone(UTC), last_review=row.last_review.astimezone(UTC) if row.last_review else None,
    )


def _clamp(card: fsrs.Card) -> fsrs.Card:
    if card.stability is not None:
        s = card.stability
        card.stability = MAX_STABILITY_DAYS if (math.isnan(s) or s > MAX_STABILITY_DAYS) else max(s, fsrs.scheduler.STABILITY_MIN)
    return card


def _fuzz_uniform(skill_id: str, reviews: int) -> float:
    return random.Random(f"{skill_id}:{reviews}").random()


def _fuzzed(days: int, u: float, max_days: int) -> int:
    """Spread an interval by FSRS's fuzz ranges with a given uniform draw ``u``."""
    if days < 2.5:
        return days
    delta = 1.0 + sum(f * max(min(float(days), hi) - lo, 0.0) for lo, hi, f in _FUZZ_RANGES)
    lo_i = max(2, round(days - delta))
    hi_i = min(round(days + delta), max_days)
    lo_i = min(lo_i, hi_i)
    return min(lo_i + int(u * (hi_i - lo_i + 1)), max_days)


def _tz(settings: Settings) -> tzinfo:
    return zone(settings.timezone)


def _outcomes(card: fsrs.Card, skill_id: str, reviews: int, now: datetime, settings: Settings,
              ratings=(1, 2, 3, 4), fuzz: bool = True) -> dict[int, Outcome]:
    sched = scheduler(settings)
    tz = _tz(settings)
    today = study_day(now, tz, settings.rollover_hour)
    u = _fuzz_uniform(skill_id, reviews)
    max_days = sched.maximum_interval
    out: dict[int, Outcome] = {}
    prev_days = 0
    for r in sorted(ratings):
        new, _ = sched.review_card(_clamp(card), fsrs.Rating(r), review_datetime=now)
        new = _clamp(new)
        raw = new.due - now
        if new.state == fsrs.State.Review or raw >= timedelta(days=1):
            days = max(1, round(raw / timedelta(days=1)))
            if new.state == fsrs.State.Review and fuzz:
                days = _fuzzed(days, u, max_days)
            if r >= 2:  # Hard <= Good <= Easy
                days = max(days, prev_days)
            days = min(max(days, 1), max_days)
            try:
                due_day = today + timedelta(days=days)
            except OverflowError:
                due_day = date.max - timedelta(days=1)
            new.due = max(day_start(due_day, tz, settings.rollover_hour), now)
        else:  # a configured short-term learning step: minutes, not days
            days = 0
            due_day = study_day(new.due, tz, settings.rollover_hour)
        if r >= 2:
            prev_days = max(prev_days, days)
        out[r] = Outcome(rating=r, due_day=due_day, interval_days=days, card=new.to_dict())
    return out


def schedule(card: dict | None, rating: int, *, skill_id: str, reviews: int, now: datetime, settings: Settings,
             fuzz: bool = True) -> Outcome:
    """What ``rating`` does to a card at ``now``: the pure scheduling step behind record and preview.

    Parameters
    ----------
    card : dict or None
        An fsrs ``Card.to_dict()``, or None for a new card (first exposure).
    rating : int
        1-4.
    skill_id, reviews : str, int
        Seed the fuzz (same card and review count, same draw).
    now : datetime
        Aware instant of the review.
    settings : Settings
    fuzz : bool
        Apply the seeded fuzz (on in use; off to compare with the library's
        published test vectors).
    """
    c = fsrs.Card.from_dict(card) if card is not None else \
        fsrs.Card(card_id=_card_id(skill_id), state=fsrs.State.Learning, step=0, due=now.astimezone(UTC))
    return _outcomes(c, skill_id, reviews, now.astimezone(UTC), settings, ratings=(1, 2, 3, 4), fuzz=fuzz)[rating]


def _card_from_dict(skill_id: str, d: dict, reviews: int) -> ReviewCard:
    card = fsrs.Card.from_dict(d)
    return ReviewCard(skill_id=skill_id, state=int(card.state), step=card.step, stability=card.stability,
                      difficulty=card.difficulty, due=card.due, last_review=card.last_review, reviews=reviews)


def _apply(row: ReviewCard, d: dict, reviews: int) -> None:
    card = fsrs.Card.from_dict(d)
    row.state, row.step = int(card.state), card.step
    row.stability, row.difficulty = card.stability, card.difficulty
    row.due, row.last_review, row.reviews = card.due, card.last_review, reviews


def introduce(session: Session, skill_id: str, *, now: datetime, settings: Settings) -> ReviewCard:
    """Give a newly learned skill its review card (its first exposure counts as a Good review).

    With no learning steps the first review falls about two days later
    (FSRS-6's initial stability for Good, 2.31 days, at 90 % retention).
    Replaces any card the skill had. Returns the stored card.
    """
    existing = session.get(ReviewCard, skill_id)
    before = json.dumps(_to_card(existing).to_dict()) if existing else None
    fresh = fsrs.Card(card_id=_card_id(skill_id), state=fsrs.State.Learning, step=0, due=now)
    outcome = _outcomes(fresh, skill_id, 0, now, settings, ratings=(3,))[3]
    if existing is not None:
        session.delete(existing)
        session.flush()
    row = _card_from_dict(skill_id, outcome.card, 0)
    session.add(row)
    session.add(ReviewLog(skill_id=skill_id, reviewed_at=now, rating=3, kind="learn",
                          card_before=before, card_after=json.dumps(outcome.card)))
    return row


def retire(session: Session, skill_id: str, *, now: datetime | None = None) -> None:
    """Take a skill out of review (it was reset or skipped); its log stays, and a ``retire`` row is added."""
    row = session.get(ReviewCard, skill_id)
    if row is None:
        return
    session.add(ReviewLog(skill_id=skill_id, reviewed_at=now or row.last_review or row.due, rating=0,
                          kind="retire", card_before=json.dumps(_to_card(row).to_dict()), card_after="null"))
    session.delete(row)


def preview(session: Session, skill_id: str, *, now: datetime, settings: Settings) -> dict[int, Outcome]:
    """What each rating (1-4) would give, without recording anything.

    Raises ReviewError if the skill has no review card (it is not learned).
    """
    row = _card_row(session, skill_id)
    return _outcomes(_to_card(row), skill_id, row.reviews, now, settings)


def _card_row(session: Session, skill_id: str) -> ReviewCard:
    row = session.get(ReviewCard, skill_id)
    if row is None:
        raise ReviewError(f"{skill_id} has no review card: only learned skills are reviewed "
                          f"(mark it learned with `roadmap learn {skill_id}`)")
    return row


class StalePreviewError(ReviewError):
    """The card changed (reviewed elsewhere) after its preview was shown; nothing was recorded."""


def record(session: Session, skill_id: str, rating: int, *, now: datetime, settings: Settings,
           duration_seconds: float | None = None, expected_due_day: date | None = None) -> Outcome:
    """Record a review of a learned skill and reschedule it.

    Parameters
    ----------
    session : Session
        The caller's (write) transaction.
    skill_id : str
    rating : int
        1 Again, 2 Hard, 3 Good, 4 Easy (see :func:`parse_rating`).
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
        The skill is not learned, the rating is not 1-4, or ``now`` is
        before the skill's last review.
    """
    if rating not in RATING_NAMES:
        raise ReviewError(f"rating {rating!r} is not one of 1-4 (again, hard, good, easy)")
    now = now.astimezone(UTC)
    row = _card_row(session, skill_id)
    if row.last_review is not None and now < row.last_review:
        raise ReviewError(f"a review of {skill_id} dated {now:%Y-%m-%d %H:%M} UTC is before its last review "
                          f"({row.last_review:%Y-%m-%d %H:%M} UTC) and was refused; check the clock or ROADMAP_NOW")
    last = session.exec(select(ReviewLog).where(ReviewLog.skill_id == skill_id)
                        .order_by(ReviewLog.id.desc()).limit(1)).first()
    if (last is not None and last.kind == "review" and last.rating == rating
            and (now - last.reviewed_at).total_seconds() <= DEDUP_SECONDS):
        card = json.loads(last.card_after)
        tz = _tz(settings)
        due_day = study_day(fsrs.Card.from_dict(card).due, tz, settings.rollover_hour)
        return Outcome(rating, due_day, (due_day - study_day(last.reviewed_at, tz, settings.rollover_hour)).days, card)
    before = _to_card(row).to_dict()
    outcome = _outcomes(_to_card(row), skill_id, row.reviews, now, settings)[rating]
    if expected_due_day is not None and outcome.due_day != expected_due_day:
        raise StalePreviewError(f"{skill_id} changed since its choices were shown (reviewed elsewhere?); "
                                f"nothing was recorded; here are the new choices")
    _apply(row, outcome.card, row.reviews + 1)
    session.add(row)
    session.add(ReviewLog(skill_id=skill_id, reviewed_at=now, rating=rating, kind="review",
                          duration_seconds=duration_seconds, card_before=json.dumps(before),
                          card_after=json.dumps(outcome.card)))
    return outcome


def _undone_ids():
    """A subquery of the ids of reviews that an ``undo`` row cancelled."""
    return select(ReviewLog.undoes).where(ReviewLog.undoes.is_not(None))  # only undo rows set it (indexed)


def undo_last(session: Session, *, now: datetime) -> ReviewLog | None:
    """Undo the most recent review that can be undone; returns its log row, or None if none.

    The most recent review (by time) that is not undone yet and is still its
    skill's latest event (not followed by another review, a reset or a new
    learning) is undone: the card gets back its state from before that review,
    and the log gains an ``undo`` row (nothing is deleted). Learning a skill is
    undone with reset. Only the newest ``UNDO_DEPTH`` reviews are searched.
    """
    undone = set(session.exec(_undone_ids()).all())
    page_size, offset = 200, 0
    while True:  # newest explicit reviews first (the (kind, reviewed_at) index), a page at a time
        page = session.exec(select(ReviewLog).where(ReviewLog.kind == "review")
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
                ReviewLog.skill_id == target.skill_id, ReviewLog.kind.in_(("review", "learn", "retire")),
                ReviewLog.id.not_in(undone),
                or_(ReviewLog.reviewed_at > target.reviewed_at,
                    and_(ReviewLog.reviewed_at == target.reviewed_at, ReviewLog.id > target.id)))).first()
            if row is not None and later is None:  # the skill's latest event: it can be undone
                break
        else:
            continue
        break
    _apply(row, json.loads(target.card_before), max(0, row.reviews - 1))
    session.add(row)
    session.add(ReviewLog(skill_id=target.skill_id, reviewed_at=now.astimezone(UTC), rating=0, kind="undo",
                          undoes=target.id, card_before=target.card_after, card_after=target.card_before))
    return target


def _states(session: Session, *, now: datetime, settings: Settings, skills: Collection[str] | None,
            due_before: datetime | None = None) -> list[DueItem]:
    """The state now of every card (or only of those due before ``due_before``; indexed)."""
    tz = _tz(settings)
    today = study_day(now, tz, settings.rollover_hour)
    sched = scheduler(settings)
    query = select(ReviewCard)
    if due_before is not None:
        query = query.where(ReviewCard.due < due_before)
    out = []
    for row in session.exec(query).all():
        if skills is not None and row.skill_id not in skills:
            continue
        due_day = study_day(row.due, tz, settings.rollover_hour)
        r = float(sched.get_card_retrievability(_to_card(row), now.astimezone(UTC)))
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
    tz = _tz(settings)
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
    tz = _tz(settings)
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


def history_counts(session: Session, *, settings: Settings, since: datetime) -> dict[date, int]:
    """Explicit reviews (not undone) per local study day since ``since`` (for heatmaps and streaks).

    Aggregated in SQL by quarter-hour of UTC time (at most 96 groups a day,
    whatever the length of the log), then each quarter-hour is mapped to its
    study day, which is exact for every time zone offset in use (all are
    multiples of 15 minutes).
    """
    tz = _tz(settings)
    at = ReviewLog.reviewed_at
    minute = cast(func.substr(at, 15, 2), Integer) / 15 * 15
    bucket = type_coerce(func.substr(at, 1, 14), String).concat(func.printf("%02d", minute))
    rows = session.exec(select(bucket, func.count()).where(ReviewLog.kind == "review", at >= since,
                                                           ReviewLog.id.not_in(_undone_ids()))
                        .group_by(bucket)).all()
    out: dict[date, int] = {}
    for key, n in rows:
        instant = datetime.fromisoformat(key).replace(tzinfo=UTC)
        d = study_day(instant, tz, settings.rollover_hour)
        out[d] = out.get(d, 0) + n
    return out


def retention_achieved(session: Session, *, since: datetime) -> tuple[float | None, int]:
    """Share of explicit reviews since ``since`` not rated Again, and how many reviews that is.

    This is the true retention to compare with the desired retention; None
    when there are no reviews. One aggregate query.
    """
    total, again = session.exec(
        select(func.count(), func.sum(func.iif(ReviewLog.rating == 1, 1, 0)))
        .where(ReviewLog.kind == "review", ReviewLog.reviewed_at >= since, ReviewLog.id.not_in(_undone_ids()))
    ).one()
    if not total:
        return None, 0
    return 1 - (again or 0) / total, total


def median_duration_seconds(session: Session, minimum: int = 20, recent: int = 200) -> float | None:
    """Median duration of the ``recent`` latest timed reviews, seconds; None until ``minimum`` are logged.

    Reads at most ``5 * recent`` rows, newest first by primary key, whatever the
    length of the log.
    """
    # Newest rows by primary key, filtered here: a WHERE on kind would make SQLite pick the
    # (kind, reviewed_at) index and sort every review instead of reading the newest few.
    latest = session.exec(select(ReviewLog.kind, ReviewLog.duration_seconds)
                          .order_by(ReviewLog.id.desc()).limit(recent * 5)).all()
    rows = [d for kind, d in latest if kind == "review" and d is not None][:recent]
    if len(rows) < minimum:
        return None
    rows = sorted(rows)
    mid = len(rows) // 2
    return rows[mid] if len(rows) % 2 else (rows[mid - 1] + rows[mid]) / 2


def card_from_dict_checked(d: dict) -> None:
    """Raise KeyError/TypeError/ValueError unless ``d`` is a valid fsrs ``Card.to_dict()``."""
    card = fsrs.Card.from_dict(d)
    if card.due.tzinfo is None:
        raise ValueError("due has no time zone")


def card_row_from_dict(skill_id: str, d: dict, reviews: int) -> ReviewCard:
    """A ReviewCard row from an fsrs ``Card.to_dict()``."""
    return _card_from_dict(skill_id, d, reviews)


def review_counts(session: Session) -> dict[str, int]:
    """Explicit reviews per skill since it was last learned, undone ones excluded (from the log)."""
    counts: dict[str, int] = {}
    for kind, skill_id in session.exec(select(ReviewLog.kind, ReviewLog.skill_id)
                                       .order_by(ReviewLog.reviewed_at, ReviewLog.id)).all():
        if kind == "learn":
            counts[skill_id] = 0
        elif kind == "review":
            counts[skill_id] = counts.get(skill_id, 0) + 1
        elif kind == "undo":
            counts[skill_id] = max(0, counts.get(skill_id, 0) - 1)
        elif kind == "retire":
            counts.pop(skill_id, None)
    return counts


def rebuild_cards(session: Session) -> dict[str, dict]:
    """Every current card's state, rebuilt from the review log alone: skill id -> ``Card.to_dict()``.

    Replays the log in time order (then entry order, for entries at the same
    instant): ``learn`` starts a card, ``review`` and ``undo`` set it to their
    ``card_after``, ``retire`` removes it. Time order matters after an import
    merges an older history into a newer one.
    """
    cards: dict[str, dict] = {}
    for row in session.exec(select(ReviewLog).order_by(ReviewLog.reviewed_at, ReviewLog.id)).all():
        if row.kind == "retire":
            cards.pop(row.skill_id, None)
        else:
            cards[row.skill_id] = json.loads(row.card_after)
    return cards
