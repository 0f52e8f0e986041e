"""What every plan reads (roadmap.actions.context): progress, settings, time off and the review forecast."""

from __future__ import annotations

from datetime import date, timedelta

from roadmap import review, settings_store, studylog
from roadmap.actions.context import plan_context
from roadmap.progress import set_status
from roadmap.settings import Settings
from roadmap.status import Status
from roadmap.timeoff import add_time_off

from conftest import NOW

S0 = Settings(timezone="UTC")


def test_the_context_reads_progress_settings_time_off_and_the_review_forecast(ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW - timedelta(days=30), settings=S0)
        set_status(s, ws.curriculum, ["calculus"], Status.IN_PROGRESS, now=NOW - timedelta(days=1), settings=S0)
        studylog.log_time(s, "calculus", 1.5, now=NOW - timedelta(hours=3))
        settings_store.set_value(s, "weekly_hours", "6")
        add_time_off(s, date(2026, 12, 24), date(2026, 12, 26))
    with ws.read() as s:
        ctx = plan_context(s, ws.curriculum, NOW, days=14)
    assert ctx.today == date(2026, 11, 29)
    assert ctx.statuses == {"algebra": Status.LEARNED, "calculus": Status.IN_PROGRESS}
    assert ctx.logged == {"calculus": 1.5}
    assert ctx.settings.weekly_hours == 6
    assert ctx.time_off == [(date(2026, 12, 24), date(2026, 12, 26))]
    # algebra's two checks were due long ago: the forecast puts them today, and covers the horizon
    assert ctx.reviews.get(ctx.today, 0) == 2
    assert max(ctx.reviews) <= ctx.today + timedelta(days=14)


def test_enough_logged_review_durations_replace_the_review_minutes_setting(ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW - timedelta(days=400), settings=S0)
    for k in range(25):  # more than the 20 needed, each taking 90 s
        with ws.write() as s:
            review.record(s, "algebra", 3, check_id="1", now=NOW - timedelta(days=300 - 10 * k), settings=S0,
                          duration_seconds=90)
    with ws.read() as s:
        assert plan_context(s, ws.curriculum, NOW).settings.review_minutes == 1.5


def test_a_forecast_from_a_later_day_covers_the_days_up_to_it(ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW - timedelta(days=2), settings=S0)
    first = date(2027, 3, 1)
    with ws.read() as s:
        ctx = plan_context(s, ws.curriculum, NOW, days=7, first=first)
    assert ctx.today == date(2026, 11, 29)  # still today: reviews are never forecast for days gone by
    assert ctx.reviews and min(ctx.reviews) >= ctx.today and max(ctx.reviews) <= first + timedelta(days=7)
