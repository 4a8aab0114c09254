"""The `bp-tui` command, run as a user runs it: in a subprocess, reading its exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
SHIPPED = sorted(LESSONS.glob("*.yaml"))


def bp_tui(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bp_tui", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_there_are_five_shipped_lessons() -> None:
    assert len(SHIPPED) >= 5


def test_check_passes_every_shipped_lesson() -> None:
    """Every shipped lesson is valid and meets its own `expect:` promises."""
    result = bp_tui("check", *map(str, SHIPPED))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.count(": ok (") == len(SHIPPED)


def test_check_reports_a_bad_lesson_with_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "title: t\nnetwork:\n  layers: [2, 2]\n  weights:\n    - [[1, 2, 3], [4, 5, 6]]\n"
        "data:\n  - {input: [1, 2], target: [0, 1]}\ntraining:\n  learning_rate: 0.5\n",
        encoding="utf-8",
    )
    result = bp_tui("check", str(LESSONS / "03_two_two_two.yaml"), str(bad))
    assert result.returncode == 2
    assert "03_two_two_two.yaml: ok" in result.stdout
    assert result.stderr.startswith(f"{bad}:5:")
    assert "network.weights[0]" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_fails_a_lesson_whose_expectation_is_not_met(tmp_path: Path) -> None:
    text = (LESSONS / "05_xor.yaml").read_text(encoding="utf-8")
    lesson = tmp_path / "xor_short.yaml"
    lesson.write_text(text.replace("epochs: 5000", "epochs: 10"), encoding="utf-8")
    result = bp_tui("check", str(lesson))
    assert result.returncode == 2
    assert "expect.final_loss_below" in result.stderr
    assert "after 10 epochs" in result.stderr


def test_check_of_a_missing_file_names_it() -> None:
    result = bp_tui("check", "no/such/lesson.yaml")
    assert result.returncode == 2
    assert "no/such/lesson.yaml" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_prints_the_worked_example_of_two_two_two() -> None:
    """The text report shows the hand-checkable numbers of the 2-2-2 example."""
    result = bp_tui("run", "two_two_two", "--epochs", "0")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # forward: x_j1 = 0.05 × 0.15 + 0.10 × 0.20 + 0.35 = 0.3775, O_j1 = σ(0.3775) = 0.5933
    assert "x_j1 = Σ_i O_i W_ij1 + b_j1 = 0.05 × 0.15 + 0.1 × 0.2 + 0.35 = 0.3775" in out
    assert "O_j1 = σ(x_j1) = σ(0.3775) = 0.5933" in out
    # the hidden δ, as the lecture writes it
    assert "δ_j1 = O_j1(1 − O_j1) Σ_k δ_k W_j1k = 0.5933 × (1 − 0.5933) × 0.03635 = 0.008771" in out
    # Mazur's first updated weight, 0.35891648
    assert "W_j1k1 ← W_j1k1 − η ∂E/∂W_j1k1 = 0.4 − 0.5 × 0.08217 = 0.3589" in out
    assert "No training" in out


def test_run_summarises_training_every_tenth() -> None:
    result = bp_tui("run", "xor")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    start = lines.index("Loss per epoch (the mean E of the epoch's samples)")
    assert lines[start + 2].split() == ["epoch", "E"]
    table = [ln.split() for ln in lines[start + 3 : start + 14]]
    epochs = [int(row[0]) for row in table]
    assert epochs == [1, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000]
    assert "Weights after training" in result.stdout


def test_run_json_carries_full_precision_and_the_lectures_names() -> None:
    result = bp_tui("run", "two_two_two", "--format", "json", "--epochs", "10000")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["network"]["labels"] == ["I", "J", "K"]
    steps = data["iteration"]["steps"]
    assert [s["phase"] for s in steps] == [
        "input", "forward", "forward", "loss", "delta", "gradient", "delta", "gradient",
        "update", "update",
    ]  # fmt: skip
    # Mazur's published figures: E = 0.298371109, W5 after one update = 0.35891648,
    # and the error after 10,000 iterations 0.0000351085.
    assert data["iteration"]["E"] == pytest.approx(0.298371109, abs=5e-10)
    assert steps[8]["W_after"][0][0] == pytest.approx(0.35891648, abs=5e-9)
    assert data["result"]["loss"][-1] == pytest.approx(0.0000351085, abs=5e-11)
    delta_j = steps[6]
    assert delta_j["layer"] == "J" and set(delta_j) >= {"O", "f_prime", "sum_delta_W", "delta"}


def test_run_markdown_is_a_handout() -> None:
    result = bp_tui("run", "one_neuron", "--format", "markdown", "--epochs", "0")
    assert result.returncode == 0
    assert result.stdout.startswith("# The chain rule on one sigmoid neuron\n")
    assert "| | k1 |" in result.stdout or "|  | k1 |" in result.stdout
    assert "```" in result.stdout


def test_run_reports_divergence_with_exit_1() -> None:
    lesson = Path(__file__).parent / "data" / "diverging_lesson.yaml"
    result = bp_tui("run", str(lesson))
    assert result.returncode == 1
    assert "diverged in epoch" in result.stderr
    assert "Traceback" not in result.stderr


def test_list_finds_the_shipped_lessons_from_any_folder(tmp_path: Path) -> None:
    result = bp_tui("list", cwd=tmp_path)
    assert result.returncode == 0
    for name in ("one_neuron", "multi_output_perceptron", "two_two_two", "four_layers", "xor"):
        assert name in result.stdout
    assert "2-2-2" in result.stdout


def test_version() -> None:
    result = bp_tui("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("bp-tui ")


@pytest.mark.parametrize(
    "args",
    [
        ["run"],
        ["run", "two_two_two", "--epochs", "many"],
        ["run", "two_two_two", "--format", "pdf"],
        ["check"],
        ["--no-such-option"],
        ["run", "no_such_lesson"],
    ],
)
def test_bad_usage_exits_2_with_usage_and_no_traceback(args: list[str]) -> None:
    result = bp_tui(*args)
    assert result.returncode == 2
    assert "error" in result.stderr
    assert "Traceback" not in result.stderr


def test_schema_command_prints_the_published_schema() -> None:
    result = bp_tui("schema")
    assert result.returncode == 0
    published = json.loads((LESSONS / "lesson.schema.json").read_text(encoding="utf-8"))
    assert json.loads(result.stdout) == published
