"""A cache of validated curricula, keyed by the content of the file (of every file of an
overlay's chain, see :mod:`roadmap.curriculum.overlay`).

Parsing and validating TOML is pure Python: ~60 ms for the bundled file and
seconds for a curriculum of 10 000 skills. A validated curriculum is stored
as a pickle in the user cache dir under the SHA-256 of the file's bytes and
of this code's version, so an edited file or a new roadmap never reads a
stale entry. Any problem with the cache falls back to parsing: the cache
only ever costs or saves time, never changes an answer.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from types import MappingProxyType

from roadmap.curriculum.model import FORMAT_VERSION, Curriculum

# Bump when the pickled state changes shape (3: tracks, checks with ids, exercises, encompasses, stages;
# 4: warnings, overlays keyed by every file of their chain; 5: encompasses None when absent).
CACHE_VERSION = "5"


def cache_path(raw: bytes) -> Path:
    """Where the validated curriculum of a file with bytes ``raw`` is cached (the user cache dir)."""
    import platformdirs

    from roadmap import __version__

    digest = hashlib.sha256(raw + f"|{__version__}|{CACHE_VERSION}|{FORMAT_VERSION}".encode()).hexdigest()
    return platformdirs.user_cache_path("roadmap", appauthor=False) / f"curriculum-{digest[:32]}.pickle"


def get(raw: bytes, source: str) -> Curriculum | None:
    """The cached curriculum for a file with bytes ``raw``, shown as ``source``; None on any miss or problem."""
    try:
        with open(cache_path(raw), "rb") as f:
            state = pickle.load(f)
        return _from_state(state, source)
    except Exception:  # missing, unreadable or from another version: parse instead
        return None


def put(raw: bytes, cur: Curriculum) -> None:
    """Store ``cur`` as the validated form of a file with bytes ``raw``; written atomically, failures ignored."""
    import tempfile  # only on a miss: keeps the common start-up path lean

    try:
        target = cache_path(raw)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".curriculum-")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(_to_state(cur), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, pickle.PicklingError):
        pass  # a read-only cache dir only costs speed


def _to_state(cur: Curriculum) -> tuple:
    closures = {m.id: cur.milestone_skills(m.id) for m in cur.milestones}
    return (cur.categories, dict(cur.skills), cur.milestones, dict(cur.aliases), closures, dict(cur.tracks),
            cur.warnings)


def _from_state(state: tuple, source: str) -> Curriculum:
    categories, skills, milestones, aliases, closures, tracks, warnings = state
    # No networkx graph: Curriculum.graph builds it on first use; everyday commands need only the skills.
    return Curriculum(source=source, categories=categories, skills=MappingProxyType(skills),
                      milestones=milestones, aliases=MappingProxyType(aliases),
                      _closures=dict(closures), tracks=MappingProxyType(tracks), warnings=warnings)
