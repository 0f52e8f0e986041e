"""The README's commands work as written from the root of a fresh clone after a
non-editable ``pip install .``.

There the source tree's ``roadmap/`` comes first on ``sys.path`` (``python -m``
puts the working directory there) and shadows the installed package, so the
bundled curriculum and migrations, which the wheel ships as
``roadmap._curriculum`` and ``roadmap._migrations``, must also be found in the
checkout's top-level ``curriculum/`` and ``migrations/`` folders.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clone_and_python(tmp_path_factory) -> tuple[Path, Path]:
    """(a copy of the repository's sources like a fresh clone, the python of a venv with it pip-installed).

    The venv reuses the test environment's dependencies through a ``.pth`` line (no download) and
    gets roadmap itself with a plain, non-editable ``pip install``.
    """
    tmp = tmp_path_factory.mktemp("install")
    clone = tmp / "roadmap"
    shutil.copytree(REPO, clone, ignore=shutil.ignore_patterns(
        ".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis",
        "*.db", "*.db-wal", "*.db-shm", "out"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "test-deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
                        str(clone)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    installed = subprocess.run([str(python), "-c", "import roadmap, roadmap._curriculum; print(roadmap.__file__)"],
                               cwd=tmp, capture_output=True, text=True, check=True).stdout
    assert Path(installed.strip()).is_relative_to(site)  # away from the clone, the installed package is used
    return clone, python


def _env(tmp_path: Path) -> dict[str, str]:
    # PYTHONPATH would bring the test's roadmap, PYTHONSAFEPATH would keep the clone off sys.path
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ROADMAP_") and k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH")}
    env.update(XDG_DATA_HOME=str(tmp_path / "data"), XDG_CACHE_HOME=str(tmp_path / "cache"), TZ="UTC")
    return env


def test_python_m_roadmap_from_the_repository_root(clone_and_python, tmp_path):
    clone, python = clone_and_python
    env = _env(tmp_path)
    shadowed = subprocess.run([str(python), "-c", "import roadmap; print(roadmap.__file__)"], cwd=clone, env=env,
                              capture_output=True, text=True, check=True).stdout
    assert Path(shadowed.strip()).is_relative_to(clone)  # the situation this test is about
    r = subprocess.run([str(python), "-m", "roadmap", "validate"], cwd=clone, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert ": ok — " in r.stdout
    env["ROADMAP_DB"] = str(tmp_path / "roadmap.db")  # a new database: created through the migrations
    for args in (["learn", "python"], ["status"]):
        r = subprocess.run([str(python), "-m", "roadmap", *args], cwd=clone, env=env, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr


def test_benchmark_from_the_repository_root(clone_and_python, tmp_path):
    # The README's benchmark command, on its smallest data set (--smoke): the same script, imports
    # and dataset building as ``--quick``, in seconds instead of minutes.
    clone, python = clone_and_python
    r = subprocess.run([str(python), "benchmarks/run.py", "--smoke"], cwd=clone, env=_env(tmp_path),
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    for what in ("validate", "status", "due", "week", "learn", "review", "tui first paint"):
        assert f"| bundled + 30 days | `{what}` |" in r.stdout, r.stdout
