"""Source notebooks kept diff-friendly: no outputs, no counts, no run metadata, only nbgrader's."""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tensor_gears import tidy


def run_notebook():
    """A notebook as Jupyter leaves it after a run."""
    result = new_output("execute_result", data={"text/plain": "2"}, execution_count=3)
    code_metadata = {"nbgrader": {"grade_id": "f", "solution": True}, "collapsed": False,
                     "execution": {"iopub.status.idle": "2024-01-01T00:00:00Z"}}
    return new_notebook(cells=[
        new_markdown_cell("text", metadata={"nbgrader": {"grade_id": "intro"}, "tags": ["x"]}),
        new_code_cell("1 + 1", execution_count=3, outputs=[result], metadata=code_metadata),
    ], metadata={"kernelspec": {"name": "my-env", "display_name": "Mine", "language": "python"},
                 "language_info": {"name": "python", "version": "3.11.2"}, "widgets": {}})


def test_tidy_strips_outputs_counts_and_run_metadata_and_keeps_nbgraders():
    nb = run_notebook()
    assert tidy.tidy(nb)
    markdown, code = nb.cells
    assert code.outputs == [] and code.execution_count is None
    assert code.metadata == {"nbgrader": {"grade_id": "f", "solution": True}}
    assert markdown.metadata == {"nbgrader": {"grade_id": "intro"}} and code.source == "1 + 1"
    assert nb.metadata == tidy.NOTEBOOK_METADATA


def test_a_tidy_notebook_is_left_as_it_is():
    nb = run_notebook()
    tidy.tidy(nb)
    assert not tidy.tidy(nb)


def test_main_rewrites_only_the_notebooks_that_changed(tmp_path, capsys):
    clean = run_notebook()
    tidy.tidy(clean)
    nbformat.write(clean, str(tmp_path / "a_clean.ipynb"))
    nbformat.write(run_notebook(), str(tmp_path / "b_run.ipynb"))
    before = (tmp_path / "a_clean.ipynb").stat().st_mtime_ns
    tidy.main([str(tmp_path)])
    assert capsys.readouterr().out == f"tidied {tmp_path / 'b_run.ipynb'}\n"
    assert (tmp_path / "a_clean.ipynb").stat().st_mtime_ns == before
    assert not tidy.tidy(nbformat.read(str(tmp_path / "b_run.ipynb"), as_version=4))
