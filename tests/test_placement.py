"""The placement diagnostic with scripted learners on the bundled curriculum, and `roadmap placement`."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from roadmap.curriculum.loader import bundled_path, load
from roadmap.placement import Answer, Placement, PlacementError, placement_order
from roadmap.planning import study_plan

from conftest import as_json


@pytest.fixture(scope="module")
def cur():
    return load()


@pytest.fixture(scope="module")
def plan(cur):
    return [i.skill_id for i in study_plan(cur, {})]


def _place(cur, plan, truth: set[str]):
    p = Placement(cur, placement_order(cur, plan))
    while (q := p.next_probe()) is not None:
        p.answer(q.skill_id, Answer.YES if q.skill_id in truth else Answer.NO)
    r = p.result()
    known = set(r.known)
    return len(truth - known) + len(known - truth), r


def test_the_first_probe_is_in_the_middle_and_inference_follows_the_graph(cur, plan):
    order = placement_order(cur, plan)
    p = Placement(cur, order)
    q = p.next_probe()
    assert abs(order.index(q.skill_id) - len(order) // 2) <= len(order) // 8 and q.prompt
    with pytest.raises(PlacementError):
        p.answer("python" if q.skill_id != "python" else "numpy", "y")
    p.answer(q.skill_id, "y")
    assert nx.ancestors(cur.graph, q.skill_id) <= p.known
    q2 = p.next_probe()
    assert order.index(q2.skill_id) > order.index(q.skill_id)  # up the graph after a pass
    p.answer(q2.skill_id, "n")
    assert nx.descendants(cur.graph, q2.skill_id) <= p.not_known


@pytest.mark.slow
def test_a_learner_who_knows_the_first_k_skills_of_the_plan_for_every_k(cur, plan):
    # Every prefix of the study plan and of the stage order (each is a down-set of the graph).
    order = placement_order(cur, plan)
    for name, seq in (("plan", plan), ("stage order", order)):
        for k in range(len(seq) + 1):
            wrong, r = _place(cur, plan, set(seq[:k]))
            assert r.probes <= 25 and wrong <= 5, (name, k, wrong)
            assert set(r.known) <= set(seq[:k])


@pytest.mark.parametrize("k", [0, 10, 30, 52, 75, 95, 104])
def test_a_learner_who_knows_the_first_k_skills_of_the_plan(cur, plan, k):
    wrong, r = _place(cur, plan, set(plan[:k]))
    assert r.probes <= 25 and wrong <= 5


def test_a_learner_who_has_finished_a_stage(cur, plan):
    known: set[str] = set()
    for m in sorted((m for m in cur.milestones if m.level is not None), key=lambda m: m.level):
        known |= set(cur.milestone_skills(m.id))
        wrong, r = _place(cur, plan, set(known))
        assert r.probes <= 25 and wrong <= 5, m.id


def test_random_down_sets_prefer_unsure_to_a_false_known(cur, plan):
    rng = random.Random(7)
    marked = right = 0
    for _ in range(40):
        truth = set()
        for s in rng.sample(plan, rng.randint(0, 12)):
            truth |= {s} | nx.ancestors(cur.graph, s)
        _, r = _place(cur, plan, truth)
        marked += len(r.known)
        right += len(set(r.known) & truth)
    assert marked and right / marked >= 0.9


def test_cli_placement_quit_early_writes_nothing(run, tmp_path):
    db = tmp_path / "p.db"
    r = run("placement", input="\nn\n\nq\n", curriculum=bundled_path(), db=db)
    assert r.exit_code == 1 and "nothing was written" in r.output and "Answer key" in r.output
    assert as_json(run("status", "--format", "json", curriculum=bundled_path(), db=db))["counts"]["learned"] == 0


@pytest.mark.slow
def test_cli_placement_writes_only_after_confirmation(run, tmp_path):
    db = tmp_path / "p.db"
    answers = "\ny\n" * 25
    r = run("placement", input=answers + "n\n", curriculum=bundled_path(), db=db)
    assert r.exit_code == 1 and "Nothing was written" in r.output
    assert as_json(run("status", "--format", "json", curriculum=bundled_path(), db=db))["counts"]["learned"] == 0
    r = run("placement", input=answers + "y\n", curriculum=bundled_path(), db=db)
    assert r.exit_code == 0, r.output
    learned = as_json(run("status", "--format", "json", curriculum=bundled_path(), db=db))["counts"]["learned"]
    assert learned > 50 and "prior knowledge" in r.output


def test_cli_placement_piped_answers_end_their_prompt_lines_and_the_key_starts_on_its_own_line(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "ROADMAP_DB": str(tmp_path / "p.db"), "ROADMAP_CURRICULUM": str(bundled_path())}
    r = subprocess.run([sys.executable, "-m", "roadmap", "placement"], input="\nn\n\nq\n", env=env,
                       capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert r.returncode == 1, r.stderr
    lines = r.stdout.splitlines()
    assert "  Answer key:" in lines  # the heading alone; the key's items follow on their own lines
    first = lines.index("  Answer key:")
    assert lines[first - 1].startswith("Enter shows the answer key") and lines[first + 1].startswith("    ")
    assert any(ln.startswith("Did you know it?") and ln.endswith(": n") for ln in lines)  # the answer echoed


@pytest.mark.slow
def test_cli_placement_lists_each_skill_with_its_first_review_day(run, tmp_path):
    db = tmp_path / "p.db"
    r = run("placement", input="\ny\n" * 25 + "y\n", curriculum=bundled_path(), db=db)
    assert r.exit_code == 0, r.output
    listed = [line for line in r.output.splitlines() if line.startswith("  ") and "; first review " in line]
    assert len(listed) > 50
    assert "reviews a day." in r.output
