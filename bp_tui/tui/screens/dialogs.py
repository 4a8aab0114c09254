"""Small screens: help, a lesson that cannot be opened, and a terminal that is too small."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Static

from bp_tui.tui.messages import BackToLessons
from bp_tui.words import word


class HelpScreen(ModalScreen[None]):
    """The keys and the lecture's notation."""

    BINDINGS = [Binding("escape,question_mark,q", "close", word("key.close"))]

    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown  # only when help is asked for: start-up is quicker

        with VerticalScroll(id="help"):
            yield Markdown(word("tui.help.body"))

    def on_mount(self) -> None:
        self.query_one("#help").border_title = word("tui.help.title")

    def action_close(self) -> None:
        self.dismiss()


class ErrorScreen(Screen[None]):
    """A lesson that failed to load: the same message `bp-tui check` prints."""

    BINDINGS = [Binding("escape", "back", word("key.back"))]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="error"):
            yield Static(self.message, id="error-message", markup=False)
            yield Static(word("tui.error.hint"), id="error-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "bp-tui"
        self.query_one("#error").border_title = word("tui.error.title")

    def action_back(self) -> None:
        self.post_message(BackToLessons())


class TooSmallScreen(ModalScreen[None]):
    """Covers everything while the terminal is below the minimum; the app pops it again
    when the terminal grows, so the screen beneath comes back exactly as it was."""

    def __init__(self, width: int, height: int) -> None:
        super().__init__()
        self.need = (width, height)

    def compose(self) -> ComposeResult:
        yield Static(id="too-small", markup=False)

    def on_mount(self) -> None:
        self.show_size(self.app.size.width, self.app.size.height)

    def show_size(self, width: int, height: int) -> None:
        """Say how large the terminal is now (a resize can come before the notice is
        composed; its on_mount then shows the size)."""
        notice = self.query("#too-small")
        if not notice:
            return
        notice.first(Static).update(
            word(
                "tui.too_small",
                width=self.need[0],
                height=self.need[1],
                now=f"{width}×{height}",
            )
        )
