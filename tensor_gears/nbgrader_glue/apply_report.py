"""In `tensor-gears grade`, a worker has already executed and checked each notebook:
`ApplyReport` takes the place of Execute and HiddenChecks in nbgrader's autograde and puts
the worker's outputs into the notebook nbgrader prepared, cell by cell (matched by id)."""

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from ..core.hidden_cells import CHECKS_METADATA, GRADER_FAILED, failed_results, write_results
from ..errors import GraderError

REPORTS: dict[str, dict] = {}  # student -> report, for the student being recorded
ISOLATION = "tensor_gears_isolation"  # the resources key of the worker's isolation


class ApplyReport(NbGraderPreprocessor):
    """The worker's executed notebook, applied; without one, the hidden cells score 0."""

    def preprocess(self, nb, resources):
        student, notebook = resources["nbgrader"]["student"], resources["nbgrader"]["notebook"]
        if "isolation" in REPORTS[student]:  # where the worker ran the code, for results.json
            resources[ISOLATION] = REPORTS[student]["isolation"]
        report = REPORTS[student]["notebooks"].get(notebook)
        if report is None:
            write_results(nb, failed_results(notebook, "the grader could check it", GRADER_FAILED))
            return nb, resources
        executed_nb = nbformat.reads(report["executed"], as_version=4)
        executed = {cell.id: cell for cell in executed_nb.cells}
        if set(executed) != {cell.id for cell in nb.cells}:
            raise GraderError(f"{student} / {notebook}: the worker graded other cells than nbgrader prepared")
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = executed[cell.id].outputs
                cell.execution_count = executed[cell.id].execution_count
                if CHECKS_METADATA in executed[cell.id].metadata:
                    cell.metadata[CHECKS_METADATA] = executed[cell.id].metadata[CHECKS_METADATA]
        if "language_info" in executed_nb.metadata:
            nb.metadata.language_info = executed_nb.metadata.language_info
        return nb, resources
