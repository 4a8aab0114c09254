"""One training iteration, kept whole: the Trace.

:func:`trace_iteration` runs one iteration (one sample, or one batch) the way the lecture
derives it and keeps every intermediate value, as an ordered tuple of immutable steps:

1. ``input``    the sample enters: O of the input layer is the input
2. ``forward``  per layer, bottom up: x_j = Σ_i O_i W_ij (+ b_j), O_j = f(x_j)
3. ``loss``     E = ½ Σ_k (O_k − t_k)² and each output's term
4. ``delta`` and ``gradient``, per layer from the output down, as on the lecture's last
   slide (δ_k, ∂E/∂W_jk, δ_j, ∂E/∂W_ij, δ_i, ∂E/∂W_ni):
     output layer   δ_k = f'(x_k)(O_k − t_k)      (sigmoid: O_k(1 − O_k)(O_k − t_k))
     hidden layer   δ_j = f'(x_j) Σ_k δ_k W_jk
     gradient       ∂E/∂W_ij = O_i δ_j,  ∂E/∂b_j = δ_j
5. ``update``   per layer: W ← W − η ∂E/∂W (and b when biases are trained)

All weights are updated from gradients computed with the weights the iteration began
with. For a batch, each array has one row per sample and the gradients are the mean over
the batch's samples (E of the batch is the mean of the samples' E as well).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from bp_tui.engine.network import Array, BiasMode, Network, forward, frozen


class Phase(StrEnum):
    INPUT = "input"
    FORWARD = "forward"
    LOSS = "loss"
    DELTA = "delta"
    GRADIENT = "gradient"
    UPDATE = "update"


@dataclass(frozen=True, eq=False)
class Step:
    """One step of the iteration. ``layer`` is the index of the node layer it concerns
    (0 is the input layer); arrays have one row per sample of the iteration."""

    phase: Phase
    layer: int


@dataclass(frozen=True, eq=False)
class InputStep(Step):
    O: Array  # the inputs, shape (samples, nodes of layer 0)


@dataclass(frozen=True, eq=False)
class ForwardStep(Step):
    O_below: Array  # O of layer − 1
    W: Array  # the weights into this layer, W[i, j]
    b: Array  # its biases (zeros when the network has none)
    x: Array  # x_j = Σ_i O_i W_ij + b_j
    O: Array  # O_j = f(x_j)


@dataclass(frozen=True, eq=False)
class LossStep(Step):
    x: Array  # x of the output layer (the logs of cross-entropy are taken from it)
    O: Array  # O of the output layer
    t: Array  # the targets
    terms: Array  # each output node's share of E, per sample
    E: Array  # E per sample
    E_mean: float  # E of the iteration: the mean over its samples


@dataclass(frozen=True, eq=False)
class DeltaStep(Step):
    O: Array  # O of this layer
    f_prime: Array | None  # f'(x) of this layer; None where the loss cancels it (O − t)
    back_sum: Array | None  # Σ_k δ_k W_jk for a hidden layer; None for the output layer
    W_above: Array | None  # the weights W_jk used in that sum (the iteration's first ones)
    delta_above: Array | None  # δ of the layer above
    t: Array | None  # targets, for the output layer
    delta: Array  # δ of this layer, ∂E/∂x


@dataclass(frozen=True, eq=False)
class GradientStep(Step):
    O_below: Array  # O_i of the layer below, per sample
    delta: Array  # δ_j of this layer, per sample
    dW: Array  # ∂E/∂W_ij = O_i δ_j (mean over the samples), shape (nodes below, nodes)
    db: Array  # ∂E/∂b_j = δ_j (mean over the samples)


@dataclass(frozen=True, eq=False)
class UpdateStep(Step):
    learning_rate: float  # η
    W_before: Array
    dW: Array
    W_after: Array  # W − η ∂E/∂W
    b_before: Array
    db: Array
    b_after: Array  # b − η ∂E/∂b when biases are trained, else b
    bias: BiasMode


@dataclass(frozen=True, eq=False)
class Trace:
    """Every value of one training iteration, in the order the lecture computes them."""

    network: Network  # the weights the iteration began with
    updated: Network  # the weights after its update
    samples: tuple[int, ...]  # which samples of the lesson took part
    inputs: Array
    targets: Array
    learning_rate: float
    steps: tuple[Step, ...] = field(default=())

    @property
    def E(self) -> float:
        """The error of the iteration (the mean of its samples' E for a batch)."""
        return self.loss.E_mean

    @property
    def loss(self) -> LossStep:
        return next(s for s in self.steps if isinstance(s, LossStep))

    def find(self, phase: Phase, layer: int) -> Step:
        """The step of ``phase`` for node layer ``layer``."""
        for step in self.steps:
            if step.phase is phase and step.layer == layer:
                return step
        raise KeyError(f"no {phase} step for layer {layer}")

    def forward(self, layer: int) -> ForwardStep:
        step = self.find(Phase.FORWARD, layer)
        assert isinstance(step, ForwardStep)
        return step

    def delta(self, layer: int) -> DeltaStep:
        step = self.find(Phase.DELTA, layer)
        assert isinstance(step, DeltaStep)
        return step

    def gradient(self, layer: int) -> GradientStep:
        step = self.find(Phase.GRADIENT, layer)
        assert isinstance(step, GradientStep)
        return step

    def update(self, layer: int) -> UpdateStep:
        step = self.find(Phase.UPDATE, layer)
        assert isinstance(step, UpdateStep)
        return step


@dataclass(frozen=True, eq=False)
class Backprop:
    """The raw values of one forward and backward pass, indexed by node layer."""

    xs: list[Array]
    outputs: list[Array]
    terms: Array
    E: Array
    f_primes: list[Array | None]  # index l: f'(x) of layer l (None for input / cancelled)
    back_sums: list[Array | None]  # index l: Σ_k δ_k W_jk for hidden layer l
    deltas: list[Array | None]  # index l: δ of layer l (None for the input layer)
    dW: list[Array]  # index l − 1: ∂E/∂W of the weights into layer l
    db: list[Array]


def _rows(values: Array) -> Array:
    """``values`` as a float64 array with one row per sample."""
    if isinstance(values, np.ndarray) and values.ndim == 2 and values.dtype == np.float64:
        return values
    return np.atleast_2d(np.asarray(values, dtype=np.float64))


def backprop(
    network: Network,
    inputs: Array,
    targets: Array,
    weights: Sequence[Array] | None = None,
    biases: Sequence[Array] | None = None,
) -> Backprop:
    """Forward and backward pass for a batch; gradients are means over the batch.

    ``weights`` and ``biases``, when given, replace the network's own (the training loop
    passes arrays it updates in place, so it never builds a Network per iteration).
    """
    weights = network.weights if weights is None else weights
    biases = network.biases if biases is None else biases
    used = None if network.bias is BiasMode.NONE else biases  # (zeros: nothing to add)
    xs, outputs = forward(weights, used, network.activations, inputs)
    t = _rows(targets)
    top = network.depth
    out_act = network.activations[-1]
    terms = network.loss.terms(xs[top], outputs[top], t, out_act)

    f_primes: list[Array | None] = [None] * (top + 1)
    back_sums: list[Array | None] = [None] * (top + 1)
    deltas: list[Array | None] = [None] * (top + 1)
    dW: list[Array] = [np.empty(0)] * top
    db: list[Array] = [np.empty(0)] * top

    if out_act.derivative is not None and network.loss.name == "mse":
        f_primes[top] = out_act.derivative(xs[top], outputs[top])
    deltas[top] = network.loss.output_delta(xs[top], outputs[top], t, out_act)
    for layer in range(top, 0, -1):
        delta = deltas[layer]
        assert delta is not None
        dW[layer - 1], db[layer - 1] = mean_gradients(outputs[layer - 1], delta)
        if layer > 1:
            act = network.activations[layer - 2]
            assert act.derivative is not None
            back_sums[layer - 1] = delta @ weights[layer - 1].T  # Σ_k δ_k W_jk
            f_primes[layer - 1] = act.derivative(xs[layer - 1], outputs[layer - 1])
            deltas[layer - 1] = f_primes[layer - 1] * back_sums[layer - 1]
    return Backprop(
        xs=xs,
        outputs=outputs,
        terms=terms,
        E=terms.sum(axis=-1),
        f_primes=f_primes,
        back_sums=back_sums,
        deltas=deltas,
        dW=dW,
        db=db,
    )


def mean_gradients(O_below: Array, delta: Array) -> tuple[Array, Array]:
    """∂E/∂W_ij = O_i δ_j and ∂E/∂b_j = δ_j, each the mean over the batch's samples (one
    row of ``O_below`` and ``delta`` per sample).

    The mean is taken as each sample's δ_j / n, summed (one sample: δ_j itself): dividing
    δ (one row per sample) costs far less than dividing ∂E/∂W (one row per node below).
    """
    n = delta.shape[0]
    mean_delta = delta if n == 1 else delta / n
    return O_below.T @ mean_delta, mean_delta.sum(axis=0)


def apply_update(
    network: Network, dW: list[Array], db: list[Array], learning_rate: float
) -> Network:
    """W ← W − η ∂E/∂W for every layer, and b ← b − η ∂E/∂b when biases are trained."""
    weights = [w - learning_rate * g for w, g in zip(network.weights, dW, strict=True)]
    if network.bias is BiasMode.TRAINED:
        biases = [b - learning_rate * g for b, g in zip(network.biases, db, strict=True)]
    else:
        biases = list(network.biases)
    return network.with_parameters(weights, biases)


def trace_iteration(
    network: Network,
    inputs: Array,
    targets: Array,
    learning_rate: float,
    samples: tuple[int, ...] = (0,),
) -> Trace:
    """Run one iteration on a batch of ``inputs`` (one row per sample) and keep every step.

    Weights on the edge of divergence can make E or δ overflow; the trace then shows
    ``inf`` or ``nan`` where the arithmetic gives them, rather than warning.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        bp = backprop(network, inputs, targets)
        updated = apply_update(network, bp.dW, bp.db, learning_rate)
    top = network.depth
    f = frozen  # every array a step holds is a read-only copy
    t = f(np.atleast_2d(np.asarray(targets, dtype=np.float64)))

    steps: list[Step] = [InputStep(Phase.INPUT, 0, O=f(bp.outputs[0]))]
    for layer in range(1, top + 1):
        steps.append(
            ForwardStep(
                Phase.FORWARD,
                layer,
                O_below=f(bp.outputs[layer - 1]),
                W=network.weights[layer - 1],
                b=network.biases[layer - 1],
                x=f(bp.xs[layer]),
                O=f(bp.outputs[layer]),
            )
        )
    steps.append(
        LossStep(
            Phase.LOSS,
            top,
            x=f(bp.xs[top]),
            O=f(bp.outputs[top]),
            t=t,
            terms=f(bp.terms),
            E=f(bp.E),
            E_mean=float(np.mean(bp.E)),
        )
    )
    for layer in range(top, 0, -1):
        hidden = layer < top
        steps.append(
            DeltaStep(
                Phase.DELTA,
                layer,
                O=f(bp.outputs[layer]),
                f_prime=None if bp.f_primes[layer] is None else f(bp.f_primes[layer]),
                back_sum=f(bp.back_sums[layer]) if hidden else None,
                W_above=network.weights[layer] if hidden else None,
                delta_above=f(bp.deltas[layer + 1]) if hidden else None,
                t=None if hidden else t,
                delta=f(bp.deltas[layer]),
            )
        )
        steps.append(
            GradientStep(
                Phase.GRADIENT,
                layer,
                O_below=f(bp.outputs[layer - 1]),
                delta=f(bp.deltas[layer]),
                dW=f(bp.dW[layer - 1]),
                db=f(bp.db[layer - 1]),
            )
        )
    for layer in range(top, 0, -1):
        steps.append(
            UpdateStep(
                Phase.UPDATE,
                layer,
                learning_rate=learning_rate,
                W_before=network.weights[layer - 1],
                dW=f(bp.dW[layer - 1]),
                W_after=updated.weights[layer - 1],
                b_before=network.biases[layer - 1],
                db=f(bp.db[layer - 1]),
                b_after=updated.biases[layer - 1],
                bias=network.bias,
            )
        )
    return Trace(
        network=network,
        updated=updated,
        samples=samples,
        inputs=f(bp.outputs[0]),
        targets=t,
        learning_rate=learning_rate,
        steps=tuple(steps),
    )
