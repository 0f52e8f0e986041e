"""The click group ``roadmap``: global options, error handling, and the app when no command is given."""

from __future__ import annotations

import os

import click

from roadmap.errors import RoadmapError


class _Group(click.Group):
    """A click group that turns domain errors into a message and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RoadmapError as e:
            problems = getattr(e, "problems", None)  # a curriculum's: one FILE:LINE:COLUMN line each
            if problems:
                click.echo("\n".join(f"roadmap: {p}" for p in problems), err=True)
            else:
                click.echo(f"roadmap: {e}", err=True)
            ctx.exit(2)


@click.group(cls=_Group, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--db", type=click.Path(dir_okay=False), envvar="ROADMAP_DB", show_envvar=True,
              help="Database file (default: roadmap.db in your user data directory), or a PostgreSQL URL "
                   "(postgresql+psycopg://host/database).")
@click.option("--curriculum", "curriculum_path", type=click.Path(dir_okay=False), envvar="ROADMAP_CURRICULUM",
              show_envvar=True, help="Curriculum TOML file (default: the bundled Senior ML Researcher curriculum).")
@click.version_option(package_name="roadmap", prog_name="roadmap")
@click.pass_context
def cli(ctx: click.Context, db: str | None, curriculum_path: str | None) -> None:
    """A learning-roadmap planner with spaced review, for growing into a Senior ML Researcher.

    Run `roadmap` with no command to open the terminal app. Set ROADMAP_NOW
    (ISO 8601 with offset, e.g. 2026-03-01T09:00:00+01:00) to fix the current
    time, for tests and simulations.

    \b
    Daily use:
      roadmap                  open the app: due reviews, next skills, milestones
      roadmap due              today's review queue
      roadmap due --count      how many reviews are due (fast, for shell prompts)
      roadmap review ID -r good
      roadmap next             skills ready to study
      roadmap learn ID         mark a skill learned (it enters spaced review)
      roadmap week             the coming week's plan
    """
    from roadmap.workspace import Workspace

    for name, value in (("--db / ROADMAP_DB", db if db is not None else os.environ.get("ROADMAP_DB")),
                        ("--curriculum / ROADMAP_CURRICULUM",
                         curriculum_path if curriculum_path is not None else os.environ.get("ROADMAP_CURRICULUM"))):
        if value is not None and not value.strip():
            raise click.BadParameter("is empty; give a file path, or unset it for the default", param_hint=name)
    ctx.obj = Workspace(db, curriculum_path)
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand is None:
        from roadmap.clock import now

        now()  # a malformed ROADMAP_NOW is reported before the screen opens
        ws = ctx.obj
        ws.curriculum, ws.engine  # noqa: B018 - errors before the screen opens
        from roadmap.tui.app import RoadmapApp

        RoadmapApp(ws, offer_setup=True).run()


def _register() -> None:
    from roadmap.cli import admin, cohort, curriculum, data, onboarding, review, simulate, skills, week

    for module in (skills, week, review, data, curriculum, onboarding, simulate, admin, cohort):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()
