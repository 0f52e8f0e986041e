"""The learner's settings as a value: definitions, parsing and validation (no storage).

Every setting has a key, a default, a parser that validates text typed by the
user (``roadmap config KEY VALUE`` or the TUI) and a one-line help.
:class:`Settings` is the typed, immutable view the core functions take as an
argument. Milestone target dates are settings too, under keys
``target.<milestone-id>``.

This module is pure (it imports no SQLModel), so the planner can use it
without loading the database layer. Reading and writing the ``setting``
table lives in :mod:`roadmap.settings_store`; ``load``, ``set_value`` and
``reset_value`` are still reachable here (imported on first use) for callers
written before the split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any, Callable, Mapping

from roadmap.errors import RoadmapError

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
TARGET_PREFIX = "target."


class SettingsError(RoadmapError):
    """An unknown setting key or a value the setting does not accept."""


@dataclass(frozen=True)
class Settings:
    """The learner's settings, typed. Units are in the names.

    Attributes
    ----------
    weekly_hours : float
        Study budget per week, hours (0 < h <= 168).
    study_days : Mapping[int, float | None]
        Study weekdays (0 = Monday) to fixed hours for that day, or None for
        an even share of what remains of the weekly budget.
    study_time : datetime.time
        Local time at which study blocks start (calendar export).
    review_minutes : float
        Estimated minutes per review (before the learner has logged enough).
    desired_retention : float
        FSRS target probability of recall at the due date, 0.70-0.99.
    max_interval_days : int
        Longest interval between two reviews, days.
    learning_steps_minutes : tuple of float
        Short-term FSRS learning steps after a skill is learned, minutes; empty
        (the default) gives day-scale reviews only.
    rollover_hour : int
        Local hour at which a new study day begins, 0-23.
    timezone : str
        IANA zone name; '' means the system's zone.
    daily_review_cap : int
        Most reviews presented on one study day.
    targets : Mapping[str, date]
        Milestone id to target date.
    parallel_skills : int
        Skills the weekly plan works on at once, 1-4 (each gets an equal share of a study day).
    tracks : tuple of str
        The learner's chosen tracks (elective specialisations), by track id, in the order chosen.
    prior_spread_weeks : int
        Weeks over which the first reviews of skills marked as prior knowledge
        are spread (1-26).
    graph_credit : bool
        Review credit through the prerequisite graph (:mod:`roadmap.review.credit`): a
        successful review of a skill also counts, partly, for the skills it encompasses.
        Off by default until the simulator's measurement decides.
    max_credit_days : int
        Graph credit never moves a card's due date beyond its last explicit review plus
        this many days (1-36500), so every card is reviewed explicitly at least that often.
    """

    weekly_hours: float = 10.0
    study_days: Mapping[int, float | None] = field(default_factory=lambda: {d: None for d in range(7)})
    study_time: time = time(19, 0)
    review_minutes: float = 5.0
    desired_retention: float = 0.90
    max_interval_days: int = 3650
    learning_steps_minutes: tuple[float, ...] = ()
    rollover_hour: int = 4
    timezone: str = ""
    daily_review_cap: int = 30
    prior_spread_weeks: int = 3
    targets: Mapping[str, date] = field(default_factory=dict)
    parallel_skills: int = 2
    tracks: tuple[str, ...] = ()
    graph_credit: bool = False
    max_credit_days: int = 180

    @property
    def calendar(self):
        """The :class:`roadmap.days.StudyCalendar` of these settings (zone + rollover hour).

        Raises TimeZoneError if ``timezone`` names no known zone.
        """
        from roadmap.days import StudyCalendar

        return StudyCalendar.of(self)


@dataclass(frozen=True)
class Spec:
    """How one setting is parsed, shown and explained."""

    key: str
    field: str
    parse: Callable[[str], Any]
    show: Callable[[Any], str]
    help: str


def _number(lo: float, hi: float, *, integer: bool = False, what: str) -> Callable[[str], Any]:
    def parse(text: str):
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            raise SettingsError(f"{text!r} is not {'a whole number' if integer else 'a number'}; "
                                f"{what}: {lo:g} to {hi:g}") from None
        if not (lo <= value <= hi) or value != value:
            raise SettingsError(f"{text} is out of range; {what}: {lo:g} to {hi:g}")
        return value
    return parse


def _positive_hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise SettingsError(f"{text!r} is not a number; weekly_hours takes hours per week, from 0.5 to 168") from None
    if not (0.5 <= value <= 168):
        raise SettingsError(f"{text} is out of range; weekly_hours takes hours per week, from 0.5 to 168")
    return value


def parse_study_days(text: str) -> dict[int, float | None]:
    """Parse ``MO,TU,TH,SA=3`` into {0: None, 1: None, 3: None, 5: 3.0}.

    Days are iCalendar (RFC 5545) two-letter weekday codes; ``=H`` fixes that
    day's hours. Raises SettingsError on anything else.
    """
    out: dict[int, float | None] = {}
    parts = [p.strip() for p in text.replace(" ", "").split(",") if p.strip()]
    if not parts:
        raise SettingsError("study_days needs at least one day, e.g. MO,TU,TH,SA=3")
    for part in parts:
        m = re.fullmatch(r"([A-Za-z]{2})(?:=(-?\d+(?:\.\d+)?)h?)?", part)
        if not m or m.group(1).upper() not in WEEKDAYS:
            raise SettingsError(f"{part!r} is not a study day; use two-letter days "
                                f"{','.join(WEEKDAYS)}, optionally with hours as SA=3")
        day = WEEKDAYS.index(m.group(1).upper())
        if day in out:
            raise SettingsError(f"{m.group(1).upper()} is listed twice in study_days")
        hours = float(m.group(2)) if m.group(2) else None
        if hours is not None and not (0 < hours <= 24):
            raise SettingsError(f"{part!r}: a day's hours must be above 0 and at most 24")
        out[day] = hours
    return dict(sorted(out.items()))


def show_study_days(days: Mapping[int, float | None]) -> str:
    """The inverse of :func:`parse_study_days`."""
    return ",".join(WEEKDAYS[d] + (f"={h:g}" if h is not None else "") for d, h in sorted(days.items()))


def _time(text: str) -> time:
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise SettingsError(f"{text!r} is not a time of day; use HH:MM, e.g. 19:30")
    return time(int(m.group(1)), int(m.group(2)))


NOT_ZONES = frozenset({"localtime", "posixrules", "factory"})
"""Names the zoneinfo database holds that are no IANA time zone (compared lower-case)."""


def _timezone(text: str) -> str:
    from roadmap.days import TimeZoneError, zone

    text = text.strip()
    if text.lower() in ("", "system", "local"):
        return ""
    if text.lower() in NOT_ZONES or text.lower().startswith(("posix/", "right/")):
        raise SettingsError(f"{text!r} is not an IANA time zone; use a zone name such as Europe/Berlin, "
                            "America/New_York or UTC, or 'system' for the computer's zone")
    try:
        zone(text)
    except TimeZoneError as e:
        raise SettingsError(str(e)) from None
    return text


def check_zone_key(text: str) -> None:
    """Raise SettingsError unless ``text`` is '' / ``system`` or an IANA zone key that
    :func:`zoneinfo.available_timezones` lists (so ``localtime``, ``posixrules`` or ``Factory``, which
    the zone database holds but which are no time zones, are refused). Reads the zone database: for
    validating typed input only, not for every stored read."""
    from zoneinfo import available_timezones

    name = _timezone(text)
    if name and name not in available_timezones():
        raise SettingsError(f"{text.strip()!r} is not an IANA time zone; use a zone name such as Europe/Berlin, "
                            "America/New_York or UTC, or 'system' for the computer's zone")


def budget_problem(weekly_hours: float, study_days: Mapping[int, float | None]) -> str | None:
    """What is wrong when ``study_days``' fixed hours (``SA=3``) do not fit ``weekly_hours``, or None.

    The rule (the weekly plan shares ``weekly_hours`` minus the fixed hours evenly among the listed
    days without fixed hours, :class:`Settings`): the fixed hours may not exceed ``weekly_hours``, and
    when some listed day has no fixed hours they must leave it some time. Every day fixed and summing
    to less than ``weekly_hours`` is allowed (the fixed hours are the plan; see
    :func:`roadmap.actions.settings.budget_notes`). Hours per week.
    """
    fixed = sum(h for h in study_days.values() if h is not None)
    shown = show_study_days({d: h for d, h in study_days.items() if h is not None})
    free = [WEEKDAYS[d] for d, h in sorted(study_days.items()) if h is None]
    if fixed > weekly_hours + 1e-9:
        return (f"the fixed study days ({shown}) take {fixed:g} h a week, more than weekly_hours "
                f"({weekly_hours:g}); raise weekly_hours to at least {fixed:g}"
                + (" (more, to leave time for " + ",".join(free) + ")" if free else "")
                + " or fix fewer hours in study_days")
    if free and fixed >= weekly_hours - 1e-9:
        return (f"the fixed study days ({shown}) take all of weekly_hours ({weekly_hours:g}), leaving no time "
                f"for {','.join(free)}; raise weekly_hours above {fixed:g}, fix fewer hours, "
                f"or drop {','.join(free)} from study_days")
    return None


def _steps(text: str) -> tuple[float, ...]:
    from roadmap.durations import DurationError, parse_duration

    text = text.strip()
    if text.lower() in ("", "none", "-"):
        return ()
    out = []
    for part in text.split(","):
        try:
            hours = parse_duration(part)
        except DurationError as e:
            raise SettingsError(f"learning_steps: {e}; e.g. 10m,1h or none") from None
        if hours > 24:
            raise SettingsError(f"learning_steps: {part.strip()} is longer than a day; steps are short-term")
        out.append(round(hours * 60, 3))
    return tuple(out)


def _show_steps(steps: tuple[float, ...]) -> str:
    return ",".join(f"{m:g}m" for m in steps) or "none"


def _tracks(text: str) -> tuple[str, ...]:
    text = text.strip()
    if text.lower() in ("", "none", "-"):
        return ()
    out: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", part):
            raise SettingsError(f"tracks: {part!r} is not a track id; list track ids separated by commas, "
                                "e.g. nlp-track,systems-track (roadmap tracks are in the curriculum's [[track]] tables)")
        if part in out:
            raise SettingsError(f"tracks: {part} is listed twice")
        out.append(part)
    return tuple(out)


def _switch(key: str) -> Callable[[str], bool]:
    def parse(text: str) -> bool:
        value = text.strip().lower()
        if value in ("on", "true", "yes", "1"):
            return True
        if value in ("off", "false", "no", "0"):
            return False
        raise SettingsError(f"{text!r} is not on or off; {key} takes on or off")
    return parse


def _show_switch(value: bool) -> str:
    return "on" if value else "off"


def _show_tracks(tracks: tuple[str, ...]) -> str:
    return ",".join(tracks) or "none"


def past_target(when: date, today: date) -> str | None:
    """What is wrong with target date ``when`` on study day ``today`` (a target is from today on), or None.
    The one rule of ``setup``, ``config``, the Settings screen and the target dialog."""
    if when >= today:
        return None
    return f"{when.isoformat()} is in the past (today is {today.isoformat()}); give a date from today on"


def parse_date(text: str, *, what: str = "date") -> date:
    """Parse ``YYYY-MM-DD``. Raises SettingsError naming ``what`` and the accepted form."""
    from roadmap.clock import MAX_YEAR, MIN_YEAR

    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise SettingsError(f"{what} {text!r} is not a date; use YYYY-MM-DD, e.g. 2027-06-30") from None
    if not (MIN_YEAR <= value.year <= MAX_YEAR):
        raise SettingsError(f"{what} {text!r} is outside the years {MIN_YEAR}-{MAX_YEAR}")
    return value


SPECS: dict[str, Spec] = {s.key: s for s in [
    Spec("weekly_hours", "weekly_hours", _positive_hours, lambda v: f"{v:g}",
         "Study budget per week, in hours (0.5 to 168)."),
    Spec("study_days", "study_days", parse_study_days, show_study_days,
         "Study weekdays as MO,TU,WE,TH,FR,SA,SU; SA=3 fixes that day's hours."),
    Spec("study_time", "study_time", _time, lambda v: v.strftime("%H:%M"),
         "Local time at which study blocks start in calendar exports (HH:MM)."),
    Spec("review_minutes", "review_minutes", _number(0.5, 120, what="review_minutes takes minutes"), lambda v: f"{v:g}",
         "Estimated minutes per review, until enough review durations are logged."),
    Spec("desired_retention", "desired_retention", _number(0.70, 0.99, what="desired_retention takes"),
         lambda v: f"{v:g}",
         "Probability of recall FSRS aims for at each due date (0.70 to 0.99); higher means more reviews."),
    Spec("max_interval_days", "max_interval_days",
         _number(1, 36500, integer=True, what="max_interval_days takes days"), str,
         "Longest gap between two reviews of a skill, in days (1 to 36500)."),
    Spec("learning_steps", "learning_steps_minutes", _steps, _show_steps,
         "Short-term steps after learning a skill, e.g. 10m,1h; 'none' (default) for day-scale reviews only."),
    Spec("rollover_hour", "rollover_hour", _number(0, 23, integer=True, what="rollover_hour takes a local hour"), str,
         "Local hour at which a new study day begins (0 to 23)."),
    Spec("timezone", "timezone", _timezone, lambda v: v or "system",
         "IANA time zone, e.g. Europe/Berlin; 'system' for the computer's zone."),
    Spec("daily_review_cap", "daily_review_cap",
         _number(1, 1000, integer=True, what="daily_review_cap takes a number of reviews"), str,
         "Most reviews shown on one study day; a larger backlog is spread over the next days."),
    Spec("parallel_skills", "parallel_skills",
         _number(1, 4, integer=True, what="parallel_skills takes a number of skills"), str,
         "Skills studied at once (1 to 4); they share each study day, from different categories when possible."),
    Spec("tracks", "tracks", _tracks, _show_tracks,
         "Chosen tracks (electives), comma-separated track ids, e.g. nlp-track; 'none' to choose none."),
    Spec("prior_spread_weeks", "prior_spread_weeks",
         _number(1, 26, integer=True, what="prior_spread_weeks takes weeks"), str,
         "Weeks over which the first reviews of skills you already knew (prior knowledge) are spread (1 to 26)."),
    Spec("graph_credit", "graph_credit", _switch("graph_credit"), _show_switch,
         "on: a good review of a skill also counts, partly, for the skills it builds on (fewer reviews); off: not."),
    Spec("max_credit_days", "max_credit_days",
         _number(1, 36500, integer=True, what="max_credit_days takes days"), str,
         "With graph credit, every check is still reviewed explicitly at least this often, in days (1 to 36500)."),
]}


def _default(spec: Spec) -> Any:
    return getattr(Settings(), spec.field)


def describe() -> list[tuple[str, str, str]]:
    """(key, default shown as text, help) for every setting, in display order."""
    return [(s.key, s.show(_default(s)), s.help) for s in SPECS.values()]


def _spec(key: str) -> Spec:
    if key in SPECS:
        return SPECS[key]
    import difflib

    near = difflib.get_close_matches(key, list(SPECS), n=1)
    hint = f" (did you mean {near[0]}?)" if near else ""
    raise SettingsError(f"unknown setting {key!r}{hint}. Settings: {', '.join(SPECS)}, "
                        f"and {TARGET_PREFIX}<milestone-id> for a milestone's target date")


def get_text(settings: Settings, key: str) -> str:
    """The value of ``key`` as the user would type it. Raises SettingsError for an unknown key."""
    if key.startswith(TARGET_PREFIX):
        d = settings.targets.get(key[len(TARGET_PREFIX):])
        return d.isoformat() if d else "none"
    spec = _spec(key)
    return spec.show(getattr(settings, spec.field))


def normalize(key: str, text: str, *, milestone_ids: set[str] | None = None,
              track_ids: set[str] | None = None) -> str | None:
    """Validate ``text`` for ``key``; the value as it is stored (normalised text), or None to remove it.

    A target date (``target.<id>``) is removed with ``none`` or an empty value.

    Raises
    ------
    SettingsError
        For an unknown key, an unknown milestone (when ``milestone_ids`` is given),
        an unknown track (when ``track_ids`` is given) or a bad value.
    """
    if key.startswith(TARGET_PREFIX):
        mid = key[len(TARGET_PREFIX):]
        if milestone_ids is not None and mid not in milestone_ids:
            import difflib

            near = difflib.get_close_matches(mid, sorted(milestone_ids), n=1)
            hint = f" (did you mean {TARGET_PREFIX}{near[0]}?)" if near else ""
            raise SettingsError(f"unknown milestone {mid!r}{hint}. Milestones: {', '.join(sorted(milestone_ids))}")
        if text.strip().lower() in ("none", ""):
            return None
        return parse_date(text, what=f"target date for {mid}").isoformat()
    spec = _spec(key)
    value = spec.parse(text)
    if key == "timezone":
        check_zone_key(text)
    if key == "tracks" and track_ids is not None:
        for t in value:
            if t not in track_ids:
                import difflib

                near = difflib.get_close_matches(t, sorted(track_ids), n=1)
                hint = f" (did you mean {near[0]}?)" if near else ""
                known = ", ".join(sorted(track_ids)) or "none in this curriculum"
                raise SettingsError(f"unknown track {t!r}{hint}. Tracks: {known}")
    return spec.show(value)


def check_key(key: str) -> None:
    """Raise SettingsError (with a 'did you mean') unless ``key`` is a setting or a target key."""
    if not key.startswith(TARGET_PREFIX):
        _spec(key)


def from_stored(rows: Mapping[str, Any]) -> Settings:
    """Settings from stored values (key to the value, normally its text); unreadable values are ignored
    (defaults used)."""
    from dataclasses import replace

    values: dict[str, Any] = {}
    targets: dict[str, date] = {}
    for key, text in rows.items():
        try:
            if key.startswith(TARGET_PREFIX):
                targets[key[len(TARGET_PREFIX):]] = date.fromisoformat(text)
            elif key in SPECS:
                values[SPECS[key].field] = SPECS[key].parse(text)
        except (ValueError, RoadmapError, TypeError):
            continue
    return replace(Settings(), targets=targets, **values)


_STORAGE = ("load", "set_value", "reset_value")


def __getattr__(name: str):
    # Storage moved to roadmap.settings_store; imported only when asked for, so
    # importing this module never loads SQLModel.
    if name in _STORAGE:
        from roadmap import settings_store

        return getattr(settings_store, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
