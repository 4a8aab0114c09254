"""Predict, then reveal: the backward pass of one iteration as questions.

Headless (no Textual). :func:`build_questions` turns a :class:`~bp_tui.engine.Trace` into
the questions of its backward pass, in the lecture's order: δ_k of the output layer,
∂E/∂W_jk, δ_j, ∂E/∂W_ij, … down to the first weight layer, then every updated weight W ←,
from the output layer down. Large layers are capped: each step asks about its first
:data:`QUESTIONS_PER_STEP` nodes or weights (weights row by row: W_i1j1, W_i1j2, …), and
each question knows how many its step has, so a screen can say how many were left out.
Biases are not asked about. In a batch, δ is asked for the batch's first sample (∂E/∂W
and the update are the batch's own).

Each :class:`Question` carries its correct value, the :class:`~bp_tui.formulas.Formula`
that explains it, the values it builds on (``given``), and the values the classic
mistakes of :mod:`bp_tui.engine.mistakes` (and a few other slips) would have produced
for that same quantity. :func:`judge` parses a typed answer and decides;
:class:`Quiz` walks through the questions and keeps the :class:`Score`.

**The tolerance rule.** A typed number ``a`` is right for the value ``v`` when

    |a − v| ≤ max(tol · |v|, ABSOLUTE_FLOOR)        tol = 1e-3 unless the lesson sets it

a relative tolerance (0.1 %: four significant digits are enough) with an absolute floor,
:data:`ABSOLUTE_FLOOR` = 1e-12, so that 0 is the right answer for a value of 0 (or of a
few 1e-13). For an updated weight the allowed error is, besides, at most half the update
½ |η ∂E/∂W|: a weight moves by little (0.15 → 0.14978) and the typed weight has to show
that it moved, so typing the old weight is never right. A wrong answer "matches" a
mistake's value (or a simple factor times the value) by the same rule with that value in
place of ``v``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import islice

import numpy as np

from bp_tui.engine import DeltaStep, GradientStep, Step, Trace, UpdateStep
from bp_tui.engine.mistakes import Mistake, Variant, all_variants
from bp_tui.formulas import (
    Formula,
    delta_formulas,
    f_prime_form,
    gradient_formula,
    node,
    update_formula,
    weight,
)
from bp_tui.words import word

#: The relative tolerance of an answer unless the lesson sets its own.
DEFAULT_TOLERANCE = 1e-3
#: The smallest allowed error: values this close to 0 are matched by 0.
ABSOLUTE_FLOOR = 1e-12
#: Questions asked per step: the first nodes (δ) or weights (∂E/∂W, W ←) of a layer.
QUESTIONS_PER_STEP = 4
#: Lines of values listed as known for one question before the rest are only counted.
GIVEN_LINES = 6
#: A wrong answer within this many times the allowed error is "close": a rounding slip.
CLOSE_FACTOR = 10.0
#: Significant digits advised at least, whatever the tolerance allows: an answer built
#: from values rounded to fewer digits drifts by more than their last digit.
DIGITS_ADVISED = 4


class Kind(StrEnum):
    DELTA = "delta"
    GRADIENT = "gradient"
    UPDATE = "update"


class Cause(StrEnum):
    """Why a wrong answer is wrong, when it can be told."""

    SIGN_FLIPPED = "sign_flipped"  # (t − O) for (O − t)
    NO_DERIVATIVE = "no_derivative"  # δ without f'(x)
    UPDATE_EARLY = "update_early"  # W_jk updated before δ_j was computed
    UPHILL = "uphill"  # W + η ∂E/∂W
    NO_ETA = "no_eta"  # W − ∂E/∂W
    CHANGE_ONLY = "change_only"  # −η ∂E/∂W: the change, not the new weight
    OLD_WEIGHT = "old_weight"  # W before the update
    WRONG_O = "wrong_o"  # ∂E/∂W_ij = O_j δ_j: the output of the node above
    CLOSE = "close"  # near the value but not within the tolerance: rounded too early
    OPPOSITE_SIGN = "opposite_sign"  # −value, with no classic mistake to explain it
    FACTOR = "factor"  # a simple factor (2, 0.5, 10, 0.1, η, 1/η) times the value


@dataclass(frozen=True)
class MistakeValue:
    """The value a slip gives for a question, and what to tell the student who typed it."""

    cause: Cause
    value: float
    text: str


#: Values known when a question is asked, that belong on one line: ``(("O_j1", 0.5933),)``.
Given = tuple[tuple[str, float], ...]


@dataclass(frozen=True, eq=False)
class Question:
    """One number of the backward pass to predict before it is revealed."""

    kind: Kind
    step: Step = field(repr=False)
    symbol: str  # δ_j1, ∂E/∂W_j1k1, W_j1k1
    prompt: str  # what is asked: "δ_j1", "W_j1k1 after the update"
    value: float
    formula: Formula = field(repr=False)  # how the lecture computes it, with the numbers
    learning_rate: float  # η of the iteration
    support: tuple[Formula, ...] = field(default=(), repr=False)  # Σ_k δ_k W_j1k, …
    given: tuple[Given, ...] = ()  # the values it needs, known by now, a few to a line
    given_more: int = 0  # lines of values it needs that are not listed (a large layer)
    mistakes: tuple[MistakeValue, ...] = ()
    change: float | None = None  # an update's −η ∂E/∂W
    index_in_step: int = 0  # which of its step's quantities it is (from 0)
    of_step: int = 1  # how many quantities its step has (more than are asked, when large)

    def allowed_error(
        self, tolerance: float = DEFAULT_TOLERANCE, value: float | None = None
    ) -> float:
        """How far an answer may be from ``value`` (the question's own by default)."""
        v = self.value if value is None else value
        allowed = tolerance * abs(v)
        if self.change is not None:
            allowed = min(allowed, abs(self.change) / 2)
        return max(allowed, ABSOLUTE_FLOOR)

    def digits_needed(self, tolerance: float = DEFAULT_TOLERANCE) -> int:
        """Significant digits to type: enough that rounding the value to them stays within
        the allowed error, and at least :data:`DIGITS_ADVISED`."""
        v = abs(self.value)
        if v == 0.0:
            return DIGITS_ADVISED
        exponent = math.floor(math.log10(v))
        need = exponent + 1 - math.log10(2 * self.allowed_error(tolerance))
        return max(DIGITS_ADVISED, math.ceil(need - 1e-9))


class Outcome(StrEnum):
    RIGHT = "right"
    WRONG = "wrong"
    SKIPPED = "skipped"
    NOT_A_NUMBER = "not_a_number"


@dataclass(frozen=True)
class Diagnosis:
    cause: Cause
    text: str


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    typed: float | None = None
    diagnosis: Diagnosis | None = None

    @property
    def counts(self) -> bool:
        """Whether this was an answer: "not a number" leaves the question open."""
        return self.outcome is not Outcome.NOT_A_NUMBER


@dataclass(frozen=True)
class Score:
    right: int
    wrong: int
    skipped: int
    total: int  # questions in the quiz, answered or not

    @property
    def answered(self) -> int:
        return self.right + self.wrong + self.skipped

    def text(self) -> str:
        """``7 of 10 right, 2 wrong, 1 skipped``."""
        return word(
            "quiz.score.line",
            right=self.right,
            total=self.total,
            wrong=self.wrong,
            skipped=self.skipped,
        )


def lesson_tolerance(lesson: object) -> float:
    """The tolerance a lesson sets for its quiz (``quiz: {tolerance: …}`` in the lesson
    file, read as ``lesson.quiz_tolerance``), or :data:`DEFAULT_TOLERANCE`."""
    return getattr(lesson, "quiz_tolerance", None) or DEFAULT_TOLERANCE


# ── reading a typed number ───────────────────────────────────────────────────

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
#: What people type for a minus sign: the minus sign itself, dashes, full-width forms.
_MINUSES = str.maketrans({"−": "-", "–": "-", "‐": "-", "﹣": "-", "－": "-"})


def parse_number(text: str) -> float | None:
    """The number typed in ``text`` ("0.0088", "-3.8e-2", "8.771E-3", "−0.038", ".5", "+2"),
    or ``None`` when it is not a plain decimal number (words, "1,5", "1e", "nan", "inf")."""
    cleaned = text.strip().translate(_MINUSES).replace(" ", "")
    if not _NUMBER.fullmatch(cleaned):
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None


# ── judging ──────────────────────────────────────────────────────────────────


def judge(question: Question, typed_text: str, tolerance: float = DEFAULT_TOLERANCE) -> Verdict:
    """Right or wrong by the module's tolerance rule; on a wrong answer, the likely reason.

    Text that is not a number gives :attr:`Outcome.NOT_A_NUMBER`, which is no answer.
    """
    typed = parse_number(typed_text)
    if typed is None:
        return Verdict(Outcome.NOT_A_NUMBER)
    if abs(typed - question.value) <= question.allowed_error(tolerance):
        return Verdict(Outcome.RIGHT, typed)
    return Verdict(Outcome.WRONG, typed, diagnose(question, typed, tolerance))


def diagnose(
    question: Question, typed: float, tolerance: float = DEFAULT_TOLERANCE
) -> Diagnosis | None:
    """Why ``typed``, a wrong answer, is wrong, when it looks like a known slip.

    In order: the value of a classic mistake (the first that matches), a rounding slip
    (within :data:`CLOSE_FACTOR` times the allowed error), then for δ and ∂E/∂W the
    opposite sign or a simple factor: 2, 0.5, 10, 0.1, η, 1/η. ``None`` when nothing fits.
    """
    v = question.value
    allowed = question.allowed_error(tolerance)

    def matches(target: float) -> bool:
        return abs(typed - target) <= question.allowed_error(tolerance, target)

    for mistake in question.mistakes:
        # A slip that gives (almost) the right value cannot be told from the truth.
        if abs(mistake.value - v) > allowed and matches(mistake.value):
            return Diagnosis(mistake.cause, mistake.text)
    if abs(typed - v) <= CLOSE_FACTOR * allowed:
        digits = question.digits_needed(tolerance)
        return Diagnosis(Cause.CLOSE, word("quiz.why.close", digits=digits))
    if question.kind is Kind.UPDATE or v == 0.0:
        return None
    if matches(-v):
        return Diagnosis(Cause.OPPOSITE_SIGN, word("quiz.why.opposite_sign"))
    for factor, name in _factors(question.learning_rate):
        if matches(factor * v):
            return Diagnosis(Cause.FACTOR, word("quiz.why.factor", factor=name))
    return None


def _factors(eta: float) -> list[tuple[float, str]]:
    """The simple factors a slip multiplies a value by, each with how to name it."""
    out = [(2.0, "2"), (0.5, "0.5"), (10.0, "10"), (0.1, "0.1")]
    seen = {f for f, _ in out} | {1.0}
    if eta > 0:
        for factor, name in ((eta, f"η = {eta:g}"), (1 / eta, f"1/η = {1 / eta:g}")):
            if not any(math.isclose(factor, s) for s in seen):
                out.append((factor, name))
                seen.add(factor)
    return out


# ── the questions of an iteration ────────────────────────────────────────────


def build_questions(
    trace: Trace, per_step: int = QUESTIONS_PER_STEP, row: int = 0
) -> list[Question]:
    """The questions of ``trace``'s backward pass and update, in the lecture's order.

    Each step asks about its first ``per_step`` nodes or weights; ``row`` is the sample of
    a batch whose δ is asked.
    """
    variants = {
        v.mistake: v
        for v in all_variants(trace.network, trace.inputs, trace.targets, trace.learning_rate)
    }
    questions: list[Question] = []
    for step in trace.steps:
        if isinstance(step, DeltaStep):
            questions += _delta_questions(trace, step, variants, per_step, row)
        elif isinstance(step, GradientStep):
            questions += _gradient_questions(trace, step, variants, per_step)
        elif isinstance(step, UpdateStep):
            questions += _update_questions(trace, step, variants, per_step)
    return questions


def step_heading(trace: Trace, step: Step) -> str:
    """``Backward · δ of layer J``: the phase and what the step computes."""
    labels = trace.network.labels
    below = labels[step.layer - 1] if step.layer > 0 else ""
    what = word(f"step.{step.phase.value}", layer=labels[step.layer], below=below)
    return f"{word(f'phase.{step.phase.value}')} · {what}"


def _letters(trace: Trace, layer: int) -> tuple[str, str, str]:
    """The lower-case letters of the layer below, this layer and the output layer."""
    labels = [label.lower() for label in trace.network.labels]
    return labels[layer - 1], labels[layer], labels[-1]


def _mistake_texts(trace: Trace, layer: int) -> dict[Cause, str]:
    """What each classic mistake does to a quantity of node layer ``layer``."""
    _, me, k = _letters(trace, layer)
    labels = [label.lower() for label in trace.network.labels]
    above = labels[layer + 1] if layer + 1 < len(labels) else k
    act = trace.network.activations[layer - 1]
    derivative, _ = f_prime_form(act, me, 0.0, 0.0)
    return {
        Cause.SIGN_FLIPPED: word("quiz.why.sign_flipped", k=k),
        Cause.NO_DERIVATIVE: word("quiz.why.no_derivative", derivative=derivative, layer=me),
        Cause.UPDATE_EARLY: word("quiz.why.update_early", layer=me, above=above),
    }


def _classic(
    trace: Trace,
    layer: int,
    variants: dict[Mistake | None, Variant],
    pick: Callable[[Variant], float],
    mistakes: tuple[Mistake, ...] = (
        Mistake.SIGN_FLIPPED,
        Mistake.NO_DERIVATIVE,
        Mistake.UPDATE_EARLY,
    ),
) -> list[MistakeValue]:
    texts = _mistake_texts(trace, layer)
    out = []
    for mistake in mistakes:
        cause = Cause(mistake.value)
        out.append(MistakeValue(cause, float(pick(variants[mistake])), texts[cause]))
    return out


def _listed(lines: list[Given]) -> tuple[tuple[Given, ...], int]:
    """The lines of given values to list, and how many more lines there are."""
    return tuple(lines[:GIVEN_LINES]), max(0, len(lines) - GIVEN_LINES)


def _sample_name(trace: Trace, name: str, row: int) -> str:
    """``name``, marked with its sample when the iteration is a batch."""
    if len(trace.samples) == 1:
        return name
    return word("quiz.of_sample", name=name, index=trace.samples[row] + 1)


def _delta_questions(
    trace: Trace,
    step: DeltaStep,
    variants: dict[Mistake | None, Variant],
    per_step: int,
    row: int,
) -> list[Question]:
    net = trace.network
    layer = step.layer
    label = net.labels[layer]
    act = net.activations[layer - 1]
    size = step.delta.shape[1]
    asked = min(size, per_step)
    formulas = {f.symbol: f for f in _delta_formulas_of(trace, step, row, asked)}
    x = trace.forward(layer).x
    out = []
    for j in range(asked):
        n = node(label, j)
        symbol = f"δ_{n}"
        formula = formulas[symbol]

        def of_sample(name: str) -> str:
            return _sample_name(trace, name, row)

        mine: list[tuple[str, float]] = []  # what f'(x) of this node is computed from
        if act.name == "relu":
            mine.append((of_sample(f"x_{n}"), float(x[row, j])))
        elif act.name != "linear":
            mine.append((of_sample(f"O_{n}"), float(step.O[row, j])))
        lines: list[Given] = []
        support: tuple[Formula, ...] = ()
        if step.back_sum is None:  # the output layer: O − t, whatever f' is computed from
            assert step.t is not None
            o_n = (of_sample(f"O_{n}"), float(step.O[row, j]))
            first = mine if o_n in mine else [*mine, o_n]
            lines.append((*first, (of_sample(f"t_{n}"), float(step.t[row, j]))))
        else:
            assert step.W_above is not None and step.delta_above is not None
            above = net.labels[layer + 1]
            a = above.lower()
            support = (formulas[f"Σ_{a} δ_{a} W_{n}{a}"],)
            if mine:
                lines.append(tuple(mine))
            for k in range(step.W_above.shape[1]):
                nk = node(above, k)
                lines.append(
                    (
                        (of_sample(f"δ_{nk}"), float(step.delta_above[row, k])),
                        (weight(label, j, above, k), float(step.W_above[j, k])),
                    )
                )
        listed, more = _listed(lines)
        out.append(
            Question(
                kind=Kind.DELTA,
                step=step,
                symbol=symbol,
                prompt=of_sample(symbol),
                value=float(step.delta[row, j]),
                formula=formula,
                learning_rate=trace.learning_rate,
                support=support,
                given=listed,
                given_more=more,
                mistakes=tuple(
                    _classic(trace, layer, variants, lambda v, j=j: v.deltas[layer - 1][row, j])
                ),
                index_in_step=j,
                of_step=size,
            )
        )
    return out


def _delta_formulas_of(trace: Trace, step: DeltaStep, row: int, asked: int) -> list[Formula]:
    """The formulas of the first ``asked`` nodes of a δ step (Σ and δ of a hidden node)."""
    formulas = delta_formulas(trace, step, row)
    per_node = 1 if step.back_sum is None else 2
    return formulas[: asked * per_node]


def _weights_asked(shape: tuple[int, ...], per_step: int) -> list[tuple[int, int]]:
    """The first ``per_step`` weights of a matrix, row by row."""
    return [(int(i), int(j)) for i, j in islice(np.ndindex(shape), per_step)]


def _gradient_questions(
    trace: Trace,
    step: GradientStep,
    variants: dict[Mistake | None, Variant],
    per_step: int,
) -> list[Question]:
    net = trace.network
    layer = step.layer
    lower, upper = net.labels[layer - 1], net.labels[layer]
    O_above = trace.forward(layer).O
    rows = step.delta.shape[0]
    out = []
    for index, (i, j) in enumerate(_weights_asked(step.dW.shape, per_step)):
        w = weight(lower, i, upper, j)
        symbol = f"∂E/∂{w}"
        oi, nj = f"O_{node(lower, i)}", node(upper, j)
        listed, more = _listed(
            [
                (
                    (_sample_name(trace, oi, s), float(step.O_below[s, i])),
                    (_sample_name(trace, f"δ_{nj}", s), float(step.delta[s, j])),
                )
                for s in range(rows)
            ]
        )
        mistakes = _classic(trace, layer, variants, lambda v, i=i, j=j: v.dW[layer - 1][i, j])
        wrong_o = float(np.mean(O_above[:, j] * step.delta[:, j]))
        text = word("quiz.why.wrong_o", w=w, oi=oi, oj=f"O_{nj}", delta=f"δ_{nj}")
        mistakes.append(MistakeValue(Cause.WRONG_O, wrong_o, text))
        out.append(
            Question(
                kind=Kind.GRADIENT,
                step=step,
                symbol=symbol,
                prompt=symbol,
                value=float(step.dW[i, j]),
                formula=gradient_formula(trace, step, i, j),
                learning_rate=trace.learning_rate,
                given=listed,
                given_more=more,
                mistakes=tuple(mistakes),
                index_in_step=index,
                of_step=int(step.dW.size),
            )
        )
    return out


def _update_questions(
    trace: Trace,
    step: UpdateStep,
    variants: dict[Mistake | None, Variant],
    per_step: int,
) -> list[Question]:
    net = trace.network
    layer = step.layer
    lower, upper = net.labels[layer - 1], net.labels[layer]
    eta = step.learning_rate
    out = []
    for index, (i, j) in enumerate(_weights_asked(step.W_before.shape, per_step)):
        w = weight(lower, i, upper, j)
        before, grad = float(step.W_before[i, j]), float(step.dW[i, j])
        after = float(step.W_after[i, j])
        # (t − O) in δ gives exactly W + η ∂E/∂W: "uphill" names both, so it comes first.
        mistakes = [MistakeValue(Cause.UPHILL, before + eta * grad, word("quiz.why.uphill"))]
        mistakes += _classic(
            trace,
            layer,
            variants,
            lambda v, i=i, j=j: v.updated.weights[layer - 1][i, j],
            (Mistake.UPDATE_EARLY, Mistake.NO_DERIVATIVE),
        )
        if eta != 1.0:
            no_eta = word("quiz.why.no_eta", eta=f"{eta:g}")
            mistakes.append(MistakeValue(Cause.NO_ETA, before - grad, no_eta))
        mistakes.append(MistakeValue(Cause.CHANGE_ONLY, -eta * grad, word("quiz.why.change_only")))
        mistakes.append(MistakeValue(Cause.OLD_WEIGHT, before, word("quiz.why.old_weight")))
        out.append(
            Question(
                kind=Kind.UPDATE,
                step=step,
                symbol=w,
                prompt=word("quiz.prompt.update", w=w),
                value=after,
                formula=update_formula(trace, step, i, j),
                learning_rate=eta,
                given=(((w, before), ("η", eta), (f"∂E/∂{w}", grad)),),
                mistakes=tuple(mistakes),
                change=after - before,
                index_in_step=index,
                of_step=int(step.W_before.size),
            )
        )
    return out


# ── a quiz: the questions, one at a time, and the score ──────────────────────


@dataclass(frozen=True)
class Answer:
    question: Question
    verdict: Verdict
    typed_text: str = ""


class Quiz:
    """The questions of one iteration asked in order: answer or skip, reveal, next."""

    def __init__(
        self,
        trace: Trace,
        tolerance: float = DEFAULT_TOLERANCE,
        per_step: int = QUESTIONS_PER_STEP,
        row: int = 0,
    ) -> None:
        self.trace = trace
        self.tolerance = tolerance
        self.questions = build_questions(trace, per_step, row)
        self.answers: list[Answer] = []
        self.index = 0  # the question asked (or revealed) now; len(questions) when done

    @property
    def done(self) -> bool:
        return self.index >= len(self.questions)

    @property
    def current(self) -> Question | None:
        return None if self.done else self.questions[self.index]

    @property
    def revealed(self) -> bool:
        """Whether the current question is answered or skipped (its value shown)."""
        return not self.done and len(self.answers) > self.index

    @property
    def last(self) -> Answer | None:
        """The current question's answer, once it is revealed."""
        return self.answers[self.index] if self.revealed else None

    def answer(self, text: str) -> Verdict:
        """Judge ``text`` for the current question; an answer (not "not a number") reveals it."""
        question = self.current
        if question is None or self.revealed:
            raise RuntimeError("no question is waiting for an answer")
        verdict = judge(question, text, self.tolerance)
        if verdict.counts:
            self.answers.append(Answer(question, verdict, text.strip()))
        return verdict

    def skip(self) -> Verdict:
        """Give up on the current question: it counts as skipped and is revealed."""
        question = self.current
        if question is None or self.revealed:
            raise RuntimeError("no question is waiting for an answer")
        verdict = Verdict(Outcome.SKIPPED)
        self.answers.append(Answer(question, verdict))
        return verdict

    def next(self) -> None:
        """On to the next question, once this one is revealed."""
        if self.revealed:
            self.index += 1

    @property
    def score(self) -> Score:
        outcomes = [a.verdict.outcome for a in self.answers]
        return Score(
            right=outcomes.count(Outcome.RIGHT),
            wrong=outcomes.count(Outcome.WRONG),
            skipped=outcomes.count(Outcome.SKIPPED),
            total=len(self.questions),
        )

    @property
    def missed(self) -> list[Answer]:
        """The answers that were wrong or skipped, in order."""
        return [a for a in self.answers if a.verdict.outcome is not Outcome.RIGHT]
