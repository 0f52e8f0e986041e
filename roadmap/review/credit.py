"""Graph credit: a successful review of a skill also counts, partly, for the skills it encompasses.

When a learner recalls an advanced skill, they also exercise the skills it
builds on (Math Academy's "fractional implicit repetition"). With the setting
``graph_credit`` on, each explicit review gives the cards (checks) of the
encompassed skills a *partial review*, so fewer explicit reviews are needed.

The rule
--------
* **Weights** (:func:`encompassed_weights`). A skill's ``encompasses`` table
  gives explicit weights (0-1) toward any of its prerequisites, direct or
  indirect, and replaces the default for that skill's edges (a prerequisite
  left out of the table, or an empty table, gets nothing from that skill).
  The prerequisite edges of a skill without a table weigh
  :data:`DEFAULT_EDGE_WEIGHT`;
  weights multiply along paths (the best path counts, not their sum), an
  explicit weight overrides the path product for its pair, and weights below
  :data:`WEIGHT_FLOOR` are dropped.
* **Partial review** (:func:`roadmap.review.scheduling.credited_stability`).
  An explicit review rated Good or Easy gives each review card of an
  encompassed skill a fraction ``w`` (its weight) of a Good review; Hard gives
  half of that, Again nothing. The card's stability grows by ``w`` times
  FSRS-6's own growth for a Good review at its current retrievability (so
  credit arriving soon after the card's last review is worth little); its
  difficulty and last review are unchanged, and its due day becomes the last
  review's day plus the FSRS interval of the new stability at the desired
  retention, within the guards below.
* **Logged study** of a learned skill (``roadmap log``, at least
  :data:`STUDY_CREDIT_MIN_HOURS`) counts as one Good review of it for its
  encompassed skills (the full weight ``w``), with no causing review
  (``caused_by`` is None: it is not undone by ``undo``).
* **Failure flows the other way** (:func:`apply_failure`): an Again on a skill
  makes each review card of the skills that encompass it with weight
  >= :data:`FAILURE_WEIGHT` due within :data:`FAILURE_DUE_DAYS` study days
  (never later than it already was; stability unchanged).
* **Guards** (:func:`credit_due_day`): credit never shortens an interval;
  never puts the due day more than twice the last explicit interval (from
  the card's last explicit review to the due day that review gave) after
  that review; never more than ``max_credit_days`` after it (so every card is
  reviewed explicitly at least that often); never beyond the maximum
  interval. A card gets credit at most once per study day (several checks of
  one skill rated in a session do not compound), and credit comes only from
  explicit reviews and logged study, never from other credit.

Every credit is a ``review_log`` row of kind ``credit`` (card before and
after, the causing rating, ``caused_by`` the explicit review), written in the
caller's transaction at ``now``; undoing the review undoes its credit
(:func:`roadmap.review.cards.undo_last`), and replaying the log rebuilds the
credited cards.

The weights and the guard arithmetic are pure functions; :func:`apply_credit`,
:func:`apply_failure` and :func:`apply_study_credit` write in a session.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING

from roadmap.review.rating import LogKind, Rating

if TYPE_CHECKING:
    from sqlmodel import Session

    from roadmap.curriculum import Curriculum
    from roadmap.settings import Settings

DEFAULT_EDGE_WEIGHT = 0.3  # a prerequisite edge without an explicit weight: 30 % of a Good review
WEIGHT_FLOOR = 0.05  # weights below this give no credit (a path of two default edges, 0.09, still counts)
FAILURE_WEIGHT = 0.35  # an Again pulls due the skills that encompass it at least this much (the bundled weights top out at 0.35)
FAILURE_DUE_DAYS = 3  # ... within this many study days
STUDY_CREDIT_MIN_HOURS = 0.25  # logged study shorter than this gives no credit
# The share of a Good review's credit each explicit rating gives (Again none, Hard half).
RATING_SHARE: Mapping[int, float] = MappingProxyType({int(Rating.AGAIN): 0.0, int(Rating.HARD): 0.5,
                                                      int(Rating.GOOD): 1.0, int(Rating.EASY): 1.0})


# -- weights (pure) -------------------------------------------------------------------------------

_CACHE: dict[int, tuple[weakref.ref, dict[str, Mapping[str, float]]]] = {}


def _compute(curriculum: Curriculum, skill_id: str, order: Mapping[str, int]) -> Mapping[str, float]:
    skills = curriculum.skills
    ancestors = curriculum.with_prerequisites([skill_id])
    explicit = skills[skill_id].encompasses or {}
    best: dict[str, float] = {skill_id: 1.0}
    for node in sorted(ancestors, key=lambda n: -order[n]):  # a skill before its prerequisites
        here = best.get(node)
        if node != skill_id and node in explicit:
            here = best[node] = float(explicit[node])  # an explicit weight overrides the paths for its pair
        if here is None or here < WEIGHT_FLOOR:
            continue
        table = skills[node].encompasses
        if table is None:  # no table: every prerequisite edge weighs the default
            edges = {p: DEFAULT_EDGE_WEIGHT for p in curriculum.graph.predecessors(node)}
        else:  # a table (even an empty one) replaces the default for this skill's edges
            edges = {p: float(w) for p, w in table.items() if p in ancestors}
        for p, w in edges.items():
            if here * w > best.get(p, 0.0):
                best[p] = here * w
    return MappingProxyType({p: w for p, w in sorted(best.items()) if p != skill_id and w >= WEIGHT_FLOOR})


def credit_weights(curriculum: Curriculum) -> Mapping[str, Mapping[str, float]]:
    """Every skill's :func:`encompassed_weights`: skill id -> {encompassed skill id: weight}.

    Computed once per curriculum object (cached while it lives).
    """
    key = id(curriculum)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is curriculum:
        return hit[1]
    import networkx as nx

    order = {n: i for i, n in enumerate(nx.topological_sort(curriculum.graph))}
    table = {sid: _compute(curriculum, sid, order) for sid in curriculum.skills}
    _CACHE[key] = (weakref.ref(curriculum, lambda _r, k=key: _CACHE.pop(k, None)), table)
    return table


def encompassed_weights(curriculum: Curriculum, skill_id: str) -> Mapping[str, float]:
    """How much a review of ``skill_id`` exercises each skill it encompasses: {skill id: weight in (0, 1]}.

    Parameters
    ----------
    curriculum : Curriculum
    skill_id : str
        A skill of the curriculum.

    Returns
    -------
    Mapping[str, float]
        Every prerequisite (direct or indirect) whose weight is at least
        :data:`WEIGHT_FLOOR`. A skill with an ``encompasses`` table has exactly
        the edges of its table (an explicit weight toward an indirect
        prerequisite is an edge too; a prerequisite left out gets nothing); the
        prerequisite edges of a skill without a table weigh
        :data:`DEFAULT_EDGE_WEIGHT`.
        Along a path weights multiply; the best path counts; an explicit
        weight of ``skill_id`` for a pair overrides every path.

    Raises
    ------
    KeyError
        ``skill_id`` is not a skill of the curriculum.
    """
    if skill_id not in curriculum.skills:
        raise KeyError(skill_id)
    return credit_weights(curriculum)[skill_id]


def encompassing(curriculum: Curriculum, skill_id: str, *, threshold: float = FAILURE_WEIGHT) -> dict[str, float]:
    """The skills whose reviews exercise ``skill_id`` with weight >= ``threshold``: {skill id: weight}, by id."""
    return {sid: w[skill_id] for sid, w in sorted(credit_weights(curriculum).items())
            if w.get(skill_id, 0.0) >= threshold}


# -- the guards (pure) ----------------------------------------------------------------------------

def credit_due_day(*, due_day: date, candidate_day: date, last_review_day: date, explicit_due_day: date,
                   max_credit_days: int) -> date:
    """The due day a card gets from credit: ``candidate_day`` within the guards.

    Parameters
    ----------
    due_day : date
        The card's due study day now.
    candidate_day : date
        The due day the credited stability asks for (last review's day plus its FSRS interval).
    last_review_day : date
        The study day of the card's last explicit review.
    explicit_due_day : date
        The due day that explicit review gave (before any credit).
    max_credit_days : int
        Days after the last explicit review beyond which credit never moves a due day.

    Returns
    -------
    date
        ``max(due_day, min(candidate_day, cap))`` with
        ``cap = last_review_day + min(2 * (explicit_due_day - last_review_day), max_credit_days)``:
        never earlier than now (credit never shortens an interval), never later than the cap
        unless the card was already due later.
    """
    explicit_days = max(0, (explicit_due_day - last_review_day).days)
    cap = last_review_day + timedelta(days=min(2 * explicit_days, max(0, int(max_credit_days))))
    return max(due_day, min(candidate_day, cap))


# -- writes -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Credit:
    """One credit written: the card (skill, check), the weight given (0-1; 0 for a failure pull), the
    rating that caused it, its due day before and after, and its review-log row id."""

    skill_id: str
    check_id: str
    weight: float
    rating: int
    due_before: date
    due_after: date
    log_id: int | None


def _log_check(check_id: str) -> str | None:
    return check_id or None


def _history(session: Session, skill_ids: list[str], since: datetime):
    """(anchor, last credit) per card of ``skill_ids``: the latest explicit row (learn, prior or review, not
    undone) and the instant of the latest credit (not undone, not a failure pull) after it."""
    from sqlmodel import select

    from roadmap.models import ReviewLog
    from roadmap.review.history import undone_ids

    rows = session.execute(select(ReviewLog.skill_id, ReviewLog.check_id, ReviewLog.kind, ReviewLog.rating,
                                  ReviewLog.reviewed_at, ReviewLog.card_after).where(
        ReviewLog.skill_id.in_(skill_ids), ReviewLog.reviewed_at >= since,
        ReviewLog.kind.in_((LogKind.LEARN.value, LogKind.PRIOR.value, LogKind.REVIEW.value, LogKind.CREDIT.value)),
        ReviewLog.id.not_in(undone_ids())).order_by(ReviewLog.reviewed_at, ReviewLog.id)).all()
    anchors: dict[tuple[str, str], str] = {}
    credited: dict[tuple[str, str], datetime] = {}
    for skill_id, check_id, kind, rating, reviewed_at, card_after in rows:  # columns only: no ORM objects
        key = (skill_id, check_id or "")
        if kind == LogKind.CREDIT:
            if rating != Rating.AGAIN:
                credited[key] = reviewed_at
        else:
            anchors[key] = card_after
            credited.pop(key, None)
    return {k: json.loads(v) for k, v in anchors.items()}, credited  # only each card's latest anchor is decoded


def _writable(session: Session, skill_ids, now: datetime) -> set[str]:
    """Those of ``skill_ids`` that may get a credit row dated ``now``: a skill with history after ``now``
    (clock set back) gets no credit. One query for them all."""
    from roadmap.timeline import newest_entries

    at = now.astimezone(UTC)
    newest = newest_entries(session, skill_ids)
    return {s for s in skill_ids if s not in newest or at >= newest[s][0]}


def _cards(session: Session, skill_ids) -> list:
    from sqlmodel import select

    from roadmap.models import ReviewCard

    ids = sorted(skill_ids)
    if not ids:
        return []
    return list(session.exec(select(ReviewCard).where(ReviewCard.skill_id.in_(ids))
                             .order_by(ReviewCard.skill_id, ReviewCard.check_id)).all())


def _write(session: Session, row, before: dict, after: dict, *, rating: int, weight: float, cause: int | None,
           now: datetime, before_day: date, after_day: date):
    """Update the card ``row`` to ``after`` and add its credit row; flushed by :func:`_written` (with the
    others of the same review, in one flush)."""
    from roadmap.models import ReviewLog
    from roadmap.review.scheduling import card_fields

    for k, v in card_fields(after).items():
        setattr(row, k, v)
    session.add(row)
    log = ReviewLog(skill_id=row.skill_id, check_id=_log_check(row.check_id), reviewed_at=now, rating=int(rating),
                    kind=LogKind.CREDIT.value, card_before=json.dumps(before), card_after=json.dumps(after),
                    caused_by=cause)
    session.add(log)
    return log, (row.skill_id, row.check_id, weight, int(rating), before_day, after_day)


def _written(session: Session, staged: list) -> list[Credit]:
    """Flush the rows :func:`_write` added (log ids in the order they were added) and describe them."""
    if not staged:
        return []
    session.flush()
    return [Credit(*fields, log.id) for log, fields in staged]


def _give(session: Session, weights: Mapping[str, float], share: float, rating: int, cause: int | None, *,
          now: datetime, settings: Settings) -> list[Credit]:
    """Give each review card of the skills in ``weights`` a partial review of ``share * weight``."""
    from roadmap.days import day_start, study_day, zone
    from roadmap.review.scheduling import (LAST_DUE_DAY, card_dict, card_with, credited_stability, in_review,
                                           stability_interval_days)

    if share <= 0 or not weights:
        return []
    tz = zone(settings.timezone)
    day = lambda at: study_day(at, tz, settings.rollover_hour)  # noqa: E731
    today = day(now)
    cards = [(r, card_dict(r)) for r in _cards(session, weights)]
    cards = [(r, d) for r, d in cards if in_review(d)]
    if not cards:
        return []
    since = min(r.last_review for r, _ in cards)
    anchors, credited = _history(session, sorted({r.skill_id for r, _ in cards}), since)
    writable = _writable(session, {r.skill_id for r, _ in cards}, now)
    out: list = []  # staged by _write
    for row, before in cards:
        key = (row.skill_id, row.check_id)
        last = credited.get(key)
        if last is not None and last >= row.last_review and day(last) == today:
            continue  # credit at most once a study day per card
        if row.skill_id not in writable:
            continue
        weight = share * weights[row.skill_id]
        stability = credited_stability(before, weight, now=now, settings=settings)
        last_day = day(row.last_review)
        due_day = day(row.due)
        anchor = anchors.get(key)
        explicit_due = due_day
        if anchor is not None and anchor.get("last_review") is not None:
            from roadmap.review.scheduling import card_fields

            fields = card_fields(anchor)
            if fields["last_review"] == row.last_review:
                explicit_due = day(fields["due"])
        candidate = last_day + timedelta(days=stability_interval_days(stability, settings))
        new_day = min(credit_due_day(due_day=due_day, candidate_day=candidate, last_review_day=last_day,
                                     explicit_due_day=explicit_due, max_credit_days=settings.max_credit_days),
                      max(LAST_DUE_DAY, due_day))
        if stability <= row.stability and new_day == due_day:
            continue  # nothing to give (e.g. credit on the day of the last review)
        due = day_start(new_day, tz, settings.rollover_hour) if new_day != due_day else None
        after = card_with(before, stability=stability, due=due)
        out.append(_write(session, row, before, after, rating=rating, weight=weight, cause=cause, now=now,
                          before_day=due_day, after_day=new_day))
    return _written(session, out)


def _fresh(session: Session, cause_id: int, now: datetime) -> bool:
    """Whether review ``cause_id`` was just written at ``now`` and has no credit yet (a repeated rating that
    :func:`roadmap.review.cards.record` recorded once gives credit once)."""
    from sqlmodel import select

    from roadmap.models import ReviewLog

    cause = session.get(ReviewLog, cause_id)
    if cause is None or cause.kind != LogKind.REVIEW or cause.reviewed_at != now:
        return False
    return session.exec(select(ReviewLog.id).where(ReviewLog.caused_by == cause_id).limit(1)).first() is None


def apply_credit(session: Session, curriculum: Curriculum, skill_id: str, rating: int, *, cause_id: int,
                 now: datetime, settings: Settings) -> list[Credit]:
    """Give the graph credit of one explicit review (and, for Again, pull dependents due), in ``session``.

    Parameters
    ----------
    session : Session
        The transaction that recorded the review (so a crash never keeps a review without its credit).
    curriculum : Curriculum
    skill_id : str
        The skill reviewed (unknown to the curriculum: no credit).
    rating : int
        Its rating, 1-4: Good and Easy give each encompassed skill's review
        cards the full weight, Hard half, Again none (and pulls the skills
        that encompass it due instead, :func:`apply_failure`).
    cause_id : int
        The review-log id of the explicit review (``caused_by`` of the rows written).
    now : datetime
        The review's instant (aware); every row written is dated by it.
    settings : Settings
        ``graph_credit`` off: nothing is done.

    Returns
    -------
    list of Credit
        The rows written, by skill and check.
    """
    if not settings.graph_credit or skill_id not in curriculum.skills:
        return []
    now = now.astimezone(UTC)
    if not _fresh(session, cause_id, now):
        return []
    if int(rating) == Rating.AGAIN:
        return apply_failure(session, curriculum, skill_id, cause_id=cause_id, now=now, settings=settings)
    return _give(session, encompassed_weights(curriculum, skill_id), RATING_SHARE[int(rating)], int(rating),
                 cause_id, now=now, settings=settings)


def apply_failure(session: Session, curriculum: Curriculum, skill_id: str, *, cause_id: int | None, now: datetime,
                  settings: Settings) -> list[Credit]:
    """After an Again on ``skill_id``: each review card of a skill that encompasses it with weight >=
    :data:`FAILURE_WEIGHT` becomes due within :data:`FAILURE_DUE_DAYS` study days of ``now`` (a card due
    sooner keeps its day; stability and difficulty are unchanged). One ``credit`` row rated Again each."""
    from roadmap.days import day_start, study_day, zone
    from roadmap.review.scheduling import card_dict, card_with, in_review

    tz = zone(settings.timezone)
    today = study_day(now, tz, settings.rollover_hour)
    limit = today + timedelta(days=FAILURE_DUE_DAYS)
    out: list = []  # staged by _write
    todo = []
    for row in _cards(session, encompassing(curriculum, skill_id)):
        before = card_dict(row)
        due_day = study_day(row.due, tz, settings.rollover_hour)
        if in_review(before) and due_day > limit:
            todo.append((row, before, due_day))
    writable = _writable(session, {row.skill_id for row, _, _ in todo}, now) if todo else set()
    for row, before, due_day in todo:
        if row.skill_id not in writable:
            continue
        after = card_with(before, due=max(day_start(limit, tz, settings.rollover_hour), now))
        out.append(_write(session, row, before, after, rating=int(Rating.AGAIN), weight=0.0, cause=cause_id,
                          now=now, before_day=due_day, after_day=limit))
    return _written(session, out)


def apply_study_credit(session: Session, curriculum: Curriculum, skill_id: str, hours: float, *, now: datetime,
                       settings: Settings, learned: bool) -> list[Credit]:
    """The graph credit of logged study of a learned skill: one Good review's credit for each skill it
    encompasses (``caused_by`` None), when ``graph_credit`` is on, the skill is ``learned`` and ``hours`` >=
    :data:`STUDY_CREDIT_MIN_HOURS`. Returns the rows written."""
    if (not settings.graph_credit or not learned or skill_id not in curriculum.skills
            or hours < STUDY_CREDIT_MIN_HOURS):
        return []
    return _give(session, encompassed_weights(curriculum, skill_id), 1.0, int(Rating.GOOD), None,
                 now=now.astimezone(UTC), settings=settings)


def credit_sources(session: Session, log_ids) -> dict[int, str | None]:
    """For credit rows ``log_ids``: the skill whose explicit review caused each (None: logged study)."""
    from sqlmodel import select

    from roadmap.models import ReviewLog

    ids = list(log_ids)
    if not ids:
        return {}
    rows = session.exec(select(ReviewLog.id, ReviewLog.caused_by).where(ReviewLog.id.in_(ids))).all()
    causes = {c for _, c in rows if c is not None}
    skill = dict(session.exec(select(ReviewLog.id, ReviewLog.skill_id).where(ReviewLog.id.in_(list(causes)))).all()) \
        if causes else {}
    return {i: (skill.get(c) if c is not None else None) for i, c in rows}
