"""Review history: statistics read from the review log in SQL (heatmaps, streaks, retention, timing).

Reads only; imports no ``fsrs``. Undone reviews never count.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import case, func
from sqlmodel import Session, select

from roadmap.days import study_day, zone
from roadmap.models import ReviewLog
from roadmap.review.rating import MIN_REVIEW_SECONDS, LogKind, Rating
from roadmap.settings import Settings
from roadmap.store import utc_quarter_hour


def undone_ids():
    """A subquery of the ids of reviews that an ``undo`` row cancelled."""
    return select(ReviewLog.undoes).where(ReviewLog.undoes.is_not(None))  # only undo rows set it (indexed)


def history_counts(session: Session, *, settings: Settings, since: datetime) -> dict[date, int]:
    """Explicit reviews (not undone) per local study day since ``since`` (for heatmaps and streaks).

    Aggregated in SQL by quarter-hour of UTC time (at most 96 groups a day,
    whatever the length of the log), then each quarter-hour is mapped to its
    study day, which is exact for every time zone offset in use (all are
    multiples of 15 minutes).
    """
    tz = zone(settings.timezone)
    at = ReviewLog.reviewed_at
    bucket = utc_quarter_hour(at)  # compiled per engine in roadmap.store
    rows = session.exec(select(bucket, func.count()).where(ReviewLog.kind == LogKind.REVIEW.value, at >= since,
                                                           ReviewLog.id.not_in(undone_ids()))
                        .group_by(bucket)).all()
    out: dict[date, int] = {}
    for key, n in rows:
        instant = datetime.fromisoformat(key).replace(tzinfo=UTC)
        d = study_day(instant, tz, settings.rollover_hour)
        out[d] = out.get(d, 0) + n
    return out


def retention_achieved(session: Session, *, since: datetime) -> tuple[float | None, int]:
    """Share of explicit reviews since ``since`` not rated Again, and how many reviews that is.

    This is the true retention to compare with the desired retention; None
    when there are no reviews. One aggregate query.
    """
    total, again = session.exec(
        select(func.count(), func.sum(case((ReviewLog.rating == int(Rating.AGAIN), 1), else_=0)))
        .where(ReviewLog.kind == LogKind.REVIEW.value, ReviewLog.reviewed_at >= since,
               ReviewLog.id.not_in(undone_ids()))
    ).one()
    if not total:
        return None, 0
    return 1 - (again or 0) / total, total


def median_duration_seconds(session: Session, minimum: int = 20, recent: int = 200) -> float | None:
    """Median duration of the ``recent`` latest timed reviews, seconds; None until ``minimum`` are logged.

    Durations under :data:`MIN_REVIEW_SECONDS` are not review times and are
    left out. Reads at most ``5 * recent`` rows, newest first by primary key,
    whatever the length of the log.
    """
    # Newest rows by primary key, filtered here: a WHERE on kind would make SQLite pick the
    # (kind, reviewed_at) index and sort every review instead of reading the newest few.
    latest = session.exec(select(ReviewLog.kind, ReviewLog.duration_seconds)
                          .order_by(ReviewLog.id.desc()).limit(recent * 5)).all()
    rows = [d for kind, d in latest if kind == LogKind.REVIEW and d is not None and d >= MIN_REVIEW_SECONDS][:recent]
    if len(rows) < minimum:
        return None
    rows = sorted(rows)
    mid = len(rows) // 2
    return rows[mid] if len(rows) % 2 else (rows[mid - 1] + rows[mid]) / 2


def review_counts(session: Session) -> dict[tuple[str, str], int]:
    """Explicit reviews per card (skill id, check id) since it was last learned, undone ones excluded (replayed;
    graph credit and its undoing do not count).

    A check reviewed from its skill's whole-skill card (``""``, from before
    per-check cards) starts from that card's count, as :func:`roadmap.review.record` does.
    """
    counts: dict[tuple[str, str], int] = {}
    credits: set[int] = set()  # an undo of graph credit is no explicit review's undo
    for row_id, kind, skill_id, check_id, undoes in session.exec(
            select(ReviewLog.id, ReviewLog.kind, ReviewLog.skill_id, ReviewLog.check_id, ReviewLog.undoes)
            .order_by(ReviewLog.reviewed_at, ReviewLog.id)).all():
        key = (skill_id, check_id or "")
        if kind == LogKind.CREDIT:
            credits.add(row_id)
            continue
        if kind == LogKind.UNDO and undoes in credits:
            continue
        if kind in (LogKind.REVIEW, LogKind.UNDO) and key not in counts:
            counts[key] = counts.get((skill_id, ""), 0)
        if kind in (LogKind.LEARN, LogKind.PRIOR):
            counts[key] = 0
        elif kind == LogKind.REVIEW:
            counts[key] += 1
        elif kind == LogKind.UNDO:
            counts[key] = max(0, counts[key] - 1)
        elif kind == LogKind.RETIRE:
            if check_id is None:
                for k in [k for k in counts if k[0] == skill_id]:
                    del counts[k]
            else:
                counts.pop(key, None)
    return counts


def reviewed_since(session: Session, since: datetime) -> int:
    """Explicit reviews (checks rated, not undone) at or after ``since`` (UTC): what today's cap has used."""
    return session.exec(select(func.count()).where(ReviewLog.kind == LogKind.REVIEW.value,
                                                   ReviewLog.reviewed_at >= since,
                                                   ReviewLog.id.not_in(undone_ids()))).one()


def prior_skill_ids(session: Session) -> set[str]:
    """Skills in review now that entered it as prior knowledge (their latest ``learn``/``prior`` rows are ``prior``)."""
    from roadmap.models import ReviewCard

    latest: dict[str, str] = {}
    for kind, skill_id in session.exec(select(ReviewLog.kind, ReviewLog.skill_id)
                                       .where(ReviewLog.kind.in_((LogKind.LEARN.value, LogKind.PRIOR.value)))
                                       .order_by(ReviewLog.reviewed_at, ReviewLog.id)).all():
        latest[skill_id] = kind
    in_review = set(session.exec(select(ReviewCard.skill_id).distinct()).all())
    return {s for s, k in latest.items() if k == LogKind.PRIOR and s in in_review}
