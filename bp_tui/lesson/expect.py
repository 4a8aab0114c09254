"""Verify what a lesson promises about itself (its ``expect:`` block), as `bp-tui check` does.

Every expected value is recomputed with the engine, from the lesson's initial weights:

- without ``after_epochs``, by **stepping**: iteration after iteration with
  :func:`~bp_tui.engine.trace_at`, each starting from the network the last one updated,
  exactly as the app's step-through does. ``after: N`` reads W and b from the network
  after N iterations, and every other number (E, O, x, δ, ∂E/∂W, ∂E/∂b) from the trace of
  iteration N + 1, which starts from that network. Without ``after`` (N = 0): the first
  iteration, from the lesson's weights.
- with ``after_epochs: N``, by **training** with :func:`~bp_tui.engine.train`, the fast
  path of the loss curve and `bp-tui run`: E is the loss of epoch N (the mean E of its
  samples), W and b their values after epoch N. Both paths run the same arithmetic, so
  ``after: N × iterations per epoch`` and ``after_epochs: N`` give the very same weights.

``final_loss_below`` trains ``training.epochs`` epochs and compares the last epoch's loss.
One pass serves every item: stepping goes as far as the largest ``after``, training as
far as the largest number of epochs, each only once.

A computed value c meets an expected value v within a relative tolerance when
``|c − v| ≤ tolerance × max(|v|, 1e-12)`` (so a value expected to be exactly 0 must be
within tolerance × 1e-12 of it); a value that is not finite never does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bp_tui.engine import Divergence, Network, Trace, trace_at
from bp_tui.lesson.errors import NO_PATH, Problem
from bp_tui.lesson.model import Expectations, ExpectedValue, Lesson
from bp_tui.lesson.symbols import PARAMETER_KINDS


@dataclass(frozen=True)
class Outcome:
    """An expected value and what bp-tui computed for it."""

    expected: ExpectedValue
    computed: float  # nan when training diverged before it
    divergence: Divergence | None = None  # training stopped before after_epochs

    @property
    def ok(self) -> bool:
        return self.divergence is None and self.expected.accepts(self.computed)


def _number(value: float) -> str:
    """A value with enough digits to see a difference: 10 significant, no padding."""
    return format(value, ".10g")


def _tolerance(value: float) -> str:
    mantissa, _, exponent = format(value, "g").partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa


def describe(item: ExpectedValue) -> str:
    """The item's number in words: ``δ_k1``, ``W_j1k1 after 1 iteration``, ``O_k1 of sample 2``."""
    text = item.of.symbol
    if item.sample is not None:
        text += f" of sample {item.sample + 1}"
    if item.after_epochs is not None:
        text += f" after {item.after_epochs:,} epoch{'s' * (item.after_epochs != 1)}"
    elif item.after:
        text += f" after {item.after:,} iteration{'s' * (item.after != 1)}"
    return text


def message(outcome: Outcome) -> str:
    """What is wrong with an outcome that is not ok, as `bp-tui check` prints it."""
    item = outcome.expected
    wanted = f"expected {_number(item.value)} ± {_tolerance(item.tolerance)} relative"
    if outcome.divergence is not None:
        return (
            f"{describe(item)} cannot be computed: training diverged in epoch "
            f"{outcome.divergence.epoch:,} ({wanted})"
        )
    text = f"{describe(item)} is {_number(outcome.computed)} (computed), {wanted}"
    if math.isfinite(outcome.computed) and item.value != 0:
        off = abs(outcome.computed - item.value) / abs(item.value)
        text += f"; off by {off:.2g} relative"
    return text


def _read(item: ExpectedValue, network: Network, trace: Trace | None) -> float:
    """The item's number, from the network after ``after`` updates and the next trace."""
    q = item.of
    if q.kind == "W":
        return float(network.weights[q.layer - 1][q.below, q.node])
    if q.kind == "b":
        return float(network.biases[q.layer - 1][q.node])
    assert trace is not None
    row = 0 if item.sample is None else trace.samples.index(item.sample)
    if q.kind == "E":
        return trace.E if item.sample is None else float(trace.loss.E[row])
    if q.kind == "O":
        step_o = trace.inputs if q.layer == 0 else trace.forward(q.layer).O
        return float(step_o[row, q.node])
    if q.kind == "x":
        return float(trace.forward(q.layer).x[row, q.node])
    if q.kind == "δ":
        return float(trace.delta(q.layer).delta[row, q.node])
    if q.kind == "∂E/∂W":
        return float(trace.gradient(q.layer).dW[q.below, q.node])
    return float(trace.gradient(q.layer).db[q.node])  # ∂E/∂b


def _stepped(lesson: Lesson, items: list[ExpectedValue]) -> dict[int, float]:
    """The values of items without after_epochs, by stepping iteration by iteration."""
    wanted: dict[int, list[ExpectedValue]] = {}
    for item in items:
        wanted.setdefault(item.after, []).append(item)
    computed: dict[int, float] = {}
    network = lesson.network
    last = max(wanted, default=-1)
    for iteration in range(last + 1):
        group = wanted.get(iteration, [])
        needs_trace = iteration < last or any(i.of.kind not in PARAMETER_KINDS for i in group)
        trace = None
        if needs_trace:
            trace = trace_at(
                network,
                lesson.inputs,
                lesson.targets,
                lesson.learning_rate,
                lesson.schedule,
                iteration,
            )
        for item in group:
            computed[item.index] = _read(item, network, trace)
        if trace is not None:
            network = trace.updated
    return computed


@dataclass(frozen=True)
class _Trained:
    losses: list[float]  # the loss of every epoch trained
    networks: dict[int, Network]  # the network after the epoch counts asked for
    divergence: Divergence | None  # with its epoch counted from the start


def _trained(lesson: Lesson, epoch_counts: set[int]) -> _Trained:
    """Train once, as far as the largest count, keeping the network at every count."""
    network = lesson.network
    losses: list[float] = []
    networks: dict[int, Network] = {}
    done = 0
    for count in sorted(epoch_counts):
        result = lesson.train(count - done, network)
        losses.extend(float(v) for v in result.losses)
        if result.divergence is not None:
            div = result.divergence
            return _Trained(
                losses, networks, Divergence(done + div.epoch, div.iteration, lesson.learning_rate)
            )
        done, network = count, result.network
        networks[count] = network
    return _Trained(losses, networks, None)


@dataclass(frozen=True)
class Verdict:
    """Every promise of a lesson's ``expect:`` block, with what bp-tui computed for it."""

    path: str  # the lesson file, for problems
    expect: Expectations
    outcomes: tuple[Outcome, ...]  # one per item of expect.values, in file order
    epochs: int  # training.epochs
    final_loss: float | None  # the last epoch's loss, when final_loss_below is given
    divergence: Divergence | None = None  # training diverged before the last epoch asked

    @property
    def final_ok(self) -> bool:
        goal = self.expect.final_loss_below
        return goal is None or (self.final_loss is not None and self.final_loss < goal)

    @property
    def ok(self) -> bool:
        return self.final_ok and all(o.ok for o in self.outcomes)

    def problems(self) -> list[Problem]:
        """A problem for each promise not kept, in file order."""
        found = [
            Problem(self.path, o.expected.line, o.expected.column, o.expected.field, message(o))
            for o in self.outcomes
            if not o.ok
        ]
        if not self.final_ok:
            goal = self.expect.final_loss_below
            assert goal is not None and self.final_loss is not None
            line, column = self.expect.final_loss_place or (None, None)
            if math.isnan(self.final_loss) and self.divergence is not None:
                what = f"training diverged in epoch {self.divergence.epoch:,}"
            else:
                what = f"the loss after {self.epochs:,} epochs is {_number(self.final_loss)}"
            found.append(
                Problem(
                    self.path,
                    line,
                    column,
                    "expect.final_loss_below",
                    f"{what}, not below {_number(goal)} (expected a loss below "
                    f"{_number(goal)}); raise training.epochs or η, or the goal",
                )
            )
        return sorted(found, key=lambda p: (p.line or 0, p.column or 0))


def evaluate(lesson: Lesson) -> Verdict:
    """Compute every number the lesson's ``expect:`` block promises."""
    expect = lesson.expect
    items = expect.values
    counts = {i.after_epochs for i in items if i.after_epochs is not None}
    if expect.final_loss_below is not None and lesson.epochs > 0:
        counts.add(lesson.epochs)
    with np.errstate(all="ignore"):  # a diverging lesson is reported, not warned about
        computed = _stepped(lesson, [i for i in items if i.after_epochs is None])
        trained = _trained(lesson, counts)
    outcomes = []
    for item in items:
        if item.after_epochs is None:
            outcomes.append(Outcome(item, computed[item.index]))
            continue
        n = item.after_epochs
        if n not in trained.networks:
            outcomes.append(Outcome(item, math.nan, trained.divergence))
        elif item.of.kind == "E":
            outcomes.append(Outcome(item, trained.losses[n - 1]))
        else:
            outcomes.append(Outcome(item, _read(item, trained.networks[n], None)))
    final = None
    if expect.final_loss_below is not None:
        epochs = lesson.epochs
        final = trained.losses[epochs - 1] if epochs in trained.networks else math.nan
    path = str(lesson.path) if lesson.path is not None else NO_PATH
    return Verdict(path, expect, tuple(outcomes), lesson.epochs, final, trained.divergence)


def check_expectations(lesson: Lesson) -> list[Problem]:
    """A problem for each promise of the lesson's ``expect:`` block that it does not keep."""
    return evaluate(lesson).problems()
