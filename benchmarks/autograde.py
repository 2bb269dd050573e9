"""Benchmark: plain `nbgrader autograde`, the course's wired autograde and `tensor-gears grade`.

All grade the same synthetic class of N students (perfect, partial and buggy in turn) in
scratch courses built from this repository (run from its root: `make benchmark`, or
`python benchmarks/autograde.py [N]`), one after the other in one run. Plain nbgrader
executes the notebooks only (its hidden-check cells fail closed): the floor. The wired run
adds the hidden checks, the contained kernel and results.json, serially; `tensor-gears
grade` does the same work with 1 and 2 workers. The wired and `tensor-gears grade` runs go
twice: kernels and check children started cold, and forked from templates. Printed: wall
time and CPU time (the whole machine's, from /proc/stat: run it on an otherwise idle
machine) per student, the throughput against plain nbgrader, the peak memory of the largest
process of each run; then one perfect student's profile, phase by phase, through the
grading core, cold and from templates; then what a start costs: a check child's and a
kernel's, unboxed, boxed cold and boxed from a template.
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
from tensor_gears.notebooks import STUB, notebook_path
from tensor_gears.sample_class.job import STUDENTS, stage_course, stage_student
from tensor_gears.sandbox import box, launch, templates
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


def machine_cpu() -> float:
    """CPU seconds the whole machine has used since boot (user, system, interrupts; not idle)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def measured(folder: Path, *command: str, forked: bool = True) -> tuple[float, float, float]:
    """Wall seconds, machine CPU seconds and peak RSS (MB) of the largest process of one
    grading command; `forked`: kernels and check children come from templates."""
    command = [sys.executable, "-c", MEASURE, str(Path(sys.executable).parent / command[0]), *command[1:]]
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", ALLOW_DEFAULT: "1",
           launch.TEMPLATES: "1" if forked else "0"}
    cpu = machine_cpu()
    output = subprocess.run(command, cwd=folder, capture_output=True, text=True, env=env).stdout.split()
    cpu = machine_cpu() - cpu
    seconds, peak_kb, code = float(output[0]), float(output[1]), int(output[2])
    if code != 0:
        raise SystemExit(f"{' '.join(command[3:])} failed in {folder}")
    return seconds, cpu, peak_kb / 1024


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
    measure()  # a first start may start the template
    return statistics.median(measure() for _ in range(STARTS))


def starts(forked: bool) -> tuple[float, float]:
    os.environ[launch.TEMPLATES] = "1" if forked else "0"
    return median_of(child_start), median_of(kernel_start)


def isolation_costs() -> None:
    boxed, forked = starts(forked=False), starts(forked=True)
    templates.POOL.close()
    available, box.available = box.available, lambda: "measuring without the box"
    os.environ["TENSOR_GEARS_ALLOW_UNBOXED"] = "1"
    try:
        unboxed = starts(forked=False)
    finally:
        box.available = available
        del os.environ["TENSOR_GEARS_ALLOW_UNBOXED"]
    print(f"\nwhat a start costs (median of {STARTS} starts, after a first one):")
    print(f"{'':28}{'unboxed':>10}{'boxed, cold':>13}{'from a template':>17}")
    for name, plain, cold, warm in zip(("check child start", "kernel start"), unboxed, boxed, forked):
        print(f"{name:28}{plain:>9.2f}s{cold:>12.2f}s{warm:>16.2f}s")


def profile(folder: Path) -> None:
    """One perfect student through the grading core, cold and from (started) templates:
    each notebook's kernel run and checks, and the machine's CPU for the whole student."""
    notebooks = {name: notebook_path(folder / "submitted" / "student000", name).read_bytes() for name in NOTEBOOKS}
    reports = {}
    for label, forked in (("cold", False), ("templates starting", True), ("templates", True)):
        os.environ[launch.TEMPLATES] = "1" if forked else "0"
        cpu = machine_cpu()
        reports[label] = grade_student("student000", notebooks, Settings(secret=course_secret())), machine_cpu() - cpu
    print("\none perfect student through the grading core (kernel runs and hidden checks run side by side):")
    print(f"{'':24}" + "".join(f"{label:>28}" for label in reports))
    print(f"{'':24}" + f"{'kernel run':>14}{'hidden checks':>14}" * len(reports))
    for name in NOTEBOOKS:
        print(f"  {name:<22}" + "".join(f"{report['notebooks'][name]['seconds']['execute']:>13.1f}s"
                                       f"{report['notebooks'][name]['seconds']['checks']:>13.1f}s"
                                       for report, _ in reports.values()))
    print(f"  {'submission to report':<22}" + "".join(f"{report['seconds']:>27.1f}s" for report, _ in reports.values()))
    print(f"  {'machine CPU':<22}" + "".join(f"{cpu:>27.1f}s" for _, cpu in reports.values()))


def main(students: int) -> None:
    os.environ.setdefault(ALLOW_DEFAULT, "1")
    root = Path.cwd()
    runs = {}
    with tempfile.TemporaryDirectory(prefix="tensor-gears-benchmark-") as scratch:
        plain = course_with_students(root, Path(scratch) / "plain", students, wired=False)
        runs["plain nbgrader autograde"] = measured(plain, "nbgrader", "autograde", ASSIGNMENT)
        for forked, how in ((False, "cold"), (True, "templates")):
            wired = course_with_students(root, Path(scratch) / f"wired-{how}", students, wired=True)
            runs[f"wired nbgrader autograde, {how}"] = measured(wired, "nbgrader", "autograde", ASSIGNMENT,
                                                                forked=forked)
            for workers in (1, 2):
                course = course_with_students(root, Path(scratch) / f"workers{workers}-{how}", students, wired=True)
                runs[f"tensor-gears grade, {workers} worker{'s' * (workers > 1)}, {how}"] = measured(
                    course, "tensor-gears", "grade", "--workers", str(workers), forked=forked)
        floor = runs["plain nbgrader autograde"][0]
        print(f"{students} students ({', '.join(KINDS)} in turn), {len(NOTEBOOKS)} notebooks each, "
              f"{os.cpu_count()} cores")
        print(f"{'':42}{'s per student':>14}{'CPU s':>8}{'vs plain':>10}{'peak MB':>10}")
        for name, (seconds, cpu, peak) in runs.items():
            print(f"{name:42}{seconds / students:>14.1f}{cpu / students:>8.1f}{floor / seconds:>9.2f}x{peak:>10.0f}")
        profile(wired)
    isolation_costs()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
