"""The network: layer sizes, weights, biases, activations and a loss, as plain numpy.

Weight convention of the lecture: ``weights[l][i, j]`` is W_ij, the weight from node i of
layer l (the lower layer) to node j of layer l + 1. Layer 0 is the input layer; its
outputs are the sample's inputs. For every later layer the forward pass is

    x_j = Σ_i O_i W_ij (+ b_j)        O_j = f(x_j)

A :class:`Network` is immutable: its arrays are read-only, and an update returns a new
network. That is what lets a trace keep the weights an iteration began with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from bp_tui.engine.activations import ACTIVATIONS, Activation
from bp_tui.engine.losses import LOSSES, Loss

Array = np.ndarray

#: Default layer letters, taken from the end of this list: the lecture names the output
#: layer K and walks down J, I, N; deeper networks continue with M, L, H, G, ...
LECTURE_LETTERS: tuple[str, ...] = tuple("ABCDEFGHLMNIJK")


class BiasMode(StrEnum):
    """``none`` as in the lecture, ``fixed`` (used, never updated) or ``trained``."""

    NONE = "none"
    FIXED = "fixed"
    TRAINED = "trained"


def default_labels(n_layers: int) -> tuple[str, ...]:
    """The lecture's letters for ``n_layers`` layers: I, J, K for three, N, I, J, K for four."""
    if not 2 <= n_layers <= len(LECTURE_LETTERS):
        raise ValueError(f"default labels exist for 2 to {len(LECTURE_LETTERS)} layers")
    return LECTURE_LETTERS[-n_layers:]


def frozen(array: Array | Sequence) -> Array:
    """A read-only float64 copy of ``array``."""
    out = np.array(array, dtype=np.float64, copy=True)
    out.flags.writeable = False
    return out


def forward(
    weights: Sequence[Array],
    biases: Sequence[Array] | None,
    activations: Sequence[Activation],
    inputs: Array,
) -> tuple[list[Array], list[Array]]:
    """x and O of every layer, x_j = Σ_i O_i W_ij + b_j and O_j = f(x_j), for a batch.

    ``biases`` may be ``None`` for a network without biases: adding their zeros would
    change nothing but the time taken.
    """
    o = inputs
    if not (isinstance(o, np.ndarray) and o.ndim == 2 and o.dtype == np.float64):
        o = np.atleast_2d(np.asarray(inputs, dtype=np.float64))
    xs, outputs = [o], [o]
    for layer, (w, act) in enumerate(zip(weights, activations, strict=True)):
        x = o @ w
        if biases is not None:
            x += biases[layer]  # in place: the same sum, without a second array
        o = act.function(x)
        xs.append(x)
        outputs.append(o)
    return xs, outputs


@dataclass(frozen=True, eq=False)
class Network:
    """A fully connected feed-forward network in the lecture's notation.

    ``sizes[0]`` is the input layer; ``weights[l]`` has shape (sizes[l], sizes[l + 1]);
    ``biases[l]`` has shape (sizes[l + 1],) and is all zeros when ``bias`` is ``none``;
    ``activations[l]`` is the activation of layer l + 1.
    """

    sizes: tuple[int, ...]
    weights: tuple[Array, ...]
    biases: tuple[Array, ...]
    activations: tuple[Activation, ...]
    loss: Loss
    bias: BiasMode = BiasMode.NONE
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        n = len(self.sizes)
        if n < 2:
            raise ValueError("a network needs an input layer and at least one more")
        if not self.labels:
            object.__setattr__(self, "labels", default_labels(n))
        if len(self.labels) != n:
            raise ValueError(f"{len(self.labels)} labels for {n} layers")
        if not (len(self.weights) == len(self.biases) == len(self.activations) == n - 1):
            raise ValueError("weights, biases and activations need one entry per weight layer")
        for layer, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            if w.shape != (self.sizes[layer], self.sizes[layer + 1]):
                raise ValueError(f"weights[{layer}] has shape {w.shape}")
            if b.shape != (self.sizes[layer + 1],):
                raise ValueError(f"biases[{layer}] has shape {b.shape}")
        for act in self.activations[:-1]:
            if act.output_only:
                raise ValueError(f"{act.name} can only be the output layer's activation")
        if self.activations[-1].name not in self.loss.output_activations:
            raise ValueError(
                f"loss {self.loss.name} does not work with a {self.activations[-1].name} output"
            )

    @classmethod
    def build(
        cls,
        weights: Sequence[Array | Sequence],
        activations: str | Sequence[str] = "sigmoid",
        loss: str = "mse",
        bias: BiasMode | str = BiasMode.NONE,
        biases: Sequence[Array | Sequence] | None = None,
        labels: Sequence[str] | None = None,
    ) -> Network:
        """A network from plain lists: activation and loss by name, missing biases as zeros."""
        ws = tuple(frozen(w) for w in weights)
        sizes = (ws[0].shape[0], *(w.shape[1] for w in ws))
        names = [activations] * len(ws) if isinstance(activations, str) else list(activations)
        if biases is None:
            bs = tuple(frozen(np.zeros(w.shape[1])) for w in ws)
        else:
            bs = tuple(frozen(b) for b in biases)
        return cls(
            sizes=sizes,
            weights=ws,
            biases=bs,
            activations=tuple(ACTIVATIONS[name] for name in names),
            loss=LOSSES[loss],
            bias=BiasMode(bias),
            labels=tuple(labels) if labels else (),
        )

    @property
    def depth(self) -> int:
        """The number of weight layers (one fewer than the number of node layers)."""
        return len(self.weights)

    def forward(self, inputs: Array) -> tuple[list[Array], list[Array]]:
        """x and O of every layer for a batch of inputs, shape (samples, nodes).

        ``xs[l]`` and ``outputs[l]`` belong to node layer l; for the input layer (l = 0)
        both are the inputs themselves.
        """
        return forward(self.weights, self.biases, self.activations, inputs)

    def predict(self, inputs: Array) -> Array:
        """The output layer's O for a batch of inputs."""
        return self.forward(inputs)[1][-1]

    def with_parameters(self, weights: Sequence[Array], biases: Sequence[Array]) -> Network:
        """The same network with new weights and biases."""
        return Network(
            sizes=self.sizes,
            weights=tuple(frozen(w) for w in weights),
            biases=tuple(frozen(b) for b in biases),
            activations=self.activations,
            loss=self.loss,
            bias=self.bias,
            labels=self.labels,
        )
