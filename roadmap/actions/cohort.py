"""The mentor's cohort view: one row per mentee, sorted by risk (``roadmap cohort`` and the Cohort screen).

Who is in the cohort
--------------------
On PostgreSQL (team mode) the mentees are the rows of ``mentorship`` whose
``mentor`` is the connecting role; the server's row-level security shows a
mentor its mentees' rows (read-only) only inside a transaction that ran
``SET LOCAL roadmap.cohort = 'on'``, which :func:`cohort` does and nothing
else does, so the mentor's own commands never see anyone else's rows. On
SQLite every learner present in the file is in the cohort (normally the one
local learner, ``''``).

What each row holds (all computed at ``now``, per learner)
-----------------------------------------------------------
* progress per stage: skills learned or skipped of those each career stage
  needs (:func:`roadmap.planning.milestone_needs`, cumulative like the
  ladder); the milestones when the curriculum has no stages;
* the next milestone: the unreached milestone with the earliest target date
  (setting ``target.<id>``), or the first unreached one in curriculum order
  when none has a target; its forecast and how many whole weeks it is late;
* reviews overdue: review cards due before ``now`` (the whole backlog,
  *before* the learner's daily cap: a cap of 30 with 80 cards due shows 80);
* retention achieved: the app's definition (:func:`roadmap.review.retention_achieved`:
  share of explicit reviews not rated Again, undone ones left out) over the
  last :data:`RETENTION_DAYS` days;
* hours logged in the last 7 and 28 days (``roadmap log``);
* stuck skills: in progress for more than ``stuck_weeks`` weeks (since ``started_at``);
* last active day: the learner's study day (their time zone and rollover
  hour) of their latest review, study session or status change.

The forecast (:func:`quick_forecast`)
-------------------------------------
Playing the real planner forward for every mentee is too slow for a cohort
(ten years of days per learner), so the row's forecast is arithmetic: the
remaining hours of the milestone's unfinished skills (estimate minus hours
logged, as the planner counts them) plus those of the other skills in
progress (the plan finishes those first), laid on the learner's study days at
their weekly budget (:func:`roadmap.planning.layout.day_capacities`, whole
minutes), less their recent review time (explicit reviews in the last 28 days
x minutes per review). It leaves out time off and parallel-slot effects, so it
can be a little earlier than the Milestones screen's forecast; with one
skill at a time, no reviews and no time off it gives the same day
(tests/actions/test_cohort.py).

Risk (:attr:`CohortRow.risk`)
-----------------------------
Rows are sorted most at risk first by: weeks late on the next milestone
(no forecast within ten years counts as the latest), then reviews overdue,
then days since last active (never active counts as the longest), then the
learner's name.

All aggregates are SQL ``GROUP BY learner`` queries (engine-neutral; the
``SET LOCAL`` alone is PostgreSQL's and skipped on SQLite); the review log is
never loaded row by row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Mapping

from roadmap.status import DONE, Status

if TYPE_CHECKING:
    from roadmap.curriculum import Curriculum
    from roadmap.settings import Settings
    from roadmap.workspace import Workspace

STUCK_WEEKS = 4
"""Default weeks in progress after which a skill counts as stuck."""

RETENTION_DAYS = 90
"""Days of explicit reviews the cohort's retention achieved covers."""

RECENT_REVIEW_DAYS = 28
"""Days of reviews whose time the quick forecast sets aside each week (their weekly average)."""

HORIZON_DAYS = 3650
"""A forecast further out than this (ten years) is reported as none."""

LOCAL_LEARNER = ""
"""The learner of an SQLite file (the column's default there)."""


@dataclass(frozen=True)
class StageProgress:
    """Skills learned or skipped (``done``) of those a stage (or milestone) needs (``total``)."""

    id: str
    name: str
    done: int
    total: int


@dataclass(frozen=True)
class LearnerData:
    """What the cohort reads for one learner (one per learner from a few grouped queries).

    Attributes
    ----------
    learner : str
        The learner's name (their database role; ``''`` for an SQLite file's learner).
    statuses : dict[str, Status]
        Stored statuses by skill id (missing: not started).
    started : dict[str, datetime]
        ``started_at`` (UTC) of skills in progress.
    logged : dict[str, float]
        Hours logged per skill, all time.
    settings : Settings
    overdue : int
        Review cards due before ``now``.
    reviews : int
        Explicit reviews (not undone) in the last :data:`RETENTION_DAYS` days.
    again : int
        Of those, rated Again.
    recent_reviews : int
        Explicit reviews in the last :data:`RECENT_REVIEW_DAYS` days.
    hours_7, hours_28 : float
        Hours logged in the last 7 and 28 days.
    last_active : datetime or None
        The latest review, study session or status change (UTC).
    """

    learner: str
    statuses: dict[str, Status] = field(default_factory=dict)
    started: dict[str, datetime] = field(default_factory=dict)
    logged: dict[str, float] = field(default_factory=dict)
    settings: Settings | None = None
    overdue: int = 0
    reviews: int = 0
    again: int = 0
    recent_reviews: int = 0
    hours_7: float = 0.0
    hours_28: float = 0.0
    last_active: datetime | None = None


@dataclass(frozen=True)
class CohortRow:
    """One mentee's standing (see the module docstring for each definition).

    Attributes
    ----------
    learner : str
    stages : tuple of StageProgress
        Per career stage (or per milestone without stages), in ladder order.
    milestone : str or None
        The next milestone's id; None when every milestone is reached.
    milestone_name : str
    forecast : date or None
        Its quick forecast (None: reached, or beyond ten years).
    target : date or None
        The learner's target date for it.
    weeks_late : int or None
        Whole weeks the forecast is after the target (0 when on time); None without a target.
    overdue : int
        Review cards due before now (the backlog, before the daily cap).
    retention : float or None
        Share of explicit reviews not rated Again in the last 90 days (None without reviews).
    reviews : int
        How many reviews ``retention`` is out of.
    hours_7, hours_28 : float
        Hours logged in the last 7 and 28 days.
    stuck : tuple of str
        Skills in progress for more than ``stuck_weeks`` weeks, longest first.
    stuck_since : tuple of date
        The study day each stuck skill was started, same order.
    last_active : date or None
        The learner's study day of their latest activity.
    days_inactive : int or None
        Study days from ``last_active`` to today (None: never active).
    """

    learner: str
    stages: tuple[StageProgress, ...]
    milestone: str | None
    milestone_name: str
    forecast: date | None
    target: date | None
    weeks_late: int | None
    overdue: int
    retention: float | None
    reviews: int
    hours_7: float
    hours_28: float
    stuck: tuple[str, ...]
    stuck_since: tuple[date, ...]
    last_active: date | None
    days_inactive: int | None

    @property
    def risk(self) -> tuple:
        """Sort key, most at risk first: weeks late, reviews overdue, days inactive, then name."""
        late = self.weeks_late or 0
        if self.milestone is not None and self.forecast is None:
            late = HORIZON_DAYS  # no forecast within ten years: the latest of all
        inactive = self.days_inactive if self.days_inactive is not None else 10 ** 6
        return (-late, -self.overdue, -inactive, self.learner)

    def to_json(self) -> dict:
        """The row as a JSON object with stable keys (dates ISO 8601, hours as numbers)."""
        return {
            "learner": self.learner,
            "stages": [{"id": s.id, "name": s.name, "done": s.done, "total": s.total} for s in self.stages],
            "next_milestone": self.milestone,
            "next_milestone_name": self.milestone_name or None,
            "forecast": self.forecast.isoformat() if self.forecast else None,
            "target": self.target.isoformat() if self.target else None,
            "weeks_late": self.weeks_late,
            "reviews_overdue": self.overdue,
            "retention": None if self.retention is None else round(self.retention, 4),
            "retention_reviews": self.reviews,
            "hours_7d": round(self.hours_7, 2),
            "hours_28d": round(self.hours_28, 2),
            "stuck": list(self.stuck),
            "last_active": self.last_active.isoformat() if self.last_active else None,
            "days_inactive": self.days_inactive,
        }


class _Needs:
    """Milestone needs per chosen-tracks tuple, computed once per distinct tuple across the cohort."""

    def __init__(self, curriculum: Curriculum):
        self.curriculum = curriculum
        self._cache: dict[tuple[str, ...], dict] = {}
        self._calendars: dict = {}

    def calendar(self, settings: Settings):
        """The study calendar of ``settings`` (one per distinct zone and rollover hour: zone lookups are slow)."""
        key = (settings.timezone, settings.rollover_hour)
        cal = self._calendars.get(key)
        if cal is None:
            cal = self._calendars[key] = settings.calendar
        return cal

    def __call__(self, tracks: tuple[str, ...]) -> dict:
        if tracks not in self._cache:
            from roadmap.planning.goals import milestone_needs

            self._cache[tracks] = milestone_needs(self.curriculum, tracks)
        return self._cache[tracks]


def quick_forecast(hours: float, settings: Settings, today: date, *, review_hours_per_week: float = 0.0) -> date | None:
    """The study day on which ``hours`` of study are done, at the learner's weekly budget, from ``today``.

    The week's hours are laid on the study days as the planner does
    (:func:`roadmap.planning.layout.day_capacities`: fixed hours per day, the
    rest shared evenly, whole minutes rounded on the running total); a
    weekly review time ``review_hours_per_week`` is set aside first, spread
    evenly on the study days. Time off is not counted. Returns ``today`` for
    no hours left, None when nothing is left for study or the day is past
    :data:`HORIZON_DAYS`.
    """
    need = round(hours * 60)
    if need <= 0:
        return today
    base = _week_minutes(settings.weekly_hours, tuple(sorted(settings.study_days.items())), today.weekday())
    study = sum(1 for m in base if m > 0)
    per_day_review = review_hours_per_week * 60 / study if study else 0.0
    minutes = [max(0, int(m - per_day_review)) if m - per_day_review >= 1 else 0 for m in base]
    per_week = sum(minutes)
    if per_week <= 0:
        return None
    weeks, rest = divmod(need, per_week)
    if rest == 0:
        weeks, rest = weeks - 1, per_week
    day = 7 * weeks
    for m in minutes:
        rest -= m
        if rest <= 0:
            break
        day += 1
    if day > HORIZON_DAYS:
        return None
    return today + timedelta(days=day)


@lru_cache(maxsize=256)
def _week_minutes(weekly_hours: float, study_days: tuple, weekday: int) -> tuple[int, ...]:
    """Whole study minutes on the 7 days from a day of weekday ``weekday``, as the planner lays them."""
    from roadmap.planning.layout import day_capacities
    from roadmap.settings import Settings

    first = date(2024, 1, 1) + timedelta(days=weekday)  # a Monday, plus the weekday
    week = [first + timedelta(days=i) for i in range(7)]
    caps = day_capacities(Settings(weekly_hours=weekly_hours, study_days=dict(study_days)), week)
    out, running, placed = [], 0.0, 0
    for d in week:
        running += caps[d] * 60
        m = round(running) - placed
        placed += m
        out.append(m)
    return tuple(out)


def next_milestone(curriculum: Curriculum, statuses: Mapping[str, Status], settings: Settings, needs: Mapping):
    """The milestone the learner works towards: the unreached one with the earliest target date, else the
    first unreached one in curriculum order; None when all are reached. Returns the milestone."""
    done = {s for s, st in statuses.items() if st in DONE}

    def reached(m) -> bool:
        need = needs[m.id]
        return not need.tracks_missing and need.skills <= done

    open_ = [m for m in curriculum.milestones if not reached(m)]
    if not open_:
        return None
    with_target = [m for m in open_ if m.id in settings.targets]
    if with_target:
        return min(with_target, key=lambda m: settings.targets[m.id])
    return open_[0]


def cohort_row(curriculum: Curriculum, data: LearnerData, now: datetime, *, stuck_weeks: int = STUCK_WEEKS,
               needs: _Needs | None = None) -> CohortRow:
    """One learner's cohort row from what was read for them (pure; see the module docstring)."""
    from roadmap.settings import Settings

    settings = data.settings or Settings()
    needs = needs or _Needs(curriculum)
    need = needs(tuple(settings.tracks))
    known = curriculum.skills
    cal = needs.calendar(settings)
    today = cal.study_day(now)
    statuses = data.statuses
    done = {s for s, st in statuses.items() if st in DONE}
    stages = curriculum.stages() or list(curriculum.milestones)
    progress = tuple(StageProgress(m.id, m.name, len(need[m.id].skills & done), len(need[m.id].skills))
                     for m in stages)
    m = next_milestone(curriculum, statuses, settings, need)
    forecast = target = weeks_late = None
    name = ""
    if m is not None:
        name = m.name
        target = settings.targets.get(m.id)
        todo = need[m.id].skills - done
        todo |= {s for s in data.started if statuses.get(s) == Status.IN_PROGRESS and s in curriculum.skills}
        logged = data.logged
        hours = sum(max(0.0, known[s].hours - logged.get(s, 0.0)) for s in todo)
        review_hours = data.recent_reviews * settings.review_minutes / 60 / (RECENT_REVIEW_DAYS / 7)
        forecast = quick_forecast(hours, settings, today, review_hours_per_week=review_hours)
        if target is not None and forecast is not None:
            weeks_late = max(0, -(-(forecast - target).days // 7))
    cutoff = now - timedelta(weeks=stuck_weeks)
    stuck = sorted(((at, s) for s, at in data.started.items()
                    if statuses.get(s) == Status.IN_PROGRESS and at is not None and at < cutoff),
                   key=lambda p: (p[0], p[1]))
    last = cal.study_day(data.last_active) if data.last_active is not None else None
    return CohortRow(
        learner=data.learner, stages=progress, milestone=m.id if m else None, milestone_name=name,
        forecast=forecast, target=target, weeks_late=weeks_late, overdue=data.overdue,
        retention=(1 - data.again / data.reviews) if data.reviews else None, reviews=data.reviews,
        hours_7=data.hours_7, hours_28=data.hours_28, stuck=tuple(s for _, s in stuck),
        stuck_since=tuple(cal.study_day(at) for at, _ in stuck), last_active=last,
        days_inactive=(today - last).days if last is not None else None)


def cohort_rows(curriculum: Curriculum, learners: list[LearnerData], now: datetime, *,
                stuck_weeks: int = STUCK_WEEKS) -> list[CohortRow]:
    """Every learner's row, most at risk first (:attr:`CohortRow.risk`). Pure."""
    needs = _Needs(curriculum)
    rows = [cohort_row(curriculum, d, now, stuck_weeks=stuck_weeks, needs=needs) for d in learners]
    return sorted(rows, key=lambda r: r.risk)


# --- reading ---------------------------------------------------------------------------------------------------

def _learner_col(table):
    """The ``learner`` column of a model's table (the ORM models do not map it: :func:`roadmap.models.learner_of`)."""
    from roadmap import models

    by_name = {m.__tablename__: m for m in (models.SkillProgress, models.Setting, models.ReviewCard,
                                            models.ReviewLog, models.StudySession)}
    return models.learner_of(by_name[table.name])


def mentees(session) -> list[str] | None:
    """The connecting role's mentees on PostgreSQL (sorted), or None on SQLite (every learner in the file)."""
    from sqlalchemy import text

    if session.get_bind().dialect.name != "postgresql":
        return None
    return sorted(session.execute(text("SELECT mentee FROM mentorship WHERE mentor = CURRENT_USER")).scalars())


def enter_cohort_mode(session) -> None:
    """Let this transaction read the mentees' rows (PostgreSQL: ``SET LOCAL roadmap.cohort = 'on'``, which
    the row-level security policies read; read-only for them). Nothing on SQLite."""
    from sqlalchemy import text

    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL roadmap.cohort = 'on'"))


def read_learners(session, curriculum: Curriculum, now: datetime, *, only: list[str] | None = None) -> list[LearnerData]:
    """Read every learner's :class:`LearnerData` visible in ``session`` with a few ``GROUP BY learner`` queries.

    ``only`` limits the result to those learners (a mentor's mentees: row-level
    security also shows the mentor's own rows, which are left out here rather
    than with a long ``IN`` list in every query). Learners are those with any
    row in the tables read; on an empty SQLite file, the local learner alone.
    Hours logged per skill are read for skills in progress (the only ones the
    quick forecast counts logged time for), from the oldest of their starts on.
    """
    from sqlalchemy import and_, case, func, select

    from roadmap.models import ReviewCard, ReviewLog, Setting, SkillProgress, StudySession
    from roadmap.review.rating import LogKind, Rating
    from roadmap.settings import from_stored

    keep = set(only) if only is not None else None
    sp, st, rc, rl, ss = (m.__table__ for m in (SkillProgress, Setting, ReviewCard, ReviewLog, StudySession))
    acc: dict[str, dict] = {}

    def get(name: str) -> dict | None:
        if keep is not None and name not in keep:
            return None
        return acc.setdefault(name, {"statuses": {}, "started": {}, "logged": {}, "settings": {}, "last": None})

    def touch(d: dict, at: datetime | None) -> None:
        if at is not None and (d["last"] is None or at > d["last"]):
            d["last"] = at

    known = curriculum.skills
    statuses = {v.value: v for v in Status}
    lc = _learner_col(sp)
    in_progress = sp.c.status == Status.IN_PROGRESS.value
    for who, sid, status, started in session.execute(select(lc, sp.c.skill_id, sp.c.status,
                                                            case((in_progress, sp.c.started_at), else_=None))):
        d = get(who)
        if d is not None and sid in known and status in statuses:
            d["statuses"][sid] = statuses[status]
            if started is not None:
                d["started"][sid] = started
    for who, last in session.execute(select(lc, func.max(sp.c.updated_at)).group_by(lc)):
        d = get(who)
        if d is not None:
            touch(d, last)

    for who, key, value in session.execute(select(_learner_col(st), st.c.key, st.c.value)):
        d = get(who)
        if d is None:
            continue
        try:
            d["settings"][key] = json.loads(value)
        except ValueError:
            continue

    lc = _learner_col(rc)
    for who, n in session.execute(select(lc, func.count()).where(rc.c.due < now).group_by(lc)):
        d = get(who)
        if d is not None:
            d["overdue"] = n

    since, recent = now - timedelta(days=RETENTION_DAYS), now - timedelta(days=RECENT_REVIEW_DAYS)
    lc = _learner_col(rl)
    in_window = and_(rl.c.kind == LogKind.REVIEW.value, rl.c.reviewed_at >= since)
    cols = (lc, func.count(), func.sum(case((rl.c.rating == int(Rating.AGAIN), 1), else_=0)),
            func.sum(case((rl.c.reviewed_at >= recent, 1), else_=0)))
    # Every review in the window, then the undone ones taken off (few: read through the index on ``undoes``),
    # rather than an anti-join over the whole window.
    undone = select(rl.c.undoes).where(rl.c.undoes.is_not(None))
    for sign, q in ((1, select(*cols, func.max(rl.c.reviewed_at)).where(in_window).group_by(lc)),
                    (-1, select(*cols, func.max(rl.c.reviewed_at)).where(in_window, rl.c.id.in_(undone))
                     .group_by(lc))):
        for who, n, again, n_recent, last in session.execute(q):
            d = get(who)
            if d is None:
                continue
            d["reviews"] = d.get("reviews", 0) + sign * n
            d["again"] = d.get("again", 0) + sign * (again or 0)
            d["recent"] = d.get("recent", 0) + sign * (n_recent or 0)
            touch(d, last)

    lc = _learner_col(ss)
    week, month = now - timedelta(days=7), now - timedelta(days=28)
    q = (select(lc, func.sum(case((ss.c.at >= week, ss.c.hours), else_=0.0)), func.sum(ss.c.hours), func.max(ss.c.at))
         .where(ss.c.at >= month).group_by(lc))
    for who, h7, h28, last in session.execute(q):
        d = get(who)
        if d is not None:
            d.update(h7=h7 or 0.0, h28=h28 or 0.0)
            touch(d, last)
    # Hours logged on the skills in progress, from the oldest start among them on (logging time on a
    # skill starts it, so its sessions follow its start); the other skills' hours are not needed.
    starts = [at for d in acc.values() for at in d["started"].values()]
    if starts:
        q = (select(lc, ss.c.skill_id, func.sum(ss.c.hours)).where(ss.c.at >= min(starts) - timedelta(days=1))
             .group_by(lc, ss.c.skill_id))
        for who, sid, total in session.execute(q):
            d = get(who)
            if d is not None and sid in d["started"]:
                d["logged"][sid] = total or 0.0

    # Learners with no review or study session in the windows: their latest ones ever (usually few learners).
    quiet = sorted(w for w, d in acc.items() if not d.get("reviews") and "h28" not in d)
    if quiet:
        for table, at, extra in ((rl, rl.c.reviewed_at, rl.c.kind == LogKind.REVIEW.value), (ss, ss.c.at, None)):
            c = _learner_col(table)
            q = select(c, func.max(at)).where(c.in_(quiet)).group_by(c)
            for who, last in session.execute(q.where(extra) if extra is not None else q):
                touch(acc[who], last)

    if keep is not None:
        for who in keep:
            get(who)
    elif not acc:
        get(LOCAL_LEARNER)
    return [LearnerData(learner=w, statuses=d["statuses"], started=d["started"], logged=d["logged"],
                        settings=from_stored(d["settings"]), overdue=d.get("overdue", 0),
                        reviews=d.get("reviews", 0), again=d.get("again", 0), recent_reviews=d.get("recent", 0),
                        hours_7=d.get("h7", 0.0), hours_28=d.get("h28", 0.0), last_active=d["last"])
            for w, d in sorted(acc.items())]


@dataclass(frozen=True)
class Cohort:
    """The cohort view: rows most at risk first, and whether the connecting learner has mentees at all.

    ``team`` is True on PostgreSQL (mentees from ``mentorship``), False on an
    SQLite file (every learner in it). ``stuck_weeks`` is the threshold used.
    """

    rows: list[CohortRow]
    team: bool
    stuck_weeks: int

    @property
    def empty(self) -> bool:
        """No mentees (PostgreSQL) or no learner (never on SQLite)."""
        return not self.rows


def cohort(ws: Workspace, *, now: datetime, stuck_weeks: int = STUCK_WEEKS) -> Cohort:
    """The cohort at ``now``: one :class:`CohortRow` per mentee, most at risk first. Read-only.

    Raises ValueError for ``stuck_weeks`` below 1 (the faces check first).
    StoreError as any read (database unreachable).
    """
    if stuck_weeks < 1:
        raise ValueError("stuck_weeks must be at least 1")
    cur = ws.curriculum
    with ws.read() as s:
        who = mentees(s)
        if who is not None and not who:
            return Cohort([], True, stuck_weeks)
        enter_cohort_mode(s)
        data = read_learners(s, cur, now, only=who)
    return Cohort(cohort_rows(cur, data, now, stuck_weeks=stuck_weeks), who is not None, stuck_weeks)
