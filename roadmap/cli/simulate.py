"""``roadmap simulate``: synthetic learners follow the plan through the real core (see :mod:`roadmap.simulate`)."""

from __future__ import annotations

import click

from roadmap.cli.output import FORMATS, Table, console, emit_json, workspace


@click.command()
@click.option("--years", type=float, default=3.0, show_default=True, help="Simulated years (365 days each).")
@click.option("--weekly-hours", type=float, default=10.0, show_default=True, help="Each learner's weekly budget, hours.")
@click.option("--learners", type=click.IntRange(1, 100_000), default=1, show_default=True, help="How many learners.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same result.")
@click.option("--desired-retention", type=float, default=0.90, show_default=True,
              help="The scheduler's desired retention, 0.70-0.99.")
@click.option("--daily-cap", type=int, default=30, show_default=True,
              help="The scheduler's daily review cap (checks a day).")
@click.option("--overconfidence", type=float, default=0.0, show_default=True,
              help="Probability (0-1) that a learner rates a lapse Good instead of Again.")
@click.option("--spread", type=float, default=0.15, show_default=True,
              help="Spread of each learner's true FSRS-6 parameters around the scheduler's (0: identical).")
@click.option("--no-transfer", is_flag=True, help="True memory gets nothing from reviews of dependent skills.")
@click.option("--time-off-weeks", type=click.IntRange(0, 20), default=2, show_default=True,
              help="Weeks of time off a year.")
@click.option("--graph-credit/--no-graph-credit", default=False, show_default=True,
              help="Review credit through the graph on (the setting graph_credit) for every learner.")
@click.option("--jobs", type=click.IntRange(1, 1024), default=None,
              help="Worker processes (default: one per CPU); the result is the same for any number.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.pass_context
def simulate(ctx: click.Context, years: float, weekly_hours: float, learners: int, seed: int,
             desired_retention: float, daily_cap: int, overconfidence: float, spread: float, no_transfer: bool,
             time_off_weeks: int, graph_credit: bool, jobs: int | None, fmt: str) -> None:
    """Simulate learners who follow the plan day by day, and measure what spaced review achieves.

    Each learner gets a temporary database and uses the real planner, week
    plan, review queue (daily cap, time off) and scheduler; their true memory
    (FSRS-6 with their own parameters) decides what they recall, and the
    scheduler sees only their ratings. Your own database is not touched;
    --curriculum picks the curriculum (the bundled one by default).

    \b
    Examples:
      roadmap simulate --years 1
      roadmap simulate --learners 20 --seed 3 --weekly-hours 6 --format json
      roadmap --curriculum my.toml simulate --overconfidence 0.2
    """
    from roadmap.simulate import CLI_OPTIONS, SimConfig, simulate as run

    ws = workspace(ctx)
    config = SimConfig(years=years, weekly_hours=weekly_hours, learners=learners, seed=seed,
                       desired_retention=desired_retention, daily_review_cap=daily_cap,
                       overconfidence=overconfidence, parameter_spread=spread, transfer=not no_transfer,
                       time_off_weeks=time_off_weeks, graph_credit=graph_credit)
    config.check(names=CLI_OPTIONS)  # messages name the options as typed (--spread, not parameter_spread)
    try:
        result = run(config, curriculum=ws.curriculum, jobs=jobs, progress=progress_line())
    except KeyboardInterrupt:
        click.echo("roadmap: simulation stopped (Ctrl+C); nothing was written", err=True)
        ctx.exit(130)
    if fmt == "json":
        emit_json(result.to_json())
        return
    s = result.summary()
    t = Table()
    t.add_column("measure")
    t.add_column("value", justify="right")

    def pct(x):
        return "—" if x is None else f"{100 * x:.1f}%"

    rpw = [x for x in s["reviews_per_week"] if x is not None]
    m = s["review_minutes_per_day"]
    err = s["milestone_error_weeks_median"]
    rows = [
        ("learners", str(s["learners"])),
        ("explicit reviews (mean per learner)", f"{s['reviews']:.0f}"),
        ("reviews per week (mean, max week)", f"{sum(rpw) / len(rpw):.1f}, {max(rpw):.0f}" if rpw else "—"),
        ("review minutes per day (mean, p95, max)", f"{m['mean']:.1f}, {m['p95']:.0f}, {m['max']:.0f}"),
        ("true retention, time-averaged", pct(s["retention"])),
        ("check-days below 70% retrievability", pct(s["low_share"])),
        ("recall at reviews (desired retention)", f"{pct(s['recall_at_review'])} ({desired_retention:.0%})"),
        ("skills learned (mean)", f"{s['learned']:.1f}"),
        ("milestones reached", str(s["milestones_reached"])),
        ("milestone date - forecast (median |weeks|)", "—" if err is None else f"{err:.1f}"),
        ("days over budget (mean per learner)", f"{s['days_over_budget']:.1f}"),
    ]
    for k, v in rows:
        t.add_row(k, v)
    console().print(t)


def progress_line():
    """A ``progress(done, total)`` callback that shows ``simulating: 3/20 learners done…`` on standard error,
    rewritten in place and cleared at the end; None (no output at all) when standard error is not a terminal."""
    import sys

    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if done >= total:
            click.echo("\r\033[K", err=True, nl=False)
        else:
            click.echo(f"\r\033[Ksimulating: {done}/{total} learners done…", err=True, nl=False)
    return show


COMMANDS = [simulate]
