"""The lesson screen: a cursor over the session's traces, and training in the background."""

from __future__ import annotations

import time
from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar
from textual.worker import get_current_worker

from bp_tui.engine import TrainingResult
from bp_tui.formulas import DEFAULT_DIGITS, number
from bp_tui.session import Session
from bp_tui.tui.messages import BackToLessons
from bp_tui.tui.view import View
from bp_tui.tui.widgets.loss_curve import LossCurve
from bp_tui.tui.widgets.network_view import NetworkView
from bp_tui.tui.widgets.step_panel import StepPanel
from bp_tui.tui.widgets.tables import (
    ExplainingTable,
    delta_content,
    delta_grid,
    matrix_content,
    matrix_grid,
)
from bp_tui.words import word

#: The range of significant digits the student can choose.
MIN_DIGITS, MAX_DIGITS = 2, 12
#: Seconds between loss-curve updates while training.
PROGRESS_INTERVAL = 0.1


class LessonScreen(Screen[None]):
    """Step through one training iteration of a lesson, a key press at a time."""

    AUTO_FOCUS = ""  # nothing focused: arrows step through the iteration until `tab`
    BINDINGS = [
        Binding("n,right", "next", word("key.next")),
        Binding("p,left", "previous", word("key.previous")),
        Binding("home", "first", word("key.first"), show=False),
        Binding("end", "last", word("key.last"), show=False),
        Binding("t", "train", word("key.train")),
        Binding("escape", "cancel", word("key.cancel")),
        Binding("s", "sample", word("key.sample")),
        Binding("r", "reset", word("key.reset")),
        Binding("l", "lessons", word("key.lessons")),
        Binding("m", "mistakes", word("key.mistakes")),
        Binding("g", "gradcheck", word("key.gradcheck")),
        Binding("z", "app.quiz", word("key.quiz")),
        Binding("plus,equals_sign", "digits(1)", word("key.more_digits"), show=False),
        Binding("minus", "digits(-1)", word("key.fewer_digits"), show=False),
    ]

    # The screen's widgets repaint what changed; repainting the whole screen on every
    # step would redraw all of it.
    view: reactive[View | None] = reactive(None, repaint=False)
    training: reactive[bool] = reactive(False)

    #: The Footer's keys that come and go as the student steps and trains. (home and end
    #: are never shown, and Textual asks check_action whenever a key is pressed: the
    #: Footer, which rebuilds all its keys to show one more or one fewer, need not know.)
    STEP_ACTIONS = ("previous", "sample", "train", "reset", "cancel")

    @dataclass
    class Progress(Message):
        """Sent by the training worker: the losses of the epochs since its last message."""

        epoch: int
        losses: tuple[float, ...]

    @dataclass
    class Finished(Message):
        """Sent by the training worker when training ends (done, cancelled or diverged)."""

        result: TrainingResult

    def __init__(self, session: Session) -> None:
        # Classes that hold from the start are given here, not set after mounting, where
        # each change restyles every widget on the screen.
        super().__init__(classes="" if session.losses else "-untrained")
        self.session = session
        self.digits = DEFAULT_DIGITS
        self.row = 0  # the sample of a batch that per-sample panels show
        self.gradcheck = False
        self._live: list[float] = []  # the running training's losses, as reported so far
        self._trained_from = 0  # the iteration the running training started from
        self._keys_shown = self._step_keys()  # the Footer is built with these

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="top"):
            yield NetworkView(id="network").data_bind(LessonScreen.view)
            yield StepPanel(id="step").data_bind(LessonScreen.view)
        with Horizontal(id="tables"):
            yield ExplainingTable(delta_grid, delta_content, id="deltas").data_bind(
                LessonScreen.view
            )
            yield ExplainingTable(matrix_grid, matrix_content, id="weights").data_bind(
                LessonScreen.view
            )
        with Vertical(id="training"):
            yield LossCurve(id="loss")  # and the progress bar, once training starts
        yield Footer()

    def on_mount(self) -> None:
        lesson = self.session.lesson
        self.digits = getattr(self.app, "digits", DEFAULT_DIGITS)  # kept for the session
        self.title = "bp-tui"
        self.sub_title = f"{lesson.title} · {lesson.shape}"
        self.query_one("#network").border_title = word("tui.network")
        self.query_one("#step").border_title = word("tui.step")
        self.query_one(StepPanel).summary = lesson.summary
        self.query_one(LossCurve).epochs = lesson.epochs
        self.query_one(LossCurve).border_title = word("tui.loss")
        self._show()

    def _show(self) -> None:
        """Publish the session's current position as the screen's view."""
        s = self.session
        self.set_class(not s.losses and not self.training, "-untrained")
        self.row = min(self.row, len(s.trace.samples) - 1)
        self.view = View(
            s.trace, s.position.step, s.iteration_number, self.digits, self.row, self.gradcheck
        )
        self.query_one(StepPanel).selected = None
        # The Footer rebuilds itself on refresh_bindings: only when a key appears or goes.
        keys = self._step_keys()
        if keys != self._keys_shown:
            self._keys_shown = keys
            self.refresh_bindings()

    def _step_keys(self) -> tuple[bool | None, ...]:
        """Which of the keys that come and go are shown now."""
        return tuple(self.check_action(action, ()) for action in self.STEP_ACTIONS)

    # ── keys ─────────────────────────────────────────────────────────────────

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        s = self.session
        if action == "previous":
            return not s.at_start
        if action == "first":
            return s.position.step > 0
        if action == "last":
            return s.position.step < len(s.trace.steps) - 1
        if action == "sample":
            return s.has_several_samples and not self.training
        if action in {"train", "reset"}:
            return not self.training and (action == "reset" or s.lesson.epochs > 0)
        if action == "cancel":
            return self.training
        return True

    def action_next(self) -> None:
        self.session.next()
        self._show()

    def action_previous(self) -> None:
        self.session.previous()
        self._show()

    def action_first(self) -> None:
        self.session.first()
        self._show()

    def action_last(self) -> None:
        self.session.last()
        self._show()

    def action_sample(self) -> None:
        """Sample mode: this iteration on the next sample. Batch mode: show the next row."""
        if len(self.session.trace.samples) > 1:
            self.row = (self.row + 1) % len(self.session.trace.samples)
        else:
            self.session.next_sample()
        self._show()

    def action_reset(self) -> None:
        self.session.reset()
        self.row = 0
        curve = self.query_one(LossCurve)
        curve.losses = ()
        curve.border_subtitle = ""
        self._show()
        self.notify(word("tui.reset"))

    def action_mistakes(self) -> None:
        """The current iteration done right and with each classic mistake."""
        from bp_tui.tui.screens.mistakes import MistakesScreen  # imported when first asked for

        self.app.push_screen(MistakesScreen(self.session.trace, self.digits))

    def action_gradcheck(self) -> None:
        """Show (or hide) the central-difference estimate beside each ∂E/∂W."""
        self.gradcheck = not self.gradcheck
        self._show()

    def action_digits(self, change: int) -> None:
        """One more or one fewer significant digit everywhere, for the rest of the session."""
        self.digits = min(MAX_DIGITS, max(MIN_DIGITS, self.digits + change))
        if hasattr(self.app, "digits"):
            self.app.digits = self.digits
        self._show()

    def action_lessons(self) -> None:
        self.workers.cancel_group(self, "train")
        self.post_message(BackToLessons())

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "train")

    def action_train(self) -> None:
        if self.training:
            return
        self.training = True
        self._trained_from = self.session.iteration_index
        self._progress_bar().update(total=self.session.lesson.epochs, progress=0)
        self._live = []
        self._train(self.session)

    def _progress_bar(self) -> ProgressBar:
        """The training's progress bar, mounted the first time training starts: it shows
        only while training, and building it would slow every lesson's opening."""
        try:
            return self.query_one(ProgressBar)
        except NoMatches:
            bar = ProgressBar(show_eta=False, id="progress")
            self.query_one("#training").mount(bar)
            return bar

    def watch_training(self, training: bool) -> None:
        self.set_class(training, "-training")
        if training:
            self.set_class(False, "-untrained")
        self.refresh_bindings()

    # ── training in a thread ─────────────────────────────────────────────────

    @work(thread=True, exclusive=True, group="train")
    def _train(self, session: Session) -> None:
        worker = get_current_worker()
        new: list[float] = []
        last = time.monotonic()

        def progress(epoch: int, loss: float) -> bool:
            nonlocal last
            new.append(loss)
            # Small networks train in pure-Python-speed loops that would hold the GIL for
            # the interpreter's whole switch interval: let the UI thread in every epoch.
            time.sleep(0)
            now = time.monotonic()
            if now - last >= PROGRESS_INTERVAL:
                last = now
                self.post_message(self.Progress(epoch, tuple(new)))
                new.clear()
            return not worker.is_cancelled

        result = session.lesson.train(network=session.network, progress=progress)
        self.post_message(self.Finished(result))

    def on_lesson_screen_progress(self, message: Progress) -> None:
        self._progress_bar().update(progress=message.epoch)
        self._live.extend(message.losses)
        self.query_one(LossCurve).losses = (*self.session.losses, *self._live)

    def on_lesson_screen_finished(self, message: Finished) -> None:
        result = message.result
        self.session.after_training(result, self._trained_from)
        self.training = False
        self._progress_bar().update(progress=result.epochs)
        curve = self.query_one(LossCurve)
        curve.losses = tuple(self.session.losses)
        self._show()
        loss = number(result.losses[-1], self.digits) if result.epochs else "—"
        outcome = "tui.cancelled" if result.cancelled else "tui.trained"
        curve.border_subtitle = word(outcome, epochs=result.epochs, loss=loss)
        if result.divergence is not None:
            curve.border_subtitle = word("tui.diverged", epoch=result.divergence.epoch)
            self.notify(str(result.divergence), severity="error", timeout=30)

    # ── explaining a number ─────────────────────────────────────────────────

    def on_explaining_table_explain(self, message: ExplainingTable.Explain) -> None:
        self.query_one(StepPanel).selected = message.formula
