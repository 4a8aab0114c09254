"""Activation functions, each a value and its derivative side by side.

The lecture uses the sigmoid σ(x) = 1 / (1 + e^(−x)), whose derivative it writes in
terms of the node's own output: σ'(x) = σ(x)(1 − σ(x)) = O(1 − O). Every activation
here gives its derivative the same way, from the weighted input x and the output O,
so the backward pass reads like the lecture: δ_j = f'(x_j) Σ_k δ_k W_jk.

Activations are looked up by name in :data:`ACTIVATIONS`, an explicit registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


def sigmoid(x: Array) -> Array:
    """σ(x) = 1 / (1 + e^(−x)), finite and accurate for any finite x.

    For x below about −709, e^(−x) overflows to infinity and 1 / (1 + ∞) = 0, which is σ's
    value to double precision; the overflow is expected, so it is not reported.
    """
    # Computed in one array, in place, step by step: e^(−x), then 1 + e^(−x), then 1 / that.
    x = np.asarray(x, dtype=np.float64)
    o = np.negative(x, out=np.empty_like(x))
    with np.errstate(over="ignore"):
        np.exp(o, out=o)
    o += 1.0
    return np.divide(1.0, o, out=o)


def softmax(x: Array) -> Array:
    """O_k = e^(x_k) / Σ_k' e^(x_k'), over the last axis, shifted by the maximum for stability."""
    x = np.asarray(x, dtype=np.float64)
    # x − max ≤ 0 can only overflow to −inf (x spanning more than the float range, as
    # ±1e308 do), and e^(−inf) = 0 is then the right value.
    with np.errstate(over="ignore"):
        z = x - x.max(axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=-1, keepdims=True)  # in place, as the other steps: no array is kept
    return z


@dataclass(frozen=True)
class Activation:
    """An activation f, its derivative f'(x) from (x, O), and how the lecture writes both.

    ``derivative`` is ``None`` for softmax: its derivative is a matrix, and bp-tui only
    uses softmax on the output layer with cross-entropy, where δ_k = O_k − t_k.
    """

    name: str
    function: Callable[[Array], Array]
    derivative: Callable[[Array, Array], Array] | None
    formula: str  # O = f(x), in the lecture's notation
    notation: str  # how f is applied to a named x: "σ({})".format("x_j") is σ(x_j)
    derivative_formula: str  # f'(x), written with O where the lecture does
    output_only: bool = False


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            name="sigmoid",
            notation="σ({})",
            function=sigmoid,
            derivative=lambda x, o: o * (1.0 - o),
            formula="σ(x) = 1 / (1 + e^(−x))",
            derivative_formula="O(1 − O)",
        ),
        Activation(
            name="tanh",
            notation="tanh({})",
            function=np.tanh,
            derivative=lambda x, o: 1.0 - o * o,
            formula="tanh(x)",
            derivative_formula="1 − O²",
        ),
        Activation(
            name="relu",
            notation="max(0, {})",
            function=lambda x: np.maximum(x, 0.0),
            derivative=lambda x, o: (x > 0).astype(np.float64),
            formula="max(0, x)",
            derivative_formula="1 if x > 0 else 0",
        ),
        Activation(
            name="linear",
            notation="{}",
            function=lambda x: np.array(x, dtype=np.float64, copy=True),
            derivative=lambda x, o: np.ones_like(x, dtype=np.float64),
            formula="x",
            derivative_formula="1",
        ),
        Activation(
            name="softmax",
            notation="softmax({})",
            function=softmax,
            derivative=None,
            formula="e^(x_k) / Σ e^(x)",
            derivative_formula="(used only with cross-entropy: δ_k = O_k − t_k)",
            output_only=True,
        ),
    )
}
