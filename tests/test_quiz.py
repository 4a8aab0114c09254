"""Predict, then reveal: the quiz's questions, judging and diagnoses, and the quiz screen.

Expected values are worked out here by hand, with ``math``, from the 2-2-2 lesson's
numbers (Matt Mazur's example), never read from the engine: the quiz must agree with
the lecture's arithmetic, not merely with itself.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from bp_tui.engine import trace_iteration
from bp_tui.formulas import number
from bp_tui.lesson import load_lesson
from bp_tui.quiz import (
    ABSOLUTE_FLOOR,
    DEFAULT_TOLERANCE,
    QUESTIONS_PER_STEP,
    Cause,
    Kind,
    Outcome,
    Question,
    Quiz,
    build_questions,
    judge,
    lesson_tolerance,
    parse_number,
)

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "bp_tui" / "lessons"
TWO_TWO_TWO = LESSONS / "03_two_two_two.yaml"
SIZE = (120, 40)


# ── the 2-2-2 lesson by hand ─────────────────────────────────────────────────


def sigma(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def by_hand() -> dict[str, float]:
    """Every quantity of the 2-2-2 lesson's first iteration, from the lesson's numbers."""
    i1, i2, t1, t2, eta = 0.05, 0.10, 0.01, 0.99, 0.5
    w = {"i1j1": 0.15, "i1j2": 0.25, "i2j1": 0.20, "i2j2": 0.30}
    w |= {"j1k1": 0.40, "j1k2": 0.50, "j2k1": 0.45, "j2k2": 0.55}
    b_j, b_k = 0.35, 0.60
    o = {"i1": i1, "i2": i2}
    o["j1"] = sigma(i1 * w["i1j1"] + i2 * w["i2j1"] + b_j)
    o["j2"] = sigma(i1 * w["i1j2"] + i2 * w["i2j2"] + b_j)
    o["k1"] = sigma(o["j1"] * w["j1k1"] + o["j2"] * w["j2k1"] + b_k)
    o["k2"] = sigma(o["j1"] * w["j1k2"] + o["j2"] * w["j2k2"] + b_k)
    v = {f"O_{n}": value for n, value in o.items()}
    v["δ_k1"] = o["k1"] * (1 - o["k1"]) * (o["k1"] - t1)
    v["δ_k2"] = o["k2"] * (1 - o["k2"]) * (o["k2"] - t2)
    for j in ("j1", "j2"):
        back = v["δ_k1"] * w[f"{j}k1"] + v["δ_k2"] * w[f"{j}k2"]
        v[f"δ_{j}"] = o[j] * (1 - o[j]) * back
    for lower, upper in (("j", "k"), ("i", "j")):
        for a in (1, 2):
            for c in (1, 2):
                name = f"{lower}{a}{upper}{c}"
                grad = o[f"{lower}{a}"] * v[f"δ_{upper}{c}"]
                v[f"∂E/∂W_{name}"] = grad
                v[f"W_{name}"] = w[name] - eta * grad
                v[f"W_{name} before"] = w[name]
    return v


HAND = by_hand()
#: The questions of the 2-2-2 lesson, in the lecture's order.
ORDER = [
    "δ_k1",
    "δ_k2",
    "∂E/∂W_j1k1",
    "∂E/∂W_j1k2",
    "∂E/∂W_j2k1",
    "∂E/∂W_j2k2",
    "δ_j1",
    "δ_j2",
    "∂E/∂W_i1j1",
    "∂E/∂W_i1j2",
    "∂E/∂W_i2j1",
    "∂E/∂W_i2j2",
    "W_j1k1",
    "W_j1k2",
    "W_j2k1",
    "W_j2k2",
    "W_i1j1",
    "W_i1j2",
    "W_i2j1",
    "W_i2j2",
]
#: Each answer as a student copies it from the lesson screen: four significant digits.
FOUR_DIGITS = [
    "0.1385",
    "-0.0381",
    "0.08217",
    "-0.0226",
    "0.08267",
    "-0.02274",
    "0.008771",
    "0.009954",
    "0.0004386",
    "0.0004977",
    "0.0008771",
    "0.0009954",
    "0.3589",
    "0.5113",
    "0.4087",
    "0.5614",
    "0.1498",
    "0.2498",
    "0.1996",
    "0.2995",
]


@pytest.fixture(scope="module")
def questions() -> dict[str, Question]:
    trace = load_lesson(TWO_TWO_TWO).first_trace()
    return {q.symbol: q for q in build_questions(trace)}


def test_hand_values_are_the_lecture_s() -> None:
    """The hand computation itself, against the numbers the lesson file promises."""
    assert HAND["O_k1"] == pytest.approx(0.75136507, abs=1e-8)
    assert HAND["δ_k1"] == pytest.approx(0.138498562, abs=1e-9)
    assert HAND["δ_j1"] == pytest.approx(0.008771354, abs=1e-9)
    assert HAND["W_j1k1"] == pytest.approx(0.35891648, abs=1e-8)


# ── the questions ────────────────────────────────────────────────────────────


def test_questions_come_in_the_lecture_s_order_with_the_hand_values() -> None:
    quiz = Quiz(load_lesson(TWO_TWO_TWO).first_trace())
    assert [q.symbol for q in quiz.questions] == ORDER
    for q in quiz.questions:
        assert q.value == pytest.approx(HAND[q.symbol], rel=1e-12, abs=1e-15), q.symbol
        assert q.formula.value == q.value
    kinds = "".join(q.kind.value[0] for q in quiz.questions)  # delta, gradient, update
    assert kinds == "dd" + "gggg" + "dd" + "gggg" + "uuuuuuuu"
    assert quiz.questions[0].kind is Kind.DELTA


def test_each_question_has_its_formula_and_what_it_needs(questions: dict[str, Question]) -> None:
    dk1 = questions["δ_k1"]
    assert dk1.prompt == "δ_k1"
    assert dk1.formula.render() == (
        "δ_k1 = O_k1(1 − O_k1)(O_k1 − t_k1) = 0.7514 × (1 − 0.7514) × (0.7514 − 0.01) = 0.1385"
    )
    assert dict(dk1.given[0]) == pytest.approx({"O_k1": HAND["O_k1"], "t_k1": 0.01})

    dj1 = questions["δ_j1"]
    assert [f.symbol for f in dj1.support] == ["Σ_k δ_k W_j1k"]
    assert dj1.support[0].value == pytest.approx(HAND["δ_k1"] * 0.4 + HAND["δ_k2"] * 0.5)
    given = dict(pair for line in dj1.given for pair in line)
    assert given == pytest.approx(
        {
            "O_j1": HAND["O_j1"],
            "δ_k1": HAND["δ_k1"],
            "W_j1k1": 0.4,
            "δ_k2": HAND["δ_k2"],
            "W_j1k2": 0.5,
        }
    )

    grad = questions["∂E/∂W_i2j1"]
    assert dict(grad.given[0]) == pytest.approx({"O_i2": 0.1, "δ_j1": HAND["δ_j1"]})
    assert grad.formula.render() == "∂E/∂W_i2j1 = O_i2 δ_j1 = 0.1 × 0.008771 = 0.0008771"

    update = questions["W_j1k1"]
    assert update.prompt == "W_j1k1 after the update"
    assert dict(update.given[0]) == pytest.approx(
        {"W_j1k1": 0.4, "η": 0.5, "∂E/∂W_j1k1": HAND["∂E/∂W_j1k1"]}
    )
    assert update.formula.render().startswith("W_j1k1 ← W_j1k1 − η ∂E/∂W_j1k1 = 0.4 − 0.5 × ")
    assert update.change == pytest.approx(-0.5 * HAND["∂E/∂W_j1k1"])


def test_a_large_layer_asks_about_its_first_nodes_and_weights_and_says_so() -> None:
    """784-128-10 in batches: 4 questions per step, each knowing how many its step has;
    δ is asked for the batch's first sample."""
    trace = load_lesson(LESSONS / "06_wide_784_128_10.yaml").first_trace()
    qs = build_questions(trace)
    assert len(qs) == 6 * QUESTIONS_PER_STEP
    assert [q.of_step for q in qs[::QUESTIONS_PER_STEP]] == [10, 1280, 128, 100352, 1280, 100352]
    assert [q.index_in_step for q in qs[:4]] == [0, 1, 2, 3]
    first = trace.samples[0] + 1
    assert qs[0].prompt == f"δ_k1 (sample {first})"
    assert [q.symbol for q in qs[4:8]] == [f"∂E/∂W_j1k{c}" for c in (1, 2, 3, 4)]
    hidden = qs[8]  # δ_j1: O_j1, then δ_k W_j1k for 10 nodes k, listed 6 lines at most
    assert len(hidden.given) == 6 and hidden.given_more == 11 - 6
    assert hidden.given[1][1][0] == "W_j1k1"  # weights are not per sample


def test_every_shipped_lesson_s_questions_match_its_trace(shipped_lesson: Path) -> None:
    """For every question: its value is the trace's, the value typed in full is right, the
    value rounded to the digits the quiz advises is right, and each slip's value that
    differs from the truth is judged wrong and named."""
    lesson = load_lesson(shipped_lesson)
    for q in build_questions(lesson.first_trace()):
        assert q.formula.value == q.value
        if (
            q.kind is Kind.DELTA
            and q.index_in_step == 0
            and q.step.layer == len(lesson.network.sizes) - 1
        ):
            known = [name.split(" ")[0] for line in q.given for name, _ in line]
            assert {"O_" + q.symbol[2:], "t_" + q.symbol[2:]} <= set(known), known
        assert judge(q, repr(q.value)).outcome is Outcome.RIGHT
        assert judge(q, number(q.value, q.digits_needed())).outcome is Outcome.RIGHT, q.symbol
        for mistake in q.mistakes:
            if abs(mistake.value - q.value) > q.allowed_error():
                verdict = judge(q, repr(mistake.value))
                assert verdict.outcome is Outcome.WRONG, (q.symbol, mistake.cause)
                assert verdict.diagnosis is not None


def test_four_significant_digits_from_the_lesson_screen_are_right(
    questions: dict[str, Question],
) -> None:
    for symbol, typed in zip(ORDER, FOUR_DIGITS, strict=True):
        assert judge(questions[symbol], typed).outcome is Outcome.RIGHT, symbol


# ── reading a typed number ───────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.0088", 0.0088),
        ("-3.8e-2", -0.038),
        ("8.771e-3", 0.008771),
        ("8.771E-3", 0.008771),
        ("−0.038", -0.038),  # the minus sign U+2212
        ("–0.038", -0.038),  # an en dash
        ("  0.1385 ", 0.1385),
        ("+2", 2.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("0", 0.0),
        ("1e3", 1000.0),
    ],
)
def test_numbers_are_read_in_every_usual_spelling(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text", ["", "abc", "1,5", "1e", "--1", "1.2.3", "nan", "inf", "1e999", "0x10", "1/2", "e5"]
)
def test_anything_else_is_not_a_number(text: str, questions: dict[str, Question]) -> None:
    assert parse_number(text) is None
    verdict = judge(questions["δ_k1"], text)
    assert verdict.outcome is Outcome.NOT_A_NUMBER
    assert not verdict.counts


# ── the tolerance ────────────────────────────────────────────────────────────


@pytest.mark.parametrize("symbol", ["δ_k1", "δ_k2", "∂E/∂W_j1k2"])
def test_right_within_the_relative_tolerance_and_wrong_just_outside(
    symbol: str, questions: dict[str, Question]
) -> None:
    """|typed − value| ≤ 1e-3 · |value|, for positive and negative values."""
    q = questions[symbol]
    v = HAND[symbol]
    for inside in (v * (1 + 0.999e-3), v * (1 - 0.999e-3)):
        assert judge(q, f"{inside:.15g}").outcome is Outcome.RIGHT
    for outside in (v * (1 + 1.001e-3), v * (1 - 1.001e-3)):
        assert judge(q, f"{outside:.15g}").outcome is Outcome.WRONG
    assert DEFAULT_TOLERANCE == 1e-3


def test_a_lesson_s_tolerance_is_used(questions: dict[str, Question]) -> None:
    q = questions["δ_k1"]
    half_percent = f"{HAND['δ_k1'] * 1.005:.15g}"
    assert judge(q, half_percent).outcome is Outcome.WRONG
    assert judge(q, half_percent, tolerance=1e-2).outcome is Outcome.RIGHT

    class Lesson:
        quiz_tolerance = 0.01

    assert lesson_tolerance(Lesson()) == 0.01
    assert lesson_tolerance(load_lesson(TWO_TWO_TWO)) == DEFAULT_TOLERANCE
    Lesson.quiz_tolerance = None  # type: ignore[assignment]
    assert lesson_tolerance(Lesson()) == DEFAULT_TOLERANCE


def test_a_value_of_zero_is_matched_by_zero_within_the_absolute_floor(
    questions: dict[str, Question],
) -> None:
    zero = dataclasses.replace(questions["δ_k1"], value=0.0, mistakes=())
    assert ABSOLUTE_FLOOR == 1e-12
    for typed in ("0", "-0", "0.0000", "1e-13", "-9e-13"):
        assert judge(zero, typed).outcome is Outcome.RIGHT, typed
    for typed in ("1e-11", "0.0001"):
        assert judge(zero, typed).outcome is Outcome.WRONG, typed


def test_an_updated_weight_must_show_the_update(questions: dict[str, Question]) -> None:
    """W_i2j2 moves from 0.3 by 0.0004977: with a 1 % tolerance the old weight would be
    within 0.3 %, but the allowed error of an update is at most half the update."""
    q = questions["W_i2j2"]
    change = 0.5 * HAND["∂E/∂W_i2j2"]
    assert change < 1e-2 * 0.3
    verdict = judge(q, "0.3", tolerance=1e-2)
    assert verdict.outcome is Outcome.WRONG
    assert verdict.diagnosis is not None and verdict.diagnosis.cause is Cause.OLD_WEIGHT
    assert verdict.diagnosis.text == "that is W before the update: the new weight is W − η ∂E/∂W"
    assert judge(q, f"{HAND['W_i2j2'] + 0.49 * change:.12g}", 1e-2).outcome is Outcome.RIGHT
    assert judge(q, f"{HAND['W_i2j2'] + 0.51 * change:.12g}", 1e-2).outcome is Outcome.WRONG


# ── diagnoses ────────────────────────────────────────────────────────────────


def diagnosis_of(q: Question, typed: float, tolerance: float = DEFAULT_TOLERANCE) -> Cause | None:
    verdict = judge(q, f"{typed:.10g}", tolerance)
    assert verdict.outcome is Outcome.WRONG
    return None if verdict.diagnosis is None else verdict.diagnosis.cause


def test_the_sign_of_o_minus_t_flipped(questions: dict[str, Question]) -> None:
    """(t − O) for (O − t): −δ_k1, and −∂E/∂W and −δ_j below it."""
    assert diagnosis_of(questions["δ_k1"], -HAND["δ_k1"]) is Cause.SIGN_FLIPPED
    assert diagnosis_of(questions["δ_j1"], -HAND["δ_j1"]) is Cause.SIGN_FLIPPED
    assert diagnosis_of(questions["∂E/∂W_i1j1"], -HAND["∂E/∂W_i1j1"]) is Cause.SIGN_FLIPPED
    verdict = judge(questions["δ_k1"], "-0.1385")
    assert verdict.diagnosis is not None
    assert "sign of (O_k − t_k) is flipped" in verdict.diagnosis.text


def test_the_activation_derivative_missing(questions: dict[str, Question]) -> None:
    """δ_k = O_k − t_k, and δ_j = Σ_k δ_k W_jk built from those."""
    o_minus_t = HAND["O_k1"] - 0.01
    assert diagnosis_of(questions["δ_k1"], o_minus_t) is Cause.NO_DERIVATIVE
    text = judge(questions["δ_k1"], f"{o_minus_t:.8g}").diagnosis
    assert text is not None and "derivative O_k(1 − O_k) is missing" in text.text
    no_f_j1 = o_minus_t * 0.4 + (HAND["O_k2"] - 0.99) * 0.5
    assert diagnosis_of(questions["δ_j1"], no_f_j1) is Cause.NO_DERIVATIVE
    assert diagnosis_of(questions["∂E/∂W_j1k1"], HAND["O_j1"] * o_minus_t) is Cause.NO_DERIVATIVE


def test_w_updated_before_delta_below(questions: dict[str, Question]) -> None:
    """δ_j1 computed with W_jk already updated: Σ_k δ_k (W_j1k − η O_j1 δ_k)."""
    dk1, dk2, oj1 = HAND["δ_k1"], HAND["δ_k2"], HAND["O_j1"]
    early_back = dk1 * (0.4 - 0.5 * oj1 * dk1) + dk2 * (0.5 - 0.5 * oj1 * dk2)
    early = oj1 * (1 - oj1) * early_back
    verdict = judge(questions["δ_j1"], f"{early:.6g}")
    assert verdict.diagnosis is not None
    assert verdict.diagnosis.cause is Cause.UPDATE_EARLY
    assert "W_jk was updated before δ_j was computed" in verdict.diagnosis.text
    assert diagnosis_of(questions["∂E/∂W_i1j1"], 0.05 * early) is Cause.UPDATE_EARLY


def test_the_update_went_uphill(questions: dict[str, Question]) -> None:
    q = questions["W_j1k1"]
    uphill = 0.4 + 0.5 * HAND["∂E/∂W_j1k1"]
    verdict = judge(q, f"{uphill:.6g}")
    assert verdict.diagnosis is not None and verdict.diagnosis.cause is Cause.UPHILL
    assert verdict.diagnosis.text == "the update went uphill: W + η ∂E/∂W instead of W − η ∂E/∂W"


def test_other_slips_of_an_update(questions: dict[str, Question]) -> None:
    q, grad = questions["W_j1k1"], HAND["∂E/∂W_j1k1"]
    assert diagnosis_of(q, 0.4 - grad) is Cause.NO_ETA
    assert diagnosis_of(q, -0.5 * grad) is Cause.CHANGE_ONLY
    assert diagnosis_of(q, 0.4) is Cause.OLD_WEIGHT


def test_o_of_the_node_above_in_the_gradient(questions: dict[str, Question]) -> None:
    """∂E/∂W_j1k1 = O_j1 δ_k1, not O_k1 δ_k1."""
    q = questions["∂E/∂W_j1k1"]
    assert diagnosis_of(q, HAND["O_k1"] * HAND["δ_k1"]) is Cause.WRONG_O


def test_rounded_too_early(questions: dict[str, Question]) -> None:
    """0.0088 for δ_j1 = 0.008771 is 0.3 % off: close, keep four digits."""
    verdict = judge(questions["δ_j1"], "0.0088")
    assert verdict.outcome is Outcome.WRONG
    assert verdict.diagnosis is not None and verdict.diagnosis.cause is Cause.CLOSE
    assert "at least 4 significant digits" in verdict.diagnosis.text


def test_simple_factors_and_the_opposite_sign(questions: dict[str, Question]) -> None:
    q = questions["δ_k1"]
    v = HAND["δ_k1"]
    assert diagnosis_of(q, 2 * v) is Cause.FACTOR
    assert judge(q, f"{2 * v:.8g}").diagnosis.text == "off by a factor of 2"  # type: ignore[union-attr]
    assert diagnosis_of(q, 0.5 * v) is Cause.FACTOR
    assert diagnosis_of(q, 10 * v) is Cause.FACTOR
    assert judge(q, f"{v / 10:.8g}").diagnosis.text == "off by a factor of 0.1"  # type: ignore[union-attr]
    # −δ is the sign mistake when the classic mistake explains it, else just the sign
    bare = dataclasses.replace(q, mistakes=())
    assert diagnosis_of(bare, -v) is Cause.OPPOSITE_SIGN
    assert diagnosis_of(q, 123.0) is None


def test_a_factor_of_eta() -> None:
    lesson = load_lesson(TWO_TWO_TWO)
    trace = trace_iteration(lesson.network, lesson.inputs, lesson.targets, 0.3)
    q = build_questions(trace)[0]
    verdict = judge(q, f"{0.3 * q.value:.8g}")
    assert verdict.diagnosis is not None
    assert verdict.diagnosis.text == "off by a factor of η = 0.3"
    verdict = judge(q, f"{q.value / 0.3:.8g}")
    assert verdict.diagnosis is not None
    assert verdict.diagnosis.text == "off by a factor of 1/η = 3.33333"


# ── a quiz from start to score ───────────────────────────────────────────────


def test_a_quiz_keeps_the_score() -> None:
    quiz = Quiz(load_lesson(TWO_TWO_TWO).first_trace())
    assert quiz.current is not None and quiz.current.symbol == "δ_k1"
    assert not quiz.revealed
    quiz.next()  # nothing to go on to before an answer
    assert quiz.index == 0

    not_a_number = quiz.answer("zero point one")
    assert not_a_number.outcome is Outcome.NOT_A_NUMBER
    assert not quiz.revealed and quiz.score.answered == 0

    assert quiz.answer("0.1385").outcome is Outcome.RIGHT
    assert quiz.revealed and quiz.last is not None
    with pytest.raises(RuntimeError):
        quiz.answer("0.1385")
    quiz.next()
    assert quiz.answer("0.0381").outcome is Outcome.WRONG
    quiz.next()
    assert quiz.skip().outcome is Outcome.SKIPPED
    quiz.next()
    for typed in FOUR_DIGITS[3:]:
        quiz.answer(typed)
        quiz.next()
    assert quiz.done and quiz.current is None
    score = quiz.score
    assert (score.right, score.wrong, score.skipped, score.total) == (18, 1, 1, 20)
    assert score.text() == "18 of 20 right, 1 wrong, 1 skipped"
    assert [a.question.symbol for a in quiz.missed] == ["δ_k2", "∂E/∂W_j1k1"]
    assert quiz.missed[0].typed_text == "0.0381"


# ── the quiz screen, driven by Pilot ─────────────────────────────────────────


def shown(app: object, selector: str) -> str:
    """The text a widget of the quiz screen shows."""
    from textual.app import App

    assert isinstance(app, App)
    return str(app.screen.query_one(selector).render())


async def test_the_quiz_screen_judges_reveals_skips_and_scores() -> None:
    from textual.widgets import Input

    from bp_tui.tui.app import BpTuiApp
    from bp_tui.tui.screens.lesson import LessonScreen
    from bp_tui.tui.screens.quiz import QuizScreen

    app = BpTuiApp(TWO_TWO_TWO, quiz=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        assert isinstance(app.screen_stack[-2], LessonScreen)  # escape goes back to it
        assert shown(app, "#quiz-prompt") == "δ_k1 = ?"
        assert shown(app, "#quiz-law") == "δ_k = O_k(1 − O_k)(O_k − t_k)"
        assert shown(app, "#quiz-given") == "Known by now:  O_k1 = 0.751365   t_k1 = 0.01"
        assert "question 1 of 20" in shown(app, "#quiz-step")

        # right
        await pilot.press(*"0.1385", "enter")
        await pilot.pause()
        assert shown(app, "#quiz-verdict") == "✓ Right: 0.1385"
        assert shown(app, "#quiz-formula").splitlines() == [
            "δ_k1 = O_k1(1 − O_k1)(O_k1 − t_k1)",
            "     = 0.7514 × (1 − 0.7514) × (0.7514 − 0.01)",
            "     = 0.1385",
        ]
        assert "✓ δ_k1 = 0.1385" in shown(app, "#quiz-history-list")

        # wrong, with the diagnosis
        await pilot.press("enter")
        assert shown(app, "#quiz-prompt") == "δ_k2 = ?"
        await pilot.press(*"0.0381", "enter")
        await pilot.pause()
        assert shown(app, "#quiz-verdict") == "✗ Wrong: you typed 0.0381, the value is -0.0381"
        assert shown(app, "#quiz-why") == (
            "→ looks like the sign of (O_k − t_k) is flipped: (t_k − O_k) turns δ and ∂E/∂W around"
        )

        # n goes on as enter does; tab skips and reveals
        await pilot.press("n")
        assert shown(app, "#quiz-prompt") == "∂E/∂W_j1k1 = ?"
        await pilot.press("tab")
        await pilot.pause()
        assert shown(app, "#quiz-verdict") == "– Skipped: the value is 0.08217"
        assert shown(app, "#quiz-formula").splitlines() == [
            "∂E/∂W_j1k1 = O_j1 δ_k1",
            "           = 0.5933 × 0.1385",
            "           = 0.08217",
        ]

        # the rest right, as the lesson screen shows them; once with the minus sign U+2212
        # (Pilot cannot press it as a key: it is put in the field, as a paste would)
        await pilot.press("n")
        answer = app.screen.query_one("#quiz-answer", Input)
        answer.value = "−0.0226"
        await pilot.press("enter", "enter")
        for typed in FOUR_DIGITS[4:]:  # filled in rather than typed: a key costs time
            answer.value = typed
            await pilot.press("enter", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.quiz.done
        assert shown(app, "#quiz-score-line") == "18 of 20 right, 1 wrong, 1 skipped"
        missed = [str(w.render()) for w in screen.query(".quiz-missed-what")]
        assert missed == [
            "✗ δ_k2 = -0.0381: you typed 0.0381",
            "– ∂E/∂W_j1k1 = 0.08217: skipped",
        ]
        why = [str(w.render()) for w in screen.query(".quiz-missed-why")]
        assert why == [
            "→ looks like the sign of (O_k − t_k) is flipped: (t_k − O_k) turns δ and ∂E/∂W around"
        ]

        # again: the same questions from the start
        await pilot.press("r")
        await pilot.pause()
        assert not screen.quiz.done and screen.quiz.score.answered == 0
        assert shown(app, "#quiz-prompt") == "δ_k1 = ?"
        assert app.focused is screen.query_one("#quiz-answer")

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)


async def test_text_that_is_not_a_number_is_no_answer() -> None:
    from bp_tui.tui.app import BpTuiApp
    from bp_tui.tui.screens.quiz import QuizScreen

    app = BpTuiApp(TWO_TWO_TWO, quiz=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"abc", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert shown(app, "#quiz-verdict").startswith("“abc” is not a number")
        assert screen.quiz.index == 0 and screen.quiz.score.answered == 0
        assert not screen.quiz.revealed
        await pilot.press("n")  # n is typed, not "next": the question is still open
        assert screen.query_one("#quiz-answer").value == "abcn"  # type: ignore[attr-defined]
        for _ in range(4):
            await pilot.press("backspace")
        await pilot.press(*"0.1385", "enter")
        await pilot.pause()
        assert shown(app, "#quiz-verdict") == "✓ Right: 0.1385"


async def test_the_quiz_opens_from_the_app_for_the_lesson_on_screen() -> None:
    """`app.quiz` (for a lesson screen's key), the command palette's "Quiz", and
    `open_quiz` with a lesson; the lesson's own tolerance is used."""
    from bp_tui.tui.app import BpTuiApp
    from bp_tui.tui.screens.lesson import LessonScreen
    from bp_tui.tui.screens.quiz import QuizScreen

    app = BpTuiApp(TWO_TWO_TWO)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lesson_screen = app.screen
        assert isinstance(lesson_screen, LessonScreen)
        titles = [c.title for c in app.get_system_commands(lesson_screen)]
        assert "Quiz" in titles
        await pilot.press("ctrl+p")
        await pilot.press(*"Quiz")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is lesson_screen

        await pilot.press(*["n"] * 10)  # iteration 2: the quiz is of the current iteration
        await app.run_action("quiz")
        await pilot.pause()
        quiz = app.screen
        assert isinstance(quiz, QuizScreen)
        assert quiz.trace is lesson_screen.session.trace
        assert quiz.query_one("#quiz").border_title == "Predict, then reveal · iteration 2"
        assert quiz.query_one("#quiz").border_subtitle == "right within 0.1% of the value"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is lesson_screen

        lesson = load_lesson(TWO_TWO_TWO)
        object.__setattr__(lesson, "quiz_tolerance", 0.01)  # as a lesson's `quiz:` will
        app.open_quiz(lesson)
        await pilot.pause()
        quiz = app.screen
        assert isinstance(quiz, QuizScreen) and quiz.tolerance == 0.01
        assert quiz.query_one("#quiz").border_subtitle == "right within 1% of the value"
        assert quiz.query_one("#quiz").border_title == "Predict, then reveal · iteration 1"


def test_the_command_line_opens_the_quiz(monkeypatch: pytest.MonkeyPatch) -> None:
    import bp_tui.tui.app
    from bp_tui.cli import main

    calls: list[dict[str, object]] = []

    def fake_run_app(**kwargs: object) -> int:
        calls.append(kwargs)
        return 0

    monkeypatch.setattr(bp_tui.tui.app, "run_app", fake_run_app)
    assert main(["two_two_two", "--quiz"]) == 0
    assert calls[-1]["quiz"] is True
    assert Path(str(calls[-1]["lesson"])).name == "03_two_two_two.yaml"
    assert main(["two_two_two"]) == 0
    assert calls[-1]["quiz"] is False
    assert main(["--quiz"]) == 2  # a quiz needs a lesson
    assert len(calls) == 2


async def test_a_small_terminal_shows_the_verdict() -> None:
    """80×24: the list of revealed values gives way, and a revealed answer scrolls the
    question up so that the verdict, formulas, diagnosis and the next key are in view."""
    from bp_tui.tui.app import BpTuiApp

    app = BpTuiApp(TWO_TWO_TWO, quiz=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert not screen.query_one("#quiz-history").display
        for _ in range(6):
            await pilot.press("tab", "n")
        await pilot.press(*"0.007294", "enter")
        await pilot.pause()
        await pilot.pause()
        box = screen.query_one("#quiz")
        assert box.max_scroll_y > 0 and box.scroll_y == box.max_scroll_y
        hint = screen.query_one("#quiz-next")
        assert str(hint.render()) == "enter or n: the next question"
        assert box.region.contains_region(hint.region)
        await pilot.press("n")
        await pilot.pause()
        assert box.scroll_y == 0
