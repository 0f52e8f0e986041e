"""The review session: one due skill at a time, rated 1-4 with the next interval shown."""

from __future__ import annotations

import time

from rich.table import Table
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from roadmap import wording
from roadmap.errors import RoadmapError
from roadmap.tui.widgets.skill_detail import skill_markup
from roadmap.tui.widgets.title_bar import TitleBar
from roadmap.tui.widgets.text import esc as escape

LABELS = wording.RATING_LABELS


class ReviewScreen(Screen):
    """Review the given skills in order; each rating is recorded at once."""

    TITLE = "Review"
    BINDINGS = [
        Binding("1", "rate(1)", "Again", id="review.again", tooltip="Forgot it: see it again soon"),
        Binding("2", "rate(2)", "Hard", id="review.hard", tooltip="Recalled with serious effort"),
        Binding("3", "rate(3)", "Good", id="review.good", tooltip="Recalled after some thought"),
        Binding("4", "rate(4)", "Easy", id="review.easy", tooltip="Recalled at once"),
        Binding("d", "toggle_details", "Details", id="review.details",
                tooltip="Show or hide the description and resources"),
        Binding("u", "undo", "Undo", id="review.undo", tooltip="Undo the last rating"),
        Binding("escape", "app.pop_screen", "Done", id="review.done", tooltip="Leave the review session"),
    ]

    class Previewed(Message):
        """Posted by the preview worker: the outcomes of each rating for a skill."""

        def __init__(self, skill_id: str, outcomes: dict) -> None:
            self.skill_id = skill_id
            self.outcomes = outcomes
            super().__init__()

    def __init__(self, queue: list[str]) -> None:
        super().__init__()
        self.queue = list(queue)
        self.index = 0
        self.done = 0
        self.details = False
        self.outcomes: dict = {}  # rating (1-4) to its outcome (due_day, interval_days)
        self.shown_at = self.started = time.monotonic()
        self.busy = False
        self.ratings: dict[int, int] = {}

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="review-progress")
        with VerticalScroll(id="review-card"):
            yield Static(id="review-body")
        yield Static(id="review-choices")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self._show_current()

    @property
    def current(self) -> str | None:
        """The skill being reviewed, or None when the queue is done."""
        return self.queue[self.index] if self.index < len(self.queue) else None

    def _show_current(self, outcomes: dict | None = None) -> None:
        cur = self.app.workspace.curriculum
        sid = self.current
        progress = self.query_one("#review-progress", Static)
        body = self.query_one("#review-body", Static)
        choices = self.query_one("#review-choices", Static)
        if sid is None:
            minutes = (time.monotonic() - self.started) / 60
            counts = ", ".join(f"{n} {LABELS[r]}" for r, n in sorted(self.ratings.items()) if n)
            progress.update(f"Session done: {self.done} reviewed in {minutes:.0f} min.")
            body.update("[b]All reviews for today are done.[/b]\n\n"
                        + (f"Ratings: {counts}.\n\n" if counts else "")
                        + "Press [b]Esc[/b] to go back to Today, or [b]u[/b] to undo the last rating.")
            choices.update("")
            return
        progress.update(f"Review {self.index + 1} of {len(self.queue)}")
        sk = cur.skills[sid]
        if self.details:
            from roadmap.status import Status

            text = skill_markup(cur, sid, {sid: Status.LEARNED}, show_checks=True)
        else:
            text = (f"[b]{escape(sk.name)}[/b]  [dim]{sid}[/dim]\n\nAnswer to yourself, then rate how well you "
                    "recalled it:\n\n" + "\n".join(f" • {escape(c)}" for c in sk.checks))
        body.update(text)
        self.shown_at = time.monotonic()
        if outcomes is not None:
            self._show_choices(self.Previewed(sid, outcomes))
            return
        choices.update("[dim]computing intervals…[/dim]")
        self.outcomes = {}
        self._preview(sid)

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _preview(self, sid: str) -> None:
        from roadmap.actions.review import preview

        self.post_message(self.Previewed(sid, preview(self.app.workspace, sid, now=self.app.now())))

    @on(Previewed)
    def _show_choices(self, message: Previewed) -> None:
        if message.skill_id != self.current:
            return
        self.outcomes = message.outcomes
        grid = Table.grid(expand=True)
        for _ in message.outcomes:
            grid.add_column(ratio=1, justify="center")
        items = sorted(message.outcomes.items())
        grid.add_row(*(f"[b]{r}[/b] {LABELS[r]}" for r, _ in items))
        grid.add_row(*(f"next in {wording.interval(o.interval_days)}" for _, o in items))
        grid.add_row(*(wording.day_text(o.due_day) for _, o in items))
        self.query_one("#review-choices", Static).update(grid)

    def action_toggle_details(self) -> None:
        """Show or hide the skill's description and resources."""
        self.details = not self.details
        if self.current is not None:
            self._show_current()

    def action_rate(self, rating: int) -> None:
        """Record the rating for the current skill and move to the next."""
        sid = self.current
        if sid is None or self.busy or rating not in self.outcomes:
            return
        self.busy = True
        self._record(sid, rating, time.monotonic() - self.shown_at, self.outcomes[rating].due_day)

    @work(thread=True, group="write", exit_on_error=False)
    def _record(self, sid: str, rating: int, seconds: float, expected) -> None:
        # One transaction, one hop back to the screen: record this rating and
        # compute the next skill's choices at the same instant.
        from roadmap.actions.review import review

        app = self.app
        nxt = self.queue[self.index + 1] if self.index + 1 < len(self.queue) else None
        try:
            done = review(app.workspace, sid, rating, now=app.now(), duration_seconds=round(seconds, 1),
                          expected_due_day=expected, preview_next=nxt)
        except Exception as e:  # shown, never a crash; nothing was written
            app.call_from_thread(self._failed, e)
            return
        app.call_from_thread(self._recorded, sid, rating, done.outcome, done.upcoming)

    def _failed(self, error: Exception) -> None:
        self.busy = False
        self.notify(str(error) if isinstance(error, RoadmapError) else f"Unexpected error: {error!r}",
                    severity="error", timeout=8)
        if type(error).__name__ == "StalePreviewError":  # the card changed: show the new choices
            self._show_current()

    def action_reload(self) -> None:
        """Another process changed the database: refresh the current skill's choices."""
        if self.current is not None and not self.busy:
            self.outcomes = {}
            self._preview(self.current)

    def _recorded(self, sid: str, rating: int, out, upcoming: dict | None) -> None:
        self.busy = False
        self.done += 1
        self.ratings[rating] = self.ratings.get(rating, 0) + 1
        self.index += 1
        self.notify(f"{LABELS[rating]}: next review of {self.app.workspace.curriculum.skills[sid].name} "
                    f"on {wording.day_text(out.due_day)}", timeout=3)
        self._show_current(upcoming)

    def action_undo(self) -> None:
        """Undo the last review and show that skill again."""
        self._undo()

    @work(thread=True, group="write", exit_on_error=False)
    def _undo(self) -> None:
        from roadmap.actions.review import undo

        app = self.app
        app.call_from_thread(self._undone, undo(app.workspace, now=app.now()))

    def _undone(self, undone) -> None:
        if undone is None:
            self.notify("Nothing to undo.")
            return
        sid = undone.skill_id
        if sid in self.queue[: self.index]:
            self.index = max(i for i, q in enumerate(self.queue[: self.index]) if q == sid)
        else:
            self.queue.insert(self.index, sid)
        self.done = max(0, self.done - 1)
        if self.ratings.get(undone.rating):
            self.ratings[undone.rating] -= 1
        self.notify(f"Undid the {LABELS.get(undone.rating, '')} rating of "
                    f"{self.app.workspace.curriculum.skills[sid].name}.")
        self._show_current()
