"""Run the app headless on $ROADMAP_DB: print 'painted' when Today shows its data, then
time rating keys in the review session. Used by benchmarks/run.py."""

import asyncio
import json
import sys
import time


async def main() -> None:
    from roadmap.tui.app import RoadmapApp
    from roadmap.workspace import Workspace

    app = RoadmapApp(Workspace())
    async with app.run_test(size=(100, 30)) as pilot:
        while getattr(app.screen, "ov", None) is None:
            await asyncio.sleep(0.002)
        await pilot.pause()
        print("painted", flush=True)
        ratings = []
        if app.screen.ov.due:
            await pilot.press("r")
            screen = app.screen
            for _ in range(5):
                while not screen.outcomes or screen.busy:
                    await asyncio.sleep(0.001)
                if screen.current is None:
                    break
                before = screen.index
                t0 = time.perf_counter()
                await pilot.press("3")
                while screen.index == before or (screen.current is not None and not screen.outcomes):
                    await asyncio.sleep(0.0005)
                ratings.append(time.perf_counter() - t0)
        print(json.dumps({"rating_s": ratings}), flush=True)


asyncio.run(main())
sys.exit(0)
