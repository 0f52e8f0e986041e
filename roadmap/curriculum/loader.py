"""Reading a curriculum: a TOML file (or text) -> a validated :class:`Curriculum`.

Loading never raises anything but :class:`CurriculumError`, which carries
every problem found. Validated curricula are cached by content (see
:mod:`roadmap.curriculum.cache`).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from roadmap.curriculum import cache
from roadmap.curriculum.model import Curriculum, CurriculumError, Problem

BUNDLED_NAME = "skills_graph.toml"


def bundled_path() -> Path:
    """Path of the curriculum shipped with roadmap.

    An installed roadmap has it inside the package (``roadmap._curriculum``, read
    through :mod:`importlib.resources`). In a source checkout that package does not
    exist (the wheel maps the top-level ``curriculum/`` folder to it), so the
    checkout's ``curriculum/skills_graph.toml`` is used; this also covers the source
    tree shadowing an installed roadmap when run from the repository root.
    """
    from importlib import resources

    try:
        return Path(str(resources.files("roadmap._curriculum") / BUNDLED_NAME))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "curriculum" / BUNDLED_NAME


def load(path: str | Path | None = None) -> Curriculum:
    """Read and validate a curriculum file.

    Parameters
    ----------
    path : str or Path, optional
        The TOML file; the bundled curriculum when None.

    Returns
    -------
    Curriculum

    Raises
    ------
    CurriculumError
        If the file cannot be read, is not TOML, or breaks any rule of the
        format; ``problems`` lists them all.
    """
    p = Path(path) if path is not None else bundled_path()
    shown = str(path) if path is not None else str(p)
    try:
        raw = p.read_bytes()
        cached = cache.get(raw, shown)
        if cached is not None:
            return cached
        text = raw.decode("utf-8-sig")  # a BOM, as some editors on Windows write, is fine
    except FileNotFoundError:
        raise CurriculumError([Problem(shown, None, None, "no such file; check the path")])
    except IsADirectoryError:
        raise CurriculumError([Problem(shown, None, None, "is a directory, not a curriculum TOML file")])
    except UnicodeDecodeError as e:
        raise CurriculumError([Problem(shown, None, None, f"the file is not UTF-8 text ({e.reason} at byte {e.start}); "
                                                          "save it as UTF-8")])
    except OSError as e:
        raise CurriculumError([Problem(shown, None, None, f"cannot be read: {e.strerror}")])
    cur = parse(text, shown)
    cache.put(raw, cur)
    return cur


def parse(text: str, source: str = "<string>") -> Curriculum:
    """Validate curriculum TOML text; see :func:`load`. Raises CurriculumError."""
    from roadmap.curriculum.validator import Validator  # not needed when the cache answers

    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise CurriculumError([Problem(source, None, None, "not valid TOML: values are nested too deeply")]) from None
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
        msg = re.sub(r"\s*\(at end of document\)", " at the end of the document", msg)
        raise CurriculumError([Problem(source, line, col, f"not valid TOML: {msg}")])
    return Validator(text, source).validate(data)
