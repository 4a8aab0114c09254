"""The δ table and the weight matrix: numbers in cells, each one explainable.

Both are :class:`ExplainingTable` s, DataTables whose cells the student can select (arrow
keys after `tab`, or the mouse); the highlighted cell's formula goes up to the screen in
an :class:`ExplainingTable.Explain` message, and the step panel shows it. What a table
holds for a view is a :class:`Grid`, made by :func:`delta_grid` or :func:`matrix_grid`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable

from bp_tui.engine import Phase
from bp_tui.formulas import Formula, number
from bp_tui.tui.view import DELTA_COLUMNS, View, delta_rows, matrix_layer, weight_matrix
from bp_tui.words import word


@dataclass(frozen=True)
class Grid:
    """A table's contents: headers, cells, and the formula behind each (row, column)."""

    columns: list[Text]
    rows: list[list[Text]]
    explain: Callable[[int, int], Formula | None]  # the formula of cell (row, column)
    title: str = ""
    subtitle: str = ""


def delta_grid(view: View) -> Grid:
    """One row per node of every layer whose δ is known: O, f'(x), Σ δW or O − t, δ."""
    heads = {
        "node": word("tui.delta.node"),
        "O": "O",
        "f_prime": word("tui.delta.f_prime"),
        "from_above": word("tui.delta.from_above"),
        "delta": "δ",
    }
    rows, formulas = [], {}
    for r, row in enumerate(delta_rows(view)):
        values = {"O": row.O, "f_prime": row.f_prime, "from_above": row.from_above}
        values["delta"] = row.delta
        cells = [Text(row.name, style="bold")]
        for c, key in enumerate(DELTA_COLUMNS[1:], start=1):
            value = values[key]
            text = "—" if value is None else number(value, view.digits)
            cells.append(Text(text, justify="right"))
            if key in row.formulas:
                formulas[(r, c)] = row.formulas[key]
        rows.append(cells)
    return Grid(
        columns=[Text(heads[key]) for key in DELTA_COLUMNS],
        rows=rows,
        explain=lambda r, c: formulas.get((r, c)),
        title=word("tui.deltas"),
        subtitle="" if rows else word("tui.deltas.empty"),
    )


def delta_content(view: View) -> object:
    """What the δ table depends on: the trace, how many δ steps are done, the row shown."""
    done = sum(1 for s in view.trace.steps[: view.step_index + 1] if s.phase is Phase.DELTA)
    return (id(view.trace), done, view.row, view.digits)


def matrix_content(view: View) -> object:
    """What the weight matrix depends on: the trace, the layer, and W, ∂E/∂W or the update."""
    step = view.step
    kind = step.phase if step.phase in {Phase.GRADIENT, Phase.UPDATE} else None
    return (id(view.trace), matrix_layer(step), kind, view.digits, view.gradcheck)


def matrix_grid(view: View) -> Grid:
    """The current layer's W, ∂E/∂W or W before → after: rows i, columns j."""
    matrix = weight_matrix(view)
    clipped = (len(matrix.rows), len(matrix.cols)) != (matrix.total_rows, matrix.total_cols)
    subtitle = ""
    if clipped:
        subtitle = word(
            "tui.matrix.more",
            rows=len(matrix.rows),
            total_rows=matrix.total_rows,
            cols=len(matrix.cols),
            total_cols=matrix.total_cols,
        )
    return Grid(
        columns=[Text(""), *(Text(col, style="bold") for col in matrix.cols)],
        rows=[
            [Text(name, style="bold"), *(Text(c, justify="right") for c in cells)]
            for name, cells in zip(matrix.rows, matrix.cells, strict=True)
        ],
        explain=lambda r, c: matrix.formula(r, c - 1),  # column 0 holds the row names
        title=matrix.title,
        subtitle=subtitle,
    )


class ExplainingTable(DataTable):
    """A DataTable filled from a :class:`Grid`; highlighting a cell explains its number."""

    BINDINGS = [Binding("escape", "leave", word("key.leave"), show=False)]

    view: reactive[View | None] = reactive(None, repaint=False)  # refilled only on a change

    @dataclass
    class Explain(Message):
        """A number was selected: show how it was computed (None: a cell with no formula)."""

        formula: Formula | None

    def __init__(
        self, grid: Callable[[View], Grid], content: Callable[[View], object], *, id: str
    ) -> None:
        super().__init__(cursor_type="cell", zebra_stripes=True, id=id)
        self._grid = grid
        self._content = content
        self._shown: object = None
        self._explain: Callable[[int, int], Formula | None] = lambda r, c: None

    def watch_view(self) -> None:
        if self.view is None:
            return
        content = self._content(self.view)
        if content == self._shown:  # most steps leave a table as it is: keep it
            return
        self._shown = content
        grid = self._grid(self.view)
        keep = self.cursor_coordinate
        self.clear(columns=True)
        self.add_columns(*grid.columns)
        self.add_rows(grid.rows)
        self._explain = grid.explain
        self.border_title = grid.title
        self.border_subtitle = grid.subtitle
        if grid.rows:
            self.move_cursor(row=min(keep.row, len(grid.rows) - 1), column=keep.column)

    def formula_at(self, row: int, column: int) -> Formula | None:
        return self._explain(row, column)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        if self.has_focus:
            self.post_message(self.Explain(self.formula_at(*event.coordinate)))

    def on_focus(self) -> None:
        self.post_message(self.Explain(self.formula_at(*self.cursor_coordinate)))

    def on_blur(self) -> None:
        self.post_message(self.Explain(None))

    def action_leave(self) -> None:
        """Give the arrow keys back to stepping."""
        self.screen.set_focus(None)
