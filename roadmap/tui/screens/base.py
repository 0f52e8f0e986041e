"""Screen bases: data read in a worker and shown on the UI thread; skill tables with a detail panel."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable

from roadmap.actions.today import Overview, overview
from roadmap.status import Status
from roadmap.tui.widgets.skill_detail import SkillDetail


class WorkerErrors:
    """Mixin for screens that run workers: a worker that fails shows its error as a notification
    (Textual's ``Worker.StateChanged`` goes to the screen that started the worker and does not
    bubble to the app, whose handler would otherwise never see it)."""

    def on_worker_state_changed(self, event) -> None:
        self.app.show_worker_error(event)


class LoadingScreen(WorkerErrors, Screen):
    """A screen whose data comes from :meth:`read`, run in a thread worker (never touching widgets),
    and is drawn by :meth:`show` on the UI thread. ``action_reload`` (also called when another
    process changes the database) reads again."""

    class Loaded(Message):
        """Posted by the worker with what :meth:`read` returned."""

        def __init__(self, data: Any) -> None:
            self.data = data
            super().__init__()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        """Read the data again, in a worker."""
        self._load()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(self.read()))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.show(message.data)

    def read(self) -> Any:
        """Read what the screen shows (runs in a thread: core calls only, no widgets)."""
        raise NotImplementedError

    def show(self, data: Any) -> None:
        """Draw ``data`` (runs on the UI thread)."""
        raise NotImplementedError


class SkillListScreen(LoadingScreen):
    """A table of skills (``#{TABLE}``, row keys are skill ids) beside their detail (``#{DETAIL}``),
    with keys to change the selected skill's status."""

    TABLE = "skills"
    DETAIL = "detail"
    ov: Overview | None = None

    def read(self) -> Overview:
        return overview(self.app.workspace, now=self.app.now())

    def selected_id(self) -> str | None:
        """The skill id under the table's cursor, or None."""
        table = self.query_one(f"#{self.TABLE}", DataTable)
        if not table.row_count:
            return None
        try:
            return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:
            return None

    def empty_text(self) -> str | None:
        """What the detail panel says when the table is empty (None: the default hint)."""
        return None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == self.TABLE:
            self.show_detail()

    def show_detail(self) -> None:
        """Show the selected skill in the detail panel."""
        if self.ov is None:
            return
        detail = self.query_one(f"#{self.DETAIL}", SkillDetail)
        sid = self.selected_id()
        if sid is None and self.empty_text():
            detail.update(self.empty_text())
            return
        detail.show_skill(self.app.workspace.curriculum, sid, self.ov.statuses, logged=self.ov.logged,
                          card=self.ov.cards.get(sid) if sid else None, settings=self.ov.settings)

    def action_log_time(self) -> None:
        """Ask how long the selected skill was studied, and log it."""
        sid = self.selected_id()
        if sid is None:
            self.notify("No skill selected.", severity="warning")
            return
        from roadmap.tui.screens.log_time import LogTimeScreen

        def logged(hours: float | None) -> None:
            if hours:
                self.app.log_time(sid, hours, then=self.action_reload)

        self.app.push_screen(LogTimeScreen(self.app.workspace.curriculum.skills[sid].name), logged)

    def action_learn_prior(self) -> None:
        """Learn the selected skill with every prerequisite not learned yet, as prior knowledge (asks first)."""
        sid = self.selected_id()
        if sid is None:
            self.notify("No skill selected.", severity="warning")
            return
        self.app.learn_prior(sid, then=self.action_reload)

    def action_set_status(self, status: str) -> None:
        """Change the selected skill's status (persisted at once; refusals are notified)."""
        sid = self.selected_id()
        if sid is None:
            self.notify("No skill selected.", severity="warning")
            return
        self.app.change_status([sid], Status(status), then=self.action_reload)
