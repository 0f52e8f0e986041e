"""Shared fixtures: a small hand-made curriculum, a workspace on a temporary
database, a frozen clock, and a CLI runner with a clean environment."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from roadmap.workspace import Workspace

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small.toml"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)  # a Sunday


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    """No test reads the developer's data, time zone or clock by accident."""
    for var in ("ROADMAP_DB", "ROADMAP_CURRICULUM", "ROADMAP_NOW", "NO_COLOR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture
def small_path(tmp_path) -> Path:
    """A copy of tests/data/small.toml in tmp_path (tests may edit it)."""
    p = tmp_path / "small.toml"
    shutil.copy(SMALL, p)
    return p


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "roadmap.db"


@pytest.fixture
def ws(db_path, small_path) -> Workspace:
    """A workspace on the small curriculum and a fresh database."""
    w = Workspace(db_path, small_path)
    yield w
    w.close()


@pytest.fixture
def run(db_path, small_path, monkeypatch):
    """Run the CLI: run("learn", "algebra", now=...) -> click Result (exit code, output)."""
    from roadmap.cli import cli

    def _run(*args: str, now: datetime | str | None = NOW, curriculum: Path | None = small_path, db=db_path,
             input: str | None = None):
        env = {"ROADMAP_DB": str(db) if db else None,
               "ROADMAP_CURRICULUM": str(curriculum) if curriculum else None,
               "ROADMAP_NOW": now.isoformat() if isinstance(now, datetime) else now}
        runner = CliRunner()
        return runner.invoke(cli, list(args), env=env, catch_exceptions=False, input=input)

    return _run


def as_json(result) -> object:
    """Parse a CLI result's stdout as JSON (asserting success first)."""
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
