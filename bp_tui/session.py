"""A student's session with one lesson: which iteration, which step, what was trained.

Headless (no Textual): the app's lesson screen is a view of a :class:`Session`. The
session keeps the trace of every iteration stepped through since the last reset or
training run, so stepping back in time is moving a cursor, never recomputing.

Iterations follow the lesson's schedule: in ``sample`` mode iteration n uses sample
n mod (number of samples), shifted by :meth:`Session.next_sample` and realigned after
training so that the next iteration starts an epoch.
"""

from __future__ import annotations

from dataclasses import dataclass

from bp_tui.engine import Network, Step, Trace, TrainingResult, trace_iteration
from bp_tui.lesson import Lesson

#: Traces kept for stepping back across iterations (older ones are dropped).
HISTORY_LIMIT = 200


@dataclass(frozen=True)
class Position:
    """Where the cursor is: an iteration (index into the history) and a step of it."""

    iteration: int
    step: int


class Session:
    """One lesson, the network as it stands, and a cursor over the traces so far."""

    def __init__(self, lesson: Lesson) -> None:
        self.lesson = lesson
        self.losses: list[float] = []  # the loss of every epoch trained, across runs
        self.reset()

    # ── the traces ──────────────────────────────────────────────────────────

    def reset(self) -> None:
        """Back to the lesson's initial weights, its first iteration, and no training."""
        self.sample_offset = 0
        self.first_iteration = 0  # the global number of history[0]
        self.losses = []
        self.history: list[Trace] = [self._trace(self.lesson.network, 0)]
        self.position = Position(0, 0)

    def _samples(self, iteration: int) -> tuple[int, ...]:
        return self.lesson.schedule.samples_of(iteration + self.sample_offset)

    def _trace(self, network: Network, iteration: int) -> Trace:
        idx = list(self._samples(iteration))
        return trace_iteration(
            network,
            self.lesson.inputs[idx],
            self.lesson.targets[idx],
            self.lesson.learning_rate,
            tuple(idx),
        )

    @property
    def trace(self) -> Trace:
        return self.history[self.position.iteration]

    @property
    def step(self) -> Step:
        return self.trace.steps[self.position.step]

    @property
    def iteration_number(self) -> int:
        """The current iteration counted from 1 since the lesson's initial weights."""
        return self.first_iteration + self.position.iteration + 1

    # ── moving the cursor ────────────────────────────────────────────────────

    @property
    def at_start(self) -> bool:
        return self.position == Position(0, 0)

    def next(self) -> None:
        """The next step; after an iteration's last step, the first of the next iteration."""
        it, step = self.position.iteration, self.position.step
        if step + 1 < len(self.trace.steps):
            self.position = Position(it, step + 1)
            return
        if it + 1 == len(self.history):
            self.history.append(self._trace(self.trace.updated, self._global(it + 1)))
            if len(self.history) > HISTORY_LIMIT:
                del self.history[0]
                self.first_iteration += 1
                it -= 1
        self.position = Position(it + 1, 0)

    def previous(self) -> None:
        """The previous step, back into the previous iteration when there is one."""
        it, step = self.position.iteration, self.position.step
        if step > 0:
            self.position = Position(it, step - 1)
        elif it > 0:
            self.position = Position(it - 1, len(self.history[it - 1].steps) - 1)

    def first(self) -> None:
        self.position = Position(self.position.iteration, 0)

    def last(self) -> None:
        self.position = Position(self.position.iteration, len(self.trace.steps) - 1)

    def _global(self, index: int) -> int:
        return self.first_iteration + index

    # ── samples and training ─────────────────────────────────────────────────

    @property
    def has_several_samples(self) -> bool:
        return self.lesson.schedule.n_samples > 1

    def next_sample(self) -> None:
        """Run the current iteration on the next sample, from the same weights.

        Later iterations are dropped: they were computed from the old sample's update.
        """
        if self.lesson.schedule.mode.value != "sample" or not self.has_several_samples:
            return
        self.sample_offset += 1
        it = self.position.iteration
        network = self.trace.network
        del self.history[it:]
        self.history.append(self._trace(network, self._global(it)))

    @property
    def network(self) -> Network:
        """The weights the current iteration begins with."""
        return self.trace.network

    @property
    def iteration_index(self) -> int:
        """The current iteration counted from 0 since the lesson's initial weights."""
        return self._global(self.position.iteration)

    def after_training(self, result: TrainingResult, trained_from: int | None = None) -> None:
        """Continue from a training run's weights: its losses join the curve, and the steps
        show the next iteration with the trained weights.

        ``trained_from`` is the :attr:`iteration_index` training started at (the student
        may have stepped on while it ran); by default, the current one.
        """
        self.losses.extend(float(v) for v in result.losses)
        begun = self.iteration_index if trained_from is None else trained_from
        start = begun + result.iterations
        self.first_iteration = start
        # training ran whole epochs, so the next iteration is the first of an epoch
        self.sample_offset = -start % self.lesson.schedule.iterations_per_epoch
        self.history = [self._trace(result.network, start)]
        self.position = Position(0, 0)
