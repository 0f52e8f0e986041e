"""The roadmap terminal app.

``RoadmapApp(workspace, clock=...)`` is built by the CLI (``roadmap`` with no
command) and by tests, which inject a workspace on a temporary database and a
frozen clock. Screens read through core functions in thread workers and
update from messages; writes go through one core function in one transaction.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Callable

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Provider

from roadmap import clock as clock_mod
from roadmap.errors import RoadmapError
from roadmap.models import Status
from roadmap.workspace import Workspace


class RoadmapCommands(Provider):
    """Command palette: the screens, and every skill by name (opens it in the browser)."""

    def _commands(self):
        app: RoadmapApp = self.app  # type: ignore[assignment]
        yield "Today", "The daily screen", app.action_today
        yield "Review due skills", "Start the review session", app.action_review
        yield "Help: keys", "Every key on this screen", app.action_help
        for sid, sk in app.workspace.curriculum.skills.items():
            yield f"Skill: {sk.name}", f"{sid} — {app.workspace.curriculum.category_name(sk.category)}", \
                (lambda sid=sid: app.action_show_skill(sid))

    async def discover(self):
        for name, help_, cb in list(self._commands())[:3]:
            yield DiscoveryHit(name, cb, help=help_)

    async def search(self, query: str):
        matcher = self.matcher(query)
        for name, help_, cb in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), cb, help=help_)


class RoadmapApp(App):
    """The daily driver: Today, review, and the screens around them."""

    CSS_PATH = "app.tcss"
    TITLE = "roadmap"
    COMMANDS = App.COMMANDS | {RoadmapCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Leave roadmap (everything is already saved)"),
        Binding("question_mark,f1", "help", "Help", id="app.help", key_display="?",
                tooltip="Show every key of this screen"),
        Binding("ctrl+p", "command_palette", "Commands", id="app.commands", show=False,
                tooltip="Jump to a screen or a skill by name"),
    ]
    POLL_SECONDS = 2.0

    def __init__(self, workspace: Workspace, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self._clock = clock or clock_mod.now
        self._db_stamp = self._stamp()

    def now(self) -> datetime:
        """The current instant (UTC), from the injected clock."""
        return self._clock()

    def on_mount(self) -> None:
        from roadmap.tui.screens.today import TodayScreen

        self.push_screen(TodayScreen())
        self.set_interval(self.POLL_SECONDS, self._poll_database)

    # -- noticing other processes' writes ---------------------------------------
    def _stamp(self) -> tuple:
        path = self.workspace.engine.url.database
        out = []
        for suffix in ("", "-wal"):
            try:
                st = os.stat(str(path) + suffix)
                out.append((st.st_mtime_ns, st.st_size))
            except OSError:
                out.append(None)
        return tuple(out)

    def _poll_database(self) -> None:
        stamp = self._stamp()
        if stamp != self._db_stamp:
            self._db_stamp = stamp
            self.refresh_data()

    def refresh_data(self) -> None:
        """Ask the current screen to re-read the database, if it can."""
        reload = getattr(self.screen, "action_reload", None)
        if reload is not None:
            reload()

    # -- writes -----------------------------------------------------------------
    def change_status(self, skill_ids: list[str], status: Status, *, force: bool = False,
                      then: Callable[[], None] | None = None) -> None:
        """Set the status of skills in a worker; notify the result; call ``then`` after."""
        self._change_status(skill_ids, status, force, then)

    @work(thread=True, group="write")
    def _change_status(self, skill_ids, status, force, then) -> None:
        from roadmap import settings as sm
        from roadmap.progress import set_status

        try:
            with self.workspace.write() as s:
                changes = set_status(s, self.workspace.curriculum, skill_ids, status, now=self.now(),
                                     settings=sm.load(s), force=force)
        except RoadmapError as e:
            self.call_from_thread(self.notify, str(e), title="Not changed", severity="error", timeout=8)
            return
        words = {"in_progress": "in progress", "learned": "learned — first review in a few days",
                 "skipped": "skipped", "not_started": "reset"}
        for c in changes:
            name = self.workspace.curriculum.skills[c.skill_id].name
            msg = f"{name}: already {c.after.value.replace('_', ' ')}" if c.before == c.after else \
                f"{name}: {words[c.after.value]}"
            self.call_from_thread(self.notify, msg, timeout=4)
        self._db_stamp = self._stamp()
        if then is not None:
            self.call_from_thread(then)

    # -- navigation -------------------------------------------------------------
    def action_help(self) -> None:
        """Show the keys of the current screen."""
        from roadmap.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen(self.screen))

    def action_today(self) -> None:
        """Go back to the Today screen."""
        from roadmap.tui.screens.today import TodayScreen

        while len(self.screen_stack) > 2 or not isinstance(self.screen, TodayScreen):
            if len(self.screen_stack) <= 2:
                break
            self.pop_screen()

    def action_review(self) -> None:
        """Start the review session from Today."""
        self.action_today()
        review = getattr(self.screen, "action_review", None)
        if review:
            review()

    def action_show_skill(self, skill_id: str) -> None:
        """Select a skill on the Today screen if it is listed there (the browser shows all)."""
        self.notify(f"{self.workspace.curriculum.skills[skill_id].name}: see the browser (b)", timeout=3)


def run(workspace: Workspace) -> None:
    """Run the app on a workspace until the user quits."""
    RoadmapApp(workspace).run()



