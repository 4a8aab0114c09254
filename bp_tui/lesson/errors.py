"""What is wrong with a lesson file: problems with a place, and the error that carries them.

Every problem reads like a compiler's message, one per line::

    lessons/x.yaml:12:5: network.weights[0]: must be 2×2 ... (expected ..., got ...)

Lines and columns count from 1; ``:line:col`` is left out when there is no place in
the file to point at (a file that cannot be read), and the field when the problem is
about the file as a whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bp_tui.lesson.limits import MAX_PROBLEMS

#: The path shown for a lesson parsed from a string without a file.
NO_PATH = "<string>"

#: Where a value sits in a lesson: keys and list indices from the top, e.g.
#: ``("network", "weights", 0)``.
FieldPath = tuple[str | int, ...]


def field_name(path: FieldPath) -> str:
    """A field path as messages show it: ``network.weights[0]``, ``data[2].target``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def clip(text: str, limit: int = 40) -> str:
    """``text`` in single quotes for a message: its first line, at most ``limit`` characters."""
    first = text.split("\n", 1)[0]
    if len(first) > limit or first != text:
        first = first[: limit - 1] + "…"
    return f"'{first}'"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a lesson, and where: ``path:line:col: field: message``."""

    path: str
    line: int | None
    column: int | None
    field: str
    message: str

    def __str__(self) -> str:
        place = self.path
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{place}:{field} {self.message}"


class LessonError(Exception):
    """A lesson file that cannot be used, with every problem found in it."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.problems)  # so that the error pickles and unpickles

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def sort_key(problem: Problem) -> tuple[int, int]:
    """File order: problems without a line first, then by line and column."""
    return (problem.line or 0, problem.column or 0)


class Problems:
    """Collects the problems of one file, then raises them together."""

    #: Problems kept for sorting; beyond these only a count (a broken 2 MB file can
    #: have a million).
    KEEP = 10 * MAX_PROBLEMS

    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[Problem] = []
        self.dropped = 0

    def add(
        self, field: str, message: str, line: int | None = None, col: int | None = None
    ) -> None:
        """Record a problem at ``line``:``col`` (1-based) of ``field``."""
        if len(self.items) < self.KEEP:
            self.items.append(Problem(self.path, line, col, field, message))
        else:
            self.dropped += 1

    def error(self) -> LessonError:
        """A :class:`LessonError` with the problems in file order, at most ``MAX_PROBLEMS``."""
        items = sorted(self.items, key=sort_key)
        if len(items) > MAX_PROBLEMS:
            rest = len(items) - MAX_PROBLEMS + self.dropped
            items = items[:MAX_PROBLEMS]
            items.append(
                Problem(self.path, None, None, "", f"... and {rest} more problems not listed")
            )
        return LessonError(items)

    def raise_if_any(self) -> None:
        """Raise the collected problems, if there are any."""
        if self.items:
            raise self.error()


def fail(path: str, message: str, line: int | None = None, col: int | None = None) -> LessonError:
    """A :class:`LessonError` with a single problem about the file as a whole."""
    return LessonError([Problem(path, line, col, "", message)])
