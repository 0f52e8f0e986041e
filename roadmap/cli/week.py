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

    def row(minutes: float, what, done: bool = False) -> None:
        con.print(f"  {'✓' if done else ' '} {fm(minutes):>6}  {what}", overflow="ellipsis", no_wrap=True, crop=True)

    def skill(sid: str) -> str:
        return f"{escape(cur.skills[sid].name[:50])} [dim]({sid})[/dim]"

    with con.capture() as cap:
        head = f"[b]From {wording.day_text(view.first)}[/b]: "
        if view.last < view.today:
            head += f"done {fm(view.done_minutes)}"
        else:
            head += f"{fm(view.planned_minutes)} planned of {fm(view.available_minutes)} available"
            if view.done_minutes:
                head += f", {fm(view.done_minutes)} done"
        con.print(head)
        if view.last >= view.today and view.beyond_minutes >= 1:
            con.print(f"and {fm(view.beyond_minutes)} of reviews beyond your study time (on days without "
                      "study time, or more than a day holds)")
        for d in wp.days:
            head = wording.day_text(d.day)
            done = view.done.get(d.day)
            if view.is_past(d.day):
                if done is None or not done.active:
                    con.print(f"\n[b]{head}[/b]  " + ("time off" if d.off else "rest day" if not d.capacity_minutes
                                                      else "nothing done"))
                    continue
                con.print(f"\n[b]{head}[/b]  done {fm(done.minutes)}")
            elif d.off:
                con.print(f"\n[b]{head}[/b]  time off")
                continue
            elif d.day == view.today and done is not None and done.active:
                con.print(f"\n[b]{head}[/b]  done {fm(done.minutes)} of {fm(view.today_goal_minutes)}")
            elif is_rest_day(d):
                con.print(f"\n[b]{head}[/b]  rest day")
                continue
            elif not d.capacity_minutes:  # reviews fall due on a day without study time
                con.print(f"\n[b]{head}[/b]  not a study day (reviews due)")
            else:
                con.print(f"\n[b]{head}[/b]  {fm(view.planned_within(d))}")
            if done is not None:
                if done.reviews:
                    row(done.review_minutes, wording.plural(done.reviews, "review"), done=True)
                for b in done.study:
                    row(b.minutes, skill(b.skill_id), done=True)
            if view.is_past(d.day):
                continue
            if d.reviews:
                row(d.review_minutes, wording.plural(d.reviews, "review"))
            for b in d.blocks:
                row(b.minutes, skill(b.skill_id))
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
    """Each milestone: id, skills done, hours left, forecast date and target status.

    Stages come first, each followed by its concrete milestones. The forecast
    plays your study plan forward at your weekly hours, study days, time off
    and review load. Set a target with the id shown (or in the app's
    Milestones screen, key d):

    \b
    Examples:
      roadmap config target.MILESTONE_ID 2027-06-30
      roadmap config target.MILESTONE_ID none
    """
    from roadmap import wording
    from roadmap.actions.ladder import ladder

    rows = ladder(workspace(ctx), now=now())
    if fmt == "json":
        emit_json([{"id": r.milestone.id, "name": r.forecast.progress.name, "stage": r.milestone.stage,
                    "level": r.milestone.level, "deliverable": r.milestone.deliverable,
                    "done": r.forecast.progress.done, "required": r.forecast.progress.required,
                    "hours_remaining": r.forecast.progress.hours_remaining, "missing": list(r.missing),
                    "forecast": r.forecast.forecast.isoformat() if r.forecast.forecast else None,
                    "target": r.forecast.target.isoformat() if r.forecast.target else None,
                    "status": r.forecast.status.value, "weeks_behind": r.forecast.weeks_behind,
                    "needed_hours_per_week": r.forecast.needed_hours_per_week}
                   for r in rows])
        return
    if not rows:
        click.echo("No milestones in this curriculum.")
        return
    con = console()
    t = Table()
    t.add_column("id")
    t.add_column("milestone", kind="name")
    for col in ("done", "left"):
        t.add_column(col, justify="right")
    for col in ("forecast", "target", "status"):
        t.add_column(col)
    for r in rows:
        f, p = r.forecast, r.forecast.progress
        t.add_row(plain("  " * r.depth + r.milestone.id), plain(p.name), f"{p.done}/{p.required}",
                  wording.duration_hours(p.hours_remaining),
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
