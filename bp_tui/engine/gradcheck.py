"""The gradient check: ∂E/∂W_ij estimated by central finite differences.

    ∂E/∂W_ij ≈ (E(W_ij + h) − E(W_ij − h)) / 2h

Backpropagation is exact; this estimate is not (its error shrinks with h² until
rounding takes over), which is why comparing the two is the classic test of a
backward pass.
"""

from __future__ import annotations

import numpy as np

from bp_tui.engine.network import Array, Network


def batch_error(network: Network, inputs: Array, targets: Array) -> float:
    """E of a batch: the mean over its samples of each sample's E."""
    xs, outputs = network.forward(inputs)
    t = np.atleast_2d(np.asarray(targets, dtype=np.float64))
    terms = network.loss.terms(xs[-1], outputs[-1], t, network.activations[-1])
    return float(np.mean(np.sum(terms, axis=-1)))


def numerical_gradients(
    network: Network, inputs: Array, targets: Array, h: float = 1e-6
) -> tuple[list[Array], list[Array]]:
    """Central-difference estimates of ∂E/∂W and ∂E/∂b for every layer."""
    weights = [np.array(w) for w in network.weights]
    biases = [np.array(b) for b in network.biases]

    def error() -> float:
        return batch_error(network.with_parameters(weights, biases), inputs, targets)

    def estimate(params: list[Array]) -> list[Array]:
        grads = []
        for p in params:
            g = np.empty_like(p)
            for idx in np.ndindex(p.shape):
                keep = p[idx]
                p[idx] = keep + h
                up = error()
                p[idx] = keep - h
                down = error()
                p[idx] = keep
                g[idx] = (up - down) / (2 * h)
            grads.append(g)
        return grads

    return estimate(weights), estimate(biases)


def relative_error(a: Array, b: Array, floor: float = 1e-12) -> Array:
    """|a − b| / max(|a|, |b|), elementwise; 0 where both are below ``floor``."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)
    return np.abs(a - b) / scale


def numerical_weight_gradient(
    network: Network, inputs: Array, targets: Array, layer: int, i: int, j: int, h: float = 1e-6
) -> float:
    """The central-difference estimate of ∂E/∂W_ij for one weight of ``weights[layer]``."""
    weights = [np.array(w) for w in network.weights]
    keep = weights[layer][i, j]
    weights[layer][i, j] = keep + h
    up = batch_error(network.with_parameters(weights, network.biases), inputs, targets)
    weights[layer][i, j] = keep - h
    down = batch_error(network.with_parameters(weights, network.biases), inputs, targets)
    return (up - down) / (2 * h)
