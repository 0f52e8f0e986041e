"""Skill actions: change a skill's status, log study time, and what state each skill is in.

The single definitions of "ready" (every prerequisite learned or skipped),
"locked" (not ready) and "fading" (learned, retrievability below the
desired retention) live here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Iterable, Mapping

from roadmap.clock import at_write
from roadmap.curriculum import Curriculum
from roadmap.settings import Settings
from roadmap.status import DONE, SkillState, Status

if TYPE_CHECKING:
    from roadmap.workspace import Workspace


def status_of(statuses: Mapping[str, Status], skill_id: str) -> Status:
    """The status of a skill; ``NOT_STARTED`` when there is no record."""
    return statuses.get(skill_id, Status.NOT_STARTED)


def is_ready(curriculum: Curriculum, statuses: Mapping[str, Status], skill_id: str) -> bool:
    """Whether every direct prerequisite of ``skill_id`` is learned or skipped (it can be studied)."""
    return all(status_of(statuses, p) in DONE for p in curriculum.skills[skill_id].requires)


def fading(cards: Mapping, statuses: Mapping[str, Status], settings: Settings) -> list[str]:
    """Learned skills whose retrievability now is below the desired retention, weakest first.

    Parameters
    ----------
    cards : Mapping[str, review.DueItem]
        Each learned skill's card state now (``retrievability`` 0-1).
    statuses : Mapping[str, Status]
    settings : Settings
        ``desired_retention`` (0.70-0.99) is the threshold.
    """
    items = [c for c in cards.values() if c.retrievability < settings.desired_retention
             and status_of(statuses, c.skill_id) == Status.LEARNED]
    return [c.skill_id for c in sorted(items, key=lambda c: (c.retrievability, c.skill_id))]


def skill_states(curriculum: Curriculum, statuses: Mapping[str, Status],
                 fading_ids: Iterable[str] = ()) -> dict[str, SkillState]:
    """Each skill's :class:`SkillState`: its status, with not-started split into ready or locked
    and learned into learned or fading (ids in ``fading_ids``)."""
    weak = set(fading_ids)
    out = {}
    for sid in curriculum.skills:
        st = status_of(statuses, sid)
        if st == Status.LEARNED:
            out[sid] = SkillState.FADING if sid in weak else SkillState.LEARNED
        elif st == Status.SKIPPED:
            out[sid] = SkillState.SKIPPED
        elif st == Status.IN_PROGRESS:
            out[sid] = SkillState.IN_PROGRESS
        else:
            out[sid] = SkillState.READY if is_ready(curriculum, statuses, sid) else SkillState.LOCKED
    return out


def counts_by_status(curriculum: Curriculum, statuses: Mapping[str, Status]) -> dict[Status, int]:
    """How many of the curriculum's skills have each status (every status present, in enum order)."""
    counts = {st: 0 for st in Status}
    for sid in curriculum.skills:
        counts[status_of(statuses, sid)] += 1
    return counts


@dataclass(frozen=True)
class StatusChange:
    """What a status change did to one skill.

    ``first_review`` is the study day of its first review when it became
    learned (None otherwise); ``review_days`` the first review day of each of
    its checks (one per card, sorted; filled for prior knowledge, empty
    otherwise, see :func:`prior_spread_text`); ``left_review`` is True when a learned skill
    left spaced review (its history is kept). ``missing_prerequisites`` is
    the warning a start carries: the skill's prerequisites (direct and
    indirect) not learned or skipped yet, in study order (empty otherwise).
    """

    skill_id: str
    name: str
    before: Status
    after: Status
    first_review: date | None = None
    missing_prerequisites: tuple[str, ...] = ()
    prior: bool = False
    review_days: tuple[date, ...] = ()

    @property
    def changed(self) -> bool:
        """False when the skill already had the status."""
        return self.before != self.after

    @property
    def left_review(self) -> bool:
        """True when a learned skill stopped being learned (it leaves the review queue)."""
        return self.before == Status.LEARNED and self.after != Status.LEARNED


def set_status(ws: Workspace, skill_ids: list[str], status: Status, *, now: datetime,
               force: bool = False) -> list[StatusChange]:
    """Give skills a status (start, learn, skip or reset), all or nothing, in one transaction.

    A skill that becomes learned enters spaced review; its first review day
    is worked out here from its new card (study day in the learner's calendar).
    Starting a skill whose prerequisites are not done is allowed (people
    study in parallel): each such change names them in
    ``missing_prerequisites``, the warning both faces show.

    Raises
    ------
    roadmap.progress.ProgressError
        An unknown id; :class:`roadmap.progress.PrerequisitesMissing` when
        learning a skill whose prerequisites are not done and ``force`` is
        False. Nothing is written then.
    """
    from roadmap import settings_store
    from sqlmodel import select

    from roadmap.models import ReviewCard
    from roadmap.planning import missing_prerequisites
    from roadmap.progress import load_statuses, set_status as store_status

    cur = ws.curriculum
    status = Status(status)
    with ws.write() as s:
        s.connection()  # take the write lock now (BEGIN IMMEDIATE), then date the write (roadmap.clock.at_write)
        now = at_write(now)
        settings = settings_store.load(s)
        before = load_statuses(s, cur) if status == Status.IN_PROGRESS else {}
        changes = store_status(s, cur, list(skill_ids), status, now=now, settings=settings,
                               force=force or status == Status.IN_PROGRESS)
        cal = settings.calendar
        out = []
        for c in changes:
            first = None
            if c.after == Status.LEARNED and c.before != c.after:
                dues = s.exec(select(ReviewCard.due).where(ReviewCard.skill_id == c.skill_id)).all()
                first = cal.study_day(min(dues)) if dues else None  # the first of its checks' reviews
            missing = ()
            if status == Status.IN_PROGRESS and c.before != c.after:
                missing = tuple(missing_prerequisites(cur, before, c.skill_id))
            out.append(StatusChange(c.skill_id, cur.skills[c.skill_id].name, Status(c.before), Status(c.after),
                                    first, missing))
    return out


def _first_reviews(s, cal, skill_ids) -> dict[str, tuple[date, ...]]:
    """Skill id -> the study day each of its checks is first due (sorted), for the skills given."""
    from sqlmodel import select

    from roadmap.models import ReviewCard

    out: dict[str, list[date]] = {}
    rows = s.exec(select(ReviewCard.skill_id, ReviewCard.due).where(ReviewCard.skill_id.in_(list(skill_ids)))).all()
    for sid, due in rows:
        out.setdefault(sid, []).append(cal.study_day(due))
    return {sid: tuple(sorted(days)) for sid, days in out.items()}


def prior_changes(cur, changes, first: dict[str, tuple[date, ...]]) -> list[StatusChange]:
    """StatusChange rows for :class:`roadmap.progress.Change` rows of prior knowledge, with their review days."""
    return [StatusChange(c.skill_id, cur.skills[c.skill_id].name, Status(c.before), Status(c.after),
                         first[c.skill_id][0] if first.get(c.skill_id) else None, prior=c.before != c.after,
                         review_days=first.get(c.skill_id, ())) for c in changes]


def prior_spread_text(changes: list[StatusChange]) -> str:
    """How the first reviews of skills just marked as prior knowledge are spread, counted in checks (reviews).

    One card per check, so a skill with three checks is three reviews:
    ``first reviews of 14 checks from Mon 7 Dec 2026 to Sat 19 Dec 2026, at most 2 reviews a day``
    (the most reviews on one study day). Skills without ``review_days`` count their ``first_review``
    once. Shared by the CLI (setup, placement, learn --with-prereqs) and the app.
    """
    from collections import Counter

    from roadmap import wording

    days = [d for c in changes for d in (c.review_days or ((c.first_review,) if c.first_review else ()))]
    if not days:
        return "no first review planned"
    checks = wording.plural(len(days), "check")
    if len(set(days)) == 1:
        return f"first review{'s' if len(days) > 1 else ''} of {checks} on {wording.day_text(days[0])}"
    most = max(Counter(days).values())
    return (f"first reviews of {checks} from {wording.day_text(min(days))} to {wording.day_text(max(days))}, "
            f"at most {wording.plural(most, 'review')} a day")


def prior_preview(ws: Workspace, skill_ids: list[str]) -> list[str]:
    """What :func:`learn_prior` would mark learned: the skills and their prerequisites not learned or skipped,
    in study order (most fundamental first). Raises ProgressError for an unknown id; writes nothing."""
    from roadmap.progress import load_statuses, resolve_ids, with_prerequisites

    ids = resolve_ids(ws.curriculum, list(skill_ids))
    with ws.read() as s:
        return with_prerequisites(ws.curriculum, load_statuses(s, ws.curriculum), ids)


def learn_prior(ws: Workspace, skill_ids: list[str], *, now: datetime) -> list[StatusChange]:
    """Mark skills and every prerequisite not learned or skipped as learned, as prior knowledge (one transaction).

    Their checks enter review spread over ``prior_spread_weeks`` weeks, most
    fundamental first, each with a longer first interval than freshly studied
    material (see :func:`roadmap.progress.learn_prior` and
    :func:`roadmap.review.prior_exposure`). Returns one change per skill asked
    for that was already learned (unchanged), then per skill marked, in study
    order, each with its first review day.

    Raises ProgressError for an unknown id, ClockWentBackError for a write dated
    before the newest row; nothing is written then.
    """
    from roadmap import settings_store
    from roadmap.progress import learn_prior as store_prior

    cur = ws.curriculum
    with ws.write() as s:
        s.connection()  # take the write lock now (BEGIN IMMEDIATE), then date the write (roadmap.clock.at_write)
        now = at_write(now)
        settings = settings_store.load(s)
        changes = store_prior(s, cur, list(skill_ids), now=now, settings=settings)
        s.flush()
        first = _first_reviews(s, settings.calendar, [c.skill_id for c in changes if c.before != c.after])
    return prior_changes(cur, changes, first)


def reset_preview(ws: Workspace, skill_ids: list[str]) -> list[str]:
    """What :func:`reset_with_dependents` would change: the skills and every learned skill built on them,
    in study order, without those already not started (empty when nothing would change). Raises
    ProgressError for an unknown id; writes nothing."""
    from roadmap.progress import load_statuses, resolve_ids, with_dependents

    ids = resolve_ids(ws.curriculum, list(skill_ids))
    with ws.read() as s:
        statuses = load_statuses(s, ws.curriculum)
    return [sid for sid in with_dependents(ws.curriculum, statuses, ids)
            if statuses.get(sid, Status.NOT_STARTED) != Status.NOT_STARTED]


def reset_with_dependents(ws: Workspace, skill_ids: list[str], *, now: datetime) -> list[StatusChange]:
    """Reset skills and every learned skill built on them to not started (they leave review; history is kept).

    One transaction; see :func:`reset_preview` for the list. Raises
    ProgressError for an unknown id.
    """
    return set_status(ws, reset_preview(ws, skill_ids), Status.NOT_STARTED, now=now)


@dataclass(frozen=True)
class LoggedTime:
    """The result of logging study time: hours logged now, in all, left, and whether the skill was started."""

    skill_id: str
    name: str
    hours: float
    total_hours: float
    hours_left: float
    started: bool


@dataclass(frozen=True)
class UnloggedTime:
    """A study session taken back: its skill, the hours and instant (UTC) it was logged with and that
    instant's study day, the skill's hours logged in all and left after it, and how many checks got back
    their state from before its graph credit."""

    skill_id: str
    name: str
    hours: float
    at: datetime
    day: date
    total_hours: float
    hours_left: float
    credit_undone: int = 0


def unlog(ws: Workspace, skill_id: str | None = None, *, now: datetime) -> UnloggedTime | None:
    """Take back the study time logged last (on ``skill_id``, an id or former id, if given): the session is
    removed and the graph credit it gave is undone (:func:`roadmap.review.undo_study_credit`), in one
    transaction. A status it set (in progress) stays: ``reset`` takes that back. Returns None when there is
    no such session. Raises ProgressError for an unknown skill id."""
    from roadmap import review, settings_store, studylog
    from roadmap.planning import remaining_hours

    cur = ws.curriculum
    sid = resolve(ws, skill_id) if skill_id is not None else None
    with ws.write() as s:  # a write first moves history stored under former ids to the current ones
        s.connection()  # take the write lock now (BEGIN IMMEDIATE), then date the write (roadmap.clock.at_write)
        now = at_write(now)
        row = studylog.last_session(s, sid)
        if row is None:
            return None
        credit = review.undo_study_credit(s, row.at, now=now)
        kept, hours, at = row.skill_id, row.hours, row.at
        day = settings_store.load(s).calendar.study_day(at)
        s.delete(row)
        s.flush()
        total = studylog.logged_hours(s).get(kept, 0.0)
    skill = cur.skills.get(kept)  # None: a skill no longer in the curriculum (its history is kept)
    return UnloggedTime(kept, skill.name if skill else kept, hours, at, day, total,
                        remaining_hours(cur, kept, {kept: total}) if skill else 0.0, credit)


def resolve(ws: Workspace, skill_id: str) -> str:
    """The current id of ``skill_id`` (or a former id). Raises ProgressError with close matches."""
    from roadmap.progress import resolve_ids

    (sid,) = resolve_ids(ws.curriculum, [skill_id])
    return sid


def log_time(ws: Workspace, skill_id: str, hours: float, *, now: datetime) -> LoggedTime:
    """Log ``hours`` of study on a skill (id or former id) at ``now``; a ready, not-started skill is
    marked in progress; with ``graph_credit`` on, study of a learned skill gives graph credit
    (:func:`roadmap.review.credit.apply_study_credit`). Raises RoadmapError for an unknown skill or a session
    outside 1 minute - the maximum."""
    from roadmap import settings_store, studylog

    sid = resolve(ws, skill_id)
    with ws.write() as s:
        s.connection()  # take the write lock now (BEGIN IMMEDIATE), then date the write (roadmap.clock.at_write)
        now = at_write(now)
        settings = settings_store.load(s)
        out = studylog.log_study(s, ws.curriculum, sid, hours, now=now, settings=settings)
        if settings.graph_credit:  # study of a learned skill exercises what it encompasses
            from roadmap.models import SkillProgress
            from roadmap.review.credit import apply_study_credit
            from roadmap.status import Status

            progress = s.get(SkillProgress, sid)
            apply_study_credit(s, ws.curriculum, sid, hours, now=now, settings=settings,
                               learned=progress is not None and progress.status == Status.LEARNED.value)
    return LoggedTime(sid, ws.curriculum.skills[sid].name, hours, out.total_hours, out.hours_left, out.started)
