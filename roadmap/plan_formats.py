"""The weekly plan as documents: Markdown (a checklist per day), iCalendar, JSON.

Each renderer is a pure function of the plan, the curriculum and settings.
iCalendar output (RFC 5545, through the ``icalendar`` library) has one event
per study block, starting at the learner's ``study_time`` and following each
other, plus one event per day for its reviews. UIDs are stable per day and
slot (``roadmap-2026-12-01-1@roadmap``), so importing a re-generated week
updates the events instead of duplicating them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from roadmap.curriculum import Curriculum
from roadmap.durations import format_minutes
from roadmap.planning import WeekPlan
from roadmap.settings import Settings

UID_DOMAIN = "roadmap"


def plan_json(plan: WeekPlan, first) -> dict:
    """The documented JSON of ``roadmap week --format json``.

    ``{"from", "budget_hours", "planned_hours", "days": [{"date", "hours",
    "capacity_hours", "reviews", "review_minutes", "off", "blocks": [{"skill",
    "hours"}]}], "finished", "milestones_reached"}``; hours are rounded to
    0.01, minutes to 0.1.
    """
    return {
        "from": first.isoformat(),
        "budget_hours": round(plan.budget_hours, 2),
        "planned_hours": round(plan.planned_hours, 2),
        "days": [{"date": d.day.isoformat(), "hours": round(d.planned_hours, 2), "capacity_hours": round(d.hours, 2),
                  "reviews": d.reviews, "review_minutes": round(d.review_minutes, 1), "off": d.off,
                  "blocks": [{"skill": b.skill_id, "hours": round(b.hours, 2)} for b in d.blocks]}
                 for d in plan.days],
        "finished": plan.finished,
        "milestones_reached": plan.milestones_reached,
    }


def plan_markdown(plan: WeekPlan, curriculum: Curriculum) -> str:
    """The plan as Markdown: a heading and a checklist per day, a summary at the end."""
    first, last = plan.days[0].day, plan.days[-1].day
    out = [f"# Study plan {first:%a %d %b %Y} – {last:%a %d %b %Y}", "",
           f"{format_minutes(plan.planned_hours * 60)} planned of {format_minutes(plan.budget_minutes)} available.", ""]
    for d in plan.days:
        if d.off:
            out += [f"## {d.day:%a %d %b}: time off", ""]
            continue
        if not d.blocks and not d.reviews:
            out += [f"## {d.day:%a %d %b}: rest day", ""]
            continue
        out += [f"## {d.day:%a %d %b}: {format_minutes(d.planned_minutes)}", ""]
        if d.reviews:
            out.append(f"- [ ] {d.reviews} review{'s' if d.reviews != 1 else ''} ({format_minutes(d.review_minutes)})")
        for b in d.blocks:
            sk = curriculum.skills[b.skill_id]
            out.append(f"- [ ] {format_minutes(b.minutes)}: {_md(sk.name)} (`{sk.id}`)")
        out.append("")
    if plan.finished:
        out += ["**Expected to finish:** " + ", ".join(_md(curriculum.skills[s].name) for s in plan.finished), ""]
    if plan.milestones_reached:
        out += ["**Milestones expected:** " + ", ".join(_md(curriculum.milestone(m).name)
                                                       for m in plan.milestones_reached), ""]
    return "\n".join(out)


def _md(text: str) -> str:
    """``text`` as literal inline Markdown: markup characters and ``|`` (a table cell's end) escaped,
    line breaks (which would end the list item or table row) joined with spaces."""
    text = " ".join(text.splitlines())
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text


def plan_ics(plan: WeekPlan, curriculum: Curriculum, settings: Settings, *, now: datetime) -> bytes:
    """The plan as an iCalendar file (bytes, UTF-8).

    Events start at ``settings.study_time`` local time, reviews first, then
    each study block right after the previous one. Times carry the learner's
    IANA zone (with a VTIMEZONE) when ``settings.timezone`` is set, else UTC.

    Start and end are computed as instants (UTC), so every event lasts
    exactly its minutes across daylight-saving changes: a ``study_time``
    that does not exist on a spring-forward day (02:30 in Europe/Berlin on
    the last Sunday of March) is moved past the gap by the gap's length
    (03:30, the reading RFC 5545 §3.3.5 prescribes), and one that occurs
    twice in autumn is its first occurrence. A local time in the repeated
    hour that means the second occurrence is written in UTC, because a
    calendar reads a repeated local time as the first one (RFC 5545 §3.3.5).
    """
    from icalendar import Calendar

    from roadmap.days import zone

    tz = zone(settings.timezone) if settings.timezone else zone("")
    local = tz if settings.timezone else None
    cal = Calendar()
    cal.add("prodid", "-//roadmap//weekly plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "roadmap study plan")
    stamp = now.astimezone(UTC)
    for d in plan.days:
        if d.off:
            continue
        start = local_instant(d.day, settings.study_time, tz)
        if d.reviews:
            cal.add_component(_event(f"roadmap-{d.day.isoformat()}-reviews", stamp, start, d.review_minutes, local,
                                     f"Review {d.reviews} check{'s' if d.reviews != 1 else ''}",
                                     "Run `roadmap` and press r to review today's due checks."))
            start += timedelta(minutes=d.review_minutes)
        for i, b in enumerate(d.blocks, 1):
            sk = curriculum.skills[b.skill_id]
            checks = "\n".join(f"- {c}" for c in sk.checks)
            res = "\n".join(f"- {r.title}: {r.url}" for r in sk.resources)
            ev = _event(f"roadmap-{d.day.isoformat()}-{i}", stamp, start, b.minutes, local, f"Study: {sk.name}",
                        f"{sk.description}\n\nSelf-check:\n{checks}\n\nResources:\n{res}\n\nSkill id: {sk.id}")
            ev.add("categories", [curriculum.category_name(sk.category)])
            cal.add_component(ev)
            start += timedelta(minutes=b.minutes)
    if settings.timezone:
        cal.add_missing_timezones()
    return cal.to_ical()


def local_instant(day: date, at: time, tz: tzinfo) -> datetime:
    """The instant (aware, UTC) at which the wall-clock time ``at`` happens on ``day`` in ``tz``.

    A wall time that does not exist (inside a spring-forward gap) is moved
    forward by the gap's length, as RFC 5545 §3.3.5 reads such a time
    (dateutil's ``resolve_imaginary``): 02:30 on 29 Mar 2026 in
    Europe/Berlin is 03:30 CEST. A wall time that occurs twice (autumn) is
    its first occurrence.
    """
    from dateutil.tz import resolve_imaginary

    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=tz)
    return resolve_imaginary(wall).astimezone(UTC)


def _shown(instant: datetime, local: tzinfo | None) -> datetime:
    """``instant`` as written in the file: local time in ``local``, or UTC when there is no zone or
    when the local time is the second occurrence of a repeated hour (a calendar would read the first)."""
    if local is None:
        return instant
    wall = instant.astimezone(local)
    if wall.replace(fold=0).astimezone(UTC) != instant:
        return instant
    return wall


def _event(uid: str, stamp: datetime, start: datetime, minutes: float, local: tzinfo | None, summary: str,
           description: str):
    """One VEVENT: ``minutes`` long from the instant ``start`` (UTC), shown in ``local``, with a stable UID."""
    from icalendar import Event

    ev = Event()
    ev.add("uid", f"{uid}@{UID_DOMAIN}")
    ev.add("dtstamp", stamp)
    ev.add("dtstart", _shown(start, local))
    ev.add("dtend", _shown(start + timedelta(minutes=minutes), local))
    ev.add("summary", summary)
    ev.add("description", description)
    return ev
