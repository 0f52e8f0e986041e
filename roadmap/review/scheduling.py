"""Scheduling: the one wrapper around the ``fsrs`` library (no other module imports it).

FSRS-6 (py-fsrs 6.x, https://github.com/open-spaced-repetition/py-fsrs) is
the memory model. This module adds what the library does not guarantee:

* intervals are fuzzed here, not in the library (its fuzz draws from the
  global ``random`` and can reorder ratings): one uniform draw seeded by
  (card, review count) is applied to all four ratings, then
  interval(Hard) < interval(Good) < interval(Easy) <= max interval (strictly,
  a day apart at least, whenever the maximum interval leaves room) and every
  day-scale interval >= 1 day are enforced, so a preview equals the stored
  result and each rating means a different day;
* the fuzz never shortens a good memory: an interval the library puts at the
  maximum stays at the maximum, and an on-time Good or Easy review that
  raised the stability never gets a shorter interval than the one before;
* due dates are whole study days: a card is due from the start (rollover
  hour, local time) of its due day, so the date shown before rating is the
  date stored;
* stabilities, intervals and due dates are clamped, so no input overflows and
  no due date lies after the last year an export may hold
  (:data:`roadmap.clock.MAX_YEAR`): whatever is written reads back.
"""

from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Iterable

import fsrs

from roadmap.clock import MAX_YEAR
from roadmap.days import day_start, study_day, zone
from roadmap.models import ReviewCard
from roadmap.review.rating import Rating, ReviewError
from roadmap.settings import Settings

MAX_STABILITY_DAYS = 1_000_000.0
MAX_INTERVAL_DAYS = 36500  # the longest interval the scheduler gives, whatever max_interval_days says
# The last due day and instant ever stored: day_start of this day is inside MAX_YEAR in UTC for
# every time zone (offsets are within +-14 h), so an export of any card imports again.
LAST_DUE_DAY = date(MAX_YEAR, 12, 30)
LAST_INSTANT = datetime(MAX_YEAR, 12, 31, 23, 59, 59, tzinfo=UTC)

# The library's fuzz ranges (fsrs.scheduler.FUZZ_RANGES, from FSRS's
# reference implementation), re-used for our seeded fuzz.
_FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.10), (20.0, math.inf, 0.05))


@dataclass(frozen=True)
class Outcome:
    """What one rating would do (or did) to a card.

    Attributes
    ----------
    rating : int
        1 Again, 2 Hard, 3 Good, 4 Easy (a :class:`Rating`).
    due_day : date
        The local study day on which the skill is next due.
    interval_days : int
        Study days from the review's day to ``due_day`` (0 only for
        configured short-term learning steps).
    card : dict
        The fsrs ``Card.to_dict()`` after the review.
    log_id : int or None
        The review-log row that recorded it (None for a preview).
    """

    rating: int
    due_day: date
    interval_days: int
    card: dict
    log_id: int | None = field(default=None, compare=False)


def scheduler(settings: Settings) -> fsrs.Scheduler:
    """An fsrs Scheduler for the settings, with the library's fuzz off (we fuzz ourselves).

    The maximum interval is ``settings.max_interval_days`` within 1-:data:`MAX_INTERVAL_DAYS` days.
    Raises ReviewError if desired retention is outside 0.70-0.99.
    """
    if not (0.70 <= settings.desired_retention <= 0.99):
        raise ReviewError(f"desired_retention {settings.desired_retention} is outside 0.70-0.99")
    steps = tuple(timedelta(minutes=m) for m in settings.learning_steps_minutes)
    return fsrs.Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=steps,
        relearning_steps=steps[-1:],  # as the library's defaults: (1m, 10m) then (10m)
        maximum_interval=max(1, min(settings.max_interval_days, MAX_INTERVAL_DAYS)),
        enable_fuzzing=False,
    )


def card_key(skill_id: str, check_id: str = "") -> str:
    """The text that seeds a card's fuzz and fsrs card id: ``skill/check``, or the skill id for its whole-skill card."""
    return f"{skill_id}/{check_id}" if check_id else skill_id


def _card_id(key: str) -> int:
    return zlib.crc32(key.encode()) + 1


def _to_card(row: ReviewCard) -> fsrs.Card:
    return fsrs.Card(
        card_id=_card_id(card_key(row.skill_id, row.check_id or "")), state=fsrs.State(row.state), step=row.step,
        stability=row.stability, difficulty=row.difficulty,
        due=row.due.astimezone(UTC), last_review=row.last_review.astimezone(UTC) if row.last_review else None,
    )


def card_dict(row: ReviewCard) -> dict:
    """A stored card as an fsrs ``Card.to_dict()`` (the form the review log keeps)."""
    return _to_card(row).to_dict()


def card_fields(d: dict) -> dict:
    """The ReviewCard column values (state, step, stability, difficulty, due, last_review) of a ``Card.to_dict()``."""
    card = fsrs.Card.from_dict(d)
    return {"state": int(card.state), "step": card.step, "stability": card.stability,
            "difficulty": card.difficulty, "due": card.due, "last_review": card.last_review}


def card_due(d: dict) -> datetime:
    """The due instant (UTC) of a ``Card.to_dict()``."""
    return fsrs.Card.from_dict(d).due


def card_from_dict_checked(d: dict) -> None:
    """Raise KeyError/TypeError/ValueError unless ``d`` is a valid fsrs ``Card.to_dict()``."""
    card = fsrs.Card.from_dict(d)
    if card.due.tzinfo is None:
        raise ValueError("due has no time zone")


def retrievabilities(rows: Iterable[ReviewCard], *, now: datetime, settings: Settings) -> list[float]:
    """The probability of recall (0-1) at ``now`` of each stored card, in order (FSRS-6 forgetting curve)."""
    sched = scheduler(settings)
    at = now.astimezone(UTC)
    return [float(sched.get_card_retrievability(_to_card(row), at)) for row in rows]


def _clamp(card: fsrs.Card) -> fsrs.Card:
    if card.stability is not None:
        s = card.stability
        card.stability = MAX_STABILITY_DAYS if (math.isnan(s) or s > MAX_STABILITY_DAYS) else max(s, fsrs.scheduler.STABILITY_MIN)
    return card


def _fuzz_uniform(skill_id: str, reviews: int) -> float:
    return random.Random(f"{skill_id}:{reviews}").random()


def _fuzzed(days: int, u: float, max_days: int) -> int:
    """Spread an interval by FSRS's fuzz ranges with a given uniform draw ``u`` (0 <= u < 1).

    An interval at (or over) ``max_days`` is ``max_days``: the cap is never fuzzed down.
    """
    if days >= max_days:
        return max_days
    if days < 2.5:
        return days
    delta = 1.0 + sum(f * max(min(float(days), hi) - lo, 0.0) for lo, hi, f in _FUZZ_RANGES)
    lo_i = max(2, round(days - delta))
    hi_i = min(round(days + delta), max_days)
    lo_i = min(lo_i, hi_i)
    return min(lo_i + int(u * (hi_i - lo_i + 1)), max_days)


def _outcomes(card: fsrs.Card, skill_id: str, reviews: int, now: datetime, settings: Settings,
              ratings=(1, 2, 3, 4), fuzz: bool = True) -> dict[int, Outcome]:
    sched = scheduler(settings)
    tz = zone(settings.timezone)
    today = study_day(now, tz, settings.rollover_hour)
    u = _fuzz_uniform(skill_id, reviews)
    max_days = sched.maximum_interval
    # The interval the card was last given (study days), and whether this review is on time (due or overdue).
    previous = None
    if card.state == fsrs.State.Review and card.last_review is not None:
        previous = (study_day(card.due, tz, settings.rollover_hour)
                    - study_day(card.last_review, tz, settings.rollover_hour)).days
    on_time = now >= card.due
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
            if (r >= Rating.GOOD and on_time and previous is not None and card.stability is not None
                    and new.stability is not None and new.stability > card.stability):
                days = max(days, previous)  # a memory that grew never gets a shorter interval
            if r == 2:  # Hard <= Good <= Easy, and Good, Easy a day later than the one before if the cap allows
                days = max(days, prev_days)
            elif r > 2:
                days = max(days, prev_days + 1 if prev_days >= 1 else prev_days)
            days = min(max(days, 1), max_days)
            try:
                due_day = today + timedelta(days=days)
            except OverflowError:
                due_day = date.max
            if due_day > LAST_DUE_DAY:  # an export must hold it: never after MAX_YEAR
                due_day = max(LAST_DUE_DAY, today)
                days = (due_day - today).days
            new.due = max(day_start(due_day, tz, settings.rollover_hour), now)
        else:  # a configured short-term learning step: minutes, not days
            days = 0
            new.due = min(new.due, max(LAST_INSTANT, now))
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


def first_exposure(key: str, *, now: datetime, settings: Settings, delay_days: int = 0) -> Outcome:
    """The card a newly learned check gets: its first exposure counts as a Good review at ``now``.

    ``key`` is :func:`card_key` of the card (it seeds the fuzz). With no
    learning steps the first review falls about two days later (FSRS-6's
    initial stability for Good, 2.31 days, at 90 % retention), plus
    ``delay_days`` (>= 0) study days, which spreads a skill's checks over a few days.
    """
    at = now.astimezone(UTC)
    fresh = fsrs.Card(card_id=_card_id(key), state=fsrs.State.Learning, step=0, due=at)
    out = _outcomes(fresh, key, 0, at, settings, ratings=(Rating.GOOD,))[Rating.GOOD]
    if delay_days <= 0 or out.interval_days < 1:
        return out
    tz = zone(settings.timezone)
    due_day = min(out.due_day + timedelta(days=delay_days), max(LAST_DUE_DAY, out.due_day))
    card = fsrs.Card.from_dict(out.card)
    card.due = max(day_start(due_day, tz, settings.rollover_hour), at)
    return Outcome(out.rating, due_day, out.interval_days + (due_day - out.due_day).days, card.to_dict())


def outcomes(row: ReviewCard, *, now: datetime, settings: Settings) -> dict[int, Outcome]:
    """What each rating (1-4) would do to a stored card at ``now`` (seeded by its card key and review count)."""
    return _outcomes(_to_card(row), card_key(row.skill_id, row.check_id or ""), row.reviews, now.astimezone(UTC),
                     settings)


def prior_exposure(key: str, *, now: datetime, settings: Settings, due_day: date) -> Outcome:
    """The card a check of prior knowledge gets: a memory reviewed successfully twice, first due on ``due_day``.

    The rule (prior knowledge is older and firmer than something just
    studied): the learner is taken to have met the check one first-exposure
    interval ago (a Good first exposure, about 2 days at 90 % retention) and
    to have recalled it now (a Good review on time). The card therefore
    starts with the stability of a second successful review (about 10 days
    with FSRS-6's default parameters, against 2.31 for fresh material), so
    every later interval is longer too. Its first review is put on
    ``due_day`` (a local study day, chosen by the caller to spread prior
    knowledge over weeks), never before tomorrow and never after
    :data:`LAST_DUE_DAY`.
    """
    at = now.astimezone(UTC)
    first = first_exposure(key, now=at, settings=settings)
    if first.interval_days < 1:  # configured learning steps: the fresh card's day-scale interval is unknown
        earlier = at - timedelta(days=2)
    else:
        earlier = at - timedelta(days=first.interval_days)
    seen = fsrs.Card.from_dict(first_exposure(key, now=earlier, settings=settings).card)
    seen.due = min(seen.due, at)
    out = _outcomes(seen, key, 1, at, settings, ratings=(Rating.GOOD,))[Rating.GOOD]
    tz = zone(settings.timezone)
    today = study_day(at, tz, settings.rollover_hour)
    day = min(max(due_day, today + timedelta(days=1)), max(LAST_DUE_DAY, today + timedelta(days=1)))
    card = fsrs.Card.from_dict(out.card)
    card.due = max(day_start(day, tz, settings.rollover_hour), at)
    return Outcome(out.rating, day, (day - today).days, card.to_dict())


# -- graph credit (roadmap.review.credit): a fraction of a Good review --------------------------------

def in_review(card: dict) -> bool:
    """Whether a ``Card.to_dict()`` is a day-scale review card (fsrs ``State.Review`` with a stability,
    difficulty and last review): the only cards graph credit touches."""
    c = fsrs.Card.from_dict(card)
    return (c.state == fsrs.State.Review and c.stability is not None and c.difficulty is not None
            and c.last_review is not None)


def credited_stability(card: dict, weight: float, *, now: datetime, settings: Settings) -> float:
    """The stability (days) of a review card after a fraction ``weight`` (0-1) of a Good review at ``now``.

    ``S' = S + weight * (S_good - S)``, where ``S_good`` is FSRS-6's
    stability after a successful (Good) review at the card's current
    retrievability ``R``:
    ``S_good = S * (1 + e^w8 * (11 - D) * S^-w9 * (e^(w10 * (1 - R)) - 1))``
    (the FSRS-6 recall-stability formula, py-fsrs 6.3
    ``fsrs.scheduler.Scheduler._next_recall_stability``; ``R`` from
    ``Scheduler.get_card_retrievability``, which counts whole elapsed days).
    At ``R = 1`` (credit on the day of the last review) the growth is 0, so
    credit arriving early is worth little. Difficulty is unchanged. The
    result is clamped to :data:`MAX_STABILITY_DAYS`; it is never below ``S``.

    Raises ValueError if the card is not :func:`in_review`.
    """
    c = fsrs.Card.from_dict(card)
    if not in_review(card):
        raise ValueError("graph credit applies only to review cards (state Review, with stability and difficulty)")
    sched = scheduler(settings)
    at = now.astimezone(UTC)
    r = sched.get_card_retrievability(c, at)
    good = sched._next_recall_stability(difficulty=c.difficulty, stability=c.stability, retrievability=r,
                                        rating=fsrs.Rating.Good)
    good = sched._clamp_stability(stability=good)
    w = min(max(float(weight), 0.0), 1.0)
    s_new = c.stability + w * max(0.0, good - c.stability)
    if math.isnan(s_new):
        return c.stability
    return min(max(s_new, c.stability), MAX_STABILITY_DAYS)


def stability_interval_days(stability: float, settings: Settings) -> int:
    """Days from a review until the retrievability of a memory of ``stability`` days falls to the desired retention.

    FSRS-6's interval ``I = S / F * (r^(1/decay) - 1)`` with
    ``F = 0.9^(1/decay) - 1``, rounded to whole days, at least 1, at most the
    maximum interval (py-fsrs 6.3 ``Scheduler._next_interval``; no fuzz).
    """
    sched = scheduler(settings)
    return int(sched._next_interval(stability=min(max(stability, fsrs.scheduler.STABILITY_MIN), MAX_STABILITY_DAYS)))


def card_with(card: dict, *, stability: float | None = None, due: datetime | None = None) -> dict:
    """A copy of ``card`` (a ``Card.to_dict()``) with a new stability (days) and/or due instant (aware; stored in UTC)."""
    c = fsrs.Card.from_dict(card)
    if stability is not None:
        c.stability = stability
    if due is not None:
        c.due = min(due.astimezone(UTC), LAST_INSTANT)
    return c.to_dict()


# -- ground truth for the learner simulator (roadmap.simulate) ------------------------------------
# The simulator's "true" memory uses FSRS-6 itself, through the library, with the learner's own
# parameters. The scheduler never sees it: nothing above reads these helpers.

DEFAULT_PARAMETERS: tuple[float, ...] = tuple(fsrs.scheduler.DEFAULT_PARAMETERS)


def perturbed_parameters(rng: random.Random, spread: float) -> tuple[float, ...]:
    """FSRS-6's default parameters, each scaled by ``exp(N(0, spread))`` and kept within the library's bounds.

    ``spread`` 0 gives the defaults exactly (the scheduler's own model). Used
    for a simulated learner's true memory (:mod:`roadmap.simulate`).
    """
    lo, hi = fsrs.scheduler.LOWER_BOUNDS_PARAMETERS, fsrs.scheduler.UPPER_BOUNDS_PARAMETERS
    out = []
    for w, a, b in zip(DEFAULT_PARAMETERS, lo, hi):
        v = w * math.exp(rng.gauss(0.0, spread)) if spread > 0 else w
        out.append(min(max(v, a), b))
    return tuple(out)


MAX_RESCALED_DAYS = 36_500.0  # TrueMemory.partial never dates a memory's last refresh more than a century back


@dataclass
class TrueCard:
    """A simulated learner's true memory of one check: FSRS-6 stability (days), difficulty (1-10) and the
    instant its memory was last refreshed (fractional days since the simulation's start)."""

    stability: float
    difficulty: float
    last_day: float


class TrueMemory:
    """A learner's true FSRS-6 memory model (the library's formulas with the learner's ``parameters``).

    ``review`` applies one rating with :meth:`fsrs.Scheduler.review_card`;
    ``retrievability`` is FSRS-6's forgetting curve ``(1 + F t / S) ** -w20``
    with ``F = 0.9 ** (-1 / w20) - 1`` (the library's ``get_card_retrievability``,
    without its rounding of ``t`` down to whole days); ``partial`` gives a
    fraction of a Good review (transfer from a related skill).
    Raises ValueError (from the library) for parameters outside its bounds.
    """

    def __init__(self, parameters=DEFAULT_PARAMETERS, origin: datetime = datetime(2000, 1, 1, tzinfo=UTC)):
        self._sched = fsrs.Scheduler(parameters=tuple(parameters), desired_retention=0.9, learning_steps=(),
                                     relearning_steps=(), maximum_interval=MAX_INTERVAL_DAYS, enable_fuzzing=False)
        self.decay = -self._sched.parameters[20]
        self.factor = 0.9 ** (1 / self.decay) - 1
        self.origin = origin

    def retrievability(self, card: TrueCard, day: float) -> float:
        """Probability of recall (0-1) of ``card`` at ``day`` (days since the origin)."""
        t = max(0.0, day - card.last_day)
        return (1 + self.factor * t / card.stability) ** self.decay

    def _at(self, day: float) -> datetime:
        return self.origin + timedelta(days=day)

    def review(self, card: TrueCard | None, rating: int, day: float) -> TrueCard:
        """The card after a review rated ``rating`` (1-4) at ``day``; None is a first exposure."""
        at = self._at(day)
        if card is None:
            c = fsrs.Card(card_id=1, state=fsrs.State.Learning, step=0, due=at)
        else:
            c = fsrs.Card(card_id=1, state=fsrs.State.Review, stability=card.stability, difficulty=card.difficulty,
                          due=at, last_review=self._at(card.last_day))
        new, _ = self._sched.review_card(c, fsrs.Rating(rating), review_datetime=at)
        return TrueCard(min(float(new.stability), MAX_STABILITY_DAYS), float(new.difficulty), day)

    def partial(self, card: TrueCard, weight: float, day: float) -> TrueCard:
        """``card`` after a fraction ``weight`` (0-1) of a Good review at ``day``: stability grows by that
        fraction of FSRS's growth for Good at the current retrievability, difficulty is unchanged, and the
        retrievability now is kept (the memory's clock is rescaled to the new stability)."""
        if weight <= 0:
            return card
        good = self.review(card, int(Rating.GOOD), day)
        s_new = card.stability + weight * max(0.0, good.stability - card.stability)
        elapsed = max(0.0, day - card.last_day)
        # Keep the memory's clock within a century: beyond it retrievability is ~0 anyway, and a tiny
        # stability grown by repeated transfer would otherwise push last_day past datetime's range.
        return TrueCard(s_new, card.difficulty, day - min(elapsed * s_new / card.stability, MAX_RESCALED_DAYS))
