"""The status summary (roadmap.actions.summary): counts, categories, milestones, memory, orphans."""

from __future__ import annotations

from datetime import timedelta

from roadmap.actions.summary import CategoryProgress, status_summary
from roadmap.progress import set_status
from roadmap.settings import Settings
from roadmap.status import Status

from conftest import NOW, both_engines

pytestmark = both_engines

S = Settings(timezone="UTC")


def test_a_fresh_database_counts_every_skill_as_not_started(ws):
    summary = status_summary(ws, now=NOW)
    assert summary.total == 6
    assert summary.counts == {Status.NOT_STARTED: 6, Status.IN_PROGRESS: 0, Status.LEARNED: 0, Status.SKIPPED: 0}
    assert [(c.id, c.done, c.total) for c in summary.categories] == [("math", 0, 3), ("ml", 0, 3)]
    assert summary.memory == [] and summary.fading == [] and summary.orphaned == [] and summary.prior == []
    assert [m.id for m in summary.milestones] == ["basics", "all"]


def test_counts_categories_and_memory_follow_the_statuses(ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW - timedelta(days=60), settings=S)
        set_status(s, ws.curriculum, ["calculus"], Status.SKIPPED, now=NOW - timedelta(days=60), settings=S)
        set_status(s, ws.curriculum, ["probability"], Status.IN_PROGRESS, now=NOW - timedelta(days=60), settings=S)
    summary = status_summary(ws, now=NOW)
    assert summary.counts[Status.LEARNED] == 1 and summary.counts[Status.SKIPPED] == 1
    assert summary.counts[Status.IN_PROGRESS] == 1 and summary.counts[Status.NOT_STARTED] == 3
    math = summary.categories[0]
    assert (math.done, math.total, math.percent) == (2, 3, 67)  # learned and skipped both count as done
    assert [c.skill_id for c in summary.memory] == ["algebra"]
    assert summary.fading == ["algebra"]  # two months without a review: below the desired retention
    assert summary.desired_retention == S.desired_retention
    basics = next(m for m in summary.milestones if m.id == "basics")
    assert (basics.done, basics.required, basics.hours_remaining) == (2, 3, 2)  # regression's 2 h are left


def test_an_empty_category_is_complete():
    assert CategoryProgress("x", "X", 0, 0).percent == 100
    assert CategoryProgress("x", "X", 1, 3).percent == 33
