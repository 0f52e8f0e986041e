"""The curriculum loader: the bundled file, and one test per kind of problem."""

from __future__ import annotations

import re
import tomllib

import networkx as nx
import pytest

from roadmap import curriculum as cm
from roadmap.curriculum import CurriculumError

from conftest import SMALL

SKILL = '''
[[skill]]
id = "{id}"
name = "Skill {id}"
category = "{category}"
hours = 2
requires = [{requires}]
description = "About {id}."
checks = ["Explain {id}.", "Apply {id}."]
resources = [{{ title = "Book", url = "https://example.org/{id}" }}]
'''


def doc(*skills: str, milestones: str = "", head: str = 'format = 1\n[[category]]\nid = "c"\nname = "C"\n') -> str:
    return head + "".join(skills) + milestones


def skill(id: str, requires: str = "", category: str = "c") -> str:
    return SKILL.format(id=id, requires=requires, category=category)


def problems(text: str) -> list[cm.Problem]:
    with pytest.raises(CurriculumError) as e:
        cm.parse(text, "x.toml")
    return e.value.problems


def test_bundled_curriculum_is_valid_and_complete():
    cur = cm.load()
    assert len(cur.skills) >= 60
    assert len(cur.categories) >= 8
    assert nx.is_directed_acyclic_graph(cur.graph)
    for s in cur.skills.values():
        assert s.description and len(s.checks) >= 2 and s.resources, s.id
        assert all(r.url.startswith("http") for r in s.resources)
    ids = {m.id for m in cur.milestones}
    assert {"entry-level", "mid-career", "senior"} <= ids
    assert len(ids) >= 6
    # Real pedagogical prerequisites, as the issue names them.
    anc = lambda s: nx.ancestors(cur.graph, s)  # noqa: E731
    assert {"linear-algebra", "calculus"} <= anc("neural-network-basics")
    assert "attention" in anc("transformers") and "transformers" in anc("llm-pretraining")


def test_bundled_curriculum_gives_every_skill_with_prerequisites_its_own_weights():
    """Graph credit: each skill says what its reviews exercise (an empty table: nothing), so the
    per-edge default never applies to the bundled curriculum; no weight exceeds 0.35, since credit
    reaches all of a prerequisite's checks and a high weight would let the unexercised ones fade."""
    raw = tomllib.loads(cm.bundled_path().read_text(encoding="utf-8"))
    unweighted = [t["id"] for t in raw["skill"] if t["requires"] and "encompasses" not in t]
    assert unweighted == []
    cur = cm.load()
    assert all(s.encompasses is not None for s in cur.skills.values() if s.requires)
    weights = {(s.id, p): w for s in cur.skills.values() for p, w in (s.encompasses or {}).items()}
    assert weights and all(0 < w <= 1 for w in weights.values())
    too_strong = {edge: w for edge, w in weights.items() if w > 0.35}
    assert too_strong == {}


def test_bundled_curriculum_covers_the_seed_families():
    cur = cm.load()
    names = " ".join(f"{s.id} {s.name}".lower() for s in cur.skills.values())
    for word in ["linear-algebra", "calculus", "probability", "statistics", "optimization", "learning-theory",
                 "python", "algorithms", "numpy", "pandas", "sql", "pyspark", "aws", "pytorch", "tensorflow",
                 "cnn", "transformer", "reinforcement", "natural-language", "vision", "reproducib", "distributed", "docker",
                 "infrastructure", "drift", "fairness", "interpretab", "privacy", "mentor", "stakeholder",
                 "radar", "transport", "drug", "anomaly"]:
        assert word in names, word


def test_small_curriculum_loads():
    cur = cm.load(SMALL)
    assert list(cur.skills)[:2] == ["algebra", "calculus"]
    assert cur.skills["regression"].requires == ("algebra", "calculus")
    assert cur.milestone_skills("basics") == {"regression", "algebra", "calculus"}
    assert cm.summary(cur) == {"skills": 6, "prerequisites": 4, "categories": 2, "milestones": 2}


def test_toml_syntax_error_has_line_and_column():
    (p,) = problems(doc(skill("a")) + "\n[[skill]\n")
    assert p.line == 16 and p.column is not None
    assert re.match(r"x\.toml:16:\d+: not valid TOML", str(p))


def test_missing_file():
    with pytest.raises(CurriculumError, match="no such file"):
        cm.load("/nonexistent/c.toml")


def test_missing_field():
    text = doc(skill("a").replace('hours = 2\n', ''))
    (p,) = problems(text)
    assert "has no 'hours'" in p.message and p.line == 6


def test_mistyped_field():
    (p,) = problems(doc(skill("a").replace("hours = 2", 'hours = "two"')))
    assert "'hours' of skill a must be a number" in p.message and p.line == 10


def test_duplicate_id():
    ps = problems(doc(skill("a"), skill("a")))
    assert any("duplicate skill id 'a'" in p.message for p in ps)


def test_unknown_prerequisite_suggests_closest():
    (p,) = problems(doc(skill("linear-algebra"), skill("b", '"linear-algebr"')))
    assert "requires unknown skill 'linear-algebr'; did you mean 'linear-algebra'?" in p.message
    assert p.line is not None and p.column is not None


def test_self_loop():
    (p,) = problems(doc(skill("a", '"a"')))
    assert "requires itself" in p.message


def test_cycle_printed_as_path():
    (p,) = problems(doc(skill("a", '"c"'), skill("b", '"a"'), skill("c", '"b"')))
    assert "prerequisite cycle: a -> b -> c -> a" in p.message


def test_unknown_category():
    (p,) = problems(doc(skill("a", category="cc")))
    assert "unknown category 'cc'; did you mean 'c'?" in p.message


def test_unknown_milestone_skill():
    ms = '[[milestone]]\nid = "m"\nname = "M"\nrequires = ["a", "zz"]\n'
    (p,) = problems(doc(skill("a"), milestones=ms))
    assert "milestone m requires unknown skill 'zz'" in p.message


def test_unknown_key_is_reported_with_suggestion():
    (p,) = problems(doc(skill("a").replace("requires =", "require =")))
    assert "unknown key 'require'" in p.message and "did you mean 'requires'" in p.message


def test_bad_id_and_few_checks_and_bad_url():
    text = doc(skill("Bad_Id"), skill("b").replace('"Apply b."', '').replace("https://example.org/b", "ftp://x"))
    msgs = [p.message for p in problems(text)]
    assert any("not kebab-case" in m for m in msgs)
    assert any("at least two self-check prompts" in m for m in msgs)
    assert any("must be a web address" in m for m in msgs)


def test_all_problems_reported_together_in_file_order():
    text = doc(skill("a", '"nope"'), skill("b", category="zzz"), skill("a"))
    ps = problems(text)
    assert len(ps) == 3
    lines = [p.line for p in ps]
    assert lines == sorted(lines)


def test_renamed_from_maps_old_ids():
    cur = cm.parse(doc(skill("new").replace('requires = []', 'requires = []\nrenamed_from = ["old"]')))
    assert cur.canonical_id("old") == "new"
    assert cur.canonical_id("new") == "new"
    assert cur.canonical_id("other") is None


def test_validated_curriculum_is_cached_by_content(tmp_path, fresh_cache, monkeypatch):
    p = tmp_path / "c.toml"
    p.write_text(SMALL.read_text())
    first = cm.load(p)
    cached = list(fresh_cache.glob("curriculum-*.pickle"))
    assert len(cached) == 1
    again = cm.load(p)
    assert again.skills == first.skills and set(again.graph.edges) == set(first.graph.edges)
    assert again.source == str(p)
    # an edit is a new key: the broken file is validated, not served from the cache
    p.write_text(SMALL.read_text().replace('requires = ["regression"]', 'requires = ["regresion"]'))
    with pytest.raises(CurriculumError, match="did you mean 'regression'"):
        cm.load(p)
    # a corrupt cache entry falls back to parsing
    cached[0].write_bytes(b"garbage")
    p.write_text(SMALL.read_text())
    assert cm.load(p).skills == first.skills


@pytest.mark.parametrize("change,message", [
    (lambda t: t.replace('category = "c"', 'category = ["c"]', 1), "must be a category id"),
    (lambda t: t.replace('category = "c"', 'category = { id = "c" }', 1), "must be a category id"),
    (lambda t: t.replace('name = "Skill a"', 'name = "Skill \\u001b[31ma"', 1), "control character"),
    (lambda t: t.replace('requires = []', 'requires = []\nrenamed_from = ["", "Not Kebab"]', 1), "not a kebab-case"),
    (lambda t: t.replace("https://example.org/a", "http://", 1), "must be a web address"),
    (lambda t: t.replace("https://example.org/a", "https://x\\n", 1), "must be a web address"),
    (lambda t: "x = " + "[" * 5000 + "]" * 5000 + "\n" + t, "nested too deeply"),
])
def test_more_bad_values_are_problems_not_crashes(change, message):
    ps = problems(change(doc(skill("a"))))
    assert any(message in p.message for p in ps), [p.message for p in ps]


def test_bom_is_accepted(tmp_path):
    p = tmp_path / "bom.toml"
    p.write_bytes(b"\xef\xbb\xbf" + SMALL.read_bytes())
    assert len(cm.load(p).skills) == 6


@pytest.mark.parametrize("module", ["roadmap.curriculum", "roadmap.curriculum.model", "roadmap.curriculum.loader",
                                    "roadmap.curriculum.validator", "roadmap.curriculum.cache"])
def test_curriculum_modules_are_pure(module):
    """The curriculum imports neither the database layer nor a face."""
    import subprocess
    import sys

    code = (f"import sys, {module}; print(sorted(m for m in ('sqlmodel', 'sqlalchemy', 'textual', 'rich', 'click') "
            f"if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_bundled_files_are_found_in_a_source_checkout(monkeypatch):
    """Without the resource packages of the wheel (a source checkout shadowing an installed roadmap),
    the bundled curriculum and the migrations come from the checkout's top-level folders."""
    import importlib.resources
    from pathlib import Path

    from roadmap.store import migrations_path

    def missing(name):
        raise ModuleNotFoundError(f"No module named {name!r}")

    root = Path(cm.__file__).resolve().parents[2]
    if not (root / "migrations" / "env.py").is_file():
        pytest.skip("roadmap is imported from an installed copy, not a source checkout (tests/test_install.py "
                    "runs the commands from a checkout's root)")
    monkeypatch.setattr(importlib.resources, "files", missing)
    assert cm.bundled_path() == root / "curriculum" / "skills_graph.toml"
    assert migrations_path() == root / "migrations"
    assert (migrations_path() / "env.py").is_file()
    assert len(cm.load().skills) >= 60
