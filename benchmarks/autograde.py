"""Benchmark: plain `nbgrader autograde`, the course's wired autograde and `tensor-gears grade`.

All grade the same synthetic class of N students (perfect, partial and buggy in turn) in
scratch courses built from this repository (run from its root: `make benchmark`, or
`python benchmarks/autograde.py [N]`), one after the other in one run. Plain nbgrader
executes the notebooks only (its hidden-check cells fail closed): the floor. The wired run
adds the hidden checks, the contained kernel and results.json, serially; `tensor-gears
grade` does the same work with 1 and 2 workers. Printed: wall time per student, the ratio
to plain nbgrader, the peak memory of the largest process of each run; then one student's
profile, phase by phase, through the grading core; then what the sandbox costs: a check
child's start and a kernel's start, boxed and unboxed, side by side.
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
from tensor_gears.core import Settings, grade_student
from tensor_gears.core.stand_in import STUB
from tensor_gears.notebooks import notebook_path
from tensor_gears.sample_class.job import STUDENTS, stage_course, stage_student
from tensor_gears.sandbox import box
from tensor_gears.sandbox.kernel import SandboxedKernelManager
from tensor_gears.sandbox.process import Child
from tensor_gears.secret import ALLOW_DEFAULT, course_secret
from tensor_gears.submission import Submission

STARTS = 5  # starts measured per kind, the median is printed

UNWIRED = f"c = get_config()\nc.ClearSolutions.code_stub = {{'python': {STUB!r}}}\n"
MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], capture_output=True).returncode
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
"""


KINDS = ("perfect", "partial", "mistakes")


def course_with_students(root: Path, folder: Path, students: int, wired: bool) -> Path:
    stage_course(root, folder)
    if not wired:
        (folder / "nbgrader_config.py").write_text(UNWIRED)
    for index in range(students):
        submitted = stage_student(folder, STUDENTS / KINDS[index % len(KINDS)])
        submitted.parent.rename(submitted.parent.with_name(f"student{index:03d}"))
    return folder


def measured(folder: Path, *command: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of the largest process of one grading command."""
    command = [sys.executable, "-c", MEASURE, str(Path(sys.executable).parent / command[0]), *command[1:]]
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", ALLOW_DEFAULT: "1"}
    output = subprocess.run(command, cwd=folder, capture_output=True, text=True, env=env).stdout.split()
    seconds, peak_kb, code = float(output[0]), float(output[1]), int(output[2])
    if code != 0:
        raise SystemExit(f"{' '.join(command[3:])} failed in {folder}")
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


def profile(folder: Path) -> None:
    """One perfect student through the grading core: each notebook's kernel run and checks."""
    notebooks = {name: notebook_path(folder / "submitted" / "student000", name).read_bytes() for name in NOTEBOOKS}
    report = grade_student("student000", notebooks, Settings(secret=course_secret()))
    print(f"\none perfect student through the grading core: {report['seconds']:.1f} s from submission to report")
    print(f"{'':24}{'kernel run':>12}{'hidden checks':>15}   (the two run side by side)")
    for name, notebook in report["notebooks"].items():
        print(f"  {name:<22}{notebook['seconds']['execute']:>11.1f}s{notebook['seconds']['checks']:>14.1f}s")
    totals = [sum(n["seconds"][phase] for n in report["notebooks"].values()) for phase in ("execute", "checks")]
    print(f"  {'total':<22}{totals[0]:>11.1f}s{totals[1]:>14.1f}s")


def main(students: int) -> None:
    os.environ.setdefault(ALLOW_DEFAULT, "1")
    root = Path.cwd()
    runs = {}
    with tempfile.TemporaryDirectory(prefix="tensor-gears-benchmark-") as scratch:
        plain = course_with_students(root, Path(scratch) / "plain", students, wired=False)
        runs["plain nbgrader autograde"] = measured(plain, "nbgrader", "autograde", ASSIGNMENT)
        wired = course_with_students(root, Path(scratch) / "wired", students, wired=True)
        runs["wired nbgrader autograde"] = measured(wired, "nbgrader", "autograde", ASSIGNMENT)
        for workers in (1, 2):
            course = course_with_students(root, Path(scratch) / f"workers{workers}", students, wired=True)
            runs[f"tensor-gears grade, {workers} worker{'s' * (workers > 1)}"] = measured(
                course, "tensor-gears", "grade", "--workers", str(workers))
        floor = runs["plain nbgrader autograde"][0]
        print(f"{students} students ({', '.join(KINDS)} in turn), {len(NOTEBOOKS)} notebooks each, "
              f"{os.cpu_count()} cores")
        print(f"{'':34}{'s per student':>14}{'vs plain':>10}{'peak MB':>10}")
        for name, (seconds, peak) in runs.items():
            print(f"{name:34}{seconds / students:>14.1f}{floor / seconds:>9.2f}x{peak:>10.0f}")
        profile(wired)
    isolation_costs()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
