"""roadmap graph: DOT and Mermaid coloured by status, with a focus."""

from __future__ import annotations

import re

from roadmap import curriculum as cm
from roadmap import graph_export as ge
from roadmap.models import Status

from conftest import SMALL


def test_states():
    cur = cm.load(SMALL)
    st = ge.node_states(cur, {"algebra": Status.LEARNED, "calculus": Status.LEARNED, "probability": Status.SKIPPED,
                              "bayes": Status.IN_PROGRESS}, fading=["calculus"])
    assert st == {"algebra": "learned", "calculus": "fading", "probability": "skipped", "regression": "ready",
                  "backprop": "locked", "bayes": "in_progress"}


def test_focus_keeps_prerequisites_and_dependents():
    cur = cm.load(SMALL)
    assert ge.focus_nodes(cur, "regression") == ["algebra", "calculus", "regression", "backprop"]


def test_cli_mermaid_and_dot(run, tmp_path):
    run("learn", "algebra")
    r = run("graph", "--focus", "regression")
    assert r.exit_code == 0 and r.output.startswith("flowchart LR")
    assert 's_algebra["✓ Linear algebra"]:::learned' in r.output
    assert "s_algebra --> s_regression" in r.output and "probability" not in r.output
    out = tmp_path / "g.dot"
    assert run("graph", "--format", "dot", "-o", str(out)).exit_code == 0
    dot = out.read_text()
    assert dot.startswith("digraph roadmap {") and dot.count("->") == 4
    assert re.search(r'"calculus" \[label="○ Calculus"', dot)
    assert run("graph", "--focus", "nope").exit_code == 2
