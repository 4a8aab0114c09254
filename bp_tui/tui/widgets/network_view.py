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
    the letters show the direction the numbers flow: → forward, ← backward. When the
    layers are too many for the view's width, it shows those around the current one.
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
        widths = [max(cell.cell_len for cell in col) for col in columns]
        first, last = layer_window(widths, current, self.content_size.width)
        # Layers cut off at either side are stood for by a "…" column.
        if first > 0:
            columns[first - 1], widths[first - 1] = [Text(ELLIPSIS, style="dim")], 1
            first -= 1
        if last < len(columns) - 1:
            columns[last + 1], widths[last + 1] = [Text(ELLIPSIS, style="dim")], 1
            last += 1
        arrow = " ← " if view.backward else " → "
        out = Text(no_wrap=True, overflow="ellipsis")
        for line in range(max(len(col) for col in columns[first : last + 1])):
            for index in range(first, last + 1):
                col = columns[index]
                if index > first:
                    out.append(arrow if line == 0 else "   ", style="bold")
                cell = col[line] if line < len(col) else Text()
                out.append_text(cell)
                out.append(" " * (widths[index] - cell.cell_len))
            out.append("\n")
        out.rstrip()
        return out


#: What stands for the layers a narrow view leaves out.
ELLIPSIS = "…"
#: The width of the arrow between two layers.
ARROW_WIDTH = 3


def layer_window(widths: list[int], current: int, room: int) -> tuple[int, int]:
    """The layers, first to last, that a view ``room`` columns wide shows.

    All of them when they fit (or when the room is not known yet); otherwise as many as
    fit around the ``current`` layer, growing one layer at a time on either side. A side
    with layers left out costs a "…" column and its arrow.
    """
    count = len(widths)

    def width(first: int, last: int) -> int:
        cut = (first > 0) + (last < count - 1)
        return sum(widths[first : last + 1]) + ARROW_WIDTH * (last - first + cut) + cut

    if room <= 0 or width(0, count - 1) <= room:
        return 0, count - 1
    first = last = current
    grown = True
    while grown:
        grown = False
        if last + 1 < count and width(first, last + 1) <= room:
            last += 1
            grown = True
        if first > 0 and width(first - 1, last) <= room:
            first -= 1
            grown = True
    return first, last
