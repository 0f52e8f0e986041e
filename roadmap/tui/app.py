"""The roadmap terminal app.

``RoadmapApp(workspace, clock=...)`` is built by the CLI (``roadmap`` with no
command) and by tests, which inject a workspace on a temporary database and a
frozen clock. Screens read through core functions in thread workers and
update from messages; writes go through one core function in one transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Provider

from roadmap import clock as clock_mod
from roadmap.errors import RoadmapError
from roadmap.status import Status
from roadmap.workspace import Workspace


SCREEN_COMMANDS = [
    ("Today", "The daily screen: due reviews, next skills, milestones", "today"),
    ("Review due skills", "Start the review session", "review"),
    ("Browse the roadmap", "All skills by category, with search and filters", "browse"),
    ("Week plan", "The coming weeks' study blocks and reviews", "week"),
    ("Milestones", "Progress, forecasts and targets", "milestones"),
    ("Stats", "Review heatmap, forecast, retention", "stats"),
    ("Cohort", "A mentor's mentees, most at risk first", "cohort"),
    ("Settings", "Weekly hours, study days, retention, time zone…", "settings"),
    ("Setup", "First-run setup: hours, study days, time zone, target, what you already know", "setup"),
    ("Placement diagnostic", "At most 25 questions find what you already know", "placement"),
]


class RoadmapCommands(Provider):
    """Command palette: this screen's actions, the other screens, and every skill by name."""

    def _commands(self):
        app: RoadmapApp = self.app  # type: ignore[assignment]
        screen = self.screen
        for b in getattr(screen, "BINDINGS", []):
            if isinstance(b, Binding) and b.description and b.action not in ("app.pop_screen", "back"):
                yield (f"{b.description} ({screen.TITLE})", b.tooltip or b.description,
                       (lambda action=b.action, screen=screen: app.call_later(app.run_action, action, screen)))
        for name, help_, action in SCREEN_COMMANDS:
            yield name, help_, (lambda action=action: app.call_later(app.run_action, action))
        cur = app.workspace.curriculum
        for sid, sk in cur.skills.items():
            yield f"Skill: {sk.name}", f"{sid} · {cur.category_name(sk.category)}", \
                (lambda sid=sid: app.action_show_skill(sid))

    async def discover(self):
        for name, help_, cb in list(self._commands()):
            if not name.startswith("Skill: "):
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
        Binding("t", "today", "Today", id="app.today", show=False, tooltip="The Today screen"),
        Binding("b", "browse", "Browse", id="app.browse", show=False, tooltip="All skills, with search and filters"),
        Binding("w", "week", "Week", id="app.week", show=False, tooltip="The weekly plan"),
        Binding("m", "milestones", "Milestones", id="app.milestones", show=False,
                tooltip="Milestone progress, forecasts and targets"),
        Binding("v", "stats", "Stats", id="app.stats", show=False, tooltip="Heatmap, forecast, retention"),
        Binding("c", "cohort", "Cohort", id="app.cohort", show=False,
                tooltip="Your mentees, most at risk first (team database)"),
        Binding("comma", "settings", "Settings", id="app.settings", show=False, key_display=",",
                tooltip="Change settings"),
        Binding("ctrl+p", "command_palette", "Commands", id="app.commands", show=False,
                tooltip="Jump to a screen, an action or a skill by name"),
    ]
    POLL_SECONDS = 2.0
    MIN_WIDTH, MIN_HEIGHT = 60, 18

    def __init__(self, workspace: Workspace, clock: Callable[[], datetime] | None = None, *,
                 offer_setup: bool = False) -> None:
        super().__init__()
        self.workspace = workspace
        self.offer_setup = offer_setup  # open the Setup screen first when the database is empty
        self._clock = clock or clock_mod.now
        # Taken before any screen reads, so a write made in between shows at the first poll. On a server it
        # is a query: one round trip before the app starts (the command line has just connected anyway);
        # if it fails, the first poll's answer counts as a change.
        self._db_stamp: tuple | None = None
        self._restamp()
        self._polling = False  # a server poll in flight: a hung server never gets a second one

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = False) -> None:
        """Notifications show text as written (skill names and values may contain brackets)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def action_help_quit(self) -> None:
        """Ctrl+C does not quit: say which key does, in plain text (Textual's own note uses markup)."""
        keys = [key for key, active in self.active_bindings.items() if active.binding.action in ("quit", "app.quit")]
        self.notify(f"Press {min(keys, key=len) if keys else 'q'} to quit the app", title="Do you want to quit?")

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # Behind the "terminal too small" note, only quitting works.
        from roadmap.tui.screens.too_small import TooSmallScreen

        if isinstance(self.screen, TooSmallScreen) and action not in ("quit",):
            return False
        return True

    def now(self) -> datetime:
        """The current instant (UTC), from the injected clock."""
        return self._clock()

    def on_mount(self) -> None:
        from roadmap.tui.screens.today import TodayScreen

        self.workspace.apply_renames()
        self.push_screen(TodayScreen())
        self.set_interval(self.POLL_SECONDS, self._poll_database)
        self._check_size()
        if self.offer_setup:
            self._offer_setup()

    @work(thread=True, exclusive=True, group="first-run", exit_on_error=False)
    def _offer_setup(self) -> None:
        from roadmap.actions.setup import is_first_run

        if is_first_run(self.workspace):
            self.call_from_thread(self.action_setup)

    def on_worker_state_changed(self, event) -> None:
        """The app's own workers: see :meth:`show_worker_error`."""
        self.show_worker_error(event)

    def show_worker_error(self, event) -> None:
        """A worker that failed shows its error as a notification; the app keeps running. Screens
        forward their workers' state changes here (the message does not bubble from a screen to the
        app): :class:`roadmap.tui.screens.base.WorkerErrors`."""
        from textual.worker import WorkerState

        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, RoadmapError):
            self.notify(str(error), title="Not done", severity="error", timeout=10)
        else:
            self.log.error(repr(error))
            self.notify(f"Unexpected error: {error!r}. Nothing was changed; please report it.",
                        title="Error", severity="error", timeout=15)

    # -- noticing other processes' writes ---------------------------------------
    def _stamp(self) -> tuple:
        """The database's change stamp (:func:`roadmap.actions.watch.database_stamp`); on a server it is a
        query: called from worker threads (after a write) and from the poll's worker, never the UI thread."""
        from roadmap.actions.watch import database_stamp

        return database_stamp(self.workspace)

    def _poll_database(self) -> None:
        if self.workspace.database_file is None:  # a database server (team mode): ask it, off the UI thread
            if not self._polling:
                self._polling = True
                self._poll_server()
            return
        self._compare_stamp(self._stamp())

    @work(thread=True, group="poll", exit_on_error=False)
    def _poll_server(self) -> None:
        try:
            stamp = self._stamp()
        except Exception as e:  # the server is away: the screens' own reads say so; try again next time
            self.log.warning(f"database poll: {e!r}")
            stamp = None
        self.call_from_thread(self._compare_stamp, stamp)

    def _restamp(self) -> None:
        """After the app's own write (in its worker thread): take the new stamp, so the write does not
        read as another process's. A server that cannot answer leaves the old stamp (one extra reload)."""
        try:
            self._db_stamp = self._stamp()
        except Exception as e:
            self.log.warning(f"database stamp: {e!r}")

    def _compare_stamp(self, stamp: tuple | None) -> None:
        """A poll's answer (None: the server did not answer): re-read the screen when the stamp moved, or
        when there was no stamp to compare with (the data may have changed unseen)."""
        self._polling = False
        if stamp is None:
            return
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

    @work(thread=True, group="write", exit_on_error=False)
    def _change_status(self, skill_ids, status, force, then) -> None:
        from roadmap import wording
        from roadmap.actions.skills import set_status

        from roadmap.progress import PrerequisitesMissing

        try:
            changes = set_status(self.workspace, skill_ids, status, now=self.now(), force=force)
        except PrerequisitesMissing as e:
            # The same refusal as `roadmap learn`; the app's way past it is the CLI's --force.
            self.call_from_thread(self._confirm_force, skill_ids, status, str(e), then)
            return
        except RoadmapError as e:
            self.call_from_thread(self.notify, str(e), title="Not changed", severity="error", timeout=8)
            return
        for c in changes:
            msg = f"{c.name}: already {wording.status_word(c.after)}" if not c.changed else \
                f"{c.name}: {wording.STATUS_DONE_WORDS[c.after]}"
            if c.first_review is not None:
                msg += f"; first review {wording.day_text(c.first_review)}"
            if c.left_review:
                msg += " (it leaves spaced review; its history is kept)"
            if c.missing_prerequisites:
                self.call_from_thread(self.notify, wording.missing_prerequisites_text(c.skill_id,
                                                                                      c.missing_prerequisites)
                                      + " (not learned or skipped yet)", title=msg, severity="warning", timeout=8)
            else:
                self.call_from_thread(self.notify, msg, timeout=4)
        self._restamp()
        if then is not None:
            self.call_from_thread(then)

    def _confirm_force(self, skill_ids, status, refusal: str, then) -> None:
        """Ask "learn anyway?" after a refusal for missing prerequisites; yes changes it with force."""
        from roadmap.tui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.change_status(skill_ids, status, force=True, then=then)

        verb = {Status.LEARNED: "Learn", Status.IN_PROGRESS: "Start"}.get(status, "Change")
        self.push_screen(ConfirmScreen(f"{verb} anyway?", refusal.removesuffix("\nLearn or skip them first.")),
                         answered)

    def log_time(self, skill_id: str, hours: float, *, then: Callable[[], None] | None = None) -> None:
        """Log study time on a skill in a worker; notify the result; call ``then`` after."""
        self._log_time(skill_id, hours, then)

    @work(thread=True, group="write", exit_on_error=False)
    def _log_time(self, skill_id: str, hours: float, then) -> None:
        from roadmap import wording
        from roadmap.actions.skills import log_time

        out = log_time(self.workspace, skill_id, hours, now=self.now())
        self.call_from_thread(self.notify, f"{out.name}: logged {wording.duration_hours(out.hours)}, "
                              f"about {wording.duration_hours(out.hours_left)} left"
                              + ("; marked in progress" if out.started else ""), timeout=4)
        self._restamp()
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

    def _go(self, screen_type, make=None):
        """Show a screen: pop back to it if it is open, else open it above Today."""
        from roadmap.tui.screens.today import TodayScreen

        for i, sc in enumerate(self.screen_stack):
            if isinstance(sc, screen_type):
                while len(self.screen_stack) > i + 1:
                    self.pop_screen()
                return sc
        while len(self.screen_stack) > 2 and not isinstance(self.screen, TodayScreen):
            self.pop_screen()
        new = make() if make else screen_type()
        self.push_screen(new)
        return new

    def action_today(self) -> None:
        """Go back to the Today screen."""
        from roadmap.tui.screens.today import TodayScreen

        self._go(TodayScreen)

    def action_review(self) -> None:
        """Start the review session from Today."""
        from roadmap.tui.screens.today import TodayScreen

        today = self._go(TodayScreen)
        today.action_review()

    def action_browse(self) -> None:
        """Open the roadmap browser."""
        from roadmap.tui.screens.browser import BrowserScreen

        self._go(BrowserScreen)

    def action_week(self) -> None:
        """Open the weekly plan."""
        from roadmap.tui.screens.week import WeekScreen

        self._go(WeekScreen)

    def action_milestones(self) -> None:
        """Open the milestones."""
        from roadmap.tui.screens.milestones import MilestonesScreen

        self._go(MilestonesScreen)

    def action_stats(self) -> None:
        """Open the statistics."""
        from roadmap.tui.screens.stats import StatsScreen

        self._go(StatsScreen)

    def action_cohort(self) -> None:
        """Open the cohort view (a mentor's mentees)."""
        from roadmap.tui.screens.cohort import CohortScreen

        self._go(CohortScreen)

    def action_settings(self) -> None:
        """Open the settings."""
        from roadmap.tui.screens.settings import SettingsScreen

        self._go(SettingsScreen)

    def action_setup(self) -> None:
        """Open the Setup screen (weekly hours, study days, time zone, target, what you already know)."""
        from roadmap.tui.screens.setup import SetupScreen

        self._go(SetupScreen)

    def action_placement(self) -> None:
        """Open the placement diagnostic."""
        from roadmap.tui.screens.placement import PlacementScreen

        self._go(PlacementScreen)

    def learn_prior(self, skill_id: str, *, then: Callable[[], None] | None = None) -> None:
        """Learn ``skill_id`` with its prerequisites as prior knowledge: list exactly what would be marked,
        ask, then mark them (in workers); a toast names how many and how their first reviews are spread."""
        self._prior_preview(skill_id, then)

    @work(thread=True, group="write", exit_on_error=False)
    def _prior_preview(self, skill_id: str, then) -> None:
        from roadmap.actions.skills import prior_preview

        ids = prior_preview(self.workspace, [skill_id])
        self.call_from_thread(self._confirm_prior, skill_id, ids, then)

    def _confirm_prior(self, skill_id: str, ids: list[str], then) -> None:
        from roadmap import wording
        from roadmap.tui.screens.confirm import ConfirmScreen

        cur = self.workspace.curriculum
        if not ids:
            self.notify(f"{cur.skills[skill_id].name}: already learned or skipped, with its prerequisites.",
                        timeout=4)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._learn_prior(skill_id, then)

        detail = (f"Marks {wording.plural(len(ids), 'skill')} learned as prior knowledge (their first reviews "
                  "are spread over the next weeks):\n" + "\n".join(f"  {cur.skills[s].name} ({s})" for s in ids))
        self.push_screen(ConfirmScreen(f"Learn {cur.skills[skill_id].name} with its prerequisites?", detail),
                         answered)

    @work(thread=True, group="write", exit_on_error=False)
    def _learn_prior(self, skill_id: str, then) -> None:
        from roadmap import wording
        from roadmap.actions.skills import learn_prior
        from roadmap.tui.screens.setup import prior_spread_text

        changes = learn_prior(self.workspace, [skill_id], now=self.now())
        marked = [c for c in changes if c.changed]
        self.call_from_thread(self.notify, f"Marked {wording.plural(len(marked), 'skill')} learned as prior "
                              f"knowledge; {prior_spread_text(marked)}.", timeout=6)
        self._restamp()
        if then is not None:
            self.call_from_thread(then)

    def action_show_skill(self, skill_id: str) -> None:
        """Open the browser on a skill."""
        from roadmap.tui.screens.browser import BrowserScreen

        browser = self._go(BrowserScreen, lambda: BrowserScreen(select=skill_id))
        if browser.is_mounted:
            browser.select(skill_id)

    # -- too small -------------------------------------------------------------
    def on_resize(self, event) -> None:
        self._check_size(event.size)

    def _check_size(self, size=None) -> None:
        from roadmap.tui.screens.too_small import TooSmallScreen

        size = size or self.size
        small = size.width < self.MIN_WIDTH or size.height < self.MIN_HEIGHT
        if small and not isinstance(self.screen, TooSmallScreen):
            self.push_screen(TooSmallScreen(self.MIN_WIDTH, self.MIN_HEIGHT))
        elif not small and isinstance(self.screen, TooSmallScreen):
            self.pop_screen()
