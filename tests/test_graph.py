"""roadmap graph: DOT and Mermaid coloured by status, with a focus."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

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


def renamed(cur: cm.Curriculum, skill_id: str, name: str) -> cm.Curriculum:
    """A copy of ``cur`` with one skill renamed (names the validator would refuse included)."""
    return replace(cur, skills={**cur.skills, skill_id: replace(cur.skills[skill_id], name=name)})


NAMES = ['Generics: List<T>', 'C# & F#', 'Entities &amp; #quot; #35;', 'Say "hi"', 'back\\slash\\',
         'two\nlines', 'crlf\r\nend', '`code`']


def mermaid_label(text: str, node: str) -> str:
    """The label of ``node`` in Mermaid text, decoded as Mermaid decodes entity codes."""
    m = re.search(rf'^    {node}\["(.*)"\]:::\w+$', text, re.M)
    assert m, text
    label = m.group(1)
    assert '"' not in label and "<" not in label.replace("<br>", "") and ">" not in label.replace("<br>", "")
    label = label.replace("<br>", "\n")
    named = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
    return re.sub(r"#(\w+);", lambda e: named[e.group(1)] if e.group(1) in named else chr(int(e.group(1))),
                  label)


def dot_label(text: str, node: str) -> str:
    """The label of ``node`` in DOT text, with DOT's escapes undone (``\\n`` is a line break)."""
    m = re.search(rf'^    "{node}" \[label="((?:[^"\\\n]|\\.)*)", color=', text, re.M)
    assert m, text
    return re.sub(r"\\(.)", lambda e: "\n" if e.group(1) == "n" else e.group(1), m.group(1))


@pytest.mark.parametrize("name", NAMES)
def test_mermaid_label_shows_the_name_as_written(name):
    cur = renamed(cm.load(SMALL), "calculus", name)
    text = ge.to_mermaid(cur, ge.node_states(cur, {}), list(cur.skills))
    expected = "○ " + "\n".join(name.splitlines())
    assert mermaid_label(text, "s_calculus") == expected
    assert len(text.splitlines()) == len(ge.to_mermaid(cm.load(SMALL), ge.node_states(cur, {}),
                                                       list(cur.skills)).splitlines())


def test_mermaid_encodes_the_example_of_the_issue():
    cur = renamed(cm.load(SMALL), "calculus", "Generics: List<T>")
    text = ge.to_mermaid(cur, ge.node_states(cur, {}), list(cur.skills))
    assert 's_calculus["○ Generics: List#lt;T#gt;"]:::ready' in text


@pytest.mark.parametrize("name", NAMES)
def test_dot_label_shows_the_name_as_written(name):
    cur = renamed(cm.load(SMALL), "calculus", name)
    text = ge.to_dot(cur, ge.node_states(cur, {}), list(cur.skills))
    assert dot_label(text, "calculus") == "○ " + "\n".join(name.splitlines())


def test_category_names_are_encoded_too():
    cur = cm.load(SMALL)
    cur = replace(cur, categories=tuple(replace(c, name=c.name + ' <"x"> #1') for c in cur.categories))
    mm = ge.to_mermaid(cur, ge.node_states(cur, {}), list(cur.skills))
    assert '["Mathematics #lt;#quot;x#quot;#gt; #35;1"]' in mm
    dot = ge.to_dot(cur, ge.node_states(cur, {}), list(cur.skills))
    assert 'label="Mathematics <\\"x\\"> #1";' in dot


def test_cli_graph_prints_names_as_written(run, small_path):
    small_path.write_text(small_path.read_text().replace('name = "Calculus"', 'name = "Generics: List<T> & #1"'))
    r = run("graph")
    assert r.exit_code == 0 and 's_calculus["○ Generics: List#lt;T#gt; #amp; #35;1"]:::ready' in r.output
    r = run("graph", "--format", "dot")
    assert r.exit_code == 0 and '"calculus" [label="○ Generics: List<T> & #1"' in r.output


def test_the_readme_graph_is_the_commands_output(run, tmp_path):
    """The mermaid graph the README shows is what `roadmap graph --focus transformers` prints on the
    bundled curriculum after `roadmap learn linear-algebra calculus python` (regenerate it when this fails)."""
    from pathlib import Path

    from roadmap.curriculum.loader import bundled_path

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    marker = "after `roadmap learn linear-algebra calculus python`"
    assert marker in readme
    shown = readme[readme.index("```mermaid\n", readme.index(marker)) + len("```mermaid\n"):]
    shown = shown[:shown.index("```\n")]
    db = tmp_path / "g.db"
    assert run("learn", "linear-algebra", "calculus", "python", curriculum=bundled_path(), db=db).exit_code == 0
    r = run("graph", "--focus", "transformers", curriculum=bundled_path(), db=db)
    assert r.exit_code == 0 and r.output == shown
