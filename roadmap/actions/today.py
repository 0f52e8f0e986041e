"""Today: everything the daily screen shows, gathered in one read, and what `r` reviews.

:func:`overview` reads the database once (a few aggregate queries) and
computes the rest in memory. :func:`due_today` is its cheap first part -- the
review queue and the learned skills' memory, without the planner -- so the
app can draw the due count and the queue before the study plan, the week and
the milestones are ready.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Callable, Mapping

from roadmap.settings import Settings
from roadmap.status import Status

if TYPE_CHECKING:
    from roadmap.planning import MilestoneProgress, PlanItem, WeekPlan
    from roadmap.workspace import Workspace


@dataclass(frozen=True)
class DueToday:
    """Today's review queue and the learned skills' memory: the part of :class:`Overview` that needs no
    planner (no study plan, week or milestones), read first so the app can draw it at once.

    :class:`Overview` extends it (its attributes are documented there), so :func:`review_session`
    takes either.
    """

    today: date
    due: list
    due_total: int
    cards: dict
    fading: list[str]
    statuses: dict
    settings: Settings
    reviewed_today: int = 0
    day_off: bool = False

    @property
    def moved(self) -> int:
        """Checks due today that wait for the next days (the daily cap is used up, or today is time off)."""
        return max(0, self.due_total - len(self.due))


@dataclass(frozen=True, kw_only=True)
class Overview(DueToday):
    """The state of the learner's day.

    Attributes
    ----------
    today : date
        The current local study day.
    due : list of review.DueItem
        Today's review queue of checks (within what is left of the daily cap), most at risk first.
    due_total : int
        All checks due today, before the cap.
    in_progress : list of PlanItem
        Skills being studied, with remaining hours.
    next_up : list of PlanItem
        The frontier, best first (in-progress skills excluded).
    today_hours : float
        Today's plan in hours: what was done today (study logged, reviews made) plus what is still
        planned today, never more than the day's study time unless more was done.
    today_done_minutes : float
        Minutes done today (study logged and reviews made, see :class:`roadmap.actions.week.DoneDay`).
    milestones : list of MilestoneProgress
    streak_days : int
        Consecutive study days with a review or logged study, ending today or yesterday; rest days
        do not break it (:func:`streak`, at most STREAK_MAX).
    statuses : dict
        Skill id to Status.
    logged : dict
        Skill id to hours logged.
    settings : Settings
    cards : dict
        Skill id to review.DueItem for every learned skill: its memory now, aggregated over its checks
        (:func:`roadmap.review.skill_memory`: mean retrievability, weakest check named).
    fading : list of str
        Learned skills below the desired retention, weakest first
        (:func:`roadmap.actions.skills.fading`).
    states : dict
        Skill id to :class:`roadmap.status.SkillState`.
    week : WeekPlan
        The seven days from today.
    """

    in_progress: list[PlanItem]
    next_up: list[PlanItem]
    today_hours: float
    today_done_minutes: float
    milestones: list[MilestoneProgress]
    streak_days: int
    logged: dict
    week: WeekPlan
    states: dict


STREAK_WINDOWS = (30, 120, 400)  # days read for the streak; a longer one shows as 400+
STREAK_MAX = STREAK_WINDOWS[-1]


def _walk(active: Mapping[date, int], today: date, is_rest: Callable[[date], bool],
          earliest: date) -> tuple[int, bool]:
    """The streak's count, and whether the walk back reached ``earliest`` without being broken."""
    day = today if active.get(today) else today - timedelta(days=1)
    n = 0
    while day >= earliest:
        if active.get(day):
            n += 1
        elif not is_rest(day):
            return n, False
        day -= timedelta(days=1)
    return n, True


def streak(active: Mapping[date, int], today: date, is_rest: Callable[[date], bool] | None = None, *,
           earliest: date | None = None) -> int:
    """Consecutive study days with any activity, ending today (or yesterday while nothing is done yet today).

    The single definition of the streak the Today screen shows.

    Parameters
    ----------
    active : Mapping[date, int]
        Per study day, how much was done (reviews made plus study sessions logged); a day counts
        when its value is above 0.
    today : date
        The current study day; nothing done yet today does not break the streak.
    is_rest : callable, optional
        ``is_rest(day)`` is True for a day that neither counts nor breaks the streak: not one of the
        learner's study days, time off, or a day with nothing due (see :func:`rest_days`). Without
        it every day without activity breaks the streak.
    earliest : date, optional
        The first day looked at (the streak's window); days before it are not read.

    Returns
    -------
    int
        The number of active days in the run (rest days in between are skipped, not counted).
    """
    is_rest = is_rest or (lambda d: False)
    if earliest is None:
        earliest = today - timedelta(days=STREAK_MAX * 8)  # rest days alone never run this long
    return _walk(active, today, is_rest, earliest)[0]


def rest_days(settings: Settings, time_off: list[tuple[date, date]], *, study_left: bool,
              first_due: date | None) -> Callable[[date], bool]:
    """The rule for days that neither count nor break the streak: a day that is not one of the
    learner's study days (``settings.study_days``), a day of time off, or a day with nothing due --
    no skill left to study and no review due yet (``first_due`` is the earliest due day of the
    learned skills' cards now; a review made since moved its card, so a missed day before it is
    forgiven)."""
    def rest(d: date) -> bool:
        if d.weekday() not in settings.study_days:
            return True
        if any(a <= d <= b for a, b in time_off):
            return True
        return not study_left and (first_due is None or d < first_due)

    return rest


def read_due_today(session, curriculum, now: datetime) -> DueToday:
    """Today's queue and the learned skills' memory at ``now`` (UTC) inside ``session``: the same
    values :func:`read_overview` returns for them, without the planner. Read-only."""
    from roadmap import settings_store
    from roadmap.progress import load_statuses
    from roadmap.timeoff import list_time_off

    settings = settings_store.load(session)
    off = [(t.first_day, t.last_day) for t in list_time_off(session)]
    return _read_due(session, curriculum, now, settings, settings.calendar.study_day(now),
                     load_statuses(session, curriculum), off)


def _read_due(session, curriculum, now: datetime, settings: Settings, today: date, statuses: dict,
              time_off: list[tuple[date, date]]) -> DueToday:
    """:func:`read_due_today` given what :func:`read_overview` has read already (one read of the cards
    serves the memory and the queue)."""
    from roadmap import review
    from roadmap.actions.skills import fading

    checks = review.check_states(session, now=now, settings=settings, skills=curriculum.skills)
    cards = review.card_states(session, now=now, settings=settings, items=checks)
    queue = review.todays_queue(session, now=now, settings=settings, time_off=time_off, items=checks)
    return DueToday(today=today, due=queue.items, due_total=queue.total, cards=cards,
                    fading=fading(cards, statuses, settings), statuses=statuses, settings=settings,
                    reviewed_today=queue.reviewed_today, day_off=queue.day_off)


def due_today(ws: Workspace, *, now: datetime) -> DueToday:
    """Today's queue and the learned skills' memory at instant ``now`` (UTC), without the planner. Read-only."""
    with ws.read() as s:
        return read_due_today(s, ws.curriculum, now)


def read_overview(session, curriculum, now: datetime, due: DueToday | None = None) -> Overview:
    """The overview at ``now`` (UTC) inside ``session``; ``due``: the queue part, already read at the same
    ``now`` (:func:`read_due_today`), is not read again. Read-only."""
    from roadmap import review
    from roadmap.planning import frontier, milestone_progress, study_plan
    from roadmap.actions.context import plan_context
    from roadmap.actions.skills import skill_states

    from roadmap import studylog
    from roadmap.actions.week import WeekView, forward, read_done

    ctx = plan_context(session, curriculum, now)
    settings, today, statuses, logged = ctx.settings, ctx.today, ctx.statuses, ctx.logged
    cal = settings.calendar
    if due is None:
        due = _read_due(session, curriculum, now, settings, today, statuses, ctx.time_off)
    cards = due.cards
    plan = study_plan(curriculum, statuses, logged, settings=settings)
    in_progress = [p for p in plan if p.status == Status.IN_PROGRESS]
    ready = [p for p in frontier(curriculum, statuses, logged, plan=plan) if p.status != Status.IN_PROGRESS]
    done = read_done(session, settings, today, today)
    wp = forward(curriculum, ctx, 7, done.get(today))
    view = WeekView(wp, today, today, settings, done)
    # The streak is counted over a window that grows only while the streak fills it, so
    # its cost follows the streak's length (at most STREAK_MAX days), not the log's.
    rest = rest_days(settings, ctx.time_off, study_left=bool(plan),
                     first_due=min((c.due_day for c in cards.values()), default=None))
    for window in STREAK_WINDOWS:
        since = cal.day_start(today - timedelta(days=window))
        active = dict(review.history_counts(session, settings=settings, since=since))
        for d, per_skill in studylog.hours_by_day(session, cal, since, cal.day_end(today)).items():
            active[d] = active.get(d, 0) + len(per_skill)
        n, filled = _walk(active, today, rest, today - timedelta(days=window))
        if not filled:
            break
    return Overview(
        **{f.name: getattr(due, f.name) for f in fields(DueToday)},
        in_progress=in_progress,
        next_up=ready,
        today_hours=view.today_goal_minutes / 60,
        today_done_minutes=view.today_done.minutes,
        milestones=milestone_progress(curriculum, statuses, logged, tracks=settings.tracks),
        streak_days=min(n, STREAK_MAX),
        logged=logged,
        week=wp,
        states=skill_states(curriculum, statuses, due.fading),
    )


def overview(ws: Workspace, *, now: datetime, due: DueToday | None = None) -> Overview:
    """Gather the Today screen's data at instant ``now`` (UTC); ``due``: the queue part, already read at
    the same ``now`` (:func:`due_today`, which the app draws first), is not read again. Read-only."""
    with ws.read() as s:
        return read_overview(s, ws.curriculum, now, due)


@dataclass(frozen=True)
class ReviewSession:
    """What a review session would cover now.

    ``kind`` is ``due`` (today's queue), ``ahead`` (nothing due: the fading
    skills' checks, reviewed early), ``capped`` (checks are due but the daily
    cap is used up or today is time off: ``moved`` wait for the next days) or
    ``none``; ``targets`` are (skill id, check id) pairs in order;
    ``next_day`` is the next day a review falls due when there is nothing to review.
    """

    kind: str
    targets: list[tuple[str, str]]
    next_day: date | None = None
    moved: int = 0

    @property
    def skill_ids(self) -> list[str]:
        """The skills of the session, in order, each once."""
        return list(dict.fromkeys(s for s, _ in self.targets))


def review_session(ov: DueToday, curriculum=None) -> ReviewSession:
    """Today's queue; when the cap is used up (or today is time off) nothing more; with nothing due, the
    fading skills' checks early (within what is left of the daily cap); else the next due day.

    ``curriculum`` gives the fading skills' checks for a session ahead (without it, their whole-skill cards).
    """
    from roadmap.review.cards import check_ids_of

    checks = {sid: check_ids_of(curriculum.skills[sid]) for sid in ov.fading if sid in curriculum.skills} \
        if curriculum is not None else {}
    if ov.due:
        return ReviewSession("due", [(d.skill_id, d.check_id) for d in ov.due], moved=ov.moved)
    if ov.due_total:
        return ReviewSession("capped", [], moved=ov.moved)
    left = 0 if ov.day_off else max(0, ov.settings.daily_review_cap - ov.reviewed_today)
    targets = [(sid, cid) for sid in ov.fading for cid in checks.get(sid, ("",))][:left]
    if targets:
        return ReviewSession("ahead", targets)
    return ReviewSession("none", [], min((c.due_day for c in ov.cards.values()), default=None))
