"""The core never loads Textual: each core module is imported in a fresh interpreter."""

import pkgutil
import subprocess
import sys

import pytest

import roadmap

CORE = sorted(m.name for m in pkgutil.iter_modules(roadmap.__path__, "roadmap.")
              if not m.name.startswith(("roadmap.tui", "roadmap._")))


def test_core_modules_found():
    assert {"roadmap.curriculum", "roadmap.planning", "roadmap.review", "roadmap.store", "roadmap.cli"} <= set(CORE)


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_textual(module):
    code = f"import sys, {module}; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", f"{module} imports textual"


def test_only_review_imports_fsrs():
    import pathlib

    pkg = pathlib.Path(roadmap.__file__).parent
    users = [p.relative_to(pkg).as_posix() for p in pkg.rglob("*.py")
             if "import fsrs" in p.read_text() or "from fsrs" in p.read_text()]
    assert users == ["review/scheduling.py"]
