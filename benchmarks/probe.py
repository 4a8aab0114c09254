"""A process that starts an app, waits until its first screen is ready, and reports.

`python -m benchmarks.probe bare` starts a bare Textual app (a Header, a Label, a
Footer); `python -m benchmarks.probe floor` starts the same app after importing numpy and
PyYAML; `python -m benchmarks.probe lesson LESSON` starts bp-tui on LESSON. Both run
headless at 120×40 and exit once the first screen has been drawn (Textual's Ready
event). They print two JSON lines: one the moment the screen is ready (the parent times
the process from its start to that line), and the peak RSS in MB at exit. With
`--steps N` the lesson probe first steps N times (to count the memory of the traces and
tables too).
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time

STARTED = time.perf_counter()  # as early as the module can take it


def _peak_rss_mb() -> float:
    """This process's peak resident memory: VmHWM, not getrusage's ru_maxrss, which keeps
    the parent's peak from before exec (a parent that loaded torch looks huge)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def main(argv: list[str]) -> None:
    kind = argv[0]
    steps = int(argv[argv.index("--steps") + 1]) if "--steps" in argv else 0

    def _ready() -> None:
        # One line as soon as the screen is up: the parent times the process start to it.
        print(json.dumps({"ready": time.perf_counter() - STARTED}), flush=True)

    if kind in {"bare", "floor"}:
        if kind == "floor":  # what any app that reads YAML into numpy pays before its screen
            import numpy  # noqa: F401
            import yaml  # noqa: F401
        from textual.app import App, ComposeResult
        from textual.widgets import Footer, Header, Label

        class Bare(App[None]):
            def compose(self) -> ComposeResult:
                yield Header()
                yield Label("ready")
                yield Footer()

            def on_ready(self) -> None:
                _ready()
                self.exit()

        app: App[None] = Bare()
    else:
        from pathlib import Path

        from bp_tui.tui.app import BpTuiApp
        from bp_tui.tui.screens.lesson import LessonScreen

        class Probe(BpTuiApp):
            async def on_ready(self) -> None:
                _ready()
                screen = self.screen
                assert isinstance(screen, LessonScreen)
                for _ in range(steps):
                    screen.action_next()
                    await asyncio.sleep(0.01)  # let each step be drawn
                self.exit()

        app = Probe(Path(argv[1]))
    app.run(headless=True, size=(120, 40))
    print(json.dumps({"peak_rss_mb": _peak_rss_mb()}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
