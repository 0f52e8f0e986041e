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
    """Read and validate a curriculum file, or an overlay and the chain it extends
    (see :mod:`roadmap.curriculum.overlay`).

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
    raw = read(p, shown)
    from roadmap.curriculum import overlay

    if overlay.may_extend(raw):
        return overlay.load_file(p, shown, raw)
    return plain(raw, shown)


def read(p: Path, shown: str) -> bytes:
    """The bytes of curriculum file ``p`` (shown as ``shown``). Raises CurriculumError if it cannot be read."""
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise CurriculumError([Problem(shown, None, None, "no such file; check the path")]) from None
    except IsADirectoryError:
        raise CurriculumError([Problem(shown, None, None, "is a directory, not a curriculum TOML file")]) from None
    except OSError as e:
        raise CurriculumError([Problem(shown, None, None, f"cannot be read: {e.strerror}")]) from None


def decode(raw: bytes, shown: str) -> str:
    """The text of a curriculum file's bytes. Raises CurriculumError if they are not UTF-8."""
    try:
        return raw.decode("utf-8-sig")  # a BOM, as some editors on Windows write, is fine
    except UnicodeDecodeError as e:
        raise CurriculumError([Problem(shown, None, None, f"the file is not UTF-8 text ({e.reason} at byte "
                                                          f"{e.start}); save it as UTF-8")]) from None


def plain(raw: bytes, shown: str, text: str | None = None) -> Curriculum:
    """Validate the bytes of a curriculum file that extends nothing, through the cache. Raises CurriculumError."""
    cached = cache.get(raw, shown)
    if cached is not None:
        return cached
    cur = parse(text if text is not None else decode(raw, shown), shown)
    cache.put(raw, cur)
    return cur


def toml(text: str, source: str) -> dict:
    """``text`` parsed as TOML. Raises CurriculumError naming the line and column of a syntax error."""
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise CurriculumError([Problem(source, None, None, "not valid TOML: values are nested too deeply")]) from None
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
        msg = re.sub(r"\s*\(at end of document\)", " at the end of the document", msg)
        raise CurriculumError([Problem(source, line, col, f"not valid TOML: {msg}")]) from None


def parse(text: str, source: str = "<string>") -> Curriculum:
    """Validate curriculum TOML text; see :func:`load`. Raises CurriculumError.

    The text must be a plain curriculum: an overlay (``extends``) names files, so load it with :func:`load`.
    """
    from roadmap.curriculum.validator import Validator  # not needed when the cache answers

    data = toml(text, source)
    if "extends" in data:
        raise CurriculumError([Problem(source, None, None, "extends another curriculum; load the file with "
                                                            "roadmap.curriculum.load(path)")])
    return Validator(text, source).validate(data)
