"""The lesson loader: valid files become the right Lesson, broken ones precise problems.

Most error tests change one line of :data:`FULL`, a lesson that uses every field, and
assert the exact place (line, column), field and key words of the message, since those
are what a teacher reads.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import time
from pathlib import Path

import jsonschema
import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bp_tui.lesson import (
    Expectations,
    Lesson,
    LessonError,
    Problem,
    lesson_schema,
    load_lesson,
    parse_lesson,
)
from bp_tui.lesson.errors import Problems
from bp_tui.lesson.limits import MAX_FILE_BYTES
from bp_tui.lesson.schema import main as schema_main
from bp_tui.lesson.schema import render
from bp_tui.lesson.source import compose, plain
from bp_tui.lesson.spec import Key, Mapping, Number

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
CASES = Path(__file__).resolve().parent / "lesson_cases"
DOCS = ROOT / "docs" / "lesson-format.md"

FULL = """\
# yaml-language-server: $schema=lesson.schema.json
title: A 2-2-2 network, worked by hand
summary: |
  The classic example.
network:
  layers: [2, 2, 2]
  labels: [I, J, K]
  activation: [sigmoid, sigmoid]
  bias: trained
  weights:
    - [[0.15, 0.25], [0.20, 0.30]]
    - [[0.40, 0.50], [0.45, 0.55]]
  biases: [[0.35, 0.35], [0.60, 0.60]]
loss: mse
data:
  - {input: [0.05, 0.10], target: [0.01, 0.99]}
  - {input: [0.90, 0.20], target: [0.99, 0.01]}
training:
  learning_rate: 0.5
  epochs: 3
  mode: batch
  batch_size: 2
expect:
  final_loss_below: 0.5
"""

MINIMAL = """\
title: Minimal
network:
  layers: [2, 2, 2]
  init: {scheme: uniform, low: -0.5, high: 0.5, seed: 1}
data:
  - {input: [0.05, 0.10], target: [0.01, 0.99]}
training:
  learning_rate: 0.5
"""


def edit(text: str, old: str, new: str) -> str:
    """``text`` with the one occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def problems(text: str | bytes) -> tuple[Problem, ...]:
    """The problems of a lesson that must not load."""
    with pytest.raises(LessonError) as info:
        parse_lesson(text, Path("lessons/x.yaml"))
    assert info.value.problems, "a LessonError always has problems"
    return info.value.problems


def problem(text: str | bytes) -> Problem:
    """The single problem of a lesson that must not load."""
    found = problems(text)
    assert len(found) == 1, "\n".join(str(p) for p in found)
    return found[0]


def assert_problem(p: Problem, line: int | None, column: int | None, field: str, *words: str):
    assert (p.line, p.column, p.field) == (line, column, field), str(p)
    for word in words:
        assert word in p.message, f"{word!r} not in {p.message!r}"


# --- valid lessons -------------------------------------------------------------------


def test_a_lesson_with_every_field_loads_with_its_values() -> None:
    lesson = parse_lesson(FULL, Path("lessons/full.yaml"))
    assert isinstance(lesson, Lesson)
    assert lesson.path == Path("lessons/full.yaml")
    assert lesson.title == "A 2-2-2 network, worked by hand"
    assert lesson.summary == "The classic example.\n"
    net = lesson.network
    assert net.sizes == (2, 2, 2)
    assert net.labels == ("I", "J", "K")
    assert [a.name for a in net.activations] == ["sigmoid", "sigmoid"]
    assert net.bias.value == "trained"
    assert net.loss.name == "mse"
    np.testing.assert_array_equal(net.weights[0], [[0.15, 0.25], [0.20, 0.30]])
    np.testing.assert_array_equal(net.weights[1], [[0.40, 0.50], [0.45, 0.55]])
    np.testing.assert_array_equal(net.biases[1], [0.60, 0.60])
    np.testing.assert_array_equal(lesson.inputs, [[0.05, 0.10], [0.90, 0.20]])
    np.testing.assert_array_equal(lesson.targets, [[0.01, 0.99], [0.99, 0.01]])
    for array in (lesson.inputs, lesson.targets):
        assert array.dtype == np.float64
        assert not array.flags.writeable
    assert lesson.learning_rate == 0.5 and isinstance(lesson.learning_rate, float)
    assert lesson.epochs == 3
    assert lesson.schedule.n_samples == 2
    assert lesson.schedule.mode.value == "batch"
    assert lesson.schedule.batch_size == 2
    assert lesson.expect == Expectations(final_loss_below=0.5)
    assert lesson.shape == "2-2-2" and lesson.name == "full"


def test_defaults_are_filled_in() -> None:
    lesson = parse_lesson(MINIMAL)
    assert lesson.path is None
    assert lesson.summary == ""
    assert [a.name for a in lesson.network.activations] == ["sigmoid", "sigmoid"]
    assert lesson.network.bias.value == "none"
    assert all((b == 0).all() for b in lesson.network.biases)
    assert lesson.network.loss.name == "mse"
    assert lesson.epochs == 0
    assert lesson.schedule.mode.value == "sample"
    assert lesson.schedule.batch_size is None
    assert lesson.expect == Expectations()


@pytest.mark.parametrize(
    ("layers", "labels"),
    [
        ("[1, 1]", ("J", "K")),
        ("[2, 2, 2]", ("I", "J", "K")),
        ("[2, 3, 2, 1]", ("N", "I", "J", "K")),
        ("[2, 2, 2, 2, 1]", ("M", "N", "I", "J", "K")),
    ],
)
def test_labels_default_to_the_lecture_letters(layers: str, labels: tuple[str, ...]) -> None:
    sizes = json.loads(layers)
    text = f"""\
title: t
network: {{layers: {layers}, init: {{scheme: xavier, seed: 0}}}}
data: [{{input: {[0] * sizes[0]}, target: {[0] * sizes[-1]}}}]
training: {{learning_rate: 1}}
"""
    assert parse_lesson(text).network.labels == labels


def test_numbers_in_every_spelling_yaml_allows() -> None:
    text = edit(FULL, "learning_rate: 0.5", "learning_rate: 5e-1")
    text = edit(text, "[[0.15, 0.25], [0.20, 0.30]]", "[[1, -2], [+3, 1_000]]")
    lesson = parse_lesson(text)
    assert lesson.learning_rate == 0.5
    np.testing.assert_array_equal(lesson.network.weights[0], [[1, -2], [3, 1000]])


@pytest.mark.parametrize("scheme", ["uniform", "normal", "xavier"])
def test_init_is_drawn_from_the_seed_layer_by_layer(scheme: str) -> None:
    params = {"uniform": "low: -0.5, high: 0.5,", "normal": "std: 0.1,", "xavier": ""}[scheme]
    text = edit(MINIMAL, "{scheme: uniform, low: -0.5, high: 0.5, seed: 1}", "INIT")
    text = edit(text, "[2, 2, 2]", "[3, 4, 2]")
    text = edit(text, "input: [0.05, 0.10]", "input: [1, 2, 3]")

    def weights(seed: int) -> tuple[np.ndarray, ...]:
        init = f"{{scheme: {scheme}, {params} seed: {seed}}}"
        return parse_lesson(text.replace("INIT", init)).network.weights

    first, again, other = weights(7), weights(7), weights(8)
    rng = np.random.default_rng(7)
    if scheme == "uniform":
        expected = [rng.uniform(-0.5, 0.5, (3, 4)), rng.uniform(-0.5, 0.5, (4, 2))]
    elif scheme == "normal":
        expected = [rng.normal(0.0, 0.1, (3, 4)), rng.normal(0.0, 0.1, (4, 2))]
    else:
        a, b = math.sqrt(6 / 7), math.sqrt(6 / 6)
        expected = [rng.uniform(-a, a, (3, 4)), rng.uniform(-b, b, (4, 2))]
    for w, w_again, w_expected in zip(first, again, expected, strict=True):
        np.testing.assert_array_equal(w, w_again)
        np.testing.assert_array_equal(w, w_expected)
    assert not np.array_equal(first[0], other[0])


def test_init_first_weight_is_the_seeds_first_draw() -> None:
    lesson = parse_lesson(MINIMAL)
    assert lesson.network.weights[0][0, 0] == np.random.default_rng(1).uniform(-0.5, 0.5)


def test_the_random_generator_draws_inputs_then_one_hot_classes() -> None:
    text = edit(MINIMAL, "  - {input: [0.05, 0.10], target: [0.01, 0.99]}\n", "")
    text = edit(text, "data:\n", "data: {generator: random, samples: 50, seed: 9}\n")
    text = edit(text, "[2, 2, 2]", "[3, 4, 5]")
    lesson = parse_lesson(text)
    rng = np.random.default_rng(9)
    inputs = rng.random((50, 3))
    classes = np.array([rng.integers(0, 5) for _ in range(50)])
    np.testing.assert_array_equal(lesson.inputs, inputs)
    assert lesson.targets.shape == (50, 5)
    np.testing.assert_array_equal(lesson.targets.sum(axis=1), np.ones(50))
    np.testing.assert_array_equal(lesson.targets.argmax(axis=1), classes)
    assert not lesson.inputs.flags.writeable and not lesson.targets.flags.writeable
    assert lesson.schedule.n_samples == 50


def test_softmax_output_with_cross_entropy() -> None:
    text = edit(FULL, "[sigmoid, sigmoid]", "[tanh, softmax]")
    text = edit(text, "loss: mse", "loss: cross_entropy")
    text = edit(text, "target: [0.01, 0.99]", "target: [0, 1]")
    text = edit(text, "target: [0.99, 0.01]", "target: [0.25, 0.75]")
    lesson = parse_lesson(text)
    assert [a.name for a in lesson.network.activations] == ["tanh", "softmax"]
    assert lesson.network.loss.name == "cross_entropy"


def test_anchors_and_aliases_are_allowed() -> None:
    text = edit(FULL, "  biases: [[0.35, 0.35], [0.60, 0.60]]", "  biases: [&b [0.35, 0.35], *b]")
    np.testing.assert_array_equal(parse_lesson(text).network.biases[1], [0.35, 0.35])


def test_utf8_bytes_with_a_byte_order_mark() -> None:
    lesson = parse_lesson("\ufeff".encode() + edit(FULL, "hand", "hand, η = 0.5").encode())
    assert lesson.title == "A 2-2-2 network, worked by hand, η = 0.5"


def test_load_lesson_reads_a_file_and_leaves_it_alone(tmp_path: Path) -> None:
    path = tmp_path / "lesson.yaml"
    path.write_text(FULL, encoding="utf-8")
    os.chmod(path, 0o444)
    before = (path.read_bytes(), path.stat().st_mtime_ns, path.stat().st_mode)
    lesson = load_lesson(str(path))
    assert lesson.path == path
    assert (path.read_bytes(), path.stat().st_mtime_ns, path.stat().st_mode) == before


def shipped_and_documented() -> list[tuple[str, str]]:
    """Every shipped lesson, and every complete lesson shown in docs/lesson-format.md."""
    found = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(LESSONS.glob("*.yaml"))]
    blocks = re.findall(r"```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    found += [(f"docs block {i}", b) for i, b in enumerate(blocks) if "\ntitle:" in f"\n{b}"]
    return found


VALID = shipped_and_documented()


@pytest.mark.parametrize(("name", "text"), VALID, ids=[name for name, _ in VALID])
def test_shipped_and_documented_lessons_load(name: str, text: str) -> None:
    assert parse_lesson(text).title


def test_shipped_lessons_name_the_schema() -> None:
    for path in LESSONS.glob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=lesson.schema.json", path


# --- files that cannot be read -------------------------------------------------------


def test_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    (p,) = info.value.problems
    assert_problem(p, None, None, "", "no such file")
    assert str(p) == f"{path}: no such file (expected a lesson file, got a path to nothing)"


def test_a_directory(tmp_path: Path) -> None:
    with pytest.raises(LessonError) as info:
        load_lesson(tmp_path)
    (p,) = info.value.problems
    assert str(p) == f"{tmp_path}: not a file (expected a lesson file, got a directory)"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads all")
def test_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(FULL, encoding="utf-8")
    path.chmod(0)
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    (p,) = info.value.problems
    assert_problem(p, None, None, "", "cannot read the file", "permission denied")


def test_a_read_error_is_a_lesson_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same as above, for when the tests run as root (who may read anything)."""
    path = tmp_path / "lesson.yaml"
    path.write_text(FULL, encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("bp_tui.lesson.loader.open", refuse, raising=False)
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    (p,) = info.value.problems
    assert str(p) == f"{path}: cannot read the file (permission denied)"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_named_pipe_is_not_read(tmp_path: Path) -> None:
    """Reading a pipe nobody writes to would wait forever."""
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    assert_problem(info.value.problems[0], None, None, "", "not a regular file")


def test_a_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with open(path, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    (p,) = info.value.problems
    assert_problem(p, None, None, "", "too large", "at most 2,097,152 bytes", "2,097,153")
    p = problem(b"#" * (MAX_FILE_BYTES + 1))
    assert_problem(p, None, None, "", "too large")


def test_bytes_that_are_not_utf8() -> None:
    # "é" is two bytes but one column; the stray Latin-1 byte 0xe9 follows "ét".
    p = problem(b"title: ok\nsummary: \xc3\xa9t\xe9\n")
    assert_problem(p, 2, 12, "", "not valid UTF-8", "0xe9", "byte offset 22", "save the file")


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n# and another\n", "---\n"])
def test_an_empty_file(text: str) -> None:
    p = problem(text)
    assert str(p) == (
        "lessons/x.yaml: the file is empty; a lesson needs title, network, data and training"
    )


def test_the_top_level_must_be_a_mapping() -> None:
    p = problem("- title\n- network\n")
    assert str(p) == (
        "lessons/x.yaml:1:1: the top level is not a mapping (expected a mapping with title, "
        "network, data and training, got a list of 2 items)"
    )


# --- YAML itself ---------------------------------------------------------------------


def test_a_yaml_syntax_error_has_the_marks_place() -> None:
    p = problem(edit(FULL, "  epochs: 3", "  epochs: 3: 4"))
    assert_problem(p, 20, 12, "", "YAML syntax error")


def test_an_unclosed_bracket() -> None:
    p = problem(edit(FULL, "  layers: [2, 2, 2]", "  layers: [2, 2, 2"))
    assert_problem(p, 7, 9, "", "YAML syntax error", "flow sequence", "line 6, column 11")


def test_tabs_are_named() -> None:
    p = problem(edit(FULL, "  epochs: 3", "\tepochs: 3"))
    assert_problem(p, 20, 1, "", "YAML syntax error", "tabs")


def test_a_second_document() -> None:
    p = problem(FULL + "---\ntitle: again\n")
    assert_problem(p, 25, 1, "", "second YAML document")


def test_python_tags_are_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    attack = f"!!python/object/apply:os.system ['touch {marker}']"
    found = problems(edit(FULL, "title: A 2-2-2 network, worked by hand", f"title: {attack}"))
    assert not marker.exists()
    assert_problem(found[0], 2, 8, "title", "YAML tag", "!!python/object/apply:os.system")


@pytest.mark.parametrize(
    ("value", "shown"),
    [("!custom 0.5", "!custom"), ("!!binary aGk=", "!!binary"), ("!!set {a}", "!!set")],
)
def test_other_tags_are_refused(value: str, shown: str) -> None:
    p = problem(edit(FULL, "learning_rate: 0.5", f"learning_rate: {value}"))
    assert_problem(p, 19, 18, "training.learning_rate", "tag", shown, "remove the tag")


def test_a_merge_key_is_refused() -> None:
    p = problem(edit(FULL, "  mode: batch\n", "  mode: batch\n  <<: {epochs: 4}\n"))
    assert_problem(p, 22, 3, "training", "merge key '<<'", "write the keys out")


def test_an_alias_bomb_fails_fast_without_expanding() -> None:
    lines = ["title: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i, name in enumerate("bcdefghijklmnop"):
        prev = "abcdefghijklmnop"[i]
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    start = time.perf_counter()
    p = problem("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 1.0
    assert_problem(p, 7, 4, "g", "too many YAML values", "2,000,000")


def test_an_alias_inside_its_own_anchor() -> None:
    p = problem(edit(FULL, "  layers: [2, 2, 2]", "  layers: &l [2, *l]"))
    assert_problem(p, 6, 18, "network.layers[1]", "loop")


def test_an_unknown_alias() -> None:
    p = problem(edit(FULL, "  layers: [2, 2, 2]", "  layers: *nope"))
    assert_problem(p, 6, 11, "network.layers", "unknown alias *nope")


def test_nesting_too_deep() -> None:
    p = problem(edit(FULL, "  epochs: 3", "  epochs: " + "[" * 30 + "]" * 30))
    assert p.line == 20 and p.field.startswith("training.epochs[0][0]")
    assert "nested too deeply" in p.message and "at most 20 levels" in p.message


def test_nesting_too_deep_through_an_alias() -> None:
    deep = "[" * 15 + "]" * 15
    text = edit(FULL, "expect:\n", f"x: &d {deep}\nexpect:\n")
    p = problem(edit(text, "  final_loss_below: 0.5", "  final_loss_below: [[[[[[*d]]]]]]"))
    assert_problem(p, 25, 27, "expect.final_loss_below[0][0][0][0][0][0]", "alias *d")


def test_a_control_character() -> None:
    p = problem(edit(FULL, "title: A 2-2-2", "title: A \x07 2-2-2"))
    assert_problem(p, 2, 10, "", "U+0007")


# --- keys ----------------------------------------------------------------------------


def test_a_misspelt_key_suggests_the_right_one() -> None:
    p = problem(edit(FULL, "learning_rate: 0.5", "learning_rat: 0.5"))
    assert str(p) == (
        "lessons/x.yaml:19:3: training.learning_rat: unknown key 'learning_rat' "
        "(did you mean 'learning_rate'?)"
    )


def test_an_unknown_key_lists_the_allowed_ones() -> None:
    p = problem(edit(FULL, "  mode: batch", "  mode: batch\n  speed: 3"))
    assert_problem(p, 22, 3, "training.speed", "unknown key 'speed'")
    assert p.message.endswith("(expected one of: learning_rate, epochs, mode, batch_size)")


def test_every_unknown_key_is_reported_in_file_order() -> None:
    text = edit(FULL, "loss: mse", "loss: mse\ncolour: red")
    text = edit(text, "  epochs: 3", "  epochs: 3\n  epoch: 4")
    found = problems(text)
    assert [(p.line, p.field) for p in found] == [
        (15, "colour"),
        (22, "training.epoch"),
    ]
    assert "did you mean 'epochs'" in found[1].message


def test_a_duplicate_key_names_both_lines() -> None:
    p = problem(edit(FULL, "  epochs: 3", "  epochs: 3\n  epochs: 4"))
    assert_problem(
        p, 21, 3, "training.epochs", "duplicate key 'epochs'", "line 20 and again on line 21"
    )


@pytest.mark.parametrize(("key", "got"), [("1", "got 1"), ("on", "the boolean true")])
def test_keys_must_be_text(key: str, got: str) -> None:
    p = problem(edit(FULL, "  mode: batch", f"  mode: batch\n  {key}: x"))
    assert_problem(p, 22, 3, "training", "a key that is not text", got)


def test_missing_required_keys_are_each_named() -> None:
    found = problems("title: only a title\n")
    assert [(p.line, p.column, p.field) for p in found] == [
        (1, 1, "network"),
        (1, 1, "data"),
        (1, 1, "training"),
    ]
    assert "add a line such as data: [{input:" in found[1].message


def test_a_missing_learning_rate_suggests_one() -> None:
    p = problem(edit(FULL, "  learning_rate: 0.5\n", ""))
    assert str(p) == (
        "lessons/x.yaml:19:3: training.learning_rate: missing (expected a number > 0); "
        "add a line such as learning_rate: 0.5"
    )


# --- values --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("fast", ("not a number", "expected a number > 0", "got the text 'fast'")),
        ("'0.5'", ("not a number", "remove the quotes")),
        ("true", ("not a number", "got the boolean true")),
        ("yes", ("not a number", "yes, which YAML reads as the boolean true")),
        ("", ("not a number", "got nothing")),
        ("null", ("not a number", "got null")),
        ("[0.5]", ("not a number", "got a list of 1 item")),
        ("{a: 1}", ("not a number", "got a mapping (with a)")),
        (".nan", ("not a finite number", "got .nan")),
        ("-.inf", ("not a finite number",)),
        ("1e999", ("not a finite number",)),
        ("1" + "0" * 400, ("not a finite number",)),
        ("0", ("too small", "expected a number > 0, got 0")),
        ("-0.1", ("too small",)),
    ],
)
def test_a_bad_learning_rate(value: str, words: tuple[str, ...]) -> None:
    p = problem(edit(FULL, "learning_rate: 0.5", f"learning_rate: {value}"))
    column = 18 if value else 17
    assert_problem(p, 19, column, "training.learning_rate", *words)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("3.0", ("not a whole number", "got 3.0", "write it without the decimal point: 3")),
        ("2.5", ("not a whole number", "expected a whole number from 0 to 1,000,000")),
        ("true", ("not a whole number", "the boolean true")),
        ("'3'", ("not a whole number", "the text '3'")),
        ("-1", ("too small", "got -1")),
        ("1000001", ("too large", "got 1000001")),
    ],
)
def test_a_bad_epochs(value: str, words: tuple[str, ...]) -> None:
    p = problem(edit(FULL, "epochs: 3", f"epochs: {value}"))
    assert_problem(p, 20, 11, "training.epochs", *words)


def test_a_number_too_long_to_read() -> None:
    p = problem(edit(FULL, "epochs: 3", "epochs: 1" + "0" * 5000))
    assert_problem(p, 20, 11, "training.epochs", "not a number YAML can read")


def test_a_misspelt_name_suggests_the_right_one() -> None:
    p = problem(edit(FULL, "bias: trained", "bias: trainde"))
    assert str(p) == (
        "lessons/x.yaml:9:9: network.bias: unknown name (expected one of none, fixed, "
        "trained, got the text 'trainde'); did you mean 'trained'?"
    )


def test_a_yaml_boolean_is_not_a_name() -> None:
    p = problem(edit(FULL, "bias: trained", "bias: no"))
    assert_problem(p, 9, 9, "network.bias", "not a name", "no, which YAML reads as")


def test_an_unknown_activation() -> None:
    p = problem(edit(FULL, "[sigmoid, sigmoid]", "[sigmoid, Relu]"))
    assert_problem(p, 8, 25, "network.activation[1]", "unknown name", "did you mean 'relu'")


def test_a_mapping_where_an_activation_goes() -> None:
    p = problem(edit(FULL, "activation: [sigmoid, sigmoid]", "activation: {a: 1}"))
    assert_problem(p, 8, 15, "network.activation", "wrong type", "one of sigmoid", "or a list of")


def test_a_list_where_a_mapping_goes() -> None:
    p = problem(edit(FULL, "expect:\n  final_loss_below: 0.5\n", "expect: [0.5]\n"))
    assert_problem(p, 23, 9, "expect", "not a mapping", "got a list of 1 item")


def test_a_blank_title() -> None:
    p = problem(edit(FULL, "title: A 2-2-2 network, worked by hand", "title: '  '"))
    assert_problem(p, 2, 8, "title", "empty", "non-empty text")


def test_a_number_where_text_goes() -> None:
    p = problem(edit(FULL, "title: A 2-2-2 network, worked by hand", "title: 42"))
    assert_problem(p, 2, 8, "title", "not text", "got 42", "put it in quotes")


def test_bad_labels() -> None:
    found = problems(edit(FULL, "labels: [I, J, K]", "labels: [I, LONG, I]"))
    assert_problem(found[0], 7, 15, "network.labels[1]", "not a valid label", "1 to 3 letters")
    assert_problem(found[1], 7, 21, "network.labels[2]", "repeated", "network.labels[0]")


def test_layers_too_short() -> None:
    found = problems(edit(FULL, "layers: [2, 2, 2]", "layers: [2]"))
    assert_problem(found[0], 6, 11, "network.layers", "too short", "a list of 2 to 12", "got 1")
    assert len(found) == 1  # nothing that depends on layers is checked


def test_an_invalid_layer_size_does_not_cascade() -> None:
    p = problem(edit(FULL, "layers: [2, 2, 2]", "layers: [2, 0, 3]"))
    assert_problem(p, 6, 15, "network.layers[1]", "too small", "from 1 to 4,096")


# --- rules between parts -------------------------------------------------------------


def test_a_weight_matrix_of_the_wrong_shape() -> None:
    p = problem(edit(FULL, "[[0.15, 0.25], [0.20, 0.30]]", "[[0.15, 0.25, 1], [0.20, 0.30, 1]]"))
    assert str(p) == (
        "lessons/x.yaml:11:7: network.weights[0]: must be 2×2: 2 nodes in I to 2 nodes in J "
        "(expected 2 rows of 2 numbers, got 2×3)"
    )


def test_a_transposed_weight_matrix() -> None:
    text = edit(FULL, "[2, 2, 2]", "[2, 3, 2]")
    text = edit(text, "[[0.15, 0.25], [0.20, 0.30]]", "[[1, 2], [3, 4], [5, 6]]")
    text = edit(text, "[[0.40, 0.50], [0.45, 0.55]]", "[[1, 2], [3, 4], [5, 6]]")
    text = edit(text, "biases: [[0.35, 0.35], [0.60, 0.60]]", "biases: [[1, 2, 3], [1, 2]]")
    p = problem(text)
    assert_problem(p, 11, 7, "network.weights[0]", "must be 2×3", "got 3×2", "transposed")


def test_a_ragged_weight_matrix() -> None:
    p = problem(edit(FULL, "[[0.15, 0.25], [0.20, 0.30]]", "[[0.15, 0.25], [0.20]]"))
    assert str(p) == (
        "lessons/x.yaml:11:22: network.weights[0][1]: must have 2 numbers, one per node of J "
        "(expected 2 numbers, got 1)"
    )


def test_too_few_weight_matrices() -> None:
    p = problem(edit(FULL, "    - [[0.40, 0.50], [0.45, 0.55]]\n", ""))
    assert_problem(p, 11, 5, "network.weights", "expected 2 matrices, for I→J, J→K, got 1")


def test_biases_of_the_wrong_length() -> None:
    p = problem(edit(FULL, "[0.60, 0.60]]", "[0.60, 0.60, 0.60]]"))
    assert str(p) == (
        "lessons/x.yaml:13:26: network.biases[1]: must have 2 values, one per node of K, "
        "the output layer (expected 2 numbers, got 3)"
    )


def test_a_target_of_the_wrong_length() -> None:
    p = problem(edit(FULL, "target: [0.99, 0.01]", "target: [0.99, 0.01, 0.5]"))
    assert str(p) == (
        "lessons/x.yaml:17:35: data[1].target: must have 2 values, one per node of K, "
        "the output layer (expected 2 numbers, got 3)"
    )


def test_an_input_of_the_wrong_length() -> None:
    p = problem(edit(FULL, "input: [0.05, 0.10]", "input: [0.05]"))
    assert_problem(p, 16, 13, "data[0].input", "one per node of I, the input layer")


def test_labels_and_activations_counted_against_layers() -> None:
    text = edit(FULL, "labels: [I, J, K]", "labels: [I, K]")
    found = problems(edit(text, "[sigmoid, sigmoid]", "[sigmoid, sigmoid, sigmoid]"))
    assert_problem(found[0], 7, 11, "network.labels", "expected 3 labels", "got 2")
    assert_problem(found[1], 8, 15, "network.activation", "expected 2 names", "got 3")


def test_softmax_only_in_the_output_layer() -> None:
    text = edit(FULL, "loss: mse", "loss: cross_entropy")
    p = problem(edit(text, "[sigmoid, sigmoid]", "[softmax, sigmoid]"))
    assert_problem(p, 8, 16, "network.activation[0]", "only works in the output layer")


def test_one_softmax_for_all_layers_suggests_a_list() -> None:
    text = edit(FULL, "loss: mse", "loss: cross_entropy")
    p = problem(edit(text, "[sigmoid, sigmoid]", "softmax"))
    assert_problem(p, 8, 15, "network.activation", "output layer", "[sigmoid, softmax]")


def test_an_output_activation_the_loss_cannot_use() -> None:
    p = problem(edit(FULL, "[sigmoid, sigmoid]", "[sigmoid, softmax]"))
    assert_problem(
        p,
        8,
        25,
        "network.activation[1]",
        "loss mse does not work with a softmax output",
        "use loss: cross_entropy",
    )


def test_cross_entropy_targets_are_probabilities() -> None:
    text = edit(FULL, "loss: mse", "loss: cross_entropy")
    text = edit(text, "[sigmoid, sigmoid]", "[sigmoid, softmax]")
    text = edit(text, "target: [0.01, 0.99]", "target: [0.2, 0.2]")
    text = edit(text, "target: [0.99, 0.01]", "target: [1.5, -0.5]")
    found = problems(text)
    assert [(p.line, p.field) for p in found] == [
        (16, "data[0].target"),
        (17, "data[1].target[0]"),
        (17, "data[1].target[1]"),
    ]
    assert "add up to 1" in found[0].message and "got a sum of 0.4" in found[0].message
    assert "not a probability" in found[1].message


def test_weights_and_init_together() -> None:
    text = edit(FULL, "  biases:", "  init: {scheme: xavier, seed: 1}\n  biases:")
    p = problem(text)
    assert_problem(p, 13, 3, "network.init", "both weights and init", "remove init or weights")


def test_neither_weights_nor_init() -> None:
    text = edit(
        FULL, "    - [[0.15, 0.25], [0.20, 0.30]]\n    - [[0.40, 0.50], [0.45, 0.55]]\n", ""
    )
    p = problem(edit(text, "  weights:\n", ""))
    assert_problem(p, 6, 3, "network", "neither weights nor init", "add e.g. init:")


def test_biases_need_a_bias_mode() -> None:
    p = problem(edit(FULL, "  bias: trained\n", ""))
    assert str(p) == (
        "lessons/x.yaml:12:3: network.biases: only used with bias: fixed or bias: trained "
        "(expected bias: fixed or bias: trained beside biases, got bias: none, the default); "
        "set bias: trained, or remove biases"
    )


def test_batch_size_needs_batch_mode() -> None:
    p = problem(edit(FULL, "mode: batch", "mode: sample"))
    assert_problem(p, 22, 3, "training.batch_size", "only used with mode: batch")


def test_batch_size_larger_than_the_data() -> None:
    p = problem(edit(FULL, "batch_size: 2", "batch_size: 3"))
    assert_problem(p, 22, 15, "training.batch_size", "expected at most 2", "got 3")


def test_uniform_low_must_be_below_high() -> None:
    text = edit(MINIMAL, "low: -0.5, high: 0.5", "low: 0.5, high: 0.5")
    p = problem(text)
    assert_problem(p, 4, 43, "network.init.high", "must be more than low", "> 0.5")


def test_init_needs_a_seed_and_a_known_scheme() -> None:
    p = problem(edit(MINIMAL, ", seed: 1}", "}"))
    assert_problem(p, 4, 9, "network.init.seed", "missing", "whole number")
    p = problem(edit(MINIMAL, "scheme: uniform", "scheme: unifrom"))
    assert_problem(p, 4, 18, "network.init.scheme", "did you mean 'uniform'")
    p = problem(edit(MINIMAL, "{scheme: uniform, low: -0.5, high: 0.5, seed: 1}", "{seed: 1}"))
    assert_problem(p, 4, 9, "network.init.scheme", "missing", "uniform, normal, xavier")


def test_expect_needs_epochs() -> None:
    p = problem(edit(FULL, "epochs: 3", "epochs: 0"))
    assert_problem(p, 24, 21, "expect.final_loss_below", "training.epochs ≥ 1", "epochs: 0")


# --- limits --------------------------------------------------------------------------


def test_too_many_layers() -> None:
    p = problem(edit(FULL, "layers: [2, 2, 2]", f"layers: {[2] * 13}"))
    assert_problem(p, 6, 11, "network.layers", "too long", "2 to 12", "got 13")


def test_too_many_nodes_in_a_layer() -> None:
    p = problem(edit(FULL, "layers: [2, 2, 2]", "layers: [2, 5000, 2]"))
    assert_problem(p, 6, 15, "network.layers[1]", "too large", "from 1 to 4,096")


def test_too_many_weights() -> None:
    text = edit(MINIMAL, "[2, 2, 2]", "[2, 1200, 1200, 2]")
    p = problem(text)
    assert_problem(p, 3, 11, "network.layers", "too many weights", "1,000,000", "1,444,800")


def test_a_huge_generator_is_refused_before_allocating() -> None:
    text = edit(MINIMAL, "  - {input: [0.05, 0.10], target: [0.01, 0.99]}\n", "")
    text = edit(text, "data:\n", "data: {generator: random, samples: 1000000000, seed: 1}\n")
    start = time.perf_counter()
    p = problem(text)
    assert time.perf_counter() - start < 1.0
    assert_problem(p, 5, 36, "data.samples", "too large", "from 1 to 100,000")


def test_too_much_data() -> None:
    text = edit(MINIMAL, "  - {input: [0.05, 0.10], target: [0.01, 0.99]}\n", "")
    text = edit(text, "data:\n", "data: {generator: random, samples: 100000, seed: 1}\n")
    p = problem(edit(text, "[2, 2, 2]", "[200, 2, 2]"))
    assert_problem(p, 5, 36, "data.samples", "too much data", "use at most 49,504 samples")


def test_too_much_training_names_what_to_lower() -> None:
    text = edit(MINIMAL, "  - {input: [0.05, 0.10], target: [0.01, 0.99]}\n", "")
    text = edit(text, "data:\n", "data: {generator: random, samples: 100000, seed: 1}\n")
    text = edit(text, "learning_rate: 0.5", "learning_rate: 0.5\n  epochs: 1000000")
    p = problem(edit(text, "[2, 2, 2]", "[4, 4, 4]"))
    assert str(p) == (
        "lessons/x.yaml:8:11: training.epochs: too much training (expected epochs × samples × "
        "weights ≤ 100,000,000,000, got 1,000,000 × 100,000 × 32 = 3,200,000,000,000); lower "
        "epochs to at most 31,250, or use fewer samples or a smaller network"
    )


# --- problems and errors -------------------------------------------------------------


def test_problem_is_frozen_and_formats_like_a_compiler() -> None:
    p = Problem("a.yaml", 3, 5, "training.epochs", "bad")
    assert str(p) == "a.yaml:3:5: training.epochs: bad"
    assert str(Problem("a.yaml", None, None, "", "gone")) == "a.yaml: gone"
    assert str(Problem("a.yaml", 3, None, "", "x")) == "a.yaml:3: x"
    with pytest.raises(AttributeError):
        p.line = 4  # type: ignore[misc]


def test_lesson_error_lists_every_problem_one_per_line() -> None:
    text = edit(FULL, "loss: mse", "loss: mae")
    text = edit(text, "epochs: 3", "epochs: many")
    with pytest.raises(LessonError) as info:
        parse_lesson(text)
    lines = str(info.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("<string>:14:7: loss: unknown name")
    assert lines[1].startswith("<string>:20:11: training.epochs: not a whole number")


def test_problems_beyond_the_limit_are_counted() -> None:
    rows = "".join("  - {input: [1], target: [0.5, 0.5]}\n" for _ in range(150))
    text = edit(MINIMAL, "  - {input: [0.05, 0.10], target: [0.01, 0.99]}\n", rows)
    found = problems(text)
    assert len(found) == 101
    assert str(found[-1]) == "lessons/x.yaml: ... and 50 more problems not listed"


# --- the JSON Schema -----------------------------------------------------------------


def test_the_committed_schema_is_the_generated_one() -> None:
    committed = (LESSONS / "lesson.schema.json").read_text(encoding="utf-8")
    assert committed == json.dumps(lesson_schema(), indent=2, ensure_ascii=False) + "\n"
    assert committed == render()
    assert schema_main(["--check", str(LESSONS / "lesson.schema.json")]) == 0


def test_the_schema_is_valid_draft_2020_12() -> None:
    schema = lesson_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_docs_say_how_editors_find_the_schema() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    assert "# yaml-language-server: $schema=lesson.schema.json" in docs
    assert "python -m bp_tui.lesson lessons/lesson.schema.json" in docs


def as_data(text: str) -> object:
    """The lesson as plain data, read the way the loader reads YAML."""
    return plain(compose(text, Problems("x")))


VALIDATOR = jsonschema.Draft202012Validator(lesson_schema())


@pytest.mark.parametrize(
    ("name", "text"),
    [("full", FULL), ("minimal", MINIMAL), *VALID],
    ids=["full", "minimal", *[name for name, _ in VALID]],
)
def test_valid_lessons_satisfy_the_schema(name: str, text: str) -> None:
    parse_lesson(text)
    errors = [e.message for e in VALIDATOR.iter_errors(as_data(text))]
    assert errors == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("learning_rate: 0.5", "learning_rat: 0.5"),  # unknown key, missing required
        ("  mode: batch", "  mode: batch\n  speed: 3"),  # unknown key
        ("epochs: 3", "epochs: three"),  # string for an integer
        ("epochs: 3", "epochs: true"),  # boolean for an integer
        ("learning_rate: 0.5", "learning_rate: '0.5'"),  # string for a number
        ("learning_rate: 0.5", "learning_rate: 0"),  # out of range
        ("bias: trained", "bias: yes"),  # boolean for a name
        ("loss: mse", "loss: mae"),  # unknown name
        ("layers: [2, 2, 2]", "layers: [2]"),  # too short
        ("labels: [I, J, K]", "labels: [I, J, J]"),  # not unique
        ("labels: [I, J, K]", "labels: [I, J, KKKK]"),  # pattern
        ("title: A 2-2-2 network, worked by hand", "title: ' '"),  # blank
        ("  bias: trained\n", ""),  # biases without a bias mode
        ("mode: batch", "mode: sample"),  # batch_size without batch mode
        ("  biases:", "  init: {scheme: xavier, seed: 1}\n  biases:"),  # weights and init
        ("expect:\n  final_loss_below: 0.5\n", "expect: [0.5]\n"),  # list for a mapping
    ],
)
def test_structural_mistakes_fail_the_schema_and_the_loader(old: str, new: str) -> None:
    text = edit(FULL, old, new)
    problems(text)
    assert not VALIDATOR.is_valid(as_data(text))


def test_init_variants_in_the_schema() -> None:
    for init, valid in [
        ("{scheme: normal, std: 0.1, seed: 1}", True),
        ("{scheme: normal, low: 0, seed: 1}", False),
        ("{scheme: xavier}", False),
        ("{scheme: magic, seed: 1}", False),
    ]:
        text = edit(MINIMAL, "{scheme: uniform, low: -0.5, high: 0.5, seed: 1}", init)
        assert VALIDATOR.is_valid(as_data(text)) is valid, init
        if valid:
            parse_lesson(text)
        else:
            problems(text)


# --- whatever the text, a Lesson or a LessonError ------------------------------------

WORDS = st.sampled_from(["banana", "true", "null", "~", "-", "[", "{", "'", "&a", "*a", "!!str"])


@st.composite
def mutated(draw: st.DrawFn) -> str:
    lines = FULL.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["delete", "duplicate", "word", "truncate", "swap"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif kind == "word":
            numbers = list(re.finditer(r"-?\d+(?:\.\d+)?", lines[i]))
            if numbers:
                m = numbers[draw(st.integers(0, len(numbers) - 1))]
                word = draw(WORDS)
                lines[i] = lines[i][: m.start()] + word + lines[i][m.end() :]
        else:
            text = "".join(lines)
            cut = draw(st.integers(0, len(text)))
            lines = text[:cut].splitlines(keepends=True)
    return "".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_a_mutated_lesson_loads_or_raises_a_lesson_error(text: str) -> None:
    try:
        lesson = parse_lesson(text, Path("m.yaml"))
    except LessonError as e:
        for p in e.problems:
            assert p.path == "m.yaml"
            assert p.line is None or p.line >= 1
            assert p.column is None or p.column >= 1
            assert p.message
        return
    assert isinstance(lesson, Lesson)
    # The schema is never stricter than the loader.
    assert VALIDATOR.is_valid(as_data(text))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_any_input_loads_or_raises_a_lesson_error(data: bytes | str) -> None:
    with contextlib.suppress(LessonError):
        parse_lesson(data)


CASE_FILES = sorted(CASES.glob("*.yaml"))


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.name for p in CASE_FILES])
def test_broken_case_files(path: Path) -> None:
    """Each file in tests/lesson_cases gives its first problem on its first line.

    The line is ``# expect: line:col: field: message``; a "…" in it stands for any text
    (YAML's own words differ between libyaml and PyYAML's pure-Python parser).
    """
    expected = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    first = str(info.value.problems[0]).removeprefix(f"{path}:")
    assert re.fullmatch(".*".join(re.escape(part) for part in expected.split("…")), first), first


SYNTAX_ERRORS = [
    edit(FULL, "  epochs: 3", "  epochs: 3: 4"),
    edit(FULL, "  layers: [2, 2, 2]", "  layers: [2, 2, 2"),
    edit(FULL, "  epochs: 3", "\tepochs: 3"),
    edit(FULL, "title: A 2-2-2", "title: 'A 2-2-2"),
    edit(FULL, "  - {input: [0.90", "   - {input: [0.90"),
    FULL + "---\ntitle: again\n",
]


@pytest.mark.parametrize("text", SYNTAX_ERRORS)
def test_both_yaml_parsers_give_the_same_place(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml (when PyYAML has it) and the pure-Python parser point at the same place."""
    first = problem(text)
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    second = problem(text)
    assert (first.line, first.column, first.field) == (second.line, second.column, second.field)


def test_both_yaml_parsers_read_the_same_lesson(monkeypatch: pytest.MonkeyPatch) -> None:
    first = parse_lesson(FULL)
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    second = parse_lesson(FULL)
    for a, b in zip(first.network.weights, second.network.weights, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(first.targets, second.targets)


def test_a_lesson_error_survives_pickling() -> None:
    """Errors may cross a process boundary (a worker checking many lessons)."""
    import pickle

    with pytest.raises(LessonError) as info:
        parse_lesson("title: only a title\n")
    again = pickle.loads(pickle.dumps(info.value))
    assert again.problems == info.value.problems
    assert str(again) == str(info.value)


# --- expected values (expect.values; more in test_expect.py) ---------------------------

FULL_VALUES = edit(
    FULL,
    "expect:\n  final_loss_below: 0.5\n",
    "expect:\n  final_loss_below: 0.5\n  tolerance: 1e-8\n  values:\n"
    '    - {of: E, value: 0.3}\n    - {of: "W_i2j1", after: 2, value: 0.2, tolerance: 0.1}\n'
    "    - {of: delta_k2, sample: 2, value: -0.01}\n",
)


def test_expected_values_are_read_into_the_lesson() -> None:
    expect = parse_lesson(FULL_VALUES).expect
    assert expect.final_loss_below == 0.5
    e, w, d = expect.values
    assert (e.of.symbol, e.value, e.tolerance, e.after, e.sample) == ("E", 0.3, 1e-8, 0, None)
    assert (w.of.kind, w.of.layer, w.of.below, w.of.node) == ("W", 1, 1, 0)
    assert (w.after, w.tolerance, w.line, w.column) == (2, 0.1, 28, 7)
    assert (d.of.symbol, d.sample, d.field) == ("δ_k2", 1, "expect.values[2]")
    assert expect.final_loss_place == (24, 21)
    # places are not part of equality: the same promises written elsewhere are equal
    assert parse_lesson(FULL_VALUES.replace("    - {", "    -   {")).expect == expect


def test_expected_values_satisfy_the_schema() -> None:
    assert VALIDATOR.is_valid(as_data(FULL_VALUES))


def test_at_most_one_key_of_a_group() -> None:
    p = problem(edit(FULL_VALUES, "after: 2,", "after: 2, after_epochs: 2,"))
    assert_problem(
        p,
        28,
        32,
        "expect.values[1].after_epochs",
        "both after and after_epochs are given",
        "expected at most one of after or after_epochs",
    )
    spec = Mapping(
        (Key("a", Number(), ""), Key("b", Number(), ""), Key("c", Number(), "")),
        at_most_one=(("a", "b", "c"),),
    )
    schema = spec.json()["not"]["anyOf"]
    assert schema == [{"required": ["a", "b"]}, {"required": ["a", "c"]}, {"required": ["b", "c"]}]


def test_a_bad_expected_value_name_points_at_it() -> None:
    p = problem(edit(FULL_VALUES, "delta_k2", "delta_k3"))
    assert_problem(
        p, 29, 12, "expect.values[2].of", "no node k3 in layer K (K has 2 nodes: k1, k2)"
    )
    p = problem(edit(FULL_VALUES, '"W_i2j1"', '"W_i2k1"'))
    assert_problem(p, 28, 12, "expect.values[1].of", "no weight joins i2 and k1")


def test_quiz_tolerance_is_read_and_checked() -> None:
    """`quiz: {tolerance: …}` sets how close a quiz answer must be; 1e-3 by default."""
    base = (
        "title: t\nnetwork:\n  layers: [1, 1]\n  weights: [[[1.0]]]\n"
        "data:\n  - {input: [1.0], target: [0.0]}\ntraining:\n  learning_rate: 0.5\n"
    )
    assert parse_lesson(base).quiz_tolerance == 1e-3
    assert parse_lesson(base + "quiz: {tolerance: 0.01}\n").quiz_tolerance == 0.01
    with pytest.raises(LessonError) as err:
        parse_lesson(base + "quiz: {tolerance: 0}\n")
    assert str(err.value) == (
        "<string>:9:19: quiz.tolerance: too small (expected a number > 0, got 0)"
    )
