"""The learner simulator: synthetic learners follow the plan through the real core, day by day.

Each simulated learner has a database of its own (a copy of one migrated
empty database, in a temporary folder) and works only through
:mod:`roadmap.actions`: every study day it reviews the checks the queue
shows (``review.due``: the daily cap and time off apply), then studies the
blocks the day's plan gives (``week.week_plan``), logging the time
(``skills.log_time``) and marking a skill learned (``skills.set_status``)
once its hours are done. ``now`` is injected; nothing reads the clock.

The truth the scheduler never sees (:class:`LearnerTruth`): each check's
memory follows FSRS-6 with the learner's own parameters (the defaults
perturbed per learner, :func:`roadmap.review.scheduling.perturbed_parameters`);
recall is drawn at the true retrievability; the rating follows recall
(a lapse is Again, or, for an over-confident learner, sometimes Good); and
each prerequisite edge has a true transfer (the fraction of a Good review
that a successful review of the dependent skill gives each check of the
prerequisite; some edges transfer nothing). The scheduler only sees ratings.

Review credit through the graph is the setting ``graph_credit``
(:attr:`SimConfig.graph_credit`), written in each learner's database: the
core's review and log actions apply it themselves.

Measured per learner (:class:`LearnerResult`) and over all learners
(:class:`SimResult`): explicit reviews (total and per week), review minutes
per day, time-averaged true retention of learned checks, the share of
check-days with true retrievability below 0.7, the recall rate at explicit
reviews (what desired retention promises), milestone dates against the
forecasts made on the first day (error in weeks), and days over budget.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Callable, Mapping

from roadmap.curriculum import Curriculum
from roadmap.errors import RoadmapError

START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday; every learner starts here (UTC, rollover 04:00)
PLAN_HOUR = 7  # the day's plan is read at 07:00 UTC, reviews made at 08:00, study from 12:00
REVIEW_HOUR = 8
STUDY_HOUR = 12
NIGHT_HOUR = 3  # study time is logged before the day's rollover (04:00): it counts on the day before
LOW_RETRIEVABILITY = 0.7
# How a recalled check is rated (Hard, Good, Easy): most recalls are Good.
RECALL_RATINGS = ((2, 0.15), (3, 0.75), (4, 0.10))


class SimulationError(RoadmapError):
    """Simulation options out of range (the message names the option and what it accepts)."""


@dataclass(frozen=True)
class SimConfig:
    """What to simulate.

    Attributes
    ----------
    years : float
        Simulated time, years (365 days each), > 0 and <= 20.
    weekly_hours : float
        The learners' weekly budget, hours (setting ``weekly_hours``).
    learners : int
        How many learners (>= 1); learner ``i`` is seeded by (``seed``, ``i``).
    seed : int
        Same seed, same result (identical JSON).
    desired_retention : float
        The scheduler's desired retention, 0.70-0.99.
    daily_review_cap : int
        The scheduler's daily cap (checks a day).
    review_minutes : float
        Minutes each review takes (setting ``review_minutes``; reviews are logged at this duration).
    overconfidence : float
        Probability (0-1) that a lapse is rated Good instead of Again.
    parameter_spread : float
        Log-normal spread of each learner's true FSRS-6 parameters around the
        scheduler's (0: the learner's memory is the scheduler's model).
    transfer : bool
        Whether true transfer along prerequisite edges changes true memory.
    no_transfer_share : float
        Share (0-1) of edges that transfer nothing; the others draw a weight uniformly in 0-``max_transfer``.
    max_transfer : float
        Largest true transfer weight (fraction of a Good review), 0-1.
    time_off_weeks : int
        Weeks of time off a year (one week each, placed at random), through ``roadmap off``.
    graph_credit : bool
        The arm of the credit experiment: the setting ``graph_credit`` (review credit through the graph)
        written in each learner's database through the settings action.
    inert_share : float
        Share (0-1) of learners whose graph transfers nothing at all (every edge's true transfer is 0).
    """

    years: float = 3.0
    weekly_hours: float = 10.0
    learners: int = 1
    seed: int = 0
    desired_retention: float = 0.90
    daily_review_cap: int = 30
    review_minutes: float = 5.0
    overconfidence: float = 0.0
    parameter_spread: float = 0.15
    transfer: bool = True
    no_transfer_share: float = 0.3
    max_transfer: float = 0.5
    time_off_weeks: int = 2
    graph_credit: bool = False
    inert_share: float = 0.0

    def check(self, names: Mapping[str, str] | None = None) -> None:
        """Raise SimulationError naming the first option out of range.

        ``names`` maps a field to the name the user typed it under (``parameter_spread`` ->
        ``--spread``, see :data:`CLI_OPTIONS`); the message uses it instead of the field's name.
        """
        names = names or {}
        rules = [("years", 0 < self.years <= 20, "above 0 and at most 20"),
                 ("weekly_hours", 0.5 <= self.weekly_hours <= 168, "0.5 to 168"),
                 ("learners", self.learners >= 1, "at least 1"),
                 ("desired_retention", 0.70 <= self.desired_retention <= 0.99, "0.70 to 0.99"),
                 ("daily_review_cap", 1 <= self.daily_review_cap <= 1000, "1 to 1000"),
                 ("review_minutes", 0 < self.review_minutes <= 60, "above 0 and at most 60"),
                 ("overconfidence", 0 <= self.overconfidence <= 1, "0 to 1"),
                 ("parameter_spread", 0 <= self.parameter_spread <= 1, "0 to 1"),
                 ("no_transfer_share", 0 <= self.no_transfer_share <= 1, "0 to 1"),
                 ("max_transfer", 0 <= self.max_transfer <= 1, "0 to 1"),
                 ("time_off_weeks", 0 <= self.time_off_weeks <= 20, "0 to 20"),
                 ("inert_share", 0 <= self.inert_share <= 1, "0 to 1")]
        for name, ok, what in rules:
            if not ok:
                shown = (f"{names[name]} {getattr(self, name):g}" if name in names
                         else f"{name} = {getattr(self, name)}")
                raise SimulationError(f"{shown} is out of range; it takes {what}")

    @property
    def days(self) -> int:
        """Simulated days."""
        return max(1, round(self.years * 365))


@dataclass(frozen=True)
class LearnerTruth:
    """One learner's truth, hidden from the scheduler.

    ``parameters`` are the 21 FSRS-6 parameters of their memory;
    ``transfer`` maps each prerequisite edge (skill, prerequisite) to the
    fraction (0-1) of a Good review that a successful review of the skill
    gives each check of the prerequisite (0: nothing transfers);
    ``overconfidence`` as in :class:`SimConfig`.
    """

    parameters: tuple[float, ...]
    transfer: dict[tuple[str, str], float]
    overconfidence: float = 0.0


def draw_truth(curriculum: Curriculum, config: SimConfig, rng: random.Random) -> LearnerTruth:
    """Draw a learner's truth: perturbed FSRS-6 parameters and a transfer weight per prerequisite edge
    (all 0 for the share ``config.inert_share`` of learners whose graph transfers nothing)."""
    from roadmap.review.scheduling import perturbed_parameters

    params = perturbed_parameters(rng, config.parameter_spread)
    inert = config.inert_share > 0 and rng.random() < config.inert_share  # drawn only when asked (keeps old seeds)
    transfer = {}
    for sid in sorted(curriculum.skills):
        for p in sorted(curriculum.skills[sid].requires):
            zero = rng.random() < config.no_transfer_share
            w = rng.uniform(0.0, config.max_transfer)
            transfer[(sid, p)] = 0.0 if (zero or inert) else w
    return LearnerTruth(params, transfer, config.overconfidence)


@dataclass
class LearnerResult:
    """What one learner's run measured (days are simulated days; retention 0-1).

    Attributes
    ----------
    reviews : int
        Explicit reviews made.
    reviews_per_week : list of int
        Explicit reviews in each week (7 days from the start).
    review_minutes_per_day : list of float
        Minutes of review each day.
    retention : float or None
        Time-averaged true retrievability of learned checks (one sample per check-day).
    low_share : float or None
        Share of check-days with true retrievability below 0.7.
    recall_at_review : float or None
        Mean true retrievability at the explicit reviews: the expected share
        recalled, which desired retention aims at.
    recalled_share : float or None
        Share of explicit reviews truly recalled (drawn).
    learned : int
        Skills learned by the end.
    milestones : dict
        Milestone id to {"forecast": ISO date or None (forecast on day 1),
        "reached": ISO date or None, "error_weeks": reached - forecast in weeks, or None}.
    days_over_budget : int
        Study days where review and study minutes exceeded the day's study time (by more than a minute).
    plans_read : int
        Times the learner read the week plan (on the first day, then when it ran out, a skill was
        learned or the day's reviews were not the ones it expected).
    """

    seed: str
    reviews: int = 0
    reviews_per_week: list[int] = field(default_factory=list)
    review_minutes_per_day: list[float] = field(default_factory=list)
    retention: float | None = None
    low_share: float | None = None
    recall_at_review: float | None = None
    recalled_share: float | None = None
    learned: int = 0
    milestones: dict = field(default_factory=dict)
    days_over_budget: int = 0
    plans_read: int = 0


@dataclass
class SimResult:
    """All learners' results and their aggregates (means over learners; ``None`` where nothing was measured)."""

    config: dict
    arm: str
    curriculum: str
    learners: list[LearnerResult]

    def summary(self) -> dict:
        """The aggregate figures: means over learners, review minutes per day (mean, 95th percentile, max),
        milestone forecast error (median and 90th percentile of absolute errors in weeks) and days over budget."""
        ls = self.learners

        def mean(xs):
            xs = [x for x in xs if x is not None]
            return statistics.fmean(xs) if xs else None

        minutes = sorted(m for r in ls for m in r.review_minutes_per_day)
        errors = [abs(m["error_weeks"]) for r in ls for m in r.milestones.values() if m["error_weeks"] is not None]
        weeks = max((len(r.reviews_per_week) for r in ls), default=0)
        return {
            "learners": len(ls),
            "reviews": mean([r.reviews for r in ls]),
            "reviews_per_week": [mean([r.reviews_per_week[i] for r in ls if i < len(r.reviews_per_week)])
                                 for i in range(weeks)],
            "review_minutes_per_day": {
                "mean": statistics.fmean(minutes) if minutes else 0.0,
                "p95": minutes[min(len(minutes) - 1, int(0.95 * len(minutes)))] if minutes else 0.0,
                "max": minutes[-1] if minutes else 0.0},
            "retention": mean([r.retention for r in ls]),
            "low_share": mean([r.low_share for r in ls]),
            "recall_at_review": mean([r.recall_at_review for r in ls]),
            "recalled_share": mean([r.recalled_share for r in ls]),
            "learned": mean([r.learned for r in ls]),
            "milestone_error_weeks_median": statistics.median(errors) if errors else None,
            "milestone_error_weeks_p90": sorted(errors)[min(len(errors) - 1, int(0.9 * len(errors)))] if errors else None,
            "milestones_reached": sum(1 for r in ls for m in r.milestones.values() if m["reached"]),
            "days_over_budget": mean([r.days_over_budget for r in ls]),
        }

    def to_json(self) -> dict:
        """Config, arm, summary and each learner's result, as plain JSON values."""
        return {"config": self.config, "arm": self.arm, "curriculum": self.curriculum,
                "summary": self.summary(), "learners": [asdict(r) for r in self.learners]}


def _template(folder: Path) -> Path:
    """One migrated empty database, copied for each learner (migrating once saves most of the start-up)."""
    from roadmap.store import open_database

    path = folder / "template.db"
    engine = open_database(path)
    engine.dispose()
    return path


def _rating(rng: random.Random, recalled: bool, overconfidence: float) -> tuple[int, int]:
    """(true rating, rating given) for a review: a lapse is truly Again; an over-confident learner may say Good."""
    if not recalled:
        return 1, (3 if rng.random() < overconfidence else 1)
    u, acc = rng.random(), 0.0
    for r, p in RECALL_RATINGS:
        acc += p
        if u < acc:
            return r, r
    return 3, 3


def simulate_learner(curriculum: Curriculum, config: SimConfig, index: int, *, folder: Path,
                     template: Path, truth: LearnerTruth | None = None) -> LearnerResult:
    """Run one learner for ``config.days`` days through the real core; see the module doc.

    Parameters
    ----------
    curriculum : Curriculum
        Loaded once and shared by all learners.
    config : SimConfig
    index : int
        The learner's number (seeds it with ``config.seed``).
    folder : Path
        Where the learner's database file goes.
    template : Path
        A migrated empty database to copy.
    truth : LearnerTruth, optional
        Drawn from the seed when None.
    """
    from roadmap.actions import milestones as milestone_actions, review as review_actions, settings as settings_actions
    from roadmap.actions import skills as skill_actions, timeoff as timeoff_actions, week as week_actions
    from roadmap.planning import day_capacities, milestone_progress
    from roadmap.review import check_ids_of
    from roadmap.review.scheduling import TrueMemory
    from roadmap.status import Status
    from roadmap.workspace import Workspace

    seed = f"{config.seed}:{index}"
    rng = random.Random(seed)
    truth = truth or draw_truth(curriculum, config, rng)
    memory = TrueMemory(truth.parameters, origin=START)
    path = folder / f"learner-{index}.db"
    shutil.copyfile(template, path)
    ws = Workspace(db=path)
    ws.curriculum = curriculum  # the curriculum is read once for all learners
    try:
        settings_actions.set_many(ws, {
            "timezone": "UTC", "weekly_hours": f"{config.weekly_hours:g}",
            "desired_retention": f"{config.desired_retention:g}",
            "daily_review_cap": str(config.daily_review_cap), "review_minutes": f"{config.review_minutes:g}",
            "graph_credit": "on" if config.graph_credit else "off"})
        days = config.days
        off: list[tuple[date, date]] = []
        for year in range(-(-days // 365)):
            for _ in range(config.time_off_weeks):
                first = START.date() + timedelta(days=365 * year + rng.randrange(0, 358))
                if not any(a <= first + timedelta(days=6) and first <= b for a, b in off):
                    off.append((first, first + timedelta(days=6)))
                    timeoff_actions.add(ws, first, first + timedelta(days=6), "simulated")
        start_now = START + timedelta(hours=REVIEW_HOUR)
        forecasts = {f.progress.id: f.forecast for f in milestone_actions.milestone_forecasts(ws, now=start_now)}
        settings = settings_actions.current(ws)
        capacity = day_capacities(settings, [START.date() + timedelta(days=d) for d in range(days)])
        result = _run(ws, curriculum, config, truth, memory, rng, days, capacity, forecasts,
                      review_actions, skill_actions, week_actions, milestone_progress, check_ids_of, Status)
        result.seed = seed
        return result
    finally:
        ws.close()


def _run(ws, curriculum, config, truth, memory, rng, days, capacity, forecasts,
         review_actions, skill_actions, week_actions, milestone_progress, check_ids_of, Status) -> LearnerResult:
    cards: dict[tuple[str, str], object] = {}  # (skill, check) -> TrueCard
    checks_of = {sid: check_ids_of(s) for sid, s in curriculum.skills.items()}
    prereq_edges = {sid: [(p, truth.transfer.get((sid, p), 0.0)) for p in s.requires]
                    for sid, s in curriculum.skills.items()}
    statuses: dict[str, Status] = {}
    logged: dict[str, float] = {}
    reached: dict[str, date] = {}
    res = LearnerResult(seed="")
    r_sum = r_n = r_low = 0
    at_review: list[float] = []
    recalled_n = 0
    all_learned = False
    known_due: dict[tuple[str, str], date] = {}  # each check's due day as the core last said (a lower bound)
    plan, plan_day, replan = None, 0, False  # the week plan being followed, the day it was read
    # Study time not logged yet, minutes per skill: the learner logs a skill's time when its hours are
    # done and, for the others, before reading a new plan (dated the night before, so it counts on the
    # day studied, not against today's plan). Fewer, longer sessions; the same hours on the same days' plan.
    pending: dict[str, int] = {}

    def flush(sid: str, now: datetime) -> float:
        """Log the skill's pending minutes (sessions of at most a day); returns the core's hours left."""
        minutes, left = pending.pop(sid, 0), None
        while minutes > 0:
            part = min(minutes, 24 * 60)
            left = skill_actions.log_time(ws, sid, part / 60, now=now).hours_left
            minutes -= part
        return curriculum.skills[sid].hours - logged.get(sid, 0.0) if left is None else left

    for d in range(days):
        day = START.date() + timedelta(days=d)
        t_review = START + timedelta(days=d, hours=REVIEW_HOUR)
        # The truth, sampled once a day (before the day's reviews): every learned check counts.
        for c in cards.values():
            r = memory.retrievability(c, d + REVIEW_HOUR / 24)
            r_sum += r
            r_n += 1
            r_low += r < LOW_RETRIEVABILITY
        # The learner opens the review queue on days something may be due: due days come only from the
        # core's answers (a review's next due day, a learned skill's first review), so skipping the other
        # days changes nothing but the run time.
        items = []
        if known_due and min(known_due.values()) <= day:
            queue = review_actions.due(ws, now=START + timedelta(days=d, hours=PLAN_HOUR))
            items = queue.items
            if not queue.day_off and queue.moved == 0:
                shown = {(i.skill_id, i.check_id) for i in queue.items}
                for key, when in known_due.items():
                    if when <= day and key not in shown:
                        known_due[key] = day + timedelta(days=1)  # a later check of a newly learned skill
        # The day's plan, read in the morning before the reviews (the real `week` action). The week's
        # plan holds while the learner follows it: it is read again only when it runs out, a skill was
        # learned, or today's reviews are not the ones it expected (they set today's study minutes).
        blocks = []
        if not all_learned:
            k = d - plan_day
            if plan is None or replan or k >= len(plan.days) or plan.days[k].reviews != len(items):
                night = START + timedelta(days=d, hours=NIGHT_HOUR)
                for j, sid in enumerate(sorted(pending)):
                    flush(sid, night + timedelta(seconds=j))
                plan = week_actions.week_plan(ws, now=START + timedelta(days=d, hours=PLAN_HOUR)).plan
                plan_day, k, replan = d, 0, False
                res.plans_read += 1
            blocks = [b for b in plan.days[k].blocks if b.minutes > 0]
        n = 0
        for item in items:
            now = t_review + timedelta(seconds=30 * n)
            x = d + (REVIEW_HOUR + n / 120) / 24
            key = (item.skill_id, item.check_id)
            card = cards[key]
            r = memory.retrievability(card, x)
            recalled = rng.random() < r
            true_rating, given = _rating(rng, recalled, truth.overconfidence)
            out = review_actions.review(ws, item.skill_id, given, now=now, check_id=item.check_id,
                                        duration_seconds=config.review_minutes * 60)
            known_due[key] = out.outcome.due_day
            cards[key] = memory.review(card, true_rating, x)
            if config.transfer and recalled:
                for p, w in prereq_edges[item.skill_id]:
                    if w > 0:
                        for cid in checks_of[p]:
                            if (p, cid) in cards:
                                cards[(p, cid)] = memory.partial(cards[(p, cid)], w, x)
            at_review.append(r)
            recalled_n += recalled
            n += 1
        review_minutes = n * config.review_minutes
        res.reviews += n
        res.review_minutes_per_day.append(review_minutes)
        if d % 7 == 0:
            res.reviews_per_week.append(0)
        res.reviews_per_week[-1] += n
        study = 0
        if blocks:
            t_study = START + timedelta(days=d, hours=STUDY_HOUR)
            k = 0
            for block in blocks:
                sid = block.skill_id
                study += block.minutes
                pending[sid] = pending.get(sid, 0) + block.minutes
                logged[sid] = logged.get(sid, 0.0) + block.minutes / 60
                statuses.setdefault(sid, Status.IN_PROGRESS)
                if logged[sid] < curriculum.skills[sid].hours - 1e-9:
                    continue
                # The skill's hours are done: the learner logs its time and marks it learned.
                now = t_study + timedelta(minutes=k)
                k += 1
                left = flush(sid, now)
                if left > 1e-9:
                    continue
                (change,) = skill_actions.set_status(ws, [sid], Status.LEARNED, now=now)
                statuses[sid] = Status.LEARNED
                replan = True
                x = d + (STUDY_HOUR + k / 60) / 24
                for cid in checks_of[sid]:
                    cards[(sid, cid)] = memory.review(None, 3, x)
                    known_due[(sid, cid)] = change.first_review or day
                for p in milestone_progress(curriculum, statuses, logged):
                    if p.reached and p.id not in reached:
                        reached[p.id] = day
                all_learned = sum(1 for s in statuses.values() if s == Status.LEARNED) == len(curriculum.skills)
        if review_minutes + study > capacity[day] * 60 + 1:
            res.days_over_budget += 1
    res.retention = r_sum / r_n if r_n else None
    res.low_share = r_low / r_n if r_n else None
    res.recall_at_review = statistics.fmean(at_review) if at_review else None
    res.recalled_share = recalled_n / len(at_review) if at_review else None
    res.learned = sum(1 for s in statuses.values() if s == Status.LEARNED)
    for mid, f in forecasts.items():
        got = reached.get(mid)
        res.milestones[mid] = {"forecast": f.isoformat() if f else None, "reached": got.isoformat() if got else None,
                               "error_weeks": round((got - f).days / 7, 2) if (got and f) else None}
    return res


CLI_OPTIONS = {"years": "--years", "weekly_hours": "--weekly-hours", "learners": "--learners",
               "desired_retention": "--desired-retention", "daily_review_cap": "--daily-cap",
               "overconfidence": "--overconfidence", "parameter_spread": "--spread",
               "time_off_weeks": "--time-off-weeks"}
"""The ``roadmap simulate`` option of each :class:`SimConfig` field it sets (for messages)."""


def _ignore_interrupt() -> None:
    """Pool worker initializer: Ctrl+C is the parent's to handle (it stops the pool), not each worker's."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by the parent while forking


_JOB: dict = {}  # what pool workers share (inherited by fork): curriculum, config, template


def _work(index: int) -> LearnerResult:
    """Run learner ``index`` in a pool worker with what :data:`_JOB` holds; its database is removed after."""
    job = _JOB
    try:
        return simulate_learner(job["curriculum"], job["config"], index, folder=job["folder"],
                                template=job["template"])
    finally:
        (job["folder"] / f"learner-{index}.db").unlink(missing_ok=True)


def simulate(config: SimConfig, *, curriculum: Curriculum | None = None, curriculum_path: str | Path | None = None,
             jobs: int | None = None,
             progress: Callable[[int, int], None] | None = None) -> SimResult:
    """Simulate ``config.learners`` learners (see the module doc); deterministic for a given config.

    ``curriculum`` (already loaded) or ``curriculum_path`` (TOML; the bundled
    curriculum when both are None). ``jobs``: worker processes (default
    ``os.cpu_count()``; 1 runs in this process); each learner is seeded by
    its own number, so the result is the same for any ``jobs``. Workers are
    forked (they share the loaded curriculum); where fork is not available
    the learners run in this process. ``progress(done, total)``, if given, is
    called in this process with the number of learners finished so far (0 at the
    start, then after each). Workers ignore SIGINT: Ctrl+C raises
    KeyboardInterrupt here only, and the pool is terminated. Raises
    SimulationError for options out of range, CurriculumError for a bad
    curriculum file.
    """
    import multiprocessing

    from roadmap import curriculum as curriculum_mod

    config.check()
    if jobs is not None and jobs < 1:
        raise SimulationError(f"jobs = {jobs} is out of range; it takes at least 1")
    cur = curriculum if curriculum is not None else curriculum_mod.load(curriculum_path)
    name = str(curriculum_path) if curriculum_path else ("given" if curriculum is not None else "bundled")
    jobs = min(jobs or os.cpu_count() or 1, config.learners)
    if "fork" not in multiprocessing.get_all_start_methods():
        jobs = 1
    # On a memory file system when there is one: each action commits, and fsync would dominate the run.
    shm = Path("/dev/shm")
    where = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="roadmap-sim-", dir=where) as tmp:
        folder = Path(tmp)
        _JOB.update(curriculum=cur, config=config, folder=folder, template=_template(folder))
        try:
            tell = progress or (lambda done, total: None)
            tell(0, config.learners)
            learners = []
            if jobs == 1:
                for i in range(config.learners):
                    learners.append(_work(i))
                    tell(len(learners), config.learners)
            else:
                import signal
                import threading

                # SIGINT is blocked while the workers are forked (they inherit the mask; their initializer
                # ignores SIGINT, then unblocks it), so a Ctrl+C then waits for the parent, which gets it as
                # KeyboardInterrupt inside the block: leaving it terminates the pool.
                main = threading.current_thread() is threading.main_thread()
                mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if main else None
                try:
                    pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_ignore_interrupt)
                except BaseException:
                    if mask is not None:
                        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
                    raise
                with pool:
                    if mask is not None:
                        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a pending Ctrl+C arrives here
                    for one in pool.imap(_work, range(config.learners), chunksize=1):  # in order
                        learners.append(one)
                        tell(len(learners), config.learners)
        finally:
            _JOB.clear()
    return SimResult(asdict(config), "graph credit on" if config.graph_credit else "graph credit off", name, learners)
