"""The check API: seeded per student, reproducible on regrade, and every failure explained."""

import ast
import re
import threading
from pathlib import Path

import numpy as np

from tensor_gears.contract import ASSIGNMENT
from tensor_gears.core import Settings, grade_student
from tensor_gears.grading import grade
from tensor_gears.secret import DEFAULT_SECRET, rng_for
from tensor_gears.submission import Submission

RELEASE = Path(__file__).resolve().parents[1] / "release" / ASSIGNMENT
WRONG_RELU = "import numpy as np\ndef naive_relu(x):\n    return np.abs(x)\n"
NO_REJECTION = """import numpy as np
def naive_relu(x):
    out = x.copy()
    for index in np.ndindex(x.shape):
        out[index] = max(x[index], 0)
    return out
"""


def test_inputs_depend_on_the_secret_the_student_and_the_check():
    draw = lambda *key: rng_for(*key).integers(0, 10**9, size=4).tolist()  # noqa: E731
    assert draw(DEFAULT_SECRET, "tensor_ops", "ada", "check_x") == draw(DEFAULT_SECRET, "tensor_ops", "ada", "check_x")
    assert draw(DEFAULT_SECRET, "tensor_ops", "ada", "check_x") != draw(DEFAULT_SECRET, "tensor_ops", "bob", "check_x")
    assert draw(DEFAULT_SECRET, "tensor_ops", "ada", "check_x") != draw("another secret", "tensor_ops", "ada",
                                                                        "check_x")


def test_a_regrade_reproduces_every_verdict_and_message():
    submission = Submission.from_source(NO_REJECTION)
    first = grade("01_elementwise", submission, "ada", ["naive_relu"])
    second = grade("01_elementwise", submission, "ada", ["naive_relu"])
    assert first == second
    assert first["hidden_naive_relu"].points == 5


# A call as messages name it: the function, then each input's shape and dtype, nothing else.
CALL = r"`naive_relu` on x: \((\d+, )*\d*,?\) (float|int)(32|64)( \(a (transposed|non-contiguous) view\))?"
SHAPES_ONLY = re.compile(rf"{CALL} returned wrong values"
                         rf"|not judged: `naive_relu` must first return the right result on a plain input "
                         rf"\({CALL} returned wrong values\)")


def test_failures_name_the_property_and_shapes_not_the_expected_values():
    report = grade("01_elementwise", Submission.from_source(WRONG_RELU), "ada", ["naive_relu"])["hidden_naive_relu"]
    failed = [check for check in report.checks if not check.passed]
    assert len(failed) == len(report.checks)
    for check in failed:
        assert SHAPES_ONLY.fullmatch(check.message), check.message
        assert check.call["function"] == "naive_relu" and all(" " in shape for shape in check.call["inputs"])
    # The rule checks could not judge their property: they say so, as data too.
    assert {check.name for check in failed if not check.judged} == {"check_naive_relu_rejects",
                                                                     "check_naive_relu_loops_only"}


def test_a_missing_function_is_named():
    report = grade("01_elementwise", Submission.from_source("import numpy as np\n"), "ada", ["naive_add"])
    messages = {check.message for check in report["hidden_naive_add"].checks}
    missing = "`naive_add` is not defined in your notebook (it must be defined at the top level of a code cell)"
    assert missing in messages
    assert np.isclose(report["hidden_naive_add"].points, 0)


def test_no_kernel_thread_parses_while_the_checks_run(monkeypatch):
    """Python 3.11's AST constructor is not thread-safe (CPython gh-106905): a parse in a kernel's
    thread beside pytest's own (formatting a failed check) once scored a notebook's hidden cells
    0 as a grader failure. Grading one student, every ast.parse is in the hidden checks' thread."""
    threads = []
    parse = ast.parse

    def recorded(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return parse(*args, **kwargs)

    monkeypatch.setattr(ast, "parse", recorded)
    untouched = {name: (RELEASE / f"{name}.ipynb").read_bytes() for name in ("04_reshaping", "05_gradient_tape")}
    report = grade_student("ada", untouched, Settings(secret=DEFAULT_SECRET))
    assert not any(notebook["grader_failed"] for notebook in report["notebooks"].values())
    assert threads and all(name == threading.current_thread().name for name in threads), set(threads)
