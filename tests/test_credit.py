"""Graph credit in the database: a review's partial credit to the checks it encompasses, the failure pull,
the guards, undo, export/import and replay (each test on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import math
from datetime import timedelta

import fsrs
import pytest
from sqlmodel import select

from roadmap import review, settings_store
from roadmap.actions import data as data_actions, review as review_actions, skills as skill_actions
from roadmap.models import ReviewCard, ReviewLog, Status
from roadmap.review import credit, scheduling
from roadmap.workspace import Workspace

from conftest import NOW, both_engines

pytestmark = both_engines  # storage tests: each runs on an SQLite file and on PostgreSQL

# small.toml plus a skill that heavily encompasses backprop and regression
DEEP = """
[[skill]]
id = "deep"
name = "Deep learning"
category = "ml"
hours = 4
requires = ["backprop"]
description = "Deep nets."
checks = ["What is a residual connection?", "Why normalise layers?"]
resources = [{ title = "DL book", url = "https://www.deeplearningbook.org/" }]
encompasses = { backprop = 0.8, regression = 0.6 }
"""
ALL = ["algebra", "calculus", "regression", "backprop", "deep"]


@pytest.fixture
def cws(db_path, small_path):
    small_path.write_text(small_path.read_text() + DEEP)
    w = Workspace(db_path, small_path)
    yield w
    w.close()


def configure(ws, **values):
    with ws.write() as s:
        for k, v in values.items():
            settings_store.set_value(s, k, v)


def learn(ws, ids, now=NOW):
    skill_actions.set_status(ws, list(ids), Status.LEARNED, now=now, force=True)


def card(ws, sid, cid="1") -> ReviewCard:
    with ws.read() as s:
        return s.get(ReviewCard, (sid, cid))


def cards(ws) -> dict:
    with ws.read() as s:
        return {(c.skill_id, c.check_id): scheduling.card_dict(c) for c in s.exec(select(ReviewCard)).all()}


def log(ws, kind=None) -> list[ReviewLog]:
    with ws.read() as s:
        q = select(ReviewLog).order_by(ReviewLog.id)
        if kind:
            q = q.where(ReviewLog.kind == kind)
        return list(s.exec(q).all())


def good_stability(s, d, elapsed_days):
    """FSRS-6 by hand: retrievability after ``elapsed_days`` and the stability after a Good review then."""
    w = fsrs.scheduler.DEFAULT_PARAMETERS
    decay = -w[20]
    factor = 0.9 ** (1 / decay) - 1
    r = (1 + factor * elapsed_days / s) ** decay
    return s * (1 + math.exp(w[8]) * (11 - d) * s ** -w[9] * (math.exp(w[10] * (1 - r)) - 1))


def test_setting_off_gives_no_credit(cws):
    learn(cws, ALL)
    review_actions.review(cws, "deep/1", 3, now=NOW + timedelta(days=2))
    assert log(cws, "credit") == []


def test_good_review_credits_encompassed_checks_by_hand_computed_amount(cws):
    configure(cws, graph_credit="on")
    learn(cws, ALL)
    before = card(cws, "regression", "1")
    t = NOW + timedelta(days=2)
    out = review_actions.review(cws, "deep/1", 3, now=t)
    rows = log(cws, "credit")
    # every check of every encompassed skill: backprop 0.8, regression 0.6 (explicit), algebra and calculus
    # 0.6 * 0.3 through regression (above 0.8 * 0.3 * 0.3 through backprop)
    assert {(r.skill_id, r.check_id) for r in rows} == {(s, c) for s in ("backprop", "regression", "algebra",
                                                                           "calculus") for c in ("1", "2")}
    assert all(r.caused_by == out.outcome.log_id and r.rating == 3 for r in rows)
    expected = before.stability + 0.6 * (good_stability(before.stability, before.difficulty, 2) - before.stability)
    after = card(cws, "regression", "1")
    assert after.stability == pytest.approx(expected, rel=1e-9)
    assert after.difficulty == before.difficulty and after.last_review == before.last_review
    assert after.reviews == before.reviews  # credit is no explicit review
    # due: the FSRS interval of the new stability (= S at 90 % retention) from the last review, capped at
    # twice the explicit interval (2 days)
    assert (after.due.date() - NOW.date()).days == min(round(expected), 4) > (before.due.date() - NOW.date()).days
    assert json.loads(rows[0].card_before) and json.loads(rows[0].card_after)


def test_early_credit_is_worth_less_than_late_and_same_day_credit_nothing(cws):
    configure(cws, graph_credit="on")
    learn(cws, ["algebra"], now=NOW)
    learn(cws, ["calculus"], now=NOW + timedelta(days=1))
    learn(cws, ["regression"], now=NOW + timedelta(days=2))
    a0, c0 = card(cws, "algebra").stability, card(cws, "calculus").stability
    assert a0 == pytest.approx(c0)
    review_actions.review(cws, "regression/1", 3, now=NOW + timedelta(days=2, hours=1))
    grow_a = card(cws, "algebra").stability - a0  # 2 days after its last review
    grow_c = card(cws, "calculus").stability - c0  # 1 day after
    assert grow_a > grow_c > 0
    learn(cws, ["probability", "bayes"], now=NOW + timedelta(days=3))
    review_actions.review(cws, "bayes/1", 3, now=NOW + timedelta(days=3, hours=1))
    assert not [r for r in log(cws, "credit") if r.skill_id == "probability"]  # same day: R = 1, no growth


def test_hard_gives_half_and_again_none(cws):
    configure(cws, graph_credit="on")
    learn(cws, ALL)
    s0 = card(cws, "backprop").stability
    t = NOW + timedelta(days=2)
    review_actions.review(cws, "regression/1", 2, now=t)  # Hard on regression: algebra gets 0.5 * 0.3
    a = card(cws, "algebra")
    full = good_stability(s0, a.difficulty, 2)
    assert a.stability == pytest.approx(s0 + 0.15 * (full - s0), rel=1e-9)
    n = len(log(cws, "credit"))
    review_actions.review(cws, "regression/2", 1, now=t + timedelta(minutes=1))  # Again: no credit down
    assert [r for r in log(cws, "credit")[n:] if r.skill_id in ("algebra", "calculus")] == []


def test_again_pulls_heavy_dependents_due_within_a_few_days(cws):
    configure(cws, graph_credit="on")
    learn(cws, ["algebra", "calculus", "regression", "backprop"])
    learn(cws, ["deep"], now=NOW + timedelta(days=1))
    t = NOW + timedelta(days=3)
    for c in ("1", "2"):  # give deep's checks long intervals first
        review_actions.review(cws, f"deep/{c}", 4, now=t)
    far = {c: card(cws, "deep", c).due for c in ("1", "2")}
    t2 = t + timedelta(days=1)
    assert all((d.date() - t2.date()).days > credit.FAILURE_DUE_DAYS for d in far.values())
    out = review_actions.review(cws, "backprop/1", 1, now=t2)
    pulls = [r for r in log(cws, "credit") if r.rating == 1]
    assert {(r.skill_id, r.check_id) for r in pulls} == {("deep", "1"), ("deep", "2")}
    assert all(r.caused_by == out.outcome.log_id for r in pulls)
    for pull in pulls:
        after = card(cws, "deep", pull.check_id)
        assert (after.due.date() - t2.date()).days == credit.FAILURE_DUE_DAYS
        assert after.stability == json.loads(pull.card_before)["stability"]  # only the due day moves
    # regression is encompassed by deep with 0.6 too, but an Again on algebra reaches no heavy dependent
    n = len(log(cws, "credit"))
    review_actions.review(cws, "algebra/1", 1, now=t2 + timedelta(minutes=1))
    assert log(cws, "credit")[n:] == []


def test_guards_twice_the_explicit_interval_and_max_credit_days(cws):
    configure(cws, graph_credit="on")
    learn(cws, ALL)
    t = NOW + timedelta(days=2)
    review_actions.review(cws, "deep/1", 3, now=t)
    for sid in ("backprop", "regression", "algebra", "calculus"):
        for c, explicit in (("1", 2), ("2", 3)):  # the learn rows gave 2 and 3 days (spread)
            assert (card(cws, sid, c).due.date() - NOW.date()).days <= 2 * explicit
    # max_credit_days 3: nothing is moved beyond 3 days after the last explicit review
    configure(cws, max_credit_days="3")
    b2 = card(cws, "backprop", "2")
    review_actions.review(cws, "deep/2", 4, now=t + timedelta(days=1))
    assert (card(cws, "backprop", "2").due.date() - b2.last_review.date()).days <= max(3, (b2.due.date() - NOW.date()).days)


def test_credit_once_a_day_and_never_from_credit(cws):
    configure(cws, graph_credit="on")
    learn(cws, ALL)
    t = NOW + timedelta(days=2)
    first = review_actions.review(cws, "backprop/1", 3, now=t)
    n = len(log(cws, "credit"))
    assert n > 0
    review_actions.review(cws, "backprop/2", 3, now=t + timedelta(minutes=5))  # same study day: no second credit
    assert len(log(cws, "credit")) == n
    credit_ids = {r.id for r in log(cws, "credit")}
    # regression was credited by backprop; that credit gave algebra nothing of its own: every credit row names
    # an explicit review, never another credit row
    assert all(r.caused_by == first.outcome.log_id and r.caused_by not in credit_ids for r in log(cws, "credit"))
    algebra_rows = [r for r in log(cws, "credit") if r.skill_id == "algebra"]
    assert len(algebra_rows) == 2  # one per check, from backprop's review (weight 0.09), not via regression's credit


def test_undo_undoes_the_credit_and_replay_and_counts_agree(cws):
    configure(cws, graph_credit="on")
    learn(cws, ALL)
    before = cards(cws)
    t = NOW + timedelta(days=2)
    review_actions.review(cws, "deep/1", 3, now=t)
    assert cards(cws) != before
    undone = review_actions.undo(cws, now=t + timedelta(minutes=1))
    assert undone.skill_id == "deep"
    assert cards(cws) == before
    undo_rows = log(cws, "undo")
    assert len(undo_rows) == 1 + len(log(cws, "credit"))
    with cws.read() as s:
        assert review.rebuild_cards(s) == cards(cws)
        counts = review.review_counts(s)
    assert all(n == 0 for n in counts.values())
    # a second undo finds nothing (credit rows are not reviews)
    assert review_actions.undo(cws, now=t + timedelta(minutes=2)) is None


def test_undo_leaves_a_credited_card_that_changed_since(cws):
    configure(cws, graph_credit="on")
    learn(cws, ALL)
    t = NOW + timedelta(days=2)
    review_actions.review(cws, "deep/1", 3, now=t)
    review_actions.review(cws, "regression/1", 3, now=t + timedelta(minutes=1))  # an explicit review after
    reviewed = cards(cws)[("regression", "1")]
    with cws.write() as s:
        first = review.undo_last(s, now=t + timedelta(minutes=2))  # regression's review
        assert first.skill_id == "regression"
    with cws.write() as s:
        assert review.undo_last(s, now=t + timedelta(minutes=3)).skill_id == "deep"
    assert cards(cws)[("regression", "1")] != reviewed
    with cws.read() as s:
        assert review.rebuild_cards(s) == cards(cws)


def test_export_import_export_round_trip_with_credit_rows(cws, tmp_path, db_path, small_path):
    configure(cws, graph_credit="on")
    learn(cws, ALL)
    t = NOW + timedelta(days=2)
    review_actions.review(cws, "deep/1", 3, now=t)
    review_actions.review(cws, "backprop/1", 1, now=t + timedelta(minutes=1))
    review_actions.undo(cws, now=t + timedelta(minutes=2))
    skill_actions.log_time(cws, "deep", 1.0, now=t + timedelta(days=1))
    doc = data_actions.export_json(cws, now=t + timedelta(days=1, hours=1))
    assert doc["version"] == 3
    kinds = {r["kind"] for r in doc["review_log"]}
    assert {"credit", "undo", "review", "learn"} <= kinds
    caused = [r for r in doc["review_log"] if r["caused_by_index"] is not None]
    assert caused and all(doc["review_log"][r["caused_by_index"]]["kind"] == "review" for r in caused)
    assert any(r["kind"] == "credit" and r["caused_by_index"] is None for r in doc["review_log"])  # from study
    path = tmp_path / "export.json"
    path.write_text(json.dumps(doc))
    other_db = (tmp_path / "other.db") if not str(db_path).startswith("postgresql") else db_path
    if other_db == db_path:  # PostgreSQL: import into the same (already holding it) database changes nothing
        data_actions.import_file(cws, str(path), now=t + timedelta(days=1, hours=2))
        again = data_actions.export_json(cws, now=t + timedelta(days=1, hours=1))
        assert again == doc
        return
    ws2 = Workspace(other_db, small_path)
    try:
        data_actions.import_file(ws2, str(path), now=t + timedelta(days=1, hours=2))
        again = data_actions.export_json(ws2, now=t + timedelta(days=1, hours=1))
        assert again == doc
        assert cards(ws2) == cards(cws)
    finally:
        ws2.close()


def test_study_of_a_learned_skill_credits_what_it_encompasses(cws):
    configure(cws, graph_credit="on")
    learn(cws, ALL)
    s0 = card(cws, "backprop").stability
    skill_actions.log_time(cws, "deep", 0.1, now=NOW + timedelta(days=2))  # too short: nothing
    assert log(cws, "credit") == []
    skill_actions.log_time(cws, "deep", 1.0, now=NOW + timedelta(days=2, minutes=1))
    rows = log(cws, "credit")
    assert rows and all(r.caused_by is None and r.rating == 3 for r in rows)
    assert card(cws, "backprop").stability > s0
    with cws.read() as s:
        assert set(credit.credit_sources(s, [r.id for r in rows]).values()) == {None}


def test_taking_back_logged_study_undoes_its_credit_and_keeps_the_rest(cws):
    configure(cws, graph_credit="on")
    learn(cws, ALL)
    t = NOW + timedelta(days=2)
    skill_actions.log_time(cws, "regression", 1.0, now=t)  # an earlier session, kept
    kept = cards(cws)
    skill_actions.log_time(cws, "deep", 1.0, now=t + timedelta(minutes=1))
    assert cards(cws) != kept  # the study credit moved backprop's and regression's cards
    out = skill_actions.unlog(cws, now=t + timedelta(minutes=2))
    assert (out.skill_id, out.hours, out.total_hours) == ("deep", 1.0, 0.0) and out.credit_undone > 0
    assert cards(cws) == kept
    with cws.read() as s:
        assert review.rebuild_cards(s) == cards(cws)
        from roadmap import studylog
        assert studylog.logged_hours(s) == {"regression": 1.0}
    out = skill_actions.unlog(cws, "regression", now=t + timedelta(minutes=3))
    assert out.skill_id == "regression" and out.credit_undone >= 0
    assert skill_actions.unlog(cws, now=t + timedelta(minutes=4)) is None


def test_cli_log_undo(run):
    assert run("log", "calculus", "24h").exit_code == 0
    assert run("log", "probability", "45m").exit_code == 0
    r = run("log", "--undo", "calculus")
    assert r.exit_code == 0 and r.output.startswith("calculus: took back 24h logged Sun 29 Nov 2026"), r.output
    r = run("log", "--undo")
    assert r.exit_code == 0 and r.output.startswith("probability: took back 45m"), r.output
    assert "nothing taken back" in run("log", "--undo").output
    assert run("log", "--undo", "calculus", "5m").exit_code == 2
    assert run("log", "calculus").exit_code == 2


def test_cli_names_the_credit_a_review_gave(run, small_path):
    small_path.write_text(small_path.read_text() + DEEP)
    assert run("config", "graph_credit", "on").exit_code == 0
    assert run("learn", "--force", *ALL).exit_code == 0
    out = run("review", "deep/1", "--rating", "good", now=NOW + timedelta(days=2))
    assert out.exit_code == 0, out.output
    assert "credit from deep: 8 checks of algebra, backprop, calculus, regression" in out.output
