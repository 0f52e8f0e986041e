"""The career ladder as both faces list it: stages by level, each followed by its concrete milestones,
with each milestone's forecast, deliverable and the skills it still needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Mapping, Sequence

from roadmap.curriculum import Curriculum
from roadmap.curriculum.model import Milestone
from roadmap.planning import MilestoneForecast
from roadmap.status import DONE, Status

if TYPE_CHECKING:
    from roadmap.workspace import Workspace


@dataclass(frozen=True)
class LadderRow:
    """One milestone as listed.

    Attributes
    ----------
    milestone : Milestone
        Its id (what ``config target.ID`` takes), name and ``deliverable``.
    forecast : MilestoneForecast
        Progress, forecast date, target and target status.
    depth : int
        0 for a stage or a milestone outside any stage, 1 for a concrete milestone under its stage.
    missing : tuple of str
        Skill ids it still needs, not learned or skipped, in study order (each after its own
        prerequisites, ties in file order): exactly the ``required - done`` its progress counts
        (a stage includes the earlier stages and the chosen tracks it requires; see :func:`missing_skills`).
    """

    milestone: Milestone
    forecast: MilestoneForecast
    depth: int
    missing: tuple[str, ...]


def ladder_order(curriculum: Curriculum) -> list[tuple[Milestone, int]]:
    """Milestones in ladder order with their depth: each stage (by level) followed by its concrete
    milestones (file order), then the milestones outside any stage (file order)."""
    out: list[tuple[Milestone, int]] = []
    placed: set[str] = set()
    for stage in curriculum.stages():
        out.append((stage, 0))
        placed.add(stage.id)
        for m in curriculum.stage_milestones(stage.id):
            out.append((m, 1))
            placed.add(m.id)
    out += [(m, 0) for m in curriculum.milestones if m.id not in placed]
    return out


def missing_skills(curriculum: Curriculum, statuses: Mapping[str, Status], milestone_id: str, *,
                   tracks: Sequence[str] = ()) -> tuple[str, ...]:
    """The skills ``milestone_id`` still needs, each after its prerequisites (ties in file order).

    What it needs is what its progress counts (:func:`roadmap.planning.milestone_needs`): a stage
    includes every earlier stage and its concrete milestones, and the skills of the chosen ``tracks``
    it requires (setting ``tracks``). So ``len(missing) == required - done`` of its progress.
    """
    import networkx as nx

    from roadmap.planning.goals import milestone_needs

    need = milestone_needs(curriculum, tracks)[milestone_id].skills
    needed = [s for s in need if statuses.get(s, Status.NOT_STARTED) not in DONE]
    position = {s: i for i, s in enumerate(curriculum.skills)}
    return tuple(nx.lexicographical_topological_sort(curriculum.graph.subgraph(needed), key=position.__getitem__))


def ladder(ws: Workspace, *, now: datetime) -> list[LadderRow]:
    """Every milestone in ladder order (:func:`ladder_order`) with its forecast and missing skills. Read-only."""
    from roadmap.actions.milestones import milestone_forecasts
    from roadmap.progress import load_statuses

    from roadmap import settings_store

    forecasts = {f.progress.id: f for f in milestone_forecasts(ws, now=now)}
    with ws.read() as s:
        statuses = load_statuses(s, ws.curriculum)
        tracks = settings_store.load(s).tracks
    return [LadderRow(m, forecasts[m.id], depth, missing_skills(ws.curriculum, statuses, m.id, tracks=tracks))
            for m, depth in ladder_order(ws.curriculum) if m.id in forecasts]
