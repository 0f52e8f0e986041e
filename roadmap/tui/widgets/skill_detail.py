"""The detail of one skill: why it is where it is in the plan, description, checks, resources,
prerequisites, what it unlocks."""

from __future__ import annotations

from textual.widgets import Static

from roadmap import wording
from roadmap.actions.skills import status_of
from roadmap.curriculum import Curriculum
from roadmap.planning import missing_prerequisites, plan_reason
from roadmap.tui.widgets.text import esc as escape



def skill_markup(cur: Curriculum, skill_id: str, statuses: dict, *, logged: dict | None = None,
                 card=None, show_checks: bool = True, settings=None) -> str:
    """Rich markup describing a skill (status is spelled out, never shown by colour alone).

    With ``settings`` (targets, tracks, parallel skills), a line says why the skill is where it is
    in the study plan, as ``roadmap why`` does.
    """
    sk = cur.skills[skill_id]
    st = status_of(statuses, skill_id).value
    spent = (logged or {}).get(skill_id, 0.0)
    lines = [f"[b]{escape(sk.name)}[/b]  [dim]{sk.id}[/dim]",
             f"{escape(cur.category_name(sk.category))} · {wording.duration_hours(sk.hours)} estimated"
             + (f" · {wording.duration_hours(spent)} logged" if spent else "") + f" · {wording.status_label(st)}"]
    if settings is not None:
        reason = plan_reason(cur, statuses, skill_id, logged=logged, settings=settings)
        if reason.position is not None:
            lines.append(escape(wording.plan_reason_text(reason, cur)))
    if card is not None:
        lines.append(f"Memory {wording.memory_percent(card.retrievability)} · next review {wording.day_text(card.due_day)}")
    lines += ["", escape(sk.description)]
    if show_checks:
        lines += ["", "[b]Self-check[/b]"] + [f" • {escape(c)}" for c in sk.checks]
    lines += ["", "[b]Resources[/b]"] + [f" • {escape(r.title)}\n   [dim]{escape(r.url)}[/dim]" for r in sk.resources]
    if sk.requires:
        lines += ["", "[b]Prerequisites[/b]"]
        lines += [f" • {escape(cur.skills[p].name)} — {wording.status_label(status_of(statuses, p))}" for p in sk.requires]
        missing = missing_prerequisites(cur, statuses, skill_id)
        if missing:
            lines.append(f"[b]Still missing, in order:[/b] {escape(', '.join(missing))}")
    unlocks = cur.dependents(skill_id)
    if unlocks:
        lines += ["", "[b]Unlocks[/b]"] + [f" • {escape(cur.skills[d].name)}" for d in unlocks]
    return "\n".join(lines)


class SkillDetail(Static):
    """A scrollable panel showing :func:`skill_markup` for the selected skill."""

    def show_skill(self, cur: Curriculum, skill_id: str | None, statuses: dict, **kw) -> None:
        """Show ``skill_id`` (or a hint when None)."""
        if skill_id is None:
            self.update("[dim]Select a skill to see its description, checks and resources.[/dim]")
        else:
            self.update(skill_markup(cur, skill_id, statuses, **kw))
