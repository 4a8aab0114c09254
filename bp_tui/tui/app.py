"""The bp-tui app: a lesson picker, lesson screens, help, and a command palette.

The app is small on purpose: it opens screens and lets them coordinate. Everything a
screen shows comes from the engine's trace (see :mod:`bp_tui.tui.view`).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property, partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette, Hit, Hits, Provider
from textual.events import Resize
from textual.screen import Screen

from bp_tui.catalog import lesson_files, shipped_lessons
from bp_tui.formulas import DEFAULT_DIGITS
from bp_tui.lesson import Lesson, LessonError, load_lesson
from bp_tui.session import Session
from bp_tui.tui.messages import BackToLessons
from bp_tui.tui.screens.dialogs import ErrorScreen, HelpScreen, TooSmallScreen
from bp_tui.tui.screens.lesson import LessonScreen
from bp_tui.tui.screens.picker import PickerScreen
from bp_tui.words import word

#: The smallest terminal the lesson screen is usable in.
MIN_WIDTH, MIN_HEIGHT = 80, 24


class LessonCommands(Provider):
    """The command palette's lessons: "Open lesson: …" for every lesson found."""

    async def search(self, query: str) -> Hits:
        app = self.app
        assert isinstance(app, BpTuiApp)
        matcher = self.matcher(query)
        for path in app.lesson_paths:
            text = f"Open lesson: {path.stem}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(app.open_lesson, path))


class BpTuiApp(App[None]):
    """Step through backpropagation, one number at a time."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute, so subclasses find it too
    TITLE = "bp-tui"
    COMMANDS = App.COMMANDS | {LessonCommands}
    BINDINGS = [
        Binding("question_mark", "help", word("key.help")),
        Binding("q", "quit", word("key.quit")),
    ]

    def __init__(
        self, lesson: Path | None = None, lessons_dir: Path | None = None, quiz: bool = False
    ) -> None:
        super().__init__()
        self.first_quiz = quiz  # `bp-tui LESSON --quiz`: the lesson's quiz above its screen
        self.digits = DEFAULT_DIGITS  # significant digits, chosen with + and −, for the session
        self.first_lesson = lesson
        self.lessons_dir = lessons_dir

    @cached_property
    def lesson_paths(self) -> list[Path]:
        """The shipped lessons, then those of ``--lessons DIR``: listed when the picker or
        the command palette first needs them, not before the first screen."""
        extra = lesson_files(self.lessons_dir) if self.lessons_dir else []
        return shipped_lessons() + extra

    def on_mount(self) -> None:
        if self.first_lesson is not None:
            self.open_lesson(self.first_lesson)
            if self.first_quiz and isinstance(self.screen, LessonScreen):
                self.open_quiz(self.screen.session)
        else:
            self.show_picker()
        self._check_size(self.size.width, self.size.height)

    def show_picker(self) -> None:
        """The lesson picker, pushed the first time it is needed: `bp-tui LESSON` opens
        without building it, and leaving the lesson (`l`) comes back to it."""
        if not any(isinstance(s, PickerScreen) for s in self.screen_stack):
            self.push_screen(PickerScreen(self.lesson_paths))

    def on_back_to_lessons(self, message: BackToLessons) -> None:
        """Leave the lesson (or error) screen for the picker."""
        self._pop_to_picker()
        self.show_picker()
        # The size notice goes back on top (the terminal may shrink before this arrives).
        self._check_size(self.size.width, self.size.height)

    def _pop_to_picker(self) -> bool:
        """Pop every screen above the picker (or above the app's own screen when there is
        no picker yet): a lesson and what it opened, the size notice, a command palette.
        Returns whether the size notice was among them."""
        covered = False
        while len(self.screen_stack) > 1 and not isinstance(self.screen, PickerScreen):
            covered = covered or isinstance(self.screen, TooSmallScreen)
            self._pop_screen()
        return covered

    def _pop_screen(self) -> None:
        """Pop the screen on top, stopping its workers first: a command palette's search
        would otherwise look for its list of commands after the list is gone."""
        self.workers.cancel_node(self.screen)
        self.pop_screen()

    def on_picker_screen_chosen(self, message: PickerScreen.Chosen) -> None:
        self.open_lesson(message.path)

    def open_lesson(self, path: Path) -> None:
        """Open ``path`` on a lesson screen, or its error on an error screen, above the
        picker (which `l` or `escape` return to)."""
        covered = self._pop_to_picker()  # by the size notice, which goes back on top
        try:
            lesson = load_lesson(path)
        except LessonError as err:
            self.push_screen(ErrorScreen(str(err)))
        else:
            self.push_screen(LessonScreen(Session(lesson)))
        if covered:  # (not at start-up: on_mount checks the size once, after the quiz)
            self._check_size(self.size.width, self.size.height)

    def open_quiz(self, session_or_lesson: Session | Lesson) -> None:
        """Predict, then reveal: the quiz of a session's current iteration (a lesson's first),
        above the screen shown now; `escape` leaves it."""
        from bp_tui.tui.screens.quiz import QuizScreen  # imported when first asked for

        session = (
            session_or_lesson
            if isinstance(session_or_lesson, Session)
            else Session(session_or_lesson)
        )
        if not isinstance(self.screen, QuizScreen | TooSmallScreen):
            self.push_screen(QuizScreen(session))

    def action_quiz(self) -> None:
        """The quiz of the lesson on screen (a lesson screen's key can run `app.quiz`)."""
        if isinstance(self.screen, LessonScreen):
            self.open_quiz(self.screen.session)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen | TooSmallScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, LessonScreen):
            for action in ("next", "previous", "first", "last", "train", "sample", "reset"):
                if screen.check_action(action, ()):
                    yield SystemCommand(
                        word(f"key.{action}"),
                        word(f"key.{action}"),
                        getattr(screen, f"action_{action}"),
                    )
            yield SystemCommand(
                word("key.quiz"), word("quiz.command.help"), partial(self.open_quiz, screen.session)
            )
        yield SystemCommand(word("key.help"), word("key.help"), self.action_help)

    def action_command_palette(self) -> None:
        """Textual's palette, but not above the size notice, and never a second one (Textual
        looks only at the top screen, and a second palette would raise DuplicateIds)."""
        if not isinstance(self.screen, TooSmallScreen) and not any(
            isinstance(screen, CommandPalette) for screen in self.screen_stack
        ):
            super().action_command_palette()

    # ── the minimum size ─────────────────────────────────────────────────────

    def on_resize(self, event: Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        notice = self.screen if isinstance(self.screen, TooSmallScreen) else None
        if too_small and notice is None:
            self.push_screen(TooSmallScreen(MIN_WIDTH, MIN_HEIGHT))
        elif too_small and notice is not None:
            notice.show_size(width, height)
        elif not too_small and notice is not None:
            self.pop_screen()


def run_app(lesson: Path | None = None, lessons_dir: Path | None = None, quiz: bool = False) -> int:
    """Run the app until the student quits; the exit code. ``quiz``: open the lesson's quiz."""
    BpTuiApp(lesson, lessons_dir, quiz=quiz).run()
    return 0
