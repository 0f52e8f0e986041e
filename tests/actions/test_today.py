"""The Today screen's data (roadmap.actions.today): streak, rest days, the overview and the review session."""

from __future__ import annotations

from datetime import date, timedelta

from roadmap import settings_store
from roadmap.actions import today
from roadmap.progress import set_status
from roadmap.settings import Settings
from roadmap.status import SkillState, Status

from conftest import NOW, both_engines

D = date(2026, 11, 26)  # a Thursday


def test_streak_counts_active_days_and_skips_rest_days():
    active = {D: 1, D - timedelta(days=1): 2, D - timedelta(days=3): 1}
    assert today.streak(active, D) == 2  # broken by the empty day before yesterday
    assert today.streak(active, D, lambda d: d == D - timedelta(days=2)) == 3  # a rest day does not break it
    assert today.streak({D - timedelta(days=1): 1}, D) == 1  # nothing yet today: counted up to yesterday
    assert today.streak({}, D) == 0
    assert today.streak(active, D, lambda d: True, earliest=D - timedelta(days=1)) == 2  # the window ends it


def test_rest_days_are_other_weekdays_time_off_and_days_with_nothing_to_do():
    s = Settings(timezone="UTC", study_days=(0, 1, 2, 3, 4))
    rest = today.rest_days(s, [(D, D + timedelta(days=1))], study_left=True, first_due=None)
    assert rest(date(2026, 11, 29))  # a Sunday
    assert rest(D) and rest(D + timedelta(days=1))  # time off
    assert not rest(D - timedelta(days=1))
    idle = today.rest_days(s, [], study_left=False, first_due=D)
    assert idle(D - timedelta(days=1)) and not idle(D)  # nothing left to study: days before a review falls due


pytestmark = both_engines


def test_a_fresh_learner_sees_the_frontier_and_nothing_to_review(ws):
    ov = today.overview(ws, now=NOW)
    assert ov.today == date(2026, 11, 29)
    assert ov.due == [] and ov.due_total == 0 and ov.moved == 0
    assert ov.in_progress == []
    assert {p.skill_id for p in ov.next_up} == {"algebra", "calculus", "probability"}  # no prerequisites
    assert ov.states["backprop"] == SkillState.LOCKED and ov.states["algebra"] == SkillState.READY
    assert ov.streak_days == 0 and ov.cards == {}
    assert len(ov.week.days) == 7
    session = today.review_session(ov, ws.curriculum)
    assert (session.kind, session.targets, session.next_day) == ("none", [], None)


def test_due_checks_make_a_due_session_and_the_cap_moves_the_rest(ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra", "calculus"], Status.LEARNED, now=NOW - timedelta(days=30),
                   settings=Settings(timezone="UTC"))
    ov = today.overview(ws, now=NOW)
    assert ov.due_total == 4 and len(ov.due) == 4  # two checks each
    session = today.review_session(ov, ws.curriculum)
    assert session.kind == "due" and session.skill_ids in (["algebra", "calculus"], ["calculus", "algebra"])
    assert {t for t in session.targets} == {(s, c) for s in ("algebra", "calculus") for c in ("1", "2")}
    assert ov.streak_days == 0  # learning a month ago is no activity today or yesterday
    with ws.write() as s:
        settings_store.set_value(s, "daily_review_cap", "3")
    capped = today.overview(ws, now=NOW)
    assert len(capped.due) == 3 and capped.moved == 1
    assert {p.skill_id for p in capped.next_up} == {"probability", "regression"}


def test_an_in_progress_skill_is_listed_apart_from_the_frontier(ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["probability"], Status.IN_PROGRESS, now=NOW - timedelta(hours=1),
                   settings=Settings(timezone="UTC"))
    ov = today.overview(ws, now=NOW)
    assert [p.skill_id for p in ov.in_progress] == ["probability"]
    assert "probability" not in {p.skill_id for p in ov.next_up}
    assert ov.today_hours > 0


def test_the_streak_has_one_definition_logged_study_counts_and_help_says_so(ws):
    """1h30m of study logged and no review: streak 1 day; Help and the README say exactly that rule."""
    from pathlib import Path

    from roadmap.actions.skills import log_time
    from types import SimpleNamespace

    from roadmap.tui.screens.help import key_rows
    from roadmap.wording import STREAK_TEXT

    log_time(ws, "algebra", 1.5, now=NOW)
    assert today.overview(ws, now=NOW).streak_days == 1
    assert "review made or some study time logged" in STREAK_TEXT
    screen = SimpleNamespace(TITLE="Today", BINDINGS=[], app=SimpleNamespace(BINDINGS=[]))
    assert ("", "Streak", STREAK_TEXT) in key_rows(screen)  # Help shows the same words
    readme = " ".join(Path(__file__).parents[2].joinpath("README.md").read_text().split())
    assert "with at least one review made or some study time logged" in readme


def test_due_today_is_the_overviews_queue_without_the_planner(ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra", "calculus"], Status.LEARNED, now=NOW - timedelta(days=30),
                   settings=Settings(timezone="UTC"))
        settings_store.set_value(s, "daily_review_cap", "3")
    first, ov = today.due_today(ws, now=NOW), today.overview(ws, now=NOW)
    assert first.today == ov.today
    assert [(d.skill_id, d.check_id) for d in first.due] == [(d.skill_id, d.check_id) for d in ov.due]
    assert (first.due_total, first.moved, first.reviewed_today, first.day_off) == (4, 1, 0, False)
    assert first.cards.keys() == ov.cards.keys() == {"algebra", "calculus"}
    assert first.fading == ov.fading and first.statuses == ov.statuses
    # `r` works from it before the plan is there: the same session as from the overview
    assert today.review_session(first, ws.curriculum) == today.review_session(ov, ws.curriculum)


def test_the_overview_takes_the_queue_already_read_and_is_the_same(ws, monkeypatch):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra", "calculus"], Status.LEARNED, now=NOW - timedelta(days=30),
                   settings=Settings(timezone="UTC"))
    first = today.due_today(ws, now=NOW)
    whole = today.overview(ws, now=NOW)
    from roadmap import review

    def not_again(*args, **kwargs):
        raise AssertionError("the queue was read again")

    monkeypatch.setattr(review, "check_states", not_again)  # the app's first read passes what it drew
    given = today.overview(ws, now=NOW, due=first)
    assert given == whole and isinstance(given, today.DueToday)
