"""tensor_gears.nbgrader_glue.exporter: grading refuses to start without a course secret; a submitted file
that is not a readable notebook is graded as the blank student version, saying why; cells the course does not
know, or copies of one, lose their nbgrader marks."""

import io

import nbformat
import pytest
from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.converters.base import NbGraderException

from tensor_gears.core.stand_in import UNREADABLE_CELL, stand_in_reason
from tensor_gears.nbgrader_glue.exporter import TolerantNotebookExporter, short, unmark_unknown_and_repeated_cells
from tensor_gears.secret import ALLOW_DEFAULT, course_secret


@pytest.fixture
def no_secret(monkeypatch, tmp_path):
    for name in ("TENSOR_GEARS_SECRET", ALLOW_DEFAULT):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TENSOR_GEARS_SECRET_FILE", str(tmp_path / "no-secret-here"))
    course_secret.cache_clear()
    yield
    course_secret.cache_clear()


def read(exporter, text: str, name: str):
    nb, _ = exporter.from_file(io.StringIO(text), resources={"metadata": {"name": name}})
    return nbformat.reads(nb, as_version=4)


def test_without_a_course_secret_grading_refuses_and_says_how_to_set_one(no_secret):
    with pytest.raises(NbGraderException, match="no course secret is set.*TENSOR_GEARS_SECRET"):
        TolerantNotebookExporter()


def test_an_unreadable_notebook_is_graded_as_the_blank_version_with_the_reason(unboxed):
    nb = read(TolerantNotebookExporter(), '{"cells": [', "02_broadcasting")
    assert nb.cells[0].id == UNREADABLE_CELL
    assert stand_in_reason(nb).startswith("the submitted file 02_broadcasting.ipynb is not a readable notebook "
                                          "(NotJSONError: ")
    assert any("raise NotImplementedError" in cell.source for cell in nb.cells)


def test_an_unreadable_file_that_is_no_notebook_of_the_course_is_an_error(unboxed):
    with pytest.raises(ValueError, match="the submitted file notes.ipynb is not a readable notebook"):
        read(TolerantNotebookExporter(), "{", "notes")


def test_a_notebook_that_cannot_be_prepared_is_graded_as_the_blank_version(unboxed):
    class Breaks(Preprocessor):
        """nbgrader's checks rejecting what the student made of the notebook (not the blank version)."""

        def preprocess(self, nb, resources):
            if stand_in_reason(nb) is None:
                raise KeyError("grade_id")
            return nb, resources

    exporter = TolerantNotebookExporter()
    exporter.register_preprocessor(Breaks, enabled=True)
    nb = read(exporter, nbformat.writes(new_notebook()), "04_reshaping")
    assert stand_in_reason(nb).startswith("the submitted notebook 04_reshaping.ipynb could not be prepared for "
                                          "grading (KeyError: 'grade_id')")


def test_unknown_and_repeated_nbgrader_cells_become_plain_cells():
    def marked(grade_id):
        return new_code_cell("x", metadata={"nbgrader": {"grade_id": grade_id, "grade": True, "points": 0}})

    nb = new_notebook(cells=[marked("test_naive_relu"), marked("test_naive_relu"), marked("my_own_cell"),
                             marked("test_broadcast_shape"), new_code_cell("y")])
    unmark_unknown_and_repeated_cells(nb, "01_elementwise")
    assert ["nbgrader" in cell.metadata for cell in nb.cells] == [True, False, False, False, False]


def test_an_error_is_cut_to_its_first_line_of_at_most_200_characters():
    assert short(ValueError("first\nsecond")) == "first"
    assert short(ValueError("x" * 300)) == "x" * 200
    assert short(ValueError()) == ""
