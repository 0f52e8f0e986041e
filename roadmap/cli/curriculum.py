"""The ``roadmap curriculum`` group: commands about curriculum files (``diff``: what an overlay changes)."""

from __future__ import annotations

import click

from roadmap.cli.output import FORMATS, emit_json, workspace


@click.group()
def curriculum() -> None:
    """Curriculum files and overlays (see docs/curriculum.md)."""


@curriculum.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.pass_context
def diff(ctx: click.Context, path: str | None, fmt: str) -> None:
    """What an overlay changes against the curriculum it extends (default: the one in use).

    Lists skills added, removed and changed (field: old -> new), prerequisites
    added and removed, and milestones, tracks and categories added or changed.
    Warnings (e.g. dependents that lost a removed prerequisite) go to stderr.

    Example: roadmap curriculum diff docs/examples/nlp-team.toml
    """
    from roadmap.actions.curriculum import diff as compare

    d, warnings = compare(workspace(ctx), path)
    for w in warnings:
        click.echo(f"roadmap: {w}", err=True)
    if fmt == "json":
        emit_json(d.to_json())
        return
    for line in diff_lines(d):
        click.echo(line)


def _value(field: str, v) -> str:
    from roadmap import wording

    if field == "hours":
        return wording.duration_hours(v)
    if isinstance(v, str):
        return repr(v) if len(v) <= 60 else repr(v[:57] + "...")
    if isinstance(v, list):
        return wording.plural(len(v), "item")
    if isinstance(v, dict):
        return ", ".join(f"{k} = {w:g}" for k, w in v.items()) or "none"
    return "none" if v is None else str(v)


def diff_lines(d) -> list[str]:
    """The text of ``roadmap curriculum diff`` for a :class:`roadmap.curriculum.diff.CurriculumDiff`."""
    out = [f"{d.new} against {d.base}:"]
    if d.is_empty():
        return out + ["  no changes"]
    for noun, kind, prereq in (("skill", d.skills, "prerequisites"), ("milestone", d.milestones, "requires"),
                               ("track", d.tracks, "requires"), ("category", d.categories, "")):
        for i in kind.added:
            out.append(f"  + {noun} {i}")
        for i in kind.removed:
            out.append(f"  - {noun} {i}")
        for c in kind.changed:
            parts = [f"{f.field}: {_value(f.field, f.old)} -> {_value(f.field, f.new)}" for f in c.fields]
            if c.requires_added:
                parts.append(f"{prereq} added: {', '.join(c.requires_added)}")
            if c.requires_removed:
                parts.append(f"{prereq} removed: {', '.join(c.requires_removed)}")
            for what, ids in (("added", c.checks_added), ("removed", c.checks_removed),
                              ("changed", c.checks_changed)):
                if ids:
                    parts.append(f"checks {what}: {', '.join(ids)}")
            out.append(f"  ~ {noun} {c.id}: " + "; ".join(parts))
    return out


COMMANDS = [curriculum]
