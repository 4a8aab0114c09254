"""Load a lesson: read the file, check it, build it; or raise every problem found.

:func:`load_lesson` and :func:`parse_lesson` return a :class:`~bp_tui.lesson.model.Lesson`
or raise :class:`~bp_tui.lesson.errors.LessonError`; any other exception is a bug.
The steps, each in its own module:

1. ``source``: bytes to text to a YAML tree with line numbers (safe, size-limited);
2. ``validate``: the tree against the declared fields of ``schema.LESSON``;
3. ``rules``: the parts against each other (shapes, activations, limits);
4. ``build``: numpy arrays and engine objects.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bp_tui.lesson.build import build_lesson
from bp_tui.lesson.errors import NO_PATH, Problems, fail
from bp_tui.lesson.limits import MAX_FILE_BYTES
from bp_tui.lesson.model import Lesson
from bp_tui.lesson.rules import check_rules
from bp_tui.lesson.schema import LESSON
from bp_tui.lesson.source import MAPPING, compose, decode, too_large
from bp_tui.lesson.validate import check, describe

_EMPTY = "the file is empty; a lesson needs title, network, data and training"


def load_lesson(path: str | Path) -> Lesson:
    """The lesson in the YAML file at ``path``; the file is only read."""
    path = Path(path)
    shown = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise fail(shown, "no such file (expected a lesson file, got a path to nothing)") from None
    except (OSError, ValueError) as e:
        raise fail(shown, f"cannot read the file ({_reason(e)})") from None
    if stat.S_ISDIR(info.st_mode):
        raise fail(shown, "not a file (expected a lesson file, got a directory)")
    if not stat.S_ISREG(info.st_mode):
        raise fail(shown, "not a regular file (expected a lesson file, got a device or pipe)")
    if info.st_size > MAX_FILE_BYTES:
        raise too_large(shown, info.st_size)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise fail(shown, f"cannot read the file ({_reason(e)})") from None
    return parse_lesson(data, path)


def _reason(error: Exception) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error)


def parse_lesson(text: str | bytes, path: Path | None = None) -> Lesson:
    """The lesson in ``text`` (YAML; bytes must be UTF-8); ``path`` is for messages only."""
    shown = str(path) if path is not None else NO_PATH
    problems = Problems(shown)
    if isinstance(text, bytes | bytearray | memoryview):
        text = decode(bytes(text), shown)
    root = compose(text, problems)
    if root is None:
        problems.raise_if_any()
        raise fail(shown, _EMPTY)
    if root.kind != MAPPING:
        if root.ok:
            problems.add(
                "",
                f"the top level is not a mapping (expected {LESSON.expected()}, "
                f"got {describe(root)})",
                root.line,
                root.column,
            )
        raise problems.error()
    doc = check(LESSON, root, (), problems)
    check_rules(doc, root, problems)
    problems.raise_if_any()
    return build_lesson(doc, root, path, problems)
