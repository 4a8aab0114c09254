"""`python -m benchmarks [--quick]`: measure, print a table, write benchmarks/results.json.

`--quick` proves every benchmark runs (short runs, no thresholds; it writes
benchmarks/results-quick.json so the committed full results stay as they are).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from benchmarks import measure

HERE = Path(__file__).resolve().parent


def machine() -> dict[str, object]:
    import numpy

    info: dict[str, object] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "numpy": numpy.__version__,
        "date": time.strftime("%Y-%m-%d"),
    }
    try:
        import torch

        info["torch"] = torch.__version__
    except ImportError:
        info["torch"] = None
    return info


def table(figures: list[measure.Figure]) -> str:
    rows = [("figure", "value", "baseline", "ratio", "goal", "met")]
    for f in figures:
        rows.append(
            (
                f.name,
                f"{f.value:.3g} {f.unit}",
                "—" if f.baseline is None else f"{f.baseline:.3g}",
                "—" if f.ratio is None else f"{f.ratio:.2f}",
                f.goal,
                {True: "yes", False: "NO", None: "—"}[f.met],
            )
        )
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    notes = [f"- {f.name}: {f.note}" for f in figures if f.note]
    return "\n".join([*lines, "", *notes])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="short runs that prove it works")
    args = parser.parse_args(argv)
    q = args.quick
    figures: list[measure.Figure] = []
    steps = [
        ("start-up", lambda: measure.startup(2 if q else 10)),
        ("step latency", lambda: measure.step_latency(1 if q else 3)),
        ("training", lambda: measure.training(300 if q else 10_000, 1 if q else 10)),
        ("memory", measure.memory),
        ("while training", lambda: measure.responsiveness(1.0 if q else 5.0)),
    ]
    for name, run in steps:
        print(f"measuring {name} …", file=sys.stderr, flush=True)
        figures.extend(run())
    report = table(figures)
    print(report)
    out = HERE / ("results-quick.json" if q else "results.json")
    data = {"machine": machine(), "quick": q, "figures": [f.as_dict() for f in figures]}
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {out.relative_to(HERE.parent)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
