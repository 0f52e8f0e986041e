"""The placement diagnostic as an action: start one on the learner's study plan, then write its result.

Both faces run the same :class:`roadmap.placement.Placement` (probe, answer,
result); nothing is written until :func:`confirm_placement`, which marks the
skills found known as prior knowledge in one transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from roadmap.placement import MAX_PROBES, Placement, placement_order

if TYPE_CHECKING:
    from roadmap.actions.skills import StatusChange
    from roadmap.placement import PlacementResult
    from roadmap.workspace import Workspace


def start_placement(ws: Workspace, *, max_probes: int = MAX_PROBES) -> Placement:
    """A placement over every skill not learned or skipped yet (read-only), in stage-then-plan order."""
    from roadmap.actions.plan import study_plan
    from roadmap.status import DONE

    view = study_plan(ws)
    plan = [i.skill_id for i in view.items]
    done = [s for s, st in view.statuses.items() if st in DONE]
    return Placement(ws.curriculum, placement_order(ws.curriculum, plan), already_known=done, max_probes=max_probes)


def confirm_placement(ws: Workspace, result: PlacementResult, *, now: datetime) -> list[StatusChange]:
    """Write a confirmed placement: its known skills become learned as prior knowledge (see
    :func:`roadmap.actions.skills.learn_prior`); unsure and to-study skills are left as they are."""
    from roadmap.actions.skills import learn_prior

    if not result.known:
        return []
    return learn_prior(ws, list(result.known), now=now)
