"""Under a real non-UTF-8 locale (ISO-8859-1, built here with localedef) nothing crashes, text for people
uses the locale's encoding (with ASCII stand-ins for what it lacks), and machine formats are UTF-8 bytes.

The commands run through the real entry point (:func:`roadmap.cli.main`) in a child interpreter started
under ``LANG=de_DE.ISO-8859-1``, each with its standard output and error on real files. The locale is
built into a temporary directory and found through ``LOCPATH``, so no root is needed; CI installs
the ``locales`` package (locale sources) when it is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SMALL

from roadmap import wording

NAME = "Lineare Algebra für Übungen — Maße → Grüße"  # ü Ü ß are Latin-1; — and → are not
CATEGORY = "Mathematik & Maße"
NOTE = "Weihnachten für Grüße — Ü"
NOW = "2026-11-29T12:00:00+00:00"

DRIVER = r"""
import json, os, sys, traceback
from roadmap.cli import main

out, commands = sys.argv[1], json.loads(sys.argv[2])
codes = [sys.stdout.encoding]
for n, args in enumerate(commands):
    sys.stdout.flush(); sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(f"{out}/{n}.out", "wb") as o, open(f"{out}/{n}.err", "wb") as e:
        os.dup2(o.fileno(), 1); os.dup2(e.fileno(), 2)
        sys.argv = ["roadmap", *args]
        try:
            main()
            code = 0
        except SystemExit as x:
            code = x.code if isinstance(x.code, int) else (0 if x.code is None else 1)
        except BaseException:
            traceback.print_exc()
            code = "crash"
        sys.stdout.flush(); sys.stderr.flush()
        os.dup2(saved[0], 1); os.dup2(saved[1], 2)
    os.close(saved[0]); os.close(saved[1])
    codes.append(code)
print(json.dumps(codes))
"""


@pytest.fixture(scope="module")
def latin1_env(tmp_path_factory) -> dict[str, str]:
    """An environment whose locale is a freshly built de_DE.ISO-8859-1 (skips only without localedef)."""
    localedef = shutil.which("localedef")
    if localedef is None:
        pytest.skip("localedef is missing (Debian: apt-get install -y locales); cannot build a non-UTF-8 locale")
    root = tmp_path_factory.mktemp("locales")
    r = subprocess.run([localedef, "-i", "de_DE", "-f", "ISO-8859-1", str(root / "de_DE.ISO-8859-1")],
                       capture_output=True, text=True)
    assert (root / "de_DE.ISO-8859-1" / "LC_CTYPE").exists(), (
        f"localedef could not build de_DE.ISO-8859-1 (install the 'locales' package): {r.stderr}")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LC_") and k not in ("LANGUAGE", "PYTHONIOENCODING", "PYTHONUTF8")}
    env.update(LOCPATH=str(root), LANG="de_DE.ISO-8859-1", TZ="UTC", ROADMAP_NOW=NOW)
    return env


@pytest.fixture(scope="module")
def curriculum(tmp_path_factory) -> Path:
    """tests/data/small.toml with a skill, a category and a milestone named with non-ASCII characters."""
    p = tmp_path_factory.mktemp("cur") / "umlaut.toml"
    text = SMALL.read_text(encoding="utf-8")
    text = text.replace('name = "Calculus"', f'name = "{NAME}"').replace('name = "Mathematics"',
                                                                         f'name = "{CATEGORY}"')
    p.write_text(text.replace('name = "Basics"', 'name = "Grundlagen für Übung"'), encoding="utf-8")
    return p


def run_all(env, tmp: Path, commands: list[list[str]]) -> list[tuple[object, bytes, bytes]]:
    """Run each command in one child interpreter under ``env``; (exit code, stdout bytes, stderr bytes)."""
    out = tmp / f"out{len(list(tmp.glob('out*')))}"
    out.mkdir()
    r = subprocess.run([sys.executable, "-c", DRIVER, str(out), json.dumps(commands)], env=env,
                       capture_output=True, timeout=600)
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    encoding, *codes = json.loads(r.stdout)
    assert encoding.replace("-", "").lower() in ("iso88591", "latin1"), f"locale not in effect: {encoding}"
    return [(c, (out / f"{n}.out").read_bytes(), (out / f"{n}.err").read_bytes()) for n, c in enumerate(codes)]


def test_ascii_fallbacks_keep_width():
    for glyph in "○●◐⊘✓—–…→█░▇":
        assert len(wording.ascii_fallback(glyph)) == 1 and wording.ascii_fallback(glyph).isascii()
    assert wording.ascii_fallback("│") == "|" and wording.ascii_fallback("─") == "-"
    assert wording.ascii_fallback("╭") == "+"
    assert wording.ascii_fallback("漢") == "??"
    assert all(wording.ascii_fallback(g).isascii() for g in wording.STATE_GLYPHS.values())


@pytest.mark.slow
def test_every_command_under_latin1(latin1_env, curriculum, tmp_path):
    db = tmp_path / "roadmap.db"
    base = ["--db", str(db), "--curriculum", str(curriculum)]
    setup = [["learn", "algebra"], ["off", "add", "2026-12-24", "2027-01-02", "--note", NOTE]]
    text_cmds = [["validate"], ["status"], ["plan"], ["next"], ["milestones"], ["forecast"], ["due"], ["config"],
                 ["week"], ["off", "list"], ["start", "calculus"], ["graph", "--help"]]
    machine = [["status", "--format", "json"], ["plan", "--format", "json"], ["next", "--format", "json"],
               ["milestones", "--format", "json"], ["due", "--format", "json"], ["forecast", "--format", "json"],
               ["week", "--format", "json"], ["week", "--format", "markdown"], ["week", "--format", "ics"],
               ["graph"], ["graph", "--format", "dot"], ["export"]]
    export_file = tmp_path / "backup.json"
    after = [["export", "-o", str(export_file)], ["learn", "nosuch-Übung"]]
    results = run_all(latin1_env, tmp_path, [base + c for c in setup + text_cmds + machine + after])
    for (code, out, err), cmd in zip(results, setup + text_cmds + machine + after):
        assert b"Traceback" not in err and b"UnicodeEncodeError" not in err, (cmd, err)
        assert code == (2 if cmd[1:2] == ["nosuch-Übung"] else 0), (cmd, code, err)

    by_cmd = {" ".join(c): (out, err) for c, (_, out, err) in zip(setup + text_cmds + machine + after, results)}
    # Text for people: the locale's own bytes for what Latin-1 has, ASCII stand-ins for the rest.
    latin1 = "für Übungen - Maße > Grüße".encode("latin-1")
    for cmd in ("plan", "next", "week", "start calculus"):
        out = by_cmd[cmd][0]
        assert latin1 in out, (cmd, out)
        assert "für".encode() not in out and b"\xe2" not in out, cmd  # no UTF-8 sequence leaks into Latin-1 text
    assert CATEGORY.encode("latin-1") in by_cmd["status"][0]
    assert "Grundlagen für Übung".encode("latin-1") in by_cmd["milestones"][0]
    assert NOTE.replace("—", "-").encode("latin-1") in by_cmd["off list"][0]
    assert b"ok - " in by_cmd["validate"][0]
    assert b"v learned, ! fading, ~ in progress, o ready" in b" ".join(by_cmd["graph --help"][0].split())
    assert "nosuch-Übung".encode("latin-1") in by_cmd["learn nosuch-Übung"][1]

    # Machine formats: UTF-8 bytes, whatever the locale.
    for cmd in (" ".join(c) for c in machine):
        out = by_cmd[cmd][0]
        decoded = out.decode("utf-8")  # raises if any byte is not UTF-8
        if cmd.startswith(("plan", "next", "graph", "week --format markdown", "week --format ics")):
            assert NAME in decoded, cmd
    assert json.loads(by_cmd["plan --format json"][0])[0]["name"] == NAME
    status = json.loads(by_cmd["status --format json"][0])
    assert CATEGORY in [c["name"] for c in status["categories"]]
    exported = by_cmd["export"][0]
    assert NOTE.encode("utf-8") in exported
    assert exported == export_file.read_bytes()  # `export > file` and `export -o file` write the same bytes

    # The backup written through standard output imports, and round-trips.
    piped = tmp_path / "piped.json"
    piped.write_bytes(exported)
    db2 = tmp_path / "restored.db"
    base2 = ["--db", str(db2), "--curriculum", str(curriculum)]
    (code, out, err), (code2, again, _) = run_all(latin1_env, tmp_path,
                                                   [base2 + ["import", str(piped)], base2 + ["export"]])
    assert code == 0 and b"Imported" in out, err
    assert code2 == 0 and json.loads(again)["time_off"] == json.loads(exported)["time_off"]


@pytest.mark.slow
def test_app_starts_under_latin1(latin1_env, curriculum, tmp_path):
    """The app opens under the ISO-8859-1 locale, drawn in ASCII stand-ins (no escaped code points), and quits."""
    tmux = shutil.which("tmux")
    if tmux is None:
        pytest.skip("tmux is missing; it runs the app in a terminal of known size")
    socket = f"roadmap-test-{os.getpid()}"
    exe = Path(sys.executable).with_name("roadmap")
    # A setting stored first: the database is not empty, so the app opens on Today (not the first-run Setup),
    # whose milestones panel -- drawn once the planner is done, after the due count -- names "Grundlagen".
    app_args = f"{exe} --db {tmp_path / 'app.db'} --curriculum {curriculum}"
    command = (f"env LOCPATH={latin1_env['LOCPATH']} LANG=de_DE.ISO-8859-1 TZ=UTC ROADMAP_NOW={NOW} "
               f"sh -c '{app_args} config weekly_hours 10 >/dev/null && {app_args}'; echo EXIT=$?; sleep 600")
    env = {k: v for k, v in latin1_env.items() if k not in ("LOCPATH", "LANG")}
    env["LANG"] = "C.UTF-8"

    def screen() -> str:
        return subprocess.run([tmux, "-L", socket, "capture-pane", "-p", "-t", "app"], env=env,
                              capture_output=True, text=True, errors="replace").stdout

    def wait_for(text: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s = screen()
            if text in s:
                return s
            time.sleep(0.2)  # polling for a state, not waiting a fixed time
        raise AssertionError(f"{text!r} never appeared on the screen:\n{screen()}")

    subprocess.run([tmux, "-L", socket, "new-session", "-d", "-s", "app", "-x", "80", "-y", "24", command],
                   env=env, check=True)
    try:
        s = wait_for("Grundlagen")  # the data, not only the frame: the screen says "Loading." first
        assert "Next up" in s and "Milestones" in s and "Traceback" not in s
        assert "\\u" not in s, s  # no backslash-escaped code points breaking the layout
        subprocess.run([tmux, "-L", socket, "send-keys", "-t", "app", "q"], env=env, check=True)
        assert "EXIT=0" in wait_for("EXIT=")
    finally:
        subprocess.run([tmux, "-L", socket, "kill-server"], env=env, capture_output=True)
