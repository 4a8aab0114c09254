"""The step panel: where we are, the lecture's law for this step, and its numbers."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from bp_tui.formulas import Formula, formula_count, step_formulas, step_law
from bp_tui.report import step_title
from bp_tui.tui.view import View, reflow
from bp_tui.words import word

#: Formulas listed per step; the rest are counted (and each is shown when selected).
FORMULAS_SHOWN = 40


class StepPanel(VerticalScroll):
    """Title and position, the general equation, then every formula of the step with the
    lesson's numbers; a number selected in a table is explained above them."""

    can_focus = False  # `tab` goes straight to the tables; the mouse wheel scrolls

    view: reactive[View | None] = reactive(None)
    selected: reactive[Formula | None] = reactive(None)
    summary: reactive[str] = reactive("")

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
        self._set("formulas", "\n".join(lines))
        self._set("summary", reflow(self.summary) if view.step_index == 0 else "")

    def _set(self, part: str, text: str) -> None:
        widget = self.query_one(f"#step-{part}", Static)
        widget.update(text)
        widget.display = bool(text)

    @staticmethod
    def _where(view: View) -> str:
        where = word("tui.iteration", iteration=view.iteration)
        samples = view.trace.samples
        if len(samples) == 1:
            return f"{where} · {word('lesson.sample', index=samples[0] + 1)}"
        return f"{where} · " + word(
            "tui.batch_of", first=samples[0] + 1, last=samples[-1] + 1, index=view.row + 1
        )
