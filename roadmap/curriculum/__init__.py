"""The curriculum: a TOML file of skills, categories, milestones and tracks,
validated into an immutable :class:`Curriculum` that holds the prerequisite graph.

The format is documented in ``docs/curriculum.md``. The package is split along
its seams:

- :mod:`roadmap.curriculum.model` — the immutable values (pure);
- :mod:`roadmap.curriculum.loader` — file or text -> Curriculum, the bundled path;
- :mod:`roadmap.curriculum.validator` — every rule, each problem with file:line:col;
- :mod:`roadmap.curriculum.locations` — where tables, keys and values are in the text;
- :mod:`roadmap.curriculum.cache` — validated curricula cached by content;
- :mod:`roadmap.curriculum.overlay` — files that ``extends`` another curriculum, merged with their chain;
- :mod:`roadmap.curriculum.diff` — what one curriculum changes against another.

Everything a caller needs is importable from here.
"""

from roadmap.curriculum.loader import bundled_path, load, parse
from roadmap.curriculum.model import (
    FORMAT_VERSION, ID_PATTERN, Category, Check, Curriculum, CurriculumError, FrozenMap, Milestone, Problem,
    Resource, Skill, Track, summary,
)

__all__ = [
    "FORMAT_VERSION", "ID_PATTERN", "Category", "Check", "Curriculum", "CurriculumError", "FrozenMap", "Milestone",
    "Problem", "Resource", "Skill", "Track", "bundled_path", "load", "parse", "summary",
]
