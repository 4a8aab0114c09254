"""Losses: the error E of one sample, its per-output terms, and the output layer's δ.

``mse`` is the lecture's E = ½ Σ_k (O_k − t_k)², summed over the output nodes of one
sample (not averaged over them). Its output δ is the lecture's
δ_k = f'(x_k)(O_k − t_k), which for sigmoid is O_k(1 − O_k)(O_k − t_k).

``cross_entropy`` pairs with a softmax output (E = −Σ_k t_k ln O_k) or with sigmoid
outputs, one binary cross-entropy per node (E = −Σ_k [t_k ln O_k + (1 − t_k) ln(1 − O_k)]).
In both cases the activation's derivative cancels and δ_k = O_k − t_k.
Every function takes arrays whose last axis runs over the output nodes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bp_tui.engine.activations import Activation

Array = np.ndarray


def _mse_terms(x: Array, o: Array, t: Array, activation: Activation) -> Array:
    return 0.5 * (o - t) ** 2


def _mse_delta(x: Array, o: Array, t: Array, activation: Activation) -> Array:
    assert activation.derivative is not None, "mse needs an elementwise activation"
    return activation.derivative(x, o) * (o - t)


def _log_sigmoid(x: Array) -> Array:
    """ln σ(x) = −ln(1 + e^(−x)), finite for every finite x."""
    return -np.logaddexp(0.0, -x)


def _cross_entropy_terms(x: Array, o: Array, t: Array, activation: Activation) -> Array:
    # Logs are taken from x, not from O, so that O = 0 or 1 in floating point never gives ln 0.
    if activation.name == "softmax":
        with np.errstate(over="ignore"):  # x − max may overflow to −inf: ln O = −inf, O = 0
            log_o = x - x.max(axis=-1, keepdims=True)
        log_o -= np.log(np.exp(log_o).sum(axis=-1, keepdims=True))
        # −t ln O with the convention 0 · ln 0 = 0, so a node with t = 0 and O = 0 adds nothing.
        terms = np.zeros(np.broadcast_shapes(t.shape, log_o.shape))
        np.multiply(t, log_o, out=terms, where=t != 0)
        return np.negative(terms, out=terms)
    return -(t * _log_sigmoid(x) + (1.0 - t) * _log_sigmoid(-x))


def _cross_entropy_delta(x: Array, o: Array, t: Array, activation: Activation) -> Array:
    return o - t


@dataclass(frozen=True)
class Loss:
    """A loss as the lecture uses one: E per sample, its terms, and δ of the output layer."""

    name: str
    terms: Callable[[Array, Array, Array, Activation], Array]
    output_delta: Callable[[Array, Array, Array, Activation], Array]
    formula: str  # E, in the lecture's notation
    term_formula: str  # one output node's share of E
    delta_formula: str  # δ_k, general form ("f'" is replaced by the activation's derivative)
    output_activations: frozenset[str]  # which output activations it accepts

    def formulas(self, activation: Activation) -> tuple[str, str]:
        """E and one output node's term of E, as written for this output activation."""
        if self.name == "cross_entropy" and activation.name == "sigmoid":
            return (
                "E = −Σ_k [t_k ln O_k + (1 − t_k) ln(1 − O_k)]",
                "−[t_k ln O_k + (1 − t_k) ln(1 − O_k)]",
            )
        return self.formula, self.term_formula

    def error(self, x: Array, o: Array, t: Array, activation: Activation) -> Array:
        """E of each sample: the sum of :meth:`terms` over the output nodes."""
        return np.sum(self.terms(x, o, t, activation), axis=-1)


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            name="mse",
            terms=_mse_terms,
            output_delta=_mse_delta,
            formula="E = ½ Σ_k (O_k − t_k)²",
            term_formula="½ (O_k − t_k)²",
            delta_formula="f'(x_k) (O_k − t_k)",
            output_activations=frozenset({"sigmoid", "tanh", "relu", "linear"}),
        ),
        Loss(
            name="cross_entropy",
            terms=_cross_entropy_terms,
            output_delta=_cross_entropy_delta,
            formula="E = −Σ_k t_k ln O_k",
            term_formula="−t_k ln O_k",
            delta_formula="O_k − t_k",
            output_activations=frozenset({"softmax", "sigmoid"}),
        ),
    )
}
