"""Real kernels: the reference solutions pass every visible test; the untouched release fails them."""

import pytest
from nbgrader.validator import Validator

from tensor_gears.contract import NOTEBOOKS, tasks_of
from tensor_gears.notebooks import notebook_path, read

from .conftest import REPO


def failed_cells(path, validate_all):
    """Grade ids (or cell ids) of the cells nbgrader's Validator reports as failed."""
    results = Validator(validate_all=validate_all, ignore_checksums=True).validate(str(path))
    failed_sources = {failure["source"] for failure in results.get("failed", [])}
    return {cell.id for cell in read(path).cells if cell.source.strip() in failed_sources}


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_reference_solutions_run_clean_and_pass_every_visible_test(name):
    failed = failed_cells(notebook_path(REPO / "source", name), validate_all=True)
    assert failed == set(), f"source/{name}: cells failed or wrote to stderr: {sorted(failed)}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_untouched_release_fails_every_visible_test(name):
    failed = failed_cells(notebook_path(REPO / "release", name), validate_all=False)
    expected = {task.test_id for task in tasks_of(name)}
    assert expected <= failed, f"release/{name}: visible tests that pass without an answer: {sorted(expected - failed)}"
