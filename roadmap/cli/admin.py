"""``roadmap admin``: run by a team database's owner (PostgreSQL) to set up the schema and the team."""

from __future__ import annotations

import sys

import click

from roadmap.cli.output import emit_json, workspace


def _location(ctx: click.Context):
    return workspace(ctx).db_path


def _password(password_stdin: bool) -> str | None:
    if not password_stdin:
        return None
    line = sys.stdin.readline()
    return line[:-1] if line.endswith("\n") else line


@click.group("admin")
def admin() -> None:
    """Administer a team database on PostgreSQL (run as the database owner).

    --db / ROADMAP_DB must be a PostgreSQL URL connecting as the owner, e.g.
    postgresql+psycopg://roadmap_admin@db.example.org/team. The owner is not a
    learner; learners connect as their own role and see only their own rows.
    See docs/team.md for a walkthrough.

    \b
    Example:
      roadmap admin init
      roadmap admin add-learner alice
      roadmap admin add-mentor mia --mentee alice --mentee bob
    """


@admin.command("init")
@click.pass_context
def init_(ctx: click.Context) -> None:
    """Create (or upgrade) the schema and the group role roadmap_learner; safe to run again."""
    from roadmap.actions import admin as core

    r = core.init(_location(ctx))
    was = "created the schema" if r.before is None else (
        f"upgraded the schema from revision {r.before}" if r.before != r.after else "the schema was up to date")
    group = "created the group role roadmap_learner" if r.group_created else "the group role roadmap_learner exists"
    click.echo(f"Team database ready at revision {r.after}: {was}; {group}.")


@admin.command("upgrade")
@click.option("--assign-to", metavar="ROLE",
              help="On an upgrade from a single-user database (before revision 0007), give its rows to this "
                   "learner instead of to the owner's role. Add the learner first.")
@click.pass_context
def upgrade_(ctx: click.Context, assign_to: str | None) -> None:
    """Upgrade the schema to this roadmap's revision, in one transaction (back up with pg_dump first)."""
    from roadmap.actions import admin as core

    r = core.upgrade(_location(ctx), assign_to=assign_to)
    if r.before == r.after:
        click.echo(f"The schema is at revision {r.after}; nothing to do.")
    else:
        click.echo(f"Upgraded the schema from revision {r.before or '(none)'} to {r.after}.")
    if r.assigned_to:
        click.echo(f"The rows already there now belong to {r.assigned_to}.")


@admin.command("add-learner")
@click.argument("name")
@click.option("--password-stdin", is_flag=True,
              help="Read the learner's password from the first line of standard input (never shown). Without "
                   "it the role has no password: for peer, certificate or trust authentication.")
@click.pass_context
def add_learner(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Add a learner: a PostgreSQL login role NAME in the group roadmap_learner."""
    from roadmap.actions import admin as core

    created = core.add_learner(_location(ctx), name, password=_password(password_stdin))
    click.echo(f"Added learner {name}." if created else f"The role {name} exists; it is a learner now.")


@admin.command("add-mentor")
@click.argument("name")
@click.option("--mentee", "mentees", multiple=True, metavar="LEARNER", help="A learner NAME mentors (repeatable).")
@click.option("--password-stdin", is_flag=True, help="Read the mentor's password from standard input.")
@click.pass_context
def add_mentor(ctx: click.Context, name: str, mentees: tuple[str, ...], password_stdin: bool) -> None:
    """Add a mentor NAME (a learner too; created if missing) and assign their mentees."""
    from roadmap.actions import admin as core

    created = core.add_mentor(_location(ctx), name, list(mentees), password=_password(password_stdin))
    who = f"Added mentor {name}" if created else f"{name} is a mentor"
    click.echo(f"{who}" + (f" of {', '.join(mentees)}." if mentees else "."))


@admin.command("assign")
@click.argument("mentor")
@click.argument("mentee")
@click.pass_context
def assign(ctx: click.Context, mentor: str, mentee: str) -> None:
    """Make MENTOR a mentor of MENTEE (both learners)."""
    from roadmap.actions import admin as core

    new = core.assign(_location(ctx), mentor, mentee)
    click.echo(f"{mentor} mentors {mentee}." if new else f"{mentor} already mentors {mentee}.")


@admin.command("unassign")
@click.argument("mentor")
@click.argument("mentee")
@click.pass_context
def unassign(ctx: click.Context, mentor: str, mentee: str) -> None:
    """Stop MENTOR mentoring MENTEE."""
    from roadmap.actions import admin as core

    core.unassign(_location(ctx), mentor, mentee)
    click.echo(f"{mentor} no longer mentors {mentee}.")


@admin.command("remove-learner")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--drop-role", is_flag=True,
              help="Also drop the PostgreSQL role NAME (roles are cluster-wide: refused while another database "
                   "of the server holds NAME's rows or privileges).")
@click.pass_context
def remove_learner(ctx: click.Context, name: str, yes: bool, drop_role: bool) -> None:
    """Delete learner NAME's rows in this database and take them out of the team. Lists what goes, then asks.

    Without --drop-role the role stays (it may be a learner in other team databases of the same server);
    it leaves the group roadmap_learner unless it has roadmap rows in another database of the server.
    """
    from roadmap import wording
    from roadmap.actions import admin as core

    loc = _location(ctx)
    plan = core.plan_removal(loc, name)
    what = ", ".join(f"{n} {t}" for t, n in plan.deleted.items()) or "no rows"
    role = f"and drops the role {name}" if drop_role else f"and takes {name} out of the team (the role stays)"
    click.echo(f"Removing {name} deletes: {what}; {role}.", err=True)
    _say_elsewhere(name, plan)
    if not yes:
        if not click.confirm(f"Delete {name} and these rows for good?", default=False, err=True):
            click.echo("Nothing was changed.", err=True)
            ctx.exit(1)
    done = core.remove_learner(loc, name, drop_role=drop_role)
    rows = wording.plural(sum(done.deleted.values()), "row")
    if done.role_dropped:
        click.echo(f"Removed {name} ({rows}); dropped the role {name}.")
    elif done.left_group:
        click.echo(f"Removed {name} ({rows}); the role {name} left roadmap_learner (drop it with --drop-role).")
    else:
        click.echo(f"Removed {name}'s rows here ({rows}); the role {name} stays in roadmap_learner, which is "
                   "shared by every team database of this server.")


def _say_elsewhere(name: str, plan) -> None:
    if plan.elsewhere:
        from roadmap import wording

        dbs = ", ".join(f"{db} ({wording.plural(n, 'row')})" for db, n in plan.elsewhere.items())
        click.echo(f"{name} also has roadmap rows in other databases of this server, which are kept: {dbs}.",
                   err=True)
    if plan.unchecked:
        click.echo(f"Could not check these databases of the server for {name}'s rows: "
                   f"{', '.join(plan.unchecked)}.", err=True)


@admin.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def list_(ctx: click.Context, fmt: str) -> None:
    """The learners, and for each mentor their mentees."""
    from roadmap.actions import admin as core

    team = core.list_team(_location(ctx))
    if fmt == "json":
        emit_json({"learners": [{"name": m.name, "mentees": list(m.mentees), "mentors": list(m.mentors),
                                 "can_login": m.can_login} for m in team.learners],
                   "others_with_rows": list(team.others_with_rows)})
        return
    if not team.learners:
        click.echo("No learners yet: roadmap admin add-learner NAME")
    for m in team.learners:
        line = m.name
        if m.mentees:
            line += f"  mentor of {', '.join(m.mentees)}"
        if m.mentors:
            line += f"  mentored by {', '.join(m.mentors)}"
        if not m.can_login:
            line += "  (cannot log in)"
        click.echo(line)
    if team.others_with_rows:
        click.echo(f"Rows of roles that are not learners: {', '.join(team.others_with_rows)}")


COMMANDS = [admin]
