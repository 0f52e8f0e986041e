"""First-run setup: weekly hours, study days, time zone, the milestone that matters most, what you already know.

Both faces call :func:`apply_setup` (the app's Setup screen and ``roadmap
setup``). Everything is validated before anything is written, and written in
one transaction: settings, the target date and the prior knowledge (the
skills known and their prerequisites, see :func:`roadmap.progress.learn_prior`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from roadmap.errors import RoadmapError

if TYPE_CHECKING:
    from roadmap.actions.skills import StatusChange
    from roadmap.settings import Settings
    from roadmap.workspace import Workspace


class SetupError(RoadmapError):
    """A setup choice that is not valid (every problem is named; nothing is written)."""


@dataclass(frozen=True)
class SetupChoices:
    """What the learner chose; None (or empty) leaves a setting as it is.

    Attributes
    ----------
    weekly_hours : str or None
        Hours per week, as typed (``"8"``).
    study_days : str or None
        ``MO,WE,SA=3`` (see :func:`roadmap.settings.parse_study_days`).
    timezone : str or None
        IANA zone name, or ``system``; '' is refused (leave it None to keep the stored zone).
    target : tuple (milestone id, date) or None
        The milestone that matters most and its target date (sets ``target.<id>``).
    known : tuple of str
        Skills already known: marked learned as prior knowledge with every unlearned prerequisite.
    targets : tuple of str
        Further targets as typed, ``MILESTONE=YYYY-MM-DD`` each (``roadmap setup --target``, which may
        be given once per milestone); checked by :func:`check_setup` like ``target``.
    """

    weekly_hours: str | None = None
    study_days: str | None = None
    timezone: str | None = None
    target: tuple[str, date] | None = None
    known: tuple[str, ...] = field(default_factory=tuple)
    targets: tuple[str, ...] = field(default_factory=tuple)

    def all_targets(self) -> list[tuple[str, date]]:
        """``target`` and every ``targets`` text that reads as MILESTONE=YYYY-MM-DD, as (milestone id, date)."""
        out = [self.target] if self.target is not None else []
        for text in self.targets:
            try:
                out.append(parse_target(text))
            except RoadmapError:
                continue
        return out

    def settings(self) -> dict[str, str]:
        """The settings these choices store: key -> text as typed."""
        out = {}
        for key in ("weekly_hours", "study_days", "timezone"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        for mid, when in self.all_targets():
            out[f"target.{mid}"] = when.isoformat()
        return out


@dataclass(frozen=True)
class SetupResult:
    """What setup wrote: each setting stored (key -> normalised text) and each skill marked as prior knowledge."""

    settings: dict[str, str]
    known: list[StatusChange]


def detected_timezone() -> str:
    """The computer's IANA time zone name (``Europe/Berlin``), or '' if it has none that can be named."""
    from roadmap.days import system_zone

    return getattr(system_zone(), "key", "") or ""


def is_first_run(ws: Workspace) -> bool:
    """True when the database is empty: no settings, progress, reviews, study time or time off yet."""
    from sqlmodel import select

    from roadmap.models import ReviewLog, Setting, SkillProgress, StudySession, TimeOff

    with ws.read() as s:
        return not any(s.exec(select(m).limit(1)).first() is not None
                       for m in (Setting, SkillProgress, ReviewLog, StudySession, TimeOff))


def parse_target(text: str) -> tuple[str, date]:
    """``MILESTONE=YYYY-MM-DD`` to (milestone id, date). Raises SetupError otherwise."""
    from roadmap.settings import SettingsError, parse_date

    mid, eq, when = text.partition("=")
    if not eq or not mid.strip():
        raise SetupError(f"--target {text!r}: use MILESTONE=YYYY-MM-DD, e.g. entry-level=2028-06-30")
    try:
        return mid.strip(), parse_date(when.strip(), what=f"target date for {mid.strip()}")
    except SettingsError as e:
        raise SetupError(str(e)) from None


def check_setup(ws: Workspace, choices: SetupChoices, *, now: datetime | None = None,
                stored: Settings | None = None) -> list[str]:
    """Every problem with ``choices``, all in one pass (empty when they can be applied).

    Checked: weekly hours, study days, the two together (fixed day hours must fit the weekly hours,
    :func:`roadmap.settings.budget_problem`), the time zone (an IANA zone key, or ``system``), each
    target (its form, milestone id and date, not before today in the learner's zone, each milestone
    once) and the known skill ids. Reads the curriculum and the stored settings (for what
    ``choices`` leave as they are; ``stored``: those settings read already, so nothing is read from the
    database); ``now`` (UTC) defaults to :func:`roadmap.clock.now`. "Today" is the study day (after the
    day rollover), as for ``config`` and the Today screen.
    """
    from roadmap import clock, settings as sm
    from roadmap.actions.settings import current
    from roadmap.days import study_day, zone
    from roadmap.progress import resolve_ids

    problems: list[str] = []
    stored = stored if stored is not None else current(ws)
    milestones = {m.id for m in ws.curriculum.milestones}

    def check(what: str | None, parse):
        try:
            return parse()
        except RoadmapError as e:
            problems.append(str(e) if what is None or what in str(e) else f"{what}: {e}")
            return None

    hours = stored.weekly_hours
    if choices.weekly_hours is not None:
        hours = check("weekly_hours", lambda: sm.SPECS["weekly_hours"].parse(choices.weekly_hours))
    days = stored.study_days
    if choices.study_days is not None:
        days = check("study_days", lambda: sm.parse_study_days(choices.study_days))
    if hours is not None and days is not None:
        problem = sm.budget_problem(hours, days)
        if problem:
            problems.append(problem)
    zone_name = stored.timezone
    if choices.timezone is not None:
        if not choices.timezone.strip():
            problems.append("timezone: give a zone name, e.g. Europe/Berlin, or 'system' for the computer's "
                            "zone (leave the option out to store the detected zone)")
        else:
            ok = check("timezone", lambda: sm.check_zone_key(choices.timezone) or True)
            if ok:  # else the stored zone decides what today is; the zone's problem is named already
                zone_name = sm.SPECS["timezone"].parse(choices.timezone)
    today = study_day(now or clock.now(), zone(zone_name), stored.rollover_hour)  # Today's study day
    parsed: list[tuple[str, date] | None] = [choices.target] if choices.target is not None else []
    for text in choices.targets:
        parsed.append(_check_target(text, milestones, problems))
    seen: set[str] = set()
    for item in parsed:
        if item is None:
            continue
        mid, when = item
        if choices.target is not None and item is choices.target:
            check(f"target.{mid}", lambda: sm.normalize(f"target.{mid}", when.isoformat(), milestone_ids=milestones))
        if mid in seen:
            problems.append(f"--target {mid} is given twice; give each milestone one target date")
        seen.add(mid)
        problem = sm.past_target(when, today) if today is not None else None
        if problem:
            problems.append(f"target date for {mid} {problem}")
    if choices.known:
        check(None, lambda: resolve_ids(ws.curriculum, list(choices.known)))
    return problems


def _check_target(text: str, milestones: set[str], problems: list[str]) -> tuple[str, date] | None:
    """Read one ``MILESTONE=YYYY-MM-DD``, adding every problem (form, milestone id, date) to ``problems``."""
    from roadmap import settings as sm

    mid, eq, when = text.partition("=")
    mid = mid.strip()
    if not eq or not mid:
        problems.append(f"--target {text!r}: use MILESTONE=YYYY-MM-DD, e.g. entry-level=2028-06-30")
        return None
    ok = True
    try:
        sm.normalize(f"target.{mid}", "none", milestone_ids=milestones)
    except RoadmapError as e:
        problems.append(f"--target {text}: {e}")
        ok = False
    try:
        day = sm.parse_date(when.strip(), what=f"target date for {mid}")
    except RoadmapError as e:
        problems.append(f"--target {text}: {e}")
        return None
    return (mid, day) if ok else None


def apply_setup(ws: Workspace, choices: SetupChoices, *, now: datetime) -> SetupResult:
    """Validate every choice, then store them all in one transaction (all or nothing).

    Settings come first, so the prior knowledge's first reviews follow the
    chosen time zone and ``prior_spread_weeks``.

    Raises
    ------
    SetupError
        Naming every invalid choice; nothing is written.
    ClockWentBackError
        ``now`` is before the newest row of a known skill's history; nothing is written.
    """
    from roadmap import settings_store
    from roadmap.actions.skills import _first_reviews, prior_changes
    from roadmap.progress import learn_prior

    problems = check_setup(ws, choices, now=now)
    if problems:
        raise SetupError("setup not saved (nothing was changed):\n" + "\n".join(f"  {p}" for p in problems))
    cur = ws.curriculum
    milestones = {m.id for m in cur.milestones}
    stored = {}
    changes = []
    with ws.write() as s:
        for key, text in choices.settings().items():
            stored[key] = settings_store.set_value(s, key, text, milestone_ids=milestones)
        s.flush()
        if choices.known:
            settings = settings_store.load(s)
            marked = learn_prior(s, cur, list(choices.known), now=now, settings=settings)
            s.flush()
            first = _first_reviews(s, settings.calendar, [c.skill_id for c in marked if c.before != c.after])
            changes = prior_changes(cur, marked, first)
    return SetupResult(stored, changes)
