"""The step panel: where we are, the lecture's law for this step, and its numbers."""

from __future__ import annotations

import numpy as np
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from bp_tui.engine import GradientStep
from bp_tui.formulas import Formula, formula_count, number, step_formulas, step_law, weight
from bp_tui.report import step_title
from bp_tui.tui.view import View, gradient_check, reflow
from bp_tui.words import word

#: Formulas listed per step; the rest are counted (and each is shown when selected).
FORMULAS_SHOWN = 16
#: Gradient checks listed at a gradient step when the check is on.
GRADCHECK_LINES = 12


class StepPanel(VerticalScroll):
    """Title and position, the general equation, then every formula of the step with the
    lesson's numbers; a number selected in a table is explained above them."""

    can_focus = False  # `tab` goes straight to the tables; the mouse wheel scrolls

    # Each line is a Static that repaints itself when its text changes.
    view: reactive[View | None] = reactive(None, repaint=False)
    selected: reactive[Formula | None] = reactive(None, repaint=False)
    summary: reactive[str] = reactive("", repaint=False)

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self._texts: dict[str, str] = {}  # what each part shows

    def compose(self) -> ComposeResult:
        for part in ("title", "where", "law", "selected", "formulas"):
            yield Static(id=f"step-{part}", markup=False)
        yield Static(id="step-summary", markup=False)

    def watch_view(self) -> None:
        self._show()

    def watch_selected(self) -> None:
        self._show()

    def _show(self) -> None:
        view = self.view
        if view is None or not self.is_mounted:
            return
        trace, step, digits = view.trace, view.step, view.digits
        formulas = step_formulas(trace, step, view.row, limit=FORMULAS_SHOWN)
        rest = formula_count(trace, step) - len(formulas)
        selected = self.selected
        self._set("title", step_title(trace, step, view.step_index))
        self._set("where", self._where(view))
        self._set("law", step_law(trace, step))
        self._set(
            "selected", f"{word('tui.selected')}: {selected.render(digits)}" if selected else ""
        )
        lines = [f.render(digits) for f in formulas]
        if rest > 0:
            lines.append(word("tui.formulas.more", count=rest))
        if view.gradcheck and isinstance(step, GradientStep):
            lines += ["", word("gradcheck.on"), *self._checks(view, step, digits)]
        self._set("formulas", "\n".join(lines))
        self._set("summary", reflow(self.summary) if view.step_index == 0 else "")

    def _set(self, part: str, text: str) -> None:
        widget = self.query_one(f"#step-{part}", Static)
        if self._texts.get(part) != text:  # an update costs a layout: only when it changed
            self._texts[part] = text
            widget.update(text)
            widget.display = bool(text)

    @staticmethod
    def _checks(view: View, step: GradientStep, digits: int) -> list[str]:
        """The first weights' gradient checks (each costs two forward passes)."""
        labels = view.trace.network.labels
        lines = []
        for k, (i, j) in enumerate(np.ndindex(step.dW.shape)):
            if k == GRADCHECK_LINES:
                break
            check = gradient_check(view, step.layer, i, j)
            symbol = f"∂E/∂{weight(labels[step.layer - 1], i, labels[step.layer], j)}"
            lines.append(
                word(
                    "gradcheck.line",
                    symbol=symbol,
                    exact=number(check.exact, max(digits, 10)),
                    numeric=number(check.numeric, max(digits, 10)),
                    error=number(check.error, 2),
                )
            )
        return lines

    @staticmethod
    def _where(view: View) -> str:
        where = word("tui.iteration", iteration=view.iteration)
        samples = view.trace.samples
        if len(samples) == 1:
            return f"{where} · {word('lesson.sample', index=samples[0] + 1)}"
        return f"{where} · " + word(
            "tui.batch_of", first=samples[0] + 1, last=samples[-1] + 1, index=view.row + 1
        )
