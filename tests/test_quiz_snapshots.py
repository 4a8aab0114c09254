"""Snapshot tests of the quiz: asking, a right answer, a wrong one, the score.

Each picture was looked at before it was accepted; the docstring says what it must show.
The quiz opens as `bp-tui two_two_two --quiz` opens it, in a 120×40 terminal; the answer
field's cursor does not blink, so every run draws the same picture. Update with
`pytest --snapshot-update` and look at the new pictures before committing them.
"""

from __future__ import annotations

from pathlib import Path

from test_quiz import FOUR_DIGITS
from textual.pilot import Pilot

from bp_tui.tui.app import BpTuiApp

LESSONS = Path(__file__).resolve().parent.parent / "bp_tui" / "lessons"
SIZE = (120, 40)

#: The 2-2-2 lesson's answers as the lesson screen shows them (four significant digits),
#: in the quiz's order, as tests/test_quiz.py writes them out.
RIGHT = FOUR_DIGITS


def quiz_app() -> BpTuiApp:
    return BpTuiApp(LESSONS / "03_two_two_two.yaml", quiz=True)


def answer(*typed: str) -> list[str]:
    """The keys that type each answer, submit it and go on to the next question."""
    keys: list[str] = []
    for text in typed:
        keys += [*text, "enter", "enter"]
    return keys


async def settle(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


class TestQuiz:
    def test_asking(self, snap_compare) -> None:
        """Question 1 of 20: "Backward · δ of layer K", the law δ_k = O_k(1 − O_k)(O_k − t_k),
        "Known by now: O_k1 = 0.751365   t_k1 = 0.01", "δ_k1 = ?" and the empty answer
        field (focused, placeholder with 4 significant digits); "Revealed so far" empty on
        the right; "right within 0.1% of the value" on the border; the tally 0/0/0, 20 to
        go; the footer offers tab Skip and esc Leave the quiz."""
        assert snap_compare(quiz_app(), terminal_size=SIZE, run_before=settle)

    def test_right(self, snap_compare) -> None:
        """0.1385 typed for δ_k1: the field greyed with 0.1385 in it, "✓ Right: 0.1385" in
        green, the formula "δ_k1 = O_k1(1 − O_k1)(O_k1 − t_k1) = 0.7514 × (1 − 0.7514) ×
        (0.7514 − 0.01) = 0.1385", no diagnosis line, "enter or n: the next question";
        "✓ δ_k1 = 0.1385" under "Revealed so far"; the footer offers Next question."""
        keys = [*"0.1385", "enter"]
        assert snap_compare(quiz_app(), press=keys, terminal_size=SIZE, run_before=settle)

    def test_wrong_with_a_diagnosis(self, snap_compare) -> None:
        """Six right answers, then 0.007294 for δ_j1 (question 7): the known values O_j1,
        δ_k1 W_j1k1, δ_k2 W_j1k2 one pair a line; "✗ Wrong: you typed 0.007294, the value
        is 0.008771" in red; Σ_k δ_k W_j1k = 0.03635 and δ_j1's formula; the diagnosis
        "→ looks like W_jk was updated before δ_j was computed …"; six ✓ and one ✗ (with
        "you typed 0.007294") under "Revealed so far"."""
        keys = [*answer(*RIGHT[:6]), *"0.007294", "enter"]
        assert snap_compare(quiz_app(), press=keys, terminal_size=SIZE, run_before=settle)

    def test_score(self, snap_compare) -> None:
        """The end: "Your score · iteration 1", "18 of 20 right, 1 wrong, 1 skipped", the
        hint "r: the same quiz again · escape: back to the lesson", then what was missed:
        "✗ δ_k2 = -0.0381: you typed 0.0381" with the sign diagnosis and δ_k2's formula,
        "– ∂E/∂W_j1k1 = 0.08217: skipped" with its formula; the footer offers r Again."""
        keys = [
            *answer(RIGHT[0], "0.0381"),
            "tab",
            "enter",
            *answer(*RIGHT[3:]),
        ]
        assert snap_compare(quiz_app(), press=keys, terminal_size=SIZE, run_before=settle)
