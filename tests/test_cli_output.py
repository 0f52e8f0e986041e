"""Text tables: numbers, ids, dates and statuses are never cut at any terminal width >= 40 (names shrink,
or each row becomes a block of lines), and nothing is cut when standard output is not a terminal.

Every table-printing command is run at COLUMNS=40/60/80/120 as a terminal (Rich's ``TTY_COMPATIBLE=1``)
and piped; the values that must stay whole come from the same command's ``--format json``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from conftest import NOW, SMALL

from roadmap import wording
from roadmap.cli import cli

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
LONG_ID = "linear-regression-from-first-principles"
NAMES = {
    "Linear algebra": "Linear algebra for machine learning researchers, with proofs and many exercises",
    "Linear regression": "Linear regression and least squares from first principles, by hand",
    "Probability": "Probability",
    "Basics": "Basics of supervised learning for a first reproduction of a published result",
    "Mathematics": "Mathematics for machine learning and statistics, a long category name",
}
WIDTHS = [40, 60, 80, 120]


@pytest.fixture
def long_run(tmp_path, template_db):
    """Run the CLI on a curriculum with long names and a long id; ``tty`` makes Rich treat stdout as a
    terminal of ``columns`` cells. Returns stdout with escape codes removed."""
    text = SMALL.read_text(encoding="utf-8").replace('"regression"', f'"{LONG_ID}"')
    for short, long in NAMES.items():
        text = text.replace(f'name = "{short}"', f'name = "{long}"')
    cur = tmp_path / "long.toml"
    cur.write_text(text, encoding="utf-8")
    db = tmp_path / "roadmap.db"
    shutil.copy(template_db, db)  # an empty database at the newest revision (migrating is the slow part)

    def run(*args: str, columns: int | None = None, tty: bool = False, now=NOW) -> str:
        env = {"ROADMAP_DB": str(db), "ROADMAP_CURRICULUM": str(cur), "ROADMAP_NOW": now.isoformat(),
               "COLUMNS": str(columns) if columns else None, "TTY_COMPATIBLE": "1" if tty else None,
               "TERM": "xterm" if tty else None, "FORCE_COLOR": None}
        r = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
        assert r.exit_code == 0, r.output
        return ANSI.sub("", r.stdout)

    run("learn", "algebra", "calculus", "probability")
    run("start", LONG_ID)
    run("config", "target.basics", "2026-12-10")
    run("config", "target.all", "2027-06-01")
    return run


def _whole_values(run, command: str, now) -> list[str]:
    """The values of ``command``'s text table that must never be cut, from its JSON output."""
    data = json.loads(run(command, "--format", "json", now=now))
    if command in ("plan", "next"):
        return [v for p in data for v in (p["id"], wording.duration_hours(p["hours"]), wording.status_word(p["status"]))]
    if command == "due":
        return [v for d in data for v in (f"{d['id']}/{d['check']}" if d["check"] else d["id"], d["due"],
                                          wording.memory_percent(d["retrievability"]))]
    if command == "milestones":
        out = []
        for m in data:
            f = SimpleNamespace(status=m["status"], target=m["target"], weeks_behind=m["weeks_behind"],
                                needed_hours_per_week=m["needed_hours_per_week"])
            out += [f"{m['done']}/{m['required']}", wording.duration_hours(m["hours_remaining"]),
                    wording.forecast_text(f)]
            out += [wording.date_text(date.fromisoformat(m[k])) for k in ("forecast", "target") if m[k]]
        return [v for v in out if v]
    if command == "status":
        return ([f"{c['done']}/{c['total']}" for c in data["categories"]]
                + [f"{m['done']}/{m['required']}" for m in data["milestones"]]
                + [wording.duration_hours(m["hours_remaining"]) for m in data["milestones"]])
    raise AssertionError(command)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", ["plan", "next", "milestones", "status", "due"])
def test_numbers_ids_dates_statuses_never_cut(long_run, command, width):
    now = NOW if command != "due" else NOW.replace(year=2027)
    text = long_run(command, columns=width, tty=True, now=now)
    values = _whole_values(long_run, command, now)
    assert values, "the table is empty; nothing was tested"
    for value in values:
        assert re.search(rf"(^|\s){re.escape(value)}(\s|$)", text, re.M), (value, text)
    for line in text.splitlines():
        assert len(line.rstrip()) <= width, (width, line)


@pytest.mark.parametrize("width", [40, 60])
def test_in_progress_is_whole_at_narrow_widths(long_run, width):
    text = long_run("plan", columns=width, tty=True)
    assert "in progress" in text and LONG_ID in text
    assert "in progre…" not in text and "in progres" not in text.replace("in progress", "")


def test_names_shrink_on_a_wide_terminal_but_keep_their_start(long_run):
    text = long_run("plan", columns=120, tty=True)
    line = next(ln for ln in text.splitlines() if LONG_ID in ln)
    assert "Linear regression and least" in line and "in progress" in line and len(line.rstrip()) <= 120


@pytest.mark.parametrize("command", ["plan", "next", "milestones", "status", "config"])
def test_piped_output_is_never_cut(long_run, command):
    text = long_run(command, columns=40)  # not a terminal: COLUMNS does not cut anything
    assert "…" not in text
    if command in ("plan", "next"):
        line = next(ln for ln in text.splitlines() if LONG_ID in ln)
        assert NAMES["Linear regression"] in line and "in progress" in line  # grep finds id, name and status
    if command in ("milestones", "status"):
        assert NAMES["Basics"] in text
    if command == "status":
        assert NAMES["Mathematics"] in text
    if command == "config":
        line = next(ln for ln in text.splitlines() if ln.startswith("desired_retention"))
        assert "Probability of recall FSRS aims for at each due date" in line and "(default 0.9)" in line


@pytest.mark.parametrize("width", WIDTHS)
def test_config_keeps_keys_and_values_whole(long_run, width):
    text = long_run("config", columns=width, tty=True)
    for key in ("weekly_hours", "desired_retention", "target.basics", "2026-12-10"):
        assert re.search(rf"(^|\s){re.escape(key)}(\s|$)", text, re.M), (key, text)
    assert all(len(line.rstrip()) <= width for line in text.splitlines())


def test_table_widths_share_the_room_left():
    from roadmap.cli.output import Table

    t = Table()
    t.add_column("id")
    t.add_column("name", kind="name")
    t.add_column("status")
    # id 10, status 11 and two gaps of 2 leave 15 of 40 cells: less than a name's minimum, so blocks.
    assert t.widths(40, [10, 50, 11]) is None
    assert t.widths(60, [10, 50, 11]) == [10, 35, 11]
    assert t.widths(200, [10, 50, 11]) == [10, 50, 11]
    t.add_column("meaning", kind="text")
    assert t.widths(100, [10, 20, 11, 80]) == [10, 20, 11, 53]  # the short one gets all it needs


@pytest.mark.slow
def test_real_terminal_width(tmp_path):
    """A real pseudo-terminal of 40 columns (no COLUMNS variable): ids and statuses whole, lines fit."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 40, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TTY_COMPATIBLE", "FORCE_COLOR")}
    env.update(ROADMAP_DB=str(tmp_path / "r.db"), ROADMAP_CURRICULUM=str(SMALL), ROADMAP_NOW=NOW.isoformat(),
               TERM="xterm")
    p = subprocess.Popen([sys.executable, "-m", "roadmap", "plan"], stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    assert p.wait(timeout=120) == 0, p.stderr.read()
    os.close(master)
    text = ANSI.sub("", b"".join(chunks).decode()).replace("\r\n", "\n")
    for skill_id in ("regression", "probability", "backprop", "bayes"):
        assert re.search(rf"(^|\s){skill_id}(\s|$)", text, re.M), text
    assert "not started" in text
    assert all(len(line.rstrip()) <= 40 for line in text.splitlines()), text


@pytest.mark.parametrize("width", [40, 60, 80])
def test_forecast_bars_fit_the_terminal(long_run, width):
    text = long_run("forecast", "--days", "400", columns=width, tty=True)
    counts = json.loads(long_run("forecast", "--days", "400", "--format", "json"))
    assert any(c["count"] for c in counts)
    lines = text.splitlines()
    assert len(lines) == len(counts)
    for line, c in zip(lines, counts):
        assert line.startswith(wording.day_text(date.fromisoformat(c["date"])))
        assert re.search(rf"\s{c['count']}(\s|$)", line) and len(line) <= width, (width, line)


@pytest.mark.parametrize("width", [80, 200])
def test_cohort_fits_the_terminal_with_labelled_stages(long_run, width):
    text = long_run("cohort", columns=width, tty=True)
    assert all(len(line.rstrip()) <= width for line in text.splitlines()), text
    assert re.search(r"basics \d+/\d+", text), text  # each stage's count is labelled with the stage
    assert "(local)" in text and "—" in text  # no target: no weeks late, shown as — like the app


def test_config_descriptions_wrap_on_word_boundaries_at_80_columns(long_run):
    text = long_run("config", columns=80, tty=True)
    words = set(re.findall(r"[A-Za-z]+", text))
    for word in ("Estimated", "minutes", "until", "enough", "durations", "logged"):
        assert word in words, text  # whole words: a description never breaks inside a word
    assert all(len(line.rstrip()) <= 80 for line in text.splitlines())
