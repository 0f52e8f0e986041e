"""A cache of validated curricula, keyed by the content of the file (of every file of an
overlay's chain, see :mod:`roadmap.curriculum.overlay`) and by the path each file is shown as.

Parsing and validating TOML is pure Python: ~60 ms for the bundled file and
seconds for a curriculum of 10 000 skills. A validated curriculum is stored
as a pickle in the user cache dir under the SHA-256 of the file's bytes and
of this code's version, so an edited file or a new roadmap never reads a
stale entry. The shown paths are part of the key because the cached warnings
name them: a copy of a file at another path must not report the first copy's
path. Any problem with the cache falls back to parsing: the cache
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


def cache_path(raw: bytes, shown: str = "") -> Path:
    """Where the validated curriculum of a file with bytes ``raw``, shown as ``shown``, is cached.

    ``shown`` is every path the cached warnings may name (for an overlay chain, all of them joined);
    the entry lives in the user cache dir.
    """
    import platformdirs

    from roadmap import __version__

    tail = f"|{shown}|{__version__}|{CACHE_VERSION}|{FORMAT_VERSION}".encode("utf-8", "surrogatepass")
    digest = hashlib.sha256(raw + tail).hexdigest()
    return platformdirs.user_cache_path("roadmap", appauthor=False) / f"curriculum-{digest[:32]}.pickle"


def get(raw: bytes, source: str, paths: str | None = None) -> Curriculum | None:
    """The cached curriculum for a file with bytes ``raw``, shown as ``source``; None on any miss or problem.

    ``paths`` is the key's path part (default ``source``); pass the same value to :func:`put`.
    """
    try:
        with open(cache_path(raw, source if paths is None else paths), "rb") as f:
            state = pickle.load(f)
        return _from_state(state, source)
    except Exception:  # missing, unreadable or from another version: parse instead
        return None


def put(raw: bytes, cur: Curriculum, paths: str | None = None) -> None:
    """Store ``cur`` as the validated form of a file with bytes ``raw``; written atomically, failures ignored.

    ``paths`` is the key's path part (default ``cur.source``, the path the file was shown as).
    """
    import tempfile  # only on a miss: keeps the common start-up path lean

    try:
        target = cache_path(raw, cur.source if paths is None else paths)
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
