"""Run the app headless on $ROADMAP_DB: print 'painted' when Today shows its data, then
time rating keys in the review session. Used by benchmarks/run.py.

The rating latency is measured inside the app: from the moment the screen's
rate action starts (the key has been dispatched) to the moment after the next
skill's choices are on screen (the first refresh after they were set), so it
excludes the test driver's own waiting.
"""

import asyncio
import json
import sys
import time


async def main() -> None:
    from roadmap.tui.app import RoadmapApp
    from roadmap.tui.screens.review import ReviewScreen
    from roadmap.workspace import Workspace

    marks: dict[str, float] = {}
    rate, show = ReviewScreen.action_rate, ReviewScreen._show_choices

    def timed_rate(self, rating):
        marks["t0"] = time.perf_counter()
        return rate(self, rating)

    def timed_show(self, message):
        show(self, message)
        self.call_after_refresh(lambda: marks.__setitem__("t1", time.perf_counter()))

    ReviewScreen.action_rate, ReviewScreen._show_choices = timed_rate, timed_show

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
                if screen.current is None or screen.index + 1 >= len(screen.queue):
                    break
                marks.clear()
                await pilot.press("3")
                while "t1" not in marks:
                    await asyncio.sleep(0.001)
                ratings.append(marks["t1"] - marks["t0"])
        print(json.dumps({"rating_s": ratings}), flush=True)


asyncio.run(main())
sys.exit(0)
