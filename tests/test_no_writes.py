"""bp-tui only reads lessons: a whole session never writes into a lesson or its folder.

A teacher's lesson folder may be a shared drive, a git checkout or a read-only mount;
nothing bp-tui does may change a byte there, touch a file, or leave a backup, swap,
lock or cache file behind (not even one it deletes again: the folder's own
modification time is compared too).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bp_tui.tui.app import BpTuiApp
from bp_tui.tui.screens.dialogs import HelpScreen
from bp_tui.tui.screens.lesson import LessonScreen
from bp_tui.tui.screens.picker import PickerScreen

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "bp_tui" / "lessons").glob("*.yaml"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_state(folder: Path) -> dict[str, tuple[object, ...]]:
    """Everything a write would change: every entry under ``folder`` (hidden ones too)
    with its content hash, size, modification time, inode and mode; and the folder's
    own modification time, which any file created (or deleted) in it moves."""
    state: dict[str, tuple[object, ...]] = {".": (folder.stat().st_mtime_ns,)}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        digest = sha256(path) if path.is_file() else "not a file"
        times = (info.st_size, info.st_mtime_ns, info.st_ino, info.st_mode)
        state[str(path.relative_to(folder))] = (digest, *times)
    return state


@pytest.fixture
def lessons(tmp_path: Path) -> Path:
    """A copy of the shipped lessons, in a folder of their own."""
    folder = tmp_path / "lessons"
    folder.mkdir()
    for path in SHIPPED:
        shutil.copy2(path, folder / path.name)
    return folder


async def test_a_full_session_in_the_app_writes_nothing(
    lessons: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Open every lesson of the folder from the picker and use every key: step through
    all steps (n), back (p), home, end, next sample (s), train to the end (t), reset (r),
    help (?) and back (escape), back to the picker (l); then quit. The folder (also the
    working directory) is exactly as before, and so are the shipped lessons."""
    monkeypatch.chdir(lessons)
    before = folder_state(lessons)
    shipped = {path: sha256(path) for path in SHIPPED}
    app = BpTuiApp(lessons_dir=lessons)
    async with app.run_test(size=(120, 40)) as pilot:
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        copies = [i for i, entry in enumerate(picker.entries) if entry.path.parent == lessons]
        assert len(copies) == len(SHIPPED) >= 5
        for i in copies:
            await pilot.press("home", *["down"] * i, "enter")
            screen = app.screen
            assert isinstance(screen, LessonScreen)
            lesson = screen.session.lesson
            assert lesson.path == picker.entries[i].path
            await pilot.press(*["n"] * len(screen.session.trace.steps))  # into iteration 2
            assert screen.session.iteration_number == 2
            await pilot.press("p", "home", "end", "s")
            await pilot.press("t")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert len(screen.session.losses) == lesson.epochs > 0, lesson.path
            await pilot.press("r")
            assert screen.session.losses == []
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            assert app.screen is screen
            await pilot.press("l")
            assert app.screen is picker
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running
    assert folder_state(lessons) == before
    assert {path: sha256(path) for path in SHIPPED} == shipped


def test_check_and_run_write_nothing(lessons: Path) -> None:
    """`bp-tui check` (which trains the lessons that promise a final loss) on all of the
    folder's lessons, and `bp-tui run --format json` on each, run from inside the folder:
    the folder is exactly as before."""
    before = folder_state(lessons)
    files = sorted(p.name for p in lessons.iterdir())
    command = [sys.executable, "-m", "bp_tui"]
    result = subprocess.run(
        [*command, "check", *files], capture_output=True, text=True, timeout=300, cwd=lessons
    )
    assert result.returncode == 0, result.stderr
    for name in files:
        result = subprocess.run(
            [*command, "run", name, "--format", "json"],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=lessons,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("{")
    assert folder_state(lessons) == before
