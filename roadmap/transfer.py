"""Export and import of everything a learner has: progress, settings, study time, time off, reviews.

The document is JSON (see ``docs/export-format.md``)::

    {"format": "roadmap-export", "version": 2, "exported_at": "...Z",
     "settings": {key: value as typed}, "progress": [...], "status_events": [...],
     "study_sessions": [...], "time_off": [...], "review_log": [...], "notes": [...]}

Version 2 (per-check review cards) gives each review log entry the ``check``
it is about (null: the whole skill, as every entry of version 1) and adds the
learner's ``notes`` on skills. Version 1 files still import (their entries
are about whole skills; each check then reviews from its skill's card).

Version 3 (graph credit) adds review log entries of kind ``credit`` (a
partial review given through the prerequisite graph, rated with the rating
that caused it) and ``caused_by_index``: the position of the explicit review
that caused a credit entry (null for credit from logged study, and for every
other entry). An ``undo`` entry may name a credit entry. Versions 1 and 2
still import.

Row ids are not exported; a review log entry that undoes another names it by
its position in ``review_log`` (``undoes_index``). Review cards are not
exported either: they are rebuilt from the review log, which is the record.

Import validates the whole document first, then merges it in one
transaction: rows already present (same natural key) are skipped, so
importing the same file twice changes nothing, and an export of an empty
database after import equals the imported document.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, select

from roadmap import settings as sm
from roadmap.errors import RoadmapError
from roadmap.models import (ReviewCard, ReviewLog, Setting, SkillNote, SkillProgress, Status, StatusEvent,
                            StudySession, TimeOff)
from roadmap.review.rating import LogKind

FORMAT = "roadmap-export"
VERSION = 3
VERSIONS = (1, 2, 3)  # versions this code imports
KINDS = {k.value for k in LogKind}  # learn, prior, review, undo, retire, credit
RATING_BY_KIND = {"learn": {3}, "prior": {3}, "review": {1, 2, 3, 4}, "undo": {0}, "retire": {0},
                  "credit": {1, 2, 3, 4}}


class TransferError(RoadmapError):
    """An import file that is not a roadmap export of a known version, or is malformed."""


def _ts(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value is not None else None


def export_document(session: Session, *, now: datetime) -> dict[str, Any]:
    """Everything in the database as a JSON-ready dict (see the module docstring)."""
    log = session.exec(select(ReviewLog).order_by(ReviewLog.id)).all()
    position = {row.id: i for i, row in enumerate(log)}
    settings = {}
    for row in session.exec(select(Setting).order_by(Setting.key)).all():
        try:
            settings[row.key] = json.loads(row.value)
        except ValueError:
            continue
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _ts(now),
        "settings": settings,
        "progress": [
            {"skill": p.skill_id, "status": p.status, "started_at": _ts(p.started_at), "learned_at": _ts(p.learned_at),
             "skipped_at": _ts(p.skipped_at), "updated_at": _ts(p.updated_at)}
            for p in session.exec(select(SkillProgress).order_by(SkillProgress.skill_id)).all()
        ],
        "status_events": [
            {"skill": e.skill_id, "status": e.status, "at": _ts(e.at)}
            for e in session.exec(select(StatusEvent).order_by(StatusEvent.id)).all()
        ],
        "study_sessions": [
            {"skill": s.skill_id, "at": _ts(s.at), "hours": s.hours}
            for s in session.exec(select(StudySession).order_by(StudySession.id)).all()
        ],
        "time_off": [
            {"from": t.first_day.isoformat(), "to": t.last_day.isoformat(), "note": t.note}
            for t in session.exec(select(TimeOff).order_by(TimeOff.first_day, TimeOff.last_day, TimeOff.note)).all()
        ],
        "review_log": [
            {"skill": r.skill_id, "check": r.check_id, "at": _ts(r.reviewed_at), "rating": r.rating, "kind": r.kind,
             "duration_seconds": r.duration_seconds,
             "undoes_index": position.get(r.undoes) if r.undoes is not None else None,
             "caused_by_index": position.get(r.caused_by) if r.caused_by is not None else None,
             "card_before": json.loads(r.card_before) if r.card_before else None,
             "card_after": json.loads(r.card_after)}
            for r in log
        ],
        "notes": [
            {"skill": n.skill_id, "text": n.text, "updated_at": _ts(n.updated_at)}
            for n in session.exec(select(SkillNote).order_by(SkillNote.skill_id)).all()
        ],
    }


# -- validation ---------------------------------------------------------------------

def _need(cond: bool, where: str, what: str) -> None:
    if not cond:
        raise TransferError(f"{where}: {what}")


def _instant(value: Any, where: str, *, optional: bool = False) -> datetime | None:
    if value is None and optional:
        return None
    _need(isinstance(value, str), where, "expected an ISO 8601 time with offset, e.g. 2026-03-01T09:00:00Z")
    try:
        out = datetime.fromisoformat(value.replace("Z", "+00:00"))
        _need(out.tzinfo is not None, where, f"{value!r} has no UTC offset")
        out = out.astimezone(UTC)
    except (ValueError, OverflowError):
        raise TransferError(f"{where}: {value!r} is not an ISO 8601 time") from None
    from roadmap.clock import MAX_YEAR, MIN_YEAR

    _need(MIN_YEAR <= out.year <= MAX_YEAR, where, f"{value!r} is outside the years {MIN_YEAR}-{MAX_YEAR}")
    return out


def _records(doc: dict, key: str) -> list[dict]:
    value = doc.get(key, [])
    _need(isinstance(value, list) and all(isinstance(r, dict) for r in value), key, "expected a list of objects")
    return value


def _skill(rec: dict, where: str) -> str:
    value = rec.get("skill")
    _need(isinstance(value, str) and value.strip() != "", where, "'skill' must be a skill id")
    return value


def _card(value: Any, where: str) -> dict:
    from roadmap.review import card_from_dict_checked

    _need(isinstance(value, dict), where, "expected a review card object")
    for key in ("due", "last_review"):
        if value.get(key) is not None:
            _instant(value[key], f"{where}.{key}")
    stability = value.get("stability")
    _need(stability is None or (_number(stability) and 0 < stability < 1e7), where, "stability must be a positive number")
    difficulty = value.get("difficulty")
    _need(difficulty is None or (_number(difficulty) and 1 <= difficulty <= 10), where, "difficulty must be 1-10")
    try:
        card_from_dict_checked(value)
    except (KeyError, TypeError, ValueError, OverflowError):
        raise TransferError(f"{where}: not a valid review card") from None
    return value


def _number(v: Any) -> bool:
    import math

    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


FUTURE_SLACK_MINUTES = 5
"""History up to this many minutes after now is accepted on import (clocks of two machines differ a little)."""


def dated_after(doc: dict[str, Any], now: datetime) -> list[datetime]:
    """The times (UTC) of an export's history rows dated after ``now`` (aware UTC) by more than
    :data:`FUTURE_SLACK_MINUTES`: exactly the rows :func:`check_not_after` refuses, sorted.

    Status events, study sessions and review-log entries count; due dates of cards do not.
    Raises TransferError for a malformed time.
    """
    from datetime import timedelta

    limit = now + timedelta(minutes=FUTURE_SLACK_MINUTES)
    out = []
    for key in ("status_events", "study_sessions", "review_log"):
        for i, r in enumerate(doc.get(key) or []):
            at = _instant(r.get("at"), f"{key}[{i}].at")
            if at > limit:
                out.append(at)
    return sorted(out)


def check_not_after(doc: dict[str, Any], now: datetime) -> None:
    """Refuse a parsed export whose history is dated after ``now`` (aware UTC datetime).

    A status event, study session or review-log entry from the future (an
    export made on a machine whose clock ran ahead, or a hand edit) would make
    every later write to that skill look like a clock going back. Due dates of
    cards may lie ahead and are not checked. Raises TransferError naming the
    first such record.
    """
    from datetime import timedelta

    limit = now + timedelta(minutes=FUTURE_SLACK_MINUTES)
    for key in ("status_events", "study_sessions", "review_log"):
        for i, r in enumerate(doc.get(key) or []):
            at = _instant(r.get("at"), f"{key}[{i}].at")
            _need(at <= limit, f"{key}[{i}].at",
                  f"{r.get('at')!r} is after now ({now:%Y-%m-%d %H:%M} UTC); check the clock of the computer "
                  f"that made the export")


def parse_document(text: str | bytes) -> dict[str, Any]:
    """Parse and validate an export document completely; nothing is written.

    ``text`` is the file's text, or its bytes (UTF-8). A leading UTF-8
    byte-order mark (editors on Windows write one) is ignored.

    Raises
    ------
    TransferError
        Not JSON, not a roadmap export, an unknown version, or any malformed
        record (the message names it, e.g. ``review_log[12]: rating must be 1-4``).
    """
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise TransferError(f"not UTF-8 text (byte {e.start}); an export is always UTF-8") from None
    text = text.removeprefix("\ufeff")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise TransferError(f"not JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
    except (ValueError, RecursionError) as e:
        raise TransferError(f"not usable JSON ({type(e).__name__}: {str(e)[:80]})") from None
    _need(isinstance(doc, dict) and doc.get("format") == FORMAT, "document",
          "not a roadmap export (its 'format' is not \"roadmap-export\")")
    _need(not isinstance(doc.get("version"), bool) and doc.get("version") in VERSIONS, "document",
          f"export version {doc.get('version')!r} is not supported; this roadmap reads versions "
          f"{', '.join(map(str, VERSIONS))}")
    settings = doc.get("settings", {})
    _need(isinstance(settings, dict), "settings", "expected an object")
    for key, value in settings.items():
        _need(isinstance(value, str), f"settings.{key}", "expected the value as text")
        if not key.startswith(sm.TARGET_PREFIX) and key not in sm.SPECS:
            raise TransferError(f"settings.{key}: unknown setting")
        try:
            if key.startswith(sm.TARGET_PREFIX):
                sm.parse_date(value, what=key)
            else:
                sm.SPECS[key].parse(value)
        except RoadmapError as e:
            raise TransferError(f"settings.{key}: {e}") from None
    statuses = {s.value for s in Status}
    seen: set[str] = set()
    for i, r in enumerate(_records(doc, "progress")):
        w = f"progress[{i}]"
        _need(_skill(r, w) not in seen, w, f"skill {r.get('skill')!r} appears twice in progress")
        seen.add(r["skill"])
        _need(r.get("status") in statuses, w, f"status must be one of {', '.join(sorted(statuses))}")
        for k in ("started_at", "learned_at", "skipped_at"):
            _instant(r.get(k), f"{w}.{k}", optional=True)
        _instant(r.get("updated_at"), f"{w}.updated_at")
    for i, r in enumerate(_records(doc, "status_events")):
        w = f"status_events[{i}]"
        _skill(r, w)
        _need(r.get("status") in statuses, w, "unknown status")
        _instant(r.get("at"), f"{w}.at")
    for i, r in enumerate(_records(doc, "study_sessions")):
        w = f"study_sessions[{i}]"
        _skill(r, w)
        _instant(r.get("at"), f"{w}.at")
        h = r.get("hours")
        _need(_number(h) and 0 < h <= 24, w, "hours must be above 0 and at most 24")
    for i, r in enumerate(_records(doc, "time_off")):
        w = f"time_off[{i}]"
        try:
            a, b = date.fromisoformat(r.get("from", "")), date.fromisoformat(r.get("to", ""))
        except (TypeError, ValueError):
            raise TransferError(f"{w}: 'from' and 'to' must be dates YYYY-MM-DD") from None
        _need(a <= b, w, "'to' is before 'from'")
        _need((b - a).days <= 366, w, "time off is longer than a year")
        _need(isinstance(r.get("note", ""), str), w, "note must be text")
    log = _records(doc, "review_log")
    for i, r in enumerate(log):
        w = f"review_log[{i}]"
        _skill(r, w)
        check = r.get("check")
        _need(check is None or (isinstance(check, str) and check.strip() != ""), w,
              "'check' must be a check id or null (the whole skill)")
        _instant(r.get("at"), f"{w}.at")
        kind = r.get("kind")
        _need(kind in KINDS, w, f"kind must be one of {', '.join(sorted(KINDS))}")
        rating = r.get("rating")
        _need(isinstance(rating, int) and not isinstance(rating, bool) and rating in RATING_BY_KIND[kind], w,
              f"rating must be {' or '.join(map(str, sorted(RATING_BY_KIND[kind])))} for a {kind} entry "
              "(1 again, 2 hard, 3 good, 4 easy)")
        d = r.get("duration_seconds")
        _need(d is None or (_number(d) and 0 <= d <= 86400), w, "duration_seconds must be 0-86400")
        _need(kind != "credit" or doc["version"] >= 3, w, "credit entries need export version 3")
        u = r.get("undoes_index")
        _need(u is None or (isinstance(u, int) and not isinstance(u, bool) and 0 <= u < i
                            and log[u].get("kind") in ("review", "credit") and log[u].get("skill") == r.get("skill")
                            and log[u].get("check") == r.get("check")), w,
              "undoes_index must point to an earlier review (or credit) of the same skill and check")
        _need((kind == "undo") == (u is not None), w, "an undo entry (and only an undo entry) names undoes_index")
        c = r.get("caused_by_index")
        _need(c is None or (kind == "credit" and isinstance(c, int) and not isinstance(c, bool) and 0 <= c < i
                            and log[c].get("kind") == "review"), w,
              "caused_by_index must be null, or on a credit entry point to an earlier review")
        if r.get("card_before") is not None:
            _card(r["card_before"], f"{w}.card_before")
        if kind in ("review", "undo", "retire", "credit"):
            _need(r.get("card_before") is not None, w, f"a {kind} entry needs card_before")
        if kind != "retire":
            _card(r.get("card_after"), f"{w}.card_after")
    seen = set()
    for i, r in enumerate(_records(doc, "notes")):
        w = f"notes[{i}]"
        _need(_skill(r, w) not in seen, w, f"skill {r.get('skill')!r} has two notes")
        seen.add(r["skill"])
        _need(isinstance(r.get("text"), str), w, "'text' must be text")
        _instant(r.get("updated_at"), f"{w}.updated_at")
    return doc


# -- import -------------------------------------------------------------------------

def import_document(session: Session, doc: dict[str, Any]) -> dict[str, int]:
    """Merge a validated document (see :func:`parse_document`) in the caller's transaction.

    Rows already present are skipped: progress by skill (the newer
    ``updated_at`` wins), events, study sessions, time off and review log
    entries by all their fields, settings by key (the file's value wins).
    Review cards are then rebuilt from the merged review log.

    Returns counts of rows added per section.
    """
    added = {k: 0 for k in ("settings", "progress", "status_events", "study_sessions", "time_off", "review_log",
                            "notes")}
    for key, value in doc.get("settings", {}).items():
        row = session.get(Setting, key)
        encoded = json.dumps(value)
        if row is None or row.value != encoded:
            session.add(Setting(key=key, value=encoded) if row is None else _set(row, value=encoded))
            added["settings"] += 1
    for r in doc.get("progress", []):
        row = session.get(SkillProgress, r["skill"])
        incoming = SkillProgress(skill_id=r["skill"], status=r["status"],
                                 started_at=_instant(r.get("started_at"), "", optional=True),
                                 learned_at=_instant(r.get("learned_at"), "", optional=True),
                                 skipped_at=_instant(r.get("skipped_at"), "", optional=True),
                                 updated_at=_instant(r["updated_at"], ""))
        if row is None:
            session.add(incoming)
            added["progress"] += 1
        elif incoming.updated_at > row.updated_at:
            for k in ("status", "started_at", "learned_at", "skipped_at", "updated_at"):
                setattr(row, k, getattr(incoming, k))
            session.add(row)
            added["progress"] += 1
    # Events and sessions are matched by all their fields *and occurrence* (as review log entries
    # are): two identical rows (learned, reset and learned again at one instant; the same hours
    # logged twice) are both kept, and a second import adds nothing.
    have = _occurrences((e.skill_id, e.status, e.at) for e in session.exec(select(StatusEvent)).all())
    seen: dict[tuple, int] = {}
    for r in doc.get("status_events", []):
        key = (r["skill"], r["status"], _instant(r["at"], ""))
        if _is_new(key, have, seen):
            session.add(StatusEvent(skill_id=key[0], status=key[1], at=key[2]))
            added["status_events"] += 1
    have = _occurrences((s.skill_id, s.at, s.hours) for s in session.exec(select(StudySession)).all())
    seen = {}
    for r in doc.get("study_sessions", []):
        key = (r["skill"], _instant(r["at"], ""), float(r["hours"]))
        if _is_new(key, have, seen):
            session.add(StudySession(skill_id=key[0], at=key[1], hours=key[2]))
            added["study_sessions"] += 1
    existing = {(t.first_day, t.last_day, t.note) for t in session.exec(select(TimeOff)).all()}
    for r in doc.get("time_off", []):
        key = (date.fromisoformat(r["from"]), date.fromisoformat(r["to"]), r.get("note", ""))
        if key not in existing:
            session.add(TimeOff(first_day=key[0], last_day=key[1], note=key[2]))
            existing.add(key)
            added["time_off"] += 1
    added["review_log"] = _import_log(session, doc.get("review_log", []))
    for r in doc.get("notes", []):  # the newer note wins
        at = _instant(r["updated_at"], "")
        row = session.get(SkillNote, r["skill"])
        if row is None:
            session.add(SkillNote(skill_id=r["skill"], text=r["text"], updated_at=at))
            added["notes"] += 1
        elif at > row.updated_at and row.text != r["text"]:
            row.text, row.updated_at = r["text"], at
            session.add(row)
            added["notes"] += 1
    session.flush()
    rebuild_review_cards(session)
    return added


def _occurrences(keys) -> dict[tuple, int]:
    out: dict[tuple, int] = {}
    for key in keys:
        out[key] = out.get(key, 0) + 1
    return out


def _is_new(key: tuple, have: dict[tuple, int], seen: dict[tuple, int]) -> bool:
    """Whether this occurrence of ``key`` in the file (the first, second, ...) is not in the database yet."""
    seen[key] = seen.get(key, 0) + 1
    return seen[key] > have.get(key, 0)


def _set(row, **values):
    for k, v in values.items():
        setattr(row, k, v)
    return row


def _log_key(skill: str, check: str | None, at: datetime, kind: str, rating: int) -> tuple:
    return (skill, check, at, kind, rating)


def _import_log(session: Session, records: list[dict]) -> int:
    # Entries are matched by (skill, check, time, kind, rating) *and occurrence*: the n-th identical
    # entry in the file is the n-th one here, so repeated identical entries (a rating, undone,
    # given again at the same instant) are all kept, and a second import adds nothing.
    existing: dict[tuple, list[int]] = {}
    for row in session.exec(select(ReviewLog).order_by(ReviewLog.id)).all():
        existing.setdefault(_log_key(row.skill_id, row.check_id, row.reviewed_at, row.kind, row.rating),
                            []).append(row.id)
    used: dict[tuple, int] = {}
    position_ids: list[int] = []
    added = 0
    for r in records:
        at = _instant(r["at"], "")
        key = _log_key(r["skill"], r.get("check"), at, r["kind"], r["rating"])
        n = used.get(key, 0)
        used[key] = n + 1
        if n < len(existing.get(key, [])):
            position_ids.append(existing[key][n])
            continue
        undoes = position_ids[r["undoes_index"]] if r.get("undoes_index") is not None else None
        caused_by = position_ids[r["caused_by_index"]] if r.get("caused_by_index") is not None else None
        row = ReviewLog(skill_id=r["skill"], check_id=r.get("check"), reviewed_at=at, rating=r["rating"], kind=r["kind"],
                        duration_seconds=r.get("duration_seconds"), undoes=undoes, caused_by=caused_by,
                        card_before=json.dumps(r["card_before"]) if r.get("card_before") is not None else None,
                        card_after=json.dumps(r.get("card_after")))
        session.add(row)
        session.flush()
        position_ids.append(row.id)
        added += 1
    return added


def rebuild_review_cards(session: Session) -> None:
    """Set the review cards to what the review log says (see roadmap.review.rebuild_cards)."""
    from roadmap.review import card_row_from_dict, rebuild_cards, review_counts

    rebuilt = rebuild_cards(session)
    counts = review_counts(session)
    for row in session.exec(select(ReviewCard)).all():
        if (row.skill_id, row.check_id) not in rebuilt:
            session.delete(row)
    session.flush()
    for (skill_id, check_id), card in rebuilt.items():
        new = card_row_from_dict(skill_id, card, counts.get((skill_id, check_id), 0), check_id)
        old = session.get(ReviewCard, (skill_id, check_id))
        if old is None:
            session.add(new)
        else:
            for k in ("state", "step", "stability", "difficulty", "due", "last_review", "reviews"):
                setattr(old, k, getattr(new, k))
            session.add(old)
