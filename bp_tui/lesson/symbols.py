"""The names of a lesson's numbers, as ``expect.values[…].of`` writes them.

A name is the lecture's symbol with the lesson's own nodes, exactly as bp-tui shows it
(:func:`bp_tui.formulas.node` and :func:`~bp_tui.formulas.weight`): the layer's label in
lower case and the node's number from 1, so node 1 of layer K is ``k1``.

=================================  =======================  ===========================
name                               ASCII spelling           what it is
=================================  =======================  ===========================
``E``                                                       the error of the iteration
``O_k1``                                                    a node's output
``x_k1``                                                    a node's weighted input
``δ_k1``                           ``delta_k1``             a node's δ = ∂E/∂x
``∂E/∂W_j1k1``                     ``dE/dW_j1k1``           a weight's gradient
``∂E/∂b_k1``                       ``dE/db_k1``             a bias's gradient
``W_j1k1``                                                  a weight, from j1 below to k1
``b_k1``                                                    a node's bias
=================================  =======================  ===========================

A weight names its lower node first. When a node number has two digits bp-tui writes a
comma between the nodes (``W_i1,j12``); a comma is always allowed, and without one the
name is read in the only way that names two nodes of the lesson. A label that ends in a
digit takes a dot before the node number (layer ``H1``: ``h1.1``). Letters may be in
either case: ``O_K1`` is ``O_k1``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from bp_tui.formulas import node, weight

#: The kinds of number, each with the prefixes that name it (the lecture's first).
PREFIXES: dict[str, tuple[str, ...]] = {
    "∂E/∂W": ("∂E/∂W_", "dE/dW_"),
    "∂E/∂b": ("∂E/∂b_", "dE/db_"),
    "δ": ("δ_", "delta_"),
    "O": ("O_",),
    "x": ("x_",),
    "W": ("W_",),
    "b": ("b_",),
}
#: Kinds that name one weight (two nodes) rather than one node.
WEIGHT_KINDS = frozenset({"W", "∂E/∂W"})
#: Kinds whose value is a parameter of the network (read after ``after`` updates, not
#: computed in an iteration).
PARAMETER_KINDS = frozenset({"W", "b"})
#: Kinds that belong to one sample of an iteration (a batch has one per sample).
PER_SAMPLE_KINDS = frozenset({"E", "O", "x", "δ"})

#: The syntax of a name, for the JSON Schema and the first check; :func:`parse_symbol`
#: then checks the nodes against the lesson.
SYMBOL_PATTERN = (
    "E|(?:"
    + "|".join(p.removesuffix("_") for ps in PREFIXES.values() for p in ps)
    + r")_[A-Za-z0-9.,]+"
)
#: How messages describe a name.
SYMBOL_EXAMPLES = "E, O_k1, x_k1, δ_k1, ∂E/∂W_j1k1, ∂E/∂b_k1, W_j1k1 or b_k1"

_NUMBER = re.compile(r"[0-9]+")


class SymbolError(ValueError):
    """A name that is well formed but names nothing in this lesson; ``str`` is the message."""


@dataclass(frozen=True)
class Quantity:
    """One number of a lesson, parsed from its name.

    ``layer`` is the node layer (0 the input layer) of the node; for a weight it is the
    upper layer, ``node`` the upper node j and ``below`` the lower node i (in layer
    ``layer − 1``). Node numbers here count from 0. ``symbol`` is the name as bp-tui
    writes it, whichever spelling the lesson used.
    """

    kind: str  # "E", "O", "x", "δ", "∂E/∂W", "∂E/∂b", "W" or "b"
    symbol: str
    layer: int = 0
    node: int = 0
    below: int = 0


def _layer_list(labels: Sequence[str], last: str = "and") -> str:
    names = list(labels)
    return f"{', '.join(names[:-1])} {last} {names[-1]}" if len(names) > 1 else names[0]


def _nodes_of(label: str, size: int) -> str:
    if size <= 4:
        return ", ".join(node(label, i) for i in range(size))
    return f"{node(label, 0)} to {node(label, size - 1)}"


def _read_node(text: str, labels: Sequence[str]) -> list[tuple[int, int]]:
    """Every (layer, number from 1) that ``text`` can name, ignoring the layers' sizes."""
    found = []
    low = text.lower()
    for layer, label in enumerate(labels):
        base = label.lower()
        if base[-1:].isdigit():
            base += "."
        if low.startswith(base) and _NUMBER.fullmatch(low[len(base) :]):
            found.append((layer, int(low[len(base) :])))
    return found


def _check_number(layer: int, number: int, labels: Sequence[str], sizes: Sequence[int]) -> int:
    """The node's index from 0, or a :class:`SymbolError` when the layer has no such node."""
    label, size = labels[layer], sizes[layer]
    name = f"{label.lower()}{'.' if label[-1:].isdigit() else ''}{number}"
    if 1 <= number <= size:
        return number - 1
    count = f"{size} node{'s' * (size != 1)}"
    first = "; nodes are numbered from 1" if number == 0 else ""
    raise SymbolError(
        f"no node {name} in layer {label} ({label} has {count}: {_nodes_of(label, size)}{first})"
    )


def _one_node(text: str, labels: Sequence[str], sizes: Sequence[int]) -> tuple[int, int]:
    found = _read_node(text, labels)
    if not found:
        raise SymbolError(
            f"no node {text} in this network (expected a layer's label in lower case and a "
            f"node number, such as {node(labels[-1], 0)}; the layers are "
            f"{_layer_list(labels)})"
        )
    if len(found) > 1:
        layers = " or ".join(labels[layer] for layer, _ in found)
        raise SymbolError(
            f"{text} could be a node of {layers} (expected a name that fits one layer only, "
            f"got labels that differ only in case); give the layers labels that differ in "
            f"more than case"
        )
    layer, number = found[0]
    return layer, _check_number(layer, number, labels, sizes)


def _weight(text: str, labels: Sequence[str], sizes: Sequence[int]) -> tuple[int, int, int]:
    """(upper layer, j, i) of the weight named ``text`` (the part after ``W_``)."""
    if text.count(",") > 1:
        raise SymbolError(f"W_{text} has more than one comma (expected two nodes, such as W_j1,k1)")
    if "," in text:
        splits = [text.split(",")]
    else:
        splits = [[text[:n], text[n:]] for n in range(1, len(text))]
    readings = [
        (lower, upper)
        for first, second in splits
        for lower in _read_node(first, labels)
        for upper in _read_node(second, labels)
    ]
    example = weight(labels[-2], 0, labels[-1], 0)
    if not readings:
        raise SymbolError(
            f"W_{text} does not name two nodes of this network (expected W_ then the node "
            f"below and the node above, such as {example}; the layers are "
            f"{_layer_list(labels)})"
        )
    upward = [(lo, up) for lo, up in readings if up[0] == lo[0] + 1]
    if len(upward) > 1:
        names = " or ".join(
            weight(labels[lo[0]], lo[1] - 1, labels[up[0]], up[1] - 1) for lo, up in upward
        )
        raise SymbolError(
            f"W_{text} could be {names} (expected one reading); write a comma between the two nodes"
        )
    if not upward:
        (lo_layer, lo_n), (up_layer, up_n) = readings[0]
        lo_name = node(labels[lo_layer], lo_n - 1)
        up_name = node(labels[up_layer], up_n - 1)
        if lo_layer == up_layer + 1:
            raise SymbolError(
                f"W_{text} goes from {labels[lo_layer]} down to {labels[up_layer]} (expected "
                f"the node below first: W_ij is the weight from node i below to node j "
                f"above); write W_{up_name}{lo_name}"
            )
        pairs = ", ".join(f"{a} → {b}" for a, b in pairwise(labels))
        raise SymbolError(
            f"no weight joins {lo_name} and {up_name} (expected nodes of adjacent layers: "
            f"{pairs}; got nodes of {labels[lo_layer]} and {labels[up_layer]})"
        )
    (lo_layer, lo_n), (up_layer, up_n) = upward[0]
    i = _check_number(lo_layer, lo_n, labels, sizes)
    j = _check_number(up_layer, up_n, labels, sizes)
    return up_layer, j, i


def split_prefix(text: str) -> tuple[str, str] | None:
    """(kind, the rest) of a name that starts with a known prefix, else ``None``."""
    for kind, prefixes in PREFIXES.items():
        for prefix in prefixes:
            if text.startswith(prefix):
                return kind, text[len(prefix) :]
    return None


def parse_symbol(
    text: str, labels: Sequence[str], sizes: Sequence[int], biased: bool = True
) -> Quantity:
    """The number ``text`` names in a network with these layer ``labels`` and ``sizes``.

    ``biased`` is False for a network without biases (``bias: none``), which has no
    ``b`` to name. Raises :class:`SymbolError` with a message for a teacher.
    """
    if text == "E":
        return Quantity("E", "E")
    split = split_prefix(text)
    if split is None:
        raise SymbolError(f"not a name bp-tui knows (expected {SYMBOL_EXAMPLES}, got {text})")
    kind, rest = split
    shown = PREFIXES[kind][0]
    if kind in WEIGHT_KINDS:
        layer, j, i = _weight(rest, labels, sizes)
        name = weight(labels[layer - 1], i, labels[layer], j)
        symbol = name if kind == "W" else f"∂E/∂{name}"
        return Quantity(kind, symbol, layer, j, i)
    layer, index = _one_node(rest, labels, sizes)
    name = node(labels[layer], index)
    if layer == 0 and kind != "O":
        what = {"x": "x", "δ": "δ", "b": "bias", "∂E/∂b": "bias"}[kind]
        why = {
            "x": "its O is the sample's input itself",
            "δ": "backpropagation stops at the weights above it",
        }.get(kind, "biases belong to the layers above it")
        above = _layer_list(labels[1:], "or")
        raise SymbolError(
            f"the input layer {labels[0]} has no {what}: {why} (expected a node of "
            f"{above}, got {name})"
        )
    if kind in ("b", "∂E/∂b") and not biased:
        raise SymbolError(
            f"the network has no biases (expected network.bias: fixed or trained, got bias: "
            f"none, so there is no b_{name})"
        )
    return Quantity(kind, f"{shown}{name}", layer, index)
