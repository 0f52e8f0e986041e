"""Regenerate docs/screenshot.svg: the Today screen on the bundled curriculum with a demo learner.

Run from the repository root: python docs/screenshot.py [OUT.svg]
(tests/test_docs_screenshot.py runs it into a temporary file, so it keeps working as the curriculum changes).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from roadmap import review
from roadmap.models import Status
from roadmap.progress import set_status
from roadmap.settings import Settings
from roadmap.tui.app import RoadmapApp
from roadmap.workspace import Workspace

NOW = datetime(2026, 11, 29, 18, 0, tzinfo=UTC)
OUT = Path(__file__).with_name("screenshot.svg")


async def main(out: Path = OUT) -> None:
    """Write the screenshot to ``out`` (an SVG file)."""
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "demo.db")
        s0 = Settings(timezone="UTC")
        with ws.write() as s:
            set_status(s, ws.curriculum, ["python", "linear-algebra", "calculus", "probability-basics", "probability",
                                                                  "numpy"],
                       Status.LEARNED, now=NOW - timedelta(days=30), settings=s0)
            set_status(s, ws.curriculum, ["statistics", "pandas"], Status.IN_PROGRESS, now=NOW - timedelta(days=3),
                       settings=s0)
        for sid, r in [("python", 3), ("linear-algebra", 2), ("calculus", 3), ("probability", 1)]:
            with ws.write() as s:
                review.record(s, sid, r, now=NOW - timedelta(days=27), settings=s0,
                              check_id=review.check_ids_of(ws.curriculum.skills[sid])[0])
        app = RoadmapApp(ws, clock=lambda: NOW)
        async with app.run_test(size=(100, 30)) as pilot:
            for _ in range(3000):  # until the study plan is drawn (30 s at most)
                await app.workers.wait_for_complete()
                await pilot.pause()
                if getattr(app.screen, "ov", None) is not None:
                    break
            await pilot.pause()
            app.save_screenshot(str(out.name), path=str(out.parent))
        ws.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
