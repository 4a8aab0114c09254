"""The expected values of the shipped lessons, computed by hand: plain Python and ``math``.

Nothing here imports bp_tui, and nothing uses numpy's arithmetic: every number of every
lesson is worked out again below, one formula of the lecture at a time, with Python
floats. (numpy appears only to *draw* the seeded weights and samples of the lessons
that use ``init`` or a data generator, exactly as docs/lesson-format.md defines those
draws; the draws are the lessons' inputs, not a computation.)

The lessons' ``expect: values:`` blocks hold these numbers, rounded to 10 significant
digits, except 03_two_two_two, whose numbers are Matt Mazur's published figures ("A Step
by Step Backpropagation Example", 2015); this script recomputes those too.
``tests/test_expect.py`` checks that every number in a lesson's ``expect:`` block is
the number computed here, within the item's tolerance. Print them with::

    python tests/expect_oracle.py               # every lesson
    python tests/expect_oracle.py xor           # one lesson (a part of its file name)

The lecture's notation: layers lettered … N, I, J, K (K the output layer), W_ij the weight
from node i of the layer below to node j of the layer above, and for one sample

    forward    x_j = Σ_i O_i W_ij + b_j,   O_j = f(x_j)
    error      mse: E = ½ Σ_k (O_k − t_k)²;   cross-entropy with softmax: E = −Σ_k t_k ln O_k
    backward   output layer:  δ_k = f'(x_k)(O_k − t_k)   (mse)
                              δ_k = O_k − t_k             (softmax with cross-entropy)
               hidden layer:  δ_j = f'(x_j) Σ_k δ_k W_jk  (with the weights before the update)
    gradient   ∂E/∂W_ij = O_i δ_j,   ∂E/∂b_j = δ_j
    update     W_ij ← W_ij − η ∂E/∂W_ij   (and b_j ← b_j − η ∂E/∂b_j when biases are trained)

For a batch of samples, E and the gradients are the means over the batch's samples. An
epoch is one pass over the samples in order, one iteration per sample (or per batch); its
loss is the mean of the E each sample had in its forward pass.
"""

from __future__ import annotations

import math
import operator
import sys
from dataclasses import dataclass, field
from itertools import pairwise

# ── the activations and their derivatives, written with x and O = f(x) ───────────────


def sigmoid(x: float) -> float:
    """σ(x) = 1 / (1 + e^(−x)), written so that e^(…) never overflows."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def f(name: str, x: float) -> float:
    if name == "sigmoid":
        return sigmoid(x)
    if name == "tanh":
        return math.tanh(x)
    if name == "relu":
        return x if x > 0 else 0.0
    raise ValueError(name)


def f_prime(name: str, x: float, o: float) -> float:
    if name == "sigmoid":
        return o * (1.0 - o)  # σ'(x) = σ(x)(1 − σ(x)) = O(1 − O), at most 1/4
    if name == "tanh":
        return 1.0 - o * o  # tanh'(x) = 1 − tanh²(x), at most 1
    if name == "relu":
        return 1.0 if x > 0 else 0.0  # 1 for x > 0, else 0
    raise ValueError(name)


# ── a network and one training iteration ────────────────────────────────────────────


@dataclass
class Net:
    """``W[l][i][j]`` joins node i of layer l to node j of layer l + 1; ``b[l][j]`` and
    ``act[l]`` belong to layer l + 1. ``labels`` name the layers, input layer first."""

    W: list[list[list[float]]]
    b: list[list[float]]
    act: list[str]
    labels: list[str]
    loss: str = "mse"  # or "cross_entropy" (with a softmax output)
    trained_bias: bool = False

    _columns: dict[int, list[tuple[float, ...]]] = field(default_factory=dict, repr=False)

    @property
    def depth(self) -> int:
        return len(self.W)

    def columns(self, l: int) -> list[tuple[float, ...]]:
        """The weights into each node of layer l + 1: ``columns(l)[j][i]`` is W_ij."""
        if l not in self._columns:
            self._columns[l] = list(zip(*self.W[l], strict=True))
        return self._columns[l]


def forward(net: Net, inputs: list[float]) -> tuple[list[list[float]], list[list[float]]]:
    """x and O of every layer (layer 0: both are the inputs)."""
    xs, os = [list(inputs)], [list(inputs)]
    for l in range(net.depth):
        below = os[-1]
        columns = net.columns(l)  # columns[j][i] = W_ij
        x = [
            sum(map(operator.mul, below, col)) + bj
            for col, bj in zip(columns, net.b[l], strict=True)
        ]
        if net.act[l] == "softmax":
            top = max(x)
            e = [math.exp(v - top) for v in x]
            total = sum(e)
            o = [v / total for v in e]  # O_k = e^(x_k) / Σ e^(x)
        else:
            o = [f(net.act[l], v) for v in x]
        xs.append(x)
        os.append(o)
    return xs, os


def error(net: Net, x: list[float], o: list[float], t: list[float]) -> float:
    """E of one sample."""
    if net.loss == "mse":
        return 0.5 * sum((ok - tk) ** 2 for ok, tk in zip(o, t, strict=True))
    # cross-entropy with softmax: ln O_k = x_k − max − ln Σ e^(x − max)
    top = max(x)
    log_total = math.log(sum(math.exp(v - top) for v in x))
    return -sum(tk * (xk - top - log_total) for xk, tk in zip(x, t, strict=True) if tk != 0)


@dataclass
class Sample:
    """One sample's pass: x, O and δ of every layer (δ[0] is unused), and its E."""

    xs: list[list[float]]
    os: list[list[float]]
    deltas: list[list[float]]
    E: float


def backward(net: Net, inputs: list[float], target: list[float]) -> Sample:
    xs, os = forward(net, inputs)
    top = net.depth
    deltas: list[list[float]] = [[] for _ in range(top + 1)]
    if net.loss == "cross_entropy":
        deltas[top] = [ok - tk for ok, tk in zip(os[top], target, strict=True)]  # O_k − t_k
    else:
        deltas[top] = [
            f_prime(net.act[top - 1], xk, ok) * (ok - tk)  # f'(x_k)(O_k − t_k)
            for xk, ok, tk in zip(xs[top], os[top], target, strict=True)
        ]
    for layer in range(top - 1, 0, -1):  # δ_j = f'(x_j) Σ_k δ_k W_jk
        above, w = deltas[layer + 1], net.W[layer]
        deltas[layer] = [
            f_prime(net.act[layer - 1], xs[layer][j], os[layer][j])
            * sum(map(operator.mul, above, w[j]))
            for j in range(len(xs[layer]))
        ]
    return Sample(xs, os, deltas, error(net, xs[top], os[top], target))


@dataclass
class Iteration:
    """One training iteration on a batch of samples (one sample in sample mode)."""

    net: Net  # the weights it starts from
    samples: list[int]  # which samples of the lesson, from 0
    passes: list[Sample]

    @property
    def E(self) -> float:
        return sum(p.E for p in self.passes) / len(self.passes)

    def dW(self, layer: int, i: int, j: int) -> float:
        """∂E/∂W_ij = O_i δ_j for the weights into node layer ``layer`` (mean over the batch)."""
        return sum(p.os[layer - 1][i] * p.deltas[layer][j] for p in self.passes) / len(self.passes)

    def db(self, layer: int, j: int) -> float:
        """∂E/∂b_j = δ_j (mean over the batch)."""
        return sum(p.deltas[layer][j] for p in self.passes) / len(self.passes)

    def updated(self, eta: float) -> Net:
        """W ← W − η ∂E/∂W for every weight; b likewise when biases are trained."""
        net = self.net
        W = [
            [
                [net.W[l][i][j] - eta * self.dW(l + 1, i, j) for j in range(len(net.W[l][i]))]
                for i in range(len(net.W[l]))
            ]
            for l in range(net.depth)
        ]
        b = [list(row) for row in net.b]
        if net.trained_bias:
            b = [
                [net.b[l][j] - eta * self.db(l + 1, j) for j in range(len(net.b[l]))]
                for l in range(net.depth)
            ]
        return Net(W, b, net.act, net.labels, net.loss, net.trained_bias)


@dataclass
class Lesson:
    """What the oracle needs of a lesson, and which of its numbers to compute."""

    file: str
    net: Net
    inputs: list[list[float]]
    targets: list[list[float]]
    eta: float
    batch_size: int | None = None  # None: sample mode, one sample per iteration
    asks: list[dict] = field(default_factory=list)  # {of, after | after_epochs, sample}

    def batches(self) -> list[list[int]]:
        n = len(self.inputs)
        size = self.batch_size or 1
        return [list(range(s, min(s + size, n))) for s in range(0, n, size)]

    def iteration(self, net: Net, index: int) -> Iteration:
        batches = self.batches()
        samples = batches[index % len(batches)]
        passes = [backward(net, self.inputs[s], self.targets[s]) for s in samples]
        return Iteration(net, samples, passes)


# ── names, as bp-tui writes them: the layer's label in lower case, nodes from 1 ──────


def node_name(label: str, index: int) -> str:
    return f"{label.lower()}{index + 1}"


def weight_name(net: Net, layer: int, i: int, j: int) -> str:
    comma = "," if i >= 9 or j >= 9 else ""
    lower, upper = net.labels[layer - 1], net.labels[layer]
    return f"W_{node_name(lower, i)}{comma}{node_name(upper, j)}"


def find_node(net: Net, name: str) -> tuple[int, int]:
    for layer, label in enumerate(net.labels):
        base = label.lower()
        if name.startswith(base) and name[len(base) :].isdigit():
            return layer, int(name[len(base) :]) - 1
    raise KeyError(name)


def find_weight(net: Net, name: str) -> tuple[int, int, int]:
    for layer in range(1, net.depth + 1):
        for i in range(len(net.W[layer - 1])):
            for j in range(len(net.W[layer - 1][i])):
                if weight_name(net, layer, i, j) == f"W_{name}":
                    return layer, i, j
    raise KeyError(name)


def read(ask: dict, net: Net, it: Iteration | None) -> float:
    """The number ``ask["of"]`` names, from the network ``net`` or the iteration ``it``."""
    of = ask["of"]
    kind, _, rest = of.partition("_")
    if of.startswith("W_"):
        layer, i, j = find_weight(net, rest)
        return net.W[layer - 1][i][j]
    if of.startswith("b_"):
        layer, j = find_node(net, rest)
        return net.b[layer - 1][j]
    assert it is not None
    row = it.samples.index(ask["sample"] - 1) if "sample" in ask else 0
    if of == "E":
        return it.passes[row].E if "sample" in ask else it.E
    if of.startswith("∂E/∂W_"):
        layer, i, j = find_weight(net, of.removeprefix("∂E/∂W_"))
        return it.dW(layer, i, j)
    if of.startswith("∂E/∂b_"):
        layer, j = find_node(net, of.removeprefix("∂E/∂b_"))
        return it.db(layer, j)
    layer, j = find_node(net, rest)
    p = it.passes[row]
    return {"O": p.os, "x": p.xs, "δ": p.deltas}[kind][layer][j]


def compute(lesson: Lesson) -> list[tuple[dict, float]]:
    """Every ask of the lesson with its value."""
    out = []
    stepped = sorted({a.get("after", 0) for a in lesson.asks if "after_epochs" not in a})
    at: dict[int, tuple[Net, Iteration]] = {}
    net = lesson.net
    last = max(stepped, default=-1)
    for n in range(last + 1):
        it = lesson.iteration(net, n)
        at[n] = (net, it)
        if n < last:
            net = it.updated(lesson.eta)
    epochs = sorted({a["after_epochs"] for a in lesson.asks if "after_epochs" in a})
    losses: list[float] = []
    after_epochs: dict[int, Net] = {}
    net = lesson.net
    per_epoch = len(lesson.batches())
    for epoch in range(1, max(epochs, default=0) + 1):
        total = 0.0
        for n in range(per_epoch):
            it = lesson.iteration(net, n)
            total += sum(p.E for p in it.passes)
            net = it.updated(lesson.eta)
        losses.append(total / len(lesson.inputs))
        after_epochs[epoch] = net
    for ask in lesson.asks:
        if "after_epochs" in ask:
            n = ask["after_epochs"]
            value = losses[n - 1] if ask["of"] == "E" else read(ask, after_epochs[n], None)
        else:
            net, it = at[ask.get("after", 0)]
            value = read(ask, net, it)
        out.append((ask, value))
    return out


# ── the lessons ──────────────────────────────────────────────────────────────────────


def draw_uniform(seed: int, layers: list[int], low: float, high: float) -> list:
    """``init: {scheme: uniform}``: one numpy generator, each matrix rng.uniform(low, high,
    (below, above)), input side first (docs/lesson-format.md)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return [rng.uniform(low, high, (a, b)).tolist() for a, b in pairwise(layers)]


def draw_xavier(seed: int, layers: list[int]) -> list:
    """``init: {scheme: xavier}``: uniform in ±sqrt(6 / (below + above)), layer by layer."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return [
        rng.uniform(-math.sqrt(6 / (a + b)), math.sqrt(6 / (a + b)), (a, b)).tolist()
        for a, b in pairwise(layers)
    ]


def draw_samples(seed: int, n: int, inputs: int, outputs: int) -> tuple[list, list]:
    """``data: {generator: random}``: inputs rng.random((n, inputs)), then one class per
    sample rng.integers(0, outputs, size=n), each target one-hot."""
    import numpy as np

    rng = np.random.default_rng(seed)
    x = rng.random((n, inputs)).tolist()
    classes = rng.integers(0, outputs, size=n).tolist()
    return x, [[1.0 if k == c else 0.0 for k in range(outputs)] for c in classes]


def zeros(layers: list[int]) -> list[list[float]]:
    return [[0.0] * n for n in layers[1:]]


def asks(*names: str, **when: int) -> list[dict]:
    return [{"of": name, **when} for name in names]


MAZUR = Net(
    W=[[[0.15, 0.25], [0.20, 0.30]], [[0.40, 0.50], [0.45, 0.55]]],
    b=[[0.35, 0.35], [0.60, 0.60]],
    act=["sigmoid", "sigmoid"],
    labels=["I", "J", "K"],
)


def deep(activation: str, file: str) -> Lesson:
    """07–09: the same 2-6-6-6-6-6-1 network and samples, only the activation differs."""
    layers = [2, 6, 6, 6, 6, 6, 1]
    labels = ["H", "L", "M", "N", "I", "J", "K"]  # the lecture's letters for 7 layers
    net = Net(
        draw_uniform(4, layers, -1.0, 1.0),
        zeros(layers),
        [activation] * 6,
        labels,
        trained_bias=True,
    )
    inputs = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]]
    targets = [[0.9], [0.9], [0.1], [0.1]]
    wanted = [
        *asks("E", "O_k1", "δ_k1", "δ_j1", "δ_i1", "δ_n1", "δ_m1", "δ_l1", "δ_l2"),
        *asks("∂E/∂W_j1k1", "∂E/∂W_h1l1", "∂E/∂b_l1"),
        *asks("W_h1l1", "W_j1k1"),
        *asks("W_h1l1", "W_j1k1", after=1),
        *asks("E", after_epochs=10),
    ]
    if activation == "sigmoid":  # it stays on its plateau, and its lowest weights hardly move
        wanted += asks("E", "W_h1l1", "W_j1k1", after_epochs=1000)
    return Lesson(file, net, inputs, targets, 0.1, asks=wanted)


def lessons() -> list[Lesson]:
    xor_layers = [2, 2, 1]
    wide_inputs, wide_targets = draw_samples(11, 1024, 784, 10)
    return [
        Lesson(
            "01_one_neuron.yaml",
            Net([[[0.8]]], [[0.0]], ["sigmoid"], ["J", "K"]),
            [[1.5]],
            [[0.0]],
            1.0,
            asks=[
                *asks("x_k1", "O_k1", "E", "δ_k1", "∂E/∂W_j1k1"),
                *asks("W_j1k1", after=1),
                *asks("E", "O_k1", after=1),
                *asks("E", after_epochs=200),
                *asks("W_j1k1", after_epochs=200),
            ],
        ),
        Lesson(
            "02_multi_output_perceptron.yaml",
            Net(
                [[[0.2, -0.3], [0.4, 0.1], [-0.5, 0.2]]],
                [[0.0, 0.0]],
                ["sigmoid"],
                ["J", "K"],
            ),
            [[1.0, 0.5, -1.0]],
            [[1.0, 0.0]],
            0.5,
            asks=[
                *asks("x_k1", "O_k1", "O_k2", "E", "δ_k1", "δ_k2"),
                *asks("∂E/∂W_j1k1", "∂E/∂W_j3k2"),
                *asks("W_j1k1", "W_j3k2", after=1),
                *asks("E", after_epochs=100),
            ],
        ),
        Lesson(
            "03_two_two_two.yaml",
            MAZUR,
            [[0.05, 0.10]],
            [[0.01, 0.99]],
            0.5,
            asks=[
                *asks("x_j1", "O_j1", "O_j2", "x_k1", "O_k1", "O_k2", "E", "δ_k1"),
                *asks("∂E/∂W_j1k1", "∂E/∂W_i1j1"),
                *asks("W_i1j1", "W_i2j1", "W_i1j2", "W_i2j2", after=1),
                *asks("W_j1k1", "W_j2k1", "W_j1k2", "W_j2k2", after=1),
                *asks("E", after_epochs=10000),
            ],
        ),
        Lesson(
            "04_four_layers.yaml",
            Net(
                [
                    [[0.1, 0.4, -0.2], [0.3, -0.1, 0.5]],
                    [[0.2, -0.3], [0.6, 0.1], [-0.4, 0.5]],
                    [[0.7], [-0.6]],
                ],
                [[0.0] * 3, [0.0] * 2, [0.0]],
                ["sigmoid"] * 3,
                ["N", "I", "J", "K"],
            ),
            [[1.0, 0.5]],
            [[1.0]],
            0.5,
            asks=[
                *asks("O_i1", "O_j1", "O_k1", "E", "δ_k1", "δ_j1", "δ_j2", "δ_i1", "δ_i3"),
                *asks("∂E/∂W_j1k1", "∂E/∂W_i2j1", "∂E/∂W_n1i1", "∂E/∂W_n2i3"),
                *asks("W_n1i1", "W_j2k1", after=1),
                *asks("E", after_epochs=300),
            ],
        ),
        Lesson(
            "05_xor.yaml",
            Net(
                draw_uniform(5, xor_layers, -1.0, 1.0),
                zeros(xor_layers),
                ["sigmoid"] * 2,
                ["I", "J", "K"],
                trained_bias=True,
            ),
            [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]],
            [[0.0], [1.0], [1.0], [0.0]],
            1.0,
            asks=[
                *asks("O_j1", "O_k1", "E", "δ_k1", "δ_j1", "δ_j2"),
                *asks("∂E/∂W_i1j1", "∂E/∂W_j1k1", "∂E/∂b_k1", "∂E/∂b_j2"),
                *asks("W_j1k1", "b_k1", after=1),
                *asks("O_k1", "E", "δ_k1", "δ_j1", after=1),
                *asks("W_i2j2", "b_j1", after=4),
                *asks("E", after_epochs=1),
                *asks("E", after_epochs=5000),
            ],
        ),
        Lesson(
            "06_wide_784_128_10.yaml",
            Net(
                draw_xavier(7, [784, 128, 10]),
                zeros([784, 128, 10]),
                ["sigmoid", "softmax"],
                ["I", "J", "K"],
                loss="cross_entropy",
                trained_bias=True,
            ),
            wide_inputs,
            wide_targets,
            0.5,
            batch_size=256,
            asks=[
                *asks("E", "x_j1", "O_j1", "O_k1", "O_k10", "δ_k1", "δ_k10", "δ_j1", "δ_j128"),
                {"of": "E", "sample": 2},
                {"of": "O_k3", "sample": 256},
                {"of": "δ_j5", "sample": 100},
                *asks("∂E/∂W_j1k1", "∂E/∂W_i1j1", "∂E/∂W_i784,j128", "∂E/∂b_k1", "∂E/∂b_j1"),
            ],
        ),
        deep("sigmoid", "07_vanishing_sigmoid.yaml"),
        deep("tanh", "08_vanishing_tanh.yaml"),
        deep("relu", "09_vanishing_relu.yaml"),
        Lesson(
            "10_softmax_cross_entropy.yaml",
            Net(MAZUR.W, MAZUR.b, ["sigmoid", "softmax"], ["I", "J", "K"], "cross_entropy"),
            [[0.05, 0.10]],
            [[0.01, 0.99]],
            0.5,
            asks=[
                *asks("x_k1", "x_k2", "O_k1", "O_k2", "E", "δ_k1", "δ_k2", "δ_j1", "δ_j2"),
                *asks("∂E/∂W_j1k1", "∂E/∂W_i1j1"),
                *asks("W_j1k1", "W_i1j1", after=1),
                *asks("E", after=1),
                *asks("E", after_epochs=100),
                *asks("E", after_epochs=2000),
            ],
        ),
    ]


def render(ask: dict, value: float) -> str:
    """One line of a lesson's ``expect: values:``."""
    parts = [f'of: "{ask["of"]}"' if ask["of"] != "E" else "of: E"]
    parts += [f"{key}: {ask[key]}" for key in ("sample", "after", "after_epochs") if key in ask]
    parts.append(f"value: {value:.10g}")
    return "    - {" + ", ".join(parts) + "}"


def main(argv: list[str]) -> int:
    for lesson in lessons():
        if argv and not any(a in lesson.file for a in argv):
            continue
        print(f"# {lesson.file}")
        for ask, value in compute(lesson):
            print(render(ask, value))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
