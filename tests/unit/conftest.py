"""`unboxed`: grading code runs without the box (bubblewrap off the PATH, unboxed grading
allowed), so nothing builds a box (no bubblewrap probe) and the isolation said is `unboxed`."""

import pytest

from tensor_gears.sandbox.launch import ALLOW_UNBOXED


@pytest.fixture
def unboxed(monkeypatch, tmp_path):
    empty = tmp_path / "no-bwrap-here"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv(ALLOW_UNBOXED, "1")
