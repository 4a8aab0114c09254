"""An independent oracle: the forward pass and the error E, written from the formulas alone.

Nothing here imports bp_tui. The activations, the losses and the forward pass are written
out again from the lecture's definitions, so that a finite difference taken with this
module checks the engine's backward pass against arithmetic the engine never ran:

    x_j = Σ_i O_i W_ij + b_j        O_j = f(x_j)
    mse:                      E = ½ Σ_k (O_k − t_k)²
    cross-entropy, softmax:   E = −Σ_k t_k ln O_k
    cross-entropy, sigmoid:   E = −Σ_k [t_k ln O_k + (1 − t_k) ln(1 − O_k)]

E of a batch is the mean of its samples' E. Derivatives are estimated with the fourth-order
central difference

    f'(θ) ≈ [8 (f(θ + h) − f(θ − h)) − (f(θ + 2h) − f(θ − 2h))] / 12h

whose truncation error is O(h⁴), so the estimate's error is dominated by rounding
(about ε·|E|/h, with ε the float64 machine epsilon).

A ReLU makes E non-differentiable where some x = 0. :class:`KinkCrossed` is raised when a
perturbation moves any ReLU input across 0, so a test can reject that example instead of
comparing a derivative that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

Array = np.ndarray

#: Step of the finite differences. With the fourth-order stencil the truncation error
#: (≈ h⁴ times E's fifth derivative) is negligible, and rounding costs about ε·|E|/h, near
#: 2e-11·|E|. The stencil reaches 2h, so a ReLU input kept 1e-4 from its kink is only
#: crossed in a very sensitive network, and :class:`KinkCrossed` reports that case.
STEP = 1e-5


def _sigmoid(x: Array) -> Array:
    """σ(x) = 1 / (1 + e^(−x)), as e^min(x, 0) / (1 + e^(−|x|)) so that exp never overflows."""
    return np.exp(np.minimum(x, 0.0)) / (1.0 + np.exp(-np.abs(x)))


def _log_sigmoid(x: Array) -> Array:
    """ln σ(x) = min(x, 0) − ln(1 + e^(−|x|))."""
    return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))


def _log_softmax(x: Array) -> Array:
    """ln O_k = x_k − ln Σ_k' e^(x_k'), with the maximum taken out before exponentiating."""
    m = np.max(x, axis=-1, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True))


ACTIVATIONS: dict[str, Callable[[Array], Array]] = {
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "relu": lambda x: np.where(x > 0.0, x, 0.0),
    "linear": lambda x: x,
    "softmax": lambda x: np.exp(_log_softmax(x)),
}


@dataclass(frozen=True, eq=False)
class Spec:
    """A network as plain arrays: ``weights[l][i, j]`` joins node i of layer l to node j
    of layer l + 1, ``biases[l]`` and ``activations[l]`` belong to layer l + 1."""

    weights: list[Array]
    biases: list[Array]
    activations: list[str]
    loss: str  # "mse" or "cross_entropy"
    bias: str = "none"  # "none", "fixed" or "trained": how the engine should treat biases
    sizes: tuple[int, ...] = field(init=False)

    def __post_init__(self) -> None:
        sizes = (self.weights[0].shape[0], *(w.shape[1] for w in self.weights))
        object.__setattr__(self, "sizes", sizes)

    @property
    def depth(self) -> int:
        return len(self.weights)


class KinkCrossed(ArithmeticError):
    """A finite-difference step moved a ReLU's input across 0, where E has no derivative."""


def forward(
    spec: Spec, inputs: Array, start: int = 0, x_start: Array | None = None
) -> tuple[dict[int, Array], dict[int, Array]]:
    """x and O of every layer from ``start`` up, one row per sample.

    With ``start`` = 0 the pass begins at the inputs. With ``start`` ≥ 1 it begins at the
    given weighted inputs ``x_start`` of layer ``start`` (``inputs`` is then unused): that
    is how ∂E/∂x_j, the lecture's δ_j, is estimated.
    """
    if start == 0:
        o = np.atleast_2d(np.asarray(inputs, dtype=np.float64))
        xs, outs = {0: o}, {0: o}
    else:
        assert x_start is not None
        x = np.asarray(x_start, dtype=np.float64)
        o = ACTIVATIONS[spec.activations[start - 1]](x)
        xs, outs = {start: x}, {start: o}
    for layer in range(start + 1, spec.depth + 1):
        w, b = spec.weights[layer - 1], spec.biases[layer - 1]
        # x_j = Σ_i O_i W_ij + b_j, written as the sum it is rather than as a matrix product.
        x = np.sum(o[:, :, None] * w[None, :, :], axis=1) + b
        o = ACTIVATIONS[spec.activations[layer - 1]](x)
        xs[layer], outs[layer] = x, o
    return xs, outs


def sample_errors(spec: Spec, x_out: Array, o_out: Array, targets: Array) -> Array:
    """E of each sample from the output layer's x and O."""
    t = np.atleast_2d(np.asarray(targets, dtype=np.float64))
    if spec.loss == "mse":
        return 0.5 * np.sum((o_out - t) ** 2, axis=-1)
    if spec.loss == "cross_entropy" and spec.activations[-1] == "softmax":
        return -np.sum(t * _log_softmax(x_out), axis=-1)
    if spec.loss == "cross_entropy" and spec.activations[-1] == "sigmoid":
        # ln O = ln σ(x) and ln(1 − O) = ln σ(−x), taken from x so that they stay finite.
        return -np.sum(t * _log_sigmoid(x_out) + (1.0 - t) * _log_sigmoid(-x_out), axis=-1)
    raise ValueError(f"no oracle for {spec.loss} with a {spec.activations[-1]} output")


def errors(spec: Spec, inputs: Array, targets: Array) -> Array:
    """E of each sample of a batch."""
    xs, outs = forward(spec, inputs)
    return sample_errors(spec, xs[spec.depth], outs[spec.depth], targets)


def batch_error(spec: Spec, inputs: Array, targets: Array) -> float:
    """E of a batch: the mean of its samples' E."""
    return float(np.mean(errors(spec, inputs, targets)))


def relu_inputs(spec: Spec, inputs: Array) -> list[Array]:
    """The weighted inputs x of every ReLU layer (where E has its kinks)."""
    xs, _ = forward(spec, inputs)
    return [xs[l + 1] for l, name in enumerate(spec.activations) if name == "relu"]


def _pattern(xs: dict[int, Array], spec: Spec) -> list[Array]:
    return [
        xs[l + 1] > 0 for l, name in enumerate(spec.activations) if name == "relu" and l + 1 in xs
    ]


def derivative(f: Callable[[float], tuple[float, list[Array]]], h: float = STEP) -> float:
    """f'(0) by the fourth-order central difference; ``f(d)`` returns E and the ReLU pattern.

    Raises :class:`KinkCrossed` when a ReLU input has a different sign at some stencil point
    than at d = 0, because then the difference straddles a kink.
    """
    _, base = f(0.0)
    values = {}
    for d in (-2.0, -1.0, 1.0, 2.0):
        value, pattern = f(d * h)
        if any((p != q).any() for p, q in zip(pattern, base, strict=True)):
            raise KinkCrossed
        values[d] = value
    return (8.0 * (values[1.0] - values[-1.0]) - (values[2.0] - values[-2.0])) / (12.0 * h)


def numerical_parameter_gradients(
    spec: Spec, inputs: Array, targets: Array, h: float = STEP
) -> tuple[list[Array], list[Array]]:
    """∂E/∂W_ij and ∂E/∂b_j of the batch's E (the mean over its samples), every layer."""

    def gradient(params: list[Array], which: str) -> list[Array]:
        grads = []
        for layer, p in enumerate(params):
            g = np.empty_like(p)
            for idx in np.ndindex(p.shape):

                def e(d: float, layer: int = layer, idx: tuple[int, ...] = idx) -> tuple:
                    moved = [q.copy() for q in params]
                    moved[layer][idx] += d
                    weights = moved if which == "W" else spec.weights
                    biases = moved if which == "b" else spec.biases
                    s = Spec(weights, biases, spec.activations, spec.loss, spec.bias)
                    xs, outs = forward(s, inputs)
                    err = sample_errors(s, xs[s.depth], outs[s.depth], targets)
                    return float(np.mean(err)), _pattern(xs, s)

                g[idx] = derivative(e, h)
            grads.append(g)
        return grads

    return gradient(spec.weights, "W"), gradient(spec.biases, "b")


def numerical_deltas(
    spec: Spec, inputs: Array, targets: Array, h: float = STEP
) -> dict[int, Array]:
    """δ_j = ∂E/∂x_j of every node of every layer above the inputs, one row per sample.

    Row s holds the derivative of sample s's own E (not of the batch mean, which would be
    smaller by the batch size): perturbing x_j of one sample moves no other sample's E.
    """
    xs, _ = forward(spec, inputs)
    t = np.atleast_2d(np.asarray(targets, dtype=np.float64))
    deltas = {}
    for layer in range(1, spec.depth + 1):
        delta = np.empty_like(xs[layer])
        for s, j in np.ndindex(delta.shape):

            def e(d: float, layer: int = layer, s: int = s, j: int = j) -> tuple:
                x = xs[layer][s : s + 1].copy()
                x[0, j] += d
                up_x, up_o = forward(spec, None, layer, x)
                err = sample_errors(spec, up_x[spec.depth], up_o[spec.depth], t[s : s + 1])
                return float(err[0]), _pattern(up_x, spec)

            delta[s, j] = derivative(e, h)
        deltas[layer] = delta
    return deltas


# ---------------------------------------------------------------------------------------
# Random networks for property tests
# ---------------------------------------------------------------------------------------

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")
#: Every output layer the engine pairs with a loss: (activation, loss).
OUTPUTS = (
    ("sigmoid", "mse"),
    ("tanh", "mse"),
    ("linear", "mse"),
    ("relu", "mse"),
    ("softmax", "cross_entropy"),
    ("sigmoid", "cross_entropy"),
)
BIAS_MODES = ("none", "fixed", "trained")


@dataclass(frozen=True, eq=False)
class Case:
    """A network and a batch of samples to run it on."""

    spec: Spec
    inputs: Array  # (samples, input nodes)
    targets: Array  # (samples, output nodes)


def _targets(draw: st.DrawFn, output: str, loss: str, shape: tuple[int, int]) -> Array:
    """Targets a lesson could use with this output layer.

    Softmax with cross-entropy needs each row of t to sum to 1: only then is δ_k = O_k − t_k
    (in general ∂E/∂x_k = O_k Σ t − t_k).
    """
    if loss == "cross_entropy" and output == "softmax":
        raw = draw(arrays(np.float64, shape, elements=st.floats(0.05, 1.0)))
        return raw / raw.sum(axis=1, keepdims=True)
    low = 0.0 if output == "sigmoid" else -1.0
    return draw(arrays(np.float64, shape, elements=st.floats(low, 1.0)))


def cases(
    max_depth: int = 4, max_width: int = 5, max_samples: int = 3, scale: float = 2.0
) -> st.SearchStrategy[Case]:
    """A Hypothesis strategy for random networks with a batch of 1 to ``max_samples`` samples.

    Depth 1 to ``max_depth`` weight layers, widths 1 to ``max_width``, any hidden activation,
    any output/loss pair, any bias mode; weights, biases and inputs in [−scale, scale].
    """
    values = st.floats(-scale, scale, allow_subnormal=False)

    @st.composite
    def build(draw: st.DrawFn) -> Case:
        depth = draw(st.integers(1, max_depth))
        sizes = draw(st.lists(st.integers(1, max_width), min_size=depth + 1, max_size=depth + 1))
        hidden = draw(
            st.lists(st.sampled_from(HIDDEN_ACTIVATIONS), min_size=depth - 1, max_size=depth - 1)
        )
        output, loss = draw(st.sampled_from(OUTPUTS))
        bias = draw(st.sampled_from(BIAS_MODES))
        weights = [
            draw(arrays(np.float64, (sizes[l], sizes[l + 1]), elements=values))
            for l in range(depth)
        ]
        if bias == "none":
            biases = [np.zeros(sizes[l + 1]) for l in range(depth)]
        else:
            biases = [
                draw(arrays(np.float64, (sizes[l + 1],), elements=values)) for l in range(depth)
            ]
        n = draw(st.integers(1, max_samples))
        inputs = draw(arrays(np.float64, (n, sizes[0]), elements=values))
        targets = _targets(draw, output, loss, (n, sizes[-1]))
        spec = Spec(weights, biases, [*hidden, output], loss, bias)
        return Case(spec, inputs, targets)

    return build()


def random_case(
    rng: np.random.Generator, depth: int, width: int, samples: int, scale: float = 2.0
) -> Case:
    """A seeded random network of exactly ``depth`` weight layers, hidden and output widths
    ``width`` (input width too), and ``samples`` samples; its activations, output/loss pair
    and bias mode are drawn from ``rng`` as well.

    Hypothesis favours small networks; this makes sure the largest ones are covered.
    """
    sizes = [width] * (depth + 1)
    hidden = [str(a) for a in rng.choice(HIDDEN_ACTIVATIONS, depth - 1)]
    output, loss = OUTPUTS[rng.integers(len(OUTPUTS))]
    bias = str(rng.choice(BIAS_MODES))
    weights = [rng.uniform(-scale, scale, (sizes[l], sizes[l + 1])) for l in range(depth)]
    biases = [
        np.zeros(sizes[l + 1]) if bias == "none" else rng.uniform(-scale, scale, sizes[l + 1])
        for l in range(depth)
    ]
    inputs = rng.uniform(-scale, scale, (samples, width))
    if loss == "cross_entropy" and output == "softmax":
        raw = rng.uniform(0.05, 1.0, (samples, width))
        targets = raw / raw.sum(axis=1, keepdims=True)
    else:
        targets = rng.uniform(0.0 if output == "sigmoid" else -1.0, 1.0, (samples, width))
    return Case(Spec(weights, biases, [*hidden, output], loss, bias), inputs, targets)
