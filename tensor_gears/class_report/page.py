"""class_report.html: the report's data as tables for templates/class_report.html.j2 (one
self-contained page: its stylesheet inline, figures as base64 PNG, no links out).

A table is {"header", "rows", "numeric", "bad"}: plain cells are text (escaped by the template);
a cell that needs markup says what it is: {"kind": "code" | "msg" | "none", "text"} or
{"kind": "result", "passed"}.
"""

from functools import cache
from pathlib import Path

import jinja2

from ..contract import NOTEBOOKS

TEMPLATES = Path(__file__).with_name("templates")
NOT_HANDED_IN = {"kind": "none", "text": "not handed in"}


@cache
def template() -> jinja2.Template:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True).get_template(
        "class_report.html.j2")


def number(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def percent(value) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def table(header: list[str], rows: list[list], numeric=(), bad=()) -> dict:
    return {"header": header, "rows": rows, "numeric": list(numeric), "bad": list(bad)}


def cards(report: dict) -> list[tuple[str, str, bool]]:
    s = report["summary"]
    return [
        (f"{s['graded']}", f"graded of {s['students']} students", False),
        (f"{number(s['mean'])} / {number(s['max_points'])}", f"mean score (median {number(s['median'])})", False),
        (f"{s['full_marks']}", "full marks", False),
        (f"{len(report['failing'])}", f"below the pass mark ({number(s['pass_mark'])})", bool(report["failing"])),
        (s["hardest_function"] or "none", "function the class struggled with most", False),
        (s["most_broken_rule"] or "none", "rule broken most", False),
        (f"{len(report['broken_notebooks'])}", "unreadable notebooks", bool(report["broken_notebooks"])),
        (f"{len(report['grader_failures'])}", "grader failures", bool(report["grader_failures"])),
        (f"{len(report['contained'])}", "checks stopped by the sandbox", bool(report["contained"])),
    ]


def scores(report: dict) -> dict:
    rows, bad = [], []
    students = sorted(report["students"], key=lambda s: (not s["submitted"], -s["total"], s["id"]))
    for index, s in enumerate(students):
        if not s["submitted"]:
            rows.append([s["id"], s["name"], *(["–"] * len(NOTEBOOKS)), "not submitted", "–"])
            continue
        per_notebook = [number(s["notebooks"].get(nb, 0.0)) if nb in s["handed_in"] else NOT_HANDED_IN
                        for nb in NOTEBOOKS]
        rows.append([s["id"], s["name"], *per_notebook, f"{number(s['total'])} / {number(s['max_points'])}",
                     f"{s['failed_checks']} / {s['checks']}"])
        if s["total"] < report["summary"]["pass_mark"]:
            bad.append(index)
    return table(["student", "name", *[nb[:2] for nb in NOTEBOOKS], "total", "failed checks"], rows,
                 range(2, 4 + len(NOTEBOOKS)), bad)


def functions(report: dict) -> dict:
    rows = [[f["function"], f["notebook"], f["points"], number(f["mean_points"], 2), percent(f["mean_fraction"]),
             f"{f['full_marks']} / {f['students']}", f["zero"],
             f"{f['visible_test_passed']} / {f['visible_test_ran']}"] for f in report["functions"]]
    return table(["function", "notebook", "points", "mean", "mean %", "full marks", "zero", "visible test passed"],
                 rows, range(2, 8))


def checks(report: dict) -> dict:
    rows = [[c["function"], {"kind": "code", "text": c["check"]}, c["description"], number(c["points"]),
             f"{c['passed']} / {c['ran']}", percent(c["pass_rate"]), ", ".join(c["failed_students"]) or "–"]
            for c in report["checks"]]
    return table(["function", "check", "what it checks", "points", "passed", "rate", "failed by"], rows, (3, 4, 5),
                 [index for index, c in enumerate(report["checks"]) if c["failed"]])


def rules(report: dict) -> dict:
    rows = [[r["rule"], r["broken"], r["checked"], ", ".join(f"{k} ({v})" for k, v in r["functions"].items()) or "–",
             ", ".join(r["students"]) or "–"] for r in report["rules"]]
    return table(["rule", "broken", "checked", "in functions", "broken by"], rows, (1, 2))


def slowest(report: dict) -> dict:
    rows = [[r["student"], r["function"], r["kind"],
             f"stopped past {r['threshold']:g}×" if r["stopped"] else f"{r['ratio']:g}×", f"{r['threshold']:g}×",
             "stopped" if r["stopped"] else number(r["slowness"], 2), {"kind": "result", "passed": r["passed"]}]
            for r in report["slowest"]]
    return table(["student", "function", "kind", "measured", "threshold", "slowness", "result"], rows, (3, 4, 5),
                 [index for index, r in enumerate(report["slowest"]) if not r["passed"]])


def failing(report: dict) -> dict:
    rows = [[r["student"], f"{number(r['total'])} / {number(r['max_points'])}",
             ", ".join(nb[:2] for nb in r["not_handed_in"]) or "–", r["failed_checks"],
             ", ".join(f"{k} −{number(v)}" for k, v in sorted(r["points_lost"].items(), key=lambda kv: -kv[1])) or "–"]
            for r in report["failing"]]
    return table(["student", "total", "not handed in", "failed checks", "points lost (most first)"], rows, (1, 3))


def listed(rows: list[dict], columns: list[str], keys: list[str]) -> dict:
    return table(columns, [[{"kind": "msg", "text": r[k]} if k == "message" else r[k] for k in keys] for r in rows])


def render(report: dict, images: list[dict]) -> str:
    s = report["summary"]
    not_handed = ", ".join(f"{nb[:2]}: {report['histograms'][nb]['not_handed_in']}" for nb in NOTEBOOKS
                           if report["histograms"][nb]["not_handed_in"])
    contained_columns = ["student", "notebook", "function", "check", "reason", "message"]
    return template().render(
        report=report, css=(TEMPLATES / "class_report.css").read_text(), cards=cards(report),
        images={image["id"]: image for image in images},
        missing=f" Not submitted: {', '.join(s['not_submitted'])}." if s["not_submitted"] else "",
        not_handed_in=f" (notebooks not handed in score 0 — {not_handed})" if not_handed else "",
        pass_mark=number(s["pass_mark"]), scores=scores(report), functions=functions(report),
        checks=checks(report), rules=rules(report), slowest=slowest(report), failing=failing(report),
        broken=listed(report["broken_notebooks"], ["student", "notebook", "why"], ["student", "notebook", "message"]),
        grader_failures=listed(report["grader_failures"], ["student", "notebook"], ["student", "notebook"]),
        contained=listed(report["contained"], contained_columns, contained_columns))
