"""Settings: every setting, validated as you type, saved on confirm (Enter or Ctrl+S)."""

from __future__ import annotations

from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Select, Static

from roadmap import settings as sm
from roadmap.errors import RoadmapError
from roadmap.tui.widgets.title_bar import TitleBar
from roadmap.tui.widgets.text import esc as escape
from roadmap.tui.widgets.key_footer import KeyFooter
from roadmap.tui.screens.base import WorkerErrors


class SettingValidator(Validator):
    """Runs the core parser of one setting; its error message is shown under the field."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.today: date | None = None  # a target date before this study day is refused (set once loaded)

    def validate(self, value: str) -> ValidationResult:
        try:
            if self.key.startswith(sm.TARGET_PREFIX):
                if value.strip().lower() not in ("", "none"):
                    when = sm.parse_date(value, what="target date")
                    problem = sm.past_target(when, self.today) if self.today is not None else None
                    if problem:
                        return self.failure(problem)
            else:
                sm.SPECS[self.key].parse(value)
        except RoadmapError as e:
            return self.failure(str(e))
        return self.success()


def _field_id(key: str) -> str:
    return "set-" + key.replace(".", "--")


def is_switch(key: str) -> bool:
    """True for an on/off setting (its default is a bool, e.g. ``graph_credit``): shown as an on/off Select."""
    spec = sm.SPECS.get(key)
    return spec is not None and isinstance(getattr(sm.Settings(), spec.field), bool)


ON_OFF = [("on", "on"), ("off", "off")]


class SettingsScreen(WorkerErrors, Screen):
    """One input per setting; invalid values are explained and never saved."""

    TITLE = "Settings"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="settings.save", tooltip="Save every changed, valid setting"),
        Binding("f2", "app.setup", "Setup", id="settings.setup",
                tooltip="The first-run setup: hours, study days, time zone, target, what you already know"),
        Binding("f3", "app.placement", "Placement", id="settings.placement",
                tooltip="The placement diagnostic: at most 25 questions find what you already know"),
        Binding("escape", "app.pop_screen", "Back", id="settings.back", tooltip="Leave without saving"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("Change a value, then press Enter or Ctrl+S to save. Esc leaves without saving.",
                     id="settings-note")
        with VerticalScroll(id="settings-form"):
            for key in self._keys():
                with Horizontal(classes="setting-row"):
                    yield Label(key, classes="setting-key")
                    if is_switch(key):
                        yield Select(ON_OFF, id=_field_id(key), allow_blank=False, compact=True,
                                     classes="setting-input setting-switch")
                    else:
                        yield Input(id=_field_id(key), validators=[SettingValidator(key)], classes="setting-input",
                                    compact=True, placeholder="none" if key.startswith(sm.TARGET_PREFIX) else "")
                yield Static(escape(self._help(key)), id=_field_id(key) + "-error", classes="setting-help")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query(Input).first().focus()
        self._load()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        from roadmap.actions.settings import current

        self.app.call_from_thread(self._fill, current(self.app.workspace))

    def _keys(self) -> list[str]:
        return list(sm.SPECS) + [f"{sm.TARGET_PREFIX}{m.id}" for m in self.app.workspace.curriculum.milestones]

    def _fill(self, current: sm.Settings) -> None:
        self.original = {}
        for key in self._keys():
            text = sm.get_text(current, key)
            if key.startswith(sm.TARGET_PREFIX) and text == "none":
                text = ""
            self.original[key] = text
            self.query_one("#" + _field_id(key)).value = text
        # From now on a target date typed before today is refused; a stored one that has passed since
        # is not marked as an error the learner did not make (the Milestones screen says it has passed).
        today = current.calendar.study_day(self.app.now())
        for key in self._keys():
            if key.startswith(sm.TARGET_PREFIX):
                for validator in self.query_one("#" + _field_id(key), Input).validators:
                    validator.today = today

    def value(self, key: str) -> str:
        """The field's text for ``key`` as the core parses it (``on``/``off`` for an on/off setting)."""
        return str(self.query_one("#" + _field_id(key)).value)

    @on(Input.Changed, ".setting-input")
    def _validate(self, event: Input.Changed) -> None:
        note = self.query_one(f"#{event.input.id}-error", Static)
        if event.validation_result is not None and not event.validation_result.is_valid:
            note.update("✗ " + escape("; ".join(event.validation_result.failure_descriptions)))
            note.add_class("invalid")
        else:
            key = next(k for k in self._keys() if _field_id(k) == event.input.id)
            note.update(escape(self._help(key)))
            note.remove_class("invalid")

    def _help(self, key: str) -> str:
        if key in sm.SPECS:
            default = sm.SPECS[key].show(getattr(sm.Settings(), sm.SPECS[key].field))
            return f"{sm.SPECS[key].help} (default {default})"
        m = self.app.workspace.curriculum.milestone(key[len(sm.TARGET_PREFIX):])
        return f"Target date for “{m.name}”: YYYY-MM-DD, empty for none"

    @on(Input.Submitted, ".setting-input")
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save every changed value if all are valid; otherwise say which are not."""
        changed, bad = {}, []
        for key in self._keys():
            if self.value(key) == self.original.get(key):
                continue
            if is_switch(key):
                changed[key] = self.value(key)
                continue
            inp = self.query_one("#" + _field_id(key), Input)
            result = inp.validate(inp.value)
            if result is not None and not result.is_valid:
                bad.append(key)
            else:
                changed[key] = inp.value
        if bad:
            self.notify(f"Not saved: fix {', '.join(bad)} first.", severity="error", timeout=6)
            return
        if not changed:
            self.notify("Nothing changed.")
            return
        self._save(changed)

    @work(thread=True, group="write", exit_on_error=False)
    def _save(self, changed: dict[str, str]) -> None:
        from roadmap.actions.settings import set_many

        app = self.app
        try:
            set_many(app.workspace, {key: value if value.strip() or not key.startswith(sm.TARGET_PREFIX) else "none"
                                     for key, value in changed.items()}, now=app.now())
        except RoadmapError as e:
            app.call_from_thread(self.notify, str(e), severity="error", timeout=8)
            return
        app.call_from_thread(self.notify, "Saved: " + ", ".join(changed), timeout=4)
        self._load()
