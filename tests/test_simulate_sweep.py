"""The credit sweep's quick mode writes a valid SVG and JSON; its comparison interpolates at equal retention."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import SMALL

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import credit_sweep  # noqa: E402


def test_interpolation_and_saving():
    assert credit_sweep.interpolate([0.8, 0.9], [100, 200], 0.85) == pytest.approx(150)
    assert credit_sweep.interpolate([0.8, 0.9], [100, 200], 0.95) is None
    row = lambda rev, ret: {"reviews": rev, "retention": ret, "low_share": 0.01}  # noqa: E731
    runs = {"off": {0.8: [row(100, 0.80)] * 3, 0.9: [row(200, 0.90)] * 3},
            "on": {0.8: [row(75, 0.80)] * 3, 0.9: [row(150, 0.90)] * 3}}
    out = credit_sweep.compare(runs, 3, (0.85,), boot=20, seed=0)["0.85"]
    assert out["saving"] == pytest.approx(0.25)
    assert out["low_share_diff_points"] == pytest.approx(0.0)
    assert out["saving_ci95"] == pytest.approx([0.25, 0.25])


@pytest.mark.slow
def test_quick_sweep_writes_svg_and_json(tmp_path):
    out = tmp_path / "credit.svg"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "credit_sweep.py"), "--quick", "--arms", "off",
                           "--curriculum", str(SMALL), "--out", str(out), "--jobs", "1"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert ET.parse(out).getroot().tag.endswith("svg")
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    off = data["arms"]["off"]
    assert len(off["retention"]) == len(off["reviews"]) == 3
    assert off["reviews"] == sorted(off["reviews"])  # higher desired retention, more reviews
    assert data["comparison"] is None
