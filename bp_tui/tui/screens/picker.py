"""The lesson picker: every lesson found, valid or not, and the highlighted one's summary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList
from textual.widgets.option_list import Option

from bp_tui.lesson import Lesson, LessonError, load_lesson
from bp_tui.words import word


@dataclass(frozen=True)
class Entry:
    """A lesson file and what loading it gave: a lesson, or the error that explains why not."""

    path: Path
    lesson: Lesson | None
    error: LessonError | None

    @classmethod
    def load(cls, path: Path) -> Entry:
        try:
            return cls(path, load_lesson(path), None)
        except LessonError as err:
            return cls(path, None, err)

    def prompt(self) -> Text:
        if self.lesson is None:
            assert self.error is not None
            text = Text(self.path.name, style="bold")
            text.append(f"  {word('tui.picker.invalid')}\n", style="bold")
            text.append(str(self.error.problems[0]), style="italic")
            return text
        text = Text(self.lesson.title, style="bold")
        text.append(f"  {self.lesson.shape}", style="dim")
        if sentence := first_sentence(self.lesson.summary):
            text.append(f"\n{sentence}", style="italic")
        return text


def first_sentence(markdown: str) -> str:
    """The first sentence of a summary's first paragraph, its line breaks undone."""
    paragraph = markdown.strip().split("\n\n", 1)[0]
    text = " ".join(line.strip() for line in paragraph.splitlines())
    return text[: text.index(". ") + 1] if ". " in text else text


class PickerScreen(Screen[None]):
    """Choose a lesson; the app opens it above this screen, which stays for coming back."""

    @dataclass
    class Chosen(Message):
        """The student chose the lesson at ``path``."""

        path: Path

    BINDINGS = [Binding("enter", "open", word("key.open"))]

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self.paths = paths
        self.entries: list[Entry] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield OptionList(id="lessons")
            yield VerticalScroll(id="summary")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "bp-tui"
        self.sub_title = word("tui.picker.title")
        self.query_one("#lessons").border_title = word("tui.picker.title")
        self.query_one("#lessons").border_subtitle = word("tui.picker.hint")

    def on_screen_resume(self) -> None:
        """Load the lessons the first time the picker is shown."""
        if self.entries or not self.paths:
            return
        from textual.widgets import Markdown  # not needed when bp-tui opens a lesson directly

        self.entries = [Entry.load(path) for path in self.paths]
        options: list[Option | None] = []
        for i, entry in enumerate(self.entries):
            options += [None] if i else []
            options.append(Option(entry.prompt(), id=str(i)))
        option_list = self.query_one(OptionList)
        option_list.add_options(options)
        option_list.highlighted = 0
        self.query_one("#summary").mount(Markdown(id="summary-text"))
        self.call_after_refresh(self._describe)

    def _entry(self, option: Option) -> Entry:
        return self.entries[int(option.id or 0)]

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._describe(self._entry(event.option))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.post_message(self.Chosen(self._entry(event.option).path))

    def action_open(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.post_message(self.Chosen(self._entry(options.highlighted_option).path))

    def _describe(self, entry: Entry | None = None) -> None:
        if entry is None:
            if not self.entries:
                return
            entry = self.entries[0]
        self.query_one("#summary").border_title = entry.path.name
        if entry.lesson is None:
            text = f"**{word('tui.picker.invalid')}**\n\n```\n{entry.error}\n```"
        else:
            text = f"## {entry.lesson.title}\n\n{entry.lesson.summary.strip()}"
        from textual.widgets import Markdown

        self.query_one("#summary-text", Markdown).update(text)
