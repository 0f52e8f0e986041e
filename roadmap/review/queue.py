"""The review queue: what is due today, each check's and each skill's memory now, the reviews of the coming days.

The unit of review is a check (one card per self-check of a learned skill).
A check with no card of its own reviews from its skill's whole-skill card
(check id ``""``: cards from before per-check cards), so it shows that state.

A skill's memory is an aggregate of its checks' cards (:func:`skill_memory`):
its retrievability is the **mean** of its checks' retrievabilities (the
expected share of its checks recalled now), its due day the earliest of its
checks', and its weakest check is named. "Fading" compares that mean with
the desired retention.

Today's queue is the checks due by the end of today's study day, most at
risk first, one skill's due checks together (skills ordered by their most
at-risk check), and at most what is left of the daily cap today (the cap
counts checks; reviews already made today use it up). On a day of time off
nothing is due: what falls due then waits, as in the forecast and the week.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Collection, Mapping, Sequence

from sqlmodel import Session, select

from roadmap.days import day_end, day_start, study_day, zone
from roadmap.models import ReviewCard
from roadmap.review.scheduling import retrievabilities
from roadmap.settings import Settings


@dataclass(frozen=True)
class DueItem:
    """One check in review, or (from :func:`card_states`) a skill's memory aggregated over its checks.

    ``retrievability`` is 0-1; ``overdue_days`` >= 0; ``stability`` in days.
    ``check_id`` is the check (``""``: the whole skill). For a skill
    aggregate, ``weakest`` is the check with the lowest retrievability and
    ``checks`` how many checks it averages.
    """

    skill_id: str
    due_day: date
    retrievability: float
    overdue_days: int
    stability: float | None
    difficulty: float | None
    check_id: str = ""
    weakest: str | None = None
    checks: int = 1


def check_map(skills) -> dict[str, tuple[str, ...]] | None:
    """Skill id -> its check ids, from a curriculum's ``skills`` mapping (or a mapping of id -> check ids).

    A skill without checks has the one card ``""``. A plain collection of
    skill ids gives None per skill (every stored card of it counts as stored).
    None stays None (every stored card counts). The answer for a curriculum's
    (immutable) skills mapping is kept until another one is asked for; do not change it.
    """
    global _last_check_map
    from roadmap.review.cards import check_ids_of

    if skills is None:
        return None
    last = _last_check_map
    if last is not None and last[0] is skills:  # the same immutable curriculum mapping as last time
        return last[1]
    if isinstance(skills, Mapping):
        out = {}
        for sid, v in skills.items():
            if isinstance(v, (tuple, list)):
                out[sid] = tuple(v) or ("",)
            elif v is None:
                out[sid] = None
            else:
                out[sid] = check_ids_of(v)
        if isinstance(skills, MappingProxyType):  # a curriculum's (read-only): kept for the next call
            _last_check_map = (skills, out)
        return out
    return {sid: None for sid in skills}


_last_check_map: tuple | None = None  # (a curriculum's read-only skills mapping, its check map)


def expand(rows: Sequence, checks: Mapping[str, tuple[str, ...] | None] | None) -> list[tuple[str, str, object]]:
    """(skill id, check id, card row) for every check in review, given the stored card rows.

    With ``checks`` (skill id -> check ids, or None for "as stored"), only
    skills in it count (cards of removed skills and checks are kept but not
    shown), and a check without a card of its own takes its skill's ``""`` card.
    """
    by_skill: dict[str, dict[str, object]] = {}
    for row in rows:
        by_skill.setdefault(row.skill_id, {})[row.check_id] = row
    out = []
    for sid, cards in by_skill.items():
        if checks is not None and sid not in checks:
            continue
        ids = checks.get(sid) if checks is not None else None
        if ids is None:
            out.extend((sid, c, r) for c, r in sorted(cards.items()))
            continue
        for c in ids:
            row = cards.get(c) or cards.get("")
            if row is not None:
                out.append((sid, c, row))
    return out


#: The card columns the queue reads: plain rows, not ORM objects (loading 6 000 cards as
#: objects was a third of Today's queue read on a large history).
_CARD_COLUMNS = (ReviewCard.skill_id, ReviewCard.check_id, ReviewCard.state, ReviewCard.step,
                 ReviewCard.stability, ReviewCard.difficulty, ReviewCard.due, ReviewCard.last_review)


FEW_SKILLS = 500
"""Up to this many skills asked for, their cards are selected by skill id instead of reading every card."""


def _rows(session: Session, due_before: datetime | None, only: Collection[str] | None = None) -> list:
    """The stored cards as rows of :data:`_CARD_COLUMNS`: every card, or every card of the skills with a
    card due before ``due_before``; with ``only`` (at most :data:`FEW_SKILLS` skill ids), of those skills."""
    if only is not None:
        rows = session.exec(select(*_CARD_COLUMNS).where(ReviewCard.skill_id.in_(sorted(only)))).all()
        if due_before is None:
            return list(rows)
        due = {r.skill_id for r in rows if r.due < due_before}
        return [r for r in rows if r.skill_id in due]
    if due_before is None:
        return list(session.exec(select(*_CARD_COLUMNS)).all())
    # The due cards' skills (indexed on due), then every card of those skills: a check due by its
    # whole-skill card counts only when it has no card of its own, which may not be due.
    due_skills = sorted(set(session.exec(select(ReviewCard.skill_id).where(ReviewCard.due < due_before)).all()))
    out = []
    for i in range(0, len(due_skills), FEW_SKILLS):
        out.extend(session.exec(select(*_CARD_COLUMNS)
                                .where(ReviewCard.skill_id.in_(due_skills[i:i + FEW_SKILLS]))).all())
    return out


def _states(session: Session, *, now: datetime, settings: Settings, skills=None,
            due_before: datetime | None = None) -> list[DueItem]:
    """The state now of every check in review (or only of those due before ``due_before``)."""
    tz = zone(settings.timezone)
    today = study_day(now, tz, settings.rollover_hour)
    checks = check_map(skills)
    few = checks if checks is not None and len(checks) <= FEW_SKILLS else None  # e.g. one skill's checks
    triples = expand(_rows(session, due_before, few), checks)
    if due_before is not None:
        triples = [t for t in triples if t[2].due < due_before]
    # Checks without a card of their own share their skill's card: each card is worked out once.
    rows = list({id(t[2]): t[2] for t in triples}.values())
    state = {id(row): (r, study_day(row.due, tz, settings.rollover_hour))
             for row, r in zip(rows, retrievabilities(rows, now=now, settings=settings))}
    out = []
    for sid, cid, row in triples:
        r, due_day = state[id(row)]
        out.append(DueItem(sid, due_day, r, max(0, (today - due_day).days), row.stability, row.difficulty, cid))
    return out


def queue_order(items, today: date) -> list[DueItem]:
    """The items due on or before ``today``, most at risk first, one skill's checks together.

    Skills are ordered by their most at-risk due check (lowest
    retrievability, then earliest due day, then id); a skill's checks by
    retrievability, then due day, then check id.
    """
    due = [i for i in items if i.due_day <= today]
    first: dict[str, tuple] = {}
    for i in due:
        key = (i.retrievability, i.due_day, i.skill_id)
        if i.skill_id not in first or key < first[i.skill_id]:
            first[i.skill_id] = key
    return sorted(due, key=lambda i: (first[i.skill_id], i.retrievability, i.due_day, i.check_id))


@dataclass(frozen=True)
class TodayQueue:
    """Today's review queue of checks.

    Attributes
    ----------
    items : list of DueItem
        What is shown today: at most what is left of the daily cap, most at risk first.
    total : int
        Checks due by the end of today (before the cap; on a day off, what waits).
    cap : int
        The daily cap (checks a day).
    reviewed_today : int
        Checks already rated today (they use the cap up).
    day_off : bool
        Today is inside time off: nothing is shown, everything waits.
    everything : list of DueItem
        Every check due, in queue order (before the cap).
    """

    items: list
    total: int
    cap: int
    reviewed_today: int = 0
    day_off: bool = False
    everything: list = field(default_factory=list, repr=False)

    @property
    def moved(self) -> int:
        """Checks due today that the cap (or time off) moves to the next days."""
        return self.total - len(self.items)


def in_time_off(day: date, time_off: Sequence[tuple[date, date]] | None) -> bool:
    """Whether ``day`` lies inside one of the inclusive (first, last) date ranges."""
    return any(a <= day <= b for a, b in time_off or ())


def todays_queue(session: Session, *, now: datetime, settings: Settings, skills=None,
                 time_off: Sequence[tuple[date, date]] | None = None,
                 items: Collection[DueItem] | None = None) -> TodayQueue:
    """Today's queue of checks (see the module doc): the one rule behind `due`, Today and the review session.

    Parameters
    ----------
    skills : curriculum skills mapping, optional
        Only these skills' checks count (see :func:`check_map`).
    time_off : list of (date, date), optional
        Inclusive date ranges of time off.
    items : collection of DueItem, optional
        Every check's state now, when the caller has read them already.
    """
    from roadmap.review.history import reviewed_since

    tz = zone(settings.timezone)
    today = study_day(now, tz, settings.rollover_hour)
    if items is None:
        items = _states(session, now=now, settings=settings, skills=skills,
                        due_before=day_end(today, tz, settings.rollover_hour))
    everything = queue_order(items, today)
    done = reviewed_since(session, day_start(today, tz, settings.rollover_hour))
    off = in_time_off(today, time_off)
    left = 0 if off else max(0, settings.daily_review_cap - done)
    return TodayQueue(everything[:left], len(everything), settings.daily_review_cap, done, off, everything)


def due_queue(session: Session, *, now: datetime, settings: Settings, limit: int | None = None,
              skills=None, time_off: Sequence[tuple[date, date]] | None = None) -> list[DueItem]:
    """Today's review queue of checks: due by the end of today's study day, most at risk first.

    At most what is left today of ``settings.daily_review_cap`` (checks
    already rated today use it up), or ``limit`` items from every due check
    if given. Nothing on a day of ``time_off``. With ``skills``, checks of
    other skills (removed from the curriculum) are left out.
    """
    q = todays_queue(session, now=now, settings=settings, skills=skills, time_off=time_off)
    if q.day_off:
        return []
    return q.everything[:limit] if limit is not None else q.items


def check_states(session: Session, *, now: datetime, settings: Settings, skills=None) -> list[DueItem]:
    """Every check in review with its state now (retrievability, due day)."""
    return _states(session, now=now, settings=settings, skills=skills)


def skill_memory(items: Sequence[DueItem]) -> DueItem:
    """A skill's memory from its checks' states: mean retrievability, earliest due day, weakest check named.

    Stability and difficulty are the means of the checks' known values.
    """
    weakest = min(items, key=lambda i: (i.retrievability, i.due_day, i.check_id))
    stab = [i.stability for i in items if i.stability is not None]
    diff = [i.difficulty for i in items if i.difficulty is not None]
    return DueItem(skill_id=items[0].skill_id, due_day=min(i.due_day for i in items),
                   retrievability=sum(i.retrievability for i in items) / len(items),
                   overdue_days=max(i.overdue_days for i in items),
                   stability=sum(stab) / len(stab) if stab else None,
                   difficulty=sum(diff) / len(diff) if diff else None,
                   check_id="", weakest=weakest.check_id, checks=len(items))


def card_states(session: Session, *, now: datetime, settings: Settings, skills=None,
                items: Sequence[DueItem] | None = None) -> dict[str, DueItem]:
    """Each learned skill's memory now (:func:`skill_memory` of its checks), by skill id.

    ``items`` are the checks' states if already read (:func:`check_states`).
    """
    if items is None:
        items = _states(session, now=now, settings=settings, skills=skills)
    by_skill: dict[str, list[DueItem]] = {}
    for i in items:
        by_skill.setdefault(i.skill_id, []).append(i)
    return {sid: skill_memory(group) for sid, group in by_skill.items()}


def forecast(session: Session, *, now: datetime, settings: Settings, days: int = 30,
             time_off: list[tuple[date, date]] | None = None,
             skills=None) -> list[tuple[date, int]]:
    """Checks to review per study day for ``days`` days from today: (date, count).

    Checks are counted on their due day; overdue ones on today. The daily
    cap (less what was already reviewed today, for today) carries any excess
    over to the following days, as the queue does, so the forecast is what
    the learner will be shown. Days inside ``time_off`` (inclusive date
    ranges) get no reviews: what falls due then waits and comes after, within
    the cap. With ``skills``, only those skills' checks count.
    """
    from roadmap.review.history import reviewed_since

    tz = zone(settings.timezone)
    today = study_day(now, tz, settings.rollover_hour)
    horizon_end = day_end(today + timedelta(days=days - 1), tz, settings.rollover_hour)
    per_day: dict[date, int] = {}
    for _sid, _cid, row in expand(_rows(session, horizon_end), check_map(skills)):
        if row.due >= horizon_end:
            continue
        d = max(today, study_day(row.due, tz, settings.rollover_hour))
        per_day[d] = per_day.get(d, 0) + 1
    done = reviewed_since(session, day_start(today, tz, settings.rollover_hour)) if per_day else 0
    out, backlog = [], 0
    for i in range(days):
        d = today + timedelta(days=i)
        backlog += per_day.get(d, 0)
        if in_time_off(d, time_off):
            out.append((d, 0))
            continue
        cap = settings.daily_review_cap - (done if i == 0 else 0)
        shown = min(backlog, max(0, cap))
        backlog -= shown
        out.append((d, shown))
    return out
