"""Review: due, review, undo, forecast."""

from __future__ import annotations

import click

from roadmap.cli.output import FORMATS, Table, console, emit_json, now, plain, workspace


@click.command()
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Show every due skill, past the daily review cap.")
@click.option("--count", "count", is_flag=True,
              help="Print only how many reviews are due today (after the daily cap unless --all); fast, for "
                   "shell prompts and status bars.")
@click.pass_context
def due(ctx: click.Context, fmt: str, show_all: bool, count: bool) -> None:
    """Today's review queue, most at risk (lowest retrievability) first.

    \b
    Example, in a shell prompt:
      PS1='[$(roadmap due --count) due] \\$ '
    """
    from roadmap.actions.review import due as due_queue

    ws = workspace(ctx)
    q = due_queue(ws, now=now(), show_all=show_all)
    if count:
        click.echo(str(len(q.items)))
        return
    cur = ws.curriculum
    items = q.items
    if fmt == "json":
        emit_json([{"id": i.skill_id, "name": cur.skills[i.skill_id].name if i.skill_id in cur.skills else i.skill_id,
                    "due": i.due_day.isoformat(), "retrievability": round(i.retrievability, 4),
                    "overdue_days": i.overdue_days,
                    "stability_days": round(i.stability, 2) if i.stability is not None else None}
                   for i in items])
        return
    if not items:
        click.echo("Nothing due today.")
        return
    from roadmap import wording

    t = Table(title=f"Due today: {len(items)}" + (f" of {q.total} (daily cap {q.cap})" if q.total > len(items) else ""))
    t.add_column("id")
    t.add_column("skill", kind="name")
    t.add_column("memory", justify="right")
    t.add_column("overdue", justify="right")
    for i in items:
        t.add_row(plain(i.skill_id), plain(cur.skills[i.skill_id].name), wording.percent(i.retrievability),
                  f"{i.overdue_days} d" if i.overdue_days else "")
    console().print(t)


@click.command("review")
@click.argument("skill_id")
@click.option("-r", "--rating", required=True, metavar="again|hard|good|easy",
              help="How well you recalled it: again, hard, good or easy (or 1-4).")
@click.option("--duration", metavar="DURATION", help="How long the review took, e.g. 5m.")
@click.pass_context
def review_(ctx: click.Context, skill_id: str, rating: str, duration: str | None) -> None:
    """Record a review of a learned skill and show when it is next due.

    Example: roadmap review linear-algebra --rating good
    """
    from roadmap import wording
    from roadmap.actions.review import parse_rating, review
    from roadmap.durations import DurationError, parse_duration

    r = parse_rating(rating)
    secs = parse_duration(duration) * 3600 if duration else None
    if secs is not None and secs > 24 * 3600:
        raise DurationError(f"--duration {duration!r} is more than a day; give how long this one review took")
    out = review(workspace(ctx), skill_id, r, now=now(), duration_seconds=secs)
    o = out.outcome
    click.echo(f"{out.skill_id}: {wording.RATING_NAMES[r]} — next review {wording.day_text(o.due_day)} "
               f"(in {wording.days_phrase(o.interval_days)})")


@click.command()
@click.pass_context
def undo(ctx: click.Context) -> None:
    """Undo the last review (the log keeps a record of both)."""
    from roadmap import wording
    from roadmap.actions.review import undo as undo_last

    undone = undo_last(workspace(ctx), now=now())
    if undone is None:
        click.echo("Nothing to undo.")
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


COMMANDS = [due, review_, undo, forecast]
