"""The review session: one check at a time. Its prompt alone; space or enter reveals the answer key (with the
hint, resources and the learner's notes); then a rating 1-4, each shown with its next due date."""

from __future__ import annotations

import time

from rich.table import Table
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Static, TextArea

from roadmap import wording
from roadmap.errors import RoadmapError
from roadmap.tui.widgets.title_bar import TitleBar
from roadmap.tui.widgets.text import esc as escape
from roadmap.tui.widgets.key_footer import KeyFooter
from roadmap.tui.screens.base import WorkerErrors

LABELS = wording.RATING_LABELS
NO_ANSWER_KEY = "no answer key — check against the resources"


class NoteScreen(ModalScreen[str | None]):
    """Edit the learner's own note on a skill; dismissed with the new text (ctrl+s) or None (escape)."""

    DEFAULT_CSS = """
    NoteScreen { align: center middle; }
    #note-dialog { width: 80%; height: 70%; border: round $accent; background: $surface; padding: 0 1; }
    #note-text { height: 1fr; }
    """
    BINDINGS = [Binding("ctrl+s", "save", "Save", id="note.save"),
                Binding("escape", "cancel", "Cancel", id="note.cancel")]

    def __init__(self, skill_name: str, text: str) -> None:
        super().__init__()
        self.skill_name = skill_name
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog"):
            yield Static(f"[b]Your notes on {escape(self.skill_name)}[/b]  [dim]ctrl+s saves, esc cancels[/dim]")
            yield TextArea(self.text, id="note-text")
            yield Button("Save", id="note-save", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#note-text", TextArea).focus()

    @on(Button.Pressed, "#note-save")
    def action_save(self) -> None:
        """Save the note and close."""
        self.dismiss(self.query_one("#note-text", TextArea).text)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)


class ReviewScreen(WorkerErrors, Screen):
    """Review the given checks in order; each rating is recorded at once.

    ``targets`` are (skill id, check id) pairs (or skill ids: each of their
    checks); ``moved`` is how many due checks the daily cap moved to the next
    days (said in the summary).
    """

    TITLE = "Review"
    # The ratings 1-4 are not in the footer (it must fit 80 columns): the revealed answer shows them with
    # their next due dates, and the help screen lists them.
    BINDINGS = [
        Binding("space", "reveal", "Reveal", id="review.reveal", tooltip="Show the answer key"),
        Binding("enter", "reveal", "Reveal", show=False),
        Binding("1", "rate(1)", "Again", id="review.again", show=False, tooltip="Forgot it: see it again soon"),
        Binding("2", "rate(2)", "Hard", id="review.hard", show=False, tooltip="Recalled with serious effort"),
        Binding("3", "rate(3)", "Good", id="review.good", show=False, tooltip="Recalled after some thought"),
        Binding("4", "rate(4)", "Easy", id="review.easy", show=False, tooltip="Recalled at once"),
        Binding("n", "note", "Notes", id="review.note", tooltip="Write your own notes on this skill"),
        Binding("u", "undo", "Undo", id="review.undo", tooltip="Undo the last rating of this session"),
        Binding("escape", "app.pop_screen", "Done", id="review.done", tooltip="Leave the review session"),
    ]

    class Previewed(Message):
        """Posted by the preview worker: the outcomes of each rating for a check."""

        def __init__(self, target: tuple[str, str], outcomes: dict) -> None:
            self.target = target
            self.outcomes = outcomes
            super().__init__()

    def __init__(self, targets: list, moved: int = 0) -> None:
        super().__init__()
        self.targets = list(targets)
        self.cards: list = []
        self.moved = moved
        self.index = 0
        self.revealed = False
        self.outcomes: dict = {}  # rating (1-4) to its outcome (due_day, interval_days)
        self.shown_at = self.started = time.monotonic()
        self.busy = False
        self.rated: list[tuple[int, int, int]] = []  # (review-log id, card index, rating) of this session
        self.pending_outcomes: dict | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="review-progress")
        with VerticalScroll(id="review-card"):
            yield Static(id="review-body")
        yield Static(id="review-choices")
        yield Static(id="review-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        from roadmap.actions.review import session_cards

        self.cards = session_cards(self.app.workspace, self.targets, now=self.app.now())
        self._show_current()

    @property
    def current(self) -> str | None:
        """The skill of the check being reviewed, or None when the session is done."""
        card = self.current_card
        return card.skill_id if card is not None else None

    @property
    def current_card(self):
        """The check being reviewed (an actions.review.Card), or None when the session is done."""
        return self.cards[self.index] if self.index < len(self.cards) else None

    def _status(self, text: str) -> None:
        # One line inside the screen, replaced by the next: never covers the choices or the summary, never stacks.
        self.query_one("#review-status", Static).update(text)

    def _counts(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for _, _, r in self.rated:
            out[r] = out.get(r, 0) + 1
        return out

    def _show_current(self) -> None:
        card = self.current_card
        progress = self.query_one("#review-progress", Static)
        body = self.query_one("#review-body", Static)
        choices = self.query_one("#review-choices", Static)
        self.revealed = False
        self.outcomes = {}
        if card is None:
            minutes = (time.monotonic() - self.started) / 60
            counts = ", ".join(f"{n} {LABELS[r]}" for r, n in sorted(self._counts().items()) if n)
            took = "under a minute" if minutes < 1 else wording.duration_minutes(minutes)
            progress.update(f"Session done: {wording.plural(len(self.rated), 'check')} reviewed in {took}.")
            moved = (f"{wording.plural(self.moved, 'more check')} moved to the next days (daily cap).\n\n"
                     if self.moved else "")
            body.update("[b]All reviews for today are done.[/b]\n\n"
                        + (f"Ratings: {counts}.\n\n" if counts else "") + moved
                        + "Press [b]Esc[/b] to go back to Today, or [b]u[/b] to undo the last rating.")
            choices.update("")
            return
        progress.update(f"Check {self.index + 1} of {len(self.cards)}")
        which = f"{card.skill_id}/{card.check_id}" if card.check_id else card.skill_id
        body.update(f"[b]{escape(card.skill_name)}[/b]  [dim]{escape(which)}[/dim]\n\n{escape(card.prompt)}\n\n"
                    "[dim]Answer from memory, then reveal the answer key.[/dim]")
        choices.update("[b]space[/b] / [b]enter[/b] reveal the answer")
        self.shown_at = time.monotonic()

    def _answer_markup(self, card) -> str:
        which = f"{card.skill_id}/{card.check_id}" if card.check_id else card.skill_id
        parts = [f"[b]{escape(card.skill_name)}[/b]  [dim]{escape(which)}[/dim]", "", escape(card.prompt), "",
                 "[b]Answer key[/b]"]
        parts.append(escape(card.answer.strip()) if card.answer else f"[i]{NO_ANSWER_KEY}[/i]")
        if card.hint:
            parts += ["", f"[b]Hint[/b] {escape(card.hint)}"]
        if card.note:
            parts += ["", "[b]Your notes[/b]", escape(card.note.strip())]
        if card.resources:
            parts += ["", "[b]Resources[/b]"] + [f" • {escape(r.title)}  [dim]{escape(r.url)}[/dim]"
                                                 for r in card.resources]
        return "\n".join(parts)

    def action_reveal(self) -> None:
        """Show the answer key (and hint, notes, resources) and the rating choices."""
        card = self.current_card
        if card is None or self.revealed:
            return
        self.revealed = True
        self.query_one("#review-body", Static).update(self._answer_markup(card))
        if self.pending_outcomes is not None:
            outcomes, self.pending_outcomes = self.pending_outcomes, None
            self._show_choices(self.Previewed((card.skill_id, card.check_id), outcomes))
            return
        self.query_one("#review-choices", Static).update("[dim]computing intervals…[/dim]")
        self._preview((card.skill_id, card.check_id))

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _preview(self, target: tuple[str, str]) -> None:
        from roadmap.actions.review import preview

        out = preview(self.app.workspace, target[0], now=self.app.now(), check_id=target[1])
        self.post_message(self.Previewed(target, out))

    @on(Previewed)
    def _show_choices(self, message: Previewed) -> None:
        card = self.current_card
        if card is None or message.target != (card.skill_id, card.check_id) or not self.revealed:
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

    def action_rate(self, rating: int) -> None:
        """Record the rating for the current check and move to the next."""
        card = self.current_card
        if card is not None and not self.revealed:
            self._status("Reveal the answer first (space).")
            return
        if card is None or self.busy or rating not in self.outcomes:
            return
        self.busy = True
        self._record(card, self.index, rating, time.monotonic() - self.shown_at, self.outcomes[rating].due_day)

    @work(thread=True, group="write", exit_on_error=False)
    def _record(self, card, index: int, rating: int, seconds: float, expected) -> None:
        # One transaction, one hop back to the screen: record this rating and
        # compute the next check's choices at the same instant.
        from roadmap.actions.review import review
        from roadmap.review import review_seconds

        app = self.app
        nxt = self.cards[index + 1] if index + 1 < len(self.cards) else None
        try:
            done = review(app.workspace, card.skill_id, rating, now=app.now(), check_id=card.check_id,
                          duration_seconds=review_seconds(seconds), expected_due_day=expected,
                          preview_next=(nxt.skill_id, nxt.check_id) if nxt else None)
        except Exception as e:  # shown, never a crash; nothing was written
            app.call_from_thread(self._failed, e)
            return
        app.call_from_thread(self._recorded, card, index, rating, done.outcome, done.upcoming)

    def _failed(self, error: Exception) -> None:
        self.busy = False
        self._status("[b]Not recorded:[/b] " + escape(str(error) if isinstance(error, RoadmapError)
                                                      else f"unexpected error: {error!r}"))
        if type(error).__name__ == "StalePreviewError" and self.revealed:  # the card changed: show the new choices
            card = self.current_card
            self.outcomes = {}
            self._preview((card.skill_id, card.check_id))

    def action_reload(self) -> None:
        """Another process changed the database: refresh the current check's choices."""
        card = self.current_card
        if card is not None and not self.busy and self.revealed:
            self.outcomes = {}
            self._preview((card.skill_id, card.check_id))

    def _recorded(self, card, index: int, rating: int, out, upcoming: dict | None) -> None:
        self.busy = False
        self.rated.append((out.log_id, index, rating))
        self.index = index + 1
        self._status(f"{LABELS[rating]}: next review of {escape(card.skill_name)} "
                     f"on {wording.day_text(out.due_day)}")
        self.pending_outcomes = upcoming
        self._show_current()

    def action_undo(self) -> None:
        """Undo the last rating made in this session (never one from before) and show that check again."""
        if self.busy:
            return
        if not self.rated:
            self._status("Nothing to undo in this session.")
            return
        self.busy = True
        self._undo([log_id for log_id, _, _ in self.rated])

    @work(thread=True, group="write", exit_on_error=False)
    def _undo(self, ids: list[int]) -> None:
        from roadmap.actions.review import undo

        app = self.app
        try:
            done = undo(app.workspace, now=app.now(), only=ids)
        except Exception as e:
            app.call_from_thread(self._failed, e)
            return
        app.call_from_thread(self._undone, done)

    def _undone(self, undone) -> None:
        self.busy = False
        if undone is None:
            self._status("Nothing to undo in this session.")
            return
        for k in range(len(self.rated) - 1, -1, -1):
            if self.rated[k][0] == undone.log_id:
                _, self.index, _ = self.rated.pop(k)
                break
        self.pending_outcomes = None
        card = self.current_card
        name = card.skill_name if card is not None else undone.skill_id
        self._status(f"Undid the {LABELS.get(undone.rating, '')} rating of {escape(name)}.")
        self._show_current()

    def action_note(self) -> None:
        """Write your own notes on the current check's skill (shown with the answer key)."""
        card = self.current_card
        if card is None:
            return

        def saved(text: str | None) -> None:
            if text is None:
                return
            from dataclasses import replace

            from roadmap.actions.review import set_note

            try:
                set_note(self.app.workspace, card.skill_id, text, now=self.app.now())
            except RoadmapError as e:
                self._status(f"[b]Not saved:[/b] {escape(str(e))}")
                return
            note = text.strip("\n") or None
            self.cards = [replace(c, note=note) if c.skill_id == card.skill_id else c for c in self.cards]
            self._status(f"Notes on {escape(card.skill_name)} saved.")
            if self.revealed and self.current_card is not None:
                self.query_one("#review-body", Static).update(self._answer_markup(self.current_card))

        self.app.push_screen(NoteScreen(card.skill_name, card.note or ""), saved)
