"""A short run of the load harness (benchmarks/pg_load.py): concurrent learners writing reviews and study
time through the actions lose or duplicate no write and surface no error, on PostgreSQL and on SQLite."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parent.parent / "benchmarks" / "pg_load.py"


def _harness():
    spec = importlib.util.spec_from_file_location("pg_load", HARNESS)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_no_lost_or_duplicated_writes(engine, request):
    server = request.getfixturevalue("pg_server") if engine == "postgresql" else None
    r = _harness().run(engine, learners=6, processes=3, seconds=3, server=server)
    assert r["writes"] > 0 and r["reviews"] > 0 and r["study_sessions"] > 0
    assert (r["lost"], r["duplicated"], r["errors"]) == (0, 0, 0), r["error_kinds"]
