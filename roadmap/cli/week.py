"""The week and the calendar: week, milestones, time off."""

from __future__ import annotations

import click

from roadmap.cli.output import (FORMATS, Table, console, emit_bytes, emit_json, escape, now, parse_day, plain,
                                workspace, write)


@click.command()
@click.option("--from", "start", metavar="DATE", help="First day, YYYY-MM-DD (default: today's study day).")
@click.option("--weeks", type=click.IntRange(1, 52), default=1, show_default=True, help="How many weeks.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "ics", "json"]), default="text",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of the terminal.")
@click.pass_context
def week(ctx: click.Context, start: str | None, weeks: int, fmt: str, output: str | None) -> None:
    """The coming week: each study day's reviews, then study blocks, within your hours.

    The budget is weekly_hours (default 10) over your study_days; time off
    (roadmap off) stays empty. A week that starts later than today continues
    the plan of the days before it, as the app's Week screen shows it.
    Markdown prints a checklist per day; ics is a calendar file with one
    event per block at study_time, which calendar apps import (re-importing
    a week updates its events).

    \b
    Examples:
      roadmap week
      roadmap week --from 2026-12-07 --weeks 2
      roadmap week --format ics -o week.ics
      roadmap week --format markdown > week.md
    """
    import json

    from roadmap import plan_formats
    from roadmap.actions.week import week_plan

    ws = workspace(ctx)
    instant = now()
    view = week_plan(ws, now=instant, first=parse_day(start, "--from"), weeks=weeks)
    wp, first = view.plan, view.first
    if fmt == "json":
        text = json.dumps(plan_formats.plan_json(wp, first), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "markdown":
        text = plan_formats.plan_markdown(wp, ws.curriculum)
    elif fmt == "ics":
        data = plan_formats.plan_ics(wp, ws.curriculum, view.settings, now=instant)
        if output is not None:
            write(output, data, ws)
            click.echo(f"Wrote {output}: {sum(len(d.blocks) for d in wp.days)} study blocks", err=True)
        else:
            click.echo(data, nl=False)
        return
    else:
        text = _week_text(view, ws.curriculum)
    if output is not None:
        write(output, text.encode(), ws)
        click.echo(f"Wrote {output}", err=True)
    elif fmt == "text":
        click.echo(text, nl=False)
    else:
        emit_bytes(text)


def _week_text(view, cur) -> str:
    from roadmap import wording
    from roadmap.actions.week import is_rest_day

    fm = wording.duration_minutes
    wp = view.plan
    con = console()
    with con.capture() as cap:
        con.print(f"[b]From {wording.day_text(view.first)}[/b]: {fm(wp.planned_hours * 60)} planned "
                  f"of {fm(wp.budget_minutes)} available")
        for d in wp.days:
            head = wording.day_text(d.day)
            if d.off:
                con.print(f"\n[b]{head}[/b]  time off")
                continue
            if is_rest_day(d):
                con.print(f"\n[b]{head}[/b]  rest day")
                continue
            con.print(f"\n[b]{head}[/b]  {fm(d.planned_minutes)}")
            if d.reviews:
                con.print(f"  {fm(d.review_minutes):>6}  {wording.plural(d.reviews, 'review')}")
            for b in d.blocks:
                name = cur.skills[b.skill_id].name
                con.print(f"  {fm(b.minutes):>6}  {escape(name[:50])} [dim]({b.skill_id})[/dim]", overflow="ellipsis",
                          no_wrap=True, crop=True)
        if view.overbooked:
            con.print(f"\nNote: reviews take longer than the study time of "
                      f"{', '.join(wording.day_text(d) for d in view.overbooked)}; "
                      "the queue shows the most at-risk first, and a lower daily_review_cap spreads them "
                      "over more days.")
        if wp.finished:
            con.print(plain(f"\nExpected to finish: {', '.join(cur.skills[s].name for s in wp.finished)}"))
        if wp.milestones_reached:
            con.print(plain(f"Milestones expected: {', '.join(cur.milestone(m).name for m in wp.milestones_reached)}"))
    return cap.get()


@click.command()
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.pass_context
def milestones(ctx: click.Context, fmt: str) -> None:
    """Each milestone: skills done, hours left, forecast date and target status.

    The forecast plays your study plan forward at your weekly hours, study
    days, time off and review load. Set a target with
    `roadmap config target.MILESTONE_ID YYYY-MM-DD`.
    """
    from roadmap import wording
    from roadmap.actions.milestones import milestone_forecasts

    fcs = milestone_forecasts(workspace(ctx), now=now())
    if fmt == "json":
        emit_json([{"id": f.progress.id, "name": f.progress.name, "done": f.progress.done,
                    "required": f.progress.required, "hours_remaining": f.progress.hours_remaining,
                    "forecast": f.forecast.isoformat() if f.forecast else None,
                    "target": f.target.isoformat() if f.target else None, "status": f.status.value,
                    "weeks_behind": f.weeks_behind, "needed_hours_per_week": f.needed_hours_per_week}
                   for f in fcs])
        return
    con = console()
    t = Table()
    t.add_column("milestone", kind="name")
    for col in ("done", "left"):
        t.add_column(col, justify="right")
    for col in ("forecast", "target", "status"):
        t.add_column(col)
    for f in fcs:
        p = f.progress
        t.add_row(plain(p.name), f"{p.done}/{p.required}", wording.duration_hours(p.hours_remaining),
                  wording.date_text(f.forecast) if f.forecast else "—",
                  wording.date_text(f.target) if f.target else "", wording.forecast_text(f))
    con.print(t)


@click.group()
def off() -> None:
    """Time off: date ranges with no study (holidays). Reviews due then wait until after."""


@off.command("add")
@click.argument("first", metavar="FROM")
@click.argument("last", metavar="TO")
@click.option("--note", default="", help="What it is, e.g. 'holiday'.")
@click.pass_context
def off_add(ctx: click.Context, first: str, last: str, note: str) -> None:
    """Add time off from FROM to TO (YYYY-MM-DD, both included).

    Example: roadmap off add 2026-12-24 2027-01-02 --note holidays
    """
    from roadmap import wording
    from roadmap.actions import timeoff

    r = timeoff.add(workspace(ctx), parse_day(first, "FROM"), parse_day(last, "TO"), note)
    click.echo(f"time off #{r.id}: {wording.day_text(r.first)} – {wording.day_text(r.last)} "
               f"({wording.days_phrase(r.days)})")


@off.command("list")
@click.pass_context
def off_list(ctx: click.Context) -> None:
    """List time off with ids."""
    from roadmap.actions import timeoff

    rows = timeoff.list_all(workspace(ctx))
    if not rows:
        click.echo("No time off.")
    for r in rows:
        click.echo(f"#{r.id}  {r.first} – {r.last}  {r.note}".rstrip())


@off.command("remove")
@click.argument("time_off_id", type=click.IntRange(1, 2**62), metavar="ID")
@click.pass_context
def off_remove(ctx: click.Context, time_off_id: int) -> None:
    """Remove time off by its id (see `roadmap off list`)."""
    from roadmap.actions import timeoff

    r = timeoff.remove(workspace(ctx), time_off_id)
    click.echo(f"removed time off #{r.id}: {r.first} – {r.last}")


COMMANDS = [week, milestones, off]
