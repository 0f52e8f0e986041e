"""Words and symbols both faces show: status glyphs, rating names, intervals, durations, dates.

The CLI and the app format every value through these functions, so they say
the same thing the same way. Rules kept here:

* every date shown to a user has a four-digit year (``2 Oct 2028``,
  ``Mon 2 Oct 2028`` or ISO ``2028-10-02``), never ``02 Oct 28``;
* durations have one style everywhere: ``45m``, ``1h``, ``1h40m``;
* a status is never shown by colour alone: each has a glyph *and* a word,
  and locked skills (prerequisites missing) have a glyph distinct from
  ready ones.

Pure: no imports of the database, Rich, click or Textual.
"""

from __future__ import annotations

from datetime import date

from roadmap.status import SkillState, Status

STATUS_WORDS: dict[Status, str] = {
    Status.NOT_STARTED: "not started",
    Status.IN_PROGRESS: "in progress",
    Status.LEARNED: "learned",
    Status.SKIPPED: "skipped",
}

STATE_GLYPHS: dict[SkillState, str] = {
    SkillState.READY: "○",
    SkillState.LOCKED: "·",
    SkillState.IN_PROGRESS: "◐",
    SkillState.LEARNED: "●",
    SkillState.FADING: "!",
    SkillState.SKIPPED: "⊘",
}
"""One glyph per skill state (used in tables, the browser and the legend)."""

STATE_WORDS: dict[SkillState, str] = {
    SkillState.READY: "ready",
    SkillState.LOCKED: "locked",
    SkillState.IN_PROGRESS: "in progress",
    SkillState.LEARNED: "learned",
    SkillState.FADING: "fading",
    SkillState.SKIPPED: "skipped",
}

STATUS_GLYPHS: dict[Status, str] = {
    Status.NOT_STARTED: STATE_GLYPHS[SkillState.READY],
    Status.IN_PROGRESS: STATE_GLYPHS[SkillState.IN_PROGRESS],
    Status.LEARNED: STATE_GLYPHS[SkillState.LEARNED],
    Status.SKIPPED: STATE_GLYPHS[SkillState.SKIPPED],
}
"""A glyph per stored status, where readiness and memory are not known."""

STATUS_DONE_WORDS: dict[Status, str] = {
    Status.NOT_STARTED: "reset to not started",
    Status.IN_PROGRESS: "started",
    Status.LEARNED: "learned",
    Status.SKIPPED: "skipped",
}
"""What a status change did, in the past tense (``python: started``)."""

STREAK_TEXT = ("Consecutive study days, ending today (or yesterday while nothing is done yet today), "
               "with at least one review made or some study time logged; days that are not study days, "
               "time off and days with nothing to do neither count nor break it")
"""The one definition of the streak (computed by :func:`roadmap.actions.today.streak`), as Help and the README say it."""

RATING_NAMES: dict[int, str] = {1: "again", 2: "hard", 3: "good", 4: "easy"}
"""FSRS ratings 1-4 as typed on the command line."""

RATING_LABELS: dict[int, str] = {r: n.capitalize() for r, n in RATING_NAMES.items()}
"""FSRS ratings 1-4 as shown on buttons and in messages."""


def status_word(status: Status | str) -> str:
    """'not started', 'in progress', 'learned', 'skipped'."""
    return STATUS_WORDS[Status(status)]


def status_label(status: Status | str) -> str:
    """Glyph and word: '◐ in progress'."""
    return f"{STATUS_GLYPHS[Status(status)]} {status_word(status)}"


def state_label(state: SkillState | str) -> str:
    """Glyph and word of a skill state: '· locked'."""
    return f"{STATE_GLYPHS[SkillState(state)]} {STATE_WORDS[SkillState(state)]}"


def legend() -> str:
    """Every skill-state glyph with its word, for a table's caption: '○ ready · · locked · …'."""
    return "  ".join(f"{STATE_GLYPHS[s]} {STATE_WORDS[s]}" for s in SkillState)


def duration_minutes(minutes: float) -> str:
    """Minutes as people read them: ``45m``, ``1h``, ``1h26m`` (rounded to the minute)."""
    m = round(minutes)
    h, rest = divmod(m, 60)
    if not h:
        return f"{rest}m"
    return f"{h}h{rest:02d}m" if rest else f"{h}h"


def duration_hours(hours: float) -> str:
    """Hours in the same style as :func:`duration_minutes`: 1.67 -> ``1h40m``."""
    return duration_minutes(hours * 60)


def interval(days: int) -> str:
    """A short interval: 'today', '1d', '12d', '3mo', '1.5y'."""
    if days <= 0:
        return "today"
    if days < 31:
        return f"{days}d"
    if days < 365:
        return f"{days / 30.4:.0f}mo"
    return f"{days / 365:.1f}y"


def days_phrase(days: int) -> str:
    """'1 day', '12 days'."""
    return f"{days} day{'s' if days != 1 else ''}"


def sentence(text: str) -> str:
    """``text`` as a sentence: first letter upper case, a full stop at the end ('first reviews…' -> 'First reviews….')."""
    if not text:
        return text
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def plural(n: int, noun: str) -> str:
    """'1 skill', '2 skills', '1 category', '3 categories'."""
    if n == 1:
        return f"1 {noun}"
    return f"{n} {noun[:-1]}ies" if noun.endswith("y") else f"{n} {noun}s"


def date_text(d: date) -> str:
    """A date with a four-digit year: '2 Oct 2028'."""
    return f"{d.day} {d:%b %Y}"


def day_text(d: date) -> str:
    """A date with its weekday and four-digit year: 'Mon 2 Oct 2028'."""
    return f"{d:%a} {date_text(d)}"


def long_day_text(d: date) -> str:
    """A date spelled out: 'Monday 2 October 2028'."""
    return f"{d:%A} {d.day} {d:%B %Y}"


def range_text(first: date, last: date) -> str:
    """A span of days: '2 – 8 Oct 2028', '28 Sep – 4 Oct 2028', '28 Dec 2028 – 3 Jan 2029'."""
    if first.year != last.year:
        return f"{date_text(first)} – {date_text(last)}"
    if first.month != last.month:
        return f"{first.day} {first:%b} – {date_text(last)}"
    return f"{first.day} – {date_text(last)}"


def percent(fraction: float) -> str:
    """0.873 -> '87%' (rounded)."""
    return f"{100 * fraction:.0f}%"


def memory_percent(retrievability: float) -> str:
    """A memory's retrievability (0-1) in whole percent, rounded down: 0.897 -> '89%', so a memory below
    the desired retention (0.90, "fading") never reads as equal to it."""
    import math

    return f"{math.floor(100 * retrievability + 1e-9)}%"


def forecast_text(f) -> str:
    """A milestone forecast's standing in a few words: 'on track', '8 wk late: 11.5h/wk', 'reached',
    'target passed', 'beyond 10 years', 'choose 1 more track (config tracks)' or '' (a forecast without a target).

    ``f`` is a :class:`roadmap.planning.MilestoneForecast`.
    """
    status = str(f.status)
    if status == "reached":
        return "reached"
    if status == "needs track":
        n = f.progress.tracks_missing
        return f"choose {n} more track{'s' if n != 1 else ''} (config tracks)"
    if f.target is None:
        return "beyond 10 years" if status == "unreachable" else ""
    if status == "on track":
        return "on track"
    if f.needed_hours_per_week is None:
        return "target passed"
    late = f"{f.weeks_behind} wk late" if f.weeks_behind else "late"
    return f"{late}: {f.needed_hours_per_week:g}h/wk"


def missing_prerequisites_text(skill: str, missing) -> str:
    """The warning a start carries when prerequisites are not done:
    "started backprop before 3 prerequisites: algebra, calculus, regression" (at most six named)."""
    missing = list(missing)
    shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
    return f"started {skill} before {plural(len(missing), 'prerequisite')}: {shown}"


ASCII_FALLBACKS: dict[str, str] = {
    "—": "-", "–": "-", "−": "-", "…": ".", "•": "*", "·": ".", "“": '"', "”": '"', "‘": "'", "’": "'",
    "○": "o", "●": "*", "◐": "~", "⊘": "x", "✓": "v", "✗": "x", "×": "x", "≥": ">", "≤": "<",
    "→": ">", "←": "<", "↑": "^", "↓": "v",
    "█": "#", "▇": "#", "▆": "#", "▅": "=", "▄": "=", "▃": "-", "▂": "_", "▁": "_", "▓": "#", "▒": ":", "░": ".",
}
"""One-cell ASCII stand-ins for the glyphs the faces print, for terminals whose encoding lacks them.

Each stand-in has the same width as the glyph (one cell), so tables and screens keep their layout.
"""


def ascii_fallback(char: str) -> str:
    """An ASCII stand-in for one character that the terminal cannot encode, as wide as the character.

    Known glyphs (:data:`ASCII_FALLBACKS`) and box-drawing lines get a look-alike (``○`` -> ``o``,
    ``│`` -> ``|``, ``╭`` -> ``+``); any other character becomes ``?``, or ``??`` for a double-width
    one (CJK, most emoji), and combining or zero-width marks vanish. Never raises.
    """
    import unicodedata

    if char in ASCII_FALLBACKS:
        return ASCII_FALLBACKS[char]
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return ""
    name = unicodedata.name(char, "")
    if name.startswith("BOX DRAWINGS"):
        if "HORIZONTAL" in name and "VERTICAL" not in name:
            return "-"
        if "VERTICAL" in name and "HORIZONTAL" not in name:
            return "|"
        return "+"
    return "??" if unicodedata.east_asian_width(char) in ("W", "F") else "?"


def goal_text(goal, cur) -> str:
    """What a study-plan goal is, in a few words: 'Reproduce a published result, in the Entry-level
    researcher (0-3 years) stage' (no parentheses of its own: stage names often have some).

    ``goal`` is a :class:`roadmap.planning.Goal`; ``cur`` the curriculum (for stage names).
    """
    stage = f", in the {cur.milestone(goal.stage).name} stage" if goal.stage and goal.stage != goal.id else ""
    if goal.kind == "in progress":
        return "skills in progress (finished first)"
    if goal.kind == "stage":
        return f"the {goal.name} stage"
    if goal.kind == "track":
        return f"the chosen track {goal.name}"
    if goal.kind == "rest":
        return "no stage, milestone or chosen track (planned last)"
    return goal.name + stage


def plan_reason_text(reason, cur) -> str:
    """One line on why a skill is where it is in the study plan (both faces show it).

    ``reason`` is a :class:`roadmap.planning.PlanReason`: '#12 in the plan, for Reproduce a published
    result, in the Entry-level researcher (0-3 years) stage', plus '; moved ahead by its target date
    31 Dec 2027; on the ladder: …' when a target moved it. Parts are joined by '; ', never nested
    parentheses.
    """
    if reason.position is None:
        return f"{status_word(reason.status).capitalize()}: not in the study plan."
    line = f"#{reason.position} in the plan, for {goal_text(reason.goal, cur)}"
    if reason.moved_by_target:
        line += (f"; moved ahead by its target date {date_text(reason.goal.target)}; "
                 f"on the ladder: {goal_text(reason.ladder_goal, cur)}")
    return line + "."
