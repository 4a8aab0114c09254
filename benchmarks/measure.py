"""The measurements. Each returns :class:`Figure` s: a value, its baseline, their ratio."""

from __future__ import annotations

import asyncio
import compileall
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from rich.cells import cell_len
from rich.console import Console
from rich.segment import ControlType

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "bp_tui" / "lessons"
TWO_TWO_TWO = LESSONS / "03_two_two_two.yaml"
XOR = LESSONS / "05_xor.yaml"
WIDE = LESSONS / "06_wide_784_128_10.yaml"
SIZE = (120, 40)


@dataclass
class Figure:
    """One measured figure against its baseline. ``better`` says which way is good."""

    name: str
    value: float
    baseline: float | None
    unit: str
    goal: str
    met: bool | None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return None if not self.baseline else self.value / self.baseline

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "ratio": self.ratio}


# ── 1. start-up ─────────────────────────────────────────────────────────────


def _probe(*args: str) -> tuple[float, float]:
    """(seconds from process start to the ready screen, peak RSS in MB) of one probe."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.probe", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    ready = time.perf_counter() - start
    rest = proc.stdout.read()
    proc.wait(timeout=60)
    if not first.startswith('{"ready"'):
        raise RuntimeError(f"probe {args} did not start: {first!r}")
    rss = json.loads(rest.strip().splitlines()[-1])["peak_rss_mb"]
    return ready, rss


def startup(runs: int) -> list[Figure]:
    """Process start to the 2-2-2 lesson screen, against a bare Textual app; interleaved.

    bp-tui's modules are byte-compiled first, as an installed package's are (pip compiles
    them; a source tree run with PYTHONDONTWRITEBYTECODE=1 would compile them on every
    start). The floor is the bare app importing numpy and PyYAML too: the part of the
    start-up that any app reading a YAML lesson into numpy pays.
    """
    compileall.compile_dir(ROOT / "bp_tui", quiet=1)
    bp, bare, floor = [], [], []
    for _ in range(runs):
        bare.append(_probe("bare")[0])
        floor.append(_probe("floor")[0])
        bp.append(_probe("lesson", str(TWO_TWO_TWO))[0])
    value, base, least = (statistics.median(v) for v in (bp, bare, floor))
    return [
        Figure(
            "start-up to the lesson screen",
            value * 1000,
            base * 1000,
            "ms",
            "≤ 1.3× a bare Textual app",
            value / base <= 1.3,
            f"median of {runs} runs each",
        ),
        Figure(
            "start-up floor: the bare app importing numpy and PyYAML",
            least * 1000,
            base * 1000,
            "ms",
            "(for comparison)",
            None,
            f"bp-tui's own share: {(value - least) * 1000:.0f} ms over this floor",
        ),
    ]


# ── 2. step latency ─────────────────────────────────────────────────────────


#: A key's frames have all been drawn when none has come for this long.
QUIET = 0.15


class Terminal:
    """What the app's frames leave on a terminal: the text and style of every cell."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.console = Console(width=size[0], height=size[1], color_system="truecolor")
        self.cells: dict[tuple[int, int], tuple[str, object]] = {}

    def draw(self, frame: object) -> dict[tuple[int, int], tuple[str, object]]:
        """Apply one frame (a Textual compositor update); the cells after it."""
        x = y = 0
        for segment in frame.__rich_console__(self.console, self.console.options):  # type: ignore[attr-defined]
            if segment.control:
                for control in segment.control:
                    if control[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = control[1], control[2]  # type: ignore[misc]
                continue
            if segment.text == "\n":  # each line of an update starts with a move
                continue
            for char in segment.text:
                self.cells[x, y] = (char, segment.style)
                x += cell_len(char)
        return dict(self.cells)


async def _press_times(app: object, keys: list[str]) -> list[float]:
    """Seconds from each key entering the app to the screen settled.

    The key is posted to the app as a terminal would send it. Every frame the app sends
    to the terminal is kept with its time. Once no frame has come for QUIET seconds, the
    frames are replayed onto a model terminal: the screen settled with the first frame
    after which it no longer changed. (Textual may draw a frame more than the picture
    needs: a widget resized by the first layout asks for a second one, which draws the
    same cells again; that frame changes nothing and is not counted.) Pilot's own
    ``press`` is not used: it forces a repaint at once instead of waiting for the app's.
    """
    from textual import events

    frames: list[tuple[float, object]] = []
    times: list[float] = []
    async with app.run_test(size=SIZE) as pilot:  # type: ignore[attr-defined]
        terminal = Terminal(SIZE)
        send = pilot.app._display  # Textual's one call per frame for the terminal

        def keep(screen: object, frame: object) -> None:
            frames.append((time.perf_counter(), frame))
            send(screen, frame)

        pilot.app._display = keep
        await pilot.pause()
        await _quiet(frames)
        for _, frame in frames:
            terminal.draw(frame)
        for key in keys:
            frames.clear()
            start = time.perf_counter()
            pilot.app.post_message(events.Key(key, None))
            await _quiet(frames)
            drawn = [(at, frame) for at, frame in frames if frame is not None]
            if not drawn:
                raise RuntimeError(f"the key {key!r} drew nothing")
            states = [terminal.draw(frame) for _, frame in drawn]
            times.append(drawn[settled(states)][0] - start)
    return times


def settled(states: list[dict[tuple[int, int], tuple[str, object]]]) -> int:
    """The index of the first screen after which the screen no longer changed."""
    changed = [i for i, state in enumerate(states) if state != states[-1]]
    return changed[-1] + 1 if changed else 0


async def _quiet(frames: list[tuple[float, object]], limit: float = 5.0) -> None:
    """Wait until no frame has come for QUIET seconds (at most ``limit`` seconds)."""
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        seen = len(frames)
        await asyncio.sleep(QUIET)
        if len(frames) == seen and frames:
            return


def _bare_app() -> object:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Label

    class Bare(App[None]):
        BINDINGS = [("n", "count", "Next")]
        count = 0

        def compose(self) -> ComposeResult:
            yield Header()
            yield Label("0", id="count")
            yield Footer()

        def action_count(self) -> None:
            self.count += 1
            self.query_one("#count", Label).update(str(self.count))

    return Bare()


def step_latency(passes: int) -> list[Figure]:
    """Every step of an iteration, forward then back, minus a bare app's key round trip."""
    from bp_tui.tui.app import BpTuiApp

    base = asyncio.run(_press_times(_bare_app(), ["n"] * 20))
    base_median = statistics.median(base)
    figures = []
    for path, goal_ms in ((TWO_TWO_TWO, 16), (WIDE, 50)):
        steps = 10
        keys = (["n"] * steps + ["p"] * steps) * passes
        times = asyncio.run(_press_times(BpTuiApp(path), keys))
        median, worst = statistics.median(times), max(times)
        excess = (median - base_median) * 1000
        figures.append(
            Figure(
                f"step latency, {path.stem} (median)",
                median * 1000,
                base_median * 1000,
                "ms",
                f"≤ {goal_ms} ms over the bare app's key round trip",
                excess <= goal_ms,
                f"{excess:.1f} ms over the bare app; worst {worst * 1000:.0f} ms",
            )
        )
    return figures


# ── 3. training throughput ──────────────────────────────────────────────────


def _time(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _torch_train(lesson: object, epochs: int) -> Callable[[], object]:
    """The same SGD loop in PyTorch autograd: float64, same data, order and updates."""
    import torch

    L = lesson
    net = L.network  # type: ignore[attr-defined]
    x_all = torch.tensor(np.asarray(L.inputs))  # type: ignore[attr-defined]
    t_all = torch.tensor(np.asarray(L.targets))  # type: ignore[attr-defined]
    batches = L.schedule.batches  # type: ignore[attr-defined]
    eta = L.learning_rate  # type: ignore[attr-defined]
    acts = [a.name for a in net.activations]
    trained_bias = net.bias.value == "trained"

    def run() -> None:
        ws = [torch.tensor(np.array(w), requires_grad=True) for w in net.weights]
        bs = [torch.tensor(np.array(b), requires_grad=trained_bias) for b in net.biases]
        # Each batch's rows are gathered once per run, as bp-tui's train does.
        data = [(x_all[list(batch)], t_all[list(batch)]) for batch in batches]
        for _ in range(epochs):
            for x, t in data:
                o = x
                for w, b, act in zip(ws, bs, acts, strict=True):
                    z = o @ w + b
                    if act == "sigmoid":
                        o = torch.sigmoid(z)
                    elif act == "softmax":
                        o = z  # cross-entropy takes the logits
                    else:
                        raise ValueError(act)
                if acts[-1] == "softmax":
                    e = -(t * torch.log_softmax(o, dim=1)).sum(dim=1).mean()
                else:
                    e = (0.5 * ((o - t) ** 2).sum(dim=1)).mean()
                params = ws + (bs if trained_bias else [])
                grads = torch.autograd.grad(e, params)
                with torch.no_grad():
                    for p, g in zip(params, grads, strict=True):
                        p -= eta * g

    return run


def training(xor_epochs: int, wide_epochs: int) -> list[Figure]:
    from bp_tui.lesson import load_lesson

    figures = []
    try:
        import torch  # noqa: F401 - both sides use their default threads (BLAS on all cores)

        have_torch = True
    except ImportError:
        have_torch = False
    for path, epochs, goal in ((XOR, xor_epochs, 5.0), (WIDE, wide_epochs, 1.0)):
        lesson = load_lesson(path)

        def ours(lesson=lesson, epochs=epochs) -> None:
            lesson.train(epochs)

        mine = _time(ours)
        updates = epochs * lesson.schedule.iterations_per_epoch
        if have_torch:
            theirs = _time(_torch_train(lesson, epochs))
            speedup = theirs / mine
            figures.append(
                Figure(
                    f"training speed vs PyTorch, {path.stem}",
                    speedup,
                    1.0,
                    "× torch",
                    f"≥ {goal:g}× torch's speed",
                    speedup >= goal,
                    f"{updates} updates: bp-tui {mine:.3f} s, torch {theirs:.3f} s ",
                )
            )
        else:
            figures.append(
                Figure(
                    f"training time, {path.stem}",
                    mine,
                    None,
                    "s",
                    "compared with torch when it is installed",
                    None,
                    "PyTorch is not installed: pip install torch==2.13.0",
                )
            )
    # Against the bound: the training loop's own iteration (sgd_step: backprop and the
    # update, in place) over the wide lesson's batches, vs the same batches' matmuls alone.
    from bp_tui.engine.training import sgd_step

    lesson = load_lesson(WIDE)
    network = lesson.network
    batches = [(lesson.inputs[list(b)], lesson.targets[list(b)]) for b in lesson.schedule.batches]
    weights = [np.array(w) for w in network.weights]
    biases = [np.array(b) for b in network.biases]
    w1, w2 = weights

    def matmuls() -> None:
        for x, t in batches:
            h = x @ w1  # forward
            o = h @ w2
            d2 = o - t
            _ = h.T @ d2  # ∂E/∂W of the top layer
            d1 = d2 @ w2.T  # Σ_k δ_k W_jk
            _ = x.T @ d1  # ∂E/∂W of the layer below

    def step() -> None:
        for x, t in batches:
            sgd_step(network, x, t, 0.0, weights, biases)  # η = 0: the same arithmetic

    bound, full = _time(matmuls, 20), _time(step, 20)
    figures.append(
        Figure(
            "wide training step vs its matmuls alone",
            full / bound,
            1.0,
            "× matmuls",
            "≤ 1.3× the time of its matrix multiplications",
            full / bound <= 1.3,
            f"one epoch, {len(batches)} batches of 256: {full * 1000:.1f} ms vs "
            f"{bound * 1000:.1f} ms (best of 20)",
        )
    )
    return figures


# ── 4. memory ───────────────────────────────────────────────────────────────


def memory() -> list[Figure]:
    _, bare = _probe("bare")
    _, wide = _probe("lesson", str(WIDE), "--steps", "10")
    return [
        Figure(
            "peak RSS, 784-128-10 lesson open and stepped",
            wide,
            bare,
            "MB",
            "≤ 200 MB",
            wide <= 200,
            "baseline: the bare Textual app",
        )
    ]


# ── 5. responsiveness while training ────────────────────────────────────────


async def _while_training(seconds: float) -> tuple[list[float], float, float]:
    """Key press latencies during a long run, the median one with no training, and the
    loss-curve redraws per second during the run: the frames sent to the terminal that
    changed a cell of the curve's panel."""
    from textual import events

    from bp_tui.lesson import load_lesson
    from bp_tui.session import Session
    from bp_tui.tui.app import BpTuiApp
    from bp_tui.tui.screens.lesson import LessonScreen
    from bp_tui.tui.widgets.loss_curve import LossCurve

    handled: list[float] = []
    frames: list[tuple[float, object]] = []
    original_next = LessonScreen.action_next

    def timed_next(self: LessonScreen) -> None:
        handled.append(time.perf_counter())
        original_next(self)

    LessonScreen.action_next = timed_next  # type: ignore[method-assign]
    try:
        lesson = load_lesson(XOR)
        long = type(lesson)(**{**lesson.__dict__, "epochs": 100_000})
        app = BpTuiApp(XOR)
        latencies = []
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert isinstance(screen, LessonScreen)
            screen.session = Session(long)
            send = app._display

            def keep(on: object, frame: object) -> None:
                frames.append((time.perf_counter(), frame))
                send(on, frame)

            app._display = keep  # type: ignore[method-assign]

            async def press_n() -> float:
                # From the key entering the app to its action running (Pilot's own wait
                # for an idle app never ends while a worker is reporting progress).
                sent, count = time.perf_counter(), len(handled)
                app.post_message(events.Key("n", "n"))
                while len(handled) == count and time.perf_counter() - sent < 5:
                    await asyncio.sleep(0.001)
                return handled[-1] - sent if len(handled) > count else 5.0

            idle = [await press_n() for _ in range(10)]
            await pilot.press("t")
            start = time.perf_counter()
            while time.perf_counter() - start < seconds:
                latencies.append(await press_n())
                await asyncio.sleep(0.2)
            elapsed = time.perf_counter() - start
            still = screen.training
            curve = screen.query_one(LossCurve).region
            await pilot.press("escape")
            await app.workers.wait_for_complete()
        if not still:
            raise RuntimeError("training ended before the measurement did")
        terminal = Terminal(SIZE)
        cells = [(x, y) for y in range(curve.y, curve.bottom) for x in range(curve.x, curve.right)]
        shown, redraws = None, 0
        for at, frame in frames:
            if frame is None:
                continue
            state = terminal.draw(frame)
            now = [state.get(cell) for cell in cells]
            if shown is not None and now != shown and start <= at <= start + elapsed:
                redraws += 1
            shown = now
        return latencies, statistics.median(idle), redraws / elapsed
    finally:
        LessonScreen.action_next = original_next  # type: ignore[method-assign]


def responsiveness(seconds: float) -> list[Figure]:
    latencies, idle, rate = asyncio.run(_while_training(seconds))
    worst = max(latencies)
    return [
        Figure(
            "key press handled while training (worst)",
            worst * 1000,
            idle * 1000,
            "ms",
            "≤ 100 ms",
            worst <= 0.1,
            f"{len(latencies)} presses during a 100,000-epoch XOR run, from the key "
            "entering the app to its action; baseline: the same with no training",
        ),
        Figure(
            "loss-curve redraws while training",
            rate,
            None,
            "per s",
            "≥ 5 per second",
            rate >= 5,
        ),
    ]
