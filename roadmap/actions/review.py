"""Review actions: today's queue of checks, a review with the next interval, a preview of each rating, undo,
forecast, the learner's notes.

Scheduling itself is :mod:`roadmap.review` (the only ``fsrs`` importer);
these functions open the transaction, read the settings and return values.
Ratings are ints 1-4 (Again, Hard, Good, Easy); names are in :mod:`roadmap.wording`.
The unit of review is a check (one card per self-check of a learned skill).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Collection

from roadmap.errors import RoadmapError

if TYPE_CHECKING:
    from roadmap.review.queue import TodayQueue
    from roadmap.workspace import Workspace


def _time_off(s) -> list[tuple[date, date]]:
    from roadmap.timeoff import list_time_off

    return [(t.first_day, t.last_day) for t in list_time_off(s)]


def due(ws: Workspace, *, now: datetime, show_all: bool = False) -> TodayQueue:
    """Today's checks to review, most at risk (lowest retrievability) first, one skill's checks together
    (:class:`roadmap.review.TodayQueue`: ``items``, ``total``, ``cap``, ``reviewed_today``, ``day_off``,
    ``moved``).

    Within what is left of the daily cap today unless ``show_all`` (then ``items`` is every check due);
    nothing on a day of time off (unless ``show_all``: then what waits is listed).
    """
    from roadmap import review, settings_store

    with ws.read() as s:
        settings = settings_store.load(s)
        q = review.todays_queue(s, now=now, settings=settings, skills=ws.curriculum.skills, time_off=_time_off(s))
    return replace(q, items=list(q.everything)) if show_all else q


def parse_rating(text: str | int) -> int:
    """``again|hard|good|easy`` (or 1-4) to 1-4. Raises ReviewError naming what is accepted."""
    from roadmap.review import parse_rating as parse

    return parse(text)


@dataclass(frozen=True)
class Reviewed:
    """A recorded review: the skill, its check, the rating (1-4) and its outcome (``due_day``, ``interval_days``,
    ``log_id``).

    ``upcoming`` holds the preview of the next check (rating to outcome) when one was asked for;
    ``credited`` the graph credit the review gave (:class:`roadmap.review.credit.Credit`, one per check;
    empty with ``graph_credit`` off). ``due_day_before`` is the study day the check was due before
    this review and ``today`` the study day of the review: a review before its due day is an early one.
    """

    skill_id: str
    rating: int
    outcome: object
    upcoming: dict | None = None
    check_id: str = ""
    credited: tuple = ()
    due_day_before: date | None = None
    today: date | None = None

    @property
    def early(self) -> bool:
        """True when the check was not due yet (its due day was after the review's study day)."""
        return self.due_day_before is not None and self.today is not None and self.due_day_before > self.today


def split_target(text: str) -> tuple[str, str | None]:
    """``SKILL`` or ``SKILL/CHECK`` to (skill, check or None)."""
    skill, sep, check = text.partition("/")
    return skill.strip(), (check.strip() if sep else None)


def _check_ids(ws: Workspace, sid: str) -> tuple[str, ...]:
    from roadmap.review import check_ids_of

    return check_ids_of(ws.curriculum.skills[sid])


def _resolve_check(ws: Workspace, sid: str, check: str) -> str:
    from roadmap.review import ReviewError

    skill = ws.curriculum.skills[sid]
    ids = _check_ids(ws, sid)
    if check in ids:
        return check
    for c in skill.check_items:
        if c.renamed_from == check:
            return c.id
    shown = ", ".join(i for i in ids if i) or "none (the skill is reviewed as a whole)"
    raise ReviewError(f"{sid} has no check {check!r}; its checks: {shown}")


def most_at_risk_check(ws: Workspace, sid: str, *, now: datetime) -> str:
    """The check of ``sid`` to review when only the skill is named: its most at-risk due check, else its
    weakest check (lowest retrievability, then earliest due: the one ``status`` names). Raises ReviewError
    if the skill has no card (not learned)."""
    from roadmap import settings_store

    with ws.read() as s:
        return _most_at_risk(s, ws, sid, now=now, settings=settings_store.load(s))


def _most_at_risk(s, ws: Workspace, sid: str, *, now: datetime, settings) -> str:
    """:func:`most_at_risk_check` inside an open session (a write chooses under its lock, so two
    processes rating the same skill at once rate different checks, not the same one twice)."""
    from roadmap import review

    items = review.check_states(s, now=now, settings=settings, skills={sid: _check_ids(ws, sid)})
    return _pick(sid, items, settings.calendar.study_day(now))


def _pick(sid: str, items: list, today: date) -> str:
    """The check to rate among a skill's check states (see :func:`most_at_risk_check`)."""
    from roadmap import review

    if not items:
        raise review.ReviewError(f"{sid} has no review card: only learned skills are reviewed "
                                 f"(mark it learned with `roadmap learn {sid}`)")
    due = review.queue_order(items, today)
    return due[0].check_id if due else review.skill_memory(items).weakest  # the weakest check `status` names


def review(ws: Workspace, skill_id: str, rating: int, *, now: datetime, duration_seconds: float | None = None,
           expected_due_day: date | None = None, preview_next: str | tuple[str, str] | None = None,
           check_id: str | None = None) -> Reviewed:
    """Record a review of one check of a learned skill (id or former id) and reschedule it, in one transaction.

    ``skill_id`` may be ``SKILL/CHECK``; with no check (``check_id`` None and
    no ``/``), the skill's most at-risk due check is reviewed
    (:func:`most_at_risk_check`). ``expected_due_day`` is the due day the
    learner was shown; if the card changed meanwhile the review is refused
    (StalePreviewError). ``preview_next`` names the next (skill, check)
    whose choices are computed at the same instant (the app's review session).

    With the setting ``graph_credit`` on, the review also gives graph credit
    (:func:`roadmap.review.credit.apply_credit`) in the same transaction.

    Raises ReviewError (unknown or unlearned skill, unknown check, review before the last one).
    """
    from roadmap import review as rv, settings_store
    from roadmap.actions.skills import resolve

    raw, check = split_target(skill_id)
    check = check_id if check_id is not None else check
    sid = resolve(ws, raw)
    from roadmap.clock import at_write

    cid = _resolve_check(ws, sid, check) if check is not None else None
    with ws.write() as s:
        s.connection()  # take the write lock now (BEGIN IMMEDIATE), then date the write
        now = at_write(now)
        settings = settings_store.load(s)
        today = settings.calendar.study_day(now)
        items = rv.check_states(s, now=now, settings=settings, skills={sid: _check_ids(ws, sid)})
        if cid is None:
            cid = _pick(sid, items, today)
        due_before = next((i.due_day for i in items if i.check_id == cid), None)
        out = rv.record(s, sid, rating, now=now, settings=settings, check_id=cid, duration_seconds=duration_seconds,
                        expected_due_day=expected_due_day)
        credited: tuple = ()
        if settings.graph_credit and out.log_id is not None:  # in the same transaction as the review
            from roadmap.review.credit import apply_credit

            credited = tuple(apply_credit(s, ws.curriculum, sid, rating, cause_id=out.log_id, now=now,
                                          settings=settings))
        upcoming = None
        if preview_next:
            nsid, ncid = preview_next if isinstance(preview_next, tuple) else (preview_next, "")
            upcoming = rv.preview(s, nsid, now=now, settings=settings, check_id=ncid)
    return Reviewed(sid, rating, out, upcoming, cid, credited, due_before, today)


def preview(ws: Workspace, skill_id: str, *, now: datetime, check_id: str = "") -> dict:
    """What each rating (1-4) would do now to a check's card: rating to review.Outcome (due day, interval)."""
    from roadmap import review as rv, settings_store

    with ws.read() as s:
        return rv.preview(s, skill_id, now=now, settings=settings_store.load(s), check_id=check_id)


@dataclass(frozen=True)
class Undone:
    """The review that was undone: skill, check, rating (1-4), when it was made (local time) and its log id."""

    skill_id: str
    rating: int
    reviewed_at: datetime
    check_id: str = ""
    log_id: int | None = None


def undo(ws: Workspace, *, now: datetime, only: Collection[int] | None = None) -> Undone | None:
    """Undo the last review (the log keeps both) and the graph credit it gave; None when there is nothing to undo.

    With ``only`` (review-log ids: the ratings of the current review session),
    no other review is undone, however recent.
    """
    from roadmap import review as rv, settings_store

    with ws.write() as s:
        row = rv.undo_last(s, now=now, only=only)
        if row is None:
            return None
        cal = settings_store.load(s).calendar
        return Undone(row.skill_id, row.rating, cal.local(row.reviewed_at), row.check_id or "", row.id)


def forecast(ws: Workspace, *, now: datetime, days: int = 14) -> list[tuple[date, int]]:
    """Checks to review per study day for ``days`` days from today (after the daily cap; time off respected)."""
    from roadmap import review as rv, settings_store

    with ws.read() as s:
        return rv.forecast(s, now=now, settings=settings_store.load(s), days=days, skills=ws.curriculum.skills,
                           time_off=_time_off(s))


# -- a review session, shared by the app and `roadmap review` ---------------------------------------

@dataclass(frozen=True)
class Card:
    """One check to review, with what the session shows about it.

    ``answer`` is None for a plain-string check (no answer key: check against
    the ``resources``); ``note`` is the learner's own note on the skill.
    """

    skill_id: str
    check_id: str
    skill_name: str
    prompt: str
    answer: str | None
    hint: str | None
    resources: tuple
    note: str | None
    retrievability: float | None = None


def card_info(ws: Workspace, skill_id: str, check_id: str, *, note: str | None = None,
              retrievability: float | None = None) -> Card:
    """What a session shows for one check (prompt, answer key, hint, resources, note)."""
    skill = ws.curriculum.skills[skill_id]
    check = next((c for c in skill.check_items if c.id == check_id), None)
    if check is None:  # the whole skill's card: its checks' prompts at once
        prompt = "\n".join(f"• {p}" for p in skill.checks) or f"Recall what {skill.name} is about."
        answer, hint = None, None
    else:
        prompt, answer, hint = check.prompt, check.answer, check.hint
    return Card(skill_id, check_id, skill.name, prompt, answer, hint, tuple(skill.resources), note, retrievability)


def session_cards(ws: Workspace, targets: list[tuple[str, str]] | list[str], *, now: datetime) -> list[Card]:
    """The cards of a review session: ``targets`` are (skill, check) pairs, or skill ids (each of their checks
    in review), in order; notes read in one go."""
    from roadmap import review as rv, settings_store

    pairs: list[tuple[str, str]] = []
    need = [t for t in targets if isinstance(t, str)]
    states: dict[tuple[str, str], float] = {}
    with ws.read() as s:
        notes = read_notes(s)
        if need:
            settings = settings_store.load(s)
            for i in rv.check_states(s, now=now, settings=settings,
                                     skills={sid: _check_ids(ws, sid) for sid in need if sid in ws.curriculum.skills}):
                states[(i.skill_id, i.check_id)] = i.retrievability
    for t in targets:
        if isinstance(t, str):
            pairs.extend(sorted((k for k in states if k[0] == t), key=lambda k: (states[k], k[1])))
        else:
            pairs.append(t)
    return [card_info(ws, sid, cid, note=notes.get(sid), retrievability=states.get((sid, cid)))
            for sid, cid in pairs if sid in ws.curriculum.skills]


def todays_cards(ws: Workspace, *, now: datetime) -> tuple[list[Card], TodayQueue]:
    """Today's queue as session cards (within what is left of the daily cap), and the queue itself."""
    q = due(ws, now=now)
    cards = session_cards(ws, [(i.skill_id, i.check_id) for i in q.items], now=now)
    by = {(i.skill_id, i.check_id): i.retrievability for i in q.items}
    return [replace(c, retrievability=by.get((c.skill_id, c.check_id))) for c in cards], q


# -- notes ----------------------------------------------------------------------------------------

class NoteError(RoadmapError):
    """A note that cannot be saved (unknown skill)."""


def read_notes(session) -> dict[str, str]:
    """Every skill's note text by skill id (inside ``session``)."""
    from sqlmodel import select

    from roadmap.models import SkillNote

    return {n.skill_id: n.text for n in session.exec(select(SkillNote)).all()}


def get_note(ws: Workspace, skill_id: str) -> str:
    """The learner's note on a skill (id or former id), "" if none. Raises ProgressError for an unknown id."""
    from roadmap.actions.skills import resolve
    from roadmap.models import SkillNote

    sid = resolve(ws, skill_id)
    with ws.read() as s:
        row = s.get(SkillNote, sid)
        return row.text if row is not None else ""


def set_note(ws: Workspace, skill_id: str, text: str, *, now: datetime) -> str:
    """Save the learner's note on a skill (replacing the one before; empty text removes it). Returns the skill id.

    Raises ProgressError for an unknown id.
    """
    from roadmap.actions.skills import resolve
    from roadmap.models import SkillNote

    sid = resolve(ws, skill_id)
    text = text.strip("\n")
    with ws.write() as s:
        row = s.get(SkillNote, sid)
        if not text.strip():
            if row is not None:
                s.delete(row)
            return sid
        if row is None:
            row = SkillNote(skill_id=sid, text=text, updated_at=now)
        else:
            row.text, row.updated_at = text, max(now, row.updated_at)
        s.add(row)
    return sid
