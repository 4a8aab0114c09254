"""Predict, then reveal: the backward pass of the lesson's current iteration as a quiz.

The questions, the judging and the score are :mod:`bp_tui.quiz`'s (headless); this screen
shows one question at a time with what the student knows by then, reads the typed value,
reveals the truth with its formula and, on a wrong answer, the likely slip.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from bp_tui.formulas import DEFAULT_DIGITS, Formula, number, step_law
from bp_tui.quiz import Answer, Outcome, Question, Quiz, Verdict, lesson_tolerance, step_heading
from bp_tui.session import Session
from bp_tui.words import word

#: Significant digits of the values a question builds on: more than the screen's, so an
#: answer computed from them is not off by their rounding.
GIVEN_DIGITS = 6
#: How an answer is marked in the list of revealed values, and in which colour.
MARKS = {
    Outcome.RIGHT: ("✓", "bold $success"),
    Outcome.WRONG: ("✗", "bold $error"),
    Outcome.SKIPPED: ("–", "bold $warning"),
    Outcome.NOT_A_NUMBER: ("?", "$warning"),
}


def worked_lines(formula: Formula, digits: int) -> list[str]:
    """``formula`` as :meth:`Formula.render` gives it, each ``=`` starting a line of its own:

    δ_k1 = O_k1(1 − O_k1)(O_k1 − t_k1)
         = 0.7514 × (1 − 0.7514) × (0.7514 − 0.01)
         = 0.1385
    """
    head = f"{formula.symbol} {formula.relation} "
    parts = formula.render(digits).removeprefix(head).split(" = ")
    pad = " " * (len(formula.symbol) + 1)
    return [head + parts[0], *(f"{pad}= {part}" for part in parts[1:])]


class QuizScreen(Screen[None]):
    """Type each δ, ∂E/∂W and updated weight of the iteration before it is revealed."""

    AUTO_FOCUS = "#quiz-answer"
    #: Below 100 columns the list of revealed values gives its room to the question.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("enter,n", "next", word("quiz.key.next")),
        Binding("tab", "skip", word("quiz.key.skip")),
        Binding("r", "again", word("quiz.key.again")),
        Binding("escape", "leave", word("quiz.key.leave")),
    ]

    def __init__(self, session: Session, tolerance: float | None = None) -> None:
        super().__init__()
        self.session = session
        self.trace = session.trace
        self.iteration = session.iteration_number
        self.tolerance = tolerance if tolerance is not None else lesson_tolerance(session.lesson)
        self.quiz = Quiz(self.trace, self.tolerance)
        self.digits = DEFAULT_DIGITS

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="quiz-body"):
            with VerticalScroll(id="quiz", can_focus=False):
                yield Static(id="quiz-step", markup=False)
                yield Static(id="quiz-law", markup=False)
                yield Static(id="quiz-given", markup=False)
                yield Static(id="quiz-prompt", markup=False)
                answer = Input(id="quiz-answer", max_length=40, select_on_focus=False)
                answer.cursor_blink = False  # the same picture every time, in tests and out
                yield answer
                yield Static(id="quiz-verdict", markup=False)
                yield Static(id="quiz-formula", markup=False)
                yield Static(id="quiz-why", markup=False)
                yield Static(id="quiz-next", markup=False)
            with VerticalScroll(id="quiz-history"):
                yield Static(id="quiz-history-list")
        with VerticalScroll(id="quiz-score"):
            yield Static(id="quiz-score-line", markup=False)
            yield Static(word("quiz.score.hint"), id="quiz-score-hint", markup=False)
            yield Vertical(id="quiz-missed")
        yield Static(id="quiz-tally", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        lesson = self.session.lesson
        self.digits = getattr(self.app, "digits", DEFAULT_DIGITS)
        self.title = "bp-tui"
        self.sub_title = f"{lesson.title} · {lesson.shape}"
        box = self.query_one("#quiz")
        box.border_title = word("quiz.title", iteration=self.iteration)
        box.border_subtitle = word("quiz.tolerance", percent=number(100 * self.tolerance, 3))
        score_title = word("quiz.score.title", iteration=self.iteration)
        self.query_one("#quiz-score").border_title = score_title
        self.query_one("#quiz-history").border_title = word("quiz.history")
        self._show()

    # ── what the screen shows ───────────────────────────────────────────────

    def _show(self) -> None:
        """Show the quiz as it stands: a question asked, a question revealed, or the score."""
        quiz = self.quiz
        self.set_class(quiz.done, "-done")
        self.set_class(quiz.revealed, "-revealed")
        score = quiz.score
        left = len(quiz.questions) - score.answered
        self._put(
            "#quiz-tally",
            word(
                "quiz.tally",
                right=score.right,
                wrong=score.wrong,
                skipped=score.skipped,
                left=left,
            ),
        )
        self.refresh_bindings()
        self._show_history()
        if quiz.done:
            self._show_score()
            return
        question = quiz.current
        assert question is not None
        self._show_question(question)
        answer = self.query_one("#quiz-answer", Input)
        if quiz.last is None:
            answer.disabled = False
            answer.placeholder = word(
                "quiz.placeholder", digits=question.digits_needed(self.tolerance)
            )
            answer.focus()
            for part in ("verdict", "formula", "why", "next"):
                self._put(f"#quiz-{part}", "")
        else:
            answer.disabled = True
            self._show_reveal(quiz.last)
        # A short terminal scrolls the question away to show the verdict, and back again.
        box = self.query_one("#quiz", VerticalScroll)
        if quiz.revealed:
            self.call_after_refresh(box.scroll_end, animate=False)
        else:
            box.scroll_home(animate=False)

    def _show_history(self) -> None:
        """Every value revealed so far, marked right, wrong or skipped."""
        lines = []
        for answer in self.quiz.answers:
            question, outcome = answer.question, answer.verdict.outcome
            mark, style = MARKS[outcome]
            value = number(question.value, self._digits_for(question))
            typed = ""
            if outcome is Outcome.WRONG:
                typed = " " + word("quiz.history.typed", typed=answer.typed_text)
            relation = question.formula.relation
            line = Content.assemble(
                (mark, style), f" {question.symbol} {relation} {value}", (typed, "dim")
            )
            lines.append(line)
        if not lines:
            lines.append(Content(word("quiz.history.empty")))
        self.query_one("#quiz-history-list", Static).update(Content("\n").join(lines))
        self.query_one("#quiz-history", VerticalScroll).scroll_end(animate=False)

    def _put(self, selector: str, text: str) -> None:
        self.query_one(selector, Static).update(text)

    def _show_question(self, question: Question) -> None:
        quiz = self.quiz
        where = word("quiz.question", index=quiz.index + 1, count=len(quiz.questions))
        heading = f"{step_heading(self.trace, question.step)} · {where}"
        if question.of_step > 1 and question.index_in_step == 0:
            asked = sum(q.step is question.step for q in quiz.questions)
            if asked < question.of_step:
                heading += "  " + word("quiz.capped", count=question.of_step, asked=asked)
        self._put("#quiz-step", heading)
        self._put("#quiz-law", step_law(self.trace, question.step))
        digits = max(self.digits, GIVEN_DIGITS)
        lines = [
            "   ".join(f"{name} = {number(v, digits)}" for name, v in line)
            for line in question.given
        ]
        if question.given_more:
            lines.append(word("quiz.given.more", count=question.given_more))
        known = word("quiz.known")
        indent = "\n" + " " * (len(known) + 2)
        self._put("#quiz-given", f"{known}  {indent.join(lines)}")
        self._put("#quiz-prompt", word("quiz.ask", prompt=question.prompt))

    def _digits_for(self, question: Question) -> int:
        """The screen's digits, or more when the tolerance needs more to tell right from wrong."""
        return max(self.digits, question.digits_needed(self.tolerance))

    def _verdict_line(self, answer: Answer) -> str:
        question, verdict = answer.question, answer.verdict
        value = number(question.value, self._digits_for(question))
        if verdict.outcome is Outcome.RIGHT:
            return word("quiz.right", typed=answer.typed_text)
        if verdict.outcome is Outcome.WRONG:
            return word("quiz.wrong", typed=answer.typed_text, value=value)
        return word("quiz.skipped", value=value)

    def _formulas(self, question: Question, worked: bool = False) -> str:
        """The question's formulas with the numbers in, one a line (``worked``: each step of
        the last one on a line of its own, the = signs one under the other)."""
        digits = self._digits_for(question)
        lines = [f.render(digits) for f in question.support]
        if worked:
            lines += worked_lines(question.formula, digits)
        else:
            lines.append(question.formula.render(digits))
        return "\n".join(lines)

    def _show_reveal(self, answer: Answer) -> None:
        outcome = answer.verdict.outcome
        verdict = self.query_one("#quiz-verdict", Static)
        for name in Outcome:
            verdict.set_class(outcome is name, f"-{name.value}")
        verdict.update(self._verdict_line(answer))
        self._put("#quiz-formula", self._formulas(answer.question, worked=True))
        diagnosis = answer.verdict.diagnosis
        self._put("#quiz-why", f"→ {diagnosis.text}" if diagnosis else "")
        self.query_one("#quiz-why").set_class(diagnosis is None, "-none")
        last = self.quiz.index + 1 == len(self.quiz.questions)
        self._put("#quiz-next", word("quiz.to_score" if last else "quiz.next"))

    def _show_score(self) -> None:
        quiz = self.quiz
        self._put("#quiz-score-line", quiz.score.text())
        missed = self.query_one("#quiz-missed", Vertical)
        missed.remove_children()
        head = "quiz.score.missed" if quiz.missed else "quiz.score.perfect"
        lines = [Static(word(head), classes="quiz-missed-head", markup=False)]
        for answer in quiz.missed:
            question, verdict = answer.question, answer.verdict
            value = number(question.value, self._digits_for(question))
            if verdict.outcome is Outcome.WRONG:
                what = word(
                    "quiz.missed.wrong",
                    prompt=question.prompt,
                    value=value,
                    typed=answer.typed_text,
                )
            else:
                what = word("quiz.missed.skipped", prompt=question.prompt, value=value)
            classes = f"quiz-missed-what -{verdict.outcome.value}"
            lines.append(Static(what, classes=classes, markup=False))
            if verdict.diagnosis is not None:
                why = f"→ {verdict.diagnosis.text}"
                lines.append(Static(why, classes="quiz-missed-why", markup=False))
            formulas = self._formulas(question)
            lines.append(Static(formulas, classes="quiz-missed-formula", markup=False))
        missed.mount_all(lines)
        self.query_one("#quiz-score", VerticalScroll).focus()  # arrows and page keys scroll

    # ── keys ─────────────────────────────────────────────────────────────────

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        quiz = self.quiz
        if action == "next":
            return quiz.revealed
        if action == "skip":
            return not quiz.done and not quiz.revealed
        if action == "again":
            return quiz.done
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.quiz.done or self.quiz.revealed:
            return
        verdict: Verdict = self.quiz.answer(event.value)
        if not verdict.counts:
            line = self.query_one("#quiz-verdict", Static)
            for name in Outcome:
                line.set_class(name is Outcome.NOT_A_NUMBER, f"-{name.value}")
            line.update(word("quiz.not_a_number", text=event.value.strip()))
            return
        self._show()

    def action_skip(self) -> None:
        if not self.quiz.done and not self.quiz.revealed:
            self.quiz.skip()
            self._show()

    def action_next(self) -> None:
        if self.quiz.revealed:
            self.quiz.next()
            self.query_one("#quiz-answer", Input).value = ""
            self._show()

    def action_again(self) -> None:
        """The same questions from the start."""
        self.quiz = Quiz(self.trace, self.tolerance)
        self.query_one("#quiz-answer", Input).value = ""
        self._show()

    def action_leave(self) -> None:
        self.dismiss()
