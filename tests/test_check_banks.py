"""The hidden checks are right, and fair: every correct variant keeps full marks, every buggy
one fails exactly the checks its section names, and each does so whoever hands it in. Each
variant is graded as several students (other random inputs), and every per-check verdict must
be the same for all of them. Run through the check API directly (no nbgrader)."""

import os

import pytest

from tensor_gears.grading import grade
from tensor_gears.submission import Submission

from .bank_sections import variants

# Five students; the rootless run (test_check_banks_rootless.py) sets one, as fairness across
# students does not depend on the box.
STUDENTS = [f"bank-student-{index}" for index in range(int(os.environ.get("TENSOR_GEARS_BANK_STUDENTS", "5")))]


def verdicts(variant, student):
    """Each check of the variant's function: passed or not; and the report of its cells."""
    cells = grade(variant.notebook, Submission.from_source(variant.source), student, [variant.function])
    passed = {check.name: check.passed for cell in cells.values() for check in cell.checks}
    return passed, "\n".join(cell.report() for cell in cells.values())


def same_verdicts_for_every_student(variant) -> dict[str, bool]:
    first, report = verdicts(variant, STUDENTS[0])
    for student in STUDENTS[1:]:
        passed, other = verdicts(variant, student)
        changed = {name for name in first if passed.get(name) != first[name]}
        assert not changed, f"{changed} differ between {STUDENTS[0]} and {student}:\n{report}\n---\n{other}"
    return first, report


@pytest.mark.parametrize("variant", variants("correct"), ids=lambda v: f"{v.function}: {v.label}")
def test_correct_variant_keeps_full_marks(variant):
    passed, report = same_verdicts_for_every_student(variant)
    assert passed and all(passed.values()), report


@pytest.mark.parametrize("variant", variants("buggy"), ids=lambda v: f"{v.function}: {v.label}")
def test_buggy_variant_loses_points_on_its_function(variant):
    """It fails exactly the checks its section names, whoever hands it in: the checks' random
    inputs differ from student to student, the checks a mistake fails do not."""
    assert variant.fails, "a buggy section names the checks it fails on a `# fails:` line"
    passed, report = same_verdicts_for_every_student(variant)
    failed = {name for name, ok in passed.items() if not ok}
    assert variant.fails <= failed, f"the mistake went unnoticed by {variant.fails - failed}:\n{report}"
    assert failed == variant.fails, f"{failed - variant.fails} failed too:\n{report}"


@pytest.mark.parametrize("variant", variants("adversarial"), ids=lambda v: f"{v.function}: {v.label}")
def test_adversarial_variant_loses_its_timing_points(variant):
    """Slow when honest, it tries to look fast when timed (telling timed calls from others, or
    reaching the grader): it loses the timing points, and every point of its function where it
    looks at or changes the grader, whoever hands it in."""
    assert any(name.endswith("_timing") for name in variant.fails), "an adversarial section fails its timing check"
    passed, report = same_verdicts_for_every_student(variant)
    failed = {name for name, ok in passed.items() if not ok}
    assert failed == variant.fails, f"expected to fail {sorted(variant.fails)}, failed {sorted(failed)}:\n{report}"
