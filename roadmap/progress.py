"""Progress: reading and changing the status of skills.

A status change is one call, in the caller's transaction: it updates
``skill_progress``, appends to ``status_event``, and, when a skill becomes
learned, gives it a review card (``roadmap.review``); when a learned skill is
reset or skipped, its card leaves the review queue (its review log stays).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from roadmap.curriculum import Curriculum
from roadmap.errors import RoadmapError
from roadmap.models import SkillProgress, Status, StatusEvent
from roadmap.planning import missing_prerequisites
from roadmap.settings import Settings


class ProgressError(RoadmapError):
    """An unknown skill id, or a status change that is not allowed (prerequisites missing)."""


class PrerequisitesMissing(ProgressError):
    """Learning or starting a skill whose prerequisites are not all learned or skipped."""


@dataclass(frozen=True)
class Change:
    """The result of a status change for one skill."""

    skill_id: str
    before: Status
    after: Status


def load_statuses(session: Session, curriculum: Curriculum | None = None) -> dict[str, Status]:
    """Every stored status by skill id.

    With a curriculum, rows stored under a former id of a renamed skill are
    reported under the current id (unless the current id has its own row).
    Rows of skills not in the curriculum are kept (they are orphaned).
    """
    out: dict[str, Status] = {}
    renamed: dict[str, Status] = {}
    for skill_id, value in session.exec(select(SkillProgress.skill_id, SkillProgress.status)).all():
        status = Status(value)
        if curriculum is not None and skill_id not in curriculum.skills:
            new = curriculum.canonical_id(skill_id)
            if new is not None:
                renamed[new] = status
                continue
        out[skill_id] = status
    for k, v in renamed.items():
        out.setdefault(k, v)
    return out


def orphaned(curriculum: Curriculum, statuses: dict[str, Status]) -> list[str]:
    """Ids with stored progress that the curriculum no longer has (sorted)."""
    return sorted(s for s in statuses if curriculum.canonical_id(s) is None)


def resolve_ids(curriculum: Curriculum, skill_ids: list[str]) -> list[str]:
    """Map ids (or former ids) to current skill ids.

    Raises ProgressError naming every unknown id with the closest known ids.
    """
    out, problems = [], []
    for raw in skill_ids:
        sid = curriculum.canonical_id(raw.strip())
        if sid is None:
            near = curriculum.suggest(raw.strip())
            hint = f"; did you mean {', '.join(near)}?" if near else "; `roadmap plan --all` lists the skill ids"
            problems.append(f"unknown skill id '{raw}'{hint}")
        else:
            out.append(sid)
    if problems:
        raise ProgressError("\n".join(problems))
    return list(dict.fromkeys(out))


def set_status(session: Session, curriculum: Curriculum, skill_ids: list[str], status: Status, *,
               now: datetime, settings: Settings, force: bool = False) -> list[Change]:
    """Change the status of skills, all or nothing.

    Parameters
    ----------
    session : Session
        The caller's transaction; nothing is committed here.
    curriculum : Curriculum
    skill_ids : list of str
        Skill ids or former ids.
    status : Status
        The new status (``not_started`` resets).
    now : datetime
        The instant of the change (UTC, aware).
    settings : Settings
        For the review card of a newly learned skill.
    force : bool
        Learn or start even when prerequisites are missing.

    Returns
    -------
    list of Change
        One per skill, in the given order; unchanged skills have before == after.

    Raises
    ------
    ProgressError
        An unknown id (with suggestions), or learning/starting a skill whose
        prerequisites are not all learned or skipped (they are named; ``force``
        overrides). Skills being learned in the same call count as learned.
    ClockWentBackError
        ``now`` is before the newest row of a changed skill's history (see
        :mod:`roadmap.timeline`); nothing is changed.
    """
    from roadmap import review
    from roadmap.timeline import check_order

    ids = resolve_ids(curriculum, skill_ids)
    statuses = load_statuses(session, curriculum)
    if status in (Status.LEARNED, Status.IN_PROGRESS) and not force:
        after = dict(statuses)
        if status == Status.LEARNED:
            after.update({s: Status.LEARNED for s in ids})
        problems = []
        for sid in ids:
            missing = missing_prerequisites(curriculum, after, sid)
            if missing:
                verb = "learn" if status == Status.LEARNED else "start"
                shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
                problems.append(f"cannot {verb} {sid}: {len(missing)} prerequisite{'s' if len(missing) != 1 else ''}"
                                f" not learned or skipped yet: {shown}")
        if problems:
            raise PrerequisitesMissing("\n".join(problems) + "\nLearn or skip them first.")
    changes = []
    for sid in ids:
        row = _row(session, curriculum, sid)
        before = Status(row.status) if row is not None else Status.NOT_STARTED
        changes.append(Change(sid, before, status))
    verb = _VERBS[status]
    check_order(session, [c.skill_id for c in changes if c.before != c.after], now=now, action=verb)
    for change in changes:
        sid, before = change.skill_id, change.before
        if before == status:
            continue
        row = _row(session, curriculum, sid)
        if row is None:
            row = SkillProgress(skill_id=sid, status=status.value, updated_at=now)
        elif row.skill_id != sid:  # stored under a former id: move it to the current one
            session.delete(row)
            session.flush()
            row = SkillProgress(skill_id=sid, status=row.status, started_at=row.started_at,
                                learned_at=row.learned_at, skipped_at=row.skipped_at, updated_at=now)
        row.status = status.value
        row.updated_at = now
        if status == Status.IN_PROGRESS:
            row.started_at = now
        elif status == Status.LEARNED:
            row.learned_at = now
            row.started_at = row.started_at or now
        elif status == Status.SKIPPED:
            row.skipped_at = now
        session.add(row)
        session.add(StatusEvent(skill_id=sid, status=status.value, at=now))
        if status == Status.LEARNED:
            review.introduce(session, sid, now=now, settings=settings,
                             check_ids=review.check_ids_of(curriculum.skills[sid]))
        elif before == Status.LEARNED:
            review.retire(session, sid, now=now)
    return changes


_VERBS = {Status.LEARNED: "learning", Status.IN_PROGRESS: "starting", Status.SKIPPED: "skipping",
          Status.NOT_STARTED: "resetting"}


def _row(session: Session, curriculum: Curriculum, sid: str) -> SkillProgress | None:
    row = session.get(SkillProgress, sid)
    if row is not None:
        return row
    skill = curriculum.skills[sid]
    for old in skill.renamed_from:
        row = session.get(SkillProgress, old)
        if row is not None:
            return row
    return None


def apply_renames(session: Session, curriculum: Curriculum) -> list[tuple[str, str]]:
    """Move history stored under a former id (``renamed_from``) to the skill's current id.

    Every table that refers to skills is updated in the caller's transaction,
    unless the current id already has history of its own (then nothing moves,
    and the former id's rows stay, shown as orphaned). Returns the (old, new)
    pairs moved.
    """
    from sqlalchemy import exists, update

    from roadmap.models import ReviewCard, ReviewLog, StudySession

    from roadmap.models import SkillNote

    models = (SkillProgress, StatusEvent, ReviewCard, ReviewLog, StudySession, SkillNote)

    def has_rows(skill_id: str) -> bool:
        return any(session.exec(select(exists().where(m.skill_id == skill_id))).one() for m in models)

    moved = []
    for old, new in curriculum.aliases.items():
        if has_rows(old) and not has_rows(new):
            for m in models:
                session.exec(update(m).where(m.skill_id == old).values(skill_id=new))
            moved.append((old, new))
    return moved


# -- prior knowledge ------------------------------------------------------------

PRIOR_FIRST_DAY = 3  # prior knowledge is first due from this many study days on (fresh material: about 2)


def with_prerequisites(curriculum: Curriculum, statuses: dict[str, Status], skill_ids: list[str]) -> list[str]:
    """The skills and every prerequisite (direct or indirect) not learned or skipped, in study order.

    Skills already learned are left out; the order is a topological order of
    the prerequisite graph (ties by file order), so the most fundamental come
    first. ``skill_ids`` must be current ids (see :func:`resolve_ids`).
    """
    import networkx as nx

    from roadmap.status import DONE

    wanted = set()
    for sid in skill_ids:
        if statuses.get(sid) != Status.LEARNED:
            wanted.add(sid)
        wanted.update(a for a in nx.ancestors(curriculum.graph, sid) if statuses.get(a, Status.NOT_STARTED) not in DONE)
    order = {s: i for i, s in enumerate(curriculum.skills)}
    return list(nx.lexicographical_topological_sort(curriculum.graph.subgraph(wanted), key=order.__getitem__))


def with_dependents(curriculum: Curriculum, statuses: dict[str, Status], skill_ids: list[str]) -> list[str]:
    """The skills and every learned skill built on them (direct or indirect dependents), in study order."""
    import networkx as nx

    wanted = set(skill_ids)
    for sid in skill_ids:
        wanted.update(d for d in nx.descendants(curriculum.graph, sid) if statuses.get(d) == Status.LEARNED)
    order = {s: i for i, s in enumerate(curriculum.skills)}
    return list(nx.lexicographical_topological_sort(curriculum.graph.subgraph(wanted), key=order.__getitem__))


def prior_days(today, *, weeks: int, study_days=range(7), time_off=()) -> list:
    """The study days over which prior knowledge's first reviews are spread (see :func:`prior_schedule`).

    Parameters
    ----------
    today : datetime.date
        The learner's study day (after the day rollover).
    weeks : int
        Length of the spread window (``prior_spread_weeks``; at least 1).
    study_days : iterable of int
        Weekdays studied (0 = Monday, the keys of ``Settings.study_days``); all seven by default.
    time_off : iterable of (date, date)
        Inclusive ranges of time off: their days hold no first review and do not count, neither
        towards the first day nor towards the window (a holiday moves the spread after it).

    Returns
    -------
    list of datetime.date
        Every study day of the ``7 * weeks`` calendar days (days off not counted) that start on the
        :data:`PRIOR_FIRST_DAY`-th study day after ``today``, in order (never empty).
        With every weekday a study day and no time off, these are ``today + 3`` to
        ``today + 3 + 7 * weeks - 1``.
    """
    from datetime import timedelta

    from roadmap.review import in_time_off

    weekdays = set(study_days) or set(range(7))
    ranges = list(time_off)
    horizon = today + timedelta(days=3660)  # time off beyond ten years is not waited for

    def off(d) -> bool:
        return d <= horizon and in_time_off(d, ranges)

    day, counted = today, 0
    while counted < PRIOR_FIRST_DAY:
        day += timedelta(days=1)
        counted += day.weekday() in weekdays and not off(day)
    out, left = [], 7 * max(1, weeks)
    while left or not out:
        if not off(day):
            left -= 1
            if day.weekday() in weekdays:
                out.append(day)
        day += timedelta(days=1)
    return out


def prior_schedule(cards: list[tuple[str, str]], today, *, weeks: int,
                   study_days=range(7), time_off=()) -> dict[tuple[str, str], object]:
    """First review days of prior-knowledge cards: spread evenly over ``weeks`` weeks of study days, in order.

    Parameters
    ----------
    cards : list of (skill id, check id)
        Every card to schedule, most fundamental first (study order, then check order).
    today : datetime.date
        The learner's study day.
    weeks : int
        Length of the spread window (``prior_spread_weeks``).
    study_days : iterable of int
        Weekdays studied (0 = Monday); first reviews fall on these days only.
    time_off : iterable of (date, date)
        Inclusive ranges of time off; no first review falls in them (see :func:`prior_days`).

    Returns
    -------
    dict
        (skill id, check id) -> date. With ``days`` = :func:`prior_days` (``n``
        study days, starting on the third study day after today), card ``j`` of
        ``m`` falls on ``days[floor(j * n / m)]``: days are non-decreasing in the
        given order and no day gets more than ``ceil(m / n)`` cards (the fair
        share of a study day).
    """
    days = prior_days(today, weeks=weeks, study_days=study_days, time_off=time_off)
    n, m = len(days), len(cards)
    return {c: days[j * n // m] for j, c in enumerate(cards)}


def learn_prior(session: Session, curriculum: Curriculum, skill_ids: list[str], *, now: datetime,
                settings: Settings) -> list[Change]:
    """Mark skills and every prerequisite not yet learned or skipped as learned, as prior knowledge.

    In the caller's transaction, all or nothing. Each skill marked gets a
    ``learned`` status event and its checks enter review with a ``prior``
    log row (:func:`roadmap.review.introduce_prior`), first due spread over
    ``settings.prior_spread_weeks`` weeks of study days outside time off (:func:`prior_schedule`),
    most fundamental first.

    Returns
    -------
    list of Change
        The skills asked for that were already learned (unchanged, first),
        then every skill marked, in study order.

    Raises
    ------
    ProgressError
        An unknown id (with suggestions).
    ClockWentBackError
        ``now`` is before the newest row of a changed skill's history.
    """
    from roadmap import review
    from roadmap.timeline import check_order

    ids = resolve_ids(curriculum, skill_ids)
    statuses = load_statuses(session, curriculum)
    todo = with_prerequisites(curriculum, statuses, ids)
    check_order(session, todo, now=now, action="learning")
    unchanged = [Change(s, Status.LEARNED, Status.LEARNED) for s in ids if s not in todo]
    check_ids = {s: list(dict.fromkeys(review.check_ids_of(curriculum.skills[s]))) or [""] for s in todo}
    from roadmap.timeoff import list_time_off

    days = prior_schedule([(s, c) for s in todo for c in check_ids[s]], settings.calendar.study_day(now),
                          weeks=settings.prior_spread_weeks, study_days=settings.study_days,
                          time_off=[(t.first_day, t.last_day) for t in list_time_off(session)])
    changes = []
    for sid in todo:
        row = _row(session, curriculum, sid)
        before = Status(row.status) if row is not None else Status.NOT_STARTED
        if row is None:
            row = SkillProgress(skill_id=sid, status=Status.LEARNED.value, updated_at=now)
        elif row.skill_id != sid:
            session.delete(row)
            session.flush()
            row = SkillProgress(skill_id=sid, status=row.status, started_at=row.started_at,
                                learned_at=row.learned_at, skipped_at=row.skipped_at, updated_at=now)
        row.status = Status.LEARNED.value
        row.updated_at = now
        row.learned_at = now
        row.started_at = row.started_at or now
        session.add(row)
        session.add(StatusEvent(skill_id=sid, status=Status.LEARNED.value, at=now))
        review.introduce_prior(session, sid, now=now, settings=settings, check_ids=check_ids[sid],
                               due_days=[days[(sid, c)] for c in check_ids[sid]])
        changes.append(Change(sid, before, Status.LEARNED))
    return unchanged + changes
