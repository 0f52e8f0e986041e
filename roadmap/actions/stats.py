"""Statistics: review heatmap, workload forecast, retention achieved, counts by status.

All aggregates come from SQL (:func:`roadmap.review.history_counts`,
:func:`roadmap.review.retention_achieved`, :func:`roadmap.review.forecast`);
the review log is never loaded whole. The text renderers draw with
characters whose density carries the value, so they read without colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from roadmap.status import Status

if TYPE_CHECKING:
    from roadmap.workspace import Workspace

SHADES = " ░▒▓█"
SPARKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class Stats:
    """Everything the Stats screen shows.

    ``history`` maps study days of the last ``weeks`` weeks to explicit
    reviews; ``forecast`` is (date, count) for the next 30 days;
    ``retention`` is the share of reviews in the last 365 days not rated
    Again (None without reviews), out of ``retention_reviews``;
    ``prior`` counts learned skills that entered review as prior knowledge.
    """

    today: date
    history: dict[date, int]
    forecast: list[tuple[date, int]]
    retention: float | None
    retention_reviews: int
    desired_retention: float
    counts: dict[Status, int]
    total_reviews: int
    prior: int = 0


def read_stats(session, curriculum, now: datetime, *, weeks: int = 52) -> Stats:
    """The statistics at ``now`` inside ``session``. Read-only; a few aggregate queries."""
    from roadmap import review, settings_store
    from roadmap.actions.skills import counts_by_status
    from roadmap.progress import load_statuses
    from roadmap.timeoff import list_time_off

    settings = settings_store.load(session)
    cal = settings.calendar
    today = cal.study_day(now)
    history = review.history_counts(session, settings=settings, since=cal.day_start(today - timedelta(days=7 * weeks)))
    retention, n = review.retention_achieved(session, since=cal.day_start(today - timedelta(days=365)))
    counts = counts_by_status(curriculum, load_statuses(session, curriculum))
    off = [(t.first_day, t.last_day) for t in list_time_off(session)]
    return Stats(today=today, history=history, forecast=review.forecast(session, now=now, settings=settings, days=30,
                                                                        skills=curriculum.skills, time_off=off),
                 retention=retention, retention_reviews=n, desired_retention=settings.desired_retention,
                 counts=counts, total_reviews=sum(history.values()), prior=len(review.prior_skill_ids(session)))


def stats(ws: Workspace, *, now: datetime, weeks: int = 52) -> Stats:
    """Read the statistics at ``now`` (heatmap of ``weeks`` weeks, 30-day forecast, retention, counts)."""
    with ws.read() as s:
        return read_stats(s, ws.curriculum, now, weeks=weeks)


def shade(n: int, peak: int) -> str:
    """One character for a day's count: blank for 0, then four densities from 1 review (the lightest)
    to ``peak`` reviews (the busiest day: the darkest, █), spread evenly in between."""
    if n <= 0:
        return SHADES[0]
    if peak <= 1 or n >= peak:
        return SHADES[4]
    return SHADES[1 + (3 * (n - 1)) // (peak - 1)]


def heatmap_lines(history: dict[date, int], today: date, weeks: int = 52) -> list[str]:
    """A contribution-calendar of reviews: 7 rows (Mon..Sun), one column per week, newest on the right.

    The first line labels months. Days after ``today`` are left blank.
    """
    weeks = max(1, weeks)
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    peak = max(history.values(), default=0)
    months = [" "] * weeks
    for w in range(weeks):
        d = start + timedelta(weeks=w)
        if d.day <= 7:
            label = d.strftime("%b")
            if all(months[w + i] == " " for i in range(min(3, weeks - w))) and w + 3 <= weeks:
                months[w:w + 3] = list(label)
    lines = ["    " + "".join(months)]
    for dow, name in enumerate(("Mon", "   ", "Wed", "   ", "Fri", "   ", "Sun")):
        row = []
        for w in range(weeks):
            d = start + timedelta(weeks=w, days=dow)
            row.append(" " if d > today else shade(history.get(d, 0), peak) if history.get(d) else "·")
        lines.append(f"{name} " + "".join(row))
    return lines


def sparkline(values: list[int]) -> str:
    """Values as block characters, the tallest at the maximum."""
    peak = max(values, default=0)
    if peak <= 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[min(7, round(7 * v / peak))] for v in values)
