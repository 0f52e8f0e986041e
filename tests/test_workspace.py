"""roadmap.workspace: which files a command uses, opened lazily."""

from pathlib import Path

from roadmap.workspace import Workspace


def test_paths_come_from_arguments_then_environment(tmp_path, monkeypatch, small_path):
    monkeypatch.setenv("ROADMAP_CURRICULUM", str(small_path))
    assert Workspace().curriculum_path == small_path
    other = tmp_path / "other.toml"
    assert Workspace(curriculum=other).curriculum_path == other
    assert Workspace(db="~/x.db").db_path == Path("~/x.db").expanduser()


def test_opening_is_lazy(tmp_path, small_path):
    db = tmp_path / "lazy.db"
    ws = Workspace(db, small_path)
    assert set(ws.curriculum.skills)  # reading the curriculum never creates the database
    assert not db.exists()
    assert ws.settings().daily_review_cap > 0  # the first read creates and migrates it
    assert db.exists()
    ws.close()
