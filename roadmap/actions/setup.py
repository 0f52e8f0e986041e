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
        IANA zone name, or ``system``.
    target : tuple (milestone id, date) or None
        The milestone that matters most and its target date (sets ``target.<id>``).
    known : tuple of str
        Skills already known: marked learned as prior knowledge with every unlearned prerequisite.
    """

    weekly_hours: str | None = None
    study_days: str | None = None
    timezone: str | None = None
    target: tuple[str, date] | None = None
    known: tuple[str, ...] = field(default_factory=tuple)

    def settings(self) -> dict[str, str]:
        """The settings these choices store: key -> text as typed."""
        out = {}
        for key in ("weekly_hours", "study_days", "timezone"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.target is not None:
            out[f"target.{self.target[0]}"] = self.target[1].isoformat()
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


def check_setup(ws: Workspace, choices: SetupChoices) -> list[str]:
    """Every problem with ``choices`` (empty when they can be applied); reads nothing but the curriculum."""
    from roadmap import settings as sm
    from roadmap.progress import resolve_ids

    problems = []
    milestones = {m.id for m in ws.curriculum.milestones}
    for key, text in choices.settings().items():
        try:
            sm.normalize(key, text, milestone_ids=milestones)
        except RoadmapError as e:
            problems.append(str(e))
    if choices.known:
        try:
            resolve_ids(ws.curriculum, list(choices.known))
        except RoadmapError as e:
            problems.append(str(e))
    return problems


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

    problems = check_setup(ws, choices)
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
