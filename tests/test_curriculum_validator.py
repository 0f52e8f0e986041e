"""The schema extensions (tracks, [[skill.check]] tables, exercises, encompasses, milestone stages)
and one-line names: a valid file gives the model, and each broken rule one problem at file:line:col."""

from __future__ import annotations

import pytest

from roadmap import curriculum as cm
from roadmap.curriculum import Check, CurriculumError

VALID = '''format = 1

[[category]]
id = "c"
name = "C"

[[track]]
id = "nlp-track"
name = "Natural language processing"
description = "Language models."
requires = ["b"]

[[skill]]
id = "a"
name = "Skill a"
category = "c"
hours = 2
requires = []
description = "About a."
checks = ["Explain a.", "Apply a."]
resources = [{ title = "Book", url = "https://example.org/a" }]

[[skill]]
id = "b"
name = "Skill b"
category = "c"
hours = 3
requires = ["a"]
description = "About b."
exercises = ["Implement b from scratch.", "Reproduce figure 2."]
encompasses = { a = 0.3 }
resources = [{ title = "Book", url = "https://example.org/b" }]

[[skill.check]]
id = "rank"
prompt = "Explain what the rank tells you."
answer = """Key points:
- the dimension of the column space"""
hint = "Think of the columns."

[[skill.check]]
id = "solve"
prompt = "Solve Ax = b by elimination."
renamed_from = "1"

[[skill]]
id = "d"
name = "Skill d"
category = "c"
hours = 1
requires = ["b"]
description = "About d."
checks = ["Explain d.", "Apply d."]
encompasses = { a = 1, b = 0.5 }
resources = [{ title = "Book", url = "https://example.org/d" }]

[[milestone]]
id = "senior"
name = "Senior researcher"
level = 2
requires = ["d"]
tracks_required = 1

[[milestone]]
id = "entry-level"
name = "Entry-level researcher"
level = 1
description = "Runs projects with guidance."
deliverable = "A first paper."
requires = ["a"]

[[milestone]]
id = "reproduce-a-paper"
stage = "entry-level"
deliverable = "A public repository reproducing a table of a published paper"
requires = ["b"]

[[milestone]]
id = "basics"
name = "Basics"
requires = ["a"]
'''


def problems(text: str) -> list[cm.Problem]:
    with pytest.raises(CurriculumError) as e:
        cm.parse(text, "x.toml")
    return e.value.problems


def line_of(text: str, marker: str, after: str = "") -> int:
    """1-based line of the first ``marker`` after the first ``after`` in ``text``."""
    start = text.index(after) if after else 0
    return text[: text.index(marker, start)].count("\n") + 1


def test_valid_file_gives_the_new_fields():
    cur = cm.parse(VALID, "x.toml")
    a, b, d = cur.skills["a"], cur.skills["b"], cur.skills["d"]
    assert a.check_items == (Check("1", "Explain a."), Check("2", "Apply a."))
    assert a.checks == ("Explain a.", "Apply a.") and a.exercises == () and a.encompasses is None
    assert b.check_items == (
        Check("rank", "Explain what the rank tells you.", "Key points:\n- the dimension of the column space",
              "Think of the columns."),
        Check("solve", "Solve Ax = b by elimination.", renamed_from="1"),
    )
    assert b.checks == ("Explain what the rank tells you.", "Solve Ax = b by elimination.")
    assert b.exercises == ("Implement b from scratch.", "Reproduce figure 2.")
    assert dict(b.encompasses) == {"a": 0.3}
    assert dict(d.encompasses) == {"a": 1.0, "b": 0.5}  # "a" is an indirect prerequisite of d
    (track,) = cur.tracks.values()
    assert track == cm.Track("nlp-track", "Natural language processing", "Language models.", ("b",))
    assert [m.id for m in cur.stages()] == ["entry-level", "senior"]
    assert [m.id for m in cur.stage_milestones("entry-level")] == ["reproduce-a-paper"]
    paper = cur.milestone("reproduce-a-paper")
    assert (paper.level, paper.stage, paper.name) == (None, "entry-level", "Reproduce a paper")
    assert paper.deliverable.startswith("A public repository")
    senior, basics = cur.milestone("senior"), cur.milestone("basics")
    assert (senior.level, senior.tracks_required, senior.deliverable) == (2, 1, "")
    assert (basics.level, basics.stage, basics.tracks_required) == (None, None, 0)
    assert cm.summary(cur) == {"skills": 3, "prerequisites": 2, "categories": 1, "milestones": 4, "tracks": 1,
                               "stages": 2}


def test_encompasses_as_a_sub_table():
    text = VALID.replace("encompasses = { a = 1, b = 0.5 }\n", "").replace(
        '[[milestone]]\nid = "senior"', '[skill.encompasses]\nb = 0.25\n\n[[milestone]]\nid = "senior"')
    assert dict(cm.parse(text).skills["d"].encompasses) == {"b": 0.25}


def test_new_fields_survive_the_cache(tmp_path, fresh_cache):
    p = tmp_path / "c.toml"
    p.write_text(VALID)
    first = cm.load(p)
    assert list(fresh_cache.glob("curriculum-*.pickle"))
    again = cm.load(p)
    assert again is not first
    assert again.skills == first.skills and again.tracks == first.tracks and again.milestones == first.milestones
    assert again.stages() == first.stages()


# (text to replace, its replacement, part of the message, text on the problem's line, where to look from,
#  whether a column is expected)
CASES = [
    # tracks
    ('requires = ["b"]\n\n[[skill]]', 'requires = ["bb"]\n\n[[skill]]', "track nlp-track requires unknown skill "
     "'bb'; did you mean 'b'?", '"bb"', "", True),
    ('id = "nlp-track"', 'id = "NLP"', "track id 'NLP' is not kebab-case", 'id = "NLP"', "", True),
    ('description = "Language models."', 'descripton = "Language models."',
     "unknown key 'descripton' in track nlp-track; did you mean 'description'?", "descripton", "", True),
    ('requires = ["b"]\n\n[[skill]]', 'requires = []\n\n[[skill]]', "track nlp-track lists no skills",
     "requires = []", "", True),
    ('name = "Natural language processing"', 'name = "Natural\\nlanguage"',
     "'name' of track nlp-track contains a line break", 'name = "Natural', "", True),
    ("[[track]]", '[[track]]\nid = "nlp-track"\nname = "Again"\nrequires = ["a"]\n\n[[track]]',
     "duplicate track id 'nlp-track'", 'id = "nlp-track"', 'name = "Again"', True),
    ('{ title = "Book", url = "https://example.org/a" }', '{ title = "Bo\\nok", url = "https://example.org/a" }',
     "resource title 'Bo\\nok' of skill a must be one line", "resources = [{ title = \"Bo", "", True),
    # exercises
    ('exercises = ["Implement b from scratch.", "Reproduce figure 2."]', 'exercises = "Implement b."',
     "'exercises' of skill b must be a list of tasks", "exercises =", "", True),
    ('exercises = ["Implement b from scratch.", "Reproduce figure 2."]', 'exercises = ["", "x"]',
     "'exercises' of skill b must be a list of tasks", "exercises =", "", True),
    ('exercises = ["Implement b from scratch.", "Reproduce figure 2."]', 'exercises = ["a \\u001b[31m"]',
     "control character", "exercises =", "", True),
    # encompasses
    ("encompasses = { a = 0.3 }", "encompasses = { a = 0 }", "weight of 'a' in 'encompasses' of skill b must be "
     "a number above 0 and at most 1 (got 0)", "encompasses = { a = 0 }", "", True),
    ("encompasses = { a = 0.3 }", "encompasses = { a = 1.5 }", "at most 1 (got 1.5)", "encompasses = { a", "", True),
    ("encompasses = { a = 0.3 }", 'encompasses = { a = "much" }', "at most 1 (got 'much')", "encompasses =", "",
     True),
    ("encompasses = { a = 0.3 }", "encompasses = { a = true }", "at most 1 (got True)", "encompasses =", "", True),
    ("encompasses = { a = 0.3 }", "encompasses = { d = 0.3 }", "skill b encompasses 'd', which is not one of its "
     "prerequisites", "encompasses = { d", "", True),
    ("encompasses = { a = 0.3 }", "encompasses = { aa = 0.3 }", "skill b encompasses unknown skill 'aa'; did you "
     "mean 'a'?", "encompasses = { aa", "", True),
    ("encompasses = { a = 0.3 }", "encompasses = { b = 0.3 }", "skill b encompasses itself", "encompasses = { b",
     "", True),
    ("encompasses = { a = 0.3 }", 'encompasses = ["a"]', "'encompasses' of skill b must be a table",
     "encompasses =", "", True),
    ('encompasses = { a = 1, b = 0.5 }\nresources = [{ title = "Book", url = "https://example.org/d" }]\n',
     'resources = [{ title = "Book", url = "https://example.org/d" }]\n\n[skill.encompasses]\na = 1\nb = 2\n',
     "weight of 'b' in 'encompasses' of skill d", "b = 2", "", True),
    # [[skill.check]] tables
    ('id = "rank"', 'id = "Rank"', "check id 'Rank' of skill b is not kebab-case", 'id = "Rank"', "", True),
    ('id = "solve"', 'id = "rank"', "duplicate check id 'rank' in skill b", 'id = "rank"\nprompt = "Solve', "",
     True),
    ('prompt = "Solve Ax = b by elimination."\n', "", "check solve of skill b has no 'prompt'", "[[skill.check]]",
     'hint = "Think', False),
    ('prompt = "Solve Ax = b by elimination."', 'prompt = "  "', "'prompt' of check solve of skill b must be a "
     "non-empty string", "prompt = \"  \"", "", True),
    ('hint = "Think of the columns."', 'hnit = "Think of the columns."', "unknown key 'hnit' in check rank of "
     "skill b; did you mean 'hint'?", "hnit", "", True),
    ('hint = "Think of the columns."', "hint = 3", "'hint' of check rank of skill b must be a string", "hint = 3",
     "", True),
    ('hint = "Think of the columns."', 'hint = "\\u001b[2J"', "control character", "hint =", "", True),
    ('renamed_from = "1"', 'renamed_from = "Old One"', "renamed_from of check solve of skill b must be the former "
     "check id", "renamed_from", "", True),
    ('renamed_from = "1"', 'renamed_from = "rank"', "check solve of skill b says it was renamed from 'rank', but "
     "'rank' is still a check", "renamed_from", "", True),
    ('hint = "Think of the columns."', 'hint = "Think of the columns."\nrenamed_from = "1"', "'1' is named in "
     "renamed_from of both check rank and check solve of skill b", 'renamed_from = "1"', 'id = "solve"', True),
    ('id = "solve"', 'id = "solve"\nanswer = "x"\nid2 = 1', "unknown key 'id2'", "id2", "", True),
    ('id = "solve"\n', "", "check #2 of skill b has no 'id'", "[[skill.check]]", 'id = "rank"', False),
    ('exercises = [', 'checks = ["One.", "Two."]\nexercises = [', "skill b has both 'checks' and [[skill.check]] "
     "tables; use one form", 'checks = ["One."', "", True),
    ('[[skill.check]]\nid = "solve"\nprompt = "Solve Ax = b by elimination."\nrenamed_from = "1"\n', "",
     "skill b needs at least two self-check prompts (has 1)", '[[skill]]\nid = "b"', "", False),
    # milestone stages
    ("level = 1", "level = 0", "'level' of milestone entry-level must be a whole number from 1 (got 0)", "level = 0",
     "", True),
    ("level = 1", 'level = "one"', "must be a whole number from 1", "level = ", 'id = "entry-level"', True),
    ("level = 1", "level = true", "must be a whole number from 1 (got True)", "level = true", "", True),
    ("level = 1", "level = 2", "milestones senior and entry-level both have level = 2", "level = 2",
     'id = "entry-level"', True),
    ('stage = "entry-level"', 'stage = "entry-levl"', "milestone reproduce-a-paper has unknown stage "
     "'entry-levl'; did you mean 'entry-level'?", 'stage = "entry-levl"', "", True),
    ('stage = "entry-level"', 'stage = "basics"', "milestone reproduce-a-paper has stage = \"basics\", but milestone "
     "basics is not a stage (it has no 'level')", 'stage = "basics"', "", True),
    ("level = 1", 'level = 1\nstage = "senior"', "milestone entry-level has both 'level' and 'stage'",
     'stage = "senior"', "", True),
    ("tracks_required = 1", "tracks_required = 2", "'tracks_required' of milestone senior must be a whole number "
     "from 0 to 1", "tracks_required = 2", "", True),
    ("tracks_required = 1", "tracks_required = -1", "from 0 to 1 (the number of [[track]] tables; got -1)",
     "tracks_required", "", True),
    ("tracks_required = 1", "tracks_required = 0.5", "got 0.5", "tracks_required", "", True),
    ('deliverable = "A first paper."', "deliverable = 3", "'deliverable' of milestone entry-level must be a "
     "non-empty string", "deliverable = 3", "", True),
    ('deliverable = "A public', 'deliverabel = "A public', "unknown key 'deliverabel' in milestone "
     "reproduce-a-paper; did you mean 'deliverable'?", "deliverabel", "", True),
    ('name = "Senior researcher"\n', "", "milestone #1 (senior) has no 'name'", "[[milestone]]", "", False),
    ("format = 1", 'format = 1\ntitel = "x"', "unknown top-level key 'titel'; did you mean 'title'?", None, "",
     False),
]


@pytest.mark.parametrize("old,new,message,marker,after,has_column", CASES,
                         ids=[f"{i}-{c[2][:40]}" for i, c in enumerate(CASES)])
def test_each_broken_rule_is_one_problem_at_its_place(old, new, message, marker, after, has_column):
    assert old in VALID, old
    text = VALID.replace(old, new, 1)
    ps = problems(text)
    assert len(ps) == 1, [str(p) for p in ps]
    (p,) = ps
    assert message in p.message, str(p)
    if marker is None:
        assert p.line is None
    else:
        assert p.line == line_of(text, marker, after), str(p)
        assert (p.column is not None) == has_column, str(p)
        assert str(p).startswith(f"x.toml:{p.line}")


NAMES = [  # (kind, the line of its name in VALID)
    ("category", 'name = "C"'),
    ("track", 'name = "Natural language processing"'),
    ("skill", 'name = "Skill b"'),
    ("milestone", 'name = "Entry-level researcher"'),
]
BAD = [("\\n", "line break"), ("\\r", "line break"), ("\\u2028", "line break"), ("\\u0085", "line break"),
       ("\\t", "control character"), ("\\u001b[31m", "control character"), ("\\u009b31m", "control character"),
       ("\\u0000", "control character")]


@pytest.mark.parametrize("kind,name_line", NAMES)
@pytest.mark.parametrize("bad,message", BAD)
def test_names_are_one_line_without_control_characters(kind, name_line, bad, message):
    text = VALID.replace(name_line, name_line[:-1] + bad + ' tail"', 1)
    (p,) = problems(text)
    assert f"'name' of {kind}" in p.message and message in p.message, str(p)
    assert (p.line, p.column) == (line_of(VALID, name_line), 1)


def test_a_multi_line_name_is_refused_too():
    text = VALID.replace('name = "Skill a"', 'name = """Skill\na"""', 1)
    (p,) = problems(text)
    assert "'name' of skill a contains a line break" in p.message and p.line == line_of(VALID, 'name = "Skill a"')


def test_descriptions_keep_their_line_breaks_and_tabs():
    text = VALID.replace('description = "About a."', 'description = """About a.\n\tIndented."""', 1)
    assert cm.parse(text).skills["a"].description == "About a.\n\tIndented."


def test_format_1_files_without_the_new_fields_stay_valid():
    from conftest import SMALL

    cur = cm.load(SMALL)
    assert not cur.tracks and cur.stages() == []
    for s in cur.skills.values():
        assert [c.id for c in s.check_items] == [str(n) for n in range(1, len(s.checks) + 1)]
        assert s.exercises == () and not s.encompasses
    assert all(m.tracks_required == 0 and m.stage is None and m.deliverable == "" for m in cur.milestones)
