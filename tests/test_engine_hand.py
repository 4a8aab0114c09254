"""Backpropagation worked by hand, with ``math.exp`` and plain floats, against the engine.

The arithmetic below follows the lecture's formulas one line at a time, the way a student
would do it on paper; the engine must reproduce every intermediate number. The 2-2-2
case is Matt Mazur's published worked example ("A Step by Step Backpropagation Example",
2015), so its published figures are asserted too, to the digits he printed.
"""

from __future__ import annotations

import math

import numpy as np

from bp_tui.engine import Network, trace_iteration


def sigma(x: float) -> float:
    """σ(x) = 1 / (1 + e^(−x))."""
    return 1.0 / (1.0 + math.exp(-x))


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)


def test_one_neuron_chain_rule() -> None:
    """One input, one sigmoid output, no bias: ∂E/∂w = ∂E/∂O · ∂O/∂x · ∂x/∂w, by hand."""
    O_i, w, t, eta = 1.5, 0.8, 0.2, 0.5
    x = O_i * w  # x = O_i w = 1.2
    O = sigma(x)  # O = σ(1.2) ≈ 0.768525
    E = 0.5 * (O - t) ** 2
    dE_dO = O - t  # ∂E/∂O of ½(O − t)²
    dO_dx = O * (1.0 - O)  # σ'(x) = O(1 − O)
    delta = dE_dO * dO_dx  # δ = ∂E/∂x
    dE_dw = O_i * delta  # ∂x/∂w = O_i
    w_after = w - eta * dE_dw

    trace = trace_iteration(Network.build([[[w]]]), np.array([[O_i]]), np.array([[t]]), eta)
    assert close(trace.forward(1).x[0, 0], x)
    assert close(trace.forward(1).O[0, 0], O)
    assert close(trace.E, E)
    assert close(trace.delta(1).delta[0, 0], delta)
    assert close(trace.gradient(1).dW[0, 0], dE_dw)
    assert close(trace.updated.weights[0][0, 0], w_after)
    # The same numbers, rounded, as a calculator shows them: σ(1.2) = 0.76852478,
    # δ = 0.56852478 × 0.17789444 = 0.10113740, ∂E/∂w = 1.5 δ = 0.15170610, w⁺ = 0.72414695.
    assert abs(O - 0.76852478) < 5e-9
    assert abs(delta - 0.10113740) < 5e-9
    assert abs(dE_dw - 0.15170610) < 5e-9
    assert abs(w_after - 0.72414695) < 5e-9


class TestMazur222:
    """Inputs 0.05, 0.10; targets 0.01, 0.99; fixed biases 0.35 (hidden) and 0.60 (output);
    η = 0.5. W_IJ[i][j] joins input i to hidden node j; W_JK[j][k] hidden j to output k."""

    O_I = (0.05, 0.10)
    t = (0.01, 0.99)
    W_IJ = ((0.15, 0.25), (0.20, 0.30))
    W_JK = ((0.40, 0.50), (0.45, 0.55))
    b_J, b_K = 0.35, 0.60
    eta = 0.5

    def by_hand(self) -> dict[str, object]:
        """The whole iteration, following the lecture's formulas one step at a time."""
        O_I, t, W_IJ, W_JK = self.O_I, self.t, self.W_IJ, self.W_JK
        # Forward, hidden layer J: x_j = Σ_i O_i W_ij + b_j, O_j = σ(x_j).
        x_J = [O_I[0] * W_IJ[0][j] + O_I[1] * W_IJ[1][j] + self.b_J for j in range(2)]
        O_J = [sigma(x) for x in x_J]
        # Forward, output layer K: x_k = Σ_j O_j W_jk + b_k, O_k = σ(x_k).
        x_K = [O_J[0] * W_JK[0][k] + O_J[1] * W_JK[1][k] + self.b_K for k in range(2)]
        O_K = [sigma(x) for x in x_K]
        # Error: E = ½ Σ_k (O_k − t_k)².
        E = 0.5 * (O_K[0] - t[0]) ** 2 + 0.5 * (O_K[1] - t[1]) ** 2
        # Output layer: δ_k = O_k (1 − O_k)(O_k − t_k); ∂E/∂W_jk = O_j δ_k.
        d_K = [O_K[k] * (1.0 - O_K[k]) * (O_K[k] - t[k]) for k in range(2)]
        g_JK = [[O_J[j] * d_K[k] for k in range(2)] for j in range(2)]
        # Hidden layer, with the weights W_jk from before the update:
        # Σ_k δ_k W_jk, then δ_j = O_j (1 − O_j) Σ_k δ_k W_jk; ∂E/∂W_ij = O_i δ_j.
        back = [d_K[0] * W_JK[j][0] + d_K[1] * W_JK[j][1] for j in range(2)]
        d_J = [O_J[j] * (1.0 - O_J[j]) * back[j] for j in range(2)]
        g_IJ = [[O_I[i] * d_J[j] for j in range(2)] for i in range(2)]
        # Update: W ← W − η ∂E/∂W; the fixed biases stay.
        eta = self.eta
        W_JK_after = [[W_JK[j][k] - eta * g_JK[j][k] for k in range(2)] for j in range(2)]
        W_IJ_after = [[W_IJ[i][j] - eta * g_IJ[i][j] for j in range(2)] for i in range(2)]
        return {
            "x_J": x_J,
            "O_J": O_J,
            "x_K": x_K,
            "O_K": O_K,
            "E": E,
            "d_K": d_K,
            "g_JK": g_JK,
            "back": back,
            "d_J": d_J,
            "g_IJ": g_IJ,
            "W_JK_after": W_JK_after,
            "W_IJ_after": W_IJ_after,
        }

    def trace(self):
        network = Network.build(
            [self.W_IJ, self.W_JK],
            activations="sigmoid",
            loss="mse",
            bias="fixed",
            biases=[[self.b_J, self.b_J], [self.b_K, self.b_K]],
        )
        return trace_iteration(network, np.array([self.O_I]), np.array([self.t]), self.eta)

    def test_engine_computes_every_number_of_the_hand_calculation(self) -> None:
        """Each intermediate value of the engine's trace is the hand-computed one."""
        hand, trace = self.by_hand(), self.trace()

        def same(array: np.ndarray, values: list) -> None:
            np.testing.assert_allclose(array, np.array(values), rtol=1e-12, atol=1e-15)

        same(trace.forward(1).x[0], hand["x_J"])
        same(trace.forward(1).O[0], hand["O_J"])
        same(trace.forward(2).x[0], hand["x_K"])
        same(trace.forward(2).O[0], hand["O_K"])
        assert close(trace.E, hand["E"])
        same(trace.delta(2).delta[0], hand["d_K"])
        same(trace.gradient(2).dW, hand["g_JK"])
        same(trace.delta(1).back_sum[0], hand["back"])
        same(trace.delta(1).delta[0], hand["d_J"])
        same(trace.gradient(1).dW, hand["g_IJ"])
        same(trace.updated.weights[1], hand["W_JK_after"])
        same(trace.updated.weights[0], hand["W_IJ_after"])
        same(trace.updated.biases[0], [self.b_J, self.b_J])
        same(trace.updated.biases[1], [self.b_K, self.b_K])

    def test_hand_calculation_gives_mazurs_published_figures(self) -> None:
        """The published numbers, to the digits printed (one unit of the last digit).

        Mazur's names: out_h1 = O_J[0], out_o1 = O_K[0], w5 = W_JK[0][0], w1 = W_IJ[0][0],
        w2 = W_IJ[1][0] (input 2 to hidden 1), w6 = W_JK[1][0] (hidden 2 to output 1).
        """
        hand = self.by_hand()

        def published(value: float, figure: str) -> None:
            decimals = len(figure.split(".")[1])
            assert abs(value - float(figure)) <= 10.0**-decimals, (value, figure)

        published(hand["O_J"][0], "0.593269992")  # out_h1
        published(hand["O_J"][1], "0.596884378")  # out_h2
        published(hand["O_K"][0], "0.75136507")  # out_o1
        published(hand["O_K"][1], "0.772928465")  # out_o2
        published(hand["E"], "0.298371109")  # E_total
        published(hand["g_JK"][0][0], "0.082167041")  # ∂E_total/∂w5
        published(hand["W_JK_after"][0][0], "0.35891648")  # w5⁺
        published(hand["W_JK_after"][1][0], "0.408666186")  # w6⁺
        published(hand["W_JK_after"][0][1], "0.511301270")  # w7⁺
        published(hand["W_JK_after"][1][1], "0.561370121")  # w8⁺
        published(hand["back"][0], "0.036350306")  # ∂E_total/∂out_h1
        published(hand["g_IJ"][0][0], "0.000438568")  # ∂E_total/∂w1
        published(hand["W_IJ_after"][0][0], "0.149780716")  # w1⁺
        published(hand["W_IJ_after"][1][0], "0.19956143")  # w2⁺
        published(hand["W_IJ_after"][0][1], "0.24975114")  # w3⁺
        published(hand["W_IJ_after"][1][1], "0.29950229")  # w4⁺

    def test_engine_gives_mazurs_published_figures(self) -> None:
        """The engine's own E and updated W_jk, W_ij, to the published digits."""
        trace = self.trace()
        assert abs(trace.E - 0.298371109) <= 1e-9
        assert abs(trace.updated.weights[1][0, 0] - 0.35891648) <= 1e-8
        assert abs(trace.updated.weights[0][0, 0] - 0.149780716) <= 1e-9
