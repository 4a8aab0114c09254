"""The classic mistakes of backpropagation, computed so they can be shown beside the truth.

Each variant runs one training iteration the way a well-known slip would, from the same
weights and sample as the correct iteration:

- ``update_early``: each layer's weights are updated as soon as their gradient is known,
  so the δ of the layer below is computed with the *new* W_jk instead of the iteration's
  first ones (a widely cited worked example made this slip in its first edition);
- ``no_derivative``: δ drops the activation's derivative, δ_k = O_k − t_k and
  δ_j = Σ_k δ_k W_jk, as if every unit were linear;
- ``sign_flipped``: δ_k uses (t_k − O_k) while the update keeps W ← W − η ∂E/∂W, so every
  step goes uphill;
- ``biases_flipped``: the same iteration with the biases trained if the lesson keeps them
  fixed (or has none), and fixed if it trains them.

Everything is plain numpy over the network's own arrays, like the trace.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

from bp_tui.engine.gradcheck import batch_error
from bp_tui.engine.network import Array, BiasMode, Network
from bp_tui.engine.trace import apply_update, backprop, mean_gradients


class Mistake(StrEnum):
    UPDATE_EARLY = "update_early"
    NO_DERIVATIVE = "no_derivative"
    SIGN_FLIPPED = "sign_flipped"
    BIASES_FLIPPED = "biases_flipped"


@dataclass(frozen=True, eq=False)
class Variant:
    """One iteration, done correctly or with one mistake: its δs, gradients and result."""

    mistake: Mistake | None  # None: the correct iteration
    deltas: tuple[Array, ...]  # index l − 1: δ of node layer l, one row per sample
    dW: tuple[Array, ...]
    db: tuple[Array, ...]
    updated: Network
    E_before: float  # E of the iteration (the same for every variant but biases_flipped)
    E_after: float  # E of the same samples with the updated weights


def correct(network: Network, inputs: Array, targets: Array, learning_rate: float) -> Variant:
    """The iteration as the lecture derives it."""
    bp = backprop(network, inputs, targets)
    updated = apply_update(network, bp.dW, bp.db, learning_rate)
    return Variant(
        None,
        tuple(d for d in bp.deltas[1:] if d is not None),
        tuple(bp.dW),
        tuple(bp.db),
        updated,
        float(np.mean(bp.E)),
        batch_error(updated, inputs, targets),
    )


def with_mistake(
    mistake: Mistake, network: Network, inputs: Array, targets: Array, learning_rate: float
) -> Variant:
    """The iteration made with ``mistake``."""
    if mistake is Mistake.BIASES_FLIPPED:
        flipped = BiasMode.FIXED if network.bias is BiasMode.TRAINED else BiasMode.TRAINED
        other = replace(network, bias=flipped)
        return replace(correct(other, inputs, targets, learning_rate), mistake=mistake)

    # The forward pass and the output layer's correct δ are never the mistake.
    bp = backprop(network, inputs, targets)
    xs, outputs, top = bp.xs, bp.outputs, network.depth
    t = np.atleast_2d(np.asarray(targets, dtype=np.float64))
    weights = [np.array(w) for w in network.weights]
    dW: list[Array] = [np.empty(0)] * top
    db: list[Array] = [np.empty(0)] * top
    deltas: list[Array] = [np.empty(0)] * top

    delta = bp.deltas[top]
    assert delta is not None
    if mistake is Mistake.NO_DERIVATIVE:
        delta = outputs[top] - t
    elif mistake is Mistake.SIGN_FLIPPED:
        delta = -delta
    for layer in range(top, 0, -1):
        deltas[layer - 1] = delta
        dW[layer - 1], db[layer - 1] = mean_gradients(outputs[layer - 1], delta)
        if mistake is Mistake.UPDATE_EARLY:  # the slip: W changes before it is used below
            weights[layer - 1] = weights[layer - 1] - learning_rate * dW[layer - 1]
        if layer > 1:
            back = delta @ weights[layer - 1].T
            act = network.activations[layer - 2]
            if mistake is Mistake.NO_DERIVATIVE:
                delta = back
            else:
                assert act.derivative is not None
                delta = act.derivative(xs[layer - 1], outputs[layer - 1]) * back
    updated = apply_update(network, dW, db, learning_rate)
    return Variant(
        mistake,
        tuple(deltas),
        tuple(dW),
        tuple(db),
        updated,
        float(np.mean(bp.E)),
        batch_error(updated, inputs, targets),
    )


def all_variants(
    network: Network, inputs: Array, targets: Array, learning_rate: float
) -> list[Variant]:
    """The correct iteration first, then one per mistake, in :class:`Mistake`'s order."""
    args = (network, inputs, targets, learning_rate)
    return [correct(*args), *(with_mistake(m, *args) for m in Mistake)]
