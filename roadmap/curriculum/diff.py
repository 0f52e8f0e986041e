"""What one curriculum changes against another (``roadmap curriculum diff``): skills, prerequisites,
checks, milestones, tracks and categories added, removed or changed, field by field.

Pure: compares two validated :class:`roadmap.curriculum.Curriculum` values, so it reports the effect of
an overlay exactly, including what follows from it (a removed skill also leaves the prerequisites of its
dependents and the requires of milestones and tracks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roadmap.curriculum.model import Curriculum, Milestone, Skill, Track

SKILL_FIELDS = ("name", "category", "hours", "description", "exercises", "resources", "encompasses")
MILESTONE_FIELDS = ("name", "description", "deliverable", "level", "stage", "tracks_required")
TRACK_FIELDS = ("name", "description")


@dataclass(frozen=True)
class FieldChange:
    """One field whose value differs: ``old`` in the base, ``new`` in the overlay (plain JSON-ready values)."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Changed:
    """A skill, milestone or track present in both curricula that differs.

    Attributes
    ----------
    id : str
    fields : tuple of FieldChange
        Fields with a new value, in schema order.
    requires_added, requires_removed : tuple of str
        Prerequisites (for a skill) or required skills (milestone, track) added or dropped.
    checks_added, checks_removed, checks_changed : tuple of str
        Check ids (skills only).
    """

    id: str
    fields: tuple[FieldChange, ...] = ()
    requires_added: tuple[str, ...] = ()
    requires_removed: tuple[str, ...] = ()
    checks_added: tuple[str, ...] = ()
    checks_removed: tuple[str, ...] = ()
    checks_changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    """Added, removed and changed elements of one kind (ids in file order)."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[Changed, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass(frozen=True)
class CurriculumDiff:
    """What ``new`` changes against ``base``: one :class:`Kind` each for skills, milestones, tracks and
    categories (categories are only ever added or removed)."""

    base: str
    new: str
    skills: Kind
    milestones: Kind
    tracks: Kind
    categories: Kind

    def is_empty(self) -> bool:
        """True when the two curricula have the same skills, milestones, tracks and categories."""
        return not (self.skills or self.milestones or self.tracks or self.categories)

    def to_json(self) -> dict:
        """A JSON-ready dict (the ``--format json`` output of ``roadmap curriculum diff``)."""

        def kind(k: Kind) -> dict:
            return {
                "added": list(k.added),
                "removed": list(k.removed),
                "changed": [
                    {"id": c.id, "fields": {f.field: {"old": f.old, "new": f.new} for f in c.fields},
                     "requires_added": list(c.requires_added), "requires_removed": list(c.requires_removed),
                     **({"checks_added": list(c.checks_added), "checks_removed": list(c.checks_removed),
                         "checks_changed": list(c.checks_changed)} if c.checks_added or c.checks_removed
                        or c.checks_changed else {})}
                    for c in k.changed
                ],
            }

        return {"base": self.base, "curriculum": self.new, "skills": kind(self.skills),
                "milestones": kind(self.milestones), "tracks": kind(self.tracks),
                "categories": kind(self.categories)}


def _plain(field: str, value: Any) -> Any:
    if field == "resources":
        return [{"title": r.title, "url": r.url} for r in value]
    if field == "encompasses":
        return None if value is None else dict(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _changed(old: Skill | Milestone | Track, new: Skill | Milestone | Track, fields) -> Changed | None:
    changes = tuple(FieldChange(f, _plain(f, getattr(old, f)), _plain(f, getattr(new, f)))
                    for f in fields if _plain(f, getattr(old, f)) != _plain(f, getattr(new, f)))
    added = tuple(r for r in new.requires if r not in old.requires)
    removed = tuple(r for r in old.requires if r not in new.requires)
    checks: tuple[tuple[str, ...], ...] = ((), (), ())
    if isinstance(old, Skill):
        before = {c.id: c for c in old.check_items}
        after = {c.id: c for c in new.check_items}
        checks = (tuple(i for i in after if i not in before), tuple(i for i in before if i not in after),
                  tuple(i for i in after if i in before and after[i] != before[i]))
    if not (changes or added or removed or any(checks)):
        return None
    return Changed(old.id, changes, added, removed, *checks)


def _kind(old: dict, new: dict, fields) -> Kind:
    changed = tuple(c for i in new if i in old if (c := _changed(old[i], new[i], fields)) is not None)
    return Kind(tuple(i for i in new if i not in old), tuple(i for i in old if i not in new), changed)


def diff(base: Curriculum, new: Curriculum) -> CurriculumDiff:
    """What ``new`` changes against ``base`` (e.g. an overlay against the curriculum it extends)."""
    categories = Kind(tuple(c.id for c in new.categories if c.id not in {x.id for x in base.categories}),
                      tuple(c.id for c in base.categories if c.id not in {x.id for x in new.categories}))
    return CurriculumDiff(
        base=base.source, new=new.source,
        skills=_kind(dict(base.skills), dict(new.skills), SKILL_FIELDS),
        milestones=_kind({m.id: m for m in base.milestones}, {m.id: m for m in new.milestones}, MILESTONE_FIELDS),
        tracks=_kind(dict(base.tracks), dict(new.tracks), TRACK_FIELDS),
        categories=categories,
    )
