"""The command line: parse, call the core, print. No rules live here.

Every error a user can cause is a :class:`roadmap.errors.RoadmapError`; it is
printed as ``roadmap: <message>`` on stderr with exit code 2, never a
traceback. ``--format json`` output is a stable interface (documented in the
README): fields are added over time, never renamed.
"""

from __future__ import annotations

import json
import math
import os
import sys
from datetime import date

import click

from roadmap.errors import RoadmapError

FORMATS = click.Choice(["text", "json"])


class _Group(click.Group):
    """A click group that turns domain errors into a message and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RoadmapError as e:
            click.echo(f"roadmap: {e}", err=True)
            ctx.exit(2)


def _ws(ctx: click.Context):
    return ctx.find_root().obj


def _now():
    from roadmap import clock

    return clock.now()


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _plain(text: str, style: str = ""):
    """Text shown as written: curriculum names may contain brackets that Rich would read as markup."""
    from rich.text import Text

    return Text(text, style=style)


def escape(text: str) -> str:
    """Escape Rich markup in text from files or users."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def _emit_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.group(cls=_Group, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--db", type=click.Path(dir_okay=False), envvar="ROADMAP_DB", show_envvar=True,
              help="Database file (default: roadmap.db in your user data directory).")
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

        RoadmapApp(ws).run()


# -- curriculum ------------------------------------------------------------------

@cli.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.pass_context
def validate(ctx: click.Context, path: str | None) -> None:
    """Check a curriculum file (default: the one in use) and report every problem.

    Exit 0 with a one-line summary, or exit 2 with each problem as
    FILE:LINE:COLUMN: message.

    Example: roadmap validate my_curriculum.toml
    """
    from roadmap import curriculum as cm

    ws = _ws(ctx)
    cur = cm.load(path) if path else ws.curriculum
    n = cm.summary(cur)
    click.echo(f"{cur.source}: ok — " + ", ".join(_count(n[k], one) for k, one in
                                                 (("skills", "skill"), ("prerequisites", "prerequisite"),
                                                  ("categories", "category"), ("milestones", "milestone"))))


def _count(n: int, noun: str) -> str:
    """'1 skill', '2 skills', '1 category', '3 categories'."""
    if n == 1:
        return f"1 {noun}"
    return f"{n} {noun[:-1]}ies" if noun.endswith("y") else f"{n} {noun}s"


# -- progress --------------------------------------------------------------------

def _statuses(ws, session):
    from roadmap.progress import load_statuses

    return load_statuses(session, ws.curriculum)


def _skill_json(cur, item_or_id, statuses, hours=None):
    from roadmap.planning import status_of

    sid = getattr(item_or_id, "skill_id", item_or_id)
    s = cur.skills[sid]
    return {"id": sid, "name": s.name, "category": s.category,
            "hours": hours if hours is not None else getattr(item_or_id, "hours", s.hours),
            "estimate_hours": s.hours, "status": status_of(statuses, sid).value,
            "requires": list(s.requires)}


@cli.command()
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.pass_context
def status(ctx: click.Context, fmt: str) -> None:
    """Counts by status, progress per category, milestone progress, orphaned records."""
    from roadmap.models import Status
    from roadmap.planning import DONE, milestone_progress, status_of
    from roadmap.progress import orphaned

    ws = _ws(ctx)
    cur = ws.curriculum
    with ws.read() as s:
        statuses = _statuses(ws, s)
        logged = _logged(s)
    counts = {st.value: 0 for st in Status}
    for sid in cur.skills:
        counts[status_of(statuses, sid).value] += 1
    cats = []
    for c in cur.categories:
        ids = [sid for sid, sk in cur.skills.items() if sk.category == c.id]
        done = sum(1 for sid in ids if status_of(statuses, sid) in DONE)
        cats.append({"id": c.id, "name": c.name, "done": done, "total": len(ids),
                     "percent": round(100 * done / len(ids)) if ids else 100})
    ms = milestone_progress(cur, statuses, logged)
    orphans = orphaned(cur, statuses)
    from roadmap import review

    with ws.read() as s:
        settings = _settings(s)
        cards = review.card_states(s, now=_now(), settings=settings, skills=cur.skills)
    fading = sorted((c for c in cards.values() if c.retrievability < settings.desired_retention),
                    key=lambda c: c.retrievability)
    if fmt == "json":
        _emit_json({"counts": counts, "total": len(cur.skills), "categories": cats,
                    "memory": [{"id": c.skill_id, "retrievability": round(c.retrievability, 4),
                                "due": c.due_day.isoformat(), "fading": c.retrievability < settings.desired_retention}
                               for c in sorted(cards.values(), key=lambda c: c.retrievability)],
                    "milestones": [{"id": m.id, "name": m.name, "done": m.done, "required": m.required,
                                    "hours_remaining": m.hours_remaining} for m in ms],
                    "orphaned": orphans})
        return
    from rich.table import Table

    con = _console()
    con.print(f"[b]{len(cur.skills)} skills[/b]: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()))
    t = Table(title="By category", title_justify="left", box=None, pad_edge=False)
    t.add_column("category")
    t.add_column("done", justify="right")
    t.add_column("progress")
    for c in cats:
        t.add_row(_plain(c["name"]), f"{c['done']}/{c['total']}", _bar(c["done"], c["total"]) + f" {c['percent']:>3}%")
    con.print(t)
    if not ms:
        con.print("No milestones in this curriculum.")
    t = Table(title="Milestones", title_justify="left", box=None, pad_edge=False)
    t.add_column("milestone", no_wrap=True, overflow="ellipsis", max_width=max(20, con.width - 44))
    t.add_column("done", justify="right")
    t.add_column("progress")
    t.add_column("left", justify="right")
    for m in ms:
        t.add_row(_plain(m.name), f"{m.done}/{m.required}", _bar(m.done, m.required) + f" {round(100 * m.fraction):>3}%",
                  f"{round(m.hours_remaining):g} h")
    if ms:
        con.print(t)
    con.print(_plain(f"Database: {ws.engine.url.database}", style="dim"))
    if cards:
        strong = len(cards) - len(fading)
        line = (f"Memory: {strong} of {len(cards)} learned skills at or above your desired retention "
                f"({100 * settings.desired_retention:.0f}%)")
        if fading:
            line += "; fading: " + ", ".join(f"{c.skill_id} {math.floor(100 * c.retrievability)}%" for c in fading[:8])
            line += f" and {len(fading) - 8} more" if len(fading) > 8 else ""
        con.print(line)
    if orphans:
        con.print(_plain(f"Orphaned (kept, no longer in the curriculum): {', '.join(orphans)}"))


def _bar(done: int, total: int, width: int = 20) -> str:
    filled = round(width * done / total) if total else width
    return "█" * filled + "░" * (width - filled)


def _plan_table(cur, items, statuses, title):
    """Plan items as a table; the id (what you type next) is never cut, the name is."""
    from rich.table import Table

    id_w = max((len(i.skill_id) for i in items), default=2)
    num_w = len(str(len(items)))
    t = Table(title=title, title_justify="left", box=None, pad_edge=False)
    t.add_column("#", justify="right", style="dim", no_wrap=True, min_width=num_w)
    t.add_column("id", no_wrap=True, min_width=id_w)
    t.add_column("skill", no_wrap=True, overflow="ellipsis",
                 max_width=max(8, _console().width - (num_w + id_w + 5 + 11 + 8)))
    t.add_column("hours", justify="right", no_wrap=True, min_width=5)
    t.add_column("status", no_wrap=True, min_width=11)
    for i, item in enumerate(items, 1):
        sk = cur.skills[item.skill_id]
        t.add_row(str(i), sk.id, _plain(sk.name), f"{round(item.hours, 1):g}", item.status.value.replace("_", " "))
    return t


@cli.command()
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.pass_context
def plan(ctx: click.Context, fmt: str) -> None:
    """The study plan: every skill still to learn, prerequisites first, with hours."""
    from roadmap.planning import study_plan

    ws = _ws(ctx)
    with ws.read() as s:
        statuses = _statuses(ws, s)
        logged = _logged(s)
    items = study_plan(ws.curriculum, statuses, logged)
    if fmt == "json":
        _emit_json([_skill_json(ws.curriculum, i, statuses) for i in items])
        return
    if not items:
        click.echo("Nothing left to study: every skill is learned or skipped.")
        return
    total = sum(i.hours for i in items)
    _console().print(_plan_table(ws.curriculum, items, statuses, f"Study plan: {len(items)} skills, {total:g} h"))


def _logged(session) -> dict[str, float]:
    from roadmap import studylog

    return studylog.logged_hours(session)


@cli.command("next")
@click.option("-n", "count", type=click.IntRange(min=1), default=5, show_default=True, help="How many skills.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.pass_context
def next_(ctx: click.Context, count: int, fmt: str) -> None:
    """The frontier: skills whose prerequisites are all learned, best first."""
    from roadmap.planning import frontier

    ws = _ws(ctx)
    with ws.read() as s:
        statuses = _statuses(ws, s)
        logged = _logged(s)
    items = frontier(ws.curriculum, statuses, logged)[:count]
    if fmt == "json":
        _emit_json([_skill_json(ws.curriculum, i, statuses) for i in items])
        return
    if not items:
        click.echo("No skill is ready: everything is learned or skipped.")
        return
    _console().print(_plan_table(ws.curriculum, items, statuses, "Ready to study"))


def _status_command(name: str, status_value: str, verb: str, help_text: str, *, force: bool):
    def command(ctx: click.Context, skill_ids: tuple[str, ...], force: bool = False) -> None:
        from roadmap import review, settings as settings_mod
        from roadmap.models import ReviewCard, Status
        from roadmap.progress import PrerequisitesMissing, set_status

        ws = _ws(ctx)
        now = _now()
        cur = ws.curriculum
        try:
            with ws.write() as s:
                settings = settings_mod.load(s)
                changes = set_status(s, cur, list(skill_ids), Status(status_value), now=now, settings=settings,
                                     force=force)
                due = {c.skill_id: s.get(ReviewCard, c.skill_id) for c in changes if c.after == Status.LEARNED}
        except PrerequisitesMissing as e:
            raise PrerequisitesMissing(f"{e} (Or add --force.)") from None
        for c in changes:
            label = f"{c.skill_id} ({cur.skills[c.skill_id].name})"
            if c.before == c.after:
                click.echo(f"{label}: already {c.after.value.replace('_', ' ')}")
                continue
            line = f"{label}: {verb}"
            card = due.get(c.skill_id)
            if card is not None:
                first = review.study_day(card.due, review.zone(settings.timezone), settings.rollover_hour)
                line += f"; first review {first:%a %d %b %Y}"
            if c.before == Status.LEARNED:
                line += " (it leaves spaced review until learned again; its review history is kept)"
            click.echo(line)

    command.__name__ = name
    command = click.pass_context(command)
    if force:
        command = click.option("--force", is_flag=True,
                               help="Allow it even if prerequisites are not learned or skipped.")(command)
    command = click.argument("skill_ids", nargs=-1, required=True, metavar="SKILL_ID...")(command)
    return cli.command(name, help=help_text)(command)


_status_command("start", "in_progress", "started", "Mark skills as in progress.\n\nExample: roadmap start python",
                force=True)
_status_command("learn", "learned", "learned",
                "Mark skills as learned; each enters spaced review.\n\nRefused if a prerequisite is not learned "
                "or skipped, unless --force.\n\nExample: roadmap learn linear-algebra calculus", force=True)
_status_command("skip", "skipped", "skipped",
                "Mark skills as skipped (already known, or not wanted); they count as done for prerequisites.",
                force=False)
_status_command("reset", "not_started", "reset to not started",
                "Reset skills to not started; a learned skill leaves the review queue (its history is kept).",
                force=False)


# -- the week ---------------------------------------------------------------------

def _parse_day(value: str | None, what: str) -> date | None:
    if value is None:
        return None
    from roadmap.settings import parse_date

    return parse_date(value, what=what)


@cli.command()
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
    (roadmap off) stays empty. Markdown prints a checklist per day; ics is a
    calendar file with one event per block at study_time, which calendar apps
    import (re-importing a week updates its events).

    \b
    Examples:
      roadmap week
      roadmap week --from 2026-12-07 --weeks 2
      roadmap week --format ics -o week.ics
      roadmap week --format markdown > week.md
    """
    from roadmap import plan_formats
    from roadmap.planning import weekly_plan
    from roadmap.today import plan_context

    ws = _ws(ctx)
    now = _now()
    first = _parse_day(start, "--from")
    with ws.read() as s:
        pc = plan_context(s, ws.curriculum, now, days=7 * weeks, first=first)
    first = first or pc.today
    wp = weekly_plan(ws.curriculum, pc.statuses, pc.settings, first, days=7 * weeks, logged=pc.logged,
                     reviews=pc.reviews, time_off=pc.time_off)
    if fmt == "json":
        text = json.dumps(plan_formats.plan_json(wp, first), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "markdown":
        text = plan_formats.plan_markdown(wp, ws.curriculum)
    elif fmt == "ics":
        data = plan_formats.plan_ics(wp, ws.curriculum, pc.settings, now=now)
        if output is not None:
            _write(output, data, ws)
            click.echo(f"Wrote {output}: {sum(len(d.blocks) for d in wp.days)} study blocks", err=True)
        else:
            click.echo(data, nl=False)
        return
    else:
        text = _week_text(wp, ws.curriculum, first)
    if output is not None:
        _write(output, text.encode(), ws)
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


def _write(path: str, data: bytes, ws=None) -> None:
    """Write ``data`` to ``path`` atomically (a failed write leaves the old file as it was).

    Refuses the database file itself (and its WAL, shared-memory and backup files).
    """
    import tempfile
    from pathlib import Path

    from roadmap.errors import RoadmapError

    if not path.strip():
        raise RoadmapError("--output is empty; give a file path, or leave it out to print")
    target = Path(path).expanduser()
    if ws is not None:
        db = Path(ws.engine.url.database).resolve()
        out = target.resolve()
        if out == db or (out.parent == db.parent and out.name.startswith(db.name + ".")) or \
                out.name in (db.name + "-wal", db.name + "-shm"):
            raise RoadmapError(f"refusing to write over the database {db} (or its companion files); "
                               "choose another --output file")
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except IsADirectoryError:
        raise RoadmapError(f"cannot write {path}: it is a directory") from None
    except OSError as e:
        raise RoadmapError(f"cannot write {path}: {e.strerror or e}; the file was left as it was") from None


def _week_text(wp, cur, first) -> str:
    from roadmap.durations import format_minutes as fm

    con = _console()
    with con.capture() as cap:
        con.print(f"[b]From {first:%a %d %b %Y}[/b]: {fm(wp.planned_hours * 60)} planned "
                  f"of {fm(wp.budget_minutes)} available")
        for d in wp.days:
            head = f"{d.day:%a %d %b}"
            if d.off:
                con.print(f"\n[b]{head}[/b]  time off")
                continue
            if not d.capacity_minutes and not d.reviews:
                con.print(f"\n[b]{head}[/b]  rest day")
                continue
            con.print(f"\n[b]{head}[/b]  {fm(d.planned_minutes)}")
            if d.reviews:
                con.print(f"  {fm(d.review_minutes):>6}  {d.reviews} review{'s' if d.reviews != 1 else ''}")
            for b in d.blocks:
                name = cur.skills[b.skill_id].name
                con.print(f"  {fm(b.minutes):>6}  {escape(name[:50])} [dim]({b.skill_id})[/dim]", overflow="ellipsis",
                          no_wrap=True, crop=True)
        over = [d for d in wp.days if d.capacity_minutes and d.planned_minutes > d.capacity_minutes + 0.5]
        if over:
            con.print(f"\nNote: reviews take longer than the study time of {', '.join(f'{d.day:%a %d}' for d in over)}; "
                      "the queue shows the most at-risk first, and a lower daily_review_cap spreads them "
                      "over more days.")
        if wp.finished:
            con.print(_plain(f"\nExpected to finish: {', '.join(cur.skills[s].name for s in wp.finished)}"))
        if wp.milestones_reached:
            con.print(_plain(f"Milestones expected: {', '.join(cur.milestone(m).name for m in wp.milestones_reached)}"))
    return cap.get()


@cli.command()
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.pass_context
def milestones(ctx: click.Context, fmt: str) -> None:
    """Each milestone: skills done, hours left, forecast date and target status.

    The forecast plays your study plan forward at your weekly hours, study
    days, time off and review load. Set a target with
    `roadmap config target.MILESTONE_ID YYYY-MM-DD`.
    """
    from roadmap.planning import HORIZON_DAYS, milestone_forecasts
    from roadmap.today import plan_context

    ws = _ws(ctx)
    now = _now()
    with ws.read() as s:
        pc = plan_context(s, ws.curriculum, now, days=60)
    fcs = milestone_forecasts(ws.curriculum, pc.statuses, pc.settings, pc.today, logged=pc.logged,
                              reviews=pc.reviews, time_off=pc.time_off, horizon_days=HORIZON_DAYS)
    if fmt == "json":
        _emit_json([{"id": f.progress.id, "name": f.progress.name, "done": f.progress.done,
                     "required": f.progress.required, "hours_remaining": f.progress.hours_remaining,
                     "forecast": f.forecast.isoformat() if f.forecast else None,
                     "target": f.target.isoformat() if f.target else None, "status": f.status,
                     "weeks_behind": f.weeks_behind, "needed_hours_per_week": f.needed_hours_per_week}
                    for f in fcs])
        return
    from rich.table import Table

    con = _console()
    t = Table(box=None, pad_edge=False)
    t.add_column("milestone", max_width=max(22, con.width - 58), overflow="ellipsis", no_wrap=True)
    for col in ("done", "left"):
        t.add_column(col, justify="right")
    for col in ("forecast", "target", "status"):
        t.add_column(col, no_wrap=col != "status")
    for f in fcs:
        p = f.progress
        t.add_row(_plain(p.name), f"{p.done}/{p.required}", f"{round(p.hours_remaining):g} h",
                  f.forecast.strftime("%d %b %y") if f.forecast else "—",
                  f.target.strftime("%d %b %y") if f.target else "", f.status_text())
    con.print(t)


@cli.command("log")
@click.argument("skill_id")
@click.argument("duration")
@click.pass_context
def log_(ctx: click.Context, skill_id: str, duration: str) -> None:
    """Record study time on a skill, e.g. 90m, 1.5h or 1h30m.

    The plan counts the skill's remaining hours (estimate minus logged). A
    skill not started yet is marked in progress when its prerequisites are
    learned.

    Example: roadmap log python 1h30m
    """
    from roadmap import settings as sm, studylog
    from roadmap.durations import format_minutes, parse_duration
    from roadmap.progress import resolve_ids

    ws = _ws(ctx)
    now = _now()
    hours = parse_duration(duration)
    (sid,) = resolve_ids(ws.curriculum, [skill_id])
    with ws.write() as s:
        out = studylog.log_study(s, ws.curriculum, sid, hours, now=now, settings=sm.load(s))
    click.echo(f"{sid}: logged {format_minutes(hours * 60)} ({format_minutes(out.total_hours * 60)} in all, "
               f"about {format_minutes(out.hours_left * 60)} left)"
               + ("; marked in progress" if out.started else ""))


@cli.group()
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
    from roadmap.timeoff import add_time_off

    a, b = _parse_day(first, "FROM"), _parse_day(last, "TO")
    with _ws(ctx).write() as s:
        row = add_time_off(s, a, b, note)
        n = (b - a).days + 1
        click.echo(f"time off #{row.id}: {a:%a %d %b %Y} – {b:%a %d %b %Y} ({n} day{'s' if n != 1 else ''})")


@off.command("list")
@click.pass_context
def off_list(ctx: click.Context) -> None:
    """List time off with ids."""
    from roadmap.timeoff import list_time_off

    with _ws(ctx).read() as s:
        rows = list_time_off(s)
    if not rows:
        click.echo("No time off.")
    for r in rows:
        click.echo(f"#{r.id}  {r.first_day} – {r.last_day}  {r.note}".rstrip())


@off.command("remove")
@click.argument("time_off_id", type=click.IntRange(1, 2**62), metavar="ID")
@click.pass_context
def off_remove(ctx: click.Context, time_off_id: int) -> None:
    """Remove time off by its id (see `roadmap off list`)."""
    from roadmap.timeoff import remove_time_off

    with _ws(ctx).write() as s:
        row = remove_time_off(s, time_off_id)
    click.echo(f"removed time off #{row.id}: {row.first_day} – {row.last_day}")


def _settings(session):
    from roadmap import settings as settings_mod

    return settings_mod.load(session)


# -- settings ---------------------------------------------------------------------

@cli.command(context_settings={"ignore_unknown_options": True})
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
    from roadmap import settings as sm

    ws = _ws(ctx)
    if unset and key is None:
        raise click.UsageError("--unset needs the KEY to reset, e.g. roadmap config --unset weekly_hours")
    if key is None:
        with ws.read() as s:
            current = sm.load(s)
        from rich.table import Table

        t = Table(box=None, pad_edge=False, caption=f"Database: {ws.engine.url.database}", caption_justify="left")
        t.add_column("setting", no_wrap=True, min_width=18)
        t.add_column("value", overflow="fold", min_width=10, max_width=22)
        t.add_column("meaning (default)", ratio=1, min_width=20)
        for k, default, help_ in sm.describe():
            t.add_row(k, _plain(sm.get_text(current, k).replace(",", ", ")),
                      f"{escape(help_)} [dim](default {escape(default)})[/dim]")
        for mid, d in sorted(current.targets.items()):
            t.add_row(f"{sm.TARGET_PREFIX}{mid}", d.isoformat(), "Target date for this milestone.")
        _console().print(t)
        return
    if unset:
        with ws.write() as s:
            sm.reset_value(s, key)
        click.echo(f"{key} reset to its default")
        return
    if value is None:
        with ws.read() as s:
            click.echo(sm.get_text(sm.load(s), key))
        return
    milestone_ids = {m.id for m in ws.curriculum.milestones} if key.startswith(sm.TARGET_PREFIX) else None
    with ws.write() as s:
        stored = sm.set_value(s, key, value, milestone_ids=milestone_ids)
        current = sm.load(s)
    click.echo(f"{key} = {stored}")
    if key in ("study_days", "weekly_hours"):
        fixed = sum(h for h in current.study_days.values() if h is not None)
        if all(h is not None for h in current.study_days.values()):
            click.echo(f"note: every study day has fixed hours ({fixed:g} h a week), so weekly_hours "
                       f"({current.weekly_hours:g}) is not used; leave a day without =H to share the rest")
        elif fixed >= current.weekly_hours:
            click.echo(f"note: the fixed days alone take {fixed:g} h, all of weekly_hours ({current.weekly_hours:g}); "
                       "the other study days get no time")


# -- review -----------------------------------------------------------------------

@cli.command()
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Show every due skill, past the daily review cap.")
@click.pass_context
def due(ctx: click.Context, fmt: str, show_all: bool) -> None:
    """Today's review queue, most at risk (lowest retrievability) first."""
    from roadmap import review

    ws = _ws(ctx)
    now = _now()
    with ws.read() as s:
        settings = _settings(s)
        everything = review.due_queue(s, now=now, settings=settings, limit=10**9, skills=ws.curriculum.skills)
        items = everything if show_all else everything[: settings.daily_review_cap]
        total = len(everything)
    cur = ws.curriculum
    if fmt == "json":
        _emit_json([{"id": i.skill_id, "name": cur.skills[i.skill_id].name if i.skill_id in cur.skills else i.skill_id,
                     "due": i.due_day.isoformat(), "retrievability": round(i.retrievability, 4),
                     "overdue_days": i.overdue_days,
                     "stability_days": round(i.stability, 2) if i.stability is not None else None}
                    for i in items])
        return
    if not items:
        click.echo("Nothing due today.")
        return
    from rich.table import Table

    t = Table(title=f"Due today: {len(items)}" + (f" of {total} (daily cap {settings.daily_review_cap})"
                                                   if total > len(items) else ""),
              title_justify="left", box=None, pad_edge=False)
    id_w = max((len(i.skill_id) for i in items), default=2)
    t.add_column("id", no_wrap=True, min_width=id_w)
    t.add_column("skill", no_wrap=True, overflow="ellipsis", max_width=max(8, _console().width - (id_w + 6 + 7 + 6)))
    t.add_column("memory", justify="right", no_wrap=True, min_width=6)
    t.add_column("overdue", justify="right", no_wrap=True, min_width=7)
    for i in items:
        t.add_row(i.skill_id, _plain(cur.skills[i.skill_id].name), f"{100 * i.retrievability:.0f}%",
                  f"{i.overdue_days} d" if i.overdue_days else "")
    _console().print(t)


@cli.command("review")
@click.argument("skill_id")
@click.option("-r", "--rating", required=True, metavar="again|hard|good|easy",
              help="How well you recalled it: again, hard, good or easy (or 1-4).")
@click.option("--duration", metavar="DURATION", help="How long the review took, e.g. 5m.")
@click.pass_context
def review_(ctx: click.Context, skill_id: str, rating: str, duration: str | None) -> None:
    """Record a review of a learned skill and show when it is next due.

    Example: roadmap review linear-algebra --rating good
    """
    from roadmap import review
    from roadmap.durations import parse_duration
    from roadmap.progress import resolve_ids

    ws = _ws(ctx)
    now = _now()
    r = review.parse_rating(rating)
    secs = parse_duration(duration) * 3600 if duration else None
    if secs is not None and secs > 24 * 3600:
        from roadmap.durations import DurationError

        raise DurationError(f"--duration {duration!r} is more than a day; give how long this one review took")
    (sid,) = resolve_ids(ws.curriculum, [skill_id])
    with ws.write() as s:
        out = review.record(s, sid, r, now=now, settings=_settings(s), duration_seconds=secs)
    click.echo(f"{sid}: {review.RATING_NAMES[r]} — next review {out.due_day:%a %d %b %Y} "
               f"(in {out.interval_days} day{'s' if out.interval_days != 1 else ''})")


@cli.command()
@click.pass_context
def undo(ctx: click.Context) -> None:
    """Undo the last review (the log keeps a record of both)."""
    from roadmap import review

    ws = _ws(ctx)
    with ws.write() as s:
        undone = review.undo_last(s, now=_now())
    if undone is None:
        click.echo("Nothing to undo.")
    else:
        with ws.read() as s:
            tz = review.zone(_settings(s).timezone)
        click.echo(f"Undid the {review.RATING_NAMES[undone.rating]} review of {undone.skill_id} "
                   f"from {undone.reviewed_at.astimezone(tz):%Y-%m-%d %H:%M}")


@cli.command()
@click.option("--days", type=click.IntRange(1, 3650), default=14, show_default=True)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.pass_context
def forecast(ctx: click.Context, days: int, fmt: str) -> None:
    """Reviews due per day ahead (after the daily cap spreads any backlog)."""
    from roadmap import review

    ws = _ws(ctx)
    with ws.read() as s:
        from roadmap.timeoff import list_time_off

        off = [(t.first_day, t.last_day) for t in list_time_off(s)]
        rows = review.forecast(s, now=_now(), settings=_settings(s), days=days, skills=ws.curriculum.skills,
                               time_off=off)
    if fmt == "json":
        _emit_json([{"date": d.isoformat(), "count": n} for d, n in rows])
        return
    peak = max((n for _, n in rows), default=0) or 1
    for d, n in rows:
        click.echo(f"{d:%a %d %b}  {n:>4}  {'▇' * round(40 * n / peak)}")


@cli.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file (default: standard output).")
@click.pass_context
def export_(ctx: click.Context, output: str | None) -> None:
    """Export all progress, settings, study time, time off and the review log as JSON.

    The format is documented in docs/export-format.md. Keep it as a backup,
    or move to another machine with `roadmap import`.

    Example: roadmap export -o roadmap-backup.json
    """
    from roadmap import transfer

    ws = _ws(ctx)
    with ws.read() as s:
        doc = transfer.export_document(s, now=_now())
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if output is not None:
        _write(output, text.encode(), ws)
        click.echo(f"Wrote {output}: {len(doc['progress'])} skills with progress, "
                   f"{len(doc['review_log'])} review log entries", err=True)
    else:
        click.echo(text, nl=False)


@cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.pass_context
def import_(ctx: click.Context, path: str) -> None:
    """Import a file made by `roadmap export`, merging it into this database.

    The whole file is checked first; then everything is added in one
    transaction, or nothing is. Rows already here are skipped, so importing
    the same file twice changes nothing.
    """
    from roadmap import transfer

    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise transfer.TransferError(f"cannot read {path}: {getattr(e, 'strerror', None) or e}") from None
    try:
        doc = transfer.parse_document(text)
    except transfer.TransferError as e:
        raise transfer.TransferError(f"{path} was not imported: {e}") from None
    ws = _ws(ctx)
    with ws.write() as s:
        added = transfer.import_document(s, doc)
    total = sum(added.values())
    click.echo(f"Imported {path}: " + (", ".join(f"{n} {k.replace('_', ' ')}" for k, n in added.items() if n)
                                         if total else "nothing new (everything was already here)"))


@cli.command()
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
    from roadmap import graph_export as ge
    from roadmap.progress import resolve_ids
    from roadmap.today import fading, overview

    ws = _ws(ctx)
    cur = ws.curriculum
    sid = resolve_ids(cur, [focus])[0] if focus is not None else None
    with ws.read() as s:
        ov = overview(s, cur, _now())
    states = ge.node_states(cur, ov.statuses, fading(ov))
    nodes = ge.focus_nodes(cur, sid)
    text = (ge.to_dot if fmt == "dot" else ge.to_mermaid)(cur, states, nodes, sid)
    if output is not None:
        _write(output, text.encode(), ws)
        click.echo(f"Wrote {output}: {len(nodes)} skills", err=True)
    else:
        click.echo(text, nl=False)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="roadmap")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
