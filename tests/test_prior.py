"""Prior knowledge: learn --with-prereqs, the spread of its first reviews, reset --with-dependents."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import timedelta

import networkx as nx
import pytest

from roadmap import review, transfer
from roadmap.actions.skills import learn_prior, prior_preview, reset_preview, reset_with_dependents
from roadmap.curriculum.loader import bundled_path
from roadmap.models import ReviewCard, ReviewLog
from roadmap.progress import PRIOR_FIRST_DAY, load_statuses, prior_schedule
from roadmap.review.scheduling import first_exposure, prior_exposure
from roadmap.settings import Settings
from roadmap.status import Status
from roadmap.workspace import Workspace

from conftest import NOW

S = Settings(timezone="UTC")


@pytest.fixture
def bws(tmp_path):
    w = Workspace(tmp_path / "b.db", bundled_path())
    yield w
    w.close()


def test_with_prereqs_marks_the_skill_and_every_unlearned_prerequisite(bws):
    cur = bws.curriculum
    want = nx.ancestors(cur.graph, "pytorch") | {"pytorch"}
    assert set(prior_preview(bws, ["pytorch"])) == want
    changes = learn_prior(bws, ["pytorch"], now=NOW)
    assert {c.skill_id for c in changes} == want and all(c.prior and c.first_review for c in changes)
    order = [c.skill_id for c in changes]
    for i, sid in enumerate(order):  # most fundamental first
        assert not (nx.ancestors(cur.graph, sid) & set(order[i + 1:]))
    with bws.read() as s:
        statuses = load_statuses(s, cur)
        kinds = {k for (k,) in [(r.kind,) for r in s.exec(__import__("sqlmodel").select(ReviewLog)).all()]}
        assert review.prior_skill_ids(s) == want
    assert all(statuses[sid] == Status.LEARNED for sid in want)
    assert kinds == {"prior"}
    # again: nothing left to mark, the skill is reported as already learned
    again = learn_prior(bws, ["pytorch"], now=NOW + timedelta(minutes=1))
    assert [(c.skill_id, c.changed) for c in again] == [("pytorch", False)]


def test_thirty_known_skills_are_spread_over_weeks_a_few_a_day(bws):
    """30 known skills (with their ~90 checks) over 3 weeks: no day gets more than its fair share."""
    cur = bws.curriculum
    order = list(nx.topological_sort(cur.graph))[:30]
    learn_prior(bws, order, now=NOW)
    today = S.calendar.study_day(NOW)
    with bws.read() as s:
        from sqlmodel import select
        rows = s.exec(select(ReviewCard)).all()
    days = [S.calendar.study_day(r.due) for r in rows]
    per_day = Counter(days)
    fair = math.ceil(len(rows) / 21)
    assert max(per_day.values()) <= fair <= 6
    first_by_skill = {}
    for r in rows:
        d = S.calendar.study_day(r.due)
        first_by_skill[r.skill_id] = min(d, first_by_skill.get(r.skill_id, d))
    assert max(Counter(first_by_skill.values()).values()) <= 3  # no day starts more than a few skills
    assert min(days) >= today + timedelta(days=PRIOR_FIRST_DAY)
    assert max(days) < today + timedelta(days=PRIOR_FIRST_DAY + 21)


def test_prior_schedule_keeps_the_order_and_the_fair_share():
    today = NOW.date()
    for m in (1, 5, 21, 22, 60, 200):
        cards = [(f"s{i}", "") for i in range(m)]
        days = prior_schedule(cards, today, weeks=3)
        seq = [days[c] for c in cards]
        assert seq == sorted(seq)
        assert max(Counter(seq).values()) <= math.ceil(m / 21)


def test_prior_knowledge_gets_a_longer_first_interval_than_fresh_material():
    fresh = first_exposure("a/b", now=NOW, settings=S)
    prior = prior_exposure("a/b", now=NOW, settings=S, due_day=NOW.date() + timedelta(days=10))
    assert prior.card["stability"] > 3 * fresh.card["stability"]
    assert prior.due_day == NOW.date() + timedelta(days=10)
    # the next Good review after the prior card's first review lands later than after a fresh card's
    nxt_prior = review.schedule(prior.card, 3, skill_id="a/b", reviews=0, now=NOW + timedelta(days=10), settings=S)
    nxt_fresh = review.schedule(fresh.card, 3, skill_id="a/b", reviews=0, now=NOW + timedelta(days=2), settings=S)
    assert nxt_prior.interval_days > nxt_fresh.interval_days


def test_export_import_export_keeps_prior_rows(bws, tmp_path):
    learn_prior(bws, ["numpy"], now=NOW)
    with bws.read() as s:
        first = json.dumps(transfer.export_document(s, now=NOW), indent=2)
    assert '"kind": "prior"' in first
    other = Workspace(tmp_path / "c.db", bundled_path())
    try:
        with other.write() as s:
            transfer.import_document(s, transfer.parse_document(first))
        with other.read() as s:
            assert json.dumps(transfer.export_document(s, now=NOW), indent=2) == first
            assert {k: json.dumps(v, sort_keys=True) for k, v in review.rebuild_cards(s).items()} == \
                {(r.skill_id, r.check_id): json.dumps(review.card_dict(r), sort_keys=True)
                 for r in s.exec(__import__("sqlmodel").select(ReviewCard)).all()}
    finally:
        other.close()


def test_reset_with_dependents_resets_every_learned_skill_built_on_it(bws):
    learn_prior(bws, ["pytorch"], now=NOW)
    ids = reset_preview(bws, ["python"])
    assert ids[0] == "python" and "pytorch" in ids and "linear-algebra" not in ids
    changes = reset_with_dependents(bws, ["python"], now=NOW + timedelta(hours=1))
    assert {c.skill_id for c in changes} == set(ids) and all(c.left_review for c in changes)
    with bws.read() as s:
        st = load_statuses(s, bws.curriculum)
    assert st["linear-algebra"] == Status.LEARNED and st["pytorch"] == Status.NOT_STARTED


def test_cli_learn_with_prereqs_prints_what_it_marked_and_reset_asks(run):
    r = run("learn", "--with-prereqs", "regression")
    assert r.exit_code == 0, r.output
    assert "Marked 3 skills learned as prior knowledge" in r.output and "algebra" in r.output
    assert "first review" in r.output
    r = run("reset", "--with-dependents", "algebra", now=NOW + timedelta(hours=1))
    assert r.exit_code == 1 and "regression" in r.output and "Nothing was reset" in r.output
    r = run("reset", "--with-dependents", "algebra", "--yes", now=NOW + timedelta(hours=1))
    assert r.exit_code == 0 and "Reset 2 skills" in r.output
    r = run("status", "--format", "json", now=NOW + timedelta(hours=2))
    assert json.loads(r.stdout)["counts"]["learned"] == 1


def test_reset_with_dependents_lists_only_skills_that_change(run):
    r = run("reset", "--with-dependents", "backprop", "--yes")  # not started, nothing built on it learned
    assert r.exit_code == 0 and r.output == "backprop is not started; nothing to reset\n", r.output
    run("learn", "--with-prereqs", "regression")
    later = NOW + timedelta(hours=1)
    r = run("reset", "--with-dependents", "calculus", "backprop", "--yes", now=later)
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[:3] == ["This resets 2 skills:", "  calculus (Calculus)",
                                         "  regression (Linear regression)"]
    assert "Reset 2 skills" in r.output and "backprop" not in r.output
