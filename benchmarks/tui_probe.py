"""Run the app headless on $ROADMAP_DB: print 'painted' when Today shows the due count and the
review queue (the study plan and milestones follow from a worker), then time rating keys in the
review session. Used by benchmarks/run.py.

The rating latency is measured inside the app: from the moment the rating key
is handed to the app (as the terminal driver hands it over) to the first screen
refresh after the next check's prompt is shown (the rating recorded and the
screen redrawn). The key is sent without Textual's test pilot, whose press waits
for the process to look idle in 20 ms steps (about 100 ms a key, which an
earlier version of this probe counted as latency). Every wait has a deadline,
so a probe that cannot go on says so and exits instead of hanging.
"""

import asyncio
import json
import os
import sys
import time


def say(line: str) -> None:
    """Write a line to the real stdout (file descriptor 1): the running app may capture print()."""
    os.write(1, (line + "\n").encode())


async def main() -> None:
    from textual import events

    from roadmap import runtime
    from roadmap.tui.app import RoadmapApp
    from roadmap.tui.screens.review import ReviewScreen
    from roadmap.workspace import Workspace

    async def until(condition, what: str, seconds: float = 60.0) -> None:
        """Wait for ``condition()``; a probe that cannot go on stops with a message instead of hanging."""
        deadline = time.perf_counter() + seconds
        while not condition():
            if time.perf_counter() > deadline:
                say(json.dumps({"error": f"timed out waiting for {what}"}))
                sys.exit(1)
            await asyncio.sleep(0.002)

    runtime.FREEZE_AFTER_LOAD = True  # as the console script sets it (roadmap.cli.main)
    app = RoadmapApp(Workspace())
    async with app.run_test(size=(100, 30)) as pilot:
        # the screen has refreshed with the due count and the queue (its flag is set after that refresh)
        await until(lambda: getattr(app.screen, "painted", False), "the Today screen's due count and queue")
        say("painted")
        await until(lambda: app.screen.ov is not None, "the Today screen's plan")  # ratings with nothing else running
        await app.workers.wait_for_complete()
        ratings = []
        if app.screen.ov.due:
            await pilot.press("r")
            await until(lambda: isinstance(app.screen, ReviewScreen), "the review screen")
            screen = app.screen
            for _ in range(5):
                if screen.current_card is None or screen.index + 1 >= len(screen.cards):
                    break
                await pilot.press("space")  # reveal the answer key; the rating choices follow
                await until(lambda: screen.outcomes and not screen.busy, "the rating choices")
                index = screen.index
                key = events.Key("3", "3")
                key.set_sender(app)
                t0 = time.perf_counter()
                app._driver.send_message(key)  # as a terminal's key arrives (Pilot.press does the same, then waits)
                # from the rating key to the next check on screen (its prompt, before the reveal)
                await until(lambda: screen.index > index and not screen.busy, "the next check")
                drawn = asyncio.Event()
                app.call_after_refresh(drawn.set)
                await asyncio.wait_for(drawn.wait(), 60)
                ratings.append(time.perf_counter() - t0)
        say(json.dumps({"rating_s": ratings}))


asyncio.run(main())
sys.exit(0)
