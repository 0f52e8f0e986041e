"""First-run setup: weekly hours, study days, time zone, the milestone that matters most and by when,
and what you already know (a pick list, or the placement diagnostic).

Opened by the app on an empty database (``RoadmapApp(offer_setup=True)``) and
from Settings (F2). Everything is checked by :func:`roadmap.actions.setup.check_setup`
before :func:`roadmap.actions.setup.apply_setup` writes it in one transaction.
Skip (Esc) writes nothing; since nothing is written, the app offers setup
again on its next start while the database is still empty.
"""

from __future__ import annotations

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Button, Input, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection
from textual.worker import Worker, WorkerState

from roadmap.errors import RoadmapError
from roadmap.tui.widgets.text import esc as escape
from roadmap.tui.widgets.title_bar import TitleBar
from roadmap.tui.widgets.key_footer import KeyFooter
from roadmap.tui.screens.base import WorkerErrors

FIELDS = [("weekly_hours", "Weekly hours", "e.g. 8"), ("study_days", "Study days", "e.g. MO,WE,SA=3"),
          ("timezone", "Time zone", "e.g. Europe/Berlin")]


class KnownList(SelectionList):
    """A SelectionList whose boxes read ``[✓]`` when ticked, ``[+]`` when a ticked skill brings the skill
    along as a prerequisite (``implied``), and ``[ ]`` otherwise (no colour needed)."""

    implied: frozenset[str] = frozenset()

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except Exception:  # a line below the last option
            return strip
        if len(segments) < 3:
            return strip
        from rich.segment import Segment

        mark = "✓" if selection.value in self._selected else "+" if selection.value in self.implied else " "
        segments[:3] = [Segment("[", segments[0].style), Segment(mark, segments[1].style),
                        Segment("]", segments[2].style)]
        return Strip(segments)


def known_summary(ticked: int, total: int) -> str:
    """The line under the pick list: how many skills marking ``ticked`` ones marks in all (``total``
    includes their prerequisites not learned or skipped yet)."""
    from roadmap import wording

    if not ticked:
        return "Nothing ticked yet."
    extra = max(total - ticked, 0)
    if total < ticked:  # some ticked skills are learned already
        return f"Will mark {wording.plural(total, 'skill')} as known (the others are learned already)."
    return (f"Will mark {wording.plural(total, 'skill')} as known: the {ticked} you ticked"
            + (f" and {wording.plural(extra, 'prerequisite')}" if extra else "") + ".")


class SetupScreen(WorkerErrors, Screen):
    """The setup form; dismisses with True when saved, False when skipped."""

    TITLE = "Setup"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="setup.save", tooltip="Check every choice, then save them all"),
        Binding("f3", "placement", "Placement", id="setup.placement",
                tooltip="Save these choices, then take the placement diagnostic (at most 25 questions)"),
        Binding("escape", "skip", "Skip", id="setup.skip", tooltip="Leave without saving anything"),
        # ``?`` types into the form's fields, so the footer offers F1 here (same action name as the
        # app's help binding, so the footer shows this one instead of ``?``).
        Binding("f1", "help", "Help", id="setup.help", key_display="F1",
                tooltip="Show every key of this screen (? types into the fields here)"),
    ]

    def compose(self) -> ComposeResult:
        cur = self.app.workspace.curriculum
        yield TitleBar()
        yield Static("Tell roadmap how you study. Everything can be changed later in Settings (,).",
                     id="setup-note")
        with Horizontal(id="setup-main"):
            with VerticalScroll(id="setup-form"):
                for key, label, hint in FIELDS:
                    with Horizontal(classes="setup-row"):
                        yield Label(label, classes="setup-key")
                        yield Input(id=f"setup-{key}", placeholder=hint, compact=True, classes="setup-input")
                with Horizontal(classes="setup-row"):
                    yield Label("Milestone", classes="setup-key")
                    # one line per milestone, cut with an ellipsis (app.tcss): wrapped names read as several
                    yield Select([(m.name, m.id) for m in cur.milestones], prompt="(none)", id="setup-milestone",
                                 compact=True, classes="setup-input")
                with Horizontal(classes="setup-row"):
                    yield Label("By (date)", classes="setup-key")
                    yield Input(id="setup-target", placeholder="YYYY-MM-DD", compact=True, classes="setup-input")
                yield Static("", id="setup-errors")
                with Horizontal(id="setup-buttons"):
                    yield Button("Save", id="setup-save", variant="primary", compact=True)
                    yield Button("Placement…", id="setup-placement", compact=True)
                    yield Button("Skip", id="setup-skip", compact=True)
            with Vertical(id="setup-known-box"):
                yield Input(id="setup-known-filter", placeholder="type to filter by name or id", compact=True)
                yield KnownList(*self._options(""), id="setup-known")
                yield Static(known_summary(0, 0), id="setup-known-summary")
        yield KeyFooter()

    def __init__(self) -> None:
        super().__init__()
        self._ticked: set[str] = set()  # every ticked skill id, shown by the filter or not

    def _options(self, text: str) -> list[Selection]:
        text = text.strip().casefold()
        return [Selection(sk.name, sid, sid in self._ticked)
                for sid, sk in self.app.workspace.curriculum.skills.items()
                if not text or text in sk.name.casefold() or text in sid.casefold()]

    def known(self) -> tuple[str, ...]:
        """Every ticked skill id (also those the filter hides), in curriculum order."""
        box = self.query_one("#setup-known", SelectionList)
        shown = {box.get_option_at_index(i).value for i in range(box.option_count)}
        self._ticked = (self._ticked - shown) | set(box.selected)
        return tuple(sid for sid in self.app.workspace.curriculum.skills if sid in self._ticked)

    @on(Input.Changed, "#setup-known-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.known()  # remember the ticks of the options about to be hidden
        box = self.query_one("#setup-known", SelectionList)
        box.clear_options()
        box.add_options(self._options(event.value))
        if box.option_count:  # Tab into the list lands on the first match, so Space ticks it
            box.highlighted = 0

    @on(Input.Submitted, "#setup-known-filter")
    def _filter_done(self) -> None:
        box = self.query_one("#setup-known", SelectionList)
        if box.option_count and box.highlighted is None:
            box.highlighted = 0
        box.focus()

    def on_key(self, event: events.Key) -> None:
        # Down in the filter goes on into the list (as Enter and Tab do), on its first match
        if event.key == "down" and self.focused is self.query_one("#setup-known-filter", Input):
            event.stop()
            event.prevent_default()
            self._filter_done()

    @on(SelectionList.SelectedChanged, "#setup-known")
    def _known_changed(self) -> None:
        self._preview(self.known())

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _preview(self, ticked: tuple[str, ...]) -> None:
        from roadmap.actions.skills import prior_preview

        marked = prior_preview(self.app.workspace, list(ticked)) if ticked else []
        self.app.call_from_thread(self._show_preview, known_summary(len(ticked), len(marked)),
                                  frozenset(marked) - set(ticked))

    def _show_preview(self, text: str, implied: frozenset[str]) -> None:
        self.query_one("#setup-known-summary", Static).update(escape(text))
        box = self.query_one("#setup-known", KnownList)
        box.implied = implied  # [+]: marked too, as a prerequisite of a ticked skill
        box.refresh()

    def on_mount(self) -> None:
        self.query_one("#setup-known-box").border_title = "What you already know"
        self.query_one("#setup-known-box").border_subtitle = "space marks · [+] its prerequisites"
        self.query_one("#setup-weekly_hours", Input).focus()
        self._load()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        from roadmap import settings as sm
        from roadmap.actions.settings import current
        from roadmap.actions.setup import detected_timezone

        now = current(self.app.workspace)
        values = {"weekly_hours": sm.get_text(now, "weekly_hours"), "study_days": sm.get_text(now, "study_days"),
                  "timezone": detected_timezone() or sm.get_text(now, "timezone")}
        self.app.call_from_thread(self._fill, values, now)

    stored = None  # the settings stored when the form opened (the checks need them; read once, in a worker)

    def _fill(self, values: dict[str, str], stored) -> None:
        self.stored = stored
        for key, text in values.items():
            inp = self.query_one(f"#setup-{key}", Input)
            if not inp.value:  # never overwrite what the learner typed meanwhile
                inp.value = text

    def action_help(self) -> None:
        """Show the keys of this screen (F1; ``?`` is typed into the fields)."""
        self.app.action_help()

    # -- reading the form ----------------------------------------------------------
    def choices(self):
        """The form as :class:`roadmap.actions.setup.SetupChoices`, plus the problems found reading it.

        Returns (choices, problems); empty fields leave their setting as it is.
        """
        from roadmap import settings as sm
        from roadmap.actions.setup import SetupChoices

        problems: list[str] = []
        text = {key: self.query_one(f"#setup-{key}", Input).value.strip() for key, _, _ in FIELDS}
        milestone = self.query_one("#setup-milestone", Select).value
        when = self.query_one("#setup-target", Input).value.strip()
        target = None
        if isinstance(milestone, str):
            if not when:
                problems.append("By (date): give the target date for the milestone (YYYY-MM-DD), "
                                "or choose (none) as milestone")
            else:
                try:
                    target = (milestone, sm.parse_date(when, what="target date"))
                except RoadmapError as e:
                    problems.append(f"By (date): {e}")
        elif when:
            problems.append("Milestone: choose the milestone this target date is for")
        known = self.known()
        choices = SetupChoices(weekly_hours=text["weekly_hours"] or None, study_days=text["study_days"] or None,
                               timezone=text["timezone"] or None, target=target, known=known)
        return choices, problems

    def _show_problems(self, problems: list[str]) -> None:
        box = self.query_one("#setup-errors", Static)
        box.update("\n".join("✗ " + escape(p) for p in problems))
        box.set_class(bool(problems), "invalid")

    # -- actions ---------------------------------------------------------------------
    @on(Button.Pressed, "#setup-save")
    def action_save(self) -> None:
        """Check every choice; show the problems in the form, or save them all and close."""
        self._apply(then_placement=False)

    @on(Button.Pressed, "#setup-placement")
    def action_placement(self) -> None:
        """Save the choices (if any are valid and given), then open the placement diagnostic."""
        self._apply(then_placement=True)

    @on(Button.Pressed, "#setup-skip")
    def action_skip(self) -> None:
        """Close without writing anything."""
        self.notify("Setup skipped; nothing was saved. It opens again at the next start until you save it or "
                    "record progress; Settings (,) → F2 opens it any time.", timeout=8)
        self.dismiss(False)

    @on(Input.Submitted, ".setup-input")
    def _submitted(self) -> None:
        self.action_save()

    def _problems(self):
        """(choices, every problem with them): the form's own reading, then the core's checks."""
        choices, problems = self.choices()
        if not problems:
            from roadmap.actions.setup import check_setup

            problems = check_setup(self.app.workspace, choices, now=self.app.now(), stored=self.stored)
        return choices, problems

    @on(Input.Changed, ".setup-input")
    @on(Select.Changed, "#setup-milestone")
    def _recheck(self) -> None:
        """While problems are shown, each edit checks again: a fixed choice loses its ✗ at once (with the
        settings read when the form opened: no database read on the UI thread)."""
        if self.stored is not None and self.query_one("#setup-errors", Static).has_class("invalid"):
            self._show_problems(self._problems()[1])

    def _apply(self, *, then_placement: bool) -> None:
        choices, problems = self._problems()
        self._show_problems(problems)
        if problems:
            self.notify("Not saved: fix the choices marked ✗ first.", severity="warning", timeout=5)
            return
        self._write(choices, then_placement)

    @work(thread=True, group="write", exit_on_error=False)
    def _write(self, choices, then_placement: bool) -> tuple[bool] | None:
        """Save the choices (in a thread); ``(then_placement,)`` once saved, None if refused. The form
        closes when the worker has finished (:meth:`on_worker_state_changed`): closing it from inside
        the worker would cancel it."""
        from roadmap import wording
        from roadmap.actions.setup import apply_setup

        app = self.app
        if choices.settings() or choices.known:
            try:
                out = apply_setup(app.workspace, choices, now=app.now())
            except RoadmapError as e:
                app.call_from_thread(self._show_problems, [str(e)])
                return None
            marked = [c for c in out.known if c.changed]
            msg = "Setup saved" + (f": {', '.join(out.settings)}" if out.settings else "")
            if marked:
                msg += (f"; {wording.plural(len(marked), 'skill')} learned as prior knowledge, "
                        + prior_spread_text(marked))
            app.call_from_thread(self.notify, msg, timeout=6)
        return (then_placement,)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Close the form once the choices are saved (and open placement if asked)."""
        if event.worker.group == "write" and event.state == WorkerState.SUCCESS and event.worker.result:
            self._done(*event.worker.result)

    def _done(self, then_placement: bool) -> None:
        app = self.app
        self.dismiss(True)
        if then_placement:
            from roadmap.tui.screens.placement import PlacementScreen

            app.push_screen(PlacementScreen())


def prior_spread_text(changes) -> str:
    """How the first reviews of prior knowledge are spread (see :func:`roadmap.actions.skills.prior_spread_text`)."""
    from roadmap.actions.skills import prior_spread_text as spread

    return spread(changes)