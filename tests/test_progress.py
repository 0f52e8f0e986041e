"""Skill status changes (roadmap.progress): all or nothing, prerequisites, renames, orphans, study order."""

from __future__ import annotations

from datetime import timedelta

import pytest

from roadmap.progress import (PrerequisitesMissing, ProgressError, load_statuses, orphaned, resolve_ids, set_status,
                              with_dependents, with_prerequisites)
from roadmap.settings import Settings
from roadmap.status import Status

from conftest import NOW, both_engines

pytestmark = both_engines

S = Settings(timezone="UTC")


def test_learning_a_skill_with_missing_prerequisites_is_refused_naming_them(ws):
    with pytest.raises(PrerequisitesMissing) as e, ws.write() as s:
        set_status(s, ws.curriculum, ["backprop"], Status.LEARNED, now=NOW, settings=S)
    assert "regression" in str(e.value)
    with ws.read() as s:
        assert load_statuses(s, ws.curriculum) == {}  # nothing written


def test_prerequisites_learned_in_the_same_call_count_and_the_call_is_all_or_nothing(ws):
    with ws.write() as s:
        changes = set_status(s, ws.curriculum, ["algebra", "calculus", "regression"], Status.LEARNED, now=NOW,
                             settings=S)
    assert [(c.skill_id, c.before, c.after) for c in changes] == [
        ("algebra", Status.NOT_STARTED, Status.LEARNED), ("calculus", Status.NOT_STARTED, Status.LEARNED),
        ("regression", Status.NOT_STARTED, Status.LEARNED)]
    with pytest.raises(ProgressError), ws.write() as s:
        set_status(s, ws.curriculum, ["probability", "no-such-skill"], Status.LEARNED, now=NOW, settings=S)
    with ws.read() as s:
        assert "probability" not in load_statuses(s, ws.curriculum)


def test_force_starts_a_locked_skill(ws):
    with ws.write() as s:
        (c,) = set_status(s, ws.curriculum, ["bayes"], Status.IN_PROGRESS, now=NOW, settings=S, force=True)
    assert c.after == Status.IN_PROGRESS
    with ws.read() as s:
        assert load_statuses(s, ws.curriculum) == {"bayes": Status.IN_PROGRESS}


def test_resolve_ids_suggests_close_ids_and_drops_repeats(ws):
    assert resolve_ids(ws.curriculum, ["algebra", " algebra ", "calculus"]) == ["algebra", "calculus"]
    with pytest.raises(ProgressError, match="unknown skill id 'algebr'; did you mean algebra"):
        resolve_ids(ws.curriculum, ["algebr"])


def test_orphaned_lists_stored_ids_the_curriculum_lost(ws):
    statuses = {"algebra": Status.LEARNED, "gone": Status.IN_PROGRESS, "also-gone": Status.SKIPPED}
    assert orphaned(ws.curriculum, statuses) == ["also-gone", "gone"]


def test_with_prerequisites_and_dependents_in_study_order(ws):
    cur = ws.curriculum
    assert with_prerequisites(cur, {}, ["backprop"]) == ["algebra", "calculus", "regression", "backprop"]
    assert with_prerequisites(cur, {"algebra": Status.LEARNED, "calculus": Status.SKIPPED}, ["backprop"]) == \
        ["regression", "backprop"]
    learned = {s: Status.LEARNED for s in ("algebra", "calculus", "regression", "backprop")}
    assert with_dependents(cur, learned, ["algebra"]) == ["algebra", "regression", "backprop"]
    assert with_dependents(cur, {"algebra": Status.LEARNED}, ["algebra"]) == ["algebra"]


def test_resetting_keeps_history_order(ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["probability"], Status.LEARNED, now=NOW - timedelta(days=1), settings=S)
    with ws.write() as s:
        (c,) = set_status(s, ws.curriculum, ["probability"], Status.NOT_STARTED, now=NOW, settings=S)
    assert (c.before, c.after) == (Status.LEARNED, Status.NOT_STARTED)
    with ws.read() as s:
        assert load_statuses(s, ws.curriculum).get("probability", Status.NOT_STARTED) == Status.NOT_STARTED
