"""Checking a curriculum file (``roadmap validate``) and comparing an overlay with its base
(``roadmap curriculum diff``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roadmap.curriculum import Problem
    from roadmap.curriculum.diff import CurriculumDiff
    from roadmap.workspace import Workspace


@dataclass(frozen=True)
class Validated:
    """A curriculum that passed every check: its source, how many of each thing it has, and the warnings
    of an overlay (e.g. dependents that lost a removed prerequisite; empty for a plain file)."""

    source: str
    skills: int
    prerequisites: int
    categories: int
    milestones: int
    warnings: tuple[Problem, ...] = ()


def validate(ws: Workspace, path: str | None = None) -> Validated:
    """Load and check ``path`` (default: the workspace's curriculum), an overlay's whole chain included.
    Raises CurriculumError listing every problem."""
    from roadmap import curriculum as cm

    cur = cm.load(path) if path else ws.curriculum
    n = cm.summary(cur)
    return Validated(str(cur.source), n["skills"], n["prerequisites"], n["categories"], n["milestones"],
                     tuple(cur.warnings))


def diff(ws: Workspace, path: str | None = None) -> tuple[CurriculumDiff, tuple[Problem, ...]]:
    """What the overlay ``path`` (default: the workspace's curriculum) changes against the curriculum it
    extends, and the overlay's warnings.

    Raises
    ------
    CurriculumError
        If either curriculum is invalid, or ``path`` is not an overlay (has no ``extends``).
    """
    from roadmap import curriculum as cm
    from roadmap.curriculum.diff import diff as compare
    from roadmap.curriculum.overlay import base_of

    if path is None:
        if ws.curriculum_path is None:
            raise cm.CurriculumError([cm.Problem("the bundled curriculum", None, None,
                                                 "is not an overlay; give the overlay file: "
                                                 "roadmap curriculum diff my-overlay.toml")])
        path = str(ws.curriculum_path)
    base_path, base_shown = base_of(path)
    new = cm.load(path)
    base = replace(cm.load(base_path), source=base_shown)
    return compare(base, new), tuple(new.warnings)
