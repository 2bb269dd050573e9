"""Entry point of `python -m tensor_gears.sample_class`."""

from pathlib import Path

from .job import run

run(Path.cwd())
