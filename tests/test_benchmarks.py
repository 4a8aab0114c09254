"""The benchmarks' model terminal, on which step latency and curve redraws are judged.

A key's latency ends at the first frame after which the screen no longer changes, so
the replay of Textual's frames onto cells must be exact: these frames are built by hand
from Textual's own update classes and the cells they leave are spelled out.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.geometry import Region
from textual.strip import Strip

from benchmarks.measure import Terminal, settled

BOLD = Style(bold=True)


def text_at(cells: dict[tuple[int, int], tuple[str, object]], y: int, x1: int, x2: int) -> str:
    return "".join(cells.get((x, y), (" ", None))[0] for x in range(x1, x2))


def test_a_layout_update_writes_its_lines_from_its_region() -> None:
    terminal = Terminal((20, 5))
    frame = LayoutUpdate(
        [[Strip([Segment("ab", BOLD), Segment("c")])], [Strip([Segment("δ=1")])]],
        Region(3, 1, 3, 2),
    )
    cells = terminal.draw(frame)
    assert text_at(cells, 1, 0, 8) == "   abc  "
    assert text_at(cells, 2, 0, 8) == "   δ=1  "
    assert cells[3, 1] == ("a", BOLD) and cells[5, 1] == ("c", None)


def test_a_chops_update_changes_only_its_span() -> None:
    terminal = Terminal((20, 3))
    terminal.draw(LayoutUpdate([[Strip([Segment("0123456789")])]], Region(0, 0, 10, 1)))
    chops = [{4: Strip([Segment("xy")])}]
    cells = terminal.draw(ChopsUpdate(chops, [(0, 4, 6)], [[6]]))
    assert text_at(cells, 0, 0, 10) == "0123xy6789"


def test_wide_characters_take_two_cells() -> None:
    terminal = Terminal((10, 1))
    cells = terminal.draw(LayoutUpdate([[Strip([Segment("界a")])]], Region(0, 0, 3, 1)))
    assert cells[0, 0][0] == "界" and cells[2, 0][0] == "a" and (1, 0) not in cells


def test_the_screen_settles_with_the_first_frame_after_which_nothing_changes() -> None:
    a, b = {(0, 0): ("a", None)}, {(0, 0): ("b", None)}
    assert settled([a]) == 0
    assert settled([a, a, a]) == 0  # later frames that redraw the same cells
    assert settled([a, b, b]) == 1
    assert settled([a, b, a]) == 2  # the screen came back to a only with the last frame
