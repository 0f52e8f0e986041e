"""TUI fixtures: an app factory on a temporary database with a frozen clock, and a guard that
fails any app test during which the app showed an error notification it did not expect."""

from __future__ import annotations

import re

import pytest
from textual.app import App

from roadmap.tui.app import RoadmapApp

from conftest import NOW


@pytest.fixture(autouse=True)
def error_notifications(request, monkeypatch):
    """Fail the test if the app shows an error-severity notification (a failed background read
    or write only shows a toast; the test must not pass over it).

    A test that expects errors says so with ``@pytest.mark.error_notification("regex")``: then
    every error shown must match the regex, and at least one must be shown. The fixture's value
    is the list of ``(severity, title, message)`` of every notification shown, in order.
    """
    shown: list[tuple[str, str, str]] = []
    original = App.notify

    def notify(self, message, *, title="", severity="information", **kwargs):
        shown.append((str(severity), str(title), str(message)))
        return original(self, message, title=title, severity=severity, **kwargs)

    monkeypatch.setattr(App, "notify", notify)
    yield shown
    errors = [f"{title}: {message}" if title else message for severity, title, message in shown
              if severity == "error"]
    marker = request.node.get_closest_marker("error_notification")
    if marker is None:
        if errors:
            pytest.fail("the app showed an error notification: " + " | ".join(errors), pytrace=False)
        return
    pattern = re.compile(marker.args[0])
    unexpected = [e for e in errors if not pattern.search(e)]
    if unexpected:
        pytest.fail(f"the app showed an error notification not matching {pattern.pattern!r}: "
                    + " | ".join(unexpected), pytrace=False)
    if not errors:
        pytest.fail(f"the test expects an error notification matching {pattern.pattern!r}, none was shown",
                    pytrace=False)


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch):
    """Input cursors do not blink in tests: whether a screenshot catches the cursor on or off
    otherwise depends on how long the machine took to get there (snapshots flake under load)."""
    from textual.widgets import Input

    def keep_visible(self) -> None:
        self._cursor_visible = True

    monkeypatch.setattr(Input, "_toggle_cursor", keep_visible)


@pytest.fixture
def make_app(ws):
    """make_app(now=NOW) -> RoadmapApp on the small curriculum and a fresh database."""

    def _make(now=NOW):
        return RoadmapApp(ws, clock=lambda: now)

    return _make


async def settle(pilot) -> None:
    """Wait until workers are done and the screen has processed their messages. A worker that failed
    raises (WorkerFailed); one cancelled is expected: a screen's exclusive read is cancelled when a newer
    one supersedes it (a write reloads the screen, and so does noticing that the database changed)."""
    import asyncio

    from textual.worker import WorkerCancelled

    for _ in range(3):
        for outcome in await asyncio.gather(*(w.wait() for w in list(pilot.app.workers)), return_exceptions=True):
            if isinstance(outcome, BaseException) and not isinstance(outcome, WorkerCancelled):
                raise outcome
        await pilot.pause()


def text_of(widget) -> str:
    """The plain text a widget renders (markup and tables included)."""
    from rich.console import Console

    console = Console(width=max(40, widget.size.width or 100), record=True, file=open("/dev/null", "w"))
    rendered = widget.render()
    rendered = getattr(rendered, "_renderable", rendered)  # a Rich renderable wrapped by Textual
    console.print(rendered if not hasattr(rendered, "plain") else rendered.plain)
    return console.export_text()


@pytest.fixture(autouse=True)
def brisk_pilot(monkeypatch):
    """Pilot waits for the app to go idle after every key press and pause by sleeping in steps of
    ``textual._wait.SLEEP_GRANULARITY`` (20 ms) until a step used almost no CPU: two steps per key, so a
    test that types spends most of its time asleep. Steps of 4 ms (idle: under 0.2 ms of CPU in a step)
    detect the same idleness; the tests never rely on it for background work (:func:`settle` waits for
    the app's workers explicitly)."""
    import textual._wait as wait

    monkeypatch.setattr(wait, "SLEEP_GRANULARITY", 0.004)
    monkeypatch.setattr(wait, "SLEEP_IDLE", 0.0002)
