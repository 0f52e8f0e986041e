"""The weekly plan as documents: Markdown (a checklist per day), iCalendar, JSON.

Each renderer is a pure function of the plan, the curriculum and settings.
iCalendar output (RFC 5545, through the ``icalendar`` library) has one event
per study block, starting at the learner's ``study_time`` and following each
other, plus one event per day for its reviews. UIDs are stable per day and
slot (``roadmap-2026-12-01-1@roadmap``), so importing a re-generated week
updates the events instead of duplicating them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text


def plan_ics(plan: WeekPlan, curriculum: Curriculum, settings: Settings, *, now: datetime) -> bytes:
    """The plan as an iCalendar file (bytes, UTF-8).

    Events start at ``settings.study_time`` local time, reviews first, then
    each study block right after the previous one. Times carry the learner's
    IANA zone (with a VTIMEZONE) when ``settings.timezone`` is set, else UTC.
    """
    from icalendar import Calendar

    from roadmap.days import zone

    tz = zone(settings.timezone) if settings.timezone else zone("")
    cal = Calendar()
    cal.add("prodid", "-//roadmap//weekly plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "roadmap study plan")
    stamp = now.astimezone(UTC)
    for d in plan.days:
        if d.off:
            continue
        start = datetime.combine(d.day, settings.study_time, tzinfo=tz)
        if not settings.timezone:
            start = start.astimezone(UTC)
        if d.reviews:
            cal.add_component(_event(f"roadmap-{d.day.isoformat()}-reviews", stamp, start, d.review_minutes,
                                     f"Review {d.reviews} skill{'s' if d.reviews != 1 else ''}",
                                     "Run `roadmap` and press r to review today's due skills."))
            start += timedelta(minutes=d.review_minutes)
        for i, b in enumerate(d.blocks, 1):
            sk = curriculum.skills[b.skill_id]
            checks = "\n".join(f"- {c}" for c in sk.checks)
            res = "\n".join(f"- {r.title}: {r.url}" for r in sk.resources)
            ev = _event(f"roadmap-{d.day.isoformat()}-{i}", stamp, start, b.minutes, f"Study: {sk.name}",
                        f"{sk.description}\n\nSelf-check:\n{checks}\n\nResources:\n{res}\n\nSkill id: {sk.id}")
            ev.add("categories", [curriculum.category_name(sk.category)])
            cal.add_component(ev)
            start += timedelta(minutes=b.minutes)
    if settings.timezone:
        cal.add_missing_timezones()
    return cal.to_ical()


def _event(uid: str, stamp: datetime, start: datetime, minutes: float, summary: str, description: str):
    """One VEVENT: ``minutes`` long from ``start``, with a stable UID."""
    from icalendar import Event

    ev = Event()
    ev.add("uid", f"{uid}@{UID_DOMAIN}")
    ev.add("dtstamp", stamp)
    ev.add("dtstart", start)
    ev.add("dtend", start + timedelta(minutes=minutes))
    ev.add("summary", summary)
    ev.add("description", description)
    return ev
