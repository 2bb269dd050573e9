"""Build the student version: `nbgrader generate_assignment` with a scratch gradebook.

The release is a build product: `release/tensor_ops/` must always equal what this makes
from `source/tensor_ops/`. A scratch gradebook keeps the instructor's real gradebook out of
it (nbgrader refuses to change cells of an assignment that has submissions).

Usage: python -m tensor_gears.release   (or `make release`), from the repository root.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .contract import ASSIGNMENT


def nbgrader(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run an `nbgrader` command in the course folder `root`, capturing its output.

    The environment's bin folder goes first on PATH: a new gradebook shells out to `alembic`.
    """
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [str(bin_dir / "nbgrader"), *args]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[-len(args) - 1:])} failed in {root}:\n{result.stderr[-4000:]}")
    return result


def generate_release(root: Path) -> Path:
    """Regenerate `root/release/tensor_ops` from `root/source/tensor_ops`; return its path."""
    with tempfile.TemporaryDirectory(prefix="tensor-gears-release-") as scratch:
        nbgrader(root, "generate_assignment", ASSIGNMENT, "--force",
                 f"--CourseDirectory.db_url=sqlite:///{scratch}/gradebook.db")
    return Path(root) / "release" / ASSIGNMENT


if __name__ == "__main__":
    print(f"released {generate_release(Path.cwd())}")
