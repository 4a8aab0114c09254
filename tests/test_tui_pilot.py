"""The app driven by Pilot: what is on screen equals the engine's trace.

Expected values are read from the engine's trace (or computed here from its arrays) and
formatted at the screen's precision; the screen is read from the widgets' rendered text
and table cells, never from the view helpers that fill them.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pytest
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets import DataTable

from bp_tui.engine import DeltaStep, ForwardStep, GradientStep, InputStep, UpdateStep, train
from bp_tui.formulas import number
from bp_tui.lesson import load_lesson
from bp_tui.tui.app import BpTuiApp
from bp_tui.tui.screens.dialogs import ErrorScreen, HelpScreen, TooSmallScreen
from bp_tui.tui.screens.lesson import LessonScreen
from bp_tui.tui.screens.picker import PickerScreen
from bp_tui.tui.view import MATRIX_COLS, MATRIX_ROWS
from bp_tui.tui.widgets.loss_curve import LossCurve
from bp_tui.tui.widgets.network_view import NetworkView, layer_window
from bp_tui.tui.widgets.step_panel import FORMULAS_SHOWN, StepPanel

SIZE = (120, 40)


def node(label: str, index: int) -> str:
    return f"{label.lower()}{index + 1}"


def cell(table: DataTable, row: int, column: int) -> str:
    value = table.get_cell_at(Coordinate(row, column))
    return getattr(value, "plain", str(value)).strip()


def screen_text(app: BpTuiApp) -> list[str]:
    """The characters on screen, line by line (the screenshot without its colours)."""
    lines = []
    for line in app.export_screenshot().splitlines():
        if "<text" in line and 'clip-path="url(#terminal' in line:
            cells = re.findall(r"<text [^>]*>([^<]*)</text>", line)
            lines.append(html.unescape("".join(cells)))
    return lines


async def train_to_the_end(pilot: Pilot) -> None:
    """Press t and wait until the training worker is done and its result is on screen."""
    await pilot.press("t")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def check_screen_against_trace(screen: LessonScreen) -> None:
    """Every number the lesson screen shows for the current step equals the trace's."""
    session = screen.session
    trace, step = session.trace, session.step
    labels = trace.network.labels
    text = screen.query_one(NetworkView).render().plain
    d = screen.digits

    # The network view: O of every layer computed so far going forward, δ going back, for
    # the layers it has room for, which always include the current one.
    shown = [layer for layer, label in enumerate(labels) if f" {label} " in text.splitlines()[0]]
    assert step.layer in shown, (step, text)
    if isinstance(step, InputStep | ForwardStep):
        for layer in (layer for layer in shown if layer <= step.layer):
            outputs = trace.steps[0].O[0] if layer == 0 else trace.forward(layer).O[0]
            for j, value in enumerate(outputs[:8]):
                assert f"{node(labels[layer], j)} {number(value, d)}" in text
    if isinstance(step, DeltaStep):
        for j, value in enumerate(step.delta[0][:8]):
            assert f"{node(labels[step.layer], j)} {number(value, d)}" in text

    # The step panel: its title, and every formula of the step ends in the trace's value.
    panel = screen.query_one(StepPanel)
    title = str(panel.query_one("#step-title").render())
    assert f"step {session.position.step + 1} of {len(trace.steps)}" in title.lower()
    formulas = str(panel.query_one("#step-formulas").render())
    if isinstance(step, ForwardStep):
        for j in range(min(step.x.shape[1], FORMULAS_SHOWN // 2)):
            n = node(labels[step.layer], j)
            assert f"= {number(step.O[0, j], d)}\n" in formulas + "\n"
            assert f"x_{n} = " in formulas
    if isinstance(step, GradientStep):  # the panel lists the first formulas, row by row
        listed = min(step.dW.size, FORMULAS_SHOWN)
        for k in range(listed):
            assert number(step.dW.flat[k], d) in formulas

    # The δ table: one row per node of every layer whose δ is known, output layer first.
    deltas = screen.query_one("#deltas", DataTable)
    done = [s for s in trace.steps[: session.position.step + 1] if isinstance(s, DeltaStep)]
    expected_rows = []
    for s in done:
        for j in range(s.delta.shape[1]):
            expected_rows.append((node(labels[s.layer], j), s.O[0, j], s.delta[0, j]))
    assert deltas.row_count == len(expected_rows)
    for r, (name, o, delta) in enumerate(expected_rows):
        assert cell(deltas, r, 0) == name
        assert cell(deltas, r, 1) == number(delta, d)
        assert cell(deltas, r, 4) == number(o, d)

    # The weight matrix: ∂E/∂W at a gradient step, W before → after at an update.
    weights = screen.query_one("#weights", DataTable)
    if isinstance(step, GradientStep):
        expected = step.dW
    elif isinstance(step, UpdateStep):
        expected = None
        for i in range(min(step.W_before.shape[0], MATRIX_ROWS)):
            for j in range(min(step.W_before.shape[1], MATRIX_COLS)):
                before, after = number(step.W_before[i, j], d), number(step.W_after[i, j], d)
                assert cell(weights, i, j + 1) == f"{before} → {after}"
    elif isinstance(step, DeltaStep) and step.W_above is not None:
        expected = step.W_above
    elif isinstance(step, InputStep):
        expected = trace.network.weights[0]
    else:
        expected = trace.network.weights[step.layer - 1]
    if expected is not None:  # a large matrix shows its top-left corner
        for i in range(min(expected.shape[0], MATRIX_ROWS)):
            for j in range(min(expected.shape[1], MATRIX_COLS)):
                assert cell(weights, i, j + 1) == number(expected[i, j], d)


async def test_every_step_of_every_shipped_lesson_shows_the_trace(shipped_lesson: Path) -> None:
    """Step forward through a whole iteration and into the next: every screen matches."""
    app = BpTuiApp(shipped_lesson)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        steps = len(screen.session.trace.steps)
        for _ in range(steps + 2):
            check_screen_against_trace(screen)
            await pilot.press("n")
        assert screen.session.iteration_number == 2
        # The second iteration begins with the first one's updated weights.
        first, second = screen.session.history[:2]
        assert second.network.weights[0] is first.updated.weights[0]


async def test_back_after_next_gives_back_an_identical_screen() -> None:
    app = BpTuiApp(Path("bp_tui/lessons/03_two_two_two.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(12):  # across the end of the first iteration too
            await pilot.pause()
            before = app.export_screenshot()
            await pilot.press("n")
            await pilot.press("p")
            await pilot.pause()
            assert app.export_screenshot() == before
            await pilot.press("n")


async def test_home_end_and_arrows_move_the_cursor() -> None:
    app = BpTuiApp(Path("bp_tui/lessons/03_two_two_two.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        await pilot.press("end")
        assert screen.session.position.step == 9
        await pilot.press("left", "left")
        assert screen.session.position.step == 7
        await pilot.press("home")
        assert screen.session.position.step == 0
        await pilot.press("right")
        assert screen.session.position.step == 1


async def test_previous_is_hidden_at_the_first_step() -> None:
    app = BpTuiApp(Path("bp_tui/lessons/03_two_two_two.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        actions = {b.binding.action for b in app.screen.active_bindings.values()}
        assert "previous" not in actions and "first" not in actions
        assert "sample" not in actions  # one sample only
        await pilot.press("n")
        actions = {b.binding.action for b in app.screen.active_bindings.values()}
        assert {"previous", "first", "next"} <= actions


async def test_selecting_a_cell_explains_its_number() -> None:
    """tab into the δ table and move to δ_j1: the step panel shows its formula."""
    app = BpTuiApp(Path("bp_tui/lessons/03_two_two_two.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["n"] * 6)  # δ of J
        await pilot.press("tab")
        table = app.screen.query_one("#deltas", DataTable)
        assert table.has_focus
        await pilot.press("down", "down", "right")
        await pilot.pause()
        selected = str(app.screen.query_one("#step-selected").render())
        assert selected == (
            "Selected: δ_j1 = O_j1(1 − O_j1) Σ_k δ_k W_j1k = "
            "0.5933 × (1 − 0.5933) × 0.03635 = 0.008771"
        )
        await pilot.press("escape")
        assert not table.has_focus
        await pilot.press("right")  # arrows step again
        assert app.screen.session.position.step == 7


async def test_next_sample_reruns_the_iteration_on_another_sample() -> None:
    app = BpTuiApp(Path("bp_tui/lessons/05_xor.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert screen.session.trace.samples == (0,)
        await pilot.press("s")
        assert screen.session.trace.samples == (1,)
        assert "O_i1 = 0" in str(screen.query_one("#step-formulas").render())
        assert "O_i2 = 1" in str(screen.query_one("#step-formulas").render())


async def test_training_draws_the_loss_curve_and_updates_the_weights() -> None:
    path = Path("bp_tui/lessons/05_xor.yaml")
    lesson = load_lesson(path)
    app = BpTuiApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await train_to_the_end(pilot)
        screen = app.screen
        curve = screen.query_one(LossCurve)
        expected = train(
            lesson.network,
            lesson.inputs,
            lesson.targets,
            lesson.learning_rate,
            lesson.epochs,
            lesson.schedule,
        )
        assert len(curve.losses) == lesson.epochs
        np.testing.assert_array_equal(curve.losses, expected.losses)
        assert curve.losses[-1] < lesson.expect.final_loss_below
        assert screen.query("PlotextPlot")
        # The steps now show the next iteration, from the trained weights.
        assert screen.session.iteration_number == 4 * lesson.epochs + 1
        weights = screen.query_one("#weights", DataTable)
        trained = expected.network.weights[0]
        assert cell(weights, 0, 1) == number(trained[0, 0])
        assert cell(weights, 1, 2) == number(trained[1, 1])
        # r goes back to the lesson's initial weights and clears the curve.
        await pilot.press("r")
        assert curve.losses == ()
        assert cell(weights, 0, 1) == number(lesson.network.weights[0][0, 0])


async def test_training_can_be_cancelled_with_escape(tmp_path: Path) -> None:
    """A run of a million epochs (minutes of work) stops at escape, keeping what it did."""
    text = Path("bp_tui/lessons/05_xor.yaml").read_text(encoding="utf-8")
    path = tmp_path / "long.yaml"
    path.write_text(text.replace("epochs: 5000", "epochs: 1000000"), encoding="utf-8")
    app = BpTuiApp(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("t")
        assert screen.training
        actions = {b.binding.action for b in screen.active_bindings.values()}
        assert "cancel" in actions and "train" not in actions
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.training
        assert 0 < len(screen.session.losses) < 1_000_000
        assert screen.query_one(LossCurve).losses == tuple(screen.session.losses)


async def test_the_picker_lists_shipped_lessons_and_opens_one() -> None:
    app = BpTuiApp()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, PickerScreen)
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.session.lesson.title == "A 2-2-2 network, worked by hand"
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


async def test_the_picker_lists_a_broken_lesson_with_its_error(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    (tmp_path / "fine.yaml").write_bytes(Path("bp_tui/lessons/01_one_neuron.yaml").read_bytes())
    app = BpTuiApp(lessons_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        names = [e.path.name for e in picker.entries]
        assert names[-2:] == ["broken.yaml", "fine.yaml"]
        broken = picker.entries[-2]
        assert broken.lesson is None and broken.error is not None
        # choosing it opens the error screen with the loader's message; escape goes back
        await pilot.press("end", "up", "enter")
        assert isinstance(app.screen, ErrorScreen)
        message = str(app.screen.query_one("#error-message").render())
        assert message == str(broken.error)
        assert "broken.yaml:2:1: YAML syntax error" in message
        await pilot.press("escape")
        assert isinstance(app.screen, PickerScreen)


async def test_help_opens_and_closes() -> None:
    app = BpTuiApp(Path("bp_tui/lessons/03_two_two_two.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, LessonScreen)


async def test_a_small_terminal_shows_a_notice_and_growing_it_restores_the_lesson() -> None:
    app = BpTuiApp(Path("bp_tui/lessons/03_two_two_two.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n", "n")
        await pilot.pause()
        before = screen_text(app)
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        notice = str(app.screen.query_one("#too-small").render())
        assert "80×24" in notice and "60×20" in notice
        await pilot.press("n")  # keys do not reach the lesson under the notice
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.session.position.step == 3
        assert screen_text(app) == before


@pytest.mark.parametrize("size", [(80, 24)])
async def test_the_lesson_screen_is_usable_at_80_by_24(size: tuple[int, int]) -> None:
    app = BpTuiApp(Path("bp_tui/lessons/04_four_layers.yaml"))
    async with app.run_test(size=size) as pilot:
        assert isinstance(app.screen, LessonScreen)
        for _ in range(9):
            await pilot.press("n")
        check_screen_against_trace(app.screen)


async def test_clicking_a_cell_explains_its_number() -> None:
    """The mouse works as well as the keys: click ∂E/∂W_j2k1 in the gradient matrix."""
    app = BpTuiApp(Path("bp_tui/lessons/03_two_two_two.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["n"] * 5)  # ∂E/∂W_JK
        table = app.screen.query_one("#weights", DataTable)
        # the border, the header and j1 come first: j2 is line 3; k1 starts at column 5
        await pilot.click("#weights", offset=(6, 3))
        await pilot.pause()
        assert table.has_focus
        assert table.cursor_coordinate == Coordinate(1, 1)
        selected = str(app.screen.query_one("#step-selected").render())
        assert selected == "Selected: ∂E/∂W_j2k1 = O_j2 δ_k1 = 0.5969 × 0.1385 = 0.08267"


async def test_the_command_palette_opens_a_lesson() -> None:
    app = BpTuiApp(Path("bp_tui/lessons/03_two_two_two.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"lesson: 05_xor")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.session.lesson.title == "XOR, learned over many epochs"
        await pilot.press("l")  # back to the picker
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


async def test_the_command_palette_lists_the_lesson_actions() -> None:
    app = BpTuiApp(Path("bp_tui/lessons/03_two_two_two.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Next", "Train", "Reset", "Help"} <= titles
        assert "Back" not in titles  # nothing before the first step
        await pilot.press("ctrl+p")
        await pilot.press(*"Next")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.session.position.step == 1


async def test_mistakes_screen_shows_each_variant_beside_the_correct_one() -> None:
    from bp_tui.engine.mistakes import all_variants
    from bp_tui.tui.screens.mistakes import MistakesScreen

    app = BpTuiApp(Path("bp_tui/lessons/03_two_two_two.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        trace = app.screen.session.trace
        await pilot.press("m")
        assert isinstance(app.screen, MistakesScreen)
        table = app.screen.query_one(DataTable)
        variants = all_variants(trace.network, trace.inputs, trace.targets, trace.learning_rate)
        # row 1: E after one update, to 9 digits; row 2 on: the updated weights
        for column, variant in enumerate(variants, start=1):
            assert cell(table, 1, column) == number(variant.E_after, 9)
            assert cell(table, 2, column) == number(variant.updated.weights[0][0, 0])
        assert cell(table, 1, 1) == "0.291027774"  # Mazur's E after one step, 0.291027774
        assert cell(table, 1, 2) != cell(table, 1, 1)  # the early update, in the 7th digit
        await pilot.press("escape")
        assert isinstance(app.screen, LessonScreen)


async def test_gradient_check_shows_central_differences_beside_each_gradient() -> None:
    """g at ∂E/∂W_JK: each cell adds the central difference, which this test computes
    itself from E(W ± h) with the lecture's formulas."""
    import math

    app = BpTuiApp(Path("bp_tui/lessons/03_two_two_two.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["n"] * 5, "g")
        text = cell(app.screen.query_one("#weights", DataTable), 0, 1)
        exact, rest = text.split(" ≈ ")
        numeric = rest.split(" [")[0]

        def sig(x: float) -> float:
            return 1 / (1 + math.exp(-x))

        def error(w5: float) -> float:  # E of the 2-2-2 sample as a function of W_j1k1
            h1 = sig(0.05 * 0.15 + 0.10 * 0.20 + 0.35)
            h2 = sig(0.05 * 0.25 + 0.10 * 0.30 + 0.35)
            o1 = sig(h1 * w5 + h2 * 0.45 + 0.60)
            o2 = sig(h1 * 0.50 + h2 * 0.55 + 0.60)
            return 0.5 * (o1 - 0.01) ** 2 + 0.5 * (o2 - 0.99) ** 2

        h = 1e-6
        assert numeric == number((error(0.40 + h) - error(0.40 - h)) / (2 * h))
        assert exact == "0.08217"
        await pilot.press("g")
        assert " ≈ " not in cell(app.screen.query_one("#weights", DataTable), 0, 1)


async def test_precision_keys_change_every_number_and_are_kept_for_the_session() -> None:
    app = BpTuiApp(Path("bp_tui/lessons/03_two_two_two.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "plus", "plus")
        # O_j1 = 0.593269992 to 6 digits is 0.593270, shown without its trailing zero
        assert "j1 0.59327 " in network_text(app)
        await pilot.press("minus", "minus", "minus")
        assert "j1 0.593" in network_text(app)
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")  # another lesson: still 3 digits
        await pilot.pause()
        assert app.screen.digits == 3


def network_text(app: BpTuiApp) -> str:
    return app.screen.query_one(NetworkView).render().plain


def test_the_layer_window_keeps_the_current_layer_in_view() -> None:
    """Layers 10 columns wide, 3 columns of arrow between two, a "…" and its arrow (4)
    for each side cut off."""
    assert layer_window([10] * 3, 1, room=0) == (0, 2)  # width not known yet: all
    assert layer_window([10] * 3, 1, room=36) == (0, 2)  # 3 × 10 + 2 × 3 = 36 fits
    # Seven layers in 50 columns. Three and one cut side: 30 + 3 × 3 + 1 = 40 (a fourth
    # layer would make 53); three in the middle, both sides cut: 30 + 3 × 4 + 2 = 44.
    assert layer_window([10] * 7, 0, room=50) == (0, 2)
    assert layer_window([10] * 7, 6, room=50) == (4, 6)
    assert layer_window([10] * 7, 3, room=50) == (2, 4)
    assert layer_window([10] * 7, 3, room=5) == (3, 3)  # the current layer, cut by the edge


async def test_a_deep_network_view_follows_the_current_layer() -> None:
    """The seven layers of the vanishing-gradient lesson do not fit in the network view at
    120 columns: at every step of the iteration its layer is shown, values and all, and a
    "…" stands for the layers left out."""
    app = BpTuiApp(Path("bp_tui/lessons/07_vanishing_sigmoid.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        labels = screen.session.trace.network.labels
        cut = 0
        for _ in range(len(screen.session.trace.steps)):
            head = network_text(app).splitlines()[0]
            assert f" {labels[screen.session.step.layer]} " in head, head
            shown = sum(f" {label} " in head for label in labels)
            cut += shown < len(labels)
            assert (shown < len(labels)) == ("…" in head), head
            await pilot.press("n")
        assert cut > 0  # the lesson is deep enough to need the window


async def test_diverging_training_is_reported_and_the_app_stays_usable() -> None:
    """η = 100 on a linear unit: E overflows within a few epochs. The app names the epoch,
    keeps the last finite weights, and goes on stepping."""
    lesson = Path(__file__).parent / "data" / "diverging_lesson.yaml"
    app = BpTuiApp(lesson)
    async with app.run_test(size=SIZE) as pilot:
        await train_to_the_end(pilot)
        screen = app.screen
        curve = screen.query_one(LossCurve)
        assert "diverged in epoch" in curve.border_subtitle
        assert not screen.training
        weights = screen.session.trace.network.weights[0]
        assert np.isfinite(weights).all()
        await pilot.press("n", "n")
        assert screen.session.position.step == 2


async def test_stepping_during_training_does_not_change_the_trained_iteration_count(
    tmp_path: Path,
) -> None:
    """Training starts from the iteration on screen when t is pressed; stepping on while
    it runs does not add to the iteration shown afterwards."""
    text = Path("bp_tui/lessons/03_two_two_two.yaml").read_text(encoding="utf-8")
    path = tmp_path / "long.yaml"
    path.write_text(text.replace("epochs: 10000", "epochs: 200000"), encoding="utf-8")
    app = BpTuiApp(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("t", *["n"] * 12)  # into the second iteration while training
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        trained = len(screen.session.losses)  # one update per epoch: one sample
        assert 0 < trained < 200000
        assert screen.session.iteration_number == trained + 1
