"""Snapshot tests: what every screen looks like, pinned as SVG.

Each picture was looked at by a person before it was accepted; the docstring says what
it must show. The terminal size is fixed, the header has no clock, and nothing blinks or
spins, so every run draws the same picture. Update with `pytest --snapshot-update` and
look at the new pictures (`snapshot_report.html`) before committing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from bp_tui.tui.app import BpTuiApp

LESSONS = Path(__file__).resolve().parent.parent / "bp_tui" / "lessons"
TWO_TWO_TWO = LESSONS / "03_two_two_two.yaml"
SIZE = (120, 40)


def lesson_app(name: str = "03_two_two_two.yaml") -> BpTuiApp:
    """The app opened on a shipped lesson, as `bp-tui LESSON` opens it."""
    return BpTuiApp(LESSONS / name)


async def settle(pilot: Pilot) -> None:
    """Let workers finish and the screen redraw before the picture is taken."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


class TestPicker:
    def test_picker(self, snap_compare) -> None:
        """The shipped lessons, each with its title, shape and first sentence; the first
        lesson highlighted and its whole summary on the right."""
        assert snap_compare(BpTuiApp(), terminal_size=SIZE, run_before=settle)


class TestTwoTwoTwo:
    """The phases of one iteration of the 2-2-2 lesson, step by step."""

    def test_first_screen(self, snap_compare) -> None:
        """Step 1 of 10: the inputs 0.05 and 0.1 in layer I, J and K not computed yet
        (·), W_IJ in the matrix, the lesson's summary under the step."""
        assert snap_compare(lesson_app(), terminal_size=SIZE, run_before=settle)

    def test_forward_j(self, snap_compare) -> None:
        """Forward J: x_j1 = 0.05 × 0.15 + 0.1 × 0.2 + 0.35 = 0.3775, O_j1 = 0.5933;
        J highlighted, arrows pointing right."""
        assert snap_compare(lesson_app(), press=["n"], terminal_size=SIZE, run_before=settle)

    def test_forward_k(self, snap_compare) -> None:
        """Forward K: O_k1 = 0.7514, O_k2 = 0.7729; W_JK in the matrix."""
        assert snap_compare(lesson_app(), press=["n"] * 2, terminal_size=SIZE)

    def test_loss(self, snap_compare) -> None:
        """The error: E = 0.2748 + 0.02356 = 0.2984 and each output's term."""
        assert snap_compare(lesson_app(), press=["n"] * 3, terminal_size=SIZE)

    def test_delta_k(self, snap_compare) -> None:
        """δ of K: δ_k1 = 0.1385, δ_k2 = -0.0381; arrows now point left; the δ table has
        rows k1 and k2 with O, f'(x), O − t and δ."""
        assert snap_compare(lesson_app(), press=["n"] * 4, terminal_size=SIZE)

    def test_gradient_k(self, snap_compare) -> None:
        """∂E/∂W_JK: 0.08217, -0.0226, 0.08267, -0.02274 in the matrix, rows j, columns k."""
        assert snap_compare(lesson_app(), press=["n"] * 5, terminal_size=SIZE)

    def test_delta_j(self, snap_compare) -> None:
        """δ of J: Σ_k δ_k W_j1k = 0.03635 and δ_j1 = 0.5933 × (1 − 0.5933) × 0.03635 =
        0.008771; the δ table has the rows of K and of J."""
        assert snap_compare(lesson_app(), press=["n"] * 6, terminal_size=SIZE)

    def test_gradient_j(self, snap_compare) -> None:
        """∂E/∂W_IJ: O_i δ_j, e.g. 0.05 × 0.008771 = 0.0004386."""
        assert snap_compare(lesson_app(), press=["n"] * 7, terminal_size=SIZE)

    def test_update(self, snap_compare) -> None:
        """The update of W_JK: each cell "before → after", 0.4 → 0.3589 first."""
        assert snap_compare(lesson_app(), press=["n"] * 8, terminal_size=SIZE)

    def test_selected_cell_formula(self, snap_compare) -> None:
        """δ_j1 selected in the δ table (focused border): the step panel shows
        "Selected: δ_j1 = O_j1(1 − O_j1) Σ_k δ_k W_j1k = ... = 0.008771"."""
        keys = ["n"] * 6 + ["tab", "down", "down", "right"]
        assert snap_compare(lesson_app(), press=keys, terminal_size=SIZE)


class TestBeyondTheTextbook:
    def test_mistakes(self, snap_compare) -> None:
        """m on the 2-2-2 lesson: E and every updated weight, correct and under each of the
        four classic mistakes, differing values marked; E after the early-update slip
        (0.291027924) differs from the correct 0.291027774 in the 7th digit."""
        assert snap_compare(lesson_app(), press=["m"], terminal_size=SIZE)

    def test_gradient_check(self, snap_compare) -> None:
        """g at ∂E/∂W_JK: every cell "backprop ≈ central difference [relative error]" with
        errors near 1e-10, and the same comparison listed in the step panel."""
        assert snap_compare(lesson_app(), press=["n"] * 5 + ["g"], terminal_size=SIZE)

    def test_more_digits(self, snap_compare) -> None:
        """Three presses of + at δ of J: every number with 7 significant digits."""
        keys = ["n"] * 6 + ["plus"] * 3
        assert snap_compare(lesson_app(), press=keys, terminal_size=SIZE)


class TestScreens:
    def test_help(self, snap_compare) -> None:
        """The help over the lesson: the keys, the iteration's five phases, the notation."""
        assert snap_compare(lesson_app(), press=["question_mark"], terminal_size=SIZE)

    def test_after_training(self, snap_compare) -> None:
        """XOR after 5,000 epochs: the loss curve on a log scale, its plateau near 0.13
        then the fall below 0.001; iteration 20001 at its first step with the trained
        weights; a notice with the final loss."""

        async def train(pilot: Pilot) -> None:
            await pilot.press("t")
            await settle(pilot)

        assert snap_compare(lesson_app("05_xor.yaml"), terminal_size=SIZE, run_before=train)

    def test_error_screen(self, snap_compare, monkeypatch: pytest.MonkeyPatch) -> None:
        """A lesson that cannot be opened: the loader's messages with file, line, column and
        field (a 2×3 weight matrix for 2 → 2 nodes, "epocs" with "did you mean 'epochs'")."""
        monkeypatch.chdir(Path(__file__).parent)
        app = BpTuiApp(Path("data/broken_lesson.yaml"))
        assert snap_compare(app, terminal_size=SIZE, run_before=settle)

    def test_too_small(self, snap_compare) -> None:
        """A 60×20 terminal: only the notice "Make the terminal larger: bp-tui needs 80×24
        (now 60×20)."."""
        assert snap_compare(lesson_app(), terminal_size=(60, 20), run_before=settle)

    def test_smallest_usable_size(self, snap_compare) -> None:
        """The lesson screen at 80×24, at δ of J: every panel still there and readable."""
        assert snap_compare(lesson_app(), press=["n"] * 6, terminal_size=(80, 24))
