"""Shared fixtures: the shipped lessons, and the app built the way a student starts it."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "bp_tui" / "lessons").glob("*.yaml"))


@pytest.fixture(params=SHIPPED, ids=[p.stem for p in SHIPPED])
def shipped_lesson(request: pytest.FixtureRequest) -> Path:
    """Each shipped lesson file in turn."""
    return request.param
