"""The rules that relate one part of a lesson to another, and the size limits.

:mod:`bp_tui.lesson.validate` has checked each value on its own; here the values are
compared with each other: matrix shapes against ``layers``, activations against the
loss, samples against the input and output layers, the amount of training against the
limits. A rule is skipped when a value it needs is itself invalid, so one mistake gives
one message. Nothing here allocates anything the size of the network or the data.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any

from bp_tui.engine import ACTIVATIONS, LOSSES, BiasMode, default_labels
from bp_tui.lesson.errors import FieldPath, Problems, field_name
from bp_tui.lesson.limits import MAX_DATA_VALUES, MAX_WEIGHTS, MAX_WORK
from bp_tui.lesson.source import LIST, MAPPING, Node
from bp_tui.lesson.symbols import (
    PARAMETER_KINDS,
    PER_SAMPLE_KINDS,
    Quantity,
    SymbolError,
    parse_symbol,
)
from bp_tui.lesson.validate import INVALID, Record, ok


def count_weights(layers: list[int]) -> int:
    """Weights of a fully connected network with these layer sizes."""
    return sum(a * b for a, b in pairwise(layers))


def locate(root: Node, where: FieldPath) -> Node:
    """The node at ``where``, or the deepest node on the way there that exists."""
    node = root
    for part in where:
        if isinstance(part, int) and node.kind == LIST and part < len(node.value):
            node = node.value[part]
        elif isinstance(part, str) and node.kind == MAPPING:
            found = next((v for k, v in node.value if k.text == part), None)
            if found is None:
                return node
            node = found
        else:
            return node
    return node


def _values(n: int, noun: str = "value", plural: str = "") -> str:
    """A count with its noun: 1 value, 3 values, 2 matrices."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


class Rules:
    """Checks a structurally valid lesson :class:`Record` against its own parts."""

    def __init__(self, doc: Record, root: Node, problems: Problems) -> None:
        self.doc = doc
        self.root = root
        self.problems = problems
        network = doc.get("network")
        self.net: Record = network if isinstance(network, Record) else Record()
        layers = self.net.get("layers")
        self.layers: list[int] | None = layers if layers is not None and ok(layers) else None
        self.names: tuple[str, ...] = ()
        self.weight_count = 0

    def add(self, where: FieldPath, message: str) -> None:
        node = locate(self.root, where)
        self.problems.add(field_name(where), message, node.line, node.column)

    def run(self) -> None:
        """Check every rule whose inputs are valid."""
        if self.layers is not None:
            self.check_labels()
            self.check_size()
            self.check_weights()
            self.check_biases()
        self.check_activations()
        self.check_init()
        n_samples = self.check_data()
        if n_samples is not None:
            self.check_training(n_samples)
        self.check_expect()
        self.check_expected_values(n_samples)

    # --- the network -----------------------------------------------------------------

    def node_of(self, layer: int) -> str:
        """The words "one per node of K, the output layer" for a layer."""
        assert self.layers is not None
        role = ""
        if layer == 0:
            role = ", the input layer"
        elif layer == len(self.layers) - 1:
            role = ", the output layer"
        return f"one per node of {self.names[layer]}{role}"

    def check_labels(self) -> None:
        assert self.layers is not None
        n = len(self.layers)
        labels = self.net.get("labels")
        if "labels" in self.net.given and labels is not INVALID and ok(labels):
            if len(labels) == n:
                self.names = tuple(labels)
                return
            self.add(
                ("network", "labels"),
                f"one label per layer (expected {n} labels, for layers {self.layers}, "
                f"got {len(labels)})",
            )
        self.names = default_labels(n)

    def check_size(self) -> None:
        assert self.layers is not None
        self.weight_count = count_weights(self.layers)
        if self.weight_count > MAX_WEIGHTS:
            shape = "-".join(str(n) for n in self.layers)
            self.add(
                ("network", "layers"),
                f"too many weights (expected at most {MAX_WEIGHTS:,} weights in all, got "
                f"{self.weight_count:,} for {shape}); use fewer or smaller layers",
            )

    def pairs(self) -> str:
        return ", ".join(f"{a}→{b}" for a, b in pairwise(self.names))

    def check_weights(self) -> None:
        assert self.layers is not None
        weights = self.net.get("weights")
        if "weights" not in self.net.given or weights is INVALID:
            return
        layers = self.layers
        if len(weights) != len(layers) - 1:
            self.add(
                ("network", "weights"),
                f"one matrix per pair of adjacent layers (expected "
                f"{_values(len(layers) - 1, 'matrix', 'matrices')}, for "
                f"{self.pairs()}, got {len(weights)})",
            )
            return
        for l, matrix in enumerate(weights):
            if matrix is not INVALID:
                self.check_matrix(l, matrix)

    def check_matrix(self, l: int, matrix: list[Any]) -> None:
        assert self.layers is not None
        rows, cols = self.layers[l], self.layers[l + 1]
        where = ("network", "weights", l)
        lengths = [len(row) for row in matrix if row is not INVALID]
        if len(matrix) == rows and all(n == cols for n in lengths):
            return
        below, above = self.names[l], self.names[l + 1]
        what = f"must be {rows}×{cols}: {rows} nodes in {below} to {cols} nodes in {above}"
        expected = f"{rows} row{'s' * (rows != 1)} of {_values(cols, 'number')}"
        if len(lengths) == len(matrix) and len(set(lengths)) == 1:
            got = f"{len(matrix)}×{lengths[0]}"
            hint = ""
            if (len(matrix), lengths[0]) == (cols, rows):
                hint = f"; it looks transposed: write one row per node of {below}"
            self.add(where, f"{what} (expected {expected}, got {got}){hint}")
            return
        if len(matrix) != rows:
            self.add(where, f"{what} (expected {expected}, got {len(matrix)} rows)")
        for i, row in enumerate(matrix):
            if row is not INVALID and len(row) != cols:
                self.add(
                    (*where, i),
                    f"must have {_values(cols, 'number')}, one per node of {above} "
                    f"(expected {_values(cols, 'number')}, got {len(row)})",
                )

    def check_biases(self) -> None:
        assert self.layers is not None
        biases = self.net.get("biases")
        if "biases" not in self.net.given or biases is INVALID:
            return
        layers = self.layers
        if len(biases) != len(layers) - 1:
            self.add(
                ("network", "biases"),
                f"one list per non-input layer (expected {len(layers) - 1} lists, for "
                f"{', '.join(self.names[1:])}, got {len(biases)})",
            )
            return
        for l, values in enumerate(biases):
            n = layers[l + 1]
            if values is not INVALID and len(values) != n:
                self.add(
                    ("network", "biases", l),
                    f"must have {_values(n)}, {self.node_of(l + 1)} "
                    f"(expected {_values(n, 'number')}, got {len(values)})",
                )

    def check_activations(self) -> None:
        act = self.net.get("activation")
        if act is None or not ok(act):
            return
        given = "activation" in self.net.given
        where: FieldPath = ("network", "activation")
        if isinstance(act, list):
            if self.layers is not None and len(act) != len(self.layers) - 1:
                self.add(
                    where,
                    f"one name per non-input layer (expected {len(self.layers) - 1} names, "
                    f"for {', '.join(self.names[1:])}, got {len(act)})",
                )
                return
            for i, name in enumerate(act[:-1]):
                if ACTIVATIONS[name].output_only:
                    self.add(
                        (*where, i),
                        f"{name} only works in the output layer (expected an activation for "
                        f"a hidden layer: {', '.join(_hidden_activations())}, got {name})",
                    )
            out, out_where = act[-1], (*where, len(act) - 1)
        else:
            if ACTIVATIONS[act].output_only and self.layers is not None and len(self.layers) > 2:
                hidden = ", ".join(self.names[1:-1])
                self.add(
                    where,
                    f"{act} only works in the output layer (expected an activation the hidden "
                    f"layers can use too, got {act} for {hidden} as well); give one per layer, "
                    f"e.g. activation: [sigmoid, {act}]",
                )
            out, out_where = act, where
        self.check_output(out, out_where if given else ("loss",))

    def check_output(self, out: str, where: FieldPath) -> None:
        loss = self.doc.get("loss")
        if loss is None or loss is INVALID or out in LOSSES[loss].output_activations:
            return
        allowed = ", ".join(sorted(LOSSES[loss].output_activations))
        others = [name for name, other in LOSSES.items() if out in other.output_activations]
        hint = f"use loss: {others[0]}, or " if others else ""
        self.add(
            where,
            f"loss {loss} does not work with a {out} output (expected an output activation "
            f"among {allowed}, got {out}); {hint}change the output layer's activation",
        )

    def check_init(self) -> None:
        init = self.net.get("init")
        if not isinstance(init, dict) or init.get("scheme") != "uniform" or not ok(init):
            return
        low, high = init["low"], init["high"]
        if not low < high:
            self.add(
                ("network", "init", "high"),
                f"must be more than low (expected a number > {low:g}, got {high:g})",
            )
        elif not math.isfinite(high - low):
            self.add(
                ("network", "init", "high"),
                f"too far from low (expected high − low to be a finite number, "
                f"got {high:g} − {low:g})",
            )

    # --- the data ---------------------------------------------------------------------

    def check_data(self) -> int | None:
        """Check the samples; their number, or ``None`` when it is not known."""
        data = self.doc.get("data")
        if data is None or data is INVALID:
            return None
        if isinstance(data, list):
            n = len(data)
            if self.layers is not None:
                for i, sample in enumerate(data):
                    if isinstance(sample, dict):
                        self.check_sample(i, sample)
            where: FieldPath = ("data",)
        else:
            n = data.get("samples")
            if not isinstance(n, int):
                return None
            where = ("data", "samples")
        if self.layers is not None:
            width = self.layers[0] + self.layers[-1]
            if n * width > MAX_DATA_VALUES:
                self.add(
                    where,
                    f"too much data (expected at most {MAX_DATA_VALUES:,} numbers in all, got "
                    f"{n:,} samples × {width:,} numbers = {n * width:,}); use at most "
                    f"{MAX_DATA_VALUES // width:,} samples",
                )
        return n

    def check_sample(self, i: int, sample: dict[str, Any]) -> None:
        assert self.layers is not None
        for key, layer in (("input", 0), ("target", len(self.layers) - 1)):
            values = sample.get(key)
            n = self.layers[layer]
            if values is None or values is INVALID or len(values) == n:
                continue
            self.add(
                ("data", i, key),
                f"must have {_values(n)}, {self.node_of(layer)} "
                f"(expected {_values(n, 'number')}, got {len(values)})",
            )
            sample[key] = INVALID
        target = sample.get("target")
        if self.doc.get("loss") == "cross_entropy" and target is not None and ok(target):
            self.check_probabilities(i, target)

    def check_probabilities(self, i: int, target: list[float]) -> None:
        bad = False
        for j, t in enumerate(target):
            if not 0.0 <= t <= 1.0:
                bad = True
                self.add(
                    ("data", i, "target", j),
                    f"not a probability (expected a number from 0 to 1 with "
                    f"loss: cross_entropy, got {t:g})",
                )
        act = self.net.get("activation")
        out = act[-1] if isinstance(act, list) and act else act
        if not bad and out == "softmax" and abs(sum(target) - 1.0) > 1e-9:
            self.add(
                ("data", i, "target"),
                f"must add up to 1 with a softmax output (expected numbers whose sum is 1, "
                f"got a sum of {sum(target):g}); only then is δ_k = O_k − t_k",
            )

    # --- training ---------------------------------------------------------------------

    def check_training(self, n_samples: int) -> None:
        training = self.doc.get("training")
        if not isinstance(training, dict):
            return
        batch = training.get("batch_size")
        if isinstance(batch, int) and batch > n_samples:
            self.add(
                ("training", "batch_size"),
                f"larger than the data (expected at most {n_samples:,}, the number of "
                f"samples, got {batch:,}); leave batch_size out to use all samples",
            )
        epochs = training.get("epochs")
        if not isinstance(epochs, int) or not 0 < self.weight_count <= MAX_WEIGHTS:
            return  # no network to measure, or one already reported as too large
        work = epochs * n_samples * self.weight_count
        if work > MAX_WORK:
            most = MAX_WORK // (n_samples * self.weight_count)
            lower = f"lower epochs to at most {most:,}, or " if most else ""
            self.add(
                ("training", "epochs"),
                f"too much training (expected epochs × samples × weights ≤ {MAX_WORK:,}, "
                f"got {epochs:,} × {n_samples:,} × {self.weight_count:,} = {work:,}); "
                f"{lower}use fewer samples or a smaller network",
            )

    def check_expect(self) -> None:
        expect, training = self.doc.get("expect"), self.doc.get("training")
        if not isinstance(expect, dict) or not isinstance(training, dict):
            return
        if "final_loss_below" not in expect.given or expect["final_loss_below"] is INVALID:
            return
        if training.get("epochs") == 0:
            default = "" if "epochs" in training.given else ", the default"
            self.add(
                ("expect", "final_loss_below"),
                f"needs training (expected training.epochs ≥ 1, so that there is a last "
                f"epoch, got epochs: 0{default})",
            )

    # --- expected values ---------------------------------------------------------------

    def check_expected_values(self, n_samples: int | None) -> None:
        """Each item of ``expect.values`` names a number of this lesson, and can be had."""
        expect = self.doc.get("expect")
        if not isinstance(expect, dict) or not isinstance(expect.get("values"), list):
            return
        bias = self.net.get("bias")
        for index, item in enumerate(expect["values"]):
            if not isinstance(item, dict):
                continue
            where: FieldPath = ("expect", "values", index)
            quantity = self.expected_quantity(item, where, bias)
            if quantity is None:
                continue
            self.check_when(item, where, quantity)
            if n_samples is not None:
                self.check_sample_of(item, where, quantity, n_samples)
                self.check_expect_work(item, where, n_samples)

    def expected_quantity(
        self, item: dict[str, Any], where: FieldPath, bias: Any
    ) -> Quantity | None:
        """The :class:`Quantity` an item names, or ``None`` (its problem recorded)."""
        of = item.get("of")
        if self.layers is None or of is None or of is INVALID:
            return None
        try:
            return parse_symbol(of, self.names, self.layers, biased=bias != BiasMode.NONE.value)
        except SymbolError as e:
            self.add((*where, "of"), str(e))
            return None

    def check_when(self, item: dict[str, Any], where: FieldPath, quantity: Quantity) -> None:
        given = "after_epochs" in item and item["after_epochs"] is not INVALID
        if given and quantity.kind != "E" and quantity.kind not in PARAMETER_KINDS:
            self.add(
                (*where, "after_epochs"),
                f"only goes with E, W and b (expected after: N, the iteration after N "
                f"updates, for {quantity.symbol}, got after_epochs)",
            )

    def check_sample_of(
        self, item: dict[str, Any], where: FieldPath, quantity: Quantity, n_samples: int
    ) -> None:
        sample = item.get("sample")
        if sample is None or sample is INVALID:
            return
        at: FieldPath = (*where, "sample")
        if quantity.kind not in PER_SAMPLE_KINDS:
            what = {"W": "a weight", "b": "a bias"}.get(
                quantity.kind, "a mean over the iteration's samples"
            )
            self.add(
                at,
                f"only goes with E, O, x and δ, which belong to one sample (expected no "
                f"sample for {quantity.symbol}, which is {what}, got sample: {sample})",
            )
            return
        if "after_epochs" in item:
            self.add(
                at,
                f"does not go with after_epochs (expected no sample: E after_epochs is the "
                f"mean over the epoch's samples, got sample: {sample})",
            )
            return
        if sample > n_samples:
            self.add(
                at,
                f"no sample {sample} (expected a sample of data, from 1 to {n_samples:,}, "
                f"got {sample})",
            )
            return
        after = item.get("after", 0)
        if not isinstance(after, int):
            return
        used = self.samples_of(after, n_samples)
        if used is not None and not used[0] <= sample - 1 < used[1]:
            first, last = used[0] + 1, used[1]
            uses = f"sample {first}" if first == last else f"samples {first} to {last}"
            updates = f"{after:,} update{'s' * (after != 1)}"
            self.add(
                at,
                f"sample {sample} is not in the iteration after {updates} (expected a sample "
                f"that iteration uses: {uses}, got {sample}); change sample or after",
            )

    def samples_of(self, iteration: int, n_samples: int) -> tuple[int, int] | None:
        """The samples [first, end) that iteration ``iteration`` (from 0) uses."""
        training = self.doc.get("training")
        if not isinstance(training, dict) or training.get("mode") is INVALID:
            return None
        if training.get("mode") != "batch":
            i = iteration % n_samples
            return i, i + 1
        size = training.get("batch_size") or n_samples
        if size is INVALID:
            return None
        size = min(size, n_samples)
        batch = iteration % -(-n_samples // size)
        return batch * size, min(batch * size + size, n_samples)

    def check_expect_work(self, item: dict[str, Any], where: FieldPath, n_samples: int) -> None:
        if not 0 < self.weight_count <= MAX_WEIGHTS:
            return
        for key in ("after", "after_epochs"):
            count = item.get(key)
            if not isinstance(count, int):
                continue
            per = n_samples
            if key == "after":
                used = self.samples_of(0, n_samples)
                per = used[1] - used[0] if used else n_samples
            work = count * per * self.weight_count
            if work > MAX_WORK:
                unit = "iterations × samples each" if key == "after" else "epochs × samples"
                self.add(
                    (*where, key),
                    f"too much training (expected {unit} × weights ≤ {MAX_WORK:,}, got "
                    f"{count:,} × {per:,} × {self.weight_count:,} = {work:,}); lower {key} to "
                    f"at most {MAX_WORK // (per * self.weight_count):,}",
                )


def _hidden_activations() -> list[str]:
    return [name for name, act in ACTIVATIONS.items() if not act.output_only]


def check_rules(doc: Any, root: Node, problems: Problems) -> None:
    """Add a problem for every rule the checked lesson ``doc`` breaks."""
    if isinstance(doc, Record):
        Rules(doc, root, problems).run()
