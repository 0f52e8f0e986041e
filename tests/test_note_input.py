"""`roadmap note` on bad input: one message, exit 2, nothing changed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.slow
@pytest.mark.parametrize("env, args", [
    ({"EDITOR": 'vim "unterminated'}, []),
    ({"EDITOR": "false"}, []),
    ({}, ["--text", "bad \udcff utf"]),
])
def test_bad_editor_or_text_is_a_message_and_exit_2(tmp_path, env, args):
    base = {k: v for k, v in os.environ.items() if k not in ("EDITOR", "VISUAL")}
    base.update(ROADMAP_DB=str(tmp_path / "n.db"), ROADMAP_NOW="2026-03-01T09:00:00+00:00", **env)
    cmd = [sys.executable, "-m", "roadmap"]
    assert subprocess.run(cmd + ["note", "python", "--text", "kept"], env=base, capture_output=True).returncode == 0
    r = subprocess.run(cmd + ["note", "python", *args], env=base, capture_output=True, text=True,
                       errors="surrogateescape")
    assert r.returncode == 2 and r.stderr.startswith("roadmap: ") and "Traceback" not in r.stderr, r.stderr
    shown = subprocess.run(cmd + ["note", "python", "--show"], env=base, capture_output=True, text=True)
    assert shown.stdout.strip() == "kept"
