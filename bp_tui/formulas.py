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

from collections.abc import Iterator
from dataclasses import dataclass

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
    if not np.isfinite(v):
        return str(v)
    if abs(v) < 1e-4 or abs(v) >= 1e6:
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


def _sum(tokens: list[tuple[Token, ...]], joiner: str = " + ") -> tuple[Token, ...]:
    out: list[Token] = []
    for i, part in enumerate(tokens):
        if i:
            out.append(joiner)
        out.extend(part)
    return tuple(out)


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
        terms = [
            (Num(float(step.O_below[row, i])), " × ", Num(float(step.W[i, j])))
            for i in range(step.O_below.shape[1])
        ]
        general = f"Σ_{lower.lower()} O_{lower.lower()} W_{lower.lower()}{n}"
        if biased:
            terms.append((Num(float(step.b[j])),))
            general += f" + b_{n}"
        out.append(Formula(f"x_{n}", general, _sum(terms), float(step.x[row, j])))
        x, o = float(step.x[row, j]), float(step.O[row, j])
        head, _, tail = act.notation.partition("{}")
        general_o = act.notation.format(f"x_{n}")
        sub: tuple[Token, ...] = (head, Num(x), tail)
        if act.name == "softmax":
            general_o = f"e^(x_{n}) / Σ e^(x_{upper.lower()})"
            exps = [("e^", Num(float(v))) for v in step.x[row]]
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
        terms = [
            (Num(float(step.delta_above[row, k])), " × ", Num(float(step.W_above[j, k])))
            for k in range(step.W_above.shape[1])
        ]
        back = float(step.back_sum[row, j])
        sum_symbol = f"Σ_{a} δ_{a} W_{n}{a}"
        out.append(Formula(sum_symbol, "", _sum(terms), back))
        assert step.f_prime is not None
        fp_general, fp_sub = f_prime_form(act, n, o, float(step.f_prime[row, j]))
        out.append(
            Formula(f"δ_{n}", f"{fp_general} {sum_symbol}", (*fp_sub, " × ", Num(back)), value)
        )
    return out


def gradient_formulas(trace: Trace, step: GradientStep) -> list[Formula]:
    """∂E/∂W_ij = O_i δ_j for every weight into the step's layer (a batch: their mean)."""
    net = trace.network
    lower, upper = net.labels[step.layer - 1], net.labels[step.layer]
    rows = step.delta.shape[0]
    out = []
    for i in range(step.dW.shape[0]):
        for j in range(step.dW.shape[1]):
            ni, nj = node(lower, i), node(upper, j)
            products = [
                (Num(float(step.O_below[s, i])), " × ", Num(float(step.delta[s, j])))
                for s in range(rows)
            ]
            general = f"O_{ni} δ_{nj}"
            sub = _sum(products)
            if rows > 1:
                general = f"mean over samples of O_{ni} δ_{nj}"
                sub = (f"(1/{rows}) × (", *sub, ")")
            out.append(
                Formula(f"∂E/∂{weight(lower, i, upper, j)}", general, sub, float(step.dW[i, j]))
            )
    if net.bias is not BiasMode.NONE:
        for j in range(step.db.shape[0]):
            nj = node(upper, j)
            deltas = [(Num(float(step.delta[s, j])),) for s in range(rows)]
            general, sub = f"δ_{nj}", _sum(deltas)
            if rows > 1:
                general = f"mean over samples of δ_{nj}"
                sub = (f"(1/{rows}) × (", *sub, ")")
            out.append(Formula(f"∂E/∂b_{nj}", general, sub, float(step.db[j])))
    return out


def update_formulas(trace: Trace, step: UpdateStep) -> list[Formula]:
    """W_ij ← W_ij − η ∂E/∂W_ij for every weight into the step's layer."""
    net = trace.network
    lower, upper = net.labels[step.layer - 1], net.labels[step.layer]
    eta = Num(step.learning_rate)
    out = []
    for i in range(step.W_before.shape[0]):
        for j in range(step.W_before.shape[1]):
            w = weight(lower, i, upper, j)
            sub = (Num(float(step.W_before[i, j])), " − ", eta, " × ", Num(float(step.dW[i, j])))
            out.append(Formula(w, f"{w} − η ∂E/∂{w}", sub, float(step.W_after[i, j]), relation="←"))
    if step.bias is BiasMode.TRAINED:
        for j in range(step.b_before.shape[0]):
            b = f"b_{node(upper, j)}"
            sub = (Num(float(step.b_before[j])), " − ", eta, " × ", Num(float(step.db[j])))
            out.append(Formula(b, f"{b} − η ∂E/∂{b}", sub, float(step.b_after[j]), relation="←"))
    return out


def step_formulas(trace: Trace, step: Step, row: int = 0) -> list[Formula]:
    """Every formula of ``step``; ``row`` picks the sample of a batch for per-sample steps."""
    if isinstance(step, InputStep):
        return input_formulas(trace, step, row)
    if isinstance(step, ForwardStep):
        return forward_formulas(trace, step, row)
    if isinstance(step, LossStep):
        return loss_formulas(trace, step, row)
    if isinstance(step, DeltaStep):
        return delta_formulas(trace, step, row)
    if isinstance(step, GradientStep):
        return gradient_formulas(trace, step)
    if isinstance(step, UpdateStep):
        return update_formulas(trace, step)
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
