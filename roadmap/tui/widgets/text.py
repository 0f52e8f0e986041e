"""Showing text that comes from files or users, safely, in Textual and Rich markup."""

from __future__ import annotations


def esc(text: str) -> str:
    """Escape ``text`` for markup: every ``[`` is literal, so a skill named ``C++ [/bold]``
    or a value typed as ``[/`` shows as written instead of breaking the screen."""
    return str(text).replace("\\", "\\\\").replace("[", "\\[")
