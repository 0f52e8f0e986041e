"""The footer of key bindings: Textual's Footer, redrawn only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's :class:`~textual.widgets.Footer` without the command palette key, rebuilt only when
    what it shows changes.

    Textual's footer rebuilds all its key widgets whenever the screen's bindings *may* have changed:
    on every focus change and every ``refresh_bindings()``. Each rebuild mounts and styles one widget
    per key (about 2 ms each), so moving between the fields of a form costs tens of milliseconds
    for an identical footer. This one compares the shown keys (key, label, action, enabled,
    tooltip, in order) with the last rebuild's and skips the rebuild when they are the same; it
    looks and behaves exactly like Textual's.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(show_command_palette=False, **kwargs)
        self._shown: tuple | None = None

    @staticmethod
    def _keys(screen: Screen) -> tuple:
        """What the footer would show for ``screen``: a tuple of per-binding tuples, in order."""
        return tuple((b.key, b.key_display, b.description, b.action, b.group, enabled, tooltip)
                     for (_node, b, enabled, tooltip) in screen.active_bindings.values() if b.show)

    def bindings_changed(self, screen: Screen) -> None:
        """Rebuild (as Footer does) unless the shown keys are the same as at the last rebuild."""
        will_rebuild = screen.app.app_focus and self.is_attached and screen is self.screen
        if will_rebuild:
            keys = self._keys(screen)
            if keys == self._shown and self._bindings_ready:
                return
            self._shown = keys
        super().bindings_changed(screen)
