"""The vocabulary of spaced review: ratings, review-log kinds, and the review errors.

Pure: imports neither ``fsrs`` nor the database, so the faces can name
ratings without loading the scheduler.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

from roadmap.errors import RoadmapError


class ReviewError(RoadmapError):
    """A review that cannot be recorded: unknown or unlearned skill, or a bad rating."""


class StalePreviewError(ReviewError):
    """The card changed (reviewed elsewhere) after its preview was shown; nothing was recorded."""


class Rating(IntEnum):
    """A rating of one review, as FSRS numbers them (``fsrs.Rating``): 1 Again, 2 Hard, 3 Good, 4 Easy."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def word(self) -> str:
        """The lower-case name a user types and reads: ``again``, ``hard``, ``good``, ``easy``."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str | int) -> Rating:
        """``again|hard|good|easy`` (any case) or 1-4 to a Rating.

        Raises ReviewError naming what is accepted.
        """
        key = str(text).strip().lower()
        if key in ("1", "2", "3", "4"):
            return cls(int(key))
        try:
            return cls[key.upper()]
        except KeyError:
            raise ReviewError(f"rating {text!r} is not one of again, hard, good, easy (or 1-4)") from None


class LogKind(StrEnum):
    """The kind of a review-log row; the values are the strings stored in ``review_log.kind``.

    ``learn``: a skill marked learned (its first exposure, rated Good);
    ``review``: an explicit rating; ``undo``: cancels the review it names;
    ``retire``: the skill left review (reset or skipped); ``prior``: a skill
    marked learned as prior knowledge (known before, see
    :func:`roadmap.review.scheduling.prior_exposure`), rated Good like ``learn``;
    ``credit``: graph credit (:mod:`roadmap.review.credit`), a partial review
    of a check whose skill is encompassed by the skill explicitly reviewed
    (``caused_by`` names that review; None for credit from logged study), its
    rating the causing rating; a credit rated Again is a failure pulling a
    dependent check's due date nearer. Only ``review`` rows are explicit
    reviews (statistics, streaks and the daily cap count only those).
    """

    LEARN = "learn"
    PRIOR = "prior"
    REVIEW = "review"
    UNDO = "undo"
    RETIRE = "retire"
    CREDIT = "credit"


RATINGS: dict[str, int] = {r.word: int(r) for r in Rating}  # "again" -> 1, ...
RATING_NAMES: dict[int, str] = {int(r): r.word for r in Rating}  # 1 -> "again", ...


def parse_rating(text: str | int) -> Rating:
    """``again|hard|good|easy`` (or 1-4) to a :class:`Rating` (an int 1-4). Raises ReviewError naming what is accepted."""
    return Rating.parse(text)


MIN_REVIEW_SECONDS = 2.0  # a rating pressed faster than this is not a review time (e.g. a rating in 0.1 s)


def review_seconds(measured: float | None) -> float | None:
    """A measured review duration (seconds) as stored: None below :data:`MIN_REVIEW_SECONDS` (not a review time),
    so key presses in a fraction of a second never feed the estimate of minutes per review."""
    if measured is None or measured < MIN_REVIEW_SECONDS:
        return None
    return round(measured, 1)
