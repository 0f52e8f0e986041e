"""The placement diagnostic: at most 25 recall checks find what you already know.

Drives :func:`roadmap.actions.placement.start_placement` (the
:class:`roadmap.placement.Placement` state machine): each probe shows a
skill's check; Space/Enter reveals the answer key; y / p / n answer (I knew
it, partly, no). The summary (known, unsure, to study) is confirmed before
:func:`roadmap.actions.placement.confirm_placement` writes anything; Esc
before that leaves and writes nothing.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Static
from textual.worker import Worker, WorkerState

from roadmap.errors import RoadmapError
from roadmap.tui.widgets.text import esc as escape
from roadmap.tui.widgets.title_bar import TitleBar
from roadmap.tui.widgets.key_footer import KeyFooter
from roadmap.tui.screens.base import WorkerErrors

SUMMARY_SHOWN = 12  # skills named per group in the summary; the rest are counted


class PlacementScreen(WorkerErrors, Screen):
    """One probe at a time, then the summary to confirm."""

    TITLE = "Placement"
    BINDINGS = [
        Binding("space,enter", "reveal", "Show answer", id="placement.reveal",
                tooltip="Show the check's answer key"),
        Binding("y", "answer('y')", "I knew it", id="placement.yes",
                tooltip="I knew it: this skill and its prerequisites count as known"),
        Binding("p", "answer('p')", "Partly", id="placement.partly",
                tooltip="Partly: this skill stays unsure, the skills built on it are to study"),
        Binding("n", "answer('n')", "No", id="placement.no",
                tooltip="No: this skill and the skills built on it are to study"),
        Binding("ctrl+s", "confirm", "Mark known", id="placement.confirm",
                tooltip="At the summary: mark the known skills learned as prior knowledge"),
        Binding("escape", "quit_placement", "Stop", id="placement.quit",
                tooltip="Leave the diagnostic; nothing is written before you confirm the summary"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.placement = None
        self.probe = None
        self.revealed = False
        self.result = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("Loading…", id="placement-progress")
        with VerticalScroll(id="placement-card"):
            yield Static("", id="placement-body")
        with Horizontal(id="placement-buttons"):
            yield Button("Show answer", id="placement-reveal", compact=True)
            yield Button("I knew it (y)", id="placement-y", variant="success", compact=True)
            yield Button("Partly (p)", id="placement-p", variant="warning", compact=True)
            yield Button("No (n)", id="placement-n", variant="error", compact=True)
            yield Button("Mark known", id="placement-confirm", variant="primary", compact=True)
            yield Button("Discard", id="placement-discard", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self._start()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _start(self) -> None:
        from roadmap.actions.placement import start_placement

        p = start_placement(self.app.workspace)
        self.app.call_from_thread(self._started, p)

    def _started(self, placement) -> None:
        self.placement = placement
        self._next()

    # -- drawing ---------------------------------------------------------------------
    def _next(self) -> None:
        p = self.placement
        self.probe = p.next_probe()
        self.revealed = False
        if self.probe is None:
            self.result = p.result()
        self._draw()

    def _draw(self) -> None:
        p, q = self.placement, self.probe
        progress = self.query_one("#placement-progress", Static)
        body = self.query_one("#placement-body", Static)
        card = self.query_one("#placement-card")
        asking = q is not None
        for bid in ("placement-y", "placement-p", "placement-n"):
            self.query_one(f"#{bid}").display = asking
        self.query_one("#placement-reveal").display = asking and not self.revealed
        self.query_one("#placement-confirm").display = not asking
        self.query_one("#placement-discard").display = not asking
        if asking:
            progress.update(f"Question [b]{q.number}[/b] of at most {p.max_probes} · known {len(p.known)} · "
                            f"to study {len(p.not_known)} · Esc stops (writes nothing)")
            card.border_title = f"{q.skill_name} ({q.skill_id})"
            text = f"{escape(q.prompt)}\n\n"
            if self.revealed:
                text += f"[b]Answer key:[/b]\n{escape((q.answer or '(none given)').strip())}\n\n" \
                        "Did you know it? [b]y[/b] I knew it · [b]p[/b] partly · [b]n[/b] no"
            else:
                text += "[dim]Recall your answer, then press Space to see the answer key.[/dim]"
            body.update(text)
        else:
            self._draw_summary(progress, body, card)
        self.refresh_bindings()

    def _draw_summary(self, progress, body, card) -> None:
        from roadmap import wording

        r, cur = self.result, self.app.workspace.curriculum
        progress.update(f"Done after {wording.plural(r.probes, 'question')} · nothing is written until you confirm")
        card.border_title = "Summary"
        lines = []
        for title, ids in ((f"Known: {len(r.known)} (marked learned as prior knowledge)", r.known),
                           (f"Unsure: {len(r.unsure)} (left as they are)", r.unsure),
                           (f"To study: {len(r.to_study)}", r.to_study)):
            lines.append(f"[b]{title}[/b]")
            names = [cur.skills[s].name for s in ids[:SUMMARY_SHOWN]]
            if names:
                lines.append("  " + escape(", ".join(names)) + (f" and {len(ids) - SUMMARY_SHOWN} more"
                                                                if len(ids) > SUMMARY_SHOWN else ""))
        lines.append("")
        lines.append(f"Ctrl+S marks the {len(r.known)} known skills learned; Esc discards the result."
                     if r.known else "No skill was found known: nothing to write. Esc closes.")
        body.update("\n".join(lines))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("reveal", "answer"):
            if self.probe is None:
                return False
            if action == "reveal" and self.revealed:
                return None  # shown but dimmed: the answer is already visible
        if action == "confirm":
            return self.result is not None and bool(self.result.known)
        return True

    # -- actions ---------------------------------------------------------------------
    @on(Button.Pressed, "#placement-reveal")
    def action_reveal(self) -> None:
        """Show the answer key of the current check."""
        if self.probe is not None and not self.revealed:
            self.revealed = True
            self._draw()

    @on(Button.Pressed, "#placement-y, #placement-p, #placement-n")
    def _answer_button(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id.removeprefix("placement-"))

    def action_answer(self, answer: str) -> None:
        """Record y (I knew it), p (partly) or n (no) for the current probe, then show the next one."""
        if self.probe is None:
            return
        self.placement.answer(self.probe.skill_id, answer)
        self._next()

    @on(Button.Pressed, "#placement-confirm")
    def action_confirm(self) -> None:
        """Write the confirmed summary: its known skills become learned as prior knowledge."""
        if self.result is None or not self.result.known:
            return
        self._write(self.result)

    @work(thread=True, group="write", exit_on_error=False)
    def _write(self, result) -> bool:
        """Write the placement (in a thread); True once written. The screen closes when the worker has
        finished (:meth:`on_worker_state_changed`): closing it from inside the worker would cancel it."""
        from roadmap import wording
        from roadmap.actions.placement import confirm_placement
        from roadmap.tui.screens.setup import prior_spread_text

        app = self.app
        try:
            changes = confirm_placement(app.workspace, result, now=app.now())
        except RoadmapError as e:
            app.call_from_thread(self.notify, str(e), title="Not written", severity="error", timeout=8)
            return False
        marked = [c for c in changes if c.changed]
        app.call_from_thread(self.notify, f"Marked {wording.plural(len(marked), 'skill')} learned as prior "
                             f"knowledge; {prior_spread_text(marked)}.", timeout=6)
        return True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Close with True once the placement is written."""
        if event.worker.group == "write" and event.state == WorkerState.SUCCESS and event.worker.result:
            self.dismiss(True)

    @on(Button.Pressed, "#placement-discard")
    def action_quit_placement(self) -> None:
        """Leave without writing anything."""
        self.notify("Placement closed; nothing was written.", timeout=4)
        self.dismiss(False)
