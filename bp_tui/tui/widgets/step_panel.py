"""The step panel: where we are, the lecture's law for this step, and its numbers."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Markdown, Static

from bp_tui.formulas import Formula, step_formulas, step_law
from bp_tui.report import step_title
from bp_tui.tui.view import View
from bp_tui.words import word


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
        yield Markdown(id="step-summary")

    def watch_view(self) -> None:
        self._show()

    def watch_selected(self) -> None:
        self._show()

    def _show(self) -> None:
        view = self.view
        if view is None or not self.is_mounted:
            return
        trace, step, digits = view.trace, view.step, view.digits
        formulas = step_formulas(trace, step, view.row)
        selected = self.selected
        self._set("title", step_title(trace, step, view.step_index))
        self._set("where", self._where(view))
        self._set("law", step_law(trace, step))
        self._set(
            "selected", f"{word('tui.selected')}: {selected.render(digits)}" if selected else ""
        )
        self._set("formulas", "\n".join(f.render(digits) for f in formulas))
        summary = self.query_one("#step-summary", Markdown)
        summary.display = view.step_index == 0 and bool(self.summary.strip())
        if summary.display and summary.source != self.summary:
            summary.update(self.summary)

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
