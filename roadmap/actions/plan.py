"""The study plan and the frontier (``roadmap plan``, ``roadmap next``, the Today list)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from roadmap.planning import PlanItem
from roadmap.status import Status

if TYPE_CHECKING:
    from roadmap.workspace import Workspace


@dataclass(frozen=True)
class PlanView:
    """Plan items with the statuses they were computed from (hours are remaining hours); ``finished``:
    the skills learned or skipped, in curriculum order, with 0 hours (when asked for)."""

    items: list[PlanItem]
    statuses: dict[str, Status]
    finished: list[PlanItem] = field(default_factory=list)

    @property
    def total_hours(self) -> float:
        """Remaining hours of all the items."""
        return sum(i.hours for i in self.items)


def _progress(ws: Workspace):
    from roadmap import settings_store, studylog
    from roadmap.progress import load_statuses

    with ws.read() as s:
        return load_statuses(s, ws.curriculum), studylog.logged_hours(s), settings_store.load(s)


def study_plan(ws: Workspace, *, finished: bool = False) -> PlanView:
    """Every skill still to learn, prerequisites first (see :mod:`roadmap.planning` for the order);
    with ``finished``, also the skills learned or skipped (``PlanView.finished``)."""
    from roadmap.planning import study_plan as plan

    statuses, logged, settings = _progress(ws)
    items = plan(ws.curriculum, statuses, logged, settings=settings)
    done = []
    if finished:
        planned = {i.skill_id for i in items}
        done = [PlanItem(sid, 0.0, statuses[sid]) for sid in ws.curriculum.skills
                if sid not in planned and statuses.get(sid) in (Status.LEARNED, Status.SKIPPED)]
    return PlanView(items, statuses, done)


def next_skills(ws: Workspace, count: int | None = None) -> PlanView:
    """The frontier, best first: skills whose prerequisites are all learned or skipped (at most ``count``)."""
    from roadmap.planning import frontier

    statuses, logged, settings = _progress(ws)
    items = frontier(ws.curriculum, statuses, logged, settings=settings)
    return PlanView(items[:count] if count is not None else items, statuses)
