"""The career ladder both faces list: stages first, concrete milestones under their stage, missing skills."""

from __future__ import annotations

from roadmap.actions.ladder import ladder, ladder_order, missing_skills
from roadmap.curriculum import loader as cm
from roadmap.status import Status

from conftest import NOW, both_engines

pytestmark = both_engines  # storage tests: each runs on an SQLite file and on PostgreSQL

LADDER = """
[[milestone]]
id = "loose"
name = "Outside any stage"
requires = ["bayes"]

[[milestone]]
id = "senior"
name = "Senior"
level = 2
requires = ["backprop"]

[[milestone]]
id = "entry"
name = "Entry"
level = 1
requires = ["regression"]
deliverable = "A regression notebook."

[[milestone]]
id = "ship"
name = "Ship it"
stage = "entry"
requires = ["regression"]
"""


def with_ladder(small_path):
    text = small_path.read_text()
    text = text[: text.index("[[milestone]]")] + LADDER
    small_path.write_text(text)
    return cm.load(small_path)


def test_stages_first_concrete_milestones_under_their_stage(small_path):
    cur = with_ladder(small_path)
    assert [(m.id, depth) for m, depth in ladder_order(cur)] == [("entry", 0), ("ship", 1), ("senior", 0),
                                                                   ("loose", 0)]


def test_missing_skills_in_study_order(ws):
    cur = ws.curriculum
    assert missing_skills(cur, {}, "basics") == ("algebra", "calculus", "regression")
    assert missing_skills(cur, {"algebra": Status.LEARNED, "calculus": Status.SKIPPED}, "basics") == ("regression",)


def test_ladder_carries_deliverable_and_forecast(ws):
    rows = ladder(ws, now=NOW)
    assert [r.milestone.id for r in rows] == ["basics", "all"]
    assert rows[0].forecast.progress.required == 3 and rows[0].missing[-1] == "regression"


def test_cli_milestones_shows_ids_and_says_when_there_are_none(run, small_path):
    r = run("milestones")
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert lines[0].split()[:2] == ["id", "milestone"]
    assert lines[1].startswith("basics ") and lines[2].startswith("all ")
    text = small_path.read_text()
    small_path.write_text(text[: text.index("[[milestone]]")])
    r = run("milestones")
    assert r.exit_code == 0 and r.output.startswith("No milestones")


def test_cli_milestones_ladder_with_stages(run, small_path):
    with_ladder(small_path)
    r = run("milestones")
    assert r.exit_code == 0
    ids = [line.split("  ")[0] if not line.startswith("  ") else line.split()[0] for line in r.output.splitlines()[1:]]
    assert [i.strip() for i in ids] == ["entry", "ship", "senior", "loose"]
    data = __import__("json").loads(run("milestones", "--format", "json").stdout)
    assert data[0]["deliverable"] == "A regression notebook." and data[0]["missing"][-1] == "regression"


def test_missing_agrees_with_done_of_total_on_the_bundled_ladder(tmp_path):
    """12 skills learned: each milestone misses exactly total - done skills; a later stage (cumulative)
    never misses fewer than an earlier one, with and without the elective track Senior requires."""
    import networkx as nx

    from roadmap import settings_store
    from roadmap.actions.skills import set_status
    from roadmap.curriculum.loader import bundled_path
    from roadmap.workspace import Workspace

    ws = Workspace(tmp_path / "b.db", bundled_path())
    try:
        learned = list(nx.topological_sort(ws.curriculum.graph))[:12]
        set_status(ws, learned, Status.LEARNED, now=NOW, force=True)
        for tracks in ((), tuple(ws.curriculum.tracks)[:1]):
            if tracks:
                with ws.write() as s:
                    settings_store.set_value(s, "tracks", ",".join(tracks))
            rows = ladder(ws, now=NOW)
            for r in rows:
                p = r.forecast.progress
                assert len(r.missing) == p.required - p.done, r.milestone.id
            stages = [len(r.missing) for r in rows if r.milestone.level is not None]
            assert stages == sorted(stages) and len(stages) >= 3
    finally:
        ws.close()
