"""The worked example of a lesson, as text, markdown or JSON (what `bp-tui run` prints).

A :class:`Report` gathers the numbers once: the first training iteration's trace and,
when the lesson trains, the loss history and the final weights. The renderers only
lay them out; every formula comes from :mod:`bp_tui.formulas`, as in the app.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from bp_tui.engine import Network, Phase, Step, Trace, TrainingResult
from bp_tui.engine.network import Array
from bp_tui.formulas import (
    DEFAULT_DIGITS,
    formula_count,
    matrix_name,
    node,
    number,
    step_formulas,
)
from bp_tui.lesson import Lesson
from bp_tui.words import word

#: Formulas printed per step before the rest are summarised (``--all`` prints every one).
FORMULA_LIMIT = 64


@dataclass(frozen=True, eq=False)
class Report:
    lesson: Lesson
    trace: Trace
    epochs: int
    training: TrainingResult | None


def build_report(lesson: Lesson, epochs: int | None = None) -> Report:
    """The first iteration of ``lesson`` and, for ``epochs`` > 0, a training run."""
    n = lesson.epochs if epochs is None else epochs
    training = lesson.train(n) if n > 0 else None
    return Report(lesson, lesson.first_trace(), n, training)


def summary_epochs(count: int) -> list[int]:
    """Epochs (from 1) to show of a run of ``count``: the first, every tenth, the last."""
    if count <= 0:
        return []
    marks = {1, count, *(round(count * k / 10) for k in range(1, 10))}
    return sorted(m for m in marks if 1 <= m <= count)


def step_title(trace: Trace, step: Step, index: int) -> str:
    """``Step 6 of 10 · Backward · δ of layer J``."""
    labels = trace.network.labels
    below = labels[step.layer - 1] if step.layer > 0 else ""
    what = word(f"step.{step.phase.value}", layer=labels[step.layer], below=below)
    position = word("step.position", index=index + 1, count=len(trace.steps))
    return f"{position.capitalize()} · {word(f'phase.{step.phase.value}')} · {what}"


def iteration_title(lesson: Lesson, trace: Trace) -> str:
    """Which sample or batch the iteration uses, with its inputs and targets."""
    if len(trace.samples) == 1:
        who = word("lesson.sample", index=trace.samples[0] + 1)
        return (
            f"{who}: {word('lesson.input')} {_vector(trace.inputs[0])}, "
            f"{word('lesson.target')} {_vector(trace.targets[0])}"
        )
    first, last = trace.samples[0] + 1, trace.samples[-1] + 1
    return word("lesson.batch", indices=f"{first}–{last}")


def network_line(lesson: Lesson) -> str:
    net = lesson.network
    acts = sorted({a.name for a in net.activations})
    formula, _ = net.loss.formulas(net.activations[-1])
    arrow = " → ".join(net.labels)
    return (
        f"{lesson.shape} ({arrow}) · {word('lesson.activation')} {', '.join(acts)} · "
        f"{word('lesson.bias')} {net.bias.value} · {word('lesson.loss')} {formula}"
    )


def training_line(lesson: Lesson) -> str:
    s = lesson.schedule
    mode = (
        word("lesson.mode.sample")
        if s.mode.value == "sample"
        else word("lesson.mode.batch", size=s.batch_size or s.n_samples)
    )
    return (
        f"η = {number(lesson.learning_rate)} · {word('lesson.mode')}: {mode} · "
        f"{word('lesson.samples')}: {s.n_samples}"
    )


def matrices(network: Network) -> Iterator[tuple[str, list[str], list[str], Array]]:
    """(name, row names, column names, values) of every weight matrix and bias vector."""
    labels = network.labels
    for layer, w in enumerate(network.weights):
        lower, upper = labels[layer], labels[layer + 1]
        rows = [node(lower, i) for i in range(w.shape[0])]
        cols = [node(upper, j) for j in range(w.shape[1])]
        yield matrix_name(lower, upper), rows, cols, w
        if network.bias.value != "none":
            yield f"b_{upper}", [""], cols, network.biases[layer][None, :]


# ── text and markdown ────────────────────────────────────────────────────────


def _vector(values: Array, digits: int = DEFAULT_DIGITS) -> str:
    return "[" + ", ".join(number(v, digits) for v in values) + "]"


#: Rows and columns of a weight matrix printed before the rest are summarised.
MATRIX_ROWS, MATRIX_COLS = 16, 10


def _table(
    rows: list[str], cols: list[str], values: Array, digits: int, show_all: bool = False
) -> list[list[str]]:
    """A matrix as cells with a header row; large ones keep their top-left corner."""
    n_rows = len(rows) if show_all else min(len(rows), MATRIX_ROWS)
    n_cols = len(cols) if show_all else min(len(cols), MATRIX_COLS)
    head = ["", *cols[:n_cols]]
    if n_cols < len(cols):
        head.append(f"… {len(cols) - n_cols} more")
    body = [[rows[r], *(number(v, digits) for v in values[r, :n_cols])] for r in range(n_rows)]
    if n_rows < len(rows):
        body.append([f"… {len(rows) - n_rows} more rows (--all prints them)"])
    return [head, *body]


def _text_table(cells: list[list[str]], indent: str = "  ") -> list[str]:
    full = [row for row in cells if len(row) > 1]  # a one-cell row is a note
    widths = [max(len(row[c]) for row in full if c < len(row)) for c in range(len(cells[0]))]
    return [
        indent + "  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=False)).rstrip()
        if len(row) > 1
        else indent + row[0]
        for row in cells
    ]


def _md_table(cells: list[list[str]]) -> list[str]:
    head, *body = cells
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in body if len(row) > 1]
    notes = [row[0] for row in body if len(row) == 1]
    return lines + (["", *notes] if notes else [])


def render_text(
    report: Report, digits: int = DEFAULT_DIGITS, markdown: bool = False, show_all: bool = False
) -> str:
    """The worked example as plain text, or as markdown when ``markdown`` is true."""
    lesson, trace = report.lesson, report.trace
    out: list[str] = []

    def heading(text: str, level: int) -> None:
        if markdown:
            out.extend([f"{'#' * level} {text}", ""])
        else:
            out.extend([text, ("=" if level == 1 else "-") * len(text), ""])

    def table(name: str, cells: list[list[str]]) -> None:
        if markdown:
            out.extend([f"**{name}**", "", *_md_table(cells), ""])
        else:
            out.extend([f"  {name}", *_text_table(cells, "    "), ""])

    def formula_lines(step: Step) -> None:
        limit = None if show_all else FORMULA_LIMIT
        lines = [f.render(digits) for f in step_formulas(trace, step, limit=limit)]
        rest = formula_count(trace, step) - len(lines)
        if rest > 0:
            lines.append(f"… {rest} more (--all prints every one)")
        if markdown:
            out.extend(["```", *lines, "```", ""])
        else:
            out.extend([*("  " + line for line in lines), ""])

    heading(lesson.title, 1)
    if lesson.summary.strip():
        out.extend([lesson.summary.strip(), ""])
    para = [f"{word('lesson.network')}: {network_line(lesson)}", training_line(lesson)]
    out.extend([*(f"{p}  " if markdown else p for p in para), ""])
    heading(word("lesson.initial"), 2)
    for name, rows, cols, values in matrices(trace.network):
        table(name, _table(rows, cols, values, digits, show_all))

    heading(f"{word('report.iteration')} · {iteration_title(lesson, trace)}", 2)
    for index, step in enumerate(trace.steps):
        title = step_title(trace, step, index)
        out.extend([f"**{title}**" if markdown else title, ""])
        formula_lines(step)

    if report.training is None:
        out.extend([word("report.no_training"), ""])
        return "\n".join(out).rstrip() + "\n"
    result = report.training
    heading(word("report.training", epochs=report.epochs), 2)
    out.extend([word("report.loss_history"), ""])
    cells = [[word("report.epoch"), "E"]]
    cells += [[str(e), number(result.losses[e - 1], digits)] for e in summary_epochs(result.epochs)]
    out.extend(_md_table(cells) if markdown else _text_table(cells))
    out.append("")
    if result.divergence is not None:
        out.extend([word("report.diverged", message=str(result.divergence)), ""])
    heading(word("report.final_weights"), 2)
    for name, rows, cols, values in matrices(result.network):
        table(name, _table(rows, cols, values, digits, show_all))
    return "\n".join(out).rstrip() + "\n"


# ── JSON ─────────────────────────────────────────────────────────────────────


def _floats(values: Array | None) -> object:
    """Arrays as nested lists of Python floats: full precision, exactly round-tripped."""
    if values is None:
        return None
    return np.asarray(values, dtype=np.float64).tolist()


_STEP_FIELDS: dict[Phase, dict[str, str]] = {
    Phase.INPUT: {"O": "O"},
    Phase.FORWARD: {"O_below": "O_below", "W": "W", "b": "b", "x": "x", "O": "O"},
    Phase.LOSS: {"x": "x", "O": "O", "t": "t", "terms": "E_terms", "E": "E"},
    Phase.DELTA: {
        "O": "O",
        "f_prime": "f_prime",
        "back_sum": "sum_delta_W",
        "delta": "delta",
    },
    Phase.GRADIENT: {"O_below": "O_below", "delta": "delta", "dW": "dE_dW", "db": "dE_db"},
    Phase.UPDATE: {
        "W_before": "W_before",
        "W_after": "W_after",
        "b_before": "b_before",
        "b_after": "b_after",
    },
}


def report_data(report: Report) -> dict[str, object]:
    """The report as plain data (the JSON that `bp-tui run --format json` prints)."""
    lesson, trace = report.lesson, report.trace
    net = trace.network
    steps = []
    for index, step in enumerate(trace.steps):
        entry: dict[str, object] = {
            "step": index + 1,
            "phase": step.phase.value,
            "layer": net.labels[step.layer],
            "title": step_title(trace, step, index),
        }
        for attr, key in _STEP_FIELDS[step.phase].items():
            entry[key] = _floats(getattr(step, attr))
        if step.phase is Phase.LOSS:
            entry["E_mean"] = trace.E
        if step.phase is Phase.UPDATE:
            entry["eta"] = trace.learning_rate
        steps.append(entry)
    data: dict[str, object] = {
        "title": lesson.title,
        "lesson": str(lesson.path) if lesson.path else None,
        "network": {
            "layers": list(net.sizes),
            "labels": list(net.labels),
            "activations": [a.name for a in net.activations],
            "loss": net.loss.name,
            "bias": net.bias.value,
            "W": [_floats(w) for w in net.weights],
            "b": [_floats(b) for b in net.biases],
        },
        "training": {
            "eta": lesson.learning_rate,
            "mode": lesson.schedule.mode.value,
            "batch_size": lesson.schedule.batch_size or lesson.schedule.n_samples,
            "epochs": report.epochs,
        },
        "iteration": {
            "samples": [s + 1 for s in trace.samples],
            "E": trace.E,
            "steps": steps,
        },
        "result": None,
    }
    if report.training is not None:
        result = report.training
        losses = result.losses
        data["result"] = {
            "epochs_run": result.epochs,
            "loss_summary": [
                {"epoch": e, "E": float(losses[e - 1])} for e in summary_epochs(result.epochs)
            ],
            "loss": _floats(losses),
            "W": [_floats(w) for w in result.network.weights],
            "b": [_floats(b) for b in result.network.biases],
            "diverged": None if result.divergence is None else str(result.divergence),
        }
    return data


def render_json(report: Report) -> str:
    """:func:`report_data` as JSON; floats keep all 17 significant digits."""
    data = report_data(report)
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
