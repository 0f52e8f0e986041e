"""Bad input, systematically: every CLI option with bad values, random and mutated curricula,
and nothing fetched from the network."""

from __future__ import annotations

import socket

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from roadmap import curriculum as cm
from roadmap.curriculum import CurriculumError

from conftest import SMALL

BUNDLED = cm.bundled_path().read_text()

# (arguments, environment ROADMAP_NOW or None, text the message must contain)
CASES = [
    (["learn", "algebre"], None, "did you mean algebra"),
    (["start", "nope-nope"], None, "unknown skill id 'nope-nope'"),
    (["review", "algebra", "--rating", "great"], None, "again, hard, good, easy"),
    (["review", "algebra", "--rating", "0"], None, "again, hard, good, easy"),
    (["review", "algebra", "--rating", "good", "--duration", "soon"], None, "not a duration"),
    (["log", "algebra", "ninety"], None, "not a duration"),
    (["log", "algebra", "-5m"], None, "not a positive duration"),  # not taken for an option
    (["log", "algebra", "--5m"], None, "not a duration"),
    (["log", "algebra", "0h"], None, "not a positive duration"),
    (["week", "--from", "2026-02-30"], None, "YYYY-MM-DD"),
    (["week", "--from", "9999-12-31"], None, "outside the years"),
    (["week", "--weeks", "0"], None, "0"),
    (["off", "add", "tomorrow", "2026-12-01"], None, "YYYY-MM-DD"),
    (["off", "add", "2026-12-05", "2026-12-01"], None, "before it starts"),
    (["off", "remove", "x"], None, "x"),
    (["next", "-n", "0"], None, "0"),
    (["forecast", "--days", "-3"], None, "-3"),
    (["config", "weekly_hours", "-10"], None, "0.5 to 168"),
    (["config", "weekly_hours", "lots"], None, "not a number"),
    (["config", "desired_retention", "0.5"], None, "0.7 to 0.99"),
    (["config", "desired_retention", "1.2"], None, "0.7 to 0.99"),
    (["config", "max_interval_days", "0"], None, "1 to 36500"),
    (["config", "rollover_hour", "24"], None, "0 to 23"),
    (["config", "timezone", "Mars/Base"], None, "IANA"),
    (["config", "timezone", "europe/berlin"], None, "did you mean Europe/Berlin"),
    (["config", "study_days", "XX"], None, "MO,TU,WE"),
    (["config", "study_days", "SA=30"], None, "at most 24"),
    (["config", "study_time", "25:00"], None, "HH:MM"),
    (["config", "learning_steps", "forever"], None, "not a duration"),
    (["config", "daily_review_cap", "0"], None, "1 to 1000"),
    (["config", "target.basics", "someday"], None, "YYYY-MM-DD"),
    (["config", "target.nope", "2027-01-01"], None, "unknown milestone"),
    (["config", "target.basics", "2026-11-28"], None, "is in the past (today is 2026-11-29)"),
    (["config", "nosuch", "1"], None, "unknown setting"),
    (["config", "--unset"], None, "--unset needs the KEY"),
    (["learn", "algebra"], "yesterday", "ISO 8601"),
    (["learn", "algebra"], "2026-01-01T10:00:00", "no UTC offset"),
    (["due"], "9999-12-31T23:00:00+00:00", "outside the years"),
    (["due"], "0001-01-01T00:00:00+00:00", "outside the years"),
    (["--db", "", "status"], None, "is empty"),
    (["import", "/nonexistent/file.json"], None, "cannot read"),
    (["graph", "--focus", "nope"], None, "unknown skill id"),
    (["validate", "/nonexistent.toml"], None, "no such file"),
]


@pytest.mark.parametrize("args,now,message", CASES, ids=[" ".join(c[0]) + (f" NOW={c[1]}" if c[1] else "")
                                                        for c in CASES])
def test_bad_cli_input_exit_2_with_a_message(run, args, now, message):
    before = run("export", now="2026-11-29T12:00:00Z").stdout
    r = run(*args, now=now) if now else run(*args)
    assert r.exit_code == 2, r.output
    assert message in r.output, r.output
    assert "Traceback" not in r.output
    assert run("export", now="2026-11-29T12:00:00Z").stdout == before  # nothing written


def test_missing_prerequisites_listed_in_the_same_order_every_time(run):
    outs = {run("learn", "backprop").stderr for _ in range(3)}
    assert len(outs) == 1 and "algebra, calculus, regression" in outs.pop()


def _mutations():
    lines = BUNDLED.splitlines()
    return st.one_of(
        # drop, duplicate or swap lines
        st.lists(st.integers(0, len(lines) - 1), min_size=1, max_size=4).map(
            lambda idx: "\n".join(l for i, l in enumerate(lines) if i not in set(idx))),
        st.tuples(st.integers(0, len(lines) - 1), st.integers(0, len(lines) - 1)).map(
            lambda ab: "\n".join(lines[: ab[0]] + [lines[ab[1]]] + lines[ab[0]:])),
        # replace a line by random text
        st.tuples(st.integers(0, len(lines) - 1), st.text(max_size=40)).map(
            lambda it: "\n".join(lines[: it[0]] + [it[1]] + lines[it[0] + 1:])),
        # corrupt a value: change an id or a number
        st.tuples(st.sampled_from(['"python"', '"calculus"', "hours = 40", "requires = []", 'category = "math"']),
                  st.sampled_from(['"pythn"', '"calculus", "calculus"', "hours = -1", 'requires = ["senior"]',
                                   "category = 3", '""', "[]"])).map(lambda ab: BUNDLED.replace(ab[0], ab[1], 1)),
    )


@pytest.mark.slow
@given(_mutations())
@hsettings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_curricula_give_a_curriculum_or_problems(text):
    try:
        cur = cm.parse(text, "m.toml")
    except CurriculumError as e:
        assert e.problems and all(p.message for p in e.problems)
    else:
        assert cur.skills


toml_values = st.recursive(
    st.one_of(st.text(max_size=10), st.integers(-5, 100), st.floats(allow_nan=False, allow_infinity=False),
              st.booleans(), st.dates()),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children,
                                                                                 max_size=4)),
    max_leaves=12,
)


@pytest.mark.slow
@given(st.dictionaries(st.sampled_from(["format", "skill", "category", "milestone", "title", "x"]),
                       toml_values, max_size=5))
@hsettings(max_examples=200, deadline=None)
def test_random_documents_never_raise_anything_else(data):
    import tomlkit

    try:
        text = tomlkit.dumps(data)
    except Exception:
        return  # not expressible as TOML
    try:
        cm.parse(text)
    except CurriculumError as e:
        assert e.problems


def test_nothing_is_fetched(run, monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("roadmap tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for args in (["validate"], ["learn", "algebra"], ["status"], ["week", "--format", "ics"], ["graph"],
                 ["milestones"], ["export"]):
        assert run(*args).exit_code == 0, args


def test_unsupported_format_version_is_refused(run, small_path):
    small_path.write_text(small_path.read_text().replace("format = 1", "format = 2", 1))
    with pytest.raises(cm.CurriculumError) as e:
        cm.load(small_path)
    assert any("format = 2 is not supported" in str(p) for p in e.value.problems)
    r = run("validate", str(small_path))
    assert r.exit_code == 2 and "format = 2 is not supported" in r.stderr and "Traceback" not in r.output


def test_brackets_in_names_are_shown_as_written(run, small_path):
    small_path.write_text(small_path.read_text()
                          .replace('name = "Calculus"', 'name = "Calculus [/bold] tips"')
                          .replace('name = "Basics"', 'name = "Basics [/] x"')
                          .replace('name = "Mathematics"', 'name = "Math [lang]"'))
    for args in (["status"], ["plan"], ["next"], ["week"], ["milestones"], ["week", "--format", "markdown"]):
        r = run(*args)
        assert r.exit_code == 0, (args, r.output)
    assert "Calculus [/bold] tips" in run("plan").output
    assert "Math [lang]" in run("status").output


def test_odd_values_are_refused_cleanly(run, tmp_path):
    run("learn", "algebra")
    for args in (["review", "algebra", "-r", "²"], ["review", "algebra", "-r", "good", "--duration", "9999999h"],
                 ["off", "remove", "99999999999999999999999"], ["graph", "--focus", ""],
                 ["--db", str(tmp_path / ("x" * 300 + ".db")), "status"]):
        r = run(*args)
        assert r.exit_code == 2 and "Traceback" not in r.output, (args, r.output)


def test_empty_roadmap_db_variable_is_refused(run, monkeypatch):
    from click.testing import CliRunner

    from roadmap.cli import cli

    r = CliRunner().invoke(cli, ["status"], env={"ROADMAP_DB": ""})
    assert r.exit_code == 2 and "is empty" in r.output
