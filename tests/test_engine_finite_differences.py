"""The engine's backward pass against finite differences of an independent forward pass.

For random networks (1–4 weight layers, widths 1–5, every activation, every output/loss
pair, every bias mode, batches of 1–3 samples), every number ``trace_iteration`` derives
by backpropagation must equal the slope of E measured directly:

- every δ_j = ∂E/∂x_j, of every node above the inputs, for every sample;
- every ∂E/∂W_ij and ∂E/∂b_j (of the batch's E, the mean over its samples);
- and so the update W − η ∂E/∂W.

The slopes come from ``oracle.py``, which recomputes x, O and E from the formulas without
importing bp_tui. Two numbers agree when their relative error is below 1e-6, or when
they differ by less than 1e-9·max(1, |E|). That floor is the finite difference's own
noise: rounding makes the estimate wrong by about ε·|E|/h ≈ 2e-11·|E| (ε = 2.2e-16,
h = 1e-5), so a gradient that is almost 0 cannot be known to 1e-6 *relatively*; a floor
fifty times the noise leaves any real error in the engine (a missing factor, a wrong
derivative) far above it.
"""

from __future__ import annotations

import numpy as np
import oracle
import pytest
from hypothesis import assume, given, settings

from bp_tui.engine import Network, Trace, gradcheck, trace_iteration

RELATIVE = 1e-6
FLOOR = 1e-9  # times max(1, |E|): see the module docstring
RELU_MARGIN = 1e-4  # no ReLU input closer than this to its kink at 0

SETTINGS = settings(max_examples=100, deadline=None)


def build(spec: oracle.Spec) -> Network:
    """The engine's network for an oracle spec."""
    return Network.build(spec.weights, spec.activations, spec.loss, spec.bias, spec.biases)


def trace_of(case: oracle.Case, learning_rate: float = 0.5) -> Trace:
    n = len(case.inputs)
    return trace_iteration(
        build(case.spec), case.inputs, case.targets, learning_rate, tuple(range(n))
    )


def assert_matches(engine: np.ndarray, numeric: np.ndarray, E: float, what: str) -> None:
    """Relative error below 1e-6, or a difference under the finite difference's noise floor."""
    assert engine.shape == numeric.shape, what
    diff = np.abs(engine - numeric)
    scale = np.maximum(np.abs(engine), np.abs(numeric))
    ok = (diff <= RELATIVE * scale) | (diff <= FLOOR * max(1.0, abs(E)))
    assert ok.all(), f"{what}: engine {engine} vs finite difference {numeric}"


def smooth(case: oracle.Case) -> bool:
    """Every ReLU input is at least RELU_MARGIN away from the kink, where E has no slope."""
    return all((np.abs(x) >= RELU_MARGIN).all() for x in oracle.relu_inputs(case.spec, case.inputs))


@SETTINGS
@given(oracle.cases())
def test_forward_pass_and_error_match_the_oracle(case: oracle.Case) -> None:
    """x, O of every layer and E (per sample and of the batch) are the oracle's, to 1e-12."""
    trace = trace_of(case)
    xs, outs = oracle.forward(case.spec, case.inputs)
    for layer in range(1, case.spec.depth + 1):
        step = trace.forward(layer)
        np.testing.assert_allclose(step.x, xs[layer], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(step.O, outs[layer], rtol=1e-12, atol=1e-12)
    per_sample = oracle.errors(case.spec, case.inputs, case.targets)
    np.testing.assert_allclose(trace.loss.E, per_sample, rtol=1e-12, atol=1e-12)
    assert abs(trace.E - np.mean(per_sample)) <= 1e-12 * max(1.0, abs(trace.E))


def check_deltas(case: oracle.Case) -> None:
    """Every δ of the engine's trace against the oracle's ∂E_s/∂x_j."""
    trace = trace_of(case)
    numeric = oracle.numerical_deltas(case.spec, case.inputs, case.targets)
    E = float(np.max(oracle.errors(case.spec, case.inputs, case.targets)))
    for layer, delta in numeric.items():
        assert_matches(trace.delta(layer).delta, delta, E, f"δ of layer {layer}")


def check_parameter_gradients(case: oracle.Case, learning_rate: float = 0.5) -> None:
    """Every ∂E/∂W, ∂E/∂b and the update against the oracle's slopes of the batch's E."""
    trace = trace_of(case, learning_rate)
    dW, db = oracle.numerical_parameter_gradients(case.spec, case.inputs, case.targets)
    E = oracle.batch_error(case.spec, case.inputs, case.targets)
    for l in range(case.spec.depth):
        step = trace.gradient(l + 1)
        assert_matches(step.dW, dW[l], E, f"∂E/∂W of weight layer {l}")
        assert_matches(step.db, db[l], E, f"∂E/∂b of weight layer {l}")
        # The update is W − η ∂E/∂W: compare how far it moved with η times the slope.
        moved = case.spec.weights[l] - trace.updated.weights[l]
        assert_matches(moved / learning_rate, dW[l], E, f"update of weight layer {l}")
        if case.spec.bias == "trained":
            moved = case.spec.biases[l] - trace.updated.biases[l]
            assert_matches(moved / learning_rate, db[l], E, f"update of biases {l}")
        else:
            np.testing.assert_array_equal(trace.updated.biases[l], case.spec.biases[l])


@SETTINGS
@given(oracle.cases())
def test_every_delta_is_the_slope_of_E_in_x(case: oracle.Case) -> None:
    """δ_j of every node and sample equals ∂E_s/∂x_j measured by perturbing x_j alone
    and running the oracle's forward pass up from that layer."""
    assume(smooth(case))
    try:
        check_deltas(case)
    except oracle.KinkCrossed:
        assume(False)


@SETTINGS
@given(oracle.cases())
def test_every_weight_and_bias_gradient_is_the_slope_of_E(case: oracle.Case) -> None:
    """∂E/∂W_ij and ∂E/∂b_j of every layer equal the batch E's measured slope, and the
    update moves W (and trained biases) by −η times that slope (or leaves untrained
    biases exactly as they were)."""
    assume(smooth(case))
    try:
        check_parameter_gradients(case)
    except oracle.KinkCrossed:
        assume(False)


@pytest.mark.parametrize("seed", range(12))
def test_largest_networks_match_finite_differences(seed: int) -> None:
    """The same checks on seeded 5-5-5-5-5 networks with 3 samples, the largest in range,
    which Hypothesis (favouring small examples) seldom draws. A draw with a ReLU input near
    its kink is replaced by the seed's next draw."""
    rng = np.random.default_rng(seed)
    while True:
        case = oracle.random_case(rng, depth=4, width=5, samples=3)
        if not smooth(case):
            continue
        try:
            check_deltas(case)
            check_parameter_gradients(case)
        except oracle.KinkCrossed:
            continue
        break


@settings(max_examples=30, deadline=None)
@given(oracle.cases(max_depth=3, max_width=3))
def test_the_engines_gradient_check_measures_the_same_slopes(case: oracle.Case) -> None:
    """``bp_tui.engine.gradcheck`` (the check the app shows) computes the oracle's E and
    its estimates match the oracle's slopes. Its plain central difference with h = 1e-6
    is noisier (≈ ε·|E|/h ≈ 2e-10·|E|), so the floor here is ten times wider."""
    assume(smooth(case))
    network = build(case.spec)
    E = oracle.batch_error(case.spec, case.inputs, case.targets)
    assert abs(gradcheck.batch_error(network, case.inputs, case.targets) - E) <= 1e-12 * max(
        1.0, abs(E)
    )
    try:
        dW, db = oracle.numerical_parameter_gradients(case.spec, case.inputs, case.targets)
    except oracle.KinkCrossed:
        assume(False)
    est_W, est_b = gradcheck.numerical_gradients(network, case.inputs, case.targets)
    for l in range(case.spec.depth):
        assert_matches(est_W[l], dW[l], 10 * E, f"gradcheck ∂E/∂W of weight layer {l}")
        assert_matches(est_b[l], db[l], 10 * E, f"gradcheck ∂E/∂b of weight layer {l}")
