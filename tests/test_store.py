"""The database file: migrations, backups, refusals, permissions."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import roadmap.models  # noqa: F401
from roadmap.models import in_models
from roadmap import store
from roadmap.store import StoreError, open_database


def test_one_head_and_the_code_knows_it():
    script = ScriptDirectory.from_config(store._alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
    assert script.get_current_head() == store.SCHEMA_HEAD


def test_upgrade_from_empty_equals_models(db_path):
    engine = open_database(db_path)
    with engine.connect() as conn:
        diff = compare_metadata(
                MigrationContext.configure(conn, opts={"include_object": in_models}), SQLModel.metadata)
    assert diff == []
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def test_database_is_owner_only(db_path):
    open_database(db_path).dispose()
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600


def _upgrade_to(db_path, rev):
    from alembic import command

    cfg = store._alembic_config(f"sqlite:///{db_path}")
    command.upgrade(cfg, rev)


def test_first_revision_rows_survive_upgrade_with_backup(db_path):
    _upgrade_to(db_path, "0001")
    con = sqlite3.connect(db_path)
    con.execute("INSERT INTO skill_progress VALUES ('algebra', 'learned', NULL, '2026-01-01 10:00:00.000000', NULL,"
                " '2026-01-01 10:00:00.000000')")
    con.execute("INSERT INTO setting VALUES ('weekly_hours', '\"12\"')")
    con.commit()
    con.close()
    engine = open_database(db_path)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT skill_id, status, learned_at FROM skill_progress").all()
        assert rows == [("algebra", "learned", "2026-01-01 10:00:00.000000")]
        assert conn.exec_driver_sql("SELECT count(*) FROM review_card").scalar() == 0
    engine.dispose()
    backups = store.list_backups(db_path)
    assert len(backups) == 1 and stat.S_IMODE(os.stat(backups[0]).st_mode) == 0o600
    con = sqlite3.connect(backups[0])
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    con.close()


def test_backups_keep_last_five(db_path):
    open_database(db_path).dispose()
    from datetime import UTC, datetime, timedelta

    t = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(8):
        store.backup(db_path, t + timedelta(seconds=i))
    assert len(store.list_backups(db_path)) == store.BACKUPS_KEPT


def test_newer_database_refused_untouched(db_path):
    open_database(db_path).dispose()
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="newer version of roadmap"):
        open_database(db_path)
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("content,match", [
    (b"\x00\xff garbage" * 100, "not an SQLite database"),
    (b"weekly_hours = 3\n", "not an SQLite database"),
])
def test_not_a_database_refused_untouched(tmp_path, content, match):
    p = tmp_path / "x.db"
    p.write_bytes(content)
    with pytest.raises(StoreError, match=match):
        open_database(p)
    assert p.read_bytes() == content


def test_empty_file_becomes_a_new_database(tmp_path):
    # SQLite leaves a 0-byte file for a moment while another process creates the
    # database; a process that finds one waits for the creator instead of refusing it.
    p = tmp_path / "x.db"
    p.write_bytes(b"")
    open_database(p).dispose()
    con = sqlite3.connect(p)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (store.SCHEMA_HEAD,)
    con.close()


def test_missing_directory_and_directory_path(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        open_database(tmp_path / "nope" / "x.db")
    with pytest.raises(StoreError, match="is a directory"):
        open_database(tmp_path)


def test_failed_upgrade_restores_backup(db_path, monkeypatch):
    _upgrade_to(db_path, "0001")
    from alembic import command

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(command, "upgrade", boom)
    with pytest.raises(StoreError, match="restored from the backup"):
        open_database(db_path)
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()


def test_default_path_uses_env_and_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("ROADMAP_DB", str(tmp_path / "a.db"))
    assert store.default_path() == tmp_path / "a.db"
    monkeypatch.delenv("ROADMAP_DB")
    assert store.default_path().name == "roadmap.db" and "roadmap" in str(store.default_path().parent)


def test_read_only_database_even_as_root(db_path, monkeypatch):
    open_database(db_path).dispose()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if (mode & os.W_OK and str(p) == str(db_path))
                        else real(p, mode))
    with pytest.raises(StoreError, match="read-only"):
        open_database(db_path)


def _dbapi(cfg):
    return cfg.attributes["connection"].connection.dbapi_connection


def test_nobody_writes_between_the_backup_and_the_upgrade(db_path, monkeypatch):
    _upgrade_to(db_path, "0001")
    from alembic import command

    real_upgrade = command.upgrade
    seen = []

    def upgrade_after_a_write_attempt(cfg, rev):
        other = sqlite3.connect(db_path, timeout=0.05)
        try:
            other.execute("INSERT INTO setting VALUES ('weekly_hours', '\"3\"')")
            other.commit()
            seen.append("written")
        except sqlite3.OperationalError as e:
            seen.append(str(e))
        finally:
            other.close()
        real_upgrade(cfg, rev)

    monkeypatch.setattr(command, "upgrade", upgrade_after_a_write_attempt)
    open_database(db_path).dispose()
    assert seen == ["database is locked"]


def test_failed_upgrade_is_not_restored_over_writes_made_after_the_backup(db_path, monkeypatch):
    _upgrade_to(db_path, "0001")
    from alembic import command

    def commit_let_another_program_write_then_fail(cfg, rev):
        _dbapi(cfg).execute("COMMIT")  # a migration that commits half-way (none of ours does)
        other = sqlite3.connect(db_path)
        other.execute("INSERT INTO setting VALUES ('weekly_hours', '\"3\"')")
        other.commit()
        other.close()
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(command, "upgrade", commit_let_another_program_write_then_fail)
    with pytest.raises(StoreError, match="was not copied over it") as err:
        open_database(db_path)
    assert "restored" not in str(err.value)
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT value FROM setting").fetchall() == [('"3"',)]
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    assert len(store.list_backups(db_path)) == 1


def test_failed_upgrade_that_committed_half_way_is_restored_through_sqlite(db_path, monkeypatch):
    _upgrade_to(db_path, "0001")
    con = sqlite3.connect(db_path)
    con.execute("INSERT INTO setting VALUES ('weekly_hours', '\"12\"')")
    con.commit()
    con.close()
    from alembic import command

    real_upgrade = command.upgrade

    def upgrade_commit_then_fail(cfg, rev):
        real_upgrade(cfg, rev)
        dbapi = _dbapi(cfg)
        dbapi.execute("DELETE FROM setting")
        dbapi.execute("COMMIT")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(command, "upgrade", upgrade_commit_then_fail)
    reader = sqlite3.connect(db_path)  # another process with the database open throughout
    reader.execute("PRAGMA journal_mode = WAL")
    with pytest.raises(StoreError, match="restored from the backup"):
        open_database(db_path)
    for con in (reader, sqlite3.connect(db_path)):
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert con.execute("SELECT * FROM setting").fetchall() == [("weekly_hours", '"12"')]
        assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'review_card'").fetchone() == (0,)
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        con.close()
    monkeypatch.setattr(command, "upgrade", real_upgrade)
    open_database(db_path).dispose()  # and a later start upgrades it


def test_a_start_waits_for_the_schema_lock_and_gives_up_clearly(db_path, monkeypatch):
    monkeypatch.setattr(store, "LOCK_TIMEOUT_S", 0.2)
    with store.schema_lock(db_path):  # another process creating the database
        with pytest.raises(StoreError, match="creating or upgrading"):
            open_database(db_path)
    assert not db_path.exists()
    open_database(db_path).dispose()
    with store.schema_lock(db_path):  # at head: opening takes no lock
        open_database(db_path).dispose()
