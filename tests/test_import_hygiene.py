"""The headless layers never import the UI: checked in a fresh interpreter.

A test process has long since imported Textual and YAML for other tests, so ``sys.modules``
here proves nothing; each check starts a new ``python`` that imports one package and
reports which top-level modules it pulled in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def modules_loaded_by(package: str) -> set[str]:
    """Top-level names in ``sys.modules`` after ``import package`` in a new interpreter."""
    code = (
        "import importlib, json, sys\n"
        f"importlib.import_module({package!r})\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


def test_engine_imports_neither_textual_nor_yaml() -> None:
    """``bp_tui.engine`` is plain numpy: no Textual (the UI) and no YAML (lesson files)."""
    loaded = modules_loaded_by("bp_tui.engine")
    assert "numpy" in loaded  # the check itself works
    assert not loaded & {"textual", "yaml", "textual_plotext", "rich"}


def test_lesson_package_does_not_import_textual() -> None:
    """Lessons are loaded and checked without the UI, so the CLI can check them headless."""
    loaded = modules_loaded_by("bp_tui.lesson")
    assert "bp_tui" in loaded
    assert not loaded & {"textual", "textual_plotext"}


def test_the_quiz_module_is_headless() -> None:
    """``bp_tui.quiz`` judges answers without the UI, so it can be used (and tested) alone."""
    loaded = modules_loaded_by("bp_tui.quiz")
    assert "bp_tui" in loaded
    assert not loaded & {"textual", "rich", "textual_plotext"}
