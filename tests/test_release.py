"""The student release is a build product: in sync with the source, and leak-free."""

import filecmp
import re

import pytest

from tensor_gears.contract import NOTEBOOKS, tasks_of
from tensor_gears.core.stand_in import blank_student_version
from tensor_gears.notebooks import cells_by_grade_id, notebook_path, read

from .conftest import REPO

RELEASE = REPO / "release"
SOURCE = REPO / "source"
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN_TESTS = re.compile(r"### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS\n", re.S)


def test_release_equals_a_fresh_generation(main_job):
    fresh = main_job[0] / "release" / "tensor_ops"  # the main job's release step, from source/
    committed = RELEASE / "tensor_ops"
    comparison = filecmp.dircmp(fresh, committed, ignore=[".ipynb_checkpoints"])
    assert comparison.left_only == [] and comparison.right_only == [], "release has other files than a fresh one"
    for name in sorted(path.name for path in fresh.iterdir()):
        assert (fresh / name).read_text() == (committed / name).read_text(), (
            f"release/tensor_ops/{name} is stale: run `make release` and commit it"
        )


def test_release_holds_only_the_contract_notebooks():
    files = sorted(path.name for path in (RELEASE / "tensor_ops").rglob("*") if path.is_file())
    assert files == sorted(f"{name}.ipynb" for name in NOTEBOOKS)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_release_leaks_no_solution_and_no_hidden_check(name):
    text = notebook_path(RELEASE, name).read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "tensor_gears"):
        assert marker not in text, f"release/{name} contains {marker!r}"
    source_cells = cells_by_grade_id(read(notebook_path(SOURCE, name)))
    release_cells = cells_by_grade_id(read(notebook_path(RELEASE, name)))
    for task in tasks_of(name):
        (solution,) = SOLUTION.findall(source_cells[task.answer_id].source)
        stub = release_cells[task.answer_id].source.splitlines()
        leaked = [line for line in solution.splitlines() if line.strip() and line in stub]
        assert not leaked, f"release/{name}: {task.name} keeps solution lines {leaked}"
        for hidden in task.hidden_cells:
            released = release_cells[hidden.grade_id].source
            assert released == HIDDEN_TESTS.sub("", source_cells[hidden.grade_id].source)
            assert "NBGRADER_EXECUTION" not in released, f"release/{name}: {hidden.grade_id} shows its guard"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_answer_cell_raises_not_implemented(name):
    cells = cells_by_grade_id(read(notebook_path(RELEASE, name)))
    for task in tasks_of(name):
        namespace = {}
        exec(compile(cells[task.answer_id].source, task.answer_id, "exec"), namespace)
        with pytest.raises(NotImplementedError):
            namespace[task.name](*[None] * len(task.params))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_stand_in_for_an_unreadable_notebook_has_the_release_answer_cells(name):
    blank = cells_by_grade_id(blank_student_version(name))
    released = cells_by_grade_id(read(notebook_path(RELEASE, name)))
    for task in tasks_of(name):
        assert blank[task.answer_id].source == released[task.answer_id].source
