"""The table printed after grading: per student and notebook, the points in results.json."""

import json
from pathlib import Path

from ..contract import ASSIGNMENT, NOTEBOOKS, TOTAL_POINTS, task_named


def notebook_points(results: dict) -> dict[str, float]:
    """Points per notebook of one results.json."""
    points = dict.fromkeys(NOTEBOOKS, 0.0)
    for test in results["tests"]:
        function = test["name"].removeprefix("hidden_").removeprefix("test_").split("__")[0]
        points[task_named(function).notebook] += test["score"]
    return points


def results_table(course: Path, students: list[str]) -> str:
    """Per student and notebook, the points earned (from each student's results.json)."""
    columns = [notebook[:2] for notebook in NOTEBOOKS]
    total = 6 + len(f"/{TOTAL_POINTS}")  # the score right-aligned in 6, then "/100"
    header = f"{'student':<18}" + "".join(f"{c:>6}" for c in columns) + f"{'total':>{total}}"
    lines = [header, "-" * len(header)]
    for student in students:
        path = course / "autograded" / student / ASSIGNMENT / "results.json"
        if not path.exists():
            lines.append(f"{student:<18}{'not graded':>{6 * len(columns) + total}}")
            continue
        results = json.loads(path.read_text())
        row = "".join(f"{points:>6g}" for points in notebook_points(results).values())
        lines.append(f"{student:<18}{row}{results['score']:>6g}/{TOTAL_POINTS}")
    return "\n".join(lines)
