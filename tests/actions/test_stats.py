"""Statistics (roadmap.actions.stats): the counts behind the Stats screen, and its text renderers."""

from __future__ import annotations

from datetime import date, timedelta

from roadmap import review
from roadmap.actions import stats
from roadmap.progress import set_status
from roadmap.review import Rating
from roadmap.settings import Settings
from roadmap.status import Status

from conftest import NOW, both_engines

pytestmark = both_engines

S = Settings(timezone="UTC")


def test_fresh_database_has_no_reviews_and_no_retention(ws):
    st = stats.stats(ws, now=NOW)
    assert st.today == date(2026, 11, 29)
    assert st.history == {} and st.total_reviews == 0
    assert st.retention is None and st.retention_reviews == 0
    assert st.counts[Status.NOT_STARTED] == len(ws.curriculum.skills)
    assert len(st.forecast) == 30 and sum(n for _, n in st.forecast) == 0


def test_explicit_reviews_make_history_and_retention(ws):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW - timedelta(days=10), settings=S)
    with ws.write() as s:
        review.record(s, "algebra", Rating.GOOD, check_id="1", now=NOW - timedelta(days=3), settings=S)
    with ws.write() as s:
        review.record(s, "algebra", Rating.AGAIN, check_id="2", now=NOW - timedelta(days=1), settings=S)
    st = stats.stats(ws, now=NOW)
    assert st.history == {date(2026, 11, 26): 1, date(2026, 11, 28): 1}  # learning is not an explicit review
    assert st.total_reviews == 2
    assert st.retention == 0.5 and st.retention_reviews == 2  # one of two not rated Again
    assert st.counts[Status.LEARNED] == 1
    assert sum(n for _, n in st.forecast) >= 1  # algebra's checks come back within 30 days
    assert st.prior == 0


def test_shade_and_sparkline_grow_with_the_value():
    assert stats.shade(0, 10) == " "
    assert stats.shade(1, 1) == "█"
    shades = [stats.shade(n, 10) for n in range(1, 11)]
    assert [stats.SHADES.index(c) for c in shades] == sorted(stats.SHADES.index(c) for c in shades)
    assert shades[0] == "░" and len(set(shades)) == 4  # every density is used between 1 and the peak


def test_the_busiest_day_gets_the_darkest_shade():
    for peak in (1, 2, 3, 5, 10, 37, 400):
        assert stats.shade(peak, peak) == "█", peak
        assert stats.shade(peak + 1, peak) == "█"  # a count above the peak (a day added later) too
        if peak > 1:
            assert stats.shade(peak - 1, peak) != "█"  # only the busiest day is the darkest
            assert stats.shade(1, peak) == "░"


def test_the_heatmap_draws_the_busiest_day_darkest():
    today = date(2026, 11, 29)
    lines = stats.heatmap_lines({today: 12, today - timedelta(days=1): 1, today - timedelta(days=8): 6}, today,
                                weeks=4)
    body = "".join(lines[1:])
    assert body.count("█") == 1 and body.count("░") == 1 and "▒" in body
    assert stats.sparkline([]) == ""
    assert stats.sparkline([0, 0]) == "▁▁"
    assert stats.sparkline([0, 5, 10]) == "▁" + stats.SPARKS[round(3.5)] + "█"


def test_heatmap_has_a_row_per_weekday_and_leaves_the_future_blank():
    today = date(2026, 11, 26)  # a Thursday
    lines = stats.heatmap_lines({today: 3, today - timedelta(days=7): 1}, today, weeks=4)
    assert len(lines) == 8 and all(len(line) == 4 + 4 for line in lines)
    thursday = lines[1 + 3]
    busy, light = stats.SHADES.index(thursday[-1]), stats.SHADES.index(thursday[-2])
    assert busy > light > 0  # the busier day is darker; a day with reviews is shaded
    assert all(lines[1 + d][-1] == " " for d in (4, 5, 6))  # Fri..Sun after today
    assert lines[1][-1] == "·"  # Monday of this week: nothing done
