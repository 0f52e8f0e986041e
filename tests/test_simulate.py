"""The learner simulator: deterministic by seed, its ground truth is FSRS-6, and it validates itself."""

from __future__ import annotations

import json
import random
import statistics
from datetime import timedelta

import pytest

from roadmap import curriculum as curriculum_mod
from roadmap.review.scheduling import DEFAULT_PARAMETERS, TrueMemory, perturbed_parameters
from roadmap.simulate import SimConfig, SimulationError, draw_truth, simulate

from conftest import SMALL, as_json

SHORT = SimConfig(years=0.1, learners=1, seed=3)
# The learner's memory is the scheduler's model and nothing else changes it: achieved retention
# must be what the scheduler aims at.
VALIDATION = dict(parameter_spread=0.0, transfer=False, time_off_weeks=0, daily_review_cap=1000)


@pytest.fixture(scope="module")
def small():
    return curriculum_mod.load(SMALL)


def test_same_seed_same_json_other_seed_differs(small):
    a = json.dumps(simulate(SHORT, curriculum=small).to_json(), sort_keys=True)
    b = json.dumps(simulate(SHORT, curriculum=small).to_json(), sort_keys=True)
    c = json.dumps(simulate(SimConfig(years=0.1, learners=1, seed=4), curriculum=small).to_json(), sort_keys=True)
    assert a == b
    assert a != c


def test_outputs_cover_the_run(small):
    r = simulate(SHORT, curriculum=small)
    (learner,) = r.learners
    days = SHORT.days
    assert len(learner.review_minutes_per_day) == days
    assert len(learner.reviews_per_week) == -(-days // 7)
    assert sum(learner.reviews_per_week) == learner.reviews > 0
    assert sum(learner.review_minutes_per_day) == pytest.approx(learner.reviews * SHORT.review_minutes)
    assert learner.learned == len(small.skills)  # 19 h of curriculum in 0.1 years at 10 h a week
    assert 0 < learner.retention <= 1 and 0 <= learner.low_share <= 1
    assert set(learner.milestones) == {m.id for m in small.milestones}
    for m in learner.milestones.values():
        assert m["forecast"] and m["reached"] and abs(m["error_weeks"]) < 2
    s = r.summary()
    assert s["learners"] == 1 and s["reviews"] == learner.reviews


def test_achieved_retention_matches_desired_fast(small):
    """Few seeds: within 2 points (the slow test below holds it to 1)."""
    s = simulate(SimConfig(years=0.5, learners=2, seed=11, desired_retention=0.85, **VALIDATION),
                 curriculum=small).summary()
    assert s["recall_at_review"] == pytest.approx(0.85, abs=0.02)
    assert s["retention"] > 0.85  # the time average lies above the retention at the due day


@pytest.mark.slow
def test_achieved_retention_matches_desired(small):
    # At 0.95 recall at reviews runs 0.5-2 points low (seeds 5-7 measured 0.932-0.941): intervals are whole
    # days and a learned skill's later checks get their first review a few study days late (spread on
    # purpose), which weighs most when intervals are a day or two. Held to 2 points there.
    for dr, tol in ((0.80, 0.01), (0.90, 0.01), (0.95, 0.02)):
        s = simulate(SimConfig(years=3, learners=6, seed=5, desired_retention=dr, **VALIDATION),
                     curriculum=small).summary()
        assert s["recall_at_review"] == pytest.approx(dr, abs=tol)
        assert s["recalled_share"] == pytest.approx(dr, abs=0.03)


def test_truth_forgetting_curve_is_the_librarys():
    import fsrs

    mem = TrueMemory()
    card = mem.review(None, 3, 0.0)
    origin = mem.origin
    lib = fsrs.Scheduler(enable_fuzzing=False)
    c = fsrs.Card(state=fsrs.State.Review, stability=card.stability, difficulty=card.difficulty,
                  due=origin, last_review=origin)
    for days in (0, 1, 2, 5, 30):
        assert mem.retrievability(card, days) == pytest.approx(
            lib.get_card_retrievability(c, origin + timedelta(days=days)), rel=1e-12)
    assert card.stability == pytest.approx(DEFAULT_PARAMETERS[2])  # S0(Good)


def test_partial_review_keeps_retrievability_and_grows_stability():
    mem = TrueMemory()
    card = mem.review(mem.review(None, 3, 0.0), 3, 3.0)
    before = mem.retrievability(card, 10.0)
    half = mem.partial(card, 0.5, 10.0)
    full = mem.review(card, 3, 10.0)
    assert mem.retrievability(half, 10.0) == pytest.approx(before)
    assert card.stability < half.stability < full.stability
    assert half.difficulty == card.difficulty
    assert mem.partial(card, 0.0, 10.0) == card


def test_learner_truth_parameters_and_transfer(small):
    assert perturbed_parameters(random.Random(1), 0.0) == DEFAULT_PARAMETERS
    assert perturbed_parameters(random.Random(1), 0.2) != DEFAULT_PARAMETERS
    truth = draw_truth(small, SimConfig(no_transfer_share=0.5, max_transfer=0.4), random.Random(2))
    edges = {(s, p) for s in small.skills for p in small.skills[s].requires}
    assert set(truth.transfer) == edges
    assert all(0 <= w <= 0.4 for w in truth.transfer.values())
    none = draw_truth(small, SimConfig(no_transfer_share=1.0), random.Random(2))
    assert not any(none.transfer.values())


def test_options_out_of_range():
    with pytest.raises(SimulationError, match="desired_retention"):
        simulate(SimConfig(desired_retention=0.5))


def test_cli_json_and_table(run):
    out = as_json(run("simulate", "--years", "0.1", "--seed", "2", "--format", "json"))
    assert out["summary"]["learners"] == 1 and out["learners"][0]["seed"] == "2:0"
    text = run("simulate", "--years", "0.1", "--seed", "2")
    assert text.exit_code == 0 and "true retention" in text.output
    bad = run("simulate", "--years", "0")
    assert bad.exit_code == 2 and "years" in bad.output and "Traceback" not in bad.output


def test_same_result_for_any_number_of_jobs(small):
    config = SimConfig(years=0.05, learners=2, seed=7)
    one = json.dumps(simulate(config, curriculum=small, jobs=1).to_json(), sort_keys=True)
    two = json.dumps(simulate(config, curriculum=small, jobs=2).to_json(), sort_keys=True)
    assert one == two


def test_graph_credit_arm_writes_the_setting_and_the_core_gives_credit(small):
    """The credit arm only sets graph_credit in each learner's database; the review action then writes
    credit rows (kind credit), which the plain arm never does."""
    import sqlite3
    import tempfile
    from pathlib import Path

    from roadmap.simulate import _template, simulate_learner

    def credit_rows(on: bool) -> int:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            simulate_learner(small, SimConfig(years=0.3, graph_credit=on, seed=2), 0, folder=folder,
                             template=_template(folder))
            con = sqlite3.connect(folder / "learner-0.db")
            try:
                assert con.execute("SELECT value FROM setting WHERE key = 'graph_credit'").fetchone()[0] \
                    in ('"on"', "on", '"off"', "off")
                return con.execute("SELECT count(*) FROM review_log WHERE kind = 'credit'").fetchone()[0]
            finally:
                con.close()

    assert credit_rows(False) == 0
    assert credit_rows(True) > 0
    r = simulate(SimConfig(years=0.05, graph_credit=True), curriculum=small, jobs=1)
    assert r.arm == "graph credit on"


def test_inert_learners_transfer_nothing(small):
    truth = draw_truth(small, SimConfig(inert_share=1.0, no_transfer_share=0.0), random.Random(5))
    assert not any(truth.transfer.values())


@pytest.mark.slow
def test_forecast_counts_reviews_of_skills_learned_later(small):
    """The forecast made on the first day is within a week of the day the learner reaches each milestone
    (following the plan, reviews and all), and no day goes over budget."""
    r = simulate(SimConfig(years=0.5, learners=2, seed=1, weekly_hours=3), curriculum=small, jobs=1)
    errors = [m["error_weeks"] for lr in r.learners for m in lr.milestones.values()]
    assert errors and all(e is not None for e in errors)
    assert statistics.median(abs(e) for e in errors) <= 1
    assert all(lr.days_over_budget == 0 for lr in r.learners)


def test_repeated_transfer_to_a_tiny_stability_never_leaves_the_calendar():
    """A memory with a tiny stability, credited again and again long after its last refresh, keeps a
    last-refresh day a datetime can hold (the credit sweep once stopped with OverflowError here)."""
    from roadmap.review.scheduling import MAX_RESCALED_DAYS, TrueCard, TrueMemory

    memory = TrueMemory()
    card = TrueCard(stability=0.01, difficulty=9.0, last_day=0.0)
    for day in range(1, 200):
        card = memory.partial(card, 0.5, 1000.0 + day)
        assert card.last_day >= 1000.0 + day - MAX_RESCALED_DAYS
    assert 0.0 <= memory.retrievability(card, 1200.0) <= 1.0


def test_progress_is_told_after_each_learner_and_piped_cli_stays_quiet(small, run):
    seen = []
    simulate(SimConfig(years=0.1, learners=2, seed=3), curriculum=small, jobs=1,
             progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 2), (1, 2), (2, 2)]
    r = run("simulate", "--years", "0.1", "--jobs", "1")
    assert r.exit_code == 0 and r.stderr == ""  # standard error is not a terminal: no progress line


def _simulate_cli(*args: str, **kw):
    import os
    import subprocess
    import sys

    env = {**os.environ, "ROADMAP_CURRICULUM": str(SMALL)}
    env.pop("ROADMAP_DB", None)
    return subprocess.Popen([sys.executable, "-m", "roadmap", "simulate", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, **kw)


@pytest.mark.parametrize("args, message", [
    (("--spread", "-1"), "roadmap: --spread -1 is out of range; it takes 0 to 1"),
    (("--years", "-1"), "roadmap: --years -1 is out of range; it takes above 0 and at most 20"),
    (("--desired-retention", "0.5"), "roadmap: --desired-retention 0.5 is out of range; it takes 0.70 to 0.99"),
    (("--daily-cap", "0"), "roadmap: --daily-cap 0 is out of range; it takes 1 to 1000"),
])
def test_simulate_names_the_option_as_typed(args, message):
    from click.testing import CliRunner

    from roadmap.cli import cli

    r = CliRunner().invoke(cli, ["simulate", *args], env={"ROADMAP_CURRICULUM": str(SMALL)}, catch_exceptions=False)
    assert r.exit_code == 2 and r.stderr.strip() == message, r.stderr


@pytest.mark.slow
def test_ctrl_c_stops_the_workers_quietly(tmp_path):
    """Ctrl+C reaches the whole process group (the parent and its pool workers), as from a terminal."""
    import os
    import signal
    from pathlib import Path

    import time

    # as from a terminal: SIGINT at its default (a test run started in the background inherits it ignored)
    p = _simulate_cli("--years", "20", "--learners", "40", "--jobs", "2", start_new_session=True,
                      preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        children = Path(f"/proc/{p.pid}/task/{p.pid}/children")
        while p.poll() is None and len(children.read_text().split()) < 2:  # wait for both pool workers
            time.sleep(0.01)  # polling for that state, not a fixed wait
        assert p.poll() is None, "the simulation ended before Ctrl+C"
        os.killpg(p.pid, signal.SIGINT)
        out, err = p.communicate(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 130, err
    assert err.splitlines() == ["roadmap: simulation stopped (Ctrl+C); nothing was written"], err
    assert out == ""
