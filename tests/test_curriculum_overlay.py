"""Curriculum overlays: a file that extends another and says only what differs. The merged result is
validated as a whole; each problem names the file (overlay or base), line and column that caused it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from roadmap import curriculum as cm
from roadmap.curriculum import CurriculumError
from roadmap.curriculum.diff import diff

from conftest import SMALL, as_json

EXAMPLE = Path(__file__).parents[1] / "docs" / "examples" / "nlp-team.toml"


def write(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")


def where(tmp_path: Path, name: str, marker: str, at: str | None = None) -> tuple[int, int | None]:
    """Line (1-based) of the first line of file ``name`` containing ``marker``; column of ``at`` on it."""
    text = SMALL.read_text() if name == "small.toml" else (tmp_path / name).read_text()
    for n, line in enumerate(text.splitlines(), 1):
        if marker in line:
            return n, (line.index(at) + 1 if at is not None else None)
    raise AssertionError(f"{marker!r} not in {name}")


@pytest.fixture
def base(tmp_path) -> Path:
    """tests/data/small.toml, copied next to the overlays."""
    shutil.copy(SMALL, tmp_path / "small.toml")
    return tmp_path / "small.toml"


GOOD = '''# a team's changes to small.toml
extends = "small.toml"
remove = ["probability"]

[[category]]
id = "nlp"
name = "Language"

[[skill]]
id = "tokenization"
name = "Tokenization"
category = "nlp"
hours = 2
requires = ["algebra"]
description = "Splitting text into tokens."
resources = [{ title = "Course", url = "https://example.org/tok" }]

[[skill.check]]
id = "bpe"
prompt = "How does BPE pick a merge?"
answer = "The most frequent adjacent pair."

[[skill.check]]
id = "vocab"
prompt = "What does a larger vocabulary cost?"
answer = "A bigger embedding table."

[[change]]
skill = "backprop"
hours = 6
name = "Backpropagation, by hand"
add_requires = ["tokenization"]
remove_requires = ["regression"]
remove_checks = ["2"]
add_exercises = ["Derive the gradient of a two-layer net."]

[[change.check]]
id = "1"
prompt = "Derive backprop for a two-layer MLP."
answer = "Chain rule, layer by layer."

[[change.check]]
id = "reverse"
prompt = "Why reverse mode?"

[[milestone]]
id = "basics"
add_requires = ["tokenization"]
deliverable = "A tokenizer"

[[milestone]]
id = "language"
name = "Language"
requires = ["tokenization"]

[[track]]
id = "nlp-track"
name = "NLP"
requires = ["tokenization"]
'''


def test_a_good_overlay_gives_the_merged_curriculum(tmp_path, base):
    write(tmp_path, {"team.toml": GOOD})
    cur = cm.load(tmp_path / "team.toml")
    assert "probability" not in cur.skills and "tokenization" in cur.skills
    assert [c.id for c in cur.categories] == ["math", "ml", "nlp"]
    b = cur.skills["backprop"]
    assert (b.hours, b.name, b.requires) == (6.0, "Backpropagation, by hand", ("tokenization",))
    assert [(c.id, c.answer) for c in b.check_items] == [("1", "Chain rule, layer by layer."),
                                                         ("reverse", None)]
    assert b.exercises == ("Derive the gradient of a two-layer net.",)
    assert cur.skills["bayes"].requires == ()  # lost the removed prerequisite ...
    assert cur.milestone("basics").requires == ("regression", "tokenization")
    assert cur.milestone("basics").deliverable == "A tokenizer"
    assert cur.milestone("language").requires == ("tokenization",)
    assert cur.tracks["nlp-track"].requires == ("tokenization",)
    assert cur.skills["algebra"] == cm.load(base).skills["algebra"]  # untouched skills are the base's
    [warning] = cur.warnings  # ... with a warning at the remove entry
    line, col = where(tmp_path, "team.toml", "remove =", '"probability"')
    assert (warning.file, warning.line, warning.column, warning.warning) == (str(tmp_path / "team.toml"), line,
                                                                             col + 1, True)
    assert "bayes" in warning.message and "probability" in warning.message


def test_a_chain_of_overlays_and_the_cache_follows_every_file(tmp_path, base):
    (tmp_path / "sub").mkdir()
    write(tmp_path, {
        "sub/one.toml": 'extends = "../small.toml"\n\n[[change]]\nskill = "algebra"\nhours = 10\n',
        "two.toml": 'extends = "sub/one.toml"\nremove = ["bayes"]\n\n[[change]]\nskill = "calculus"\nhours = 7\n',
    })
    cur = cm.load(tmp_path / "two.toml")
    assert (cur.skills["algebra"].hours, cur.skills["calculus"].hours) == (10.0, 7.0)
    assert "bayes" not in cur.skills and cur.milestone("all").requires == ("backprop",)
    assert cm.load(tmp_path / "two.toml").skills["algebra"].hours == 10.0  # from the cache
    # editing any file of the chain is seen at once: the cache keys on the content of every file
    (tmp_path / "sub" / "one.toml").write_text('extends = "../small.toml"\n\n[[change]]\nskill = "algebra"\n'
                                               'hours = 12\n')
    assert cm.load(tmp_path / "two.toml").skills["algebra"].hours == 12.0
    base.write_text(base.read_text().replace('id = "calculus"', 'id = "calculus"\nrenamed_from = ["calc"]'))
    assert cm.load(tmp_path / "two.toml").aliases == {"calc": "calculus"}
    # a problem in the middle of the chain is reported in that file
    (tmp_path / "sub" / "one.toml").write_text('extends = "../small.toml"\n\n[[change]]\nskill = "algebra"\n'
                                               'hours = "ten"\n')
    with pytest.raises(CurriculumError) as e:
        cm.load(tmp_path / "two.toml")
    [p] = e.value.problems
    assert (Path(p.file), p.line, p.column) == (tmp_path / "sub" / "one.toml", 5, 1)


BASE_BAD_HOURS = SMALL.read_text().replace("hours = 5", 'hours = "five"')

# (files besides small.toml, file reported, marker on the reported line, column text or None, message part)
BAD = [
    pytest.param({"o.toml": 'extends = "nope.toml"\n'}, "o.toml", "extends", '"nope.toml"', "no such file",
                 id="unknown extends target"),
    pytest.param({"o.toml": 'extends = "bundle"\n'}, "o.toml", "extends", '"bundle"', "did you mean 'bundled'",
                 id="extends bundled misspelt"),
    pytest.param({"o.toml": 'extends = "p.toml"\n', "p.toml": 'extends = "o.toml"\n'}, "p.toml", "extends",
                 '"o.toml"', "p.toml -> ", id="extends cycle"),
    pytest.param({"o.toml": 'extends = "o.toml"\n'}, "o.toml", "extends", '"o.toml"', "extends cycle",
                 id="extends itself"),
    pytest.param({"o.toml": 'extends = 3\n'}, "o.toml", "extends", "extends", "'extends' must be",
                 id="extends not text"),
    pytest.param({"o.toml": 'extends = "small.toml"\n\n[[change]]\nskill = "algebr"\nhours = 3\n'}, "o.toml",
                 'skill = "algebr"', '"algebr"', "unknown skill 'algebr'; did you mean 'algebra'?",
                 id="change of an unknown skill"),
    pytest.param({"o.toml": 'extends = "small.toml"\nremove = ["algebra", "calculas"]\n'}, "o.toml", "remove",
                 '"calculas"', "remove names unknown skill 'calculas'; did you mean 'calculus'?",
                 id="remove of an unknown id"),
    pytest.param({"o.toml": 'extends = "small.toml"\n\n[[change]]\nskill = "algebra"\n'
                            'add_requires = ["backprop"]\n'}, "o.toml", "add_requires", '"backprop"',
                 "prerequisite cycle", id="add_requires creating a cycle"),
    pytest.param({"o.toml": 'extends = "small.toml"\n\n[[skill]]\nid = "algebra"\nname = "A"\ncategory = "math"\n'
                            'hours = 1\ndescription = "d"\nchecks = ["a", "b"]\n'
                            'resources = [{ title = "t", url = "https://example.org" }]\n'}, "o.toml",
                 'id = "algebra"', "id", "duplicate skill id 'algebra' (first defined at", id="duplicate added id"),
    pytest.param({"o.toml": 'extends = "small.toml"\n\n[[change]]\nskill = "algebra"\nhour = 3\n'}, "o.toml",
                 "hour =", "hour", "unknown key 'hour' in [[change]] of skill algebra; did you mean 'hours'?",
                 id="bad field in change"),
    pytest.param({"o.toml": 'extends = "small.toml"\n\n[[change]]\nskill = "algebra"\nhours = -2\n'}, "o.toml",
                 "hours =", "hours", "'hours' of skill algebra must be a number of hours above 0",
                 id="bad value in change"),
    pytest.param({"o.toml": 'extends = "small.toml"\n\n[[change]]\nhours = 2\n'}, "o.toml", "[[change]]", None,
                 "has no 'skill'", id="change without skill"),
    pytest.param({"o.toml": 'extends = "small.toml"\nremove = ["algebra"]\n\n[[change]]\nskill = "algebra"\n'
                            'hours = 2\n'}, "o.toml", 'skill = "algebra"', '"algebra"',
                 "which this overlay's 'remove' drops", id="change of a removed skill"),
    pytest.param({"o.toml": 'extends = "small.toml"\n\n[[change]]\nskill = "backprop"\n'
                            'remove_requires = ["algebra"]\n'}, "o.toml", "remove_requires", '"algebra"',
                 "skill backprop does not require 'algebra'", id="remove_requires of a non-prerequisite"),
    pytest.param({"o.toml": 'extends = "small.toml"\n\n[[change]]\nskill = "backprop"\n'
                            'add_requires = ["regresion"]\n'}, "o.toml", "add_requires", '"regresion"',
                 "requires unknown skill 'regresion'; did you mean 'regression'?", id="add_requires unknown skill"),
    pytest.param({"o.toml": 'extends = "small.toml"\n\n[[change]]\nskill = "backprop"\nremove_checks = ["3"]\n'},
                 "o.toml", "remove_checks", '"3"', "skill backprop has no check '3'", id="remove of an unknown check"),
    pytest.param({"o.toml": 'extends = "small.toml"\n\n[[change]]\nskill = "backprop"\n\n[[change.check]]\n'
                            'id = "new"\n'}, "o.toml", "[[change.check]]", None, "check new of skill backprop has "
                 "no 'prompt'", id="added check without prompt"),
    pytest.param({"o.toml": 'extends = "small.toml"\n\n[[milestone]]\nid = "basic"\nadd_requires = ["bayes"]\n'},
                 "o.toml", 'id = "basic"', "id", "milestone 'basic' is not in the base curriculum; did you mean "
                 "'basics'?", id="change of an unknown milestone"),
    pytest.param({"o.toml": 'extends = "small.toml"\n\n[[milestone]]\nid = "basics"\nlevel = 0\n'}, "o.toml",
                 "level", "level", "'level' of milestone basics must be a whole number", id="bad milestone change"),
    pytest.param({"o.toml": 'extends = "small.toml"\nremove_skills = ["bayes"]\n'}, "o.toml", "remove_skills",
                 "remove_skills", "unknown top-level key 'remove_skills'; did you mean 'remove'?",
                 id="unknown top-level key"),
    pytest.param({"o.toml": 'extends = "bad.toml"\n\n[[change]]\nskill = "algebra"\nhours = 3\n',
                  "bad.toml": BASE_BAD_HOURS}, "bad.toml", 'hours = "five"', "hours",
                 "'hours' of skill bayes must be a number", id="a problem in the base is reported in the base"),
    pytest.param({"o.toml": 'extends = "small.toml"\n\n[[change]]\nskill = "regression"\n'
                            'category = "physics"\n'}, "o.toml", "category", '"physics"',
                 "unknown category 'physics'", id="changed category unknown"),
    pytest.param({"o.toml": 'extends = "small.toml"\n[[change]\n'}, "o.toml", "[[change]", None,
                 "not valid TOML", id="overlay not TOML"),
]


@pytest.mark.parametrize("files,reported,marker,at,message", BAD)
def test_each_bad_overlay_is_one_problem_at_its_place(tmp_path, base, files, reported, marker, at, message):
    write(tmp_path, files)
    with pytest.raises(CurriculumError) as e:
        cm.load(tmp_path / "o.toml")
    assert len(e.value.problems) == 1, e.value
    [p] = e.value.problems
    line, col = where(tmp_path, reported, marker, at)
    if at is not None and at.startswith('"'):
        col += 1  # a value is reported at its first character inside the quotes
    assert message in p.message
    if "not valid TOML" in message:  # the column is the parser's
        assert (Path(p.file).name, p.line) == (reported, line)
    else:
        assert (Path(p.file).name, p.line, p.column) == (reported, line, col), str(p)
    assert Path(p.file).parent == tmp_path


def test_a_plain_file_with_the_word_extends_is_still_a_plain_curriculum(tmp_path):
    text = SMALL.read_text().replace('description = "Least squares."',
                                     'description = """Least squares.\nextends = the normal equations"""')
    (tmp_path / "c.toml").write_text(text)
    assert cm.load(tmp_path / "c.toml").skills["regression"].description.endswith("extends = the normal equations")


# -- the worked example in docs/curriculum.md ------------------------------------------------------------------
def test_the_example_validates_against_the_bundled_curriculum_and_diff_lists_exactly_its_changes():
    base = cm.load()
    cur = cm.load(EXAMPLE)
    d = diff(base, cur)
    assert d.skills.added == ("tokenizer-training", "retrieval-augmented-generation")
    assert d.skills.removed == ("tensorflow-keras",)
    changed = {c.id: c for c in d.skills.changed}
    assert set(changed) == {"transformers", "natural-language-processing"}
    t, n = changed["transformers"], changed["natural-language-processing"]
    assert [(f.field, f.old, f.new) for f in t.fields] == [("hours", base.skills["transformers"].hours, 40.0)]
    assert [(f.field, f.new) for f in n.fields] == [("hours", 50.0)] and n.requires_added == ("rnns-sequence-models",)
    assert not (t.requires_added or t.requires_removed or n.requires_removed or t.checks_added)
    assert d.milestones.added == ("ship-a-rag-service",)
    assert cur.milestone("ship-a-rag-service").stage is not None
    # what follows from the removal: exactly the base's milestones and tracks that required it lose it
    dropped = {m.id for m in base.milestones if "tensorflow-keras" in m.requires}
    assert {c.id: c.requires_removed for c in d.milestones.changed} == {m: ("tensorflow-keras",) for m in dropped}
    assert {c.id for c in d.tracks.changed} == {t.id for t in base.tracks.values() if "tensorflow-keras" in t.requires}
    assert not (d.categories or d.milestones.removed or d.tracks.added)
    for s in ("tokenizer-training", "retrieval-augmented-generation"):
        assert len(cur.skills[s].check_items) >= 2 and all(c.answer for c in cur.skills[s].check_items)
    assert len(EXAMPLE.read_text().splitlines()) <= 70


def test_the_example_is_the_one_in_the_docs():
    doc = (EXAMPLE.parents[1] / "curriculum.md").read_text()
    assert EXAMPLE.read_text().strip() in doc


# -- the command line --------------------------------------------------------------------------------------------
def test_validate_and_diff_an_overlay_from_the_command_line(run, tmp_path, base):
    write(tmp_path, {"team.toml": GOOD})
    team = tmp_path / "team.toml"
    r = run("validate", str(team))
    assert r.exit_code == 0 and "ok" in r.stdout and "6 skills" in r.stdout
    assert "warning: removing skill probability drops it from the prerequisites of bayes" in r.stderr
    r = run("validate", curriculum=team)  # --curriculum / ROADMAP_CURRICULUM
    assert r.exit_code == 0 and str(team) in r.stdout
    r = run("curriculum", "diff", str(team))
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == f"{team} against {base}:"
    assert lines[1:] == [
        "  + skill tokenization",
        "  - skill probability",
        "  ~ skill backprop: name: 'Backpropagation' -> 'Backpropagation, by hand'; hours: 3h -> 6h; exercises: "
        "0 items -> 1 item; prerequisites added: tokenization; prerequisites removed: regression; checks added: "
        "reverse; checks removed: 2; checks changed: 1",
        "  ~ skill bayes: prerequisites removed: probability",
        "  + milestone language",
        "  ~ milestone basics: deliverable: '' -> 'A tokenizer'; requires added: tokenization",
        "  + track nlp-track",
        "  + category nlp",
    ]
    j = as_json(run("curriculum", "diff", str(team), "--format", "json"))
    assert j["skills"]["added"] == ["tokenization"] and j["categories"]["added"] == ["nlp"]
    [bayes] = [c for c in j["skills"]["changed"] if c["id"] == "bayes"]
    assert bayes == {"id": "bayes", "fields": {}, "requires_added": [], "requires_removed": ["probability"]}
    [backprop] = [c for c in j["skills"]["changed"] if c["id"] == "backprop"]
    assert backprop["fields"]["hours"] == {"old": 3.0, "new": 6.0}
    assert run("curriculum", "diff", curriculum=team).stdout == r.stdout  # default: the curriculum in use


def test_diff_of_a_plain_file_and_a_bad_overlay_exit_2(run, tmp_path, base):
    r = run("curriculum", "diff", str(base))
    assert r.exit_code == 2 and "is not an overlay" in r.stderr
    write(tmp_path, {"o.toml": 'extends = "small.toml"\nremove = ["nope"]\n'})
    for args in (("validate", str(tmp_path / "o.toml")), ("curriculum", "diff", str(tmp_path / "o.toml"))):
        r = run(*args)
        assert r.exit_code == 2 and f"{tmp_path / 'o.toml'}:2:" in r.stderr and "Traceback" not in r.output


def test_switching_between_the_base_and_an_overlay_never_loses_history(run, tmp_path, base):
    """Progress is keyed by skill id: a skill an overlay removes is an orphan while the overlay is in use,
    and is back, with its history, on the base; the overlay's own skills are orphans on the base."""
    write(tmp_path, {"team.toml": GOOD})
    team = tmp_path / "team.toml"
    assert run("learn", "algebra", "probability", curriculum=base).exit_code == 0
    assert run("review", "probability", "-r", "good", curriculum=base,
               now="2026-12-02T09:00:00+00:00").exit_code == 0
    before = as_json(run("status", "--format", "json", curriculum=base, now="2026-12-02T10:00:00+00:00"))
    assert before["counts"]["learned"] == 2 and not before["orphaned"]

    on_team = as_json(run("status", "--format", "json", curriculum=team, now="2026-12-02T10:00:00+00:00"))
    assert on_team["orphaned"] == ["probability"] and on_team["counts"]["learned"] == 1
    assert run("learn", "tokenization", curriculum=team, now="2026-12-02T11:00:00+00:00").exit_code == 0

    back = as_json(run("status", "--format", "json", curriculum=base, now="2026-12-02T12:00:00+00:00"))
    assert back["counts"]["learned"] == 2 and back["orphaned"] == ["tokenization"]
    assert [m["id"] for m in back["memory"]] == [m["id"] for m in before["memory"]]
    again = as_json(run("status", "--format", "json", curriculum=team, now="2026-12-02T12:00:00+00:00"))
    assert again["counts"]["learned"] == 2 and again["orphaned"] == ["probability"]


def test_a_copy_at_another_path_names_its_own_path_in_warnings(tmp_path, fresh_cache):
    """The cache is keyed by content: a second file with the same bytes must not report the first's path."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "team.toml", tmp_path / "b" / "nlp-team.toml"
    shutil.copy(EXAMPLE, first)
    shutil.copy(EXAMPLE, second)
    for path in (first, second, first):  # the second and third loads may come from the cache
        cur = cm.load(path)
        assert cur.warnings and {w.file for w in cur.warnings} == {str(path)}
        assert all(str(w).startswith(f"{path}:") for w in cur.warnings)


def test_a_plain_copy_at_another_path_is_shown_as_its_own_path(tmp_path, fresh_cache):
    """The same for a curriculum that extends nothing: its source is the path given."""
    first, second = tmp_path / "one.toml", tmp_path / "two.toml"
    shutil.copy(SMALL, first)
    shutil.copy(SMALL, second)
    assert [cm.load(p).source for p in (first, second, first)] == [str(first), str(second), str(first)]


# -- encompasses of base skills after an overlay cuts a prerequisite ------------------------------------------------
def _base_with_encompasses(base: Path) -> None:
    text = base.read_text().replace('requires = ["regression"]\ndescription = "Gradients through graphs."',
                                    'requires = ["regression"]\nencompasses = { algebra = 0.3, regression = 0.5 }\n'
                                    'description = "Gradients through graphs."')
    assert "encompasses" in text
    base.write_text(text)


@pytest.mark.parametrize("overlay, marker, at, how", [
    ('[[change]]\nskill = "regression"\nremove_requires = ["algebra"]\n', "remove_requires", '"algebra"',
     "removing prerequisite algebra from skill regression"),
    ('remove = ["regression"]\n', "remove =", '"regression"', "removing skill regression"),
])
def test_cutting_a_prerequisite_drops_base_encompasses_with_a_warning_at_the_overlay_line(
        tmp_path, base, overlay, marker, at, how):
    _base_with_encompasses(base)
    write(tmp_path, {"o.toml": 'extends = "small.toml"\n' + overlay})
    cur = cm.load(tmp_path / "o.toml")  # no error at the base's line: the entry no longer means anything
    assert "algebra" not in cur.skills["backprop"].encompasses
    line, col = where(tmp_path, "o.toml", marker, at)
    w = [str(p) for p in cur.warnings if "encompasses" in p.message]
    assert len(w) == 1 and w[0].startswith(f"{tmp_path / 'o.toml'}:{line}:{col + 1}: warning: {how} drops "
                                           "algebra from the encompasses of backprop"), w


def test_encompasses_an_overlay_writes_itself_are_still_its_own_error(tmp_path, base):
    write(tmp_path, {"o.toml": 'extends = "small.toml"\n[[change]]\nskill = "backprop"\nremove_requires = '
                               '["regression"]\n\n[change.encompasses]\n  regression = 0.5\n'})
    with pytest.raises(CurriculumError) as e:
        cm.load(tmp_path / "o.toml")
    assert str(e.value).startswith(f"{tmp_path / 'o.toml'}:7:3: skill backprop encompasses 'regression', which is "
                                   "not one of its prerequisites")


def test_validate_prefixes_every_problem_line(run, tmp_path, base):
    write(tmp_path, {"o.toml": 'extends = "small.toml"\nfoo = 1\n[[change]]\nskill = "nope"\n'})
    r = run("validate", str(tmp_path / "o.toml"))
    lines = r.stderr.splitlines()
    assert r.exit_code == 2 and len(lines) == 2 and all(ln.startswith("roadmap: ") for ln in lines), r.stderr


def test_an_encompasses_entry_written_as_a_dotted_key_is_found_at_its_column(tmp_path):
    text = SMALL.read_text().replace('requires = ["regression"]\ndescription = "Gradients through graphs."',
                                     'requires = ["regression"]\n  encompasses.algebra = 7\n'
                                     'description = "Gradients through graphs."')
    (tmp_path / "c.toml").write_text(text)
    with pytest.raises(CurriculumError) as e:
        cm.load(tmp_path / "c.toml")
    line, col = where(tmp_path, "c.toml", "encompasses.algebra", "algebra")
    assert str(e.value).startswith(f"{tmp_path / 'c.toml'}:{line}:{col}: weight of 'algebra'"), str(e.value)
