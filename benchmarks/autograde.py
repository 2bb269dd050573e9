"""Benchmark: plain `nbgrader autograde` against the course's wired autograde, side by side.

Both grade the same N perfect students in scratch courses built from this repository (run
from its root: `make benchmark`, or `python benchmarks/autograde.py [N]`). Plain nbgrader
executes the notebooks only (its hidden-check cells fail closed); the wired run adds the
hidden checks, the contained kernel and results.json. Printed: wall time per student, the
ratio between the two, and the peak memory of the largest process of each run; then the
time the hidden checks alone take per notebook; then what the sandbox costs: a check child's
start and a kernel's start, boxed and unboxed, side by side.
"""

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tensor_gears.contract import ASSIGNMENT, NOTEBOOKS
from tensor_gears.grading import grade
from tensor_gears.notebooks import notebook_path, read
from tensor_gears.sample_class.job import STUDENTS, stage_course, stage_student
from tensor_gears.sandbox import box
from tensor_gears.sandbox.kernel import SandboxedKernelManager
from tensor_gears.sandbox.process import Child
from tensor_gears.secret import ALLOW_DEFAULT
from tensor_gears.submission import Submission

STARTS = 5  # starts measured per kind, the median is printed

UNWIRED = 'c = get_config()\nc.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}\n'
MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], capture_output=True).returncode
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
"""


def course_with_students(root: Path, folder: Path, students: int, wired: bool) -> Path:
    stage_course(root, folder)
    if not wired:
        (folder / "nbgrader_config.py").write_text(UNWIRED)
    for index in range(students):
        submitted = stage_student(folder, STUDENTS / "perfect")
        submitted.parent.rename(submitted.parent.with_name(f"student{index:03d}"))
    return folder


def autograde(folder: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of the largest process of one `nbgrader autograde` run."""
    command = [sys.executable, "-c", MEASURE, str(Path(sys.executable).parent / "nbgrader"), "autograde", ASSIGNMENT]
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", ALLOW_DEFAULT: "1"}
    output = subprocess.run(command, cwd=folder, capture_output=True, text=True, env=env).stdout.split()
    seconds, peak_kb, code = float(output[0]), float(output[1]), int(output[2])
    if code != 0:
        raise SystemExit(f"nbgrader autograde failed in {folder}")
    return seconds, peak_kb / 1024


def child_start() -> float:
    """Seconds from nothing to a child that has loaded a small submission and answered."""
    start = time.perf_counter()
    with Child() as child:
        child.request({"op": "load", "statements": Submission.from_source("import numpy as np\n").wire()}, timeout=60)
    return time.perf_counter() - start


def kernel_start() -> float:
    """Seconds from nothing to a boxed kernel that answers, and back to nothing."""
    async def run():
        manager = SandboxedKernelManager(kernel_name="python3")
        start = time.perf_counter()
        await manager.start_kernel()
        client = manager.client()
        client.start_channels()
        await client.wait_for_ready(timeout=60)
        elapsed = time.perf_counter() - start
        client.stop_channels()
        await manager.shutdown_kernel(now=True)
        return elapsed
    return asyncio.run(run())


def median_of(measure) -> float:
    return statistics.median(measure() for _ in range(STARTS))


def isolation_costs() -> None:
    boxed = median_of(child_start), median_of(kernel_start)
    available, box.available = box.available, lambda: "measuring without the box"
    os.environ["TENSOR_GEARS_ALLOW_UNBOXED"] = "1"
    try:
        unboxed = median_of(child_start), median_of(kernel_start)
    finally:
        box.available = available
        del os.environ["TENSOR_GEARS_ALLOW_UNBOXED"]
    print(f"\nwhat the sandbox costs (median of {STARTS} starts):")
    print(f"{'':28}{'unboxed':>10}{'boxed':>10}{'added':>10}")
    for name, plain, wrapped in zip(("check child start", "kernel start"), unboxed, boxed):
        print(f"{name:28}{plain:>9.2f}s{wrapped:>9.2f}s{wrapped - plain:>9.2f}s")


def main(students: int) -> None:
    os.environ.setdefault(ALLOW_DEFAULT, "1")
    root = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="tensor-gears-benchmark-") as scratch:
        plain = course_with_students(root, Path(scratch) / "plain", students, wired=False)
        wired = course_with_students(root, Path(scratch) / "wired", students, wired=True)
        plain_seconds, plain_mb = autograde(plain)
        wired_seconds, wired_mb = autograde(wired)
        print(f"{students} perfect students, {len(NOTEBOOKS)} notebooks each")
        print(f"{'':28}{'plain nbgrader':>16}{'wired (hidden checks)':>24}{'ratio':>8}")
        print(f"{'wall seconds per student':28}{plain_seconds / students:>16.1f}{wired_seconds / students:>24.1f}"
              f"{wired_seconds / plain_seconds:>8.2f}")
        print(f"{'peak MB, largest process':28}{plain_mb:>16.0f}{wired_mb:>24.0f}{wired_mb / plain_mb:>8.2f}")
        submitted = wired / "submitted" / "student000"
        print("\nhidden checks alone, one perfect student:")
        for notebook in NOTEBOOKS:
            start = time.perf_counter()
            grade(notebook, Submission.from_notebook(read(notebook_path(submitted, notebook))), "benchmark")
            print(f"  {notebook:<22}{time.perf_counter() - start:6.1f} s")
    isolation_costs()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
