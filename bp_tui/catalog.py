"""Where lessons come from: the shipped ones, a folder of the user's, or a path.

Shipped lessons are package data (``bp_tui.lessons``), so they are found after a plain
``pip install .`` from any working directory. A shipped lesson can be named by its file
stem (``03_two_two_two``) or by the stem without its number (``two_two_two``).
"""

from __future__ import annotations

import re
from importlib.resources import as_file, files
from pathlib import Path

_NUMBER = re.compile(r"^\d+_")


def shipped_dir() -> Path:
    """The folder of the shipped lessons, inside the installed package."""
    with as_file(files("bp_tui.lessons")) as path:
        return Path(path)


def lesson_files(folder: Path) -> list[Path]:
    """The ``.yaml`` and ``.yml`` files of ``folder``, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())


def shipped_lessons() -> list[Path]:
    return lesson_files(shipped_dir())


def short_name(path: Path) -> str:
    """``two_two_two`` for ``03_two_two_two.yaml``."""
    return _NUMBER.sub("", path.stem)


def resolve(name: str) -> Path:
    """The lesson ``name`` refers to: an existing path, or a shipped lesson's name.

    A name that matches nothing is returned as a path, so that loading it reports
    the missing file in the loader's words.
    """
    path = Path(name)
    if path.exists() or path.suffix in {".yaml", ".yml"} or "/" in name:
        return path
    for candidate in shipped_lessons():
        if name in {candidate.stem, short_name(candidate)}:
            return candidate
    return path
