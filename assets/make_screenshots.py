"""Make the README's screenshots from the real app: `python assets/make_screenshots.py`.

Each picture is the app at 120×40, driven by the same keys a student presses, saved as
SVG next to this file.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bp_tui.tui.app import BpTuiApp

HERE = Path(__file__).resolve().parent
LESSONS = HERE.parent / "bp_tui" / "lessons"

#: file name → (lesson or None for the picker, keys to press, wait for training)
SHOTS: dict[str, tuple[str | None, list[str], bool]] = {
    "picker.svg": (None, [], False),
    "lesson-delta-j.svg": ("03_two_two_two.yaml", ["n"] * 6, False),
    "lesson-selected.svg": (
        "03_two_two_two.yaml",
        ["n"] * 6 + ["tab", "down", "down", "right"],
        False,
    ),
    "xor-trained.svg": ("05_xor.yaml", ["t"], True),
}


async def shoot(name: str, lesson: str | None, keys: list[str], wait: bool) -> None:
    app = BpTuiApp(LESSONS / lesson if lesson else None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*keys)
        if wait:
            await app.workers.wait_for_complete()
        await pilot.pause()
        (HERE / name).write_text(app.export_screenshot(title="bp-tui"), encoding="utf-8")
    print(f"wrote {HERE.name}/{name}")


async def main() -> None:
    for name, (lesson, keys, wait) in SHOTS.items():
        await shoot(name, lesson, keys, wait)


if __name__ == "__main__":
    asyncio.run(main())
