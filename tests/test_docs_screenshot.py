"""docs/screenshot.py (the README's picture of the Today screen) still runs on the bundled curriculum."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "docs" / "screenshot.py"


@pytest.mark.skipif(not SCRIPT.exists(), reason="docs/ is not part of an installed copy")
async def test_the_readme_screenshot_can_be_made_again(tmp_path):
    spec = importlib.util.spec_from_file_location("screenshot", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "today.svg"
    await module.main(out)
    svg = out.read_text()
    text = svg.replace("&#160;", " ")
    assert "checks&#160;to&#160;review" in svg or "checks to review" in text  # the queue
    assert "Next up" in text and "Milestones" in text and "planning" not in text  # and the plan
