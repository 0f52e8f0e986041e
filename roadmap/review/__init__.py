"""Spaced review of learned skills (FSRS-6), in five modules along its seams:

* :mod:`~roadmap.review.rating` -- the vocabulary: :class:`Rating`, :class:`LogKind`, the review errors (pure);
* :mod:`~roadmap.review.scheduling` -- the only ``fsrs`` importer: scheduler, seeded order-keeping fuzz,
  :class:`Outcome` of each rating, clamps;
* :mod:`~roadmap.review.cards` -- card rows and the review log: introduce, retire, record, undo, rebuild;
* :mod:`~roadmap.review.queue` -- the due queue, every card's state now, the forecast;
* :mod:`~roadmap.review.history` -- statistics in SQL: reviews per day, retention, durations, review counts.

Every public name is available here (``from roadmap import review; review.record(...)``). They are
loaded on first use, so naming a :class:`Rating` does not load the scheduler or the database layer.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# name -> the module that defines it (relative to this package, or absolute)
_WHERE = {
    **dict.fromkeys(("Rating", "LogKind", "ReviewError", "StalePreviewError", "RATINGS", "RATING_NAMES",
                     "parse_rating", "review_seconds", "MIN_REVIEW_SECONDS"), ".rating"),
    **dict.fromkeys(("Outcome", "scheduler", "schedule", "first_exposure", "outcomes", "prior_exposure", "card_from_dict_checked",
                     "card_dict", "card_fields", "card_due", "card_key", "retrievabilities", "MAX_STABILITY_DAYS",
                     "MAX_INTERVAL_DAYS", "LAST_DUE_DAY"), ".scheduling"),
    **dict.fromkeys(("introduce", "introduce_prior", "retire", "preview", "record", "undo_last", "undo_study_credit",
                     "rebuild_cards",
                     "card_row_from_dict", "card_for", "skill_cards", "check_ids_of", "spread_days", "sync_checks",
                     "DEDUP_SECONDS", "UNDO_DEPTH", "SPREAD_DAYS"), ".cards"),
    **dict.fromkeys(("DueItem", "TodayQueue", "queue_order", "due_queue", "todays_queue", "card_states",
                     "check_states", "skill_memory", "check_map", "expand", "in_time_off", "forecast"), ".queue"),
    **dict.fromkeys(("history_counts", "retention_achieved", "median_duration_seconds", "review_counts",
                     "undone_ids", "reviewed_since", "prior_skill_ids"), ".history"),
    "ClockWentBackError": "roadmap.timeline",
    # study days, named here since the faces have always reached them as review.study_day etc.
    **dict.fromkeys(("study_day", "zone", "day_start", "day_end"), "roadmap.days"),
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'roadmap.review' has no attribute {name!r}")
    value = getattr(import_module(where, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from roadmap.days import day_end, day_start, study_day, zone
    from roadmap.review.cards import (DEDUP_SECONDS, SPREAD_DAYS, UNDO_DEPTH, card_for, introduce_prior, card_row_from_dict,
                                      check_ids_of, introduce, preview, rebuild_cards, record, retire, skill_cards,
                                      spread_days, sync_checks, undo_last, undo_study_credit)
    from roadmap.review.history import (history_counts, median_duration_seconds, retention_achieved,
                                        review_counts, reviewed_since, undone_ids, prior_skill_ids)
    from roadmap.review.queue import (DueItem, TodayQueue, card_states, check_map, check_states, due_queue, expand,
                                      forecast, in_time_off, queue_order, skill_memory, todays_queue)
    from roadmap.review.rating import (MIN_REVIEW_SECONDS, RATING_NAMES, RATINGS, LogKind, Rating, ReviewError,
                                       StalePreviewError, parse_rating, review_seconds)
    from roadmap.review.scheduling import (LAST_DUE_DAY, MAX_INTERVAL_DAYS, MAX_STABILITY_DAYS, Outcome,
                                           card_dict, card_due, card_fields, card_key, card_from_dict_checked,
                                           first_exposure, outcomes, prior_exposure, retrievabilities, schedule, scheduler)
    from roadmap.timeline import ClockWentBackError
