"""Keep source notebooks diff-friendly: no outputs, no execution counts, no run metadata.

Usage: python -m tensor_gears.tidy source/tensor_ops   (or `make tidy`)
"""

import sys
from pathlib import Path

import nbformat

from .notebooks import read

KEPT_CELL_METADATA = ("nbgrader",)
NOTEBOOK_METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def tidy(nb: nbformat.NotebookNode) -> bool:
    """Strip outputs, counts and run metadata in place; return whether anything changed."""
    before = nbformat.writes(nb)
    nb.metadata = nbformat.from_dict(NOTEBOOK_METADATA)
    for cell in nb.cells:
        cell.metadata = {key: value for key, value in cell.metadata.items() if key in KEPT_CELL_METADATA}
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nbformat.writes(nb) != before


def main(folders: list[str]) -> None:
    for folder in folders:
        for path in sorted(Path(folder).glob("*.ipynb")):
            nb = read(path)
            if tidy(nb):
                nbformat.write(nb, str(path))
                print(f"tidied {path}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["source/tensor_ops"])
