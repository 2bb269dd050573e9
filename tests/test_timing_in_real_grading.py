"""Timing verdicts hold in the real flow: `tensor-gears grade` grades a class with two
workers side by side while other processes keep both cores busy, and no correct function
loses a timing point.

Sixteen students hand in 01 and 03 only. Every 01 holds a correct `vectorized_add_relu`
(the reference, or a correct variant from the bank; four of them also import TensorFlow,
which makes each garbage collection in their child slow); twelve 03s hold an honest
`naive_matrix_dot` (the reference, or a triple-loop variant from the bank) and four hold
one far past the 50x budget. The measured ratios are printed (run pytest with -s to see).
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tensor_gears.contract import ASSIGNMENT
from tensor_gears.reference import solution
from tensor_gears.release import nbgrader
from tensor_gears.timing import SLOWDOWN_ALLOWED, SPEEDUP_REQUIRED

from .bank_sections import variants
from .conftest import busy_cores, grades, make_course, submit

NOTEBOOKS = ("01_elementwise", "03_tensor_product")
REPEATS_TOO_SLOW = (150, 200, 300, 500)
TOO_SLOW = """import numpy as np
def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2 and x.shape[1] == y.shape[0]
    z = np.zeros((x.shape[0], y.shape[1]))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            for _ in range({repeats}):
                total = 0.0
                for k in range(x.shape[1]):
                    total += x[i, k] * y[k, j]
            z[i, j] = total
    return z
"""
# Two spinners beside the two grading workers: both cores stay busy the whole run, and every
# process gets about half a core. (test_timing_stability.py times through the API under four.)
SPINNERS = 2
RATIO = re.compile(r"measured: (?:`naive_matrix_dot` on .* took )?([0-9.]+) times")


def correct(function: str) -> list[str]:
    return ["reference"] + [v.source for v in variants("correct") if v.function == function]


def pick(options: list[str], index: int) -> str:
    return options[index % len(options)]


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("timing-class"))
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    fast, honest = correct("vectorized_add_relu"), correct("naive_matrix_dot")
    expected = {}
    for index in range(12):
        student = f"honest_{index:02d}"
        vectorized = pick(fast, index)
        if index >= 8:
            vectorized = "import tensorflow as tf\n" + (solution("vectorized_add_relu") if vectorized == "reference"
                                                          else vectorized)
        submit(course, student, {"vectorized_add_relu": vectorized, "naive_matrix_dot": pick(honest, index)},
               NOTEBOOKS)
        expected[student] = 2
    for index, repeats in enumerate(REPEATS_TOO_SLOW):
        student = f"too_slow_{repeats}"
        submit(course, student, {"vectorized_add_relu": pick(fast, index + 12),
                                 "naive_matrix_dot": TOO_SLOW.format(repeats=repeats)}, NOTEBOOKS)
        expected[student] = 0
    with busy_cores(SPINNERS):
        run = subprocess.run([str(Path(sys.executable).parent / "tensor-gears"), "grade", "--workers", "2"],
                             cwd=course, capture_output=True, text=True,
                             env={**os.environ,
                                  "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"})
    return course, run, expected


def timing_outputs(course, student) -> dict[str, str]:
    results = json.loads((course / "autograded" / student / ASSIGNMENT / "results.json").read_text())
    return {test["name"]: test["output"] for test in results["tests"] if test["name"].endswith("__timing")}


def ratio(output: str) -> float:
    found = RATIO.search(output)
    return float(found.group(1)) if found else float("inf")


def spread(values) -> str:
    return f"min {min(values):.1f}, median {float(np.median(values)):.1f}, max {max(values):.1f}"


def test_the_class_is_graded(graded_class):
    course, run, expected = graded_class
    assert run.returncode == 0, run.stderr[-3000:]
    assert sorted(p.name for p in (course / "autograded").iterdir()) == sorted(expected)


def test_no_correct_function_loses_a_timing_point_under_load(graded_class):
    course, _, expected = graded_class
    speedups = []
    for student in expected:
        assert grades(course, student)["hidden_vectorized_add_relu__timing"] == 2, timing_outputs(course, student)
        speedups.append(ratio(timing_outputs(course, student)["hidden_vectorized_add_relu__timing"]))
    print(f"\nvectorized_add_relu speed-up in real grading under load: {spread(speedups)} (threshold "
          f"{SPEEDUP_REQUIRED})")
    assert min(speedups) >= SPEEDUP_REQUIRED


def test_the_matrix_dot_budget_passes_honest_loops_and_stops_slow_ones(graded_class):
    course, _, expected = graded_class
    honest = []
    for student, points in expected.items():
        outputs = timing_outputs(course, student)
        assert grades(course, student)["hidden_naive_matrix_dot__timing"] == points, outputs
        if points:
            honest.append(ratio(outputs["hidden_naive_matrix_dot__timing"]))
        else:
            assert "was stopped" in outputs["hidden_naive_matrix_dot__timing"]
    print(f"\nnaive_matrix_dot slow-down of honest loops in real grading under load: {spread(honest)} "
          f"(budget {SLOWDOWN_ALLOWED})")
    assert max(honest) <= SLOWDOWN_ALLOWED


def test_feedback_shows_the_measured_ratio_when_the_check_passes(graded_class):
    course, _, _ = graded_class
    outputs = timing_outputs(course, "honest_00")
    assert "[PASSED]" in outputs["hidden_vectorized_add_relu__timing"]
    assert re.search(r"measured: [0-9.]+ times faster", outputs["hidden_vectorized_add_relu__timing"])
    assert re.search(r"took [0-9.]+ times the naive version's time", outputs["hidden_naive_matrix_dot__timing"])
