"""Checking a curriculum file (``roadmap validate``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roadmap.workspace import Workspace


@dataclass(frozen=True)
class Validated:
    """A curriculum that passed every check: its source and how many of each thing it has."""

    source: str
    skills: int
    prerequisites: int
    categories: int
    milestones: int


def validate(ws: Workspace, path: str | None = None) -> Validated:
    """Load and check ``path`` (default: the workspace's curriculum). Raises CurriculumError listing every problem."""
    from roadmap import curriculum as cm

    cur = cm.load(path) if path else ws.curriculum
    n = cm.summary(cur)
    return Validated(str(cur.source), n["skills"], n["prerequisites"], n["categories"], n["milestones"])
