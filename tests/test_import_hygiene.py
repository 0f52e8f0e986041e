"""Import hygiene (harlequin style): modules are imported in fresh interpreters and sys.modules inspected.

* the core never loads Textual, Rich or click;
* pure modules (planning, curriculum, the calendar, wording, the settings value type) never load SQLModel
  or SQLAlchemy;
* the faces (roadmap.cli, roadmap.tui) never import roadmap.models, sqlmodel or sqlalchemy themselves
  (checked on their source: every import statement, including those inside functions);
* deferred imports stay deferred: the CLI package loads no click until a command runs.

One fresh interpreter importing every module of a group (all core modules, all pure modules) loads at
least what any one of them loads alone, so when that interpreter loads none of the forbidden libraries,
no module of the group does; only when it does, each module is imported alone to name the culprit.
"""

from __future__ import annotations

import ast
import pathlib
import pkgutil
import subprocess
import sys

import pytest

import roadmap

PKG = pathlib.Path(roadmap.__file__).parent
ALL = sorted(m.name for m in pkgutil.walk_packages(roadmap.__path__, "roadmap.")
             if not m.name.startswith("roadmap._"))
FACES = ("roadmap.cli", "roadmap.tui")
CORE = [m for m in ALL if not m.startswith(FACES) and m != "roadmap.__main__"]
PURE = ["roadmap.planning", "roadmap.curriculum", "roadmap.days", "roadmap.wording", "roadmap.settings",
        "roadmap.status", "roadmap.durations", "roadmap.clock", "roadmap.actions.due_count"]
FACE_FILES = sorted(p for face in ("cli", "tui") for p in (PKG / face).rglob("*.py"))


def loaded_after_import(modules: tuple[str, ...], names: tuple[str, ...]) -> set[str]:
    """Which of ``names`` are in sys.modules after importing ``modules`` in one fresh interpreter."""
    code = f"import sys, {', '.join(modules)}; print(','.join(n for n in {names!r} if n in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(filter(None, out.stdout.strip().split(",")))


WATCHED = ("textual", "rich", "click", "sqlmodel", "sqlalchemy", "roadmap.models", "networkx", "fsrs")
UI = {"textual", "rich", "click"}
DATABASE_LAYER = {"sqlmodel", "sqlalchemy", "roadmap.models"}


@pytest.fixture(scope="module")
def loaded():
    """``loaded(group, module, forbidden)``: a set holding every watched library that importing ``module``
    (one of ``group``) alone loads -- the group's together when none of them is ``forbidden``, else
    exactly the module's own (fresh interpreters, each run once)."""
    runs: dict[tuple[str, ...], set[str]] = {}

    def run(modules: tuple[str, ...]) -> set[str]:
        if modules not in runs:
            runs[modules] = loaded_after_import(modules, WATCHED)
        return runs[modules]

    def bound(group: list[str], module: str, forbidden: set[str]) -> set[str]:
        assert module in group
        together = run(tuple(group))
        return run((module,)) if together & forbidden else together

    return bound


def test_modules_found():
    assert {"roadmap.curriculum", "roadmap.planning", "roadmap.review", "roadmap.store",
            "roadmap.actions.week", "roadmap.actions.skills", "roadmap.wording"} <= set(CORE)
    assert {"roadmap.cli.app", "roadmap.cli.skills", "roadmap.tui.app"} <= set(ALL)
    assert len(FACE_FILES) > 10


@pytest.mark.parametrize("module", CORE)
def test_core_module_loads_no_ui_library(module, loaded):
    assert not loaded(CORE, module, UI) & UI, f"{module} loads a UI library"


@pytest.mark.parametrize("module", PURE)
def test_pure_module_loads_no_database_layer(module, loaded):
    assert not loaded(PURE, module, DATABASE_LAYER) & DATABASE_LAYER, f"{module} loads the database layer"


def _imports(path: pathlib.Path) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
            out += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return out


@pytest.mark.parametrize("path", FACE_FILES, ids=lambda p: str(p.relative_to(PKG)))
def test_face_module_does_not_touch_the_database_layer(path):
    bad = [(line, name) for line, name in _imports(path)
           if name.split(".")[0] in ("sqlmodel", "sqlalchemy") or name == "roadmap.models"
           or name.startswith("roadmap.models.")]
    assert not bad, f"{path.name} imports {bad}: call an action of roadmap.actions instead"


def test_cli_package_defers_click_and_the_cli_defers_textual(loaded):
    assert not loaded(["roadmap.cli"], "roadmap.cli", set()) & {"click", "rich", "sqlmodel", "networkx"}
    assert not loaded(["roadmap.cli.app"], "roadmap.cli.app", set()) & {"textual", "rich", "sqlmodel", "fsrs",
                                                                           "networkx"}


def test_only_the_review_module_imports_fsrs():
    users = [p.relative_to(PKG).as_posix() for p in PKG.rglob("*.py")
             if any(name.split(".")[0] == "fsrs" for _, name in _imports(p))]
    assert users == ["review/scheduling.py"], users
