"""The network view: layers side by side, each node with its current value."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from bp_tui.formulas import number
from bp_tui.tui.view import NODES_SHOWN, View, node_values


class NetworkView(Widget):
    """Columns of nodes, one per layer, lettered as in the lecture.

    Going forward each node shows its output O; going backward, its δ. The layer of the
    current step is highlighted and the arrows between the letters show the direction
    the numbers flow: → forward, ← backward.
    """

    view: reactive[View | None] = reactive(None, layout=True)  # values change its width

    def render(self) -> Text:
        view = self.view
        if view is None:
            return Text()
        net = view.trace.network
        current = view.step.layer
        arrow = " ← " if view.backward else " → "
        columns: list[list[Text]] = []
        for layer, label in enumerate(net.labels):
            style = "bold reverse" if layer == current else "bold"
            cells = [Text(f" {label} ", style=style)]
            values = node_values(view, layer)
            for item in values[:NODES_SHOWN]:
                shown = "·" if item.value is None else number(item.value, view.digits)
                cell = Text(f"{item.name} ", style="dim" if item.value is None else "")
                cell.append(f"{item.symbol} ", style="italic")
                cell.append(shown, style="bold" if layer == current else "")
                cells.append(cell)
            if len(values) > NODES_SHOWN:
                cells.append(Text(f"… {len(values) - NODES_SHOWN} more", style="dim"))
            columns.append(cells)
        widths = [max(cell.cell_len for cell in col) for col in columns]
        height = max(len(col) for col in columns)
        out = Text()
        for line in range(height):
            for index, col in enumerate(columns):
                cell = col[line] if line < len(col) else Text()
                if index:
                    out.append(arrow if line == 0 else "   ", style="bold")
                padded = cell.copy()
                padded.pad_right(widths[index] - cell.cell_len)
                out.append_text(padded)
            out.append("\n")
        out.rstrip()
        return out
