"""Milestones with forecasts (roadmap.actions.milestones): dates from the weekly budget, target status."""

from __future__ import annotations

from datetime import date, timedelta

from roadmap.actions import milestones
from roadmap.actions import settings as settings_action
from roadmap.progress import set_status
from roadmap.settings import Settings
from roadmap.status import ForecastStatus, Status

from conftest import NOW


def by_id(ws):
    return {f.progress.id: f for f in milestones.milestone_forecasts(ws, now=NOW)}


def test_forecasts_follow_the_remaining_hours_and_the_weekly_budget(ws):
    f = by_id(ws)
    assert (f["basics"].progress.required, f["basics"].progress.hours_remaining) == (3, 9)
    assert (f["all"].progress.required, f["all"].progress.hours_remaining) == (6, 19)
    today = date(2026, 11, 29)
    # 10 h a week: 9 h take about a week, 19 h about two; the bigger milestone comes later
    assert today < f["basics"].forecast < f["all"].forecast <= today + timedelta(days=21)
    assert all(x.status == ForecastStatus.NO_TARGET and x.target is None for x in f.values())
    settings_action.set(ws, "weekly_hours", "2")
    slow = by_id(ws)
    assert slow["all"].forecast > f["all"].forecast + timedelta(days=28)  # a fifth of the time: weeks later


def test_a_target_before_the_forecast_is_behind_and_after_it_on_track(ws):
    forecast = by_id(ws)["all"].forecast
    settings_action.set(ws, "target.all", (forecast - timedelta(days=7)).isoformat())
    behind = by_id(ws)["all"]
    assert behind.status == ForecastStatus.BEHIND and behind.target == forecast - timedelta(days=7)
    assert behind.weeks_behind >= 1 and behind.needed_hours_per_week > 10
    settings_action.set(ws, "target.all", (forecast + timedelta(days=7)).isoformat())
    assert by_id(ws)["all"].status == ForecastStatus.ON_TRACK


def test_a_milestone_with_every_skill_learned_is_reached(ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra", "calculus", "regression"], Status.LEARNED, now=NOW,
                   settings=Settings(timezone="UTC"))
    f = by_id(ws)
    assert f["basics"].status == ForecastStatus.REACHED and f["basics"].progress.done == 3
    assert f["all"].progress.done == 3 and f["all"].status == ForecastStatus.NO_TARGET


def test_the_review_profile_spreads_a_new_checks_reviews_and_thins_out():
    profile = milestones.review_profile(Settings(timezone="UTC"), days=365)
    assert len(profile) == 365 and all(x >= 0 for x in profile)
    assert sum(profile[:30]) > sum(profile[-30:])  # intervals grow: more reviews early than late
    assert 2 <= sum(profile) <= 30  # a handful of reviews a year per check, not none and not daily
    assert milestones.review_profile(Settings(timezone="UTC"), days=365) == profile  # seeded: the same
