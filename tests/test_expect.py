"""Self-checking lessons: the ``expect: values:`` block, its validation, and `bp-tui check`.

The shipped lessons' expected values were not taken from bp-tui: those of two_two_two
are Matt Mazur's published figures, the others come from ``tests/expect_oracle.py``,
which works every number out again in plain Python. These tests hold the lessons, the
oracle and bp-tui to each other.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import math
import re
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import jsonschema
import pytest

from bp_tui.lesson import LessonError, lesson_schema, load_lesson, parse_lesson
from bp_tui.lesson.errors import Problems
from bp_tui.lesson.expect import check_expectations, evaluate
from bp_tui.lesson.model import Expectations, ExpectedValue
from bp_tui.lesson.source import compose, plain
from bp_tui.lesson.symbols import SymbolError, parse_symbol

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "bp_tui" / "lessons"
SHIPPED = sorted(LESSONS.glob("*.yaml"))
ORACLE = Path(__file__).resolve().parent / "expect_oracle.py"
DOCS = ROOT / "docs" / "lesson-format.md"

#: Lesson 03 with its expected values replaced by these (Mazur's network, one sample).
MAZUR = """\
title: Mazur
network:
  layers: [2, 2, 2]
  bias: fixed
  weights:
    - [[0.15, 0.25], [0.20, 0.30]]
    - [[0.40, 0.50], [0.45, 0.55]]
  biases: [[0.35, 0.35], [0.60, 0.60]]
data:
  - {input: [0.05, 0.10], target: [0.01, 0.99]}
  - {input: [0.90, 0.20], target: [0.99, 0.01]}
training:
  learning_rate: 0.5
  epochs: 2
expect:
  values:
    - {of: E, value: 0.298371109}
"""


def bp_tui(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bp_tui", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def with_values(*items: str, text: str = MAZUR) -> str:
    """``text`` with its expect.values replaced by ``items`` (one flow mapping each)."""
    head = text[: text.index("expect:\n")]
    return head + "expect:\n  values:\n" + "".join(f"    - {item}\n" for item in items)


def problems_of(text: str) -> list:
    with pytest.raises(LessonError) as info:
        parse_lesson(text)
    return list(info.value.problems)


# --- the shipped lessons keep their promises ------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_lesson_meets_its_expected_values(path: Path) -> None:
    lesson = load_lesson(path)
    assert len(lesson.expect.values) >= 8, "every shipped lesson states what it computes"
    started = time.perf_counter()
    verdict = evaluate(lesson)
    elapsed = time.perf_counter() - started
    assert verdict.ok, "\n".join(map(str, verdict.problems()))
    assert check_expectations(lesson) == []
    assert elapsed < 5, f"checking {path.name} took {elapsed:.1f} s"


def test_check_passes_every_shipped_lesson_with_its_values() -> None:
    result = bp_tui("check", *map(str, SHIPPED))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


# --- the expected values come from the oracle, not from bp-tui ------------------------


def load_oracle() -> ModuleType:
    spec = importlib.util.spec_from_file_location("expect_oracle", ORACLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def oracle() -> dict[str, dict[tuple, float]]:
    """Every number the oracle computes, by lesson file and (name, after, epochs, sample)."""
    module = load_oracle()
    out: dict[str, dict[tuple, float]] = {}
    for lesson in module.lessons():
        out[lesson.file] = {
            (ask["of"], ask.get("after", 0), ask.get("after_epochs"), ask.get("sample")): value
            for ask, value in module.compute(lesson)
        }
    return out


def key(item: ExpectedValue) -> tuple:
    sample = None if item.sample is None else item.sample + 1
    return (item.of.symbol, item.after, item.after_epochs, sample)


def test_the_oracle_does_not_import_bp_tui() -> None:
    code = (
        f"import runpy, sys; runpy.run_path({str(ORACLE)!r}, run_name='oracle'); "
        "print(sorted(m for m in sys.modules if m.startswith('bp_tui')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"
    source = ORACLE.read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from|import)\s+bp_tui", source, re.MULTILINE)


def test_the_oracle_covers_every_shipped_lesson(oracle: dict) -> None:
    assert sorted(oracle) == [p.name for p in SHIPPED]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_the_lessons_expected_values_are_the_oracles(path: Path, oracle: dict) -> None:
    """Each expected value of a lesson is the oracle's number: the same item, the value
    within the item's tolerance, and (but for Mazur's published figures) the oracle's
    number rounded to 10 significant digits, so it was copied from the oracle."""
    computed = oracle[path.name]
    items = load_lesson(path).expect.values
    assert {key(item) for item in items} == set(computed)
    for item in items:
        value = computed[key(item)]
        assert item.accepts(value), (item, value)
        if path.name != "03_two_two_two.yaml":
            assert item.value == float(f"{value:.10g}"), (item, value)


def test_mazurs_figures_agree_with_the_oracle(oracle: dict) -> None:
    """The published numbers of lesson 03 and the oracle's, side by side."""
    computed = oracle["03_two_two_two.yaml"]
    assert computed[("E", 0, None, None)] == pytest.approx(0.298371109, abs=5e-10)
    assert computed[("W_j1k1", 1, None, None)] == pytest.approx(0.35891648, abs=5e-9)
    assert computed[("W_i1j1", 1, None, None)] == pytest.approx(0.149780716, abs=5e-10)
    assert computed[("E", 0, 10000, None)] == pytest.approx(0.0000351085, abs=5e-11)


# --- stepping and training agree ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "per_epoch"),
    [("03_two_two_two.yaml", 1), ("05_xor.yaml", 4), ("07_vanishing_sigmoid.yaml", 4)],
)
def test_after_n_iterations_equals_after_epochs(name: str, per_epoch: int) -> None:
    """`after` steps trace by trace, `after_epochs` trains with the fast loop: the same
    weights, to the last bit."""
    lesson = load_lesson(LESSONS / name)
    labels, sizes = lesson.network.labels, lesson.network.sizes
    names = [
        f"W_{labels[0].lower()}1{labels[1].lower()}1",
        f"W_{labels[-2].lower()}1{labels[-1].lower()}1",
    ]
    if lesson.network.bias.value == "trained":
        names.append(f"b_{labels[-1].lower()}1")
    items = []
    for n in (1, 3, 10):
        for symbol in names:
            q = parse_symbol(symbol, labels, sizes)
            items.append((q, n * per_epoch, None))
            items.append((q, 0, n))
    values = tuple(
        ExpectedValue(i, q, 0.0, after=after, after_epochs=epochs)
        for i, (q, after, epochs) in enumerate(items)
    )
    verdict = evaluate(dataclasses.replace(lesson, expect=Expectations(values=values)))
    computed = [o.computed for o in verdict.outcomes]
    assert computed[0::2] == computed[1::2]
    assert len(set(computed)) > len(names)  # the weights did change


# --- a wrong value is reported, at its place ------------------------------------------


def test_a_wrong_value_is_reported_with_its_line_and_the_computed_value(tmp_path: Path) -> None:
    text = (LESSONS / "03_two_two_two.yaml").read_text(encoding="utf-8")
    text = text.replace('{of: "δ_k1", value: 0.138498562}', '{of: "delta_k1", value: 0.1386}')
    text = text.replace("value: 0.35891648}", "value: 0.3589, tolerance: 1e-3}")  # still fine
    text = text.replace("{of: E, value: 0.298371109}", "{of: E, value: 0.3}")
    lesson = tmp_path / "wrong.yaml"
    lesson.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    e_line = next(i for i, line in enumerate(lines, 1) if "{of: E, value: 0.3}" in line)
    d_line = next(i for i, line in enumerate(lines, 1) if "delta_k1" in line)

    result = bp_tui("check", str(lesson))

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{lesson}:{e_line}:7: expect.values[6]: E is 0.2983711088 (computed), expected 0.3 "
        f"± 1e-7 relative; off by 0.0054 relative",
        f"{lesson}:{d_line}:7: expect.values[7]: δ_k1 is 0.1384985616 (computed), expected "
        f"0.1386 ± 1e-7 relative; off by 0.00073 relative",
    ]


def test_check_goes_on_to_the_next_lesson_after_a_mismatch(tmp_path: Path) -> None:
    lesson = tmp_path / "wrong.yaml"
    lesson.write_text(with_values("{of: E, value: 0.25}"), encoding="utf-8")
    result = bp_tui("check", str(lesson), str(LESSONS / "01_one_neuron.yaml"))
    assert result.returncode == 2
    assert f"{lesson}:17:7: expect.values[0]: E is 0.2983711088 (computed)" in result.stderr
    assert "01_one_neuron.yaml: ok" in result.stdout
    assert "wrong.yaml: ok" not in result.stdout


def test_the_messages_say_when() -> None:
    text = with_values(
        "{of: W_j1k1, after: 2, value: 1}",
        "{of: O_k1, sample: 2, after: 1, value: 1}",
        "{of: E, after_epochs: 1, value: 1}",
        "{of: b_k1, after_epochs: 2, value: 1}",
    )
    found = check_expectations(parse_lesson(text))
    assert [p.field for p in found] == [f"expect.values[{i}]" for i in range(4)]
    assert found[0].message.startswith("W_j1k1 after 2 iterations is 0.37")
    assert found[1].message.startswith("O_k1 of sample 2 after 1 iteration is 0.")
    assert found[2].message.startswith("E after 1 epoch is 0.")
    assert found[3].message.startswith("b_k1 after 2 epochs is 0.6 (computed)")
    assert [p.line for p in found] == [17, 18, 19, 20]


def test_a_value_expected_to_be_zero_uses_the_absolute_floor() -> None:
    item = ExpectedValue(0, parse_symbol("E", ("J", "K"), (1, 1)), 0.0, tolerance=1e-6)
    assert item.accepts(0.0) and item.accepts(-0.0) and item.accepts(-5e-19)
    assert not item.accepts(2e-18)
    assert not item.accepts(math.nan) and not item.accepts(math.inf)
    big = dataclasses.replace(item, value=2.0)
    assert big.accepts(2.000002) and not big.accepts(2.0000021)


def test_diverged_training_is_reported_not_a_traceback() -> None:
    """A linear network with a huge η blows up: the items say so, with no warning raised
    (the tests turn RuntimeWarnings into errors)."""
    diverging = MAZUR.replace("learning_rate: 0.5", "learning_rate: 1e300").replace(
        "  bias: fixed", "  activation: linear\n  bias: fixed"
    )
    text = with_values(
        "{of: E, after_epochs: 50, value: 0.1}",
        "{of: W_j1k1, after: 100, value: 0.1}",
        text=diverging,
    )
    found = check_expectations(parse_lesson(text))
    assert "E after 50 epochs cannot be computed: training diverged in epoch " in str(found[0])
    assert "W_j1k1 after 100 iterations is nan (computed)" in str(found[1])


def test_final_loss_below_is_reported_at_its_line() -> None:
    text = MAZUR + "  final_loss_below: 0.0001\n"
    found = check_expectations(parse_lesson(text))
    assert len(found) == 1
    assert (found[0].line, found[0].column, found[0].field) == (18, 21, "expect.final_loss_below")
    assert "the loss after 2 epochs is 0.3101160083, not below 0.0001" in found[0].message


# --- names: ASCII spellings, case, commas ---------------------------------------------


def test_ascii_spellings_name_the_same_numbers() -> None:
    unicode = parse_lesson(
        with_values(
            '{of: "δ_k1", value: 0.138498562}',
            '{of: "∂E/∂W_j1k1", value: 0.082167041}',
            '{of: "∂E/∂b_k1", value: 0.138498562}',
        )
    )
    ascii_ = parse_lesson(
        with_values(
            "{of: delta_k1, value: 0.138498562}",
            "{of: dE/dW_j1k1, value: 0.082167041}",
            "{of: dE/db_k1, value: 0.138498562}",
        )
    )
    assert unicode.expect == ascii_.expect
    assert [v.of.symbol for v in ascii_.expect.values] == ["δ_k1", "∂E/∂W_j1k1", "∂E/∂b_k1"]
    assert check_expectations(ascii_) == []


@pytest.mark.parametrize(
    ("name", "symbol", "where"),
    [
        ("E", "E", (0, 0, 0)),
        ("O_i2", "O_i2", (0, 1, 0)),
        ("O_K2", "O_k2", (2, 1, 0)),
        ("x_j1", "x_j1", (1, 0, 0)),
        ("W_i2j1", "W_i2j1", (1, 0, 1)),
        ("W_i2,j1", "W_i2j1", (1, 0, 1)),
        ("dE/dW_J2K1", "∂E/∂W_j2k1", (2, 0, 1)),
        ("b_j2", "b_j2", (1, 1, 0)),
    ],
)
def test_names_as_bp_tui_writes_them(name: str, symbol: str, where: tuple) -> None:
    q = parse_symbol(name, ("I", "J", "K"), (2, 2, 2))
    assert (q.symbol, (q.layer, q.node, q.below)) == (symbol, where)


def test_two_digit_nodes_and_digit_labels() -> None:
    q = parse_symbol("W_i1j12", ("I", "J"), (3, 12))
    assert (q.symbol, q.layer, q.node, q.below) == ("W_i1,j12", 1, 11, 0)
    assert parse_symbol("W_i1,j12", ("I", "J"), (3, 12)) == q
    q = parse_symbol("W_h1.2out1", ("H1", "Out"), (2, 1))
    assert (q.symbol, q.node, q.below) == ("W_h1.2out1", 0, 1)
    with pytest.raises(SymbolError, match="no node i11 in layer I"):
        parse_symbol("W_i11j1", ("I", "J"), (3, 12))


# --- validation -----------------------------------------------------------------------


#: (item, its field with the problem, words of the message, whether the JSON Schema sees
#: it too: a structural mistake. The others need the lesson's layers or samples.)
BAD_ITEMS = [
    ('{of: "δ_k3", value: 1}', "of", "no node k3 in layer K (K has 2 nodes: k1, k2)", False),
    ('{of: "δ_k0", value: 1}', "of", "nodes are numbered from 1", False),
    ("{of: O_q1, value: 1}", "of", "no node q1 in this network", False),
    (
        "{of: W_i1k1, value: 1}",
        "of",
        "no weight joins i1 and k1 (expected nodes of adjacent",
        False,
    ),
    ("{of: W_k1j1, value: 1}", "of", "goes from K down to J", False),
    ("{of: W_i1, value: 1}", "of", "W_i1 does not name two nodes of this network", False),
    ('{of: "W_i1,j1,k1", value: 1}', "of", "more than one comma", False),
    ("{of: x_i1, value: 1}", "of", "the input layer I has no x", False),
    ('{of: "δ_i1", value: 1}', "of", "the input layer I has no δ", False),
    ("{of: b_i1, value: 1}", "of", "the input layer I has no bias", False),
    ("{of: sigma_k1, value: 1}", "of", "not a valid name (expected a name such as E, O_k1", True),
    ("{of: e, value: 1}", "of", "not a valid name", True),
    ("{of: 5, value: 1}", "of", "not text", True),
    ("{of: E, value: one}", "value", "not a number", True),
    ("{of: E, value: 1, after: -1}", "after", "too small (expected a whole number from 0", True),
    ("{of: E, value: 1, after: 1.5}", "after", "not a whole number", True),
    ("{of: E, value: 1, after_epochs: 0}", "after_epochs", "too small", True),
    ("{of: E, value: 1, tolerance: 0}", "tolerance", "too small (expected a number > 0", True),
    ("{of: E, value: 1, after: 1, after_epochs: 1}", "after_epochs", "both after and", True),
    ('{of: "δ_k1", value: 1, after_epochs: 1}', "after_epochs", "only goes with E, W and b", False),
    ("{of: W_j1k1, value: 1, sample: 1}", "sample", "which is a weight", False),
    ("{of: dE/db_k1, value: 1, sample: 1}", "sample", "a mean over the iteration's", False),
    ("{of: E, value: 1, sample: 1, after_epochs: 1}", "sample", "does not go with after_", False),
    ("{of: O_k1, value: 1, sample: 3}", "sample", "no sample 3 (expected a sample of data", False),
    (
        "{of: O_k1, value: 1, sample: 2}",
        "sample",
        "sample 2 is not in the iteration after 0",
        False,
    ),
    ("{of: O_k1, value: 1, sample: 1, after: 3}", "sample", "that iteration uses: sample 2", False),
    ("{of: E, value: 1, colour: red}", "colour", "unknown key 'colour'", True),
    ("{value: 1}", "of", "missing", True),
]


@pytest.mark.parametrize(("item", "field", "words", "structural"), BAD_ITEMS)
def test_bad_items_are_reported_precisely(
    item: str, field: str, words: str, structural: bool
) -> None:
    text = with_values("{of: E, value: 1}", item)
    found = problems_of(text)
    assert len(found) == 1, found
    p = found[0]
    assert (p.field, p.line) == (f"expect.values[1].{field}", 18)
    assert words in p.message
    # The schema is never stricter than the loader, and catches what it can express.
    assert VALIDATOR.is_valid(as_data(text)) is not structural


def test_a_lesson_without_biases_has_no_b() -> None:
    text = (
        with_values("{of: b_k1, value: 0.6}")
        .replace("  bias: fixed\n", "")
        .replace("  biases: [[0.35, 0.35], [0.60, 0.60]]\n", "")
    )
    (p,) = problems_of(text)
    assert p.field == "expect.values[0].of"
    assert "the network has no biases" in p.message


def test_batch_samples_and_the_work_limit() -> None:
    batch = MAZUR.replace("epochs: 2\n", "epochs: 2\n  mode: batch\n")
    lesson = parse_lesson(with_values("{of: O_k1, sample: 2, value: 0.5}", text=batch))
    assert lesson.expect.values[0].sample == 1
    (outcome,) = evaluate(lesson).outcomes
    assert outcome.computed == pytest.approx(0.7, abs=0.3)
    wide = (LESSONS / "06_wide_784_128_10.yaml").read_text(encoding="utf-8")
    (p,) = problems_of(with_values("{of: E, after_epochs: 1000, value: 1}", text=wide))
    assert p.field == "expect.values[0].after_epochs"
    assert "too much training" in p.message and "lower after_epochs to at most 960" in p.message


def test_an_item_is_placed_and_defaults_are_filled() -> None:
    lesson = parse_lesson(
        with_values(
            "{of: E, value: 0.298371109}", "{of: W_j1k1, after: 1, value: 0.3589, tolerance: 1e-3}"
        )
        + "  tolerance: 1e-8\n"
    )
    first, second = lesson.expect.values
    assert (first.index, first.line, first.column, first.tolerance) == (0, 17, 7, 1e-8)
    assert (first.after, first.after_epochs, first.sample) == (0, None, None)
    assert (second.after, second.tolerance) == (1, 1e-3)
    assert lesson.expect.final_loss_below is None


def test_a_lesson_without_values_still_has_equal_expectations() -> None:
    assert Expectations(final_loss_below=0.5, final_loss_place=(3, 4)) == Expectations(
        final_loss_below=0.5
    )


# --- the JSON Schema -------------------------------------------------------------------

VALIDATOR = jsonschema.Draft202012Validator(lesson_schema())


def as_data(text: str) -> object:
    return plain(compose(text, Problems("x")))


def test_the_schema_describes_expected_values() -> None:
    expect = lesson_schema()["properties"]["expect"]
    item = expect["properties"]["values"]["items"]
    assert item["required"] == ["of", "value"]
    assert item["not"] == {"required": ["after", "after_epochs"]}
    assert expect["properties"]["tolerance"]["default"] == 1e-6
    pattern = re.compile(item["properties"]["of"]["pattern"])
    for name in ("E", "δ_k1", "delta_k1", "∂E/∂W_j1k1", "dE/dW_i1,j12", "b_h1.2", "O_K1"):
        assert pattern.fullmatch(name), name
    for name in ("e", "δk1", "sigma_k1", "W_", "E_k1", "∂E/∂O_k1"):
        assert not pattern.fullmatch(name), name


def test_the_shipped_lessons_satisfy_the_schema() -> None:
    for path in SHIPPED:
        errors = [e.message for e in VALIDATOR.iter_errors(as_data(path.read_text("utf-8")))]
        assert errors == [], path


def test_the_committed_schema_includes_expected_values() -> None:
    committed = json.loads((LESSONS / "lesson.schema.json").read_text(encoding="utf-8"))
    assert committed == lesson_schema()


# --- the docs ---------------------------------------------------------------------------


def test_the_docs_document_the_expect_block() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    section = docs[docs.index("## Expected values") :]
    for words in (
        "after_epochs",
        "|c − v| ≤ tolerance × max(|v|, 1e-12)",
        "`delta_k1`",
        "`dE/dW_j1k1`",
        "W_i1,j12",
        "tests/expect_oracle.py",
        "Mazur",
    ):
        assert words in section, words


def test_the_documented_complete_lesson_keeps_its_promises() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    block = re.findall(r"```yaml\n(.*?)```", docs, re.DOTALL)[0]
    lesson = parse_lesson(block)
    assert len(lesson.expect.values) == 3
    assert check_expectations(lesson) == []
