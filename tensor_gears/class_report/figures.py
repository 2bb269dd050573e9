"""The report's numbers, as plain data (what class_report.json holds and the page draws).

Scores come from the gradebook; histograms count them the way numpy.histogram does with
the stored edges. Check, rule and timing figures come from each student's results.json.
"""

import statistics
from collections import defaultdict
from datetime import datetime, timezone

import numpy as np

from ..contract import ASSIGNMENT, NOTEBOOKS, TASKS, tasks_of
from .collect import Check, ClassData, Student
from .outcomes import broken_rule, notebook_failure, rule_of, rules, stopped_because, timing_of

PASS_FRACTION = 0.5  # a submission below half the points is listed as failing
SLOWEST = 10  # how many of the slowest measurements to list


def report_data(data: ClassData, pass_fraction: float = PASS_FRACTION) -> dict:
    graded = data.graded
    report = {
        "assignment": ASSIGNMENT,
        "course": str(data.course),
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "isolation": data.isolation,
        "histogram_rule": "counts[i] = scores in [edges[i], edges[i+1]), the last bin closed (numpy.histogram)",
        "summary": summary(data),
        "students": [student_row(student) for student in data.students],
        "histograms": histograms(data),
        "cells": cell_rates(data),
        "functions": function_rates(graded),
        "checks": check_rates(graded),
        "rules": rule_counts(graded),
        "timings": timings(graded),
        "failing": failing(data, pass_fraction),
        "broken_notebooks": notebook_failures(graded, "unreadable"),
        "grader_failures": notebook_failures(graded, "grader failed"),
        "contained": contained(graded),
    }
    report["slowest"] = slowest(report["timings"])
    report["summary"]["hardest_function"] = hardest(report["functions"])
    report["summary"]["most_broken_rule"] = next((r["rule"] for r in report["rules"] if r["broken"]), None)
    report["summary"]["pass_mark"] = pass_fraction * data.max_score
    return report


def summary(data: ClassData) -> dict:
    totals = [student.total for student in data.graded]
    return {
        "students": len(data.students),
        "graded": len(data.graded),
        "not_submitted": [student.id for student in data.students if not student.submitted],
        "without_results_json": [student.id for student in data.graded if not student.has_results],
        "max_points": data.max_score,
        "mean": round(statistics.fmean(totals), 2) if totals else None,
        "median": statistics.median(totals) if totals else None,
        "min": min(totals, default=None),
        "max": max(totals, default=None),
        "full_marks": sum(total == data.max_score for total in totals),
    }


def student_row(student: Student) -> dict:
    return {
        "id": student.id, "name": student.name, "submitted": student.submitted,
        "total": student.total, "late_penalty": student.late_penalty, "max_points": student.max_score,
        "notebooks": student.notebooks,
        "cells": {grade_id: score for grade_id, score in student.cells.items() if grade_id.startswith("hidden_")},
        "handed_in": list(student.handed_in),
        "failed_checks": sum(not check.passed for check in student.checks),
        "checks": len(student.checks),
    }


def histogram(scores: list[float], max_points: float, width: float) -> dict:
    edges = [float(edge) for edge in np.arange(0, max_points + width, width)]
    if edges[-1] < max_points:
        edges.append(edges[-1] + width)
    counts, _ = np.histogram(scores, bins=edges)
    return {"max_points": max_points, "edges": edges, "counts": [int(c) for c in counts], "n": len(scores)}


def histograms(data: ClassData) -> dict:
    """Overall (bins of a tenth of the points) and per notebook (a bin per point)."""
    graded = data.graded
    result = {"overall": histogram([s.total for s in graded], data.max_score, data.max_score / 10)}
    for notebook in NOTEBOOKS:
        points = sum(task.points for task in tasks_of(notebook))
        result[notebook] = histogram([s.notebooks.get(notebook, 0.0) for s in graded], points + 1, 1)
        result[notebook]["max_points"] = points
        result[notebook]["not_handed_in"] = sum(notebook not in s.handed_in for s in graded)
    return result


def cell_rates(data: ClassData) -> list[dict]:
    """Each graded cell with points: full marks and mean score in the gradebook."""
    rows = []
    for grade_id, max_points in data.cell_points.items():
        if max_points <= 0:
            continue
        scores = [s.cells[grade_id] for s in data.graded if grade_id in s.cells]
        rows.append({"grade_id": grade_id, "max_points": max_points, "students": len(scores),
                     "full_marks": sum(score >= max_points for score in scores),
                     "mean": round(statistics.fmean(scores), 3) if scores else None})
    return rows


def function_rates(graded: list[Student]) -> list[dict]:
    """Per function, over the students who handed in its notebook: mean points and full marks."""
    rows = []
    for task in TASKS:
        attempted = [s for s in graded if task.notebook in s.handed_in]
        scores = [sum(s.cells.get(cell.grade_id, 0.0) for cell in task.hidden_cells) for s in attempted]
        visible = [s.visible[task.name] for s in attempted if task.name in s.visible]
        rows.append({
            "function": task.name, "notebook": task.notebook, "points": task.points,
            "students": len(scores), "not_handed_in": len(graded) - len(attempted),
            "mean_points": round(statistics.fmean(scores), 3) if scores else None,
            "mean_fraction": round(statistics.fmean(scores) / task.points, 4) if scores else None,
            "full_marks": sum(score >= task.points for score in scores),
            "zero": sum(score == 0 for score in scores),
            "full_marks_rate": (round(sum(score >= task.points for score in scores) / len(scores), 4)
                                if scores else None),
            "visible_test_passed": sum(visible), "visible_test_ran": len(visible),
        })
    return rows


def check_rates(graded: list[Student]) -> list[dict]:
    """Per hidden check (not the whole-notebook stand-in): how many students ran it, passed, failed."""
    grouped: dict[tuple, list[Check]] = defaultdict(list)
    for student in graded:
        for check in student.checks:
            if notebook_failure(check) is None and check.name != "notebook":
                grouped[(check.grade_id, check.name)].append(check)
    order = {task.name: index for index, task in enumerate(TASKS)}
    rows = []
    for (grade_id, name), checks in sorted(grouped.items(), key=lambda item: order[item[1][0].function]):
        failed = [c for c in checks if not c.passed]
        rows.append({
            "check": name, "grade_id": grade_id, "function": checks[0].function, "notebook": checks[0].notebook,
            "description": checks[0].description, "points": checks[0].points,
            "ran": len(checks), "passed": len(checks) - len(failed), "failed": len(failed),
            "pass_rate": round((len(checks) - len(failed)) / len(checks), 4),
            "rule": rule_of(checks[0]), "broke_rule": sum(broken_rule(c) is not None for c in checks),
            "failed_students": sorted(c.student for c in failed),
        })
    return rows


def rule_counts(graded: list[Student]) -> list[dict]:
    """Per rule (loops only, vectorized, no NumPy, gradient tape): who broke it, in which functions."""
    by_rule: dict[str, dict] = {
        rule: {"rule": rule, "checked": 0, "broken": 0, "students": set(), "functions": defaultdict(int)}
        for rule in dict.fromkeys(rules().values())}
    for student in graded:
        for check in student.checks:
            rule = rule_of(check)
            if rule is None:
                continue
            by_rule[rule]["checked"] += 1
            if broken_rule(check):
                by_rule[rule]["broken"] += 1
                by_rule[rule]["students"].add(student.id)
                by_rule[rule]["functions"][check.function] += 1
    rows = [{**row, "students": sorted(row["students"]), "functions": dict(row["functions"])}
            for row in by_rule.values()]
    return sorted(rows, key=lambda row: -row["broken"])


def timings(graded: list[Student]) -> list[dict]:
    """Per timing check, every student's measured ratio against the threshold."""
    grouped: dict[str, dict] = {}
    for student in graded:
        for check in student.checks:
            timing = timing_of(check)
            if timing is None:
                continue
            entry = grouped.setdefault(check.name, {
                "check": check.name, "grade_id": check.grade_id, "function": check.function,
                "threshold": timing.threshold, "kind": "speed-up" if timing.higher_is_better else "time budget",
                "meaning": (f"times faster than the grader's naive reference; at least {timing.threshold:g} passes"
                            if timing.higher_is_better else
                            f"times the grader's naive reference's time; at most {timing.threshold:g} passes"),
                "measurements": []})
            entry["measurements"].append({
                "student": student.id, "ratio": timing.ratio, "passed": check.passed,
                "stopped": timing.ratio is None,
                "slowness": None if timing.slowness == float("inf") else round(timing.slowness, 4)})
    return list(grouped.values())


def slowest(timing_rows: list[dict]) -> list[dict]:
    """The slowest measurements of the class, slowest first (slowness: 1 is at the threshold, above fails)."""
    rows = [{"student": m["student"], "function": t["function"], "check": t["check"], "kind": t["kind"],
             "ratio": m["ratio"], "threshold": t["threshold"], "slowness": m["slowness"], "passed": m["passed"],
             "stopped": m["stopped"]}
            for t in timing_rows for m in t["measurements"]]
    rows.sort(key=lambda row: -(float("inf") if row["slowness"] is None else row["slowness"]))
    return rows[:SLOWEST]


def failing(data: ClassData, pass_fraction: float) -> list[dict]:
    """Submissions below the pass mark, lowest first, with where their points went."""
    mark = pass_fraction * data.max_score
    rows = []
    for student in sorted(data.graded, key=lambda s: (s.total, s.id)):
        if student.total >= mark:
            continue
        lost = {}
        for task in TASKS:
            earned = sum(student.cells.get(cell.grade_id, 0.0) for cell in task.hidden_cells)
            if earned < task.points:
                lost[task.name] = task.points - earned
        rows.append({"student": student.id, "total": student.total, "late_penalty": student.late_penalty,
                     "max_points": student.max_score,
                     "not_handed_in": [nb for nb in NOTEBOOKS if nb not in student.handed_in],
                     "failed_checks": sum(not check.passed for check in student.checks),
                     "points_lost": lost})
    return rows


def notebook_failures(graded: list[Student], kind: str) -> list[dict]:
    """(student, notebook) pairs whose hidden cells all scored 0 for `kind` ('unreadable', 'grader failed')."""
    seen = {}
    for student in graded:
        for check in student.checks:
            if notebook_failure(check) == kind:
                seen.setdefault((student.id, check.notebook), check.message)
    return [{"student": student, "notebook": notebook, "message": message}
            for (student, notebook), message in sorted(seen.items())]


def contained(graded: list[Student]) -> list[dict]:
    """Checks where the sandbox stopped the student's code: killed, crashed or out of time
    (attacks, runaway memory, endless loops); the grader carried on and scored them 0."""
    rows = []
    for student in graded:
        for check in student.checks:
            reason = stopped_because(check)
            if reason:
                rows.append({"student": student.id, "notebook": check.notebook, "function": check.function,
                             "check": check.name, "reason": reason, "message": check.message})
    return rows


def hardest(functions: list[dict]) -> str | None:
    """The function with the lowest mean share of its points (None when every function earned full marks)."""
    ranked = [f for f in functions if f["mean_fraction"] is not None and f["mean_fraction"] < 1]
    return min(ranked, key=lambda f: (f["mean_fraction"], f["full_marks_rate"]))["function"] if ranked else None
