"""History stays in time order whatever the clock does, so every export imports into the same state.

A hypothesis state machine runs random sequences of start, learn, skip, reset, log, review and
undo through the core functions, with a clock that mostly moves on and sometimes goes back (an
earlier ``ROADMAP_NOW``, a clock set back). After every step each skill's history is in time
order; at the end, export -> import into an empty database -> export is identical, and so are
the status summary (what ``status --format json`` shows), the review cards and the due queue.
The CLI tests show the same through ``roadmap`` processes: a clock set back is refused with one
message and exit code 2.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings as hsettings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlmodel import select

from roadmap import review, studylog, transfer
from roadmap.errors import RoadmapError
from roadmap.models import ReviewCard, ReviewLog, Status, StatusEvent
from roadmap.planning import DONE, milestone_progress, status_of
from roadmap.progress import load_statuses, orphaned, set_status
from roadmap.settings import Settings
from roadmap.store import open_database
from roadmap.timeline import ClockWentBackError
from roadmap.workspace import Workspace

from conftest import NOW, SMALL, both_engines

S = Settings(timezone="UTC")
SKILLS = ("algebra", "calculus", "probability", "regression", "backprop", "bayes")
_TEMPLATE: Path | None = None


def _empty_database(directory: Path, name: str) -> Path:
    """A fresh migrated database (copied from one made once: migrating is the slow part)."""
    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = Path(tempfile.mkdtemp(prefix="roadmap-template-")) / "empty.db"
        open_database(_TEMPLATE).dispose()
    path = directory / name
    shutil.copy(_TEMPLATE, path)
    return path


def status_summary(session, curriculum, now) -> dict:
    """What ``roadmap status --format json`` reports, computed from the core functions."""
    from roadmap.studylog import logged_hours

    statuses = load_statuses(session, curriculum)
    counts = {st.value: 0 for st in Status}
    for sid in curriculum.skills:
        counts[status_of(statuses, sid).value] += 1
    cats = []
    for c in curriculum.categories:
        ids = [sid for sid, sk in curriculum.skills.items() if sk.category == c.id]
        done = sum(1 for sid in ids if status_of(statuses, sid) in DONE)
        cats.append({"id": c.id, "done": done, "total": len(ids)})
    cards = review.card_states(session, now=now, settings=S, skills=curriculum.skills)
    return {"counts": counts, "categories": cats,
            "memory": [{"id": c.skill_id, "retrievability": round(c.retrievability, 4), "due": c.due_day.isoformat()}
                       for c in sorted(cards.values(), key=lambda c: (c.retrievability, c.skill_id))],
            "milestones": [{"id": m.id, "done": m.done, "required": m.required, "hours_remaining": m.hours_remaining}
                           for m in milestone_progress(curriculum, statuses, logged_hours(session))],
            "orphaned": orphaned(curriculum, statuses)}


def snapshot(ws: Workspace, now) -> dict:
    """Everything a learner sees, at ``now`` and a month later: export, status, cards, due queue."""
    with ws.read() as s:
        doc = transfer.export_document(s, now=NOW)
        cards = sorted((c.skill_id, c.state, c.step, c.stability, c.difficulty, c.due, c.last_review, c.reviews)
                       for c in s.exec(select(ReviewCard)).all())
        later = now + timedelta(days=30)
        return {"export": doc, "cards": cards,
                "status": status_summary(s, ws.curriculum, now), "status_later": status_summary(s, ws.curriculum, later),
                "due": [d.skill_id for d in review.due_queue(s, now=later, settings=S, limit=100)]}


def round_trip(ws: Workspace, directory: Path, now) -> None:
    """Export ``ws``, import into an empty database, and compare everything; then export again."""
    before = snapshot(ws, now)
    text = json.dumps(before["export"], ensure_ascii=False)
    other = Workspace(_empty_database(directory, "imported.db"), SMALL)
    try:
        with other.write() as s:
            transfer.import_document(s, transfer.parse_document(text))
        after = snapshot(other, now)
    finally:
        other.close()
    for key in before:
        assert after[key] == before[key], key


forward = st.one_of(st.just(timedelta(0)), st.integers(1, 59).map(lambda n: timedelta(seconds=n)),
                    st.integers(1, 600).map(lambda n: timedelta(minutes=n)),
                    st.integers(1, 90).map(lambda n: timedelta(days=n)))
backward = st.one_of(st.integers(1, 120).map(lambda n: -timedelta(seconds=n)),
                     st.integers(1, 30).map(lambda n: -timedelta(days=n)))
clock_steps = st.one_of(forward, forward, forward, backward)


class History(RuleBasedStateMachine):
    """Random commands at a moving clock; the database must always export and import the same."""

    def __init__(self):
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="roadmap-clock-"))
        self.ws = Workspace(_empty_database(self.dir, "roadmap.db"), SMALL)
        self.now = NOW
        self.refused = 0

    def _do(self, step: timedelta, action) -> None:
        self.now = self.now + step
        try:
            with self.ws.write() as s:
                action(s)
        except ClockWentBackError as e:
            self.refused += 1
            assert "before the newest entry" in str(e)
        except RoadmapError:
            pass  # refused for another reason (prerequisites, not learned): nothing written

    def _status(self, status: Status, skill: str, force: bool, step: timedelta) -> None:
        self._do(step, lambda s: set_status(s, self.ws.curriculum, [skill], status, now=self.now, settings=S,
                                            force=force))

    @rule(skill=st.sampled_from(SKILLS), force=st.booleans(), step=clock_steps)
    def learn(self, skill, force, step):
        self._status(Status.LEARNED, skill, force, step)

    @rule(skill=st.sampled_from(SKILLS), force=st.booleans(), step=clock_steps)
    def start(self, skill, force, step):
        self._status(Status.IN_PROGRESS, skill, force, step)

    @rule(skill=st.sampled_from(SKILLS), step=clock_steps)
    def skip(self, skill, step):
        self._status(Status.SKIPPED, skill, False, step)

    @rule(skill=st.sampled_from(SKILLS), step=clock_steps)
    def reset(self, skill, step):
        self._status(Status.NOT_STARTED, skill, False, step)

    @rule(skill=st.sampled_from(SKILLS), minutes=st.sampled_from([1, 10, 25, 90]), step=clock_steps)
    def log(self, skill, minutes, step):
        self._do(step, lambda s: studylog.log_study(s, self.ws.curriculum, skill, minutes / 60, now=self.now,
                                                    settings=S))

    @rule(skill=st.sampled_from(SKILLS), rating=st.integers(1, 4), step=clock_steps)
    def rate(self, skill, rating, step):
        self._do(step, lambda s: review.record(s, skill, rating, check_id="1", now=self.now, settings=S, duration_seconds=30))

    @rule(step=clock_steps)
    def undo(self, step):
        self._do(step, lambda s: review.undo_last(s, now=self.now))

    @invariant()
    def history_in_time_order(self):
        with self.ws.read() as s:
            for model, at in ((ReviewLog, ReviewLog.reviewed_at), (StatusEvent, StatusEvent.at)):
                by_skill: dict[str, list] = {}
                for skill, when in s.exec(select(model.skill_id, at).order_by(model.id)).all():
                    by_skill.setdefault(skill, []).append(when)
                for skill, times in by_skill.items():
                    assert times == sorted(times), f"{model.__name__} of {skill} out of time order"

    def teardown(self):
        try:
            round_trip(self.ws, self.dir, self.now)
        finally:
            self.ws.close()
            shutil.rmtree(self.dir, ignore_errors=True)


History.TestCase.settings = hsettings(max_examples=40, stateful_step_count=25, deadline=None,
                                      suppress_health_check=[HealthCheck.too_slow])
test_any_sequence_exports_and_imports_into_the_same_state = pytest.mark.slow(History.TestCase)  # ~6 s


# -- the same through the command line ------------------------------------------------------

def _roadmap(db: Path, *args: str, now) -> subprocess.CompletedProcess:
    """``roadmap ARGS`` in a real process (exit code and stderr exactly as a user sees them)."""
    exe = Path(sys.executable).parent / "roadmap"
    env = {**os.environ, "ROADMAP_DB": str(db), "ROADMAP_CURRICULUM": str(SMALL), "ROADMAP_NOW": now.isoformat()}
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, timeout=120)


@both_engines  # on an SQLite file and on PostgreSQL
@pytest.mark.slow  # ~4 s per engine: CLI subprocesses
def test_undo_dated_before_the_review_is_refused_and_the_export_imports_the_same(ws, db_path, tmp_path):
    later = NOW + timedelta(days=3)
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra", "calculus"], Status.LEARNED, now=NOW, settings=S)
    with ws.write() as s:
        review.record(s, "algebra", 3, check_id="1", now=later, settings=S)
    r = _roadmap(db_path, "undo", now=later - timedelta(days=1))  # the case: the review would come back
    assert r.returncode == 2
    assert "before the newest entry" in r.stderr and "ROADMAP_NOW" in r.stderr and "Traceback" not in r.stderr
    with ws.write() as s:
        review.undo_last(s, now=later + timedelta(minutes=1))
    backup = tmp_path / "backup.json"
    backup.write_text(_roadmap(db_path, "export", now=later).stdout, encoding="utf-8")
    other = tmp_path / "other.db"
    assert _roadmap(other, "import", str(backup), now=later).returncode == 0
    when = later + timedelta(days=10)
    assert _roadmap(other, "status", "--format", "json", now=when).stdout == \
        _roadmap(db_path, "status", "--format", "json", now=when).stdout
    imported = Workspace(other, SMALL)
    try:
        assert snapshot(imported, when) == snapshot(ws, when)
    finally:
        imported.close()


def _invoke(db: Path | str, *args: str, now):
    """``roadmap ARGS`` through click in this process (the quick tests; the slow one above runs real
    processes): a click Result with ``exit_code``, ``stdout`` and ``stderr``; an exception the CLI does not
    turn into a message fails the test."""
    from click.testing import CliRunner

    from roadmap.cli import cli

    env = {"ROADMAP_DB": str(db), "ROADMAP_CURRICULUM": str(SMALL), "ROADMAP_NOW": now.isoformat()}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.mark.parametrize("command", [("reset", "algebra"), ("skip", "algebra"), ("start", "calculus"),
                                     ("learn", "calculus"), ("review", "algebra", "--rating", "hard"),
                                     ("undo",), ("log", "calculus", "30m"), ("log", "algebra", "30m")])
@both_engines  # on an SQLite file and on PostgreSQL
def test_every_history_write_dated_before_the_newest_entry_is_refused(ws, db_path, command):
    later = NOW + timedelta(days=3)
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW, settings=S)
    with ws.write() as s:
        review.record(s, "algebra", 3, check_id="1", now=later, settings=S)
        set_status(s, ws.curriculum, ["calculus"], Status.SKIPPED, now=later, settings=S)
        set_status(s, ws.curriculum, ["calculus"], Status.NOT_STARTED, now=later, settings=S)  # newest entry: later
    with ws.read() as s:
        before = transfer.export_document(s, now=NOW)
    r = _invoke(db_path, *command, now=later - timedelta(hours=1))
    assert r.exit_code == 2, r.stdout + r.stderr
    assert "was refused: it is before the newest entry" in r.stderr and "Traceback" not in r.stderr
    with ws.read() as s:
        assert transfer.export_document(s, now=NOW) == before  # nothing written


@both_engines  # on an SQLite file and on PostgreSQL
def test_study_sessions_may_be_logged_out_of_order(ws):
    """Logged hours are a sum: a session dated earlier (a process that waited for the lock) is kept."""
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.IN_PROGRESS, now=NOW, settings=S)
        studylog.log_study(s, ws.curriculum, "algebra", 1.0, now=NOW + timedelta(hours=2), settings=S)
    with ws.write() as s:
        out = studylog.log_study(s, ws.curriculum, "algebra", 0.5, now=NOW + timedelta(hours=1), settings=S)
    assert out.total_hours == 1.5 and not out.started
