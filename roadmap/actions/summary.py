"""The status summary: counts by status, progress per category and milestone, memory, orphans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from roadmap.planning import MilestoneProgress
from roadmap.status import Status

if TYPE_CHECKING:
    from roadmap.workspace import Workspace


@dataclass(frozen=True)
class CategoryProgress:
    """Skills of one category learned or skipped (``done``) of ``total``."""

    id: str
    name: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        """Done as a whole percentage (100 for an empty category)."""
        return round(100 * self.done / self.total) if self.total else 100


@dataclass(frozen=True)
class StatusSummary:
    """Everything ``roadmap status`` reports.

    Attributes
    ----------
    counts : dict[Status, int]
        Skills per status (every status present).
    total : int
        Skills in the curriculum.
    categories : list of CategoryProgress
    milestones : list of MilestoneProgress
    memory : list of review.DueItem
        Every learned skill's card now, weakest (lowest retrievability) first.
    fading : list of str
        Learned skills below the desired retention, weakest first.
    desired_retention : float
    orphaned : list of str
        Ids with stored progress the curriculum no longer has.
    database : str
        The database file.
    prior : list of str
        Learned skills in review that entered it as prior knowledge (sorted).
    """

    counts: dict[Status, int]
    total: int
    categories: list[CategoryProgress]
    milestones: list[MilestoneProgress]
    memory: list
    fading: list[str]
    desired_retention: float
    orphaned: list[str]
    database: str
    prior: list[str] = ()


def status_summary(ws: Workspace, *, now: datetime) -> StatusSummary:
    """Counts, category and milestone progress, memory and orphaned records at ``now``. Read-only."""
    from roadmap import review, settings_store, studylog
    from roadmap.actions.skills import counts_by_status, fading, status_of
    from roadmap.planning import milestone_progress
    from roadmap.progress import load_statuses, orphaned
    from roadmap.status import DONE

    cur = ws.curriculum
    with ws.read() as s:
        statuses = load_statuses(s, cur)
        logged = studylog.logged_hours(s)
        settings = settings_store.load(s)
        cards = review.card_states(s, now=now, settings=settings, skills=cur.skills)
        prior = sorted(review.prior_skill_ids(s))
    cats = []
    for c in cur.categories:
        ids = [sid for sid, sk in cur.skills.items() if sk.category == c.id]
        cats.append(CategoryProgress(c.id, c.name, sum(1 for sid in ids if status_of(statuses, sid) in DONE), len(ids)))
    return StatusSummary(
        counts=counts_by_status(cur, statuses), total=len(cur.skills), categories=cats,
        milestones=milestone_progress(cur, statuses, logged, tracks=settings.tracks),
        memory=sorted(cards.values(), key=lambda c: (c.retrievability, c.skill_id)),
        fading=fading(cards, statuses, settings), desired_retention=settings.desired_retention,
        orphaned=orphaned(cur, statuses), database=ws.database_name, prior=prior)
