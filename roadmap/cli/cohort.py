"""The mentor's cohort view: ``roadmap cohort``."""

from __future__ import annotations

import click

from roadmap.cli.output import Table, console, emit_bytes, emit_json, now, plain, workspace

NO_MENTEES = ("No mentees: nobody is assigned to you as a mentee on this database. The team's database owner "
              "assigns mentees with `roadmap admin`.")

CSV_FIELDS = ["learner", "next_milestone", "forecast", "target", "weeks_late", "reviews_overdue", "retention",
              "retention_reviews", "hours_7d", "hours_28d", "stuck", "last_active", "days_inactive"]
"""CSV columns after ``learner`` come in this order, then one ``stage:<id>`` column (``done/total``) per stage."""


def learner_label(name: str) -> str:
    """How a learner is shown: their role name, or ``(local)`` for an SQLite file's learner."""
    return name or "(local)"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Text cells starting with one of these get a leading apostrophe in CSV output, so a spreadsheet shows them
as text instead of running them as a formula (CSV injection; OWASP's advice)."""


def csv_cell(value):
    """A CSV cell value: None as empty, text that a spreadsheet would read as a formula prefixed with ``'``;
    numbers unchanged."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def cohort_csv(view) -> str:
    """The cohort as CSV text (header row first; stuck skills joined by ``;``). Text cells that start like a
    spreadsheet formula (``= + - @``, tab, carriage return) get a leading apostrophe (:func:`csv_cell`)."""
    import csv
    import io

    out = io.StringIO()
    stages = [s.id for s in view.rows[0].stages] if view.rows else []
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_FIELDS + [csv_cell(f"stage:{s}") for s in stages])
    for r in view.rows:
        j = r.to_json()
        cells = [j[k] if k != "stuck" else ";".join(j["stuck"]) for k in CSV_FIELDS]
        w.writerow([csv_cell(c) for c in cells] + [f"{s.done}/{s.total}" for s in r.stages])
    return out.getvalue()


def stage_label(stage_id: str) -> str:
    """A stage's short label in the cohort table: the first word of its id (``entry-level`` -> ``entry``)."""
    return stage_id.split("-")[0] or stage_id


def stages_text(stages) -> str:
    """Skills done per stage, labelled: ``entry 10/40 · mid 10/79 · senior 10/86``."""
    return " · ".join(f"{stage_label(s.id)} {s.done}/{s.total}" for s in stages)


def cohort_table(view) -> Table:
    """The cohort as a text :class:`Table`, most at risk first.

    Short headers and the two hour sums in one column keep a row on one line where it fits; on a narrow
    terminal each learner becomes a block (learner and next milestone, then ``header value`` pairs, then the stages).
    A learner without a target shows ``—`` as weeks late, like the app.
    """
    from roadmap import wording

    t = Table(caption=f"Most at risk first: weeks late, then reviews overdue, then days inactive. "
                      f"Stuck: in progress over {view.stuck_weeks} weeks. Hours: last 7 / 28 days.")
    t.add_column("learner", kind="name")
    t.add_column("next milestone", kind="name")
    t.add_column("forecast")
    t.add_column("late", justify="right")
    t.add_column("overdue", justify="right")
    t.add_column("ret.", justify="right")
    t.add_column("hours", justify="right")
    t.add_column("stuck", justify="right")
    t.add_column("active")
    t.add_column("stages", kind="text")
    for r in view.rows:
        late = "—" if r.weeks_late is None else (f"{r.weeks_late} wk" if r.weeks_late else "on time")
        fc = wording.date_text(r.forecast) if r.forecast else ("reached" if r.milestone is None else "beyond 10 y")
        t.add_row(plain(learner_label(r.learner)), plain(r.milestone_name or "—"), fc, late, str(r.overdue),
                  wording.percent(r.retention) if r.retention is not None else "—",
                  f"{wording.duration_hours(r.hours_7)}/{wording.duration_hours(r.hours_28)}", str(len(r.stuck)),
                  wording.date_text(r.last_active) if r.last_active else "never", plain(stages_text(r.stages)))
    return t


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@click.option("--stuck-weeks", type=click.IntRange(1, 520), default=4, show_default=True,
              help="A skill in progress for more than this many weeks counts as stuck.")
@click.pass_context
def cohort(ctx: click.Context, fmt: str, stuck_weeks: int) -> None:
    """Your mentees, most at risk first: progress per stage, next milestone, reviews overdue, retention.

    On a team database (PostgreSQL) the rows are the learners assigned to you
    as mentees (`roadmap admin`); the server shows you their rows read-only.
    On a database file, every learner in it (normally just you).

    Each row: skills done per career stage; the next milestone (earliest
    target, else the first unreached) with a quick forecast at the learner's
    weekly hours and whole weeks late against their target; review cards
    overdue (the whole backlog, before the daily cap); retention achieved
    over 90 days (reviews not rated Again); hours logged in the last 7 and
    28 days; skills stuck in progress; the last active study day. With no
    mentees it prints a message and exits with status 1 (json and csv still
    print an empty list / the header).

    \b
    Examples:
      roadmap cohort
      roadmap cohort --stuck-weeks 6
      roadmap cohort --format csv > cohort.csv
    """
    from roadmap.actions.cohort import cohort as read_cohort

    view = read_cohort(workspace(ctx), now=now(), stuck_weeks=stuck_weeks)
    if fmt == "json":
        emit_json([r.to_json() for r in view.rows])
    elif fmt == "csv":
        emit_bytes(cohort_csv(view))
    elif view.rows:
        console().print(cohort_table(view))
    if view.empty:
        click.echo(NO_MENTEES, err=True)
        ctx.exit(1)


COMMANDS = [cohort]
