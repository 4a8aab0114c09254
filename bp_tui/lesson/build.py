"""Turn a checked lesson into engine objects: weights, samples, schedule, :class:`Lesson`.

Everything random is drawn from ``numpy.random.default_rng(seed)``, so a lesson gives
the same numbers on every run and every machine:

- ``init``: one generator for the whole network; the matrices are drawn layer by layer,
  input side first, each of shape (nodes below, nodes above) in row-major order.
  ``uniform``: ``rng.uniform(low, high, shape)``; ``normal``: ``rng.normal(0, std,
  shape)``; ``xavier``: ``rng.uniform(-a, a, shape)`` with a = sqrt(6 / (below + above)).
- ``data: {generator: random}``: inputs ``rng.random((samples, input nodes))``, then the
  classes ``rng.integers(0, output nodes, size=samples)``, each target one-hot.
"""

from __future__ import annotations

import math
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from bp_tui.engine import BiasMode, Mode, Network, Schedule
from bp_tui.engine.network import Array
from bp_tui.lesson.errors import Problems
from bp_tui.lesson.model import Expectations, ExpectedValue, Lesson
from bp_tui.lesson.rules import locate
from bp_tui.lesson.source import Node
from bp_tui.lesson.symbols import parse_symbol
from bp_tui.lesson.validate import Record


def draw_weights(init: dict[str, Any], layers: list[int]) -> list[Array]:
    """The initial weight matrices that ``init`` draws for a network of ``layers``."""
    rng = np.random.default_rng(init["seed"])
    weights = []
    for below, above in pairwise(layers):
        shape = (below, above)
        if init["scheme"] == "uniform":
            w = rng.uniform(init["low"], init["high"], shape)
        elif init["scheme"] == "normal":
            w = rng.normal(0.0, init["std"], shape)
        else:
            limit = math.sqrt(6.0 / (below + above))
            w = rng.uniform(-limit, limit, shape)
        weights.append(w)
    return weights


def random_samples(generator: dict[str, Any], layers: list[int]) -> tuple[Array, Array]:
    """Inputs uniform in [0, 1) and one-hot targets with a random class, from one seed."""
    n = generator["samples"]
    rng = np.random.default_rng(generator["seed"])
    inputs = rng.random((n, layers[0]))
    classes = rng.integers(0, layers[-1], size=n)
    targets = np.zeros((n, layers[-1]))
    targets[np.arange(n), classes] = 1.0
    return inputs, targets


def _read_only(values: Any) -> Array:
    array = np.array(values, dtype=np.float64)
    array.flags.writeable = False
    return array


def build_lesson(doc: Record, root: Node, path: Path | None, problems: Problems) -> Lesson:
    """The :class:`Lesson` of a lesson that passed every check."""
    net, training = doc["network"], doc["training"]
    layers: list[int] = net["layers"]
    if "weights" in net.given:
        weights = [np.array(w, dtype=np.float64) for w in net["weights"]]
    else:
        with np.errstate(all="ignore"):
            weights = draw_weights(net["init"], layers)
        if not all(np.isfinite(w).all() for w in weights):
            node = locate(root, ("network", "init"))
            problems.add(
                "network.init",
                "drew weights too large for a number (expected finite weights, got "
                "infinite ones); use a smaller range",
                node.line,
                node.column,
            )
            problems.raise_if_any()
    data = doc["data"]
    if isinstance(data, list):
        inputs = _read_only([sample["input"] for sample in data])
        targets = _read_only([sample["target"] for sample in data])
    else:
        drawn = random_samples(data, layers)
        inputs, targets = _read_only(drawn[0]), _read_only(drawn[1])
    network = Network.build(
        weights,
        activations=net["activation"],
        loss=doc["loss"],
        bias=net["bias"],
        biases=net.get("biases"),
        labels=net.get("labels"),
    )
    return Lesson(
        path=path,
        title=doc["title"],
        summary=doc["summary"],
        network=network,
        inputs=inputs,
        targets=targets,
        learning_rate=float(training["learning_rate"]),
        epochs=training["epochs"],
        schedule=Schedule(len(inputs), Mode(training["mode"]), training.get("batch_size")),
        expect=build_expectations(doc, root, network),
        quiz_tolerance=float(doc["quiz"]["tolerance"]) if "quiz" in doc.given else 1e-3,
    )


def build_expectations(doc: Record, root: Node, network: Network) -> Expectations:
    """The checked ``expect`` block, each value's name parsed against ``network``."""
    expect = doc.get("expect") or {}
    place = None
    if "final_loss_below" in expect:
        node = locate(root, ("expect", "final_loss_below"))
        place = (node.line, node.column)
    biased = network.bias is not BiasMode.NONE
    values = []
    for index, item in enumerate(expect.get("values") or ()):
        node = locate(root, ("expect", "values", index))
        sample = item.get("sample")
        values.append(
            ExpectedValue(
                index=index,
                of=parse_symbol(item["of"], network.labels, network.sizes, biased),
                value=float(item["value"]),
                tolerance=float(item.get("tolerance", expect["tolerance"])),
                after=item.get("after", 0),
                after_epochs=item.get("after_epochs"),
                sample=None if sample is None else sample - 1,
                line=node.line,
                column=node.column,
            )
        )
    return Expectations(
        final_loss_below=expect.get("final_loss_below"),
        values=tuple(values),
        final_loss_place=place,
    )
