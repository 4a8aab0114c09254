"""The loss curve: the loss of every epoch trained so far, drawn with plotext."""

from __future__ import annotations

import math

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Static

from bp_tui.formulas import number
from bp_tui.words import word

#: Points drawn at most; longer histories are thinned evenly (the last point is kept).
MAX_POINTS = 400
#: When the largest loss is this many times the smallest, E is drawn on a log scale.
LOG_SCALE_RATIO = 100


def thinned(losses: tuple[float, ...], limit: int = MAX_POINTS) -> tuple[list[int], list[float]]:
    """(epochs from 1, losses) with at most ``limit`` points, always including the last."""
    n = len(losses)
    if n <= limit:
        return list(range(1, n + 1)), list(losses)
    step = n / limit
    picks = sorted({int(i * step) for i in range(limit)} | {n - 1})
    return [i + 1 for i in picks], [losses[i] for i in picks]


def epoch_ticks(count: int, most: int = 6) -> list[int]:
    """Whole-number epochs for the x axis: 1, the last, and round numbers between."""
    if count <= most:
        return list(range(1, count + 1))
    raw = count / (most - 1)
    magnitude = 10 ** (len(str(int(raw))) - 1)
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return sorted({1, *range(step, count, step), count})


class LossCurve(Vertical):
    """A plot of E per epoch; before any training, a line saying how to start it.

    Plotting is imported when the first point arrives, so opening a lesson does not pay
    for it.
    """

    losses: reactive[tuple[float, ...]] = reactive(())
    epochs: reactive[int] = reactive(0)

    def compose(self) -> ComposeResult:
        yield Static(id="loss-empty", markup=False)

    def watch_epochs(self) -> None:
        self._empty_text()

    def _empty_text(self) -> None:
        if self.is_mounted:
            self.query_one("#loss-empty", Static).update(word("tui.loss.empty", epochs=self.epochs))

    def on_mount(self) -> None:
        self._empty_text()

    def watch_losses(self, losses: tuple[float, ...]) -> None:
        if not self.is_mounted:
            return
        empty = self.query_one("#loss-empty", Static)
        empty.display = not losses
        plots = self.query("PlotextPlot")
        if not losses:
            plots.remove()
            return
        if plots:
            plot = plots.first()
        else:
            from textual_plotext import PlotextPlot

            plot = PlotextPlot(id="loss-plot")
            self.mount(plot)
        x, y = thinned(losses)
        plt = plot.plt
        plt.clear_figure()
        log = min(y) > 0 and max(y) / min(y) > LOG_SCALE_RATIO
        if log:
            # Drawn as log10 E with E's own values on the ticks: plotext's log scale
            # takes the logarithm again at every redraw.
            y = [math.log10(v) for v in y]
            ticks = list(range(math.floor(min(y)), math.ceil(max(y)) + 1))
            plt.yticks(ticks, [number(10.0**t) for t in ticks])
        plt.plot(x, y, marker="braille")
        epochs = epoch_ticks(len(losses))
        plt.xticks(epochs, [str(e) for e in epochs])
        plt.xlabel(word("tui.loss.xlabel"))
        plt.ylabel(word("tui.loss.ylabel.log") if log else "E")
        plot.refresh()
