"""Getting started: ``roadmap setup`` (first-run choices) and ``roadmap placement`` (the placement diagnostic)."""

from __future__ import annotations

import click

from roadmap.cli.output import now, workspace


@click.command()
@click.option("--weekly-hours", metavar="HOURS", help="Study budget per week, e.g. 8.")
@click.option("--study-days", metavar="DAYS", help="Study weekdays, e.g. MO,WE,SA=3 (SA=3 fixes that day's hours).")
@click.option("--timezone", metavar="ZONE",
              help="IANA time zone, e.g. Europe/Berlin, or 'system' to follow the computer "
                   "(default: the detected zone is stored).")
@click.option("--target", metavar="MILESTONE=DATE", multiple=True,
              help="A milestone and by when, e.g. entry-level=2028-06-30 (not in the past); "
                   "repeat for several milestones.")
@click.option("--known", metavar="IDS", multiple=True,
              help="Skills you already know, comma-separated (their prerequisites are marked too).")
@click.pass_context
def setup(ctx: click.Context, weekly_hours: str | None, study_days: str | None, timezone: str | None,
          target: tuple[str, ...], known: tuple[str, ...]) -> None:
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
    from roadmap.actions.setup import SetupChoices, apply_setup, detected_timezone
    from roadmap.actions.skills import prior_spread_text

    ids = tuple(i.strip() for k in known for i in k.split(",") if i.strip())
    choices = SetupChoices(weekly_hours=weekly_hours, study_days=study_days,
                           timezone=timezone if timezone is not None else (detected_timezone() or None),
                           targets=target, known=ids)
    out = apply_setup(workspace(ctx), choices, now=now())
    for key, value in out.settings.items():
        click.echo(f"{key} = {value}")
    marked = [c for c in out.known if c.changed]
    if marked:
        click.echo(f"Marked {wording.plural(len(marked), 'skill')} learned as prior knowledge:")
        for c in marked:
            click.echo(f"  {c.skill_id} ({c.name})"
                       + (f"; first review {wording.day_text(c.first_review)}" if c.first_review else ""))
        click.echo(wording.sentence(prior_spread_text(marked)))
    click.echo("Setup saved. `roadmap next` shows what to study first.")


@click.command()
@click.option("--yes", "-y", is_flag=True, help="Write the result without asking (for scripts).")
@click.pass_context
def placement(ctx: click.Context, yes: bool) -> None:
    """The placement diagnostic: at most 25 questions find what you already know.

    Each question shows a skill's recall check; press Enter to see the
    answer key, then answer y (I knew it), p (partly) or n (no); q quits
    and writes nothing. Answers are read from stdin, so it can be scripted
    (one line per prompt: an empty line to reveal, then y/p/n). At the end
    the summary (known, unsure, to study) is shown; only after you confirm
    are the known skills marked learned as prior knowledge.

    Example: printf '\\ny\\n\\nn\\n...' | roadmap placement
    """
    from roadmap import wording
    from roadmap.actions.placement import confirm_placement, start_placement
    from roadmap.actions.skills import prior_spread_text
    from roadmap.placement import Answer, PlacementError

    ws = workspace(ctx)
    p = start_placement(ws)

    def ask(text: str) -> str | None:
        import sys

        try:
            reply = click.prompt(text, default="", show_default=False, prompt_suffix=" ")
        except click.Abort:
            return None
        if not sys.stdin.isatty():
            click.echo(reply)  # echo piped input (and end the prompt's line), so a transcript reads like a session
        return reply

    while (q := p.next_probe()) is not None:
        click.echo(f"\n[{q.number}/{p.max_probes}] {q.skill_name} ({q.skill_id})")
        click.echo(f"  {q.prompt}")
        if ask("Enter shows the answer key (q quits):") in (None, "q"):
            click.echo("Placement stopped; nothing was written.")
            ctx.exit(1)
        click.echo("  Answer key:")
        for line in (q.answer or "(none given)").strip().splitlines():
            click.echo(f"    {line}")
        while True:
            reply = ask("Did you know it? y (I knew it) / p (partly) / n (no), q quits:")
            if reply is None or reply.strip().lower() == "q":
                click.echo("Placement stopped; nothing was written.")
                ctx.exit(1)
            try:
                p.answer(q.skill_id, Answer.parse(reply))
                break
            except PlacementError as e:
                click.echo(str(e))
    r = p.result()
    names = ws.curriculum.skills
    click.echo(f"\nAfter {wording.plural(r.probes, 'question')}:")
    for title, ids in (("Known (marked learned as prior knowledge)", r.known), ("Unsure (left as they are)", r.unsure),
                       ("To study", r.to_study)):
        click.echo(f"{title}: {len(ids)}")
        for sid in ids if title != "To study" else ids[:10]:
            click.echo(f"  {sid} ({names[sid].name})")
        if title == "To study" and len(ids) > 10:
            click.echo(f"  and {len(ids) - 10} more")
    if not r.known:
        click.echo("Nothing to write.")
        return
    if not yes:
        reply = ask(f"Mark the {len(r.known)} known skills learned? [y/N]")
        if reply is None or reply.strip().lower() not in ("y", "yes"):
            click.echo("Nothing was written.")
            ctx.exit(1)
    changes = confirm_placement(ws, r, now=now())
    marked = [c for c in changes if c.changed]
    click.echo(f"Marked {wording.plural(len(marked), 'skill')} learned as prior knowledge:")
    for c in marked:
        click.echo(f"  {c.skill_id} ({c.name})"
                   + (f"; first review {wording.day_text(c.first_review)}" if c.first_review else ""))
    if marked:
        click.echo(wording.sentence(prior_spread_text(marked)))


COMMANDS = [setup, placement]
