"""Messages that screens send up to the app."""

from __future__ import annotations

from textual.message import Message


class BackToLessons(Message):
    """The student leaves a lesson (or a lesson's error) for the lesson picker."""
