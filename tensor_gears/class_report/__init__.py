"""The instructor's view of a graded class, and the exports people import.

collect.py   what the gradebook and each results.json say, per student, cell and check
outcomes.py  what a check's outcome means: a broken rule, a timing, a stopped process, ...
figures.py   the report's numbers (class_report.json): histograms, pass rates, lists
plots.py     the same numbers drawn with matplotlib, as embedded PNGs
page.py      the self-contained HTML page (class_report.html)
canvas.py    a gradebook CSV in the layout Canvas imports
exports.py   `tensor-gears export`: nbgrader's grades.csv, results.json copies, the Canvas CSV
"""

from pathlib import Path

REPORT_HTML, REPORT_JSON = "class_report.html", "class_report.json"


def write_report(course: Path, db_url: str | None = None, pass_fraction: float | None = None) -> tuple[Path, Path]:
    """Write COURSE/class_report.html and COURSE/class_report.json; return their paths."""
    import json

    from .collect import collect
    from .figures import PASS_FRACTION, report_data
    from .page import render
    from .plots import all_plots

    course = Path(course).resolve()
    report = report_data(collect(course, db_url), PASS_FRACTION if pass_fraction is None else pass_fraction)
    images = all_plots(report)
    report["plots"] = [{key: image[key] for key in ("id", "title", "alt")} for image in images]
    html_path, json_path = course / REPORT_HTML, course / REPORT_JSON
    json_path.write_text(json.dumps(report, indent=1))
    html_path.write_text(render(report, images))
    return html_path, json_path
