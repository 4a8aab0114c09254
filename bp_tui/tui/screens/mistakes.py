"""The classic mistakes, side by side with the correct iteration."""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from bp_tui.engine import BiasMode, Trace
from bp_tui.engine.mistakes import Mistake, Variant, all_variants
from bp_tui.formulas import number, weight
from bp_tui.words import word

#: Weights listed before the rest are left out (the table is for reading, not scrolling).
WEIGHTS_SHOWN = 24
#: Significant digits of E in the comparison, whatever the screen's precision.
E_DIGITS = 9


def variant_title(variant: Variant, trace: Trace) -> str:
    if variant.mistake is None:
        return word("mistakes.correct")
    if variant.mistake is Mistake.BIASES_FLIPPED:
        trained = trace.network.bias is not BiasMode.TRAINED
        return word(f"mistakes.biases_flipped.{'trained' if trained else 'fixed'}")
    return word(f"mistakes.{variant.mistake.value}")


def comparison_rows(trace: Trace, variants: list[Variant], digits: int) -> list[list[Text]]:
    """E before and after, then every updated weight: the correct value and each mistake's,
    with a mistake's value in bold where it differs at the shown precision."""
    net = trace.network
    rows: list[tuple[str, list[float]]] = [
        (word("mistakes.E_before"), [v.E_before for v in variants]),
        (word("mistakes.E_after"), [v.E_after for v in variants]),
    ]
    for layer in range(net.depth):
        lower, upper = net.labels[layer], net.labels[layer + 1]
        for i, j in np.ndindex(net.weights[layer].shape):
            if len(rows) >= WEIGHTS_SHOWN + 2:
                break
            name = f"{weight(lower, i, upper, j)} after"
            rows.append((name, [float(v.updated.weights[layer][i, j]) for v in variants]))
    table = []
    for index, (name, values) in enumerate(rows):
        # E with more digits: an early update changes it only in the 6th or 7th digit.
        d = max(digits, E_DIGITS) if index < 2 else digits
        right = number(values[0], d)
        cells = [Text(name, style="bold"), Text(right, justify="right")]
        for value in values[1:]:
            shown = number(value, d)
            cells.append(
                Text(shown, justify="right", style="bold reverse" if shown != right else "")
            )
        table.append(cells)
    return table


class MistakesScreen(ModalScreen[None]):
    """The current iteration, correct and with each classic mistake, and why each is wrong."""

    BINDINGS = [Binding("escape,m,q", "close", word("key.close"))]

    def __init__(self, trace: Trace, digits: int) -> None:
        super().__init__()
        self.trace = trace
        self.digits = digits
        self.variants = all_variants(
            trace.network, trace.inputs, trace.targets, trace.learning_rate
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="mistakes"):
            yield DataTable(id="mistakes-table", cursor_type="none", zebra_stripes=True)
            yield Static(id="mistakes-why", markup=False)

    def on_mount(self) -> None:
        box = self.query_one("#mistakes")
        box.border_title = word("mistakes.title")
        box.border_subtitle = word("mistakes.changed")
        table = self.query_one(DataTable)
        table.add_columns(Text(""), *(Text(variant_title(v, self.trace)) for v in self.variants))
        table.add_rows(comparison_rows(self.trace, self.variants, self.digits))
        why = [word(f"mistakes.why.{m.value}") for m in Mistake]
        self.query_one("#mistakes-why", Static).update("\n\n".join(why))

    def action_close(self) -> None:
        self.dismiss()
