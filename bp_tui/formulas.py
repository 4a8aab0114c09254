"""The lecture's equations with the lesson's numbers put in, produced once, as data.

Every number of a :class:`~bp_tui.engine.Trace` has a :class:`Formula`: its symbol
(``δ_j1``), the lecture's general form (``O_j(1 − O_j) Σ_k δ_k W_jk``), the same form
with this lesson's numbers substituted, and its value. Numbers stay floats until
:meth:`Formula.render` is asked for a precision, so the TUI and the CLI render the very
same data and can never disagree.

Node names follow the lecture: the layer's letter in lower case and the node's number
from 1, so node 1 of layer J is ``j1``, its output ``O_j1`` and the weight from node 2
of I to it ``W_i2j1``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

import numpy as np

from bp_tui.engine import (
    Activation,
    BiasMode,
    DeltaStep,
    ForwardStep,
    GradientStep,
    InputStep,
    LossStep,
    Step,
    Trace,
    UpdateStep,
)

DEFAULT_DIGITS = 4


def number(value: float, digits: int = DEFAULT_DIGITS) -> str:
    """``value`` with ``digits`` significant digits, trailing zeros dropped (0.15, 0.5933).

    Very small or very large magnitudes use scientific notation (1.234e-07).
    """
    v = float(value)
    if v == 0.0:
        return "0"
    if not math.isfinite(v):
        return str(v)
    magnitude = abs(v)
    if 1e-4 <= magnitude < min(10.0**digits, 1e6):
        # Python's "g" rounds the exact binary value correctly and drops trailing zeros,
        # as numpy's formatter does, at a tenth of the cost; only a value that rounds up
        # to 10^digits (9999.5 at 4 digits) would come out with an exponent.
        text = format(v, f".{digits}g")
        if "e" not in text:
            return text
    if magnitude < 1e-4 or magnitude >= 1e6:
        return np.format_float_scientific(v, precision=digits - 1, unique=False, trim="-")
    return np.format_float_positional(v, precision=digits, unique=False, fractional=False, trim="-")


@dataclass(frozen=True)
class Num:
    """A number inside a substituted formula; negative ones get brackets after an operator."""

    value: float


Token = str | Num


@dataclass(frozen=True)
class Formula:
    """One number of the trace and how the lecture computes it."""

    symbol: str  # δ_j1
    general: str  # O_j1(1 − O_j1) Σ_k δ_k W_j1k
    substituted: tuple[Token, ...]  # the general form with numbers
    value: float
    relation: str = "="  # "←" for an update: the symbol takes a new value

    def substitution(self, digits: int = DEFAULT_DIGITS) -> str:
        """The substituted expression alone: ``0.5933 × (1 − 0.5933) × 0.03635``."""
        out: list[str] = []
        for i, tok in enumerate(self.substituted):
            if isinstance(tok, str):
                out.append(tok)
                continue
            text = number(tok.value, digits)
            after_operator = i > 0 and str(self.substituted[i - 1]).rstrip().endswith(
                ("×", "+", "−", "-", "(", "/", "ln", "σ(", "·")
            )
            if tok.value < 0 and after_operator and not out[-1].endswith("("):
                text = f"({text})"
            out.append(text)
        return "".join(out)

    def render(self, digits: int = DEFAULT_DIGITS) -> str:
        """``symbol = general = substituted = value``, skipping parts that repeat."""
        parts = []
        if self.general and self.general != self.symbol:
            parts.append(self.general)
        sub = self.substitution(digits)
        value = number(self.value, digits)
        if sub and sub != value:
            parts.append(sub)
        parts.append(value)
        return f"{self.symbol} {self.relation} " + " = ".join(parts)


# ── names in the lecture's notation ──────────────────────────────────────────


def node(label: str, index: int) -> str:
    """Node ``index`` (from 0) of the layer ``label``: ``j1`` for the first node of J."""
    base = label.lower()
    sep = "." if base[-1:].isdigit() else ""
    return f"{base}{sep}{index + 1}"


def weight(lower: str, i: int, upper: str, j: int) -> str:
    """``W_i1j2``; a comma separates the two nodes when either number has two digits."""
    a, b = node(lower, i), node(upper, j)
    sep = "," if i >= 9 or j >= 9 else ""
    return f"W_{a}{sep}{b}"


def matrix_name(lower: str, upper: str) -> str:
    """The weight matrix between two layers, ``W_IJ``."""
    return f"W_{lower}{upper}"


# ── the activation's derivative, written the lecture's way ────────────────────


def f_prime_form(
    act: Activation, n: str, o: float, f_prime: float
) -> tuple[str, tuple[Token, ...]]:
    """f'(x_n) as the lecture writes it for ``act``, general and substituted.

    ``o`` is O_n and ``f_prime`` the derivative's value, both from the trace.
    """
    if act.name == "sigmoid":
        return f"O_{n}(1 − O_{n})", (Num(o), " × (1 − ", Num(o), ")")
    if act.name == "tanh":
        return f"(1 − O_{n}²)", ("(1 − ", Num(o), "²)")
    if act.name == "relu":
        return f"[x_{n} > 0]", (Num(f_prime),)
    return "1", (Num(f_prime),)


#: Terms a substituted sum shows before the middle ones are counted instead (a node of a
#: 784-input layer has 784 products; the first three and the last say what happens).
MAX_TERMS = 8


def _sum(tokens: Sequence[tuple[Token, ...]], joiner: str = " + ") -> tuple[Token, ...]:
    """The terms joined by ``joiner``; a long sum keeps its first three terms and its last."""
    parts = list(tokens)
    if len(parts) > MAX_TERMS:
        hidden = len(parts) - 4
        parts = [*parts[:3], (f"… {hidden} more terms …",), parts[-1]]
    out: list[Token] = []
    for i, part in enumerate(parts):
        if i:
            out.append(joiner)
        out.extend(part)
    return tuple(out)


def _terms(count: int, term: Callable[[int], tuple[Token, ...]]) -> list[tuple[Token, ...]]:
    """``term(s)`` for the indices :func:`_sum` will show, and placeholders for the rest
    (so a sum over 784 inputs builds 4 terms, not 784)."""
    if count <= MAX_TERMS:
        return [term(s) for s in range(count)]
    terms: list[tuple[Token, ...]] = [()] * count
    for s in (0, 1, 2, count - 1):
        terms[s] = term(s)
    return terms


# ── formulas of each kind of step ─────────────────────────────────────────────


def input_formulas(trace: Trace, step: InputStep, row: int = 0) -> list[Formula]:
    label = trace.network.labels[0]
    return [Formula(f"O_{node(label, i)}", "", (), float(v)) for i, v in enumerate(step.O[row])]


def forward_formulas(trace: Trace, step: ForwardStep, row: int = 0) -> list[Formula]:
    net = trace.network
    lower, upper = net.labels[step.layer - 1], net.labels[step.layer]
    act = net.activations[step.layer - 1]
    biased = net.bias is not BiasMode.NONE
    out = []
    for j in range(step.x.shape[1]):
        n = node(upper, j)
        terms = _terms(
            step.O_below.shape[1],
            lambda i, j=j: (Num(float(step.O_below[row, i])), " × ", Num(float(step.W[i, j]))),
        )
        general = f"Σ_{lower.lower()} O_{lower.lower()} W_{lower.lower()}{n}"
        x_sub = _sum(terms)
        if biased:
            x_sub = (*x_sub, " + ", Num(float(step.b[j])))
            general += f" + b_{n}"
        out.append(Formula(f"x_{n}", general, x_sub, float(step.x[row, j])))
        x, o = float(step.x[row, j]), float(step.O[row, j])
        head, _, tail = act.notation.partition("{}")
        general_o = act.notation.format(f"x_{n}")
        sub: tuple[Token, ...] = (head, Num(x), tail)
        if act.name == "softmax":
            general_o = f"e^(x_{n}) / Σ e^(x_{upper.lower()})"
            exps = _terms(len(step.x[row]), lambda k: ("e^", Num(float(step.x[row, k]))))
            sub = ("e^", Num(x), " / (", *_sum(exps), ")")
        out.append(Formula(f"O_{n}", general_o, sub, o))
    return out


def loss_formulas(trace: Trace, step: LossStep, row: int = 0) -> list[Formula]:
    net = trace.network
    label = net.labels[-1]
    act = net.activations[-1]
    k = label.lower()
    formula, _ = net.loss.formulas(act)
    out = []
    terms = []
    for j in range(step.O.shape[1]):
        n = node(label, j)
        o, t = Num(float(step.O[row, j])), Num(float(step.t[row, j]))
        if net.loss.name == "mse":
            general, sub = f"½ (O_{n} − t_{n})²", ("½ × (", o, " − ", t, ")²")
        elif act.name == "softmax":
            general, sub = f"−t_{n} ln O_{n}", ("−", t, " × ln ", o)
        else:
            general = f"−[t_{n} ln O_{n} + (1 − t_{n}) ln(1 − O_{n})]"
            sub = ("−[", t, " × ln ", o, " + (1 − ", t, ") × ln(1 − ", o, ")]")
        value = float(step.terms[row, j])
        out.append(Formula(f"E_{n}", general, sub, value))
        terms.append((Num(value),))
    general_e = formula.removeprefix("E = ").replace("_k", f"_{k}")
    out.insert(0, Formula("E", general_e, _sum(terms), float(step.E[row])))
    return out


def delta_formulas(trace: Trace, step: DeltaStep, row: int = 0) -> list[Formula]:
    """Σ_k δ_k W_jk (hidden layers) and δ of every node of the step's layer."""
    net = trace.network
    label = net.labels[step.layer]
    act = net.activations[step.layer - 1]
    out = []
    for j in range(step.delta.shape[1]):
        n = node(label, j)
        value = float(step.delta[row, j])
        o = float(step.O[row, j])
        if step.back_sum is None:  # the output layer
            assert step.t is not None
            t = float(step.t[row, j])
            diff: tuple[Token, ...] = ("(", Num(o), " − ", Num(t), ")")
            if step.f_prime is None:  # cross-entropy: f' cancels
                out.append(Formula(f"δ_{n}", f"O_{n} − t_{n}", (Num(o), " − ", Num(t)), value))
                continue
            fp_general, fp_sub = f_prime_form(act, n, o, float(step.f_prime[row, j]))
            out.append(
                Formula(f"δ_{n}", f"{fp_general}(O_{n} − t_{n})", (*fp_sub, " × ", *diff), value)
            )
            continue
        assert step.W_above is not None and step.delta_above is not None
        above = net.labels[step.layer + 1]
        a = above.lower()
        terms = _terms(
            step.W_above.shape[1],
            lambda k, j=j: (
                Num(float(step.delta_above[row, k])),
                " × ",
                Num(float(step.W_above[j, k])),
            ),
        )
        back = float(step.back_sum[row, j])
        sum_symbol = f"Σ_{a} δ_{a} W_{n}{a}"
        out.append(Formula(sum_symbol, "", _sum(terms), back))
        assert step.f_prime is not None
        fp_general, fp_sub = f_prime_form(act, n, o, float(step.f_prime[row, j]))
        out.append(
            Formula(f"δ_{n}", f"{fp_general} {sum_symbol}", (*fp_sub, " × ", Num(back)), value)
        )
    return out


def gradient_formula(trace: Trace, step: GradientStep, i: int, j: int) -> Formula:
    """∂E/∂W_ij = O_i δ_j (for a batch, the mean over its samples)."""
    lower, upper = trace.network.labels[step.layer - 1], trace.network.labels[step.layer]
    ni, nj = node(lower, i), node(upper, j)
    rows = step.delta.shape[0]
    products = _terms(
        rows, lambda s: (Num(float(step.O_below[s, i])), " × ", Num(float(step.delta[s, j])))
    )
    general, sub = f"O_{ni} δ_{nj}", _sum(products)
    if rows > 1:
        general = f"mean over samples of O_{ni} δ_{nj}"
        sub = (f"(1/{rows}) × (", *sub, ")")
    return Formula(f"∂E/∂{weight(lower, i, upper, j)}", general, sub, float(step.dW[i, j]))


def bias_gradient_formula(trace: Trace, step: GradientStep, j: int) -> Formula:
    """∂E/∂b_j = δ_j (for a batch, the mean over its samples)."""
    nj = node(trace.network.labels[step.layer], j)
    rows = step.delta.shape[0]
    general, sub = f"δ_{nj}", _sum(_terms(rows, lambda s: (Num(float(step.delta[s, j])),)))
    if rows > 1:
        general = f"mean over samples of δ_{nj}"
        sub = (f"(1/{rows}) × (", *sub, ")")
    return Formula(f"∂E/∂b_{nj}", general, sub, float(step.db[j]))


def gradient_formulas(trace: Trace, step: GradientStep) -> Iterator[Formula]:
    """∂E/∂W_ij for every weight into the step's layer, then ∂E/∂b_j, row by row."""
    for i, j in np.ndindex(step.dW.shape):
        yield gradient_formula(trace, step, i, j)
    if trace.network.bias is not BiasMode.NONE:
        for j in range(step.db.shape[0]):
            yield bias_gradient_formula(trace, step, j)


def update_formula(trace: Trace, step: UpdateStep, i: int, j: int) -> Formula:
    """W_ij ← W_ij − η ∂E/∂W_ij."""
    lower, upper = trace.network.labels[step.layer - 1], trace.network.labels[step.layer]
    w = weight(lower, i, upper, j)
    eta = Num(step.learning_rate)
    sub = (Num(float(step.W_before[i, j])), " − ", eta, " × ", Num(float(step.dW[i, j])))
    return Formula(w, f"{w} − η ∂E/∂{w}", sub, float(step.W_after[i, j]), relation="←")


def update_formulas(trace: Trace, step: UpdateStep) -> Iterator[Formula]:
    """The update of every weight into the step's layer, then of its biases if trained."""
    for i, j in np.ndindex(step.W_before.shape):
        yield update_formula(trace, step, i, j)
    if step.bias is BiasMode.TRAINED:
        eta = Num(step.learning_rate)
        for j in range(step.b_before.shape[0]):
            b = f"b_{node(trace.network.labels[step.layer], j)}"
            sub = (Num(float(step.b_before[j])), " − ", eta, " × ", Num(float(step.db[j])))
            yield Formula(b, f"{b} − η ∂E/∂{b}", sub, float(step.b_after[j]), relation="←")


def step_formulas(
    trace: Trace, step: Step, row: int = 0, limit: int | None = None
) -> list[Formula]:
    """The formulas of ``step`` (the first ``limit`` of them, when given); ``row`` picks
    the sample of a batch for the steps that are per sample."""
    formulas: Iterable[Formula]
    if isinstance(step, InputStep):
        formulas = input_formulas(trace, step, row)
    elif isinstance(step, ForwardStep):
        formulas = forward_formulas(trace, step, row)
    elif isinstance(step, LossStep):
        formulas = loss_formulas(trace, step, row)
    elif isinstance(step, DeltaStep):
        formulas = delta_formulas(trace, step, row)
    elif isinstance(step, GradientStep):
        formulas = gradient_formulas(trace, step)
    elif isinstance(step, UpdateStep):
        formulas = update_formulas(trace, step)
    else:
        raise TypeError(f"no formulas for {type(step).__name__}")
    return list(islice(formulas, limit))


def formula_count(trace: Trace, step: Step) -> int:
    """How many formulas :func:`step_formulas` gives for ``step`` without a limit."""
    net = trace.network
    size = net.sizes[step.layer]
    below = net.sizes[step.layer - 1] if step.layer > 0 else 0
    if isinstance(step, InputStep):
        return size
    if isinstance(step, ForwardStep):
        return 2 * size
    if isinstance(step, LossStep):
        return 1 + size
    if isinstance(step, DeltaStep):
        return size if step.back_sum is None else 2 * size
    if isinstance(step, GradientStep):
        return below * size + (size if net.bias is not BiasMode.NONE else 0)
    if isinstance(step, UpdateStep):
        return below * size + (size if step.bias is BiasMode.TRAINED else 0)
    raise TypeError(f"no formulas for {type(step).__name__}")


def all_formulas(trace: Trace, row: int = 0) -> Iterator[tuple[Step, list[Formula]]]:
    """Each step of ``trace`` with its formulas, in order."""
    for step in trace.steps:
        yield step, step_formulas(trace, step, row)


def step_law(trace: Trace, step: Step) -> str:
    """The lecture's general equation of ``step``, with the layers' own letters.

    ``δ_j = O_j(1 − O_j) Σ_k δ_k W_jk`` for the hidden layer J of a sigmoid network.
    """
    net = trace.network
    labels = [label.lower() for label in net.labels]
    me = labels[step.layer]
    below = labels[step.layer - 1] if step.layer > 0 else ""
    bias = f" + b_{me}" if net.bias is not BiasMode.NONE else ""
    if isinstance(step, InputStep):
        return f"O_{me} = the sample's input {me}"
    act = net.activations[step.layer - 1]
    if isinstance(step, ForwardStep):
        o = f"O_{me} = {act.notation.format(f'x_{me}')}"
        if act.name == "softmax":
            o = f"O_{me} = e^(x_{me}) / Σ e^(x_{me}')"
        return f"x_{me} = Σ_{below} O_{below} W_{below}{me}{bias},   {o}"
    if isinstance(step, LossStep):
        formula, _ = net.loss.formulas(act)
        return formula.replace("_k", f"_{me}")
    if isinstance(step, DeltaStep):
        if step.back_sum is None:
            if step.f_prime is None:
                return f"δ_{me} = O_{me} − t_{me}"
            fp, _ = f_prime_form(act, me, 0.0, 0.0)
            return f"δ_{me} = {fp}(O_{me} − t_{me})"
        above = labels[step.layer + 1]
        fp, _ = f_prime_form(act, me, 0.0, 0.0)
        return f"δ_{me} = {fp} Σ_{above} δ_{above} W_{me}{above}"
    if isinstance(step, GradientStep):
        law = f"∂E/∂W_{below}{me} = O_{below} δ_{me}"
        return law + (f",   ∂E/∂b_{me} = δ_{me}" if net.bias is not BiasMode.NONE else "")
    if isinstance(step, UpdateStep):
        law = f"W_{below}{me} ← W_{below}{me} − η ∂E/∂W_{below}{me}"
        if net.bias is BiasMode.TRAINED:
            law += f",   b_{me} ← b_{me} − η ∂E/∂b_{me}"
        return law
    raise TypeError(f"no law for {type(step).__name__}")
