"""Feedback a student can act on, through `nbgrader generate_feedback`.

`FeedbackSummary` is a preprocessor of nbgrader's GenerateFeedback (see `nbgrader_config.py`,
after GetGrades and CSSHTMLHeaderPreprocessor). It reads what the grader left in each
hidden-check cell of the autograded notebook (`cell.metadata["tensor_gears"]["checks"]`:
each check as data, grading.CheckResult) and puts, at the top of the page, one block per
function: its points, each check passed, failed or not judged with its message, the shapes and
dtypes of the call that failed, what came back instead, the measured speed of a timing check
against its threshold, and for a broken rule the line of the student's own code that broke it.
The page is rendered from that data with templates/feedback_summary.html.j2 and its
stylesheets; no message is read back. The notebook follows as usual, in nbgrader's own
`feedback` template, so `release_feedback` and the formgrader work unchanged. Each
hidden-check cell is shown as the student saw it in the release: without the guard (a
hidden-tests block) that autograde restored into it.

Nothing hidden reaches the page: only what the hidden cell's report already shows (check
descriptions, messages, measured figures) and lines of the student's own (unlocked) cells.
The summary is a raw HTML cell, which nbconvert sanitises (`clean_html`); its CSS goes with
the page's other inline CSS.
"""

import re
from functools import cache
from pathlib import Path

import jinja2
from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_raw_cell
from traitlets import Bool

from ..core.hidden_cells import CHECKS_METADATA
from ..notebooks import grade_id, nbgrader_meta

SUMMARY_ID = "tensor-gears-feedback"
TEMPLATES = Path(__file__).with_name("templates")
HIDDEN = re.compile(r"^hidden_(?P<function>\w+?)(?:__(?P<aspect>\w+))?$")
GUARD = re.compile(r"^### BEGIN HIDDEN TESTS\n.*?^### END HIDDEN TESTS\n", re.S | re.M)

# What each rule asks for, in the words of the task contract (public).
RULE_HINTS = {
    "not loops only": "compute one element at a time with Python loops, doing arithmetic only on single "
                      "elements such as x[i, j]; no NumPy math, @, .T or arithmetic on whole arrays, rows or slices",
    "not vectorized": "use whole-array NumPy operations, with no Python loops, comprehensions or map",
    "uses NumPy": "pure Python: no NumPy at all, not even on dummy arrays",
    "no gradient tape": "compute the gradients with tf.GradientTape and tape.gradient of a target recorded "
                        "inside the tape from the inputs",
}


@cache
def template() -> jinja2.Template:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    return environment.get_template("feedback_summary.html.j2")


def stylesheet(name: str) -> str:
    return (TEMPLATES / name).read_text()


class FeedbackSummary(Preprocessor):
    """Put the per-function summary of the hidden checks at the top of the feedback page, and
    wrap long output lines at word boundaries."""

    enabled = Bool(True, help="Whether to add the summary to the feedback page").tag(config=True)

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            if HIDDEN.match(grade_id(cell) or "") and nbgrader_meta(cell).get("locked"):
                cell.source = GUARD.sub("", cell.source)
        functions = summarise(nb)
        nb.cells = [cell for cell in nb.cells if cell.get("metadata", {}).get("tensor_gears_summary") is None]
        css = resources.setdefault("inlining", {}).setdefault("css", [])
        if functions:
            late = number(resources.get("nbgrader", {}).get("late_penalty"))
            cell = new_raw_cell(render(functions, comments_of(nb), late),
                                metadata={"raw_mimetype": "text/html", "tensor_gears_summary": True})
            nb.cells.insert(0, cell)
            css.append(stylesheet("feedback_summary.css"))
        css.append(stylesheet("feedback_outputs.css"))
        return nb, resources


# ---- what the page says, as data ----

def summarise(nb) -> list[dict]:
    """One entry per graded function, in notebook order, from its hidden-check cells."""
    functions: dict[str, dict] = {}
    for cell in nb.cells:
        match = HIDDEN.match(grade_id(cell) or "")
        meta = nbgrader_meta(cell)
        if cell.cell_type != "code" or not match or not meta.get("grade"):
            continue
        checks = cell.get("metadata", {}).get(CHECKS_METADATA, {}).get("checks")
        if not isinstance(checks, list):
            continue
        name = match["function"]
        entry = functions.setdefault(name, {"function": name, "anchor": grade_id(cell), "points": 0.0,
                                            "max_points": 0.0, "checks_points": 0.0, "checks": []})
        entry["max_points"] += number(meta.get("points"), sum(number(c.get("points")) for c in checks))
        checks_points = sum(number(c.get("points")) for c in checks if c.get("passed"))
        entry["points"] += number(meta.get("score"), checks_points)  # the gradebook's, where GetGrades ran
        entry["checks_points"] += checks_points
        entry["checks"] += [described(check, match["aspect"], nb, name) for check in checks]
    for entry in functions.values():
        earned, possible = entry["points"], entry["max_points"]
        entry["state"] = "tg-full" if earned >= possible else "tg-none" if earned <= 0 else "tg-some"
        entry["passed"] = sum(check["passed"] for check in entry["checks"])
        entry["adjusted"] = abs(entry["points"] - entry["checks_points"]) > 1e-9
    return list(functions.values())


def comments_of(nb) -> dict[str, str]:
    """The grader's comments on the student's answer cells (GetGrades puts them in the notebook)."""
    comments = {}
    for cell in nb.cells:
        comment = nbgrader_meta(cell).get("comment")
        if grade_id(cell) and isinstance(comment, str) and comment.strip():
            comments[grade_id(cell)] = comment.strip()
    return comments


def described(check: dict, aspect: str | None, nb, function: str) -> dict:
    """A check as the page shows it, from the check's data."""
    passed = bool(check.get("passed"))
    message = str(check.get("message") or "")
    timing = timing_of(check.get("measured"))
    call = check.get("call") or {}
    rule = check.get("rule")
    explained_by_timing = timing is not None and timing["plain"]
    judged = check.get("judged", True)
    return {
        "description": str(check.get("description") or check.get("name") or "check"),
        "points": number(check.get("points")),
        "passed": passed,
        "aspect": aspect,
        "timing": timing,
        "why": "" if passed or rule or explained_by_timing else message.removeprefix("" if judged else "not judged: "),
        "why_label": "Why" if judged else "Not judged",
        "note": message if passed and timing is None else "",
        "inputs": [str(text) for text in call.get("inputs", [])] if not passed else [],
        "returned": check.get("returned") if not passed else None,
        "rule": rule_of(rule, nb, function) if rule and not passed else None,
    }


def timing_of(measured: dict | None) -> dict | None:
    """A timing check's measured ratio against its threshold, in words, and whether it held."""
    if not measured or "threshold" not in measured:
        return None
    ratio, threshold = measured.get("ratio"), measured["threshold"]
    interfered = bool(measured.get("interfered"))
    if measured.get("kind") == "budget":
        stopped = ratio is None
        text = (f"over {threshold:g}\u00d7 the naive reference's time (stopped)" if stopped
                else f"{ratio:g}\u00d7 the naive reference's time")
        ok = not stopped and ratio <= threshold and not interfered
        return {"measured": text, "needed": f"at most {threshold:g}\u00d7 allowed", "ok": ok, "plain": not interfered}
    alone_ok = measured.get("alone", threshold) >= measured.get("alone_threshold", 0)
    text = f"{ratio:g}\u00d7 faster than the naive reference" if ratio is not None else "not measured"
    ok = ratio is not None and ratio >= threshold and alone_ok and not interfered
    return {"measured": text, "needed": f"at least {threshold:g}\u00d7 needed", "ok": ok,
            "plain": alone_ok and not interfered}


def rule_of(rule: dict, nb, function: str) -> dict:
    """The rule broken, and each violation at the line of the student's own code it names."""
    lines: dict[tuple, dict] = {}
    elsewhere = []
    for violation in rule.get("violations", []):
        text = str(violation.get("text", ""))
        found = student_line(nb, function, violation.get("cell"), violation.get("line"), violation.get("quote"))
        if found is None:
            elsewhere.append(text)
            continue
        entry = lines.setdefault((found["where"], found["line"], found["code"]), dict(found, texts=[]))
        short = text.replace(f" (line {found['line']})", "")
        if short not in entry["texts"]:
            entry["texts"].append(short)
    name = str(rule.get("name", ""))
    return {"name": name, "hint": RULE_HINTS.get(name), "lines": list(lines.values()), "elsewhere": elsewhere}


def student_line(nb, function: str, cell_label, line, quote) -> dict | None:
    """Line `line` of the student's own cell `cell_label` ("cell 4"), where it holds the quoted
    code; else that line of another cell of the student's (the answer cell first) that does."""
    if not isinstance(line, int):
        return None
    own = [(index, cell) for index, cell in enumerate(nb.cells) if cell.cell_type == "code"
           and not nbgrader_meta(cell).get("locked") and not cell.get("metadata", {}).get("tensor_gears_summary")]
    own.sort(key=lambda item: (f"cell {item[0] + 1}" != cell_label, grade_id(item[1]) != function))
    for _, cell in own:
        lines = cell.source.splitlines()
        if 0 < line <= len(lines) and fits(lines[line - 1], quote):
            where = "your answer cell" if grade_id(cell) == function else "another cell of yours"
            return {"where": where, "line": line, "code": lines[line - 1].rstrip()}
    return None


def fits(source_line: str, quote) -> bool:
    """Whether a line of the student's holds the quoted code (whitespace and quote style aside),
    or, for a loop or a `with` block, starts it."""
    if not source_line.strip():
        return False
    if not quote:
        return True
    if quote in ("for", "while", "with"):
        return bool(re.match(rf"\s*(async\s+)?{quote}\b", source_line))
    flat, wanted = squeeze(source_line), squeeze(quote[:-3] if quote.endswith("...") else quote)
    return wanted in flat or (len(flat) >= 6 and flat in wanted) or wanted[:20] in flat


def squeeze(code: str) -> str:
    return re.sub(r"\s+", "", code).replace('"', "'")


def number(value, default: float = 0.0) -> float:
    try:
        return float(value) if value is not None else float(default)
    except (TypeError, ValueError):
        return float(default)


# ---- the page ----

def render(functions: list[dict], comments: dict[str, str] | None = None, late_penalty: float = 0) -> str:
    """The summary as HTML (templates/feedback_summary.html.j2), with only the tags nbconvert keeps in a raw cell."""
    comments = dict(comments or {})
    for function in functions:
        function["comment"] = comments.pop(function["function"], None)
    checks = [check for function in functions for check in function["checks"]]
    return template().render(summary_id=SUMMARY_ID, functions=functions, other_comments=comments,
                             late_penalty=late_penalty, earned=sum(f["points"] for f in functions),
                             possible=sum(f["max_points"] for f in functions),
                             passed=sum(check["passed"] for check in checks), checks=len(checks))
