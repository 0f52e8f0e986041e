"""Skills and the plan: validate, status, plan, next, start/learn/skip/reset, log."""

from __future__ import annotations

import click

from roadmap.cli.output import FORMATS, Table, bar, console, emit_json, now, plain, plan_table, skill_json, workspace


@click.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.pass_context
def validate(ctx: click.Context, path: str | None) -> None:
    """Check a curriculum file (default: the one in use) and report every problem.

    Exit 0 with a one-line summary, or exit 2 with each problem as
    FILE:LINE:COLUMN: message.

    Example: roadmap validate my_curriculum.toml
    """
    from roadmap import wording
    from roadmap.actions.curriculum import validate as check

    v = check(workspace(ctx), path)
    for w in v.warnings:  # an overlay's, e.g. dependents that lost a removed prerequisite
        click.echo(f"roadmap: {w}", err=True)
    click.echo(f"{v.source}: ok — " + ", ".join(wording.plural(n, noun) for n, noun in
                                              ((v.skills, "skill"), (v.prerequisites, "prerequisite"),
                                               (v.categories, "category"), (v.milestones, "milestone"))))


@click.command()
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.pass_context
def status(ctx: click.Context, fmt: str) -> None:
    """Counts by status, progress per category, milestone progress, orphaned records."""
    from roadmap import wording
    from roadmap.actions.summary import status_summary

    sm = status_summary(workspace(ctx), now=now())
    if fmt == "json":
        fading = set(sm.fading)
        emit_json({"counts": {st.value: n for st, n in sm.counts.items()}, "total": sm.total,
                   "categories": [{"id": c.id, "name": c.name, "done": c.done, "total": c.total, "percent": c.percent}
                                  for c in sm.categories],
                   "memory": [{"id": c.skill_id, "retrievability": round(c.retrievability, 4),
                               "due": c.due_day.isoformat(), "fading": c.skill_id in fading,
                               "checks": c.checks, "weakest_check": c.weakest} for c in sm.memory],
                   "milestones": [{"id": m.id, "name": m.name, "done": m.done, "required": m.required,
                                   "hours_remaining": m.hours_remaining} for m in sm.milestones],
                   "orphaned": sm.orphaned, "prior": list(sm.prior)})
        return
    con = console()
    con.print(f"[b]{sm.total} skills[/b]: " + ", ".join(f"{n} {wording.status_word(st)}" for st, n in sm.counts.items())
              + (f" ({len(sm.prior)} learned as prior knowledge)" if sm.prior else ""))
    t = Table(title="By category")
    t.add_column("category", kind="name")
    t.add_column("done", justify="right")
    t.add_column("progress")
    for c in sm.categories:
        t.add_row(plain(c.name), f"{c.done}/{c.total}", bar(c.done, c.total) + f" {c.percent:>3}%")
    con.print(t)
    if not sm.milestones:
        con.print("No milestones in this curriculum.")
    else:
        t = Table(title="Milestones")
        t.add_column("milestone", kind="name")
        t.add_column("done", justify="right")
        t.add_column("progress")
        t.add_column("left", justify="right")
        for m in sm.milestones:
            t.add_row(plain(m.name), f"{m.done}/{m.required}",
                      bar(m.done, m.required) + f" {round(100 * m.fraction):>3}%", wording.duration_hours(m.hours_remaining))
        con.print(t)
    con.print(plain(f"Database: {sm.database}", style="dim"))
    if sm.memory:
        by_id = {c.skill_id: c for c in sm.memory}
        line = (f"Memory: {len(sm.memory) - len(sm.fading)} of {len(sm.memory)} learned skills at or above your "
                f"desired retention ({wording.percent(sm.desired_retention)})")
        if sm.fading:
            line += "; fading: " + ", ".join(
                f"{sid} {wording.memory_percent(by_id[sid].retrievability)}"
                + (f" (weakest check: {by_id[sid].weakest})" if by_id[sid].checks > 1 else "")
                for sid in sm.fading[:8])
            line += f" and {len(sm.fading) - 8} more" if len(sm.fading) > 8 else ""
        con.print(line)
    if sm.orphaned:
        con.print(plain(f"Orphaned (kept, no longer in the curriculum): {', '.join(sm.orphaned)}"))


@click.command()
@click.option("--all", "show_all", is_flag=True,
              help="Also list the skills learned or skipped (every skill id of the curriculum).")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.pass_context
def plan(ctx: click.Context, show_all: bool, fmt: str) -> None:
    """The study plan: every skill still to learn, prerequisites first, with the time left on each."""
    from roadmap import wording
    from roadmap.actions.plan import study_plan

    ws = workspace(ctx)
    view = study_plan(ws, finished=show_all)
    done_items = view.finished
    if fmt == "json":
        emit_json([skill_json(ws.curriculum, i, view.statuses) for i in view.items + done_items])
        return
    con = console()
    if view.items:
        con.print(plan_table(ws.curriculum, view.items,
                             f"Study plan: {wording.plural(len(view.items), 'skill')}, "
                             f"{wording.duration_hours(view.total_hours)}"))
    else:
        click.echo("Nothing left to study: every skill is learned or skipped.")
    if done_items:
        con.print(plan_table(ws.curriculum, done_items,
                             f"Learned or skipped: {wording.plural(len(done_items), 'skill')}"))


@click.command("next")
@click.option("-n", "count", type=click.IntRange(min=1), default=5, show_default=True, help="How many skills.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.pass_context
def next_(ctx: click.Context, count: int, fmt: str) -> None:
    """The frontier: skills whose prerequisites are all learned, best first."""
    from roadmap.actions.plan import next_skills

    ws = workspace(ctx)
    view = next_skills(ws, count)
    if fmt == "json":
        emit_json([skill_json(ws.curriculum, i, view.statuses) for i in view.items])
        return
    if not view.items:
        click.echo("No skill is ready: everything is learned or skipped.")
        return
    console().print(plan_table(ws.curriculum, view.items, "Ready to study"))


def _status_command(name: str, status_value: str, help_text: str, *, force: bool):
    def command(ctx: click.Context, skill_ids: tuple[str, ...], force: bool = False) -> None:
        from roadmap import wording
        from roadmap.actions.skills import set_status
        from roadmap.progress import PrerequisitesMissing
        from roadmap.status import Status

        try:
            changes = set_status(workspace(ctx), list(skill_ids), Status(status_value), now=now(), force=force)
        except PrerequisitesMissing as e:
            raise PrerequisitesMissing(f"{e} (Or add --force.)") from None
        for c in changes:
            label = f"{c.skill_id} ({c.name})"
            if not c.changed:
                click.echo(f"{label}: already {wording.status_word(c.after)}")
                continue
            line = f"{label}: {wording.STATUS_DONE_WORDS[c.after]}"
            if c.first_review is not None:
                line += f"; first review {wording.day_text(c.first_review)}"
            if c.left_review:
                line += " (it leaves spaced review until learned again; its review history is kept)"
            click.echo(line)
            if c.missing_prerequisites:
                click.echo("Warning: " + wording.missing_prerequisites_text(c.skill_id, c.missing_prerequisites)
                           + " (not learned or skipped yet)", err=True)

    command.__name__ = name
    command = click.pass_context(command)
    if force:
        command = click.option("--force", is_flag=True,
                               help="Allow it even if prerequisites are not learned or skipped.")(command)
    command = click.argument("skill_ids", nargs=-1, required=True, metavar="SKILL_ID...")(command)
    return click.command(name, help=help_text)(command)


start = _status_command("start", "in_progress",
                        "Mark skills as in progress.\n\nA skill whose prerequisites are not learned or skipped "
                        "can be started too (people study in parallel): a warning names them.\n\n"
                        "Example: roadmap start python", force=True)
_learn_plain = _status_command("learn", "learned", "", force=True)


@click.command("learn")
@click.argument("skill_ids", nargs=-1, required=True, metavar="SKILL_ID...")
@click.option("--force", is_flag=True, help="Allow it even if prerequisites are not learned or skipped.")
@click.option("--with-prereqs", is_flag=True,
              help="Prior knowledge: also mark every prerequisite not learned or skipped; reviews spread over weeks.")
@click.pass_context
def learn(ctx: click.Context, skill_ids: tuple[str, ...], force: bool, with_prereqs: bool) -> None:
    """Mark skills as learned; each enters spaced review.

    Refused if a prerequisite is not learned or skipped, unless --force.

    With --with-prereqs the skills and every prerequisite not yet learned or
    skipped are marked learned as prior knowledge (kind "prior" in the
    review log): their first reviews are spread over the next
    prior_spread_weeks weeks (default 3), most fundamental first, with a
    longer first interval than freshly studied material. Everything marked
    is printed; `roadmap reset --with-dependents SKILL` undoes it.

    Example: roadmap learn linear-algebra calculus

    Example: roadmap learn --with-prereqs pytorch
    """
    if not with_prereqs:
        ctx.invoke(_learn_plain, skill_ids=skill_ids, force=force)
        return
    from roadmap import wording
    from roadmap.actions.skills import learn_prior, prior_spread_text

    changes = learn_prior(workspace(ctx), list(skill_ids), now=now())
    marked = [c for c in changes if c.changed]
    for c in changes:
        if not c.changed:
            click.echo(f"{c.skill_id} ({c.name}): already {wording.status_word(c.after)}")
    if marked:
        click.echo(f"Marked {wording.plural(len(marked), 'skill')} learned as prior knowledge:")
    for c in marked:
        line = f"  {c.skill_id} ({c.name})"
        if c.first_review is not None:
            line += f"; first review {wording.day_text(c.first_review)}"
        click.echo(line)
    if marked:
        click.echo(wording.sentence(prior_spread_text(marked)))
        click.echo("To undo: roadmap reset " + " ".join(c.skill_id for c in marked))


skip = _status_command("skip", "skipped",
                       "Mark skills as skipped (already known, or not wanted); they count as done for prerequisites.",
                       force=False)
_reset_plain = _status_command("reset", "not_started", "", force=False)


@click.command("reset")
@click.argument("skill_ids", nargs=-1, required=True, metavar="SKILL_ID...")
@click.option("--with-dependents", is_flag=True, help="Also reset every learned skill built on these (listed first).")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation (for scripts).")
@click.pass_context
def reset(ctx: click.Context, skill_ids: tuple[str, ...], with_dependents: bool, yes: bool) -> None:
    """Reset skills to not started; a learned skill leaves the review queue (its history is kept).

    With --with-dependents every learned skill built on them (directly or
    not) is reset too: they are listed and you are asked to confirm (--yes
    skips the question).

    Example: roadmap reset --with-dependents linear-algebra
    """
    if not with_dependents:
        ctx.invoke(_reset_plain, skill_ids=skill_ids)
        return
    from roadmap.actions.skills import reset_preview, reset_with_dependents

    ws = workspace(ctx)
    ids = reset_preview(ws, list(skill_ids))
    names = ws.curriculum.skills
    if not ids:
        asked = list(dict.fromkeys(ws.curriculum.canonical_id(i.strip()) or i for i in skill_ids))
        click.echo(f"{', '.join(asked)} {'is' if len(asked) == 1 else 'are'} not started; nothing to reset")
        return
    click.echo(f"This resets {len(ids)} skill{'s' if len(ids) != 1 else ''}:")
    for sid in ids:
        click.echo(f"  {sid} ({names[sid].name})")
    try:
        agreed = yes or click.confirm("Reset them?", default=False)
    except click.Abort:  # end of input: no answer
        agreed = False
    if not agreed:
        click.echo("Nothing was reset.")
        ctx.exit(1)
    changes = reset_with_dependents(ws, list(skill_ids), now=now())
    done = [c for c in changes if c.changed]
    click.echo(f"Reset {len(done)} skill{'s' if len(done) != 1 else ''}"
               + (f" ({sum(c.left_review for c in done)} left spaced review; their history is kept)" if done else ""))


@click.command("log", short_help="Record study time (90m, 1h30m, 1:30); --undo takes it back.",
               context_settings={"ignore_unknown_options": True})  # "-5m" reaches the duration's own message
@click.option("--undo", "undo_", is_flag=True,
              help="Take back the study time logged last (on SKILL if given) and the graph credit it gave.")
@click.argument("skill_id", metavar="SKILL", required=False)
@click.argument("duration", metavar="DURATION", required=False)
@click.pass_context
def log_(ctx: click.Context, undo_: bool, skill_id: str | None, duration: str | None) -> None:
    """Record study time on a skill, e.g. 90m, 1.5h, 1h30m or 1:30.

    The plan counts the skill's remaining hours (estimate minus logged). A
    skill not started yet is marked in progress when its prerequisites are
    learned.

    \b
    Examples:
      roadmap log python 1h30m
      roadmap log --undo            take back the last time logged (a typo)
      roadmap log --undo python     the last time logged on python
    """
    from roadmap import wording
    from roadmap.actions.skills import log_time, unlog
    from roadmap.durations import parse_duration

    if undo_:
        if duration is not None:
            raise click.UsageError("--undo takes back what was logged: give no DURATION (SKILL alone, or nothing)")
        out = unlog(workspace(ctx), skill_id, now=now())
        if out is None:
            click.echo("No study time logged" + (f" on {skill_id}" if skill_id else "") + "; nothing taken back.")
            return
        click.echo(f"{out.skill_id}: took back {wording.duration_hours(out.hours)} logged "
                   f"{wording.day_text(out.day)} ({wording.duration_hours(out.total_hours)} in all, about "
                   f"{wording.duration_hours(out.hours_left)} left)"
                   + (f"; graph credit undone on {wording.plural(out.credit_undone, 'check')}" if out.credit_undone
                      else ""))
        return
    if skill_id is None or duration is None:
        raise click.UsageError("give SKILL and DURATION, e.g. roadmap log python 1h30m (or --undo)")
    out = log_time(workspace(ctx), skill_id, parse_duration(duration), now=now())
    click.echo(f"{out.skill_id}: logged {wording.duration_hours(out.hours)} "
               f"({wording.duration_hours(out.total_hours)} in all, about {wording.duration_hours(out.hours_left)} left)"
               + ("; marked in progress" if out.started else ""))


@click.command()
@click.argument("skill_id", metavar="SKILL")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.pass_context
def why(ctx: click.Context, skill_id: str, fmt: str) -> None:
    """Why a skill is where it is in the study plan.

    Shows its place in the plan and the week the weekly plan starts it, the
    milestone, stage or track it is studied for (and whether a target date
    moved it ahead), the prerequisites still missing and what it unlocks.

    \b
    Examples:
      roadmap why pytorch
      roadmap why transformers --format json
    """
    from roadmap import wording
    from roadmap.actions.why import why as explain

    ws = workspace(ctx)
    view = explain(ws, skill_id, now=now())
    r, cur = view.reason, ws.curriculum
    if fmt == "json":
        goal = r.goal
        emit_json({"id": r.skill_id, "name": cur.skills[r.skill_id].name, "status": r.status.value,
                   "position": r.position, "start": view.start.isoformat() if view.start else None,
                   "week": view.week,
                   "goal": None if goal is None else {"kind": goal.kind, "id": goal.id or None, "name": goal.name,
                                                      "stage": goal.stage,
                                                      "target": goal.target.isoformat() if goal.target else None},
                   "moved_by_target": r.moved_by_target,
                   "ladder_goal": None if r.ladder_goal is None else {"kind": r.ladder_goal.kind,
                                                                      "id": r.ladder_goal.id or None},
                   "missing_prerequisites": r.missing, "unlocks": r.unlocks,
                   "reason": wording.plan_reason_text(r, cur)})
        return
    name = cur.skills[r.skill_id].name
    lines = [f"{name} ({r.skill_id}): {wording.status_word(r.status)}", wording.plan_reason_text(r, cur)]
    if view.start is not None:
        lines.append(f"Planned start: {wording.day_text(view.start)} (week {view.week} of the plan)")
    elif r.position is not None:
        lines.append("Planned start: not within 10 years at your weekly hours")
    if r.missing:
        lines.append(f"Prerequisites still missing, in order: {', '.join(r.missing)}")
    else:
        lines.append("Prerequisites: all learned or skipped" if cur.skills[r.skill_id].requires else "Prerequisites: none")
    if r.unlocks:
        lines.append(f"Unlocks: {', '.join(r.unlocks)}")
    for line in lines:
        click.echo(line)


COMMANDS = [validate, status, plan, next_, start, learn, skip, reset, log_, why]
