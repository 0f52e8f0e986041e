"""Review: due, review (one rating, or a session on the terminal), undo, forecast, note."""

from __future__ import annotations

import click

from roadmap.errors import RoadmapError

from roadmap.cli.output import FORMATS, Table, console, emit_json, now, plain, workspace


NO_ANSWER_KEY = "no answer key — check against the resources"


def _moved_text(q) -> str:
    if not q.moved:
        return ""
    if q.day_off:
        return f"{q.moved} due today wait for the end of your time off"
    return f"{q.moved} more moved to the next days (daily cap {q.cap})"


@click.command()
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Show every due check, past the daily review cap.")
@click.option("--count", "count", is_flag=True,
              help="Print only how many checks are due today (after the daily cap unless --all); fast, for "
                   "shell prompts and status bars.")
@click.pass_context
def due(ctx: click.Context, fmt: str, show_all: bool, count: bool) -> None:
    """Today's checks to review, most at risk (lowest retrievability) first, a skill's checks together.

    \b
    Example, in a shell prompt:
      PS1='[$(roadmap due --count) due] \\$ '
    """
    from roadmap.actions.review import card_info, due as due_queue

    ws = workspace(ctx)
    q = due_queue(ws, now=now(), show_all=show_all)
    if count:
        click.echo(str(len(q.items)))
        return
    cur = ws.curriculum
    items = q.items
    if fmt == "json":
        emit_json([{"id": i.skill_id, "name": cur.skills[i.skill_id].name if i.skill_id in cur.skills else i.skill_id,
                    "check": i.check_id, "prompt": card_info(ws, i.skill_id, i.check_id).prompt,
                    "due": i.due_day.isoformat(), "retrievability": round(i.retrievability, 4),
                    "overdue_days": i.overdue_days,
                    "stability_days": round(i.stability, 2) if i.stability is not None else None}
                   for i in items])
        return
    if not items:
        moved = _moved_text(q)
        click.echo("Nothing due today." + (f" ({moved}.)" if moved else ""))
        return
    from roadmap import wording

    title = f"Due today: {wording.plural(len(items), 'check')}"
    if q.moved and not show_all:
        title += f"; {_moved_text(q)}"
    t = Table(title=title)
    t.add_column("skill/check")
    t.add_column("prompt", kind="name")
    t.add_column("due")
    t.add_column("memory", justify="right")
    t.add_column("overdue", justify="right")
    for i in items:
        prompt = " ".join(card_info(ws, i.skill_id, i.check_id).prompt.split())
        t.add_row(f"{i.skill_id}/{i.check_id}" if i.check_id else i.skill_id, plain(prompt),
                  i.due_day.isoformat(), wording.memory_percent(i.retrievability),
                  f"{i.overdue_days} d" if i.overdue_days else "")
    console().print(t)


@click.command("review")
@click.argument("target", required=False, metavar="[SKILL[/CHECK]]")
@click.option("-r", "--rating", metavar="again|hard|good|easy",
              help="How well you recalled it: again, hard, good or easy (or 1-4).")
@click.option("--duration", metavar="DURATION", help="How long the review took, e.g. 5m.")
@click.pass_context
def review_(ctx: click.Context, target: str | None, rating: str | None, duration: str | None) -> None:
    """Review today's checks one at a time, or record one rating (for scripts).

    \b
    With no arguments: a review session on the terminal. Each check's prompt
    is shown; press Enter to reveal its answer key, then type a rating
    (1-4 or again, hard, good, easy), u to undo a rating of this session, q
    to stop. Works with answers piped in:
      printf '\\ngood\\n\\n3\\n' | roadmap review
    \b
    For scripts: roadmap review SKILL[/CHECK] --rating R records one rating;
    with only SKILL, its most at-risk due check is rated (and named).
      roadmap review linear-algebra/rank-and-solutions --rating good
    """
    from roadmap import wording
    from roadmap.actions.review import parse_rating, review
    from roadmap.durations import DurationError, parse_duration

    if target is None:
        if rating is not None or duration is not None:
            raise click.UsageError("--rating and --duration need a SKILL[/CHECK] to rate; "
                                   "without one, `roadmap review` runs a review session")
        _session(ctx)
        return
    if rating is None:
        raise click.UsageError("give --rating again|hard|good|easy (or run `roadmap review` alone for a session)")
    r = parse_rating(rating)
    secs = parse_duration(duration) * 3600 if duration else None
    if secs is not None and secs > 24 * 3600:
        raise DurationError(f"--duration {duration!r} is more than a day; give how long this one review took")
    out = review(workspace(ctx), target, r, now=now(), duration_seconds=secs)
    o = out.outcome
    which = f"{out.skill_id}/{out.check_id}" if out.check_id else out.skill_id
    click.echo(f"{which}: {wording.RATING_NAMES[r]} — next review {wording.day_text(o.due_day)} "
               f"(in {wording.days_phrase(o.interval_days)})")
    if out.early:
        click.echo(f"  an early review: it was not due until {wording.day_text(out.due_day_before)}")
    _echo_credit(out)


def _echo_credit(out) -> None:
    """One line on the graph credit a review gave (nothing when it gave none)."""
    from roadmap import wording

    moved = [c for c in out.credited if c.due_after != c.due_before]
    if not out.credited:
        return
    skills = sorted({c.skill_id for c in out.credited})
    if out.rating == 1:
        click.echo(f"  failure: {wording.plural(len(moved), 'check')} of {', '.join(skills)} due sooner "
                   f"(they build on {out.skill_id})")
    else:
        click.echo(f"  credit from {out.skill_id}: {wording.plural(len(out.credited), 'check')} of "
                   f"{', '.join(skills)} ({len(moved)} due later)")


def _read(prompt: str) -> str | None:
    """One line of input after ``prompt`` (None at the end of input: a pipe that ran out, or Ctrl-D)."""
    import sys

    click.echo(prompt, nl=False)
    line = sys.stdin.readline()
    if not line:
        click.echo("")
        return None
    if not sys.stdin.isatty():
        click.echo(line.rstrip("\n"))  # echo piped input, so a transcript reads like a session
    return line.strip()


def _show_answer(card) -> None:
    click.echo("")
    if card.answer:
        click.echo("Answer key:")
        for line in card.answer.strip().splitlines():
            click.echo(f"  {line}")
    else:
        click.echo(f"({NO_ANSWER_KEY})")
    if card.hint:
        click.echo(f"Hint: {card.hint}")
    if card.note:
        click.echo("Your notes:")
        for line in card.note.strip().splitlines():
            click.echo(f"  {line}")
    if card.resources:
        click.echo("Resources:")
        for res in card.resources:
            click.echo(f"  - {res.title}: {res.url}")


def _session(ctx: click.Context) -> None:
    """The terminal review session (see review_)."""
    import time

    from roadmap import wording
    from roadmap.actions.review import parse_rating, preview, review, todays_cards, undo
    from roadmap.review import ReviewError, review_seconds

    ws = workspace(ctx)
    cards, q = todays_cards(ws, now=now())
    if not cards:
        moved = _moved_text(q)
        click.echo("Nothing to review today." + (f" ({moved}.)" if moved else ""))
        return
    click.echo(f"{wording.plural(len(cards), 'check')} to review. Enter reveals the answer; rate 1-4 "
               f"(again, hard, good, easy); u undoes a rating of this session; q stops.")
    rated: list[tuple[int, int, int]] = []  # (log id, card index, rating) of this session
    i = 0
    stopped = False
    while i < len(cards) and not stopped:
        card = cards[i]
        click.echo("")
        which = f"{card.skill_id}/{card.check_id}" if card.check_id else card.skill_id
        click.echo(f"[{i + 1}/{len(cards)}] {card.skill_name} ({which})")
        click.echo(card.prompt)
        shown = time.monotonic()
        line = _read("Enter to reveal > ")
        if line is None or line.lower() == "q":
            break
        if line.lower() == "u":
            i = _undo(ws, rated, cards, i, undo)
            continue
        _show_answer(card)
        choices = preview(ws, card.skill_id, now=now(), check_id=card.check_id)
        click.echo("  ".join(f"{r} {wording.RATING_NAMES[r]} → {wording.day_text(o.due_day)}"
                             for r, o in sorted(choices.items())))
        while True:
            line = _read("rating > ")
            if line is None or line.lower() == "q":
                stopped = True
                break
            if line.lower() == "u":
                i = _undo(ws, rated, cards, i, undo)
                break
            try:
                r = parse_rating(line)
            except ReviewError as e:
                click.echo(f"{e}; or u to undo, q to stop")
                continue
            out = review(ws, card.skill_id, r, now=now(), check_id=card.check_id,
                         duration_seconds=review_seconds(time.monotonic() - shown),
                         expected_due_day=choices[r].due_day)
            rated.append((out.outcome.log_id, i, r))
            click.echo(f"{wording.RATING_NAMES[r]}: next review {wording.day_text(out.outcome.due_day)} "
                       f"(in {wording.days_phrase(out.outcome.interval_days)})")
            _echo_credit(out)
            i += 1
            break
    counts: dict[int, int] = {}
    for _, _, r in rated:
        counts[r] = counts.get(r, 0) + 1
    click.echo("")
    summary = f"Session done: {wording.plural(len(rated), 'check')} reviewed"
    if counts:
        summary += " (" + ", ".join(f"{n} {wording.RATING_NAMES[r]}" for r, n in sorted(counts.items())) + ")"
    click.echo(summary + ".")
    if i < len(cards):
        click.echo(f"{wording.plural(len(cards) - i, 'check')} left for later today.")
    elif q.moved:
        click.echo(f"The daily cap is reached: {_moved_text(q)}.")


def _undo(ws, rated: list, cards: list, i: int, undo) -> int:
    """Undo the last rating of this session; returns the card index to show next."""
    from roadmap import wording

    if not rated:
        click.echo("Nothing to undo in this session.")
        return i
    done = undo(ws, now=now(), only=[log_id for log_id, _, _ in rated])
    if done is None:
        click.echo("Nothing to undo in this session.")
        return i
    for k in range(len(rated) - 1, -1, -1):
        if rated[k][0] == done.log_id:
            _, index, _ = rated.pop(k)
            which = f"{done.skill_id}/{done.check_id}" if done.check_id else done.skill_id
            click.echo(f"Undid the {wording.RATING_NAMES[done.rating]} rating of {which}.")
            return index
    return i


@click.command()
@click.argument("skill_id")
@click.option("--text", "text", help="The note's text (Markdown); without it $EDITOR opens on the current note.")
@click.option("--show", is_flag=True, help="Print the note instead of changing it.")
@click.pass_context
def note(ctx: click.Context, skill_id: str, text: str | None, show: bool) -> None:
    """Your own notes on a skill, shown with its checks' answer keys when you review.

    \b
    Examples:
      roadmap note linear-algebra                 (opens $EDITOR)
      roadmap note linear-algebra --text "Rank = number of pivots."
      roadmap note linear-algebra --text ""       (removes it)
    """
    from roadmap.actions.review import get_note, set_note

    ws = workspace(ctx)
    current = get_note(ws, skill_id)
    if show:
        click.echo(current or "No note yet.")
        return
    if text is None:
        try:
            edited = click.edit(current or "", extension=".md")
        except (click.ClickException, ValueError, OSError, UnicodeDecodeError) as e:
            message = e.format_message() if isinstance(e, click.ClickException) else str(e)
            raise RoadmapError(f"the editor ($EDITOR) could not be used: {message}; nothing was changed "
                               f"(or give the note with --text)") from None
        if edited is None:
            click.echo("Note unchanged.")
            return
        text = edited
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise RoadmapError("the note is not valid UTF-8 text; nothing was changed") from None
    sid = set_note(ws, skill_id, text, now=now())
    click.echo(f"Note on {sid} saved." if text.strip() else f"Note on {sid} removed.")


@click.command()
@click.pass_context
def undo(ctx: click.Context) -> None:
    """Undo the last review (the log keeps a record of both).

    Exit 1 when there is no review left to undo (none recorded, or every one undone already).
    """
    from roadmap import wording
    from roadmap.actions.review import undo as undo_last

    undone = undo_last(workspace(ctx), now=now())
    if undone is None:
        click.echo("roadmap: nothing to undo: no review left to undo (none recorded, or all undone already)",
                   err=True)
        ctx.exit(1)
    else:
        click.echo(f"Undid the {wording.RATING_NAMES[undone.rating]} review of {undone.skill_id} "
                   f"from {undone.reviewed_at:%Y-%m-%d %H:%M}")


@click.command()
@click.option("--days", type=click.IntRange(1, 3650), default=14, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.pass_context
def forecast(ctx: click.Context, days: int, fmt: str) -> None:
    """Reviews due per day ahead (after the daily cap spreads any backlog)."""
    from roadmap import wording
    from roadmap.actions.review import forecast as review_forecast

    rows = review_forecast(workspace(ctx), now=now(), days=days)
    if fmt == "json":
        emit_json([{"date": d.isoformat(), "count": n} for d, n in rows])
        return
    peak = max((n for _, n in rows), default=0) or 1
    width = max(len(wording.day_text(d)) for d, _ in rows)
    cells = max(8, min(40, console().width - width - 8))  # the bar fits the terminal; dates and counts stay whole
    for d, n in rows:
        click.echo(f"{wording.day_text(d):<{width}}  {n:>4}  {'▇' * round(cells * n / peak)}".rstrip())


COMMANDS = [due, review_, undo, forecast, note]
