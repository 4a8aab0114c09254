"""The engine against PyTorch's autograd, in float64: the optional cross-check.

The same network is built in PyTorch from the same definitions (x = O W + b, the same
activations, the same E per sample, E of a batch the mean of its samples' E), and
autograd differentiates it. Every δ (autograd's gradient of x, kept with ``retain_grad``),
every ∂E/∂W and ∂E/∂b must equal the engine's to within 1e-12·max(1, |value|): two exact
methods that differ only in the order of their float64 roundings. Then both train for a
few epochs, PyTorch with a hand-written SGD loop over the same schedule, and must end with
the same weights.

This runs on random networks and on every shipped lesson (``bp_tui/lessons/*.yaml``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import oracle
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bp_tui.engine import Mode, Network, Schedule, Trace, trace_iteration, train

torch = pytest.importorskip(
    "torch", reason="PyTorch is the optional cross-check: pip install torch==2.13.0"
)
F = torch.nn.functional

TOLERANCE = 1e-12


def shipped_lessons() -> list[Path]:
    """Every shipped lesson file: those in the package (``bp_tui/lessons``) and any still at
    the top of the repository (``lessons/``), one per file name, the package's first."""
    root = Path(__file__).resolve().parent.parent
    found: dict[str, Path] = {}
    for folder in (root / "bp_tui" / "lessons", root / "lessons"):
        for path in sorted(folder.glob("*.yaml")):
            found.setdefault(path.name, path)
    return [found[name] for name in sorted(found)]


LESSONS = shipped_lessons()

ACTIVATIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "linear": lambda x: x,
    "softmax": lambda x: torch.softmax(x, dim=-1),
}


def sample_errors(loss: str, output: str, x: torch.Tensor, o: torch.Tensor, t: torch.Tensor):
    """E of each sample, from the definitions (not from torch's built-in loss modules,
    whose reductions differ: MSELoss has no ½ and averages over the outputs)."""
    if loss == "mse":
        return 0.5 * ((o - t) ** 2).sum(dim=-1)
    if output == "softmax":
        return -(t * torch.log_softmax(x, dim=-1)).sum(dim=-1)
    return -(t * F.logsigmoid(x) + (1.0 - t) * F.logsigmoid(-x)).sum(dim=-1)


class TorchNetwork:
    """The engine's network rebuilt as float64 leaf tensors."""

    def __init__(self, network: Network) -> None:
        self.weights = [torch.tensor(np.array(w), dtype=torch.float64) for w in network.weights]
        self.biases = [torch.tensor(np.array(b), dtype=torch.float64) for b in network.biases]
        self.activations = [a.name for a in network.activations]
        self.loss = network.loss.name
        self.trained_biases = network.bias == "trained"

    def backward(self, inputs: np.ndarray, targets: np.ndarray):
        """E of the batch, and δ (one row per sample), ∂E/∂W, ∂E/∂b of every layer."""
        params = [p.clone().requires_grad_(True) for p in (*self.weights, *self.biases)]
        ws, bs = params[: len(self.weights)], params[len(self.weights) :]
        o = torch.tensor(inputs, dtype=torch.float64)
        xs = []
        for w, b, name in zip(ws, bs, self.activations, strict=True):
            x = o @ w + b
            x.retain_grad()
            xs.append(x)
            o = ACTIVATIONS[name](x)
        t = torch.tensor(targets, dtype=torch.float64)
        E = sample_errors(self.loss, self.activations[-1], xs[-1], o, t).mean()
        E.backward()
        n = len(inputs)
        # autograd differentiates the batch mean; δ of a sample is the slope of its own E.
        deltas = [n * x.grad for x in xs]
        return E.item(), deltas, [w.grad for w in ws], [b.grad for b in bs]

    def sgd(self, inputs: np.ndarray, targets: np.ndarray, rate: float, epochs: int, schedule):
        """Plain SGD over the schedule's batches, in order, every epoch."""
        for _ in range(epochs):
            for batch in schedule.batches:
                _, _, dW, db = self.backward(inputs[list(batch)], targets[list(batch)])
                self.weights = [w - rate * g for w, g in zip(self.weights, dW, strict=True)]
                if self.trained_biases:
                    self.biases = [b - rate * g for b, g in zip(self.biases, db, strict=True)]


def assert_same(engine: np.ndarray, reference: torch.Tensor, what: str) -> None:
    """|engine − torch| ≤ 1e-12·max(1, |torch|), elementwise."""
    ref = reference.detach().numpy()
    assert engine.shape == ref.shape, what
    bound = TOLERANCE * np.maximum(1.0, np.abs(ref))
    assert (np.abs(engine - ref) <= bound).all(), f"{what}: engine {engine} vs torch {ref}"


def assert_trace_matches_torch(trace: Trace, network: Network) -> None:
    E, deltas, dW, db = TorchNetwork(network).backward(
        np.array(trace.inputs), np.array(trace.targets)
    )
    assert abs(trace.E - E) <= TOLERANCE * max(1.0, abs(E))
    for l in range(network.depth):
        assert_same(trace.delta(l + 1).delta, deltas[l], f"δ of layer {l + 1}")
        assert_same(trace.gradient(l + 1).dW, dW[l], f"∂E/∂W of weight layer {l}")
        assert_same(trace.gradient(l + 1).db, db[l], f"∂E/∂b of weight layer {l}")


def assert_training_matches_torch(network, inputs, targets, rate, epochs, schedule) -> None:
    result = train(network, inputs, targets, rate, epochs, schedule)
    assert result.divergence is None and not result.cancelled
    reference = TorchNetwork(network)
    reference.sgd(inputs, targets, rate, epochs, schedule)
    for l in range(network.depth):
        assert_same(result.network.weights[l], reference.weights[l], f"W of layer {l} trained")
        assert_same(result.network.biases[l], reference.biases[l], f"b of layer {l} trained")


def build(spec: oracle.Spec) -> Network:
    return Network.build(spec.weights, spec.activations, spec.loss, spec.bias, spec.biases)


@settings(max_examples=100, deadline=None)
@given(oracle.cases())
def test_random_networks_backpropagate_like_autograd(case: oracle.Case) -> None:
    """δ, ∂E/∂W and ∂E/∂b of one iteration on a random network equal autograd's."""
    network = build(case.spec)
    trace = trace_iteration(network, case.inputs, case.targets, 0.5, tuple(range(len(case.inputs))))
    assert_trace_matches_torch(trace, network)


@settings(max_examples=40, deadline=None)
@given(oracle.cases(max_samples=4, scale=1.0), st.data())
def test_random_networks_train_like_torch_sgd(case: oracle.Case, data: st.DataObject) -> None:
    """Five epochs of ``train``, in sample mode or batch mode with any batch size, end
    with the weights of the same SGD loop run with autograd's gradients."""
    n = len(case.inputs)
    mode = data.draw(st.sampled_from([Mode.SAMPLE, Mode.BATCH]), label="mode")
    size = data.draw(st.integers(1, n), label="batch_size") if mode is Mode.BATCH else None
    schedule = Schedule(n, mode, size)
    network = build(case.spec)
    # A network that blows up (a deep linear or ReLU stack can, even at η = 0.1) is not
    # compared here: test_engine_training covers divergence.
    assume(train(network, case.inputs, case.targets, 0.1, 5, schedule).divergence is None)
    assert_training_matches_torch(network, case.inputs, case.targets, 0.1, 5, schedule)


@pytest.mark.parametrize("seed", range(12))
def test_largest_networks_match_torch(seed: int) -> None:
    """Seeded 5-5-5-5-5 networks (which Hypothesis seldom draws): one iteration on three
    samples, then five epochs on four samples in sample mode and in batches of three (with
    smaller weights and η: a deep linear or ReLU stack diverges quickly otherwise)."""
    rng = np.random.default_rng(seed)
    case = oracle.random_case(rng, depth=4, width=5, samples=3)
    network = build(case.spec)
    assert_trace_matches_torch(
        trace_iteration(network, case.inputs, case.targets, 0.5, (0, 1, 2)), network
    )
    case = oracle.random_case(rng, depth=4, width=5, samples=4, scale=0.7)
    for schedule in (Schedule(4, Mode.SAMPLE), Schedule(4, Mode.BATCH, 3)):
        assert_training_matches_torch(
            build(case.spec), case.inputs, case.targets, 0.05, 5, schedule
        )


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_shipped_lesson_backpropagates_like_autograd(path: Path) -> None:
    """The first iteration of every shipped lesson, and of every batch of its schedule,
    gives autograd's δ, ∂E/∂W and ∂E/∂b."""
    from bp_tui.lesson import load_lesson

    lesson = load_lesson(path)
    assert_trace_matches_torch(lesson.first_trace(), lesson.network)
    for batch in lesson.schedule.batches:
        idx = list(batch)
        trace = trace_iteration(
            lesson.network, lesson.inputs[idx], lesson.targets[idx], lesson.learning_rate, batch
        )
        assert_trace_matches_torch(trace, lesson.network)


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
@pytest.mark.parametrize("mode", [Mode.SAMPLE, Mode.BATCH, "lesson"])
def test_shipped_lesson_trains_like_torch_sgd(path: Path, mode: Mode | str) -> None:
    """Five epochs of every shipped lesson, with its own schedule, in sample mode and in
    batch mode (batches of two), end with the weights of autograd-driven SGD."""
    from bp_tui.lesson import load_lesson

    lesson = load_lesson(path)
    n = len(lesson.inputs)
    if mode == "lesson":
        schedule = lesson.schedule
    elif mode is Mode.BATCH:
        schedule = Schedule(n, Mode.BATCH, batch_size=min(2, n))
    else:
        schedule = Schedule(n, Mode.SAMPLE)
    # Up to five epochs, but no more than about 2,000 updates: two float64 programs that
    # sum the same products in different orders drift apart by rounding alone, and over
    # 5,120 updates of the 784-128-10 lesson that drift reaches 2.6e-12 (it is 2.7e-15
    # after its first 1,024).
    epochs = max(1, min(5, lesson.epochs, 2000 // schedule.iterations_per_epoch))
    assert_training_matches_torch(
        lesson.network, lesson.inputs, lesson.targets, lesson.learning_rate, epochs, schedule
    )
