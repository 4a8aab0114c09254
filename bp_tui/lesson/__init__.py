"""Lesson files: YAML in, a validated :class:`Lesson` out, or errors a teacher can act on.

The format is documented in ``docs/lesson-format.md`` and published as JSON Schema
(:func:`lesson_schema`, shipped as ``lessons/lesson.schema.json``). What a lesson
promises about itself (its ``expect:`` block) is verified by
:func:`bp_tui.lesson.expect.check_expectations`. This package never imports Textual.
"""

from bp_tui.lesson.errors import LessonError, Problem
from bp_tui.lesson.loader import load_lesson, parse_lesson
from bp_tui.lesson.model import Expectations, ExpectedValue, Lesson
from bp_tui.lesson.schema import lesson_schema

__all__ = [
    "Expectations",
    "ExpectedValue",
    "Lesson",
    "LessonError",
    "Problem",
    "lesson_schema",
    "load_lesson",
    "parse_lesson",
]
