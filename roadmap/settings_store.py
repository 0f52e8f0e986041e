"""Settings storage: the ``setting`` table, one row per key, its value as JSON text.

A missing row means the default. Validation is :mod:`roadmap.settings`'s
(pure); this module only reads and writes rows inside the caller's session.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, select

from roadmap.models import Setting
from roadmap.settings import Settings, check_key, from_stored, normalize


def stored_values(session: Session) -> dict[str, Any]:
    """Every stored value, JSON-decoded (normally the text the user typed); undecodable rows are skipped."""
    out = {}
    for key, value in session.execute(select(Setting.key, Setting.value)).all():  # columns only: no ORM objects
        try:
            out[key] = json.loads(value)
        except ValueError:
            continue
    return out


def load(session: Session) -> Settings:
    """Read the stored settings; unknown or unreadable rows are ignored (defaults used)."""
    return from_stored(stored_values(session))


def set_value(session: Session, key: str, text: str, *, milestone_ids: set[str] | None = None,
              track_ids: set[str] | None = None) -> str:
    """Validate ``text`` for ``key`` and store it; returns the value as stored (normalised text).

    A target date is removed with the value ``none``. Raises SettingsError
    (nothing written) for an unknown key, unknown milestone or track, or bad value.
    """
    value = normalize(key, text, milestone_ids=milestone_ids, track_ids=track_ids)
    row = session.get(Setting, key)
    if value is None:
        if row is not None:
            session.delete(row)
        return "none"
    if row is None:
        session.add(Setting(key=key, value=json.dumps(value)))
    else:
        row.value = json.dumps(value)
        session.add(row)
    return value


def reset_value(session: Session, key: str) -> None:
    """Remove a stored value so the default applies. Raises SettingsError for an unknown key."""
    check_key(key)
    row = session.get(Setting, key)
    if row is not None:
        session.delete(row)
