"""A validated lesson: the network it starts from, its samples and how to train it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bp_tui.engine import Network, Schedule, Trace, trace_at
from bp_tui.engine.network import Array


@dataclass(frozen=True)
class Expectations:
    """What a lesson promises about itself; `bp-tui check` verifies each one."""

    final_loss_below: float | None = None  # the last epoch's loss after `epochs` epochs


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

    @property
    def shape(self) -> str:
        """The layer sizes, as the picker shows them: ``2-2-2``."""
        return "-".join(str(n) for n in self.network.sizes)

    @property
    def name(self) -> str:
        """The file's stem (``two_two_two``), or the title for a lesson without a file."""
        return self.path.stem if self.path else self.title

    def first_trace(self) -> Trace:
        """The first training iteration from the lesson's initial weights."""
        return trace_at(self.network, self.inputs, self.targets, self.learning_rate, self.schedule)
