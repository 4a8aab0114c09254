"""The network view: layers side by side, each node with its current value."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from bp_tui.formulas import node, number
from bp_tui.tui.view import NODES_SHOWN, View, node_values


class NetworkView(Widget):
    """Columns of nodes, one per layer, lettered as in the lecture.

    Going forward each node shows its output O; going backward, its δ (the input layer
    keeps its O). The layer of the current step is highlighted, and the arrows between
    the letters show the direction the numbers flow: → forward, ← backward.
    """

    view: reactive[View | None] = reactive(None)

    def watch_view(self, old: View | None, new: View | None) -> None:
        # The width is fixed per network and precision, so a step repaints this widget
        # without laying out the whole screen again.
        if new is not None and (
            old is None
            or old.trace.network.sizes != new.trace.network.sizes
            or old.digits != new.digits
        ):
            self.styles.width = self.content_width(new) + self.styles.gutter.width

    @staticmethod
    def content_width(view: View) -> int:
        """The widest the view can get: every node showing a number as wide as they come."""
        number_width = view.digits + 7  # sign, "0.", the digits, "e-05"
        widths = []
        for layer, label in enumerate(view.trace.network.labels):
            shown = min(view.trace.network.sizes[layer], NODES_SHOWN)
            name = len(node(label, shown - 1))
            widths.append(max(name + 1 + number_width, len(label) + 2))
        return sum(widths) + 3 * (len(widths) - 1)

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
