"""The classic mistakes, checked against values derived here from the lecture's formulas.

Every expected number is computed in the test, with the independent forward pass of
tests/oracle.py and the mistake written out as arithmetic; the engine's correct iteration
is never the reference for a mistaken one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import oracle
import pytest

from bp_tui.engine import Network
from bp_tui.engine.mistakes import Mistake, all_variants, correct, with_mistake
from bp_tui.lesson import load_lesson

LESSONS = Path(__file__).resolve().parent.parent / "bp_tui" / "lessons"
ETA = 0.5


def two_two_two() -> tuple[Network, np.ndarray, np.ndarray]:
    lesson = load_lesson(LESSONS / "03_two_two_two.yaml")
    return lesson.network, lesson.inputs, lesson.targets


def spec_of(network: Network, weights: list[np.ndarray] | None = None) -> oracle.Spec:
    return oracle.Spec(
        [np.array(w) for w in (weights or network.weights)],
        [np.array(b) for b in network.biases],
        [a.name for a in network.activations],
        network.loss.name,
        network.bias.value,
    )


def test_the_correct_variant_steps_down_the_numerical_gradient() -> None:
    net, x, t = two_two_two()
    spec = spec_of(net)
    dW, _ = oracle.numerical_parameter_gradients(spec, x, t)
    v = correct(net, x, t, ETA)
    for layer in range(2):
        np.testing.assert_allclose(
            v.updated.weights[layer], spec.weights[layer] - ETA * dW[layer], rtol=1e-8
        )
    after = oracle.batch_error(
        spec_of(net, [net.weights[0] - ETA * dW[0], net.weights[1] - ETA * dW[1]]), x, t
    )
    assert v.E_after == pytest.approx(after, rel=1e-9)
    assert v.E_after < v.E_before


def test_sign_flipped_steps_up_the_gradient_and_raises_E() -> None:
    """(t − O) with W ← W − η ∂E/∂W is gradient ascent: W + η ∂E/∂W."""
    net, x, t = two_two_two()
    spec = spec_of(net)
    dW, _ = oracle.numerical_parameter_gradients(spec, x, t)
    v = with_mistake(Mistake.SIGN_FLIPPED, net, x, t, ETA)
    for layer in range(2):
        np.testing.assert_allclose(
            v.updated.weights[layer], spec.weights[layer] + ETA * dW[layer], rtol=1e-8
        )
    assert v.E_after > v.E_before
    _, outs = oracle.forward(spec, x)
    o_k = outs[2]
    np.testing.assert_allclose(v.deltas[1], o_k * (1 - o_k) * (t - o_k), rtol=1e-12)


def test_no_derivative_uses_o_minus_t_and_the_bare_sum() -> None:
    """δ_k = O_k − t_k and δ_j = Σ_k δ_k W_jk, with no O(1 − O) anywhere."""
    net, x, t = two_two_two()
    spec = spec_of(net)
    _, outs = oracle.forward(spec, x)
    delta_k = outs[2] - t
    delta_j = np.array(
        [[sum(delta_k[0, k] * spec.weights[1][j, k] for k in range(2)) for j in range(2)]]
    )
    v = with_mistake(Mistake.NO_DERIVATIVE, net, x, t, ETA)
    np.testing.assert_allclose(v.deltas[1], delta_k, rtol=1e-12)
    np.testing.assert_allclose(v.deltas[0], delta_j, rtol=1e-12)
    # its "gradient" O_i δ_j is not ∂E/∂W: compare with the numerical one
    dW, _ = oracle.numerical_parameter_gradients(spec, x, t)
    assert not np.allclose(v.dW[1], dW[1], rtol=1e-3)


def test_update_early_computes_the_hidden_delta_with_the_new_weights() -> None:
    """W_jk is updated first; δ_j = O_j(1 − O_j) Σ_k δ_k W'_jk uses the new W'_jk. E after
    one step then differs from the correct one only around the seventh digit."""
    net, x, t = two_two_two()
    spec = spec_of(net)
    _, outs = oracle.forward(spec, x)
    o_j, o_k = outs[1], outs[2]
    delta_k = o_k * (1 - o_k) * (o_k - t)
    w_jk_new = spec.weights[1] - ETA * (o_j.T @ delta_k)
    delta_j = o_j * (1 - o_j) * (delta_k @ w_jk_new.T)
    v = with_mistake(Mistake.UPDATE_EARLY, net, x, t, ETA)
    np.testing.assert_allclose(v.deltas[0], delta_j, rtol=1e-12)
    np.testing.assert_allclose(v.updated.weights[1], w_jk_new, rtol=1e-12)
    right = correct(net, x, t, ETA)
    assert right.E_after == pytest.approx(0.291027774, abs=5e-10)  # Mazur's E after one step
    # Mazur's article reports 0.291027924 after its first round: the early update's value
    assert v.E_after == pytest.approx(0.291027924, abs=5e-10)
    assert abs(v.E_after - right.E_after) < 1e-6  # the slip hides in the 7th digit
    assert abs(v.E_after - right.E_after) > 1e-8


def test_biases_flipped_trains_the_fixed_biases() -> None:
    """The 2-2-2 lesson keeps its biases fixed; flipped, they move by −η δ."""
    net, x, t = two_two_two()
    spec = spec_of(net)
    _, db = oracle.numerical_parameter_gradients(spec, x, t)
    v = with_mistake(Mistake.BIASES_FLIPPED, net, x, t, ETA)
    for layer in range(2):
        np.testing.assert_allclose(
            v.updated.biases[layer], spec.biases[layer] - ETA * db[layer], rtol=1e-7
        )
    np.testing.assert_array_equal(correct(net, x, t, ETA).updated.biases[0], net.biases[0])


def test_every_shipped_lesson_has_every_variant() -> None:
    for path in sorted(LESSONS.glob("*.yaml")):
        lesson = load_lesson(path)
        first = lesson.first_trace()
        variants = all_variants(first.network, first.inputs, first.targets, first.learning_rate)
        assert [v.mistake for v in variants] == [None, *Mistake]
        assert all(np.isfinite(v.E_after) for v in variants)
