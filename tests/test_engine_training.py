"""``train``, the fast path behind the loss curve, against stepping one iteration at a time.

- Its weights are those of applying ``trace_at`` iteration after iteration, in sample mode
  and in batch mode with any batch size.
- Each epoch's loss is the mean over the epoch's samples of the E each sample had in its
  forward pass, recomputed with the independent oracle.
- It stops cleanly: at the first non-finite loss with a :class:`Divergence` naming the
  epoch (and finite weights), or when the progress callback says so.
- Sigmoid, softmax and cross-entropy stay finite, without a RuntimeWarning, for inputs as
  large as ±800 and ±1e308.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import oracle
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bp_tui.engine import (
    ACTIVATIONS,
    LOSSES,
    Divergence,
    Mode,
    Network,
    Schedule,
    sigmoid,
    softmax,
    trace_at,
    trace_iteration,
    train,
)


def build(spec: oracle.Spec) -> Network:
    return Network.build(spec.weights, spec.activations, spec.loss, spec.bias, spec.biases)


def spec_of(network: Network) -> oracle.Spec:
    """The oracle's description of the engine's current weights."""
    return oracle.Spec(
        [np.array(w) for w in network.weights],
        [np.array(b) for b in network.biases],
        [a.name for a in network.activations],
        network.loss.name,
        str(network.bias),
    )


def step_by_step(network, inputs, targets, rate, epochs, schedule):
    """Run ``epochs`` epochs with ``trace_at``, one iteration at a time. Returns the final
    network and each epoch's loss, the latter recomputed with the oracle: the mean over the
    epoch's samples of each sample's E under the weights current when it was visited."""
    losses = []
    iteration = 0
    for _ in range(epochs):
        total = 0.0
        for batch in schedule.batches:
            idx = list(batch)
            total += float(np.sum(oracle.errors(spec_of(network), inputs[idx], targets[idx])))
            trace = trace_at(network, inputs, targets, rate, schedule, iteration)
            assert trace.samples == batch
            network = trace.updated
            iteration += 1
        losses.append(total / schedule.n_samples)
    return network, np.array(losses)


def assert_same_parameters(a: Network, b: Network) -> None:
    for wa, wb in zip(a.weights, b.weights, strict=True):
        np.testing.assert_allclose(wa, wb, rtol=1e-12, atol=1e-12)
    for ba, bb in zip(a.biases, b.biases, strict=True):
        np.testing.assert_allclose(ba, bb, rtol=1e-12, atol=1e-12)


schedules = st.sampled_from([Mode.SAMPLE, Mode.BATCH])


@settings(max_examples=60, deadline=None)
@given(oracle.cases(max_samples=5, scale=1.0), st.data())
def test_train_equals_stepping_iteration_by_iteration(
    case: oracle.Case, data: st.DataObject
) -> None:
    """Weights after ``train`` = weights after applying each iteration's trace in turn, and
    the loss history is the oracle's mean per-sample E of each epoch."""
    n = len(case.inputs)
    mode = data.draw(schedules, label="mode")
    size = data.draw(st.integers(1, n), label="batch_size") if mode is Mode.BATCH else None
    epochs = data.draw(st.integers(1, 4), label="epochs")
    schedule = Schedule(n, mode, size)
    network = build(case.spec)

    result = train(network, case.inputs, case.targets, 0.1, epochs, schedule)
    assume(result.divergence is None)  # blowing up is tested on its own below
    stepped, losses = step_by_step(network, case.inputs, case.targets, 0.1, epochs, schedule)

    assert not result.cancelled
    assert result.epochs == epochs
    assert result.iterations == epochs * schedule.iterations_per_epoch
    assert_same_parameters(result.network, stepped)
    np.testing.assert_allclose(result.losses, losses, rtol=1e-12, atol=1e-15)


def test_batch_schedule_splits_samples_in_order() -> None:
    """Batches of ``batch_size`` consecutive samples, the last one shorter; one per sample
    in sample mode; all samples in one batch by default."""
    assert Schedule(5, Mode.BATCH, 2).batches == ((0, 1), (2, 3), (4,))
    assert Schedule(3, Mode.SAMPLE).batches == ((0,), (1,), (2,))
    assert Schedule(3, Mode.BATCH).batches == ((0, 1, 2),)
    assert Schedule(5, Mode.BATCH, 2).samples_of(4) == (2, 3)  # epoch 2's second batch


def test_batch_iteration_uses_the_mean_gradient_of_its_samples() -> None:
    """One batch iteration moves W by −η times the mean of the samples' own gradients."""
    network = Network.build([[[0.3, -0.2], [0.5, 0.1]], [[0.7], [-0.4]]], "sigmoid")
    inputs = np.array([[0.1, 0.9], [0.8, -0.3], [-0.5, 0.4]])
    targets = np.array([[1.0], [0.0], [0.5]])
    batch = trace_iteration(network, inputs, targets, 0.5, (0, 1, 2))
    singles = [trace_iteration(network, inputs[[s]], targets[[s]], 0.5, (s,)) for s in range(3)]
    for layer in (1, 2):
        mean = np.mean([t.gradient(layer).dW for t in singles], axis=0)
        np.testing.assert_allclose(batch.gradient(layer).dW, mean, rtol=1e-13, atol=1e-16)
    assert math.isclose(batch.E, np.mean([t.E for t in singles]), rel_tol=1e-13)


def test_divergence_names_the_epoch_it_happened_in() -> None:
    """One linear weight w, input 1, target 0: E = ½w² and ∂E/∂w = w, so each update makes
    w ← (1 − η) w. With η = 1 + 1e10, w after n epochs is (−1e10)^n and epoch n's loss is
    ½·1e(20(n − 1)): finite up to epoch 16 (5e299), infinite in epoch 17 (½·1e320 overflows).
    Training must stop in epoch 17, keep the 16 finite losses and w = 1e160, and emit no
    RuntimeWarning while doing so."""
    network = Network.build([[[1.0]]], "linear")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = train(network, np.array([[1.0]]), np.array([[0.0]]), 1 + 1e10, 40, Schedule(1))
    assert isinstance(result.divergence, Divergence)
    assert result.divergence.epoch == 17
    assert "epoch 17" in str(result.divergence)
    assert result.epochs == 16 and np.isfinite(result.losses).all()
    assert result.losses[-1] == pytest.approx(0.5e300, rel=1e-9)
    assert result.network.weights[0][0, 0] == pytest.approx(1e160, rel=1e-9)
    assert result.iterations == 16


@pytest.mark.parametrize("activation", ["relu", "linear"])
@pytest.mark.parametrize("mode", [Mode.SAMPLE, Mode.BATCH])
def test_huge_learning_rate_diverges_cleanly(activation: str, mode: Mode) -> None:
    """A 2-3-1 ReLU or linear net with η = 1e6 blows up. Training stops with a Divergence
    in epoch len(losses) + 1, returns the finite weights that epoch began with (those of
    stepping the finite epochs by hand), and raises no RuntimeWarning."""
    rng = np.random.default_rng(7)
    network = Network.build(
        [rng.uniform(0.1, 1.0, (2, 3)), rng.uniform(0.1, 1.0, (3, 1))], [activation, "linear"]
    )
    inputs = np.array([[1.0, 2.0], [0.5, -1.0], [2.0, 1.0]])
    targets = np.array([[1.0], [0.0], [-1.0]])
    schedule = Schedule(3, mode, 2 if mode is Mode.BATCH else None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = train(network, inputs, targets, 1e6, 1000, schedule)
    assert result.divergence is not None
    epoch = result.divergence.epoch
    assert epoch == result.epochs + 1
    assert f"epoch {epoch}" in str(result.divergence)
    assert np.isfinite(result.losses).all()
    assert all(np.isfinite(w).all() for w in result.network.weights)
    stepped, losses = step_by_step(network, inputs, targets, 1e6, result.epochs, schedule)
    assert_same_parameters(result.network, stepped)
    np.testing.assert_allclose(result.losses, losses, rtol=1e-12)


def test_progress_callback_cancels_after_the_epoch_it_was_told() -> None:
    """``progress(epoch, loss)`` sees every finished epoch, counted from 1; returning False
    keeps the epochs done so far and the weights after them."""
    network = Network.build([[[0.3, -0.2], [0.5, 0.1]], [[0.7], [-0.4]]], "sigmoid")
    inputs = np.array([[0.0, 1.0], [1.0, 0.0]])
    targets = np.array([[1.0], [0.0]])
    seen = []

    def progress(epoch: int, loss: float) -> bool:
        seen.append((epoch, loss))
        return epoch < 3

    result = train(network, inputs, targets, 0.5, 100, Schedule(2), progress)
    stepped, losses = step_by_step(network, inputs, targets, 0.5, 3, Schedule(2))
    assert result.cancelled and result.divergence is None
    assert [e for e, _ in seen] == [1, 2, 3]
    np.testing.assert_allclose([loss for _, loss in seen], losses, rtol=1e-12)
    np.testing.assert_allclose(result.losses, losses, rtol=1e-12)
    assert result.iterations == 6
    assert_same_parameters(result.network, stepped)


# --- extreme inputs ------------------------------------------------------------------

HUGE = [1e308, -1e308, 800.0, -800.0]


def test_sigmoid_and_softmax_saturate_without_overflow() -> None:
    """σ(±1e308) and σ(±800) are exactly 1 and 0; softmax of rows that span ±1e308 or
    ±800 puts all the weight on the largest entry, and equal huge entries share it."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(sigmoid(np.array(HUGE)), [1.0, 0.0, 1.0, 0.0])
        rows = np.array([[1e308, -1e308], [-800.0, 800.0], [1e308, 1e308], [-1e308, -1e308]])
        np.testing.assert_array_equal(softmax(rows), [[1, 0], [0, 1], [0.5, 0.5], [0.5, 0.5]])


@pytest.mark.parametrize(
    ("x", "t", "E"),
    [
        # −[t ln σ(x) + (1 − t) ln(1 − σ(x))]: ln(1 + e^x) = x for x ≥ 800 to float precision
        (800.0, 0.0, 800.0),
        (-800.0, 1.0, 800.0),
        (800.0, 1.0, 0.0),
        (1e308, 0.0, 1e308),
        (-1e308, 1.0, 1e308),
        (-1e308, 0.0, 0.0),
    ],
)
def test_sigmoid_cross_entropy_is_finite_at_saturation(x: float, t: float, E: float) -> None:
    """A saturated sigmoid output gives the exact finite E (not ln 0) and δ = O − t."""
    network = Network.build([[[1.0]]], "sigmoid", "cross_entropy")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = trace_iteration(network, np.array([[x]]), np.array([[t]]), 0.5)
    assert trace.E == E
    O = 1.0 if x > 0 else 0.0
    assert trace.delta(1).delta[0, 0] == O - t
    assert trace.gradient(1).dW[0, 0] == x * (O - t)
    assert all(np.isfinite(w).all() for w in trace.updated.weights)


@pytest.mark.parametrize(
    ("x", "t", "E"),
    [
        ([800.0, -800.0], [0.0, 1.0], 1600.0),  # −ln O_2 = −(−800 − 800)
        ([800.0, -800.0], [1.0, 0.0], 0.0),
        ([1e308, -1e308], [1.0, 0.0], 0.0),  # O = (1, 0) exactly; 0 · ln 0 counts as 0
        ([-1e308, 1e308], [0.0, 1.0], 0.0),
        ([1e308, 1e308], [1.0, 0.0], math.log(2.0)),
    ],
)
def test_softmax_cross_entropy_is_finite_for_huge_logits(x: list, t: list, E: float) -> None:
    """E = −Σ t_k ln O_k is exact and finite, and δ = O − t, for logits out to ±1e308."""
    network = Network.build([np.eye(2)], "softmax", "cross_entropy")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = trace_iteration(network, np.array([x]), np.array([t]), 0.5)
    assert math.isclose(trace.E, E, rel_tol=0.0, abs_tol=1e-15)
    O = softmax(np.array(x))
    np.testing.assert_array_equal(trace.delta(1).delta[0], O - np.array(t))
    assert np.isfinite(trace.gradient(1).dW).all()


@pytest.mark.parametrize("x", HUGE)
def test_loss_terms_stay_finite_for_huge_weighted_inputs(x: float) -> None:
    """Every loss with every output activation it accepts gives a finite E for x = ±800
    and ±1e308 when the target is the saturated output's own value, and no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for loss in LOSSES.values():
            for name in sorted(loss.output_activations):
                activation = ACTIVATIONS[name]
                xs = np.array([[x]]) if name != "softmax" else np.array([[x, -x]])
                o = activation.function(xs)
                E = loss.error(xs, o, o, activation)
                assert np.isfinite(E).all(), (loss.name, name, x)


def test_training_on_huge_inputs_stays_finite_and_quiet() -> None:
    """Five epochs of a sigmoid net with cross-entropy on inputs ±800 and ±1e308 train
    without a warning; every epoch's loss is finite."""
    network = Network.build([[[1e-300, -1e-300]], [[0.5], [-0.5]]], "sigmoid", "cross_entropy")
    inputs = np.array([[800.0], [-800.0], [1e308], [-1e308]])
    targets = np.array([[1.0], [0.0], [1.0], [0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = train(network, inputs, targets, 0.5, 5, Schedule(4))
    assert result.divergence is None
    assert np.isfinite(result.losses).all()
