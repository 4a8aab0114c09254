"""A validated lesson: the network it starts from, its samples and how to train it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bp_tui.engine import Network, Schedule, Trace, TrainingResult, trace_at, train
from bp_tui.engine.network import Array
from bp_tui.lesson.symbols import Quantity

#: The default relative tolerance of an expected value (``expect.tolerance``).
DEFAULT_TOLERANCE = 1e-6
#: Below this magnitude an expected value's tolerance stops shrinking: a value expected
#: to be 0 may be off by ``tolerance × ABSOLUTE_FLOOR``.
ABSOLUTE_FLOOR = 1e-12


@dataclass(frozen=True)
class ExpectedValue:
    """One item of ``expect.values``: a number the lesson must produce, within a tolerance.

    Exactly how each is computed is in :mod:`bp_tui.lesson.expect`.
    """

    index: int  # its place in expect.values, from 0
    of: Quantity  # what number
    value: float  # what it must be
    tolerance: float = DEFAULT_TOLERANCE  # relative: |computed − value| ≤ tol·max(|value|, floor)
    after: int = 0  # iterations (updates) before: W, b after them; others in the next iteration
    after_epochs: int | None = None  # E: the loss of this epoch; W, b: after this many epochs
    sample: int | None = None  # which sample of the lesson (from 0) for O, x, δ and E
    line: int | None = field(default=None, compare=False)  # where the item is in the file
    column: int | None = field(default=None, compare=False)

    @property
    def field(self) -> str:
        """The item's field, as problems name it: ``expect.values[1]``."""
        return f"expect.values[{self.index}]"

    def accepts(self, computed: float) -> bool:
        """``computed`` is within the tolerance of the expected value (and finite)."""
        allowed = self.tolerance * max(abs(self.value), ABSOLUTE_FLOOR)
        return abs(computed - self.value) <= allowed


@dataclass(frozen=True)
class Expectations:
    """What a lesson promises about itself; `bp-tui check` verifies each one."""

    final_loss_below: float | None = None  # the last epoch's loss after `epochs` epochs
    values: tuple[ExpectedValue, ...] = ()  # numbers the lesson must produce
    #: Where ``final_loss_below`` is in the file (line, column), for messages.
    final_loss_place: tuple[int, int] | None = field(default=None, compare=False)


@dataclass(frozen=True, eq=False)
class Lesson:
    """Everything a lesson file defines, checked and turned into engine objects."""

    path: Path | None
    title: str
    summary: str
    network: Network  # the initial weights
    inputs: Array  # shape (samples, nodes of the input layer)
    targets: Array  # shape (samples, nodes of the output layer)
    learning_rate: float  # η
    epochs: int
    schedule: Schedule
    expect: Expectations = Expectations()
    quiz_tolerance: float = 1e-3  # a quiz answer is right within this relative tolerance

    @property
    def shape(self) -> str:
        """The layer sizes, as the picker shows them: ``2-2-2``."""
        return "-".join(str(n) for n in self.network.sizes)

    @property
    def name(self) -> str:
        """The file's stem (``two_two_two``), or the title for a lesson without a file."""
        return self.path.stem if self.path else self.title

    def train(
        self,
        epochs: int | None = None,
        network: Network | None = None,
        progress: Callable[[int, float], bool] | None = None,
    ) -> TrainingResult:
        """Train ``epochs`` epochs (the lesson's, by default) of the lesson's samples and
        schedule, from ``network`` (the lesson's initial weights, by default)."""
        return train(
            self.network if network is None else network,
            self.inputs,
            self.targets,
            self.learning_rate,
            self.epochs if epochs is None else epochs,
            self.schedule,
            progress,
        )

    def first_trace(self) -> Trace:
        """The first training iteration from the lesson's initial weights."""
        return trace_at(self.network, self.inputs, self.targets, self.learning_rate, self.schedule)
