"""Reading course notebooks and their nbgrader cells."""

from pathlib import Path

import nbformat
from nbformat import NotebookNode

from .contract import ASSIGNMENT

# What students see in place of a solution (nbgrader_config.py gives it to ClearSolutions; this
# module is light enough for the configuration every nbgrader command loads).
STUB = '# YOUR CODE HERE\nraise NotImplementedError("replace this line with your code")'


def notebook_path(folder: Path, notebook: str) -> Path:
    """The path of `notebook` (a contract name, no suffix) under `folder/tensor_ops/`."""
    return Path(folder) / ASSIGNMENT / f"{notebook}.ipynb"


def read(path: Path) -> NotebookNode:
    """Read a notebook as nbformat 4."""
    return nbformat.read(str(path), as_version=4)


def nbgrader_meta(cell: NotebookNode) -> dict:
    """The cell's nbgrader metadata, or {} for a plain cell."""
    return cell.get("metadata", {}).get("nbgrader", {})


def grade_id(cell: NotebookNode) -> str | None:
    """The cell's nbgrader grade id, if it has one."""
    return nbgrader_meta(cell).get("grade_id")


def cells_by_grade_id(nb: NotebookNode) -> dict[str, NotebookNode]:
    """Every nbgrader cell of `nb`, keyed by grade id."""
    return {grade_id(cell): cell for cell in nb.cells if grade_id(cell)}


def is_grade_cell(cell: NotebookNode) -> bool:
    return bool(nbgrader_meta(cell).get("grade"))


def failed(cell: NotebookNode) -> bool:
    """Whether an executed code cell shows an error or wrote to stderr (nbgrader's rule)."""
    return any(
        out.output_type == "error" or (out.output_type == "stream" and out.name == "stderr")
        for out in cell.get("outputs", [])
    )


def error_summary(cell: NotebookNode) -> str:
    """The first error of an executed cell as `Name: message`, or '' when there is none."""
    for out in cell.get("outputs", []):
        if out.output_type == "error":
            return f"{out.ename}: {out.evalue}"
        if out.output_type == "stream" and out.name == "stderr":
            return f"stderr: {out.text.strip()}"
    return ""
