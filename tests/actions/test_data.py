"""Data in and out (roadmap.actions.data): export/import round trip, the graph, safe output files."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from roadmap.actions import data
from roadmap.errors import RoadmapError
from roadmap.progress import load_statuses, set_status
from roadmap.settings import Settings
from roadmap.status import Status
from roadmap.transfer import TransferError
from roadmap.workspace import Workspace

from conftest import NOW, migrated_copy


def test_an_export_imports_into_an_empty_database_once(ws, tmp_path, request, small_path):
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW - timedelta(days=3),
                   settings=Settings(timezone="UTC"))
    doc = data.export_json(ws, now=NOW)
    path = tmp_path / "export.json"
    data.write_file(str(path), json.dumps(doc).encode())
    other = Workspace(migrated_copy(request, tmp_path / "other.db"), small_path)
    try:
        added = data.import_file(other, str(path), now=NOW)
        assert sum(added.values()) > 0
        with other.read() as s:
            assert load_statuses(s, other.curriculum) == {"algebra": Status.LEARNED}
        assert sum(data.import_file(other, str(path), now=NOW).values()) == 0  # importing twice adds nothing
    finally:
        other.close()


def test_a_bad_or_future_file_is_refused_naming_it_and_nothing_is_written(ws, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(TransferError, match="bad.json"):
        data.import_file(ws, str(bad))
    with pytest.raises(TransferError, match="cannot read"):
        data.import_file(ws, str(tmp_path / "missing.json"))
    with ws.write() as s:
        set_status(s, ws.curriculum, ["algebra"], Status.LEARNED, now=NOW + timedelta(days=5),
                   settings=Settings(timezone="UTC"))
    future = tmp_path / "future.json"
    future.write_text(json.dumps(data.export_json(ws, now=NOW + timedelta(days=5))))
    with pytest.raises(TransferError, match="future.json"):
        data.import_file(ws, str(future), now=NOW)


def test_the_graph_draws_all_skills_or_those_around_a_focus(ws):
    whole = data.graph(ws, now=NOW)
    assert whole.skills == len(ws.curriculum.skills) and "algebra" in whole.text and "-->" in whole.text
    dot = data.graph(ws, now=NOW, fmt="dot", focus="bayes")
    assert dot.text.lstrip().startswith("digraph") and "bayes" in dot.text and "backprop" not in dot.text
    assert dot.skills < whole.skills


def test_write_file_refuses_the_database_and_its_companions(tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    db = tmp_path / "roadmap.db"
    db.write_bytes(b"precious")
    for target in (db, tmp_path / "roadmap.db-wal", tmp_path / "roadmap.db.bak"):
        with pytest.raises(RoadmapError, match="refusing to write over the database"):
            data.write_file(str(target), b"x", database=db)
    assert db.read_bytes() == b"precious"
    with pytest.raises(RoadmapError, match="directory"):
        data.write_file(str(tmp_path), b"x")
    out = tmp_path / "out.txt"
    data.write_file(str(out), b"one")
    data.write_file(str(out), b"two")
    assert out.read_text() == "two" and sorted(p.name for p in tmp_path.iterdir()) == ["out.txt", "roadmap.db"]
