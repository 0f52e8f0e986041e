"""Getting started: ``roadmap setup`` (first-run choices) and ``roadmap placement`` (the placement diagnostic)."""

from __future__ import annotations

import click

from roadmap.cli.output import now, workspace


@click.command()
@click.option("--weekly-hours", metavar="HOURS", help="Study budget per week, e.g. 8.")
@click.option("--study-days", metavar="DAYS", help="Study weekdays, e.g. MO,WE,SA=3 (SA=3 fixes that day's hours).")
@click.option("--timezone", metavar="ZONE", help="IANA time zone, e.g. Europe/Berlin (default: detected).")
@click.option("--target", metavar="MILESTONE=DATE",
              help="The milestone that matters most and by when, e.g. entry-level=2028-06-30.")
@click.option("--known", metavar="IDS", multiple=True,
              help="Skills you already know, comma-separated (their prerequisites are marked too).")
@click.pass_context
def setup(ctx: click.Context, weekly_hours: str | None, study_days: str | None, timezone: str | None,
          target: str | None, known: tuple[str, ...]) -> None:
    """First-run setup, from the command line: hours, days, time zone, target, what you know.

    Everything is checked before anything is saved; any bad value saves
    nothing (exit 2, every problem named). Skills given with --known are
    marked learned as prior knowledge with every prerequisite not learned
    yet, their reviews spread over the next weeks (`roadmap learn
    --with-prereqs`). Without --timezone the detected zone is stored.

    Example: roadmap setup --weekly-hours 8 --study-days MO,WE,SA=3 --known python,pytorch
    --timezone Europe/Berlin --target entry-level=2028-06-30
    """
    from roadmap import wording
    from roadmap.actions.setup import SetupChoices, apply_setup, detected_timezone, parse_target

    ids = tuple(i.strip() for k in known for i in k.split(",") if i.strip())
    choices = SetupChoices(weekly_hours=weekly_hours, study_days=study_days,
                           timezone=timezone if timezone is not None else (detected_timezone() or None),
                           target=parse_target(target) if target else None, known=ids)
    out = apply_setup(workspace(ctx), choices, now=now())
    for key, value in out.settings.items():
        click.echo(f"{key} = {value}")
    marked = [c for c in out.known if c.changed]
    if marked:
        click.echo(f"Marked {wording.plural(len(marked), 'skill')} learned as prior knowledge:")
        for c in marked:
            click.echo(f"  {c.skill_id} ({c.name})"
                       + (f"; first review {wording.day_text(c.first_review)}" if c.first_review else ""))
    click.echo("Setup saved. `roadmap next` shows what to study first.")


COMMANDS = [setup]
