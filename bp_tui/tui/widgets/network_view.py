"""The network view: layers side by side, each node with its current value."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from bp_tui.formulas import number
from bp_tui.tui.view import NODES_SHOWN, View, node_values


class NetworkView(Widget):
    """Columns of nodes, one per layer, lettered as in the lecture.

    Going forward each node shows its output O; going backward, its δ (the input layer
    keeps its O). The layer of the current step is highlighted, and the arrows between
    the letters show the direction the numbers flow: → forward, ← backward.
    """

    view: reactive[View | None] = reactive(None, layout=True)  # values change its width

    def render(self) -> Text:
        view = self.view
        if view is None:
            return Text()
        current = view.step.layer
        columns: list[list[Text]] = []
        for layer, label in enumerate(view.trace.network.labels):
            here = layer == current
            values = node_values(view, layer)
            head = Text()
            head.append(f" {label} ", style="bold reverse" if here else "bold")
            what = Text(f" {values[0].symbol}", style="italic dim")
            cells = [head, what]
            for item in values[:NODES_SHOWN]:
                cell = Text(f"{item.name} ", style="dim" if item.value is None else "")
                value = "·" if item.value is None else number(item.value, view.digits)
                cell.append(value, style="bold" if here and item.value is not None else "")
                cells.append(cell)
            if len(values) > NODES_SHOWN:
                cells.append(Text(f"+{len(values) - NODES_SHOWN} more", style="dim"))
            columns.append(cells)
        arrow = " ← " if view.backward else " → "
        widths = [max(cell.cell_len for cell in col) for col in columns]
        out = Text(no_wrap=True, overflow="ellipsis")
        for line in range(max(len(col) for col in columns)):
            for index, col in enumerate(columns):
                if index:
                    out.append(arrow if line == 0 else "   ", style="bold")
                cell = col[line] if line < len(col) else Text()
                out.append_text(cell)
                out.append(" " * (widths[index] - cell.cell_len))
            out.append("\n")
        out.rstrip()
        return out
