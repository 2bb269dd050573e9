"""`autograded/<student>/tensor_ops/results.json`, in Gradescope's format, from the gradebook.

One test per grade cell, with the gradebook's score and the feedback text; a hidden cell's
test also carries its checks as data in `extra_data.checks` (grading.CheckResult: passed,
message, the call that failed, the rule broken, what a timing measured...), for class reports."""

import json
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor

from ..contract import TASKS
from ..core.hidden_cells import CHECKS_METADATA
from ..core.student import isolation_in_force
from ..notebooks import cells_by_grade_id, error_summary, failed, nbgrader_meta
from .apply_report import ISOLATION


class WriteResults(NbGraderPreprocessor):
    """Write results.json for the student: every grade cell of the assignment, with the
    gradebook's score and the feedback message (one test per grade cell)."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        folder = Path(resources["metadata"]["path"])
        path = folder / "results.json"
        tests = {t["name"]: t for t in json.loads(path.read_text())["tests"]} if path.exists() else {}
        cells = {grade_id: cell for grade_id, cell in cells_by_grade_id(nb).items() if nbgrader_meta(cell).get("grade")}
        with Gradebook(info["db_url"]) as gradebook:
            submission = gradebook.find_submission(info["assignment"], info["student"])
            for notebook in submission.notebooks:
                submitted = (folder / f"{notebook.name}.ipynb").exists()
                for grade in notebook.grades:
                    checks = []
                    if notebook.name == info["notebook"]:
                        output = message(cells[grade.name]) if grade.name in cells else ""
                        checks = checks_of(cells[grade.name]) if grade.name in cells else []
                    elif grade.name in tests:
                        output = tests[grade.name]["output"]
                        checks = tests[grade.name].get("extra_data", {}).get("checks", [])
                    else:
                        output = "graded later in this run" if submitted else "notebook not submitted"
                    tests[grade.name] = {"name": grade.name, "score": grade.score, "max_score": grade.max_score,
                                         "output": output, "visibility": "visible"}
                    if checks:
                        tests[grade.name]["extra_data"] = {"checks": checks}
        order = {cell_id: index for index, cell_id in enumerate(grade_ids_in_order())}
        ordered = sorted(tests.values(), key=lambda test: order.get(test["name"], len(order)))
        protected = resources.get(ISOLATION) or isolation_in_force()  # the worker's, or this process's
        path.write_text(json.dumps({"score": sum(t["score"] for t in ordered), "tests": ordered,
                                    "extra_data": {"isolation": protected["description"],
                                                   "isolation_mode": protected["mode"]}}, indent=1))
        return nb, resources


def grade_ids_in_order() -> list[str]:
    return [grade_id for task in TASKS for grade_id in (task.test_id, *(c.grade_id for c in task.hidden_cells))]


def checks_of(cell) -> list[dict]:
    """Each hidden check of the cell as data (grading.CheckResult's fields)."""
    return list(cell.get("metadata", {}).get(CHECKS_METADATA, {}).get("checks", []))


def message(cell) -> str:
    """The feedback text of a graded cell: the hidden checks' report, or the visible test's result."""
    if nbgrader_meta(cell)["grade_id"].startswith("hidden_"):
        return "".join(out.get("text", "") for out in cell.get("outputs", []) if out.output_type == "stream").strip()
    return f"visible test failed: {error_summary(cell)}" if failed(cell) else "visible test passed"

