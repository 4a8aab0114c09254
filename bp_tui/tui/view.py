"""What each panel of the lesson screen shows, computed from a trace and a cursor.

Plain data, no widgets: the panels render these records, and the tests read them to
know what must be on screen. All numbers come from the trace; the formulas come from
:mod:`bp_tui.formulas`, so a selected cell and `bp-tui run` explain a number alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from bp_tui.engine import (
    DeltaStep,
    GradientStep,
    InputStep,
    Phase,
    Step,
    Trace,
    UpdateStep,
)
from bp_tui.engine.gradcheck import numerical_weight_gradient, relative_error
from bp_tui.formulas import (
    DEFAULT_DIGITS,
    Formula,
    Num,
    delta_formulas,
    f_prime_form,
    forward_formulas,
    gradient_formula,
    matrix_name,
    node,
    number,
    update_formula,
    weight,
)

#: The largest matrix shown cell by cell; bigger ones show their top-left corner (a
#: 784×128 matrix would be 100,352 cells to build at every step).
MATRIX_ROWS, MATRIX_COLS = 16, 8
#: Nodes listed per layer in the network view before the rest are counted.
NODES_SHOWN = 8


@dataclass(frozen=True, eq=False)
class View:
    """The lesson screen's state: a trace, a step of it, and how to show numbers."""

    trace: Trace
    step_index: int
    iteration: int  # counted from 1 since the lesson's initial weights
    digits: int = DEFAULT_DIGITS
    row: int = 0  # which sample of a batch the per-sample panels show
    gradcheck: bool = False  # show central differences beside ∂E/∂W

    @property
    def step(self) -> Step:
        return self.trace.steps[self.step_index]

    @property
    def backward(self) -> bool:
        return self.step.phase in {Phase.DELTA, Phase.GRADIENT, Phase.UPDATE}

    def done(self, phase: Phase, layer: int) -> bool:
        """Whether the step of ``phase`` for ``layer`` is at or before the cursor."""
        return any(
            step.phase is phase and step.layer == layer
            for step in self.trace.steps[: self.step_index + 1]
        )


def reflow(markdown: str) -> str:
    """A lesson summary as plain paragraphs: the line breaks inside each one undone, so
    the panel wraps it to its own width."""
    paragraphs = markdown.strip().split("\n\n")
    return "\n\n".join(" ".join(ln.strip() for ln in p.splitlines()) for p in paragraphs)


# ── the network view ─────────────────────────────────────────────────────────


@dataclass(frozen=True)
class NodeValue:
    name: str  # j1
    symbol: str  # O, δ or x
    value: float | None  # None: not computed yet at this step


def node_values(view: View, layer: int) -> list[NodeValue]:
    """The value each node of ``layer`` shows: O going forward, δ going backward."""
    trace, row = view.trace, view.row
    label = trace.network.labels[layer]
    size = trace.network.sizes[layer]
    if view.backward and layer > 0:
        known = view.done(Phase.DELTA, layer)
        deltas = trace.delta(layer).delta[row] if known else None
        return [
            NodeValue(node(label, j), "δ", None if deltas is None else float(deltas[j]))
            for j in range(size)
        ]
    if layer == 0:
        outputs = trace.steps[0].O[row]  # type: ignore[attr-defined]
    elif view.done(Phase.FORWARD, layer):
        outputs = trace.forward(layer).O[row]
    else:
        outputs = None
    return [
        NodeValue(node(label, j), "O", None if outputs is None else float(outputs[j]))
        for j in range(size)
    ]


# ── the δ table ──────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class DeltaRow:
    """One node's row: O, f'(x), what comes from above, and δ, each with its formula."""

    layer: int
    name: str
    O: float
    f_prime: float | None
    from_above: float  # Σ_k δ_k W_jk for a hidden node, O_k − t_k for an output node
    delta: float
    formulas: dict[str, Formula]  # by column: "O", "f_prime", "from_above", "delta"


#: The δ table's columns: δ first (it must never scroll out of sight), then the two
#: factors it is the product of, then O.
DELTA_COLUMNS = ("node", "delta", "f_prime", "from_above", "O")


def delta_rows(view: View) -> list[DeltaRow]:
    """A row per node of every layer whose δ is computed at the cursor, output first."""
    trace, row = view.trace, view.row
    rows: list[DeltaRow] = []
    for step in trace.steps[: view.step_index + 1]:
        if not isinstance(step, DeltaStep):
            continue
        label = trace.network.labels[step.layer]
        formulas = delta_formulas(trace, step, row)
        forward = forward_formulas(trace, trace.forward(step.layer), row)
        hidden = step.back_sum is not None
        for j in range(step.delta.shape[1]):
            n = node(label, j)
            f_prime = None if step.f_prime is None else float(step.f_prime[row, j])
            o = float(step.O[row, j])
            if hidden:
                assert step.back_sum is not None
                above, delta_f = formulas[2 * j], formulas[2 * j + 1]
                from_above = float(step.back_sum[row, j])
            else:
                assert step.t is not None
                t = float(step.t[row, j])
                delta_f = formulas[j]
                from_above = o - t
                above = Formula(f"O_{n} − t_{n}", "", (Num(o), " − ", Num(t)), from_above)
            cells = {"O": forward[2 * j + 1], "from_above": above, "delta": delta_f}
            if f_prime is not None:
                cells["f_prime"] = _f_prime_formula(trace, step.layer, n, o, f_prime)
            rows.append(
                DeltaRow(step.layer, n, o, f_prime, from_above, float(step.delta[row, j]), cells)
            )
    return rows


def _f_prime_formula(trace: Trace, layer: int, n: str, o: float, f_prime: float) -> Formula:
    act = trace.network.activations[layer - 1]
    general, sub = f_prime_form(act, n, o, f_prime)
    return Formula(f"f'(x_{n})", general, sub, f_prime)


# ── the weight matrix of the current layer ───────────────────────────────────


@dataclass(frozen=True)
class Matrix:
    """The current layer's weights as the step sees them, rows i and columns j.

    Only the text of the shown cells is made up front; a cell's formula is built when it
    is asked for (:meth:`formula`), since a student selects one cell at a time.
    """

    title: str
    rows: list[str]
    cols: list[str]
    cells: list[list[str]]  # text per cell, at the view's precision
    explain: Callable[[int, int], Formula]  # the formula of cell (i, j)
    total_rows: int
    total_cols: int

    def formula(self, i: int, j: int) -> Formula | None:
        """The formula of the shown cell (i, j), or None outside the shown corner."""
        if 0 <= i < len(self.rows) and 0 <= j < len(self.cols):
            return self.explain(i, j)
        return None


@dataclass(frozen=True)
class Check:
    """∂E/∂W_ij by backprop and by central differences, and their relative error."""

    exact: float
    numeric: float
    error: float


#: Matrices up to this many weights show a gradient check in every cell (each check is two
#: forward passes); larger ones check the selected cell only.
GRADCHECK_CELLS = 400


def gradient_check(view: View, layer: int, i: int, j: int) -> Check:
    """Backprop's ∂E/∂W_ij of the weights into ``layer`` against a central difference."""
    trace = view.trace
    exact = float(trace.gradient(layer).dW[i, j])
    numeric = numerical_weight_gradient(trace.network, trace.inputs, trace.targets, layer - 1, i, j)
    return Check(exact, numeric, float(relative_error(exact, numeric)))


def gradient_checks(view: View, layer: int, rows: int, cols: int) -> list[list[Check]]:
    return [[gradient_check(view, layer, i, j) for j in range(cols)] for i in range(rows)]


def matrix_layer(step: Step) -> int:
    """The node layer whose incoming weights the step concerns."""
    if isinstance(step, InputStep):
        return 1
    if isinstance(step, DeltaStep) and step.W_above is not None:
        return step.layer + 1
    return step.layer


def weight_matrix(view: View) -> Matrix:
    """W (input, forward, loss, δ steps), ∂E/∂W (gradient) or W before → after (update)."""
    trace, step, digits = view.trace, view.step, view.digits
    layer = matrix_layer(step)
    labels = trace.network.labels
    lower, upper = labels[layer - 1], labels[layer]
    w = trace.network.weights[layer - 1]
    n_rows, n_cols = w.shape
    shown_r, shown_c = min(n_rows, MATRIX_ROWS), min(n_cols, MATRIX_COLS)
    name = matrix_name(lower, upper)
    explain: Callable[[int, int], Formula]
    if isinstance(step, GradientStep):
        title = f"∂E/∂{name}"
        values = step.dW[:shown_r, :shown_c]
        cells = [[number(v, digits) for v in row] for row in values]
        explain = partial(gradient_formula, trace, step)
        if view.gradcheck and trace.network.weights[layer - 1].size <= GRADCHECK_CELLS:
            title += "  ≈ central difference [relative error]"
            cells = [
                [
                    f"{cell} ≈ {number(c.numeric, digits)} [{number(c.error, 2)}]"
                    for cell, c in zip(row, checks, strict=True)
                ]
                for row, checks in zip(
                    cells, gradient_checks(view, layer, shown_r, shown_c), strict=True
                )
            ]
    elif isinstance(step, UpdateStep):
        title = f"{name}: before → after"
        before, after = step.W_before[:shown_r, :shown_c], step.W_after[:shown_r, :shown_c]
        cells = [
            [f"{number(b, digits)} → {number(a, digits)}" for b, a in zip(rb, ra, strict=True)]
            for rb, ra in zip(before, after, strict=True)
        ]
        explain = partial(update_formula, trace, step)
    else:
        title = name
        cells = [[number(v, digits) for v in row] for row in w[:shown_r, :shown_c]]

        def explain(i: int, j: int) -> Formula:
            return Formula(weight(lower, i, upper, j), "", (), float(w[i, j]))

    return Matrix(
        title=title,
        rows=[node(lower, i) for i in range(shown_r)],
        cols=[node(upper, j) for j in range(shown_c)],
        cells=cells,
        explain=explain,
        total_rows=n_rows,
        total_cols=n_cols,
    )
