"""The vocabulary of progress: a skill's status and a milestone's forecast status.

Pure enums (no database, no UI), shared by the tables in :mod:`roadmap.models`,
the planner and both faces. Both are ``StrEnum``, so a value compares equal
to the text stored in the database or the JSON output (``"learned"``,
``"on track"``).
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """The progress state of a skill (a skill with no record is ``NOT_STARTED``)."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    LEARNED = "learned"
    SKIPPED = "skipped"


DONE = frozenset({Status.LEARNED, Status.SKIPPED})
"""Statuses that count as done for prerequisites and milestones."""


class ForecastStatus(StrEnum):
    """How a milestone stands against its target date (see :func:`roadmap.planning.milestone_forecasts`).

    ``REACHED``: every required skill is learned or skipped; ``ON_TRACK``:
    the forecast is on or before the target; ``BEHIND``: after it (or not
    within the planning horizon while a target is set); ``NO_TARGET``: a
    forecast but no target; ``UNREACHABLE``: no target and not within the
    horizon; ``NEEDS_TRACK``: the milestone counts more chosen tracks than
    the learner has chosen (setting ``tracks``), so it has no forecast.
    """

    REACHED = "reached"
    ON_TRACK = "on track"
    BEHIND = "behind"
    NO_TARGET = "no target"
    UNREACHABLE = "unreachable"
    NEEDS_TRACK = "needs track"


class SkillState(StrEnum):
    """What a skill looks like to the learner: its status refined by readiness and memory.

    ``READY`` and ``LOCKED`` split not-started skills by whether every
    prerequisite is learned or skipped; ``FADING`` is a learned skill whose
    retrievability is below the desired retention. Computed in one place:
    :func:`roadmap.actions.skills.skill_states`.
    """

    READY = "ready"
    LOCKED = "locked"
    IN_PROGRESS = "in_progress"
    LEARNED = "learned"
    FADING = "fading"
    SKIPPED = "skipped"
