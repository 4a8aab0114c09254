"""Training over many epochs: the fast path that the loss curve and `bp-tui run` use.

Samples are visited in the lesson's order, every epoch the same (no shuffling, so every
run of a lesson gives the same numbers).

- ``sample`` mode: one iteration per sample, updating after each (stochastic gradient
  descent in the lecture's per-sample form).
- ``batch`` mode: one iteration per batch of ``batch_size`` consecutive samples (all of
  them by default), updating with the **mean** gradient over the batch's samples.

The loss of an epoch is the mean, over the epoch's samples, of the E each sample had in
its forward pass (so with the weights current at that moment, as a live curve shows it).

:func:`train` keeps only what the curve needs, yet runs exactly the arithmetic of
:func:`bp_tui.engine.trace.trace_iteration`, so its weights equal those of stepping
iteration by iteration.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from itertools import chain

import numpy as np

from bp_tui.engine.network import Array, BiasMode, Network, frozen
from bp_tui.engine.trace import Trace, backprop, trace_iteration


class Mode(StrEnum):
    SAMPLE = "sample"
    BATCH = "batch"


@dataclass(frozen=True)
class Schedule:
    """Which samples each iteration of an epoch uses."""

    n_samples: int
    mode: Mode = Mode.SAMPLE
    batch_size: int | None = None  # batch mode only; None means all samples

    @property
    def batches(self) -> tuple[tuple[int, ...], ...]:
        if self.mode is Mode.SAMPLE:
            return tuple((i,) for i in range(self.n_samples))
        size = self.batch_size or self.n_samples
        return tuple(
            tuple(range(start, min(start + size, self.n_samples)))
            for start in range(0, self.n_samples, size)
        )

    @property
    def iterations_per_epoch(self) -> int:
        return len(self.batches)

    def samples_of(self, iteration: int) -> tuple[int, ...]:
        """The samples of iteration ``iteration`` (counted from 0 across epochs)."""
        return self.batches[iteration % self.iterations_per_epoch]


class Divergence(ArithmeticError):
    """Training produced a non-finite loss: the weights have blown up."""

    def __init__(self, epoch: int, iteration: int, learning_rate: float) -> None:
        self.epoch = epoch
        self.iteration = iteration
        super().__init__(
            f"training diverged in epoch {epoch}: the error E became infinite or not a "
            f"number. The learning rate η = {learning_rate:g} is probably too large for "
            "this network (or a ReLU/linear layer grew without bound); try a smaller η."
        )


@dataclass(frozen=True, eq=False)
class TrainingResult:
    """The loss of every epoch run, the final network, and why training stopped early."""

    network: Network
    losses: Array  # loss per completed epoch
    iterations: int  # updates applied
    divergence: Divergence | None = None
    cancelled: bool = False

    @property
    def epochs(self) -> int:
        return len(self.losses)


def trace_at(
    network: Network,
    inputs: Array,
    targets: Array,
    learning_rate: float,
    schedule: Schedule,
    iteration: int = 0,
) -> Trace:
    """The trace of iteration ``iteration`` of ``schedule``, starting from ``network``."""
    idx = schedule.samples_of(iteration)
    return trace_iteration(network, inputs[list(idx)], targets[list(idx)], learning_rate, idx)


def sgd_step(
    network: Network,
    inputs: Array,
    targets: Array,
    learning_rate: float,
    weights: list[Array],
    biases: list[Array],
) -> float:
    """One iteration of :func:`train`, in place: backprop on a batch, then
    W ← W − η ∂E/∂W for every layer (and b ← b − η ∂E/∂b when biases are trained).

    ``weights`` and ``biases`` are writable arrays that take the place of the network's
    own. Returns the sum of the batch's per-sample E, from its forward pass.
    """
    bp = backprop(network, inputs, targets, weights, biases)
    pairs = zip(weights, bp.dW, strict=True)
    if network.bias is BiasMode.TRAINED:
        pairs = chain(pairs, zip(biases, bp.db, strict=True))
    for p, g in pairs:
        # η ∂E/∂W is formed in the gradient's own array (no one else holds it), then taken
        # from W in place: the same two roundings as W − η ∂E/∂W, without two new arrays.
        g *= learning_rate
        p -= g
    return float(np.add.reduce(bp.E))


def train(
    network: Network,
    inputs: Array,
    targets: Array,
    learning_rate: float,
    epochs: int,
    schedule: Schedule,
    progress: Callable[[int, float], bool] | None = None,
) -> TrainingResult:
    """Train for ``epochs`` epochs from ``network``.

    ``progress(epoch, loss)`` is called after each epoch (counted from 1); returning
    ``False`` cancels training, keeping the epochs already done. Training stops at the
    first non-finite loss, returning the network of the last finite epoch and a
    :class:`Divergence` that names the epoch.
    """
    inputs = np.asarray(inputs, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.float64)
    batches = [(inputs[list(b)], targets[list(b)]) for b in schedule.batches]
    losses = np.empty(epochs, dtype=np.float64)
    # The parameters are updated in place (sgd_step): exactly the W − η ∂E/∂W of
    # apply_update, without building a Network per iteration.
    weights = [np.array(w) for w in network.weights]
    biases = [np.array(b) for b in network.biases]
    trained_bias = network.bias is BiasMode.TRAINED
    params = weights + biases if trained_bias else weights  # what an update changes
    # The parameters an epoch began with, kept to fall back on if it diverges.
    start = [p.copy() for p in params]
    depth = len(weights)
    iterations = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(epochs):
            for kept, p in zip(start, params, strict=True):
                np.copyto(kept, p)
            total = 0.0
            for x, t in batches:
                total += sgd_step(network, x, t, learning_rate, weights, biases)
                iterations += 1
            loss = total / len(inputs)
            if not math.isfinite(loss) or not all(np.isfinite(p).all() for p in params):
                return TrainingResult(
                    network=network.with_parameters(
                        start[:depth], start[depth:] if trained_bias else biases
                    ),
                    losses=frozen(losses[:epoch]),
                    iterations=iterations - len(batches),
                    divergence=Divergence(epoch + 1, iterations, learning_rate),
                )
            losses[epoch] = loss
            if progress is not None and progress(epoch + 1, loss) is False:
                return TrainingResult(
                    network.with_parameters(weights, biases),
                    frozen(losses[: epoch + 1]),
                    iterations,
                    cancelled=True,
                )
    return TrainingResult(network.with_parameters(weights, biases), frozen(losses), iterations)
