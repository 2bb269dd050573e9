"""The `tensor-gears` command. `tensor-gears grade --help` tells how to grade a class;
`tensor-gears report` writes its class report, `tensor-gears export` its grade exports;
`tensor-gears doctor` checks the machine for the box."""

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

from .contract import ASSIGNMENT, TOTAL_POINTS


def canvas_id(text: str) -> tuple[str, str]:
    """ASSIGNMENT=ID, as --canvas-id takes it."""
    assignment, equals, number = text.partition("=")
    if not (assignment and equals and number):
        raise argparse.ArgumentTypeError(f"expected ASSIGNMENT=ID (e.g. {ASSIGNMENT}=4711), got {text!r}")
    return assignment, number


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="tensor-gears", description=__doc__)
    verbs = top.add_subparsers(dest="verb", required=True)
    grade = verbs.add_parser("grade", help="grade every submission of the course in parallel", description=(
        "Grade submitted/<student>/tensor_ops/ for every student (or those named) with parallel workers, "
        "with the same scores as `nbgrader autograde tensor_ops`, recorded in the course's gradebook."))
    grade.add_argument("course", nargs="?", default=".", type=Path,
                       help="the course folder (holding nbgrader_config.py and submitted/); default: here")
    grade.add_argument("--student", action="append", default=[], metavar="ID",
                       help="grade only this student (repeatable); default: every submission")
    grade.add_argument("--workers", type=int, default=os.cpu_count() or 1, metavar="N",
                       help="worker processes on this machine (default: its %(default)s cores)")
    grade.add_argument("--scheduler", metavar="ADDRESS",
                       help="run the workers on the Dask cluster at ADDRESS (e.g. tcp://10.0.0.5:8786) instead")
    grade.add_argument("--force", action="store_true", help="regrade students that are already graded")
    grade.add_argument("--cell-timeout", type=int, metavar="SECONDS",
                       help="time limit of one notebook cell (default: the course's Execute.timeout, else 30)")
    grade.add_argument("--db-url", metavar="URL",
                       help="the gradebook's database URL, e.g. postgresql://... (default: the course's setting)")
    report = verbs.add_parser("report", help="write the class report (HTML and JSON) of a graded course", description=(
        "Write COURSE/class_report.html (one self-contained page: score histograms, pass rates per check and "
        "function, rules broken, the slowest and failing submissions, unreadable notebooks, grader failures and "
        "code the sandbox stopped) and COURSE/class_report.json (the same figures as data)."))
    report.add_argument("course", nargs="?", default=".", type=Path, help="the graded course folder; default: here")
    report.add_argument("--pass-mark", type=float, default=50, metavar="PERCENT",
                        help="list submissions below this share of the points as failing (default: %(default)s)")
    report.add_argument("--db-url", metavar="URL", help="the gradebook's database URL (default: the course's setting)")
    export = verbs.add_parser("export", help="export the grades: nbgrader's grades.csv, results.json, a Canvas CSV",
                              description=(
        "Run `nbgrader export` (COURSE/grades.csv), copy each student's results.json (Gradescope's format) to "
        "COURSE/exports/results/<student>.json, and write COURSE/exports/canvas_grades.csv for Canvas's "
        "Grades > Import (Student, ID, SIS User ID, SIS Login ID, Section, one column per assignment, "
        "a Points Possible row)."))
    export.add_argument("course", nargs="?", default=".", type=Path, help="the graded course folder; default: here")
    export.add_argument("--id-column", choices=("sis_login_id", "sis_user_id", "id"), default="sis_login_id",
                        help="the Canvas column that gets the nbgrader student id (default: %(default)s)")
    export.add_argument("--canvas-id", action="append", default=[], type=canvas_id, metavar="ASSIGNMENT=ID",
                        help="the Canvas assignment ID of an nbgrader assignment (repeatable; the number in the "
                             "assignment's Canvas address): its column is titled 'ASSIGNMENT (ID)', as Canvas's "
                             "export titles it, so the import updates that assignment instead of creating one")
    export.add_argument("--db-url", metavar="URL", help="the gradebook's database URL (default: the course's setting)")
    verbs.add_parser("doctor", help="check this machine and account for the box, and say what to fix", description=(
        "Check what grading here needs (bubblewrap, user namespaces, AppArmor's restriction, a fresh /proc, "
        "cgroups and their delegation, the course secret, the exchange), say which box grading will use and "
        "what is weaker, with the command or setting that fixes each problem. Exit status: 0 all holds, "
        "1 grading works but something is weaker, 2 grading refuses here."))
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    return {"grade": grade, "report": report, "export": export, "doctor": doctor}[args.verb](args)


def doctor(args) -> int:
    from .doctor import main as examine

    return examine()


def report(args) -> int:
    from .class_report import write_report

    try:
        html_path, json_path = write_report(args.course, args.db_url, args.pass_mark / 100)
    except Exception as error:
        print(f"tensor-gears report: no report written: {error}", file=sys.stderr)
        return 2
    print(f"Class report: {html_path}\nIts figures as data: {json_path}")
    return 0


def export(args) -> int:
    from .class_report.exports import export as export_grades

    try:
        canvas_ids = dict(args.canvas_id)
        exported = export_grades(args.course, args.db_url, args.id_column, canvas_ids)
    except Exception as error:
        print(f"tensor-gears export: export failed: {error}", file=sys.stderr)
        return 2
    print(f"nbgrader grades: {exported.grades_csv}")
    print(f"results.json of {len(exported.results)} students (Gradescope format): "
          f"{exported.canvas_csv.parent / 'results'}/<student>.json")
    print(f"Canvas gradebook import: {exported.canvas_csv}")
    return 0


def grade(args) -> int:
    from .grade_class.progress import Progress
    from .grade_class.runners import DaskCluster, LocalPool
    from .grade_class.summary import results_table
    from .core import Settings
    from .nbgrader_glue.course import Course
    from .secret import course_secret

    root = args.course.resolve()
    log_path = root / "tensor-gears-grade.log"
    logging.basicConfig(filename=log_path, level=logging.INFO, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.captureWarnings(True)  # nbgrader's and SQLAlchemy's warnings go to the log, not over the progress
    try:
        course = Course(root, args.db_url)
        execution = course.execution()
        settings = Settings(secret=course_secret(), cell_timeout=args.cell_timeout or execution.timeout,
                            output_limit=execution.output_limit, report_limit=execution.report_limit,
                            kernels=execution.kernels, call_time_limit=course.hidden_checks().call_time_limit,
                            limits=course.box_limits())
    except Exception as error:
        print(f"tensor-gears grade: grading refused: {error}", file=sys.stderr)
        return 2
    students = args.student or course.students()
    todo = [s for s in students if args.force or not course.graded(s)]
    if len(todo) < len(students):
        print(f"{len(students) - len(todo)} already graded, skipped (--force regrades them)")
    runner = DaskCluster(args.scheduler) if args.scheduler else LocalPool(args.workers)
    print(f"Grading {len(todo)} students of {ASSIGNMENT} with {runner.describe()}; log: {log_path}")
    progress = Progress(len(todo))
    jobs = ((student, course.submission(student)) for student in todo)
    problems, start = {}, time.monotonic()
    for student, report in runner.run(jobs, settings, progress):
        recorded = course.record(report)
        trouble = report_problems(report) + ([] if recorded else ["nbgrader could not record the grades"])
        if trouble:
            problems[student] = trouble
            for line in trouble:  # in full (the summary shows each one's first line): a worker's log may be elsewhere
                logging.getLogger("tensor_gears").error("%s: %s", student, line)
        progress.finished(student, status_line(course, student, report, trouble), ok=not trouble)
    progress.close()
    elapsed = time.monotonic() - start
    print(f"\nGraded {len(todo)} students in {elapsed:.1f} s"
          + (f" ({elapsed / len(todo):.1f} s a student)" if todo else "") + "\n")
    print(results_table(root, students))
    for student, trouble in problems.items():
        print(f"\n{student}:")
        for line in trouble:
            print(f"  - {line.splitlines()[0][:300]}")
    if any("grader failed" in line for trouble in problems.values() for line in trouble):
        print("\nThe grader failed on some notebooks (their hidden cells scored 0): fix the cause in the log, "
              "then regrade them: tensor-gears grade --force --student ID", file=sys.stderr)
        return 1
    return 0


def report_problems(report: dict) -> list[str]:
    """What went wrong for this student, in a line each: grader failures, kernel stops, unreadable files."""
    if "failed" in report:
        return [report["failed"]]
    return [f"{name}: {error}" for name, notebook in report["notebooks"].items() for error in notebook["errors"]]


def status_line(course, student: str, report: dict, trouble: list[str]) -> str:
    path = course.folder("autograded", student) / "results.json"
    score = json.loads(path.read_text())["score"] if path.exists() else 0
    seconds = report.get("seconds", 0.0)
    problems = f"  ({len(trouble)} problem{'s' * (len(trouble) > 1)})" if trouble else ""
    return f"{score:>5g}/{TOTAL_POINTS}  {seconds:5.1f} s" + problems


if __name__ == "__main__":
    sys.exit(main())
