"""Data in and out: export, import, graph, config."""

from __future__ import annotations

import click

from roadmap.cli.output import Table, console, emit_bytes, escape, now, plain, workspace, write


@click.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file (default: standard output).")
@click.pass_context
def export_(ctx: click.Context, output: str | None) -> None:
    """Export all progress, settings, study time, time off and the review log as JSON.

    The format is documented in docs/export-format.md. Keep it as a backup,
    or move to another machine with `roadmap import`. History dated after
    now (written with a clock that ran ahead) is exported, with a warning on
    stderr: import refuses such a file until that time.

    Example: roadmap export -o roadmap-backup.json
    """
    import json

    from roadmap.actions.data import export_json, future_rows

    ws = workspace(ctx)
    at = now()
    doc = export_json(ws, now=at)
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if output is not None:
        write(output, text.encode(), ws)
        click.echo(f"Wrote {output}: {len(doc['progress'])} skills with progress, "
                   f"{len(doc['review_log'])} review log entries", err=True)
    else:
        emit_bytes(text)
    ahead = future_rows(doc, now=at)
    if ahead.count:
        click.echo(ahead.warning(), err=True)


@click.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.pass_context
def import_(ctx: click.Context, path: str) -> None:
    """Import a file made by `roadmap export`, merging it into this database.

    The whole file is checked first; then everything is added in one
    transaction, or nothing is. Rows already here are skipped, so importing
    the same file twice changes nothing.
    """
    from roadmap.actions.data import import_file

    added = import_file(workspace(ctx), path, now=now())
    total = sum(added.values())
    click.echo(f"Imported {path}: " + (", ".join(f"{n} {k.replace('_', ' ')}" + (" entries" if k == "review_log" else "")
                                                    for k, n in added.items() if n)
                                         if total else "nothing new (everything was already here)"))


@click.command()
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot"]), default="mermaid", show_default=True)
@click.option("--focus", metavar="SKILL_ID", help="Only this skill, its prerequisites and what it unlocks.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file.")
@click.pass_context
def graph(ctx: click.Context, fmt: str, focus: str | None, output: str | None) -> None:
    """The prerequisite graph, coloured by status, for Mermaid or Graphviz.

    States: ✓ learned, ! fading, ◐ in progress, ○ ready, · locked, ⊘ skipped.

    \b
    Examples:
      roadmap graph --focus transformers            # paste into Markdown
      roadmap graph --format dot -o g.dot && dot -Tsvg g.dot > g.svg
    """
    from roadmap.actions.data import graph as draw

    ws = workspace(ctx)
    g = draw(ws, now=now(), fmt=fmt, focus=focus)
    if output is not None:
        write(output, g.text.encode(), ws)
        click.echo(f"Wrote {output}: {g.skills} skills", err=True)
    else:
        emit_bytes(g.text)


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("key", required=False)
@click.argument("value", required=False)
@click.option("--unset", is_flag=True, help="Remove KEY's value so the default applies.")
@click.pass_context
def config(ctx: click.Context, key: str | None, value: str | None, unset: bool) -> None:
    """List settings, show one, or set one (validated).

    \b
    roadmap config                         every setting, its value and default
    roadmap config weekly_hours            one value
    roadmap config weekly_hours 12         set it
    roadmap config study_days MO,WE,SA=3   study days, Saturday fixed at 3 h
    roadmap config target.first-paper 2027-09-01
    roadmap config --unset weekly_hours
    """
    from roadmap.actions import settings as actions

    ws = workspace(ctx)
    if unset and key is None:
        raise click.UsageError("--unset needs the KEY to reset, e.g. roadmap config --unset weekly_hours")
    if key is None:
        t = Table(caption=escape(f"Database: {ws.database_name}"))
        t.add_column("setting")
        t.add_column("value", kind="text")
        t.add_column("meaning (default)", kind="text")
        for row in actions.all_settings(ws):
            t.add_row(row.key, plain(row.value.replace(",", ", ")),
                      f"{escape(row.help)} [dim](default {escape(row.default)})[/dim]")
        console().print(t)
        return
    if unset:
        actions.unset(ws, key)
        click.echo(f"{key} reset to its default")
        return
    if value is None:
        click.echo(actions.get(ws, key))
        return
    saved = actions.set(ws, key, value, now=now())
    click.echo(f"{key} = {saved.value}")
    for note in saved.notes:
        click.echo(f"note: {note}")


COMMANDS = [export_, import_, graph, config]
