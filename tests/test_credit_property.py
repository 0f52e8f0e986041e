"""Graph credit, property: for any sequence of reviews (and undos), credit never shortens an interval and never
passes its guards; the log replays to the live cards (SQLite files)."""

from __future__ import annotations

import json

import pytest
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, event, example, given, settings as hsettings, strategies as st
from sqlmodel import select

from roadmap import review, settings_store
from roadmap.days import study_day, zone
from roadmap.actions import review as review_actions, skills as skill_actions
from roadmap.models import ReviewCard, ReviewLog, Status
from roadmap.review import scheduling
from roadmap.review.rating import LogKind
from roadmap.workspace import Workspace

from conftest import NOW, SMALL
from test_credit import ALL, DEEP

STEP = st.tuples(st.sampled_from(["algebra", "calculus", "regression", "backprop", "deep", "undo"]),
                 st.sampled_from(["1", "2"]), st.integers(1, 4), st.integers(0, 24 * 20))


def _day(at):
    return study_day(at, zone("UTC"), 4)  # the learner's study day (UTC zone, rollover 04:00)


def _check_guards(ws, max_credit_days: int) -> None:
    with ws.read() as s:
        rows = list(s.exec(select(ReviewLog).order_by(ReviewLog.reviewed_at, ReviewLog.id)).all())
        anchors: dict = {}  # the explicit entries standing at each point of the log (an undo removes its target)
        for r in rows:
            key = (r.skill_id, r.check_id or "")
            if r.kind in (LogKind.LEARN, LogKind.PRIOR, LogKind.REVIEW):
                anchors.setdefault(key, {})[r.id] = json.loads(r.card_after)
            if r.kind == LogKind.UNDO:
                anchors.get(key, {}).pop(r.undoes, None)
            if r.kind != LogKind.CREDIT:
                continue
            before, after = json.loads(r.card_before), json.loads(r.card_after)
            assert after["last_review"] == before["last_review"] and after["difficulty"] == before["difficulty"]
            due_b, due_a = scheduling.card_due(before), scheduling.card_due(after)
            if r.rating == 1:  # a failure pull: nearer, never later
                assert due_a <= due_b and after["stability"] == before["stability"]
                continue
            assert due_a >= due_b  # credit never shortens an interval
            assert after["stability"] >= before["stability"]
            last = _day(scheduling.card_fields(before)["last_review"])
            moved = (_day(due_a) - last).days
            if due_a != due_b:
                assert moved <= max_credit_days
                # an explicit entry standing when the credit was given (it may be undone later: undoing it
                # restores the card from before it, credit included)
                explicit = [a for a in anchors.get(key, {}).values() if a["last_review"] == before["last_review"]]
                assert explicit, "a credited card has an explicit review behind it"
                assert moved <= 2 * (_day(scheduling.card_due(explicit[-1])) - last).days
            assert r.caused_by is None or next(x for x in rows if x.id == r.caused_by).kind == LogKind.REVIEW
        event(f"credit rows: {min(3, sum(r.kind == LogKind.CREDIT for r in rows))}+")
        assert review.rebuild_cards(s) == {(c.skill_id, c.check_id): scheduling.card_dict(c)
                                           for c in s.exec(select(ReviewCard)).all()}


@pytest.mark.slow
@hsettings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=1, max_size=10), max_credit_days=st.sampled_from([5, 30, 180]))
# found under load: a credit undone with its review, then the credited card's own review undone
@example(steps=[("algebra", "1", 2, 0), ("backprop", "1", 3, 45), ("undo", "1", 1, 3), ("undo", "2", 1, 0)],
         max_credit_days=5)
def test_credit_never_shortens_and_keeps_its_guards(steps, max_credit_days):
    folder = Path(tempfile.mkdtemp(prefix="credit-prop-"))
    try:
        cur = folder / "small.toml"
        cur.write_text(SMALL.read_text() + DEEP)
        ws = Workspace(folder / "roadmap.db", cur)
        try:
            with ws.write() as s:
                settings_store.set_value(s, "graph_credit", "on")
                settings_store.set_value(s, "max_credit_days", str(max_credit_days))
                settings_store.set_value(s, "timezone", "UTC")
            skill_actions.set_status(ws, ALL, Status.LEARNED, now=NOW, force=True)
            t = NOW
            for sid, cid, rating, hours in steps:
                t += timedelta(hours=hours, minutes=1)
                if sid == "undo":
                    review_actions.undo(ws, now=t)
                else:
                    review_actions.review(ws, f"{sid}/{cid}", rating, now=t)
            _check_guards(ws, max_credit_days)
        finally:
            ws.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
