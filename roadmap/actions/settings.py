"""Settings actions: list, get, set and unset, with notes on combinations that leave time unused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from roadmap.settings import Settings

if TYPE_CHECKING:
    from roadmap.workspace import Workspace


@dataclass(frozen=True)
class SettingRow:
    """One setting as listed: key, value and default as typed, and what it means."""

    key: str
    value: str
    default: str
    help: str


def current(ws: Workspace) -> Settings:
    """The settings now stored (defaults for what is not)."""
    from roadmap import settings_store

    with ws.read() as s:
        return settings_store.load(s)


def all_settings(ws: Workspace) -> list[SettingRow]:
    """Every setting, then every milestone's target date (set or not), in display order."""
    from roadmap import settings as sm

    from roadmap.curriculum import CurriculumError

    values = current(ws)
    rows = [SettingRow(k, sm.get_text(values, k), default, help_) for k, default, help_ in sm.describe()]
    try:
        milestones = ws.curriculum.milestones
    except CurriculumError:
        milestones = ()  # settings stay readable while the curriculum file is broken
    for m in milestones:
        key = f"{sm.TARGET_PREFIX}{m.id}"
        rows.append(SettingRow(key, sm.get_text(values, key), "none", f"Target date for “{m.name}”: YYYY-MM-DD."))
    known = {m.id for m in milestones}
    for mid, d in sorted(values.targets.items()):
        if mid not in known:
            rows.append(SettingRow(f"{sm.TARGET_PREFIX}{mid}", d.isoformat(), "none", "Target date for this milestone."))
    return rows


def get(ws: Workspace, key: str) -> str:
    """The value of ``key`` as typed. Raises SettingsError for an unknown key."""
    from roadmap import settings as sm

    return sm.get_text(current(ws), key)


@dataclass(frozen=True)
class Saved:
    """A stored value (normalised text, ``none`` for a removed target) and notes about its effect."""

    key: str
    value: str
    notes: list[str]


def budget_notes(values: Settings) -> list[str]:
    """Why some of the weekly budget or study days go unused with these settings (empty when none)."""
    fixed = sum(h for h in values.study_days.values() if h is not None)
    if all(h is not None for h in values.study_days.values()):
        return [f"every study day has fixed hours ({fixed:g} h a week), so weekly_hours "
                f"({values.weekly_hours:g}) is not used; leave a day without =H to share the rest"]
    if fixed >= values.weekly_hours:
        return [f"the fixed days alone take {fixed:g} h, all of weekly_hours ({values.weekly_hours:g}); "
                "the other study days get no time"]
    return []


def set_many(ws: Workspace, values: dict[str, str], *, now: datetime | None = None) -> list[Saved]:
    """Validate and store several settings in one transaction (all or nothing).

    Target dates (``target.<milestone-id>``) are checked against the
    curriculum's milestones (an empty value or ``none`` removes one) and, given
    ``now`` (UTC), refused before today's study day (as ``roadmap setup`` does); and
    ``tracks`` against its tracks. ``weekly_hours`` and ``study_days`` are checked together
    (:func:`roadmap.settings.budget_problem`): fixed day hours beyond the weekly hours are refused.
    Raises SettingsError naming the key and what it accepts.
    """
    from roadmap import settings as sm, settings_store

    milestone_ids = ({m.id for m in ws.curriculum.milestones}
                     if any(k.startswith(sm.TARGET_PREFIX) for k in values) else None)
    track_ids = {*ws.curriculum.tracks} if "tracks" in values else None
    out = []
    with ws.write() as s:
        for key, text in values.items():
            stored = settings_store.set_value(s, key, text, milestone_ids=milestone_ids, track_ids=track_ids)
            out.append((key, stored))
        stored = settings_store.load(s)
        if {"study_days", "weekly_hours"} & values.keys():
            problem = sm.budget_problem(stored.weekly_hours, stored.study_days)
            if problem:  # raised inside the transaction: nothing is stored
                raise sm.SettingsError(f"not saved: {problem}")
        if now is not None:
            today = stored.calendar.study_day(now)
            for key in values:
                when = stored.targets.get(key[len(sm.TARGET_PREFIX):]) if key.startswith(sm.TARGET_PREFIX) else None
                problem = sm.past_target(when, today) if when is not None else None
                if problem:
                    raise sm.SettingsError(f"not saved: {key} {problem}, or none to remove it")
    notes = budget_notes(stored)
    return [Saved(k, v, notes if k in ("study_days", "weekly_hours") else []) for k, v in out]


def set(ws: Workspace, key: str, text: str, *, now: datetime | None = None) -> Saved:  # noqa: A001 - the action's name
    """Validate ``text`` for ``key`` and store it (see :func:`set_many`)."""
    return set_many(ws, {key: text}, now=now)[0]


def unset(ws: Workspace, key: str) -> None:
    """Remove ``key``'s stored value so the default applies. Raises SettingsError for an unknown key."""
    from roadmap import settings_store

    with ws.write() as s:
        settings_store.reset_value(s, key)
