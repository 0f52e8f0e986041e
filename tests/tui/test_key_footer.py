"""KeyFooter shows what Textual's Footer shows, and rebuilds only when that changes."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from roadmap.tui.widgets.key_footer import KeyFooter

from tui.conftest import settle


class Form(App):
    BINDINGS = [Binding("f5", "save", "Save"), Binding("f6", "extra", "Extra")]
    extra_enabled = True

    def compose(self):
        yield Input(id="one")
        yield Input(id="two")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return None if action == "extra" and not self.extra_enabled else True

    def action_save(self) -> None: ...

    def action_extra(self) -> None: ...


def _shown(app) -> list[tuple[str, bool]]:
    return [(k.description, k.has_class("-disabled")) for k in app.query(FooterKey)]


async def test_moving_focus_keeps_the_footer_and_a_changed_key_rebuilds_it():
    app = Form()
    async with app.run_test(size=(80, 10)) as pilot:
        await settle(pilot)
        assert _shown(app) == [("Save", False), ("Extra", False)]  # no command palette key
        keys = list(app.query(FooterKey))
        for _ in range(4):  # focus moves: the same keys, the same widgets (not rebuilt)
            await pilot.press("tab")
            await settle(pilot)
        assert list(app.query(FooterKey)) == keys
        app.extra_enabled = False  # now the key shows disabled: rebuilt
        app.refresh_bindings()
        await settle(pilot)
        assert _shown(app) == [("Save", False), ("Extra", True)]
        assert not set(app.query(FooterKey)) & set(keys)


async def test_textual_footer_rebuilds_on_focus_moves_so_the_test_above_can_fail():
    from textual.widgets import Footer

    class Plain(Form):
        def compose(self):
            yield Input(id="one")
            yield Input(id="two")
            yield Footer(show_command_palette=False)

    app = Plain()
    async with app.run_test(size=(80, 10)) as pilot:
        await settle(pilot)
        keys = list(app.query(FooterKey))
        assert keys
        await pilot.press("tab")
        await settle(pilot)
        assert not set(app.query(FooterKey)) & set(keys)
