"""A gradebook CSV that Canvas imports (Grades > Import), in the layout Canvas documents.

Canvas's instructor guide "How do I import grades in the Gradebook?" asks for the columns
of its own gradebook export: Student, ID, SIS User ID, SIS Login ID, Section, then one column
per assignment, titled as Canvas's export titles it, "Name (Canvas assignment ID)": the ID is
what matches an existing assignment (a title without one creates a new assignment on import:
`canvas_ids` gives the IDs, from the assignment's address in Canvas), and
its export's second row, "    Points Possible" (indented, as Canvas writes it; the importer
recognises the row by those words), gives each assignment's points. Canvas finds
each student by ID, SIS User ID or SIS Login ID; a blank score changes nothing.

Here: Student is "Last, First" (the nbgrader id without names), ID is the gradebook's
`lms_user_id` when it has one, and the nbgrader student id goes in the column `id_column`
(SIS Login ID by default: nbgrader ids are usually the students' logins). A score is nbgrader's
(after any late penalty, as in grades.csv's `score`). Students with no
submission get a blank score, so importing never overwrites a grade with a missing one.
"""

import csv
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_POSSIBLE = "    Points Possible"  # as in Canvas's own export
ID_COLUMNS = {"sis_login_id": "SIS Login ID", "sis_user_id": "SIS User ID", "id": "ID"}


def score_text(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def title(name: str, canvas_ids: dict[str, str]) -> str:
    """An assignment column's title: "name (Canvas ID)" when the Canvas assignment is known."""
    return f"{name} ({canvas_ids[name]})" if name in canvas_ids else name


def canvas_rows(db_url: str, id_column: str = "sis_login_id",
                canvas_ids: dict[str, str] | None = None) -> list[list[str]]:
    """The CSV's rows: the header, the Points Possible row, then a row per student of the gradebook."""
    column = ID_COLUMNS[id_column]
    with Gradebook(db_url) as gradebook:
        assignments = sorted(gradebook.assignments, key=lambda a: (a.duedate is None, a.duedate, a.name))
        header = [*STUDENT_COLUMNS, *(title(assignment.name, canvas_ids or {}) for assignment in assignments)]
        rows = [header, [POINTS_POSSIBLE, "", "", "", "", *(score_text(a.max_score) for a in assignments)]]
        for student in sorted(gradebook.students, key=lambda s: ((s.last_name or s.id).lower(), s.id)):
            names = ", ".join(part for part in (student.last_name, student.first_name) if part)
            row = dict.fromkeys(STUDENT_COLUMNS, "")
            row["Student"] = names or student.id
            row["ID"] = student.lms_user_id or ""
            row[column] = student.id
            scores = []
            for assignment in assignments:
                try:
                    submission = gradebook.find_submission(assignment.name, student.id)
                    scores.append(score_text(submission.score - (submission.late_submission_penalty or 0)))
                except MissingEntry:
                    scores.append("")
            rows.append([*(row[name] for name in STUDENT_COLUMNS), *scores])
    return rows


def write_canvas_csv(db_url: str, path: Path, id_column: str = "sis_login_id",
                     canvas_ids: dict[str, str] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(canvas_rows(db_url, id_column, canvas_ids))
    return path
