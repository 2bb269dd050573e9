"""Reading course notebooks and their nbgrader cells, on real nbformat notebooks."""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tensor_gears import notebooks


def graded(grade_id, **meta):
    return {"nbgrader": {"grade_id": grade_id, **meta}}


NB = new_notebook(cells=[
    new_markdown_cell("# Title"),
    new_code_cell("def f(x): ...", metadata=graded("f", solution=True)),
    new_code_cell("assert f(1)", metadata=graded("test_f", grade=True, points=0),
                  outputs=[new_output("stream", name="stderr", text="a warning\n")]),
    new_code_cell("check()", metadata=graded("hidden_f", grade=True, points=6),
                  outputs=[new_output("stream", name="stdout", text="ok\n"),
                           new_output("error", ename="ValueError", evalue="bad shape", traceback=[])]),
    new_code_cell("print(1)", outputs=[new_output("stream", name="stdout", text="1\n")]),
])


def test_cells_are_found_by_grade_id_and_plain_cells_have_none():
    cells = notebooks.cells_by_grade_id(NB)
    assert list(cells) == ["f", "test_f", "hidden_f"]
    assert notebooks.grade_id(NB.cells[4]) is None and notebooks.nbgrader_meta(NB.cells[4]) == {}
    assert [notebooks.is_grade_cell(cell) for cell in NB.cells] == [False, False, True, True, False]


def test_a_cell_failed_when_it_shows_an_error_or_wrote_to_stderr():
    assert [notebooks.failed(cell) for cell in NB.cells] == [False, False, True, True, False]
    assert notebooks.error_summary(NB.cells[3]) == "ValueError: bad shape"
    assert notebooks.error_summary(NB.cells[2]) == "stderr: a warning"
    assert notebooks.error_summary(NB.cells[4]) == ""


def test_a_notebook_is_read_from_its_contract_path_as_version_4(tmp_path):
    path = notebooks.notebook_path(tmp_path, "01_elementwise")
    assert path == tmp_path / "tensor_ops" / "01_elementwise.ipynb"
    path.parent.mkdir()
    nbformat.write(NB, str(path))
    back = notebooks.read(path)
    assert back.nbformat == 4 and notebooks.cells_by_grade_id(back).keys() == {"f", "test_f", "hidden_f"}
