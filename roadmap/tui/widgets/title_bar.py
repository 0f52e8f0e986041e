"""A one-line title bar: the screen's title and subtitle, as plain text."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class TitleBar(Static):
    """Shows ``screen.title — screen.sub_title``, following changes to either.

    A plain widget instead of Textual's Header, which queries its own children
    from title watchers and can fail when screens are pushed and popped faster
    than they mount.
    """

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        height: 1;
        width: 100%;
        background: $panel;
        color: $foreground;
        content-align: center middle;
        text-style: bold;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.screen, "title", lambda _: self.refresh_title(), init=False)
        self.watch(self.screen, "sub_title", lambda _: self.refresh_title(), init=False)
        self.refresh_title()

    def refresh_title(self) -> None:
        """Redraw from the screen's current title and subtitle."""
        screen = self.screen
        title = screen.title or screen.TITLE or self.app.title
        text = f"roadmap · {title}" + (f" — {screen.sub_title}" if screen.sub_title else "")
        self.update(Content(text))
