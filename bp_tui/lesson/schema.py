"""The fields of a lesson file, declared once; and the JSON Schema made from them.

:data:`LESSON` is the single description of the format's keys, types, ranges and
defaults. The loader checks files against it and :func:`lesson_schema` publishes it as
JSON Schema, which ships as ``lessons/lesson.schema.json``. Regenerate that file with::

    python -m bp_tui.lesson lessons/lesson.schema.json

(``--check`` only compares; without a file the schema goes to standard output).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bp_tui.engine import ACTIVATIONS, LOSSES, BiasMode, Mode
from bp_tui.lesson.limits import (
    MAX_EPOCHS,
    MAX_EXPECTED_VALUES,
    MAX_ITERATIONS,
    MAX_LAYERS,
    MAX_NODES_PER_LAYER,
    MAX_SAMPLES,
    MAX_SEED,
)
from bp_tui.lesson.model import DEFAULT_TOLERANCE
from bp_tui.lesson.spec import (
    Choice,
    Either,
    Integer,
    Key,
    ListOf,
    Mapping,
    Number,
    Requires,
    Tagged,
    Text,
    json_schema,
)
from bp_tui.lesson.symbols import SYMBOL_EXAMPLES, SYMBOL_PATTERN

_NUMBERS = ListOf(Number(), "numbers", min_items=1, max_items=MAX_NODES_PER_LAYER)
_ACTIVATION = Choice(tuple(ACTIVATIONS))
_SEED = Key(
    "seed",
    Integer(0, MAX_SEED),
    "Seed of numpy.random.default_rng: the same seed always draws the same numbers.",
    required=True,
    example="1",
)


def _scheme(name: str, doc: str, *keys: Key) -> tuple[str, Mapping]:
    scheme = Key("scheme", Choice((name,)), doc, required=True)
    fields = ", ".join(k.name for k in (scheme, *keys))
    return name, Mapping((scheme, *keys), noun=f"a mapping with {fields}")


INIT = Tagged(
    "scheme",
    (
        _scheme(
            "uniform",
            "Every weight drawn uniformly from [low, high).",
            Key("low", Number(), "Smallest weight.", required=True, example="-0.5"),
            Key("high", Number(), "Largest weight (more than low).", required=True, example="0.5"),
            _SEED,
        ),
        _scheme(
            "normal",
            "Every weight drawn from a normal distribution with mean 0.",
            Key("std", Number(above=0), "Standard deviation.", required=True, example="0.1"),
            _SEED,
        ),
        _scheme(
            "xavier",
            "Xavier/Glorot: uniform in ±sqrt(6 / (nodes below + nodes above)), layer by layer.",
            _SEED,
        ),
    ),
)

NETWORK = Mapping(
    (
        Key(
            "layers",
            ListOf(
                Integer(1, MAX_NODES_PER_LAYER),
                "node counts",
                min_items=2,
                max_items=MAX_LAYERS,
            ),
            "Node counts of the layers, input layer first: [2, 2, 2] is 2 inputs, "
            "2 hidden nodes and 2 outputs.",
            required=True,
            example="[2, 2, 2]",
        ),
        Key(
            "labels",
            ListOf(
                Text(
                    pattern="[A-Za-z0-9]{1,3}",
                    described="1 to 3 letters or digits",
                    noun="label",
                ),
                "labels",
                min_items=2,
                max_items=MAX_LAYERS,
                unique=True,
            ),
            "A different name for each layer, input layer first, 1 to 3 letters or digits. "
            "Default: the lecture's letters, with K for the output layer "
            "(J, K / I, J, K / N, I, J, K / M, N, I, J, K ...).",
        ),
        Key(
            "activation",
            Either((_ACTIVATION, ListOf(_ACTIVATION, "activation names", 1, MAX_LAYERS - 1))),
            "f of the non-input layers: one name for all of them, or a list with one name "
            "per non-input layer. softmax only for the output layer, with "
            "loss: cross_entropy.",
            default="sigmoid",
        ),
        Key(
            "bias",
            Choice(tuple(m.value for m in BiasMode)),
            "none: no biases, as in the lecture; fixed: biases used but never updated; "
            "trained: biases learned like the weights.",
            default=BiasMode.NONE.value,
        ),
        Key(
            "weights",
            ListOf(
                ListOf(_NUMBERS, "rows of numbers", 1, MAX_NODES_PER_LAYER),
                "matrices",
                min_items=1,
                max_items=MAX_LAYERS - 1,
            ),
            "The initial weights: one matrix per pair of adjacent layers. weights[l] has "
            "one row per node of layer l and one number per node of layer l + 1 in each "
            "row, so W[i][j] is the weight from node i below to node j above. "
            "Give weights or init, not both.",
        ),
        Key(
            "biases",
            ListOf(_NUMBERS, "lists of numbers", min_items=1, max_items=MAX_LAYERS - 1),
            "The initial biases b: one list per non-input layer, one number per node. "
            "Only with bias: fixed or trained; default: zeros.",
        ),
        Key(
            "init",
            INIT,
            "Draw the initial weights at random instead of writing them out: "
            "uniform {low, high, seed}, normal {std, seed} or xavier {seed}. "
            "Give weights or init, not both.",
            example="{scheme: xavier, seed: 1}",
        ),
    ),
    noun="a mapping with layers and weights or init",
    exactly_one=(("weights", "init"),),
    requires=(Requires("biases", "bias", (BiasMode.FIXED.value, BiasMode.TRAINED.value)),),
)

SAMPLE = Mapping(
    (
        Key("input", _NUMBERS, "O of the input layer: one number per input node.", required=True),
        Key("target", _NUMBERS, "t: one number per output node.", required=True),
    ),
    noun="a sample: {input: [numbers], target: [numbers]}",
)

GENERATOR = Tagged(
    "generator",
    (
        (
            "random",
            Mapping(
                (
                    Key(
                        "generator",
                        Choice(("random",)),
                        "Inputs uniform in [0, 1), targets one-hot with a random class.",
                        required=True,
                    ),
                    Key(
                        "samples",
                        Integer(1, MAX_SAMPLES),
                        "How many samples to draw.",
                        required=True,
                        example="100",
                    ),
                    _SEED,
                ),
                noun="a mapping with generator, samples and seed",
            ),
        ),
    ),
)

TRAINING = Mapping(
    (
        Key(
            "learning_rate",
            Number(above=0),
            "η, the step size of W ← W − η ∂E/∂W.",
            required=True,
            example="0.5",
        ),
        Key("epochs", Integer(0, MAX_EPOCHS), "Passes over all samples to train for.", default=0),
        Key(
            "mode",
            Choice(tuple(m.value for m in Mode)),
            "sample: update after each sample; batch: update with the mean gradient of a "
            "batch of samples.",
            default=Mode.SAMPLE.value,
        ),
        Key(
            "batch_size",
            Integer(1, MAX_SAMPLES),
            "Samples per batch (only with mode: batch); default: all samples.",
        ),
    ),
    noun="a mapping with learning_rate",
    requires=(Requires("batch_size", "mode", (Mode.BATCH.value,)),),
)

_TOLERANCE_DOC = (
    "Relative tolerance: a computed value c meets an expected value v when "
    "|c − v| ≤ tolerance × max(|v|, 1e-12)."
)

EXPECTED_VALUE = Mapping(
    (
        Key(
            "of",
            Text(
                pattern=SYMBOL_PATTERN,
                described=f"a name such as {SYMBOL_EXAMPLES}",
                noun="name",
            ),
            "The number, named as bp-tui shows it: E, O_k1, x_k1, δ_k1 (delta_k1), "
            "∂E/∂W_j1k1 (dE/dW_j1k1), ∂E/∂b_k1 (dE/db_k1), W_j1k1 or b_k1, with the "
            "lesson's layer labels in lower case and node numbers from 1.",
            required=True,
            example="E",
        ),
        Key("value", Number(), "What it must be.", required=True, example="0.298371109"),
        Key("tolerance", Number(above=0), _TOLERANCE_DOC + " Default: expect.tolerance."),
        Key(
            "after",
            Integer(0, MAX_ITERATIONS),
            "Training iterations (updates) done first. W and b: their value after that many "
            "updates; every other number: its value in the next iteration. Default 0: the "
            "first iteration, from the lesson's initial weights.",
        ),
        Key(
            "after_epochs",
            Integer(1, MAX_EPOCHS),
            "Only for E, W and b: train this many epochs first. E is then the loss of "
            "that last epoch (the mean E of its samples), W and b their values after it.",
        ),
        Key(
            "sample",
            Integer(1, MAX_SAMPLES),
            "Only for E, O, x and δ: which sample of data (from 1) the number belongs "
            "to; it must be one the iteration uses. Default: the iteration's first sample "
            "(E: the iteration's E, the mean over a batch).",
        ),
    ),
    noun="a mapping with of and value",
    at_most_one=(("after", "after_epochs"),),
)

EXPECT = Mapping(
    (
        Key(
            "final_loss_below",
            Number(above=0),
            "After training.epochs epochs, the last epoch's loss is below this.",
        ),
        Key(
            "tolerance",
            Number(above=0),
            _TOLERANCE_DOC + " The default for every item of values.",
            default=DEFAULT_TOLERANCE,
        ),
        Key(
            "values",
            ListOf(EXPECTED_VALUE, "expected values", 1, MAX_EXPECTED_VALUES),
            "Numbers the lesson must produce, each {of: name, value: number}; `bp-tui "
            "check` computes every one. Without after or after_epochs, the number of the "
            "first training iteration.",
        ),
    ),
)

QUIZ = Mapping(
    (
        Key(
            "tolerance",
            Number(above=0),
            "Relative tolerance of a right answer: |typed − value| ≤ tolerance × |value|.",
            default=1e-3,
        ),
    ),
    noun="a mapping with tolerance",
)

LESSON = Mapping(
    (
        Key(
            "title",
            Text(nonblank=True),
            "The lesson's title, shown in the lesson picker.",
            required=True,
            example="A 2-2-2 network, worked by hand",
        ),
        Key(
            "summary",
            Text(),
            "Markdown shown in the lesson picker and on the lesson's first screen.",
            default="",
        ),
        Key("network", NETWORK, "The network the lesson starts from.", required=True),
        Key(
            "loss",
            Choice(tuple(LOSSES)),
            "mse: E = ½ Σ_k (O_k − t_k)², the lecture's; cross_entropy: E = −Σ_k t_k ln O_k, "
            "with a softmax or sigmoid output.",
            default="mse",
        ),
        Key(
            "data",
            Either((ListOf(SAMPLE, "samples", 1, MAX_SAMPLES), GENERATOR)),
            "The samples: a list of {input, target}, or a generator that draws them.",
            required=True,
            example="[{input: [0.05, 0.10], target: [0.01, 0.99]}]",
        ),
        Key("training", TRAINING, "How to train.", required=True),
        Key("expect", EXPECT, "What the lesson promises; `bp-tui check` verifies it."),
        Key("quiz", QUIZ, "How the quiz (bp-tui LESSON --quiz, or z) judges answers."),
    ),
    noun="a mapping with title, network, data and training",
)


def lesson_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a lesson file."""
    return json_schema(
        LESSON,
        title="bp-tui lesson",
        description="A lesson for bp-tui: a small network, its samples and how to train it. "
        "Documented in docs/lesson-format.md.",
    )


def render() -> str:
    """The schema as ``lessons/lesson.schema.json`` holds it."""
    return json.dumps(lesson_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema to a file (or standard output), or ``--check`` that file."""
    parser = argparse.ArgumentParser(
        prog="python -m bp_tui.lesson",
        description="Write the JSON Schema of bp-tui lesson files.",
    )
    parser.add_argument("output", nargs="?", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--check", action="store_true", help="only check the file is current")
    args = parser.parse_args(argv)
    text = render()
    if args.output is None:
        if args.check:
            parser.error("--check needs the file to check")
        sys.stdout.write(text)
        return 0
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
        if current != text:
            print(f"{args.output} is out of date; run: {parser.prog} {args.output}")
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8", newline="\n")
    return 0
