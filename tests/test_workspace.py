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


def test_the_console_script_freezes_the_heap_once_the_curriculum_is_loaded(monkeypatch, small_path, tmp_path):
    """In the ``roadmap`` process (``runtime.FREEZE_AFTER_LOAD``) loading the curriculum moves the objects
    alive then out of the collector's generations; a library user's process (the default) is left alone."""
    import gc

    from roadmap import runtime

    assert runtime.FREEZE_AFTER_LOAD is False
    before = gc.get_freeze_count()
    Workspace(tmp_path / "a.db", small_path).curriculum  # noqa: B018
    assert gc.get_freeze_count() == before
    monkeypatch.setattr(runtime, "FREEZE_AFTER_LOAD", True)
    try:
        cur = Workspace(tmp_path / "b.db", small_path).curriculum
        assert gc.get_freeze_count() > before and "algebra" in cur.skills
    finally:
        gc.unfreeze()


def test_the_console_script_sets_the_switch(monkeypatch):
    from roadmap import cli, runtime

    monkeypatch.setattr(runtime, "FREEZE_AFTER_LOAD", False)
    monkeypatch.setattr("sys.argv", ["roadmap", "--version"])
    try:
        cli.main()
    except SystemExit as e:
        assert e.code == 0
    assert runtime.FREEZE_AFTER_LOAD is True
