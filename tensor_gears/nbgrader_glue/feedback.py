"""Feedback a student can act on, through `nbgrader generate_feedback`.

`FeedbackSummary` is a preprocessor of nbgrader's GenerateFeedback (see `nbgrader_config.py`,
after GetGrades and CSSHTMLHeaderPreprocessor). It reads what the grader left in each
hidden-check cell of the autograded notebook (`cell.metadata["tensor_gears"]["checks"]`)
and puts, at the top of the page, one block per function: its points, each check passed or
failed with its message, the shapes and dtypes the messages name, the measured speed ratio
of a timing check against its threshold, and for a broken rule the line of the student's own
code that broke it. The notebook follows as usual, in nbgrader's own `feedback` template,
so `release_feedback` and the formgrader work unchanged. Each hidden-check cell is shown as
the student saw it in the release: without the guard (a hidden-tests block) that autograde
restored into it.

Nothing hidden reaches the page: only what the hidden cell's report already shows (check
descriptions, messages, measured figures) and lines of the student's own (unlocked) cells.
The summary is a raw HTML cell, which nbconvert sanitises (`clean_html`); its CSS goes with
the page's other inline CSS.
"""

import html
import re

from nbformat.v4 import new_raw_cell
from traitlets import Bool
from nbconvert.preprocessors import Preprocessor

from ..core.hidden_cells import CHECKS_METADATA
from ..notebooks import grade_id, nbgrader_meta

SUMMARY_ID = "tensor-gears-feedback"
HIDDEN = re.compile(r"^hidden_(?P<function>\w+?)(?:__(?P<aspect>\w+))?$")
LINE = re.compile(r"\bline (\d+)\b")
QUOTED_AT_LINE = re.compile(r"`([^`]+)` \((?:at )?line (\d+)\)")
ARRAY = re.compile(r"(?:(?P<name>\b[A-Za-z_]\w*): )?(?P<shape>\((?:\d+(?:, ?\d+)*,?)?\)) "
                   r"(?P<dtype>(?:u?int|float|complex)\d+|bool|object)(?P<view> \((?:a transposed|a non-contiguous) view\))?")
GUARD = re.compile(r"^### BEGIN HIDDEN TESTS\n.*?^### END HIDDEN TESTS\n", re.S | re.M)
RETURNED = re.compile(r"returned (?P<what>shape|dtype) (?P<got>.+?), expected (?P<wanted>.+?)(?=$|;|\s\()")

# What each rule asks for, in the words of the task contract (public).
RULE_HINTS = {
    "not loops only": "compute one element at a time with Python loops, doing arithmetic only on single "
                      "elements such as x[i, j]; no NumPy math, @, .T or arithmetic on whole arrays, rows or slices",
    "not vectorized": "use whole-array NumPy operations, with no Python loops, comprehensions or map",
    "uses NumPy": "pure Python: no NumPy at all, not even on dummy arrays",
    "no gradient tape": "compute the gradients with tf.GradientTape and tape.gradient of a target recorded "
                        "inside the tape from the inputs",
}

CSS = """
#tensor-gears-feedback { font-size: 14px; line-height: 1.45; margin: 0 0 2em 0; }
#tensor-gears-feedback .tg-head { display: flex; justify-content: space-between; align-items: baseline;
  border-bottom: 2px solid #ddd; padding-bottom: .3em; margin-bottom: .6em; }
#tensor-gears-feedback .tg-title { font-size: 1.35em; font-weight: 600; }
#tensor-gears-feedback .tg-total { font-size: 1.15em; font-weight: 600; }
#tensor-gears-feedback .tg-intro { color: #555; margin-bottom: .8em; }
#tensor-gears-feedback .tg-function { border: 1px solid #ddd; border-left: 6px solid #bbb; border-radius: 4px;
  margin: .7em 0; padding: .5em .8em; background: #fff; }
#tensor-gears-feedback .tg-full { border-left-color: #2e8540; }
#tensor-gears-feedback .tg-some { border-left-color: #e0a800; }
#tensor-gears-feedback .tg-none { border-left-color: #c9302c; }
#tensor-gears-feedback .tg-fhead { display: flex; gap: 1em; align-items: baseline; }
#tensor-gears-feedback .tg-fname { font-size: 1.15em; font-weight: 600; }
#tensor-gears-feedback .tg-fname code { color: #222; background: none; padding: 0; }
#tensor-gears-feedback .tg-points { font-weight: 600; }
#tensor-gears-feedback .tg-count { color: #666; }
#tensor-gears-feedback .tg-jump { margin-left: auto; font-size: .9em; }
#tensor-gears-feedback .tg-adjusted { color: #666; font-size: .9em; }
#tensor-gears-feedback ul.tg-checks { list-style: none; padding-left: 0; margin: .4em 0 0 0; }
#tensor-gears-feedback li.tg-check { display: grid; grid-template-columns: 5.4em 3.4em 1fr; column-gap: .5em;
  align-items: baseline; padding: .3em 0; border-top: 1px solid #f0f0f0; }
#tensor-gears-feedback .tg-mark { text-align: center; font-size: .8em; font-weight: 700; border-radius: 3px;
  padding: 0 .4em; color: #fff; }
#tensor-gears-feedback .tg-passed .tg-mark { background: #2e8540; }
#tensor-gears-feedback .tg-failed .tg-mark { background: #c9302c; }
#tensor-gears-feedback .tg-pts { color: #666; white-space: nowrap; }
#tensor-gears-feedback .tg-detail { grid-column: 3; margin: .2em 0 0 0; }
#tensor-gears-feedback .tg-comment { margin: .4em 0 0 0; padding: .3em .6em; background: #f4f8fc;
  border-left: 3px solid #337ab7; white-space: pre-wrap; }
#tensor-gears-feedback .tg-late { color: #c9302c; font-weight: 600; }
#tensor-gears-feedback .tg-message { color: #a12622; }
#tensor-gears-feedback .tg-measured { color: #555; }
#tensor-gears-feedback .tg-label { color: #666; font-weight: 600; margin-right: .4em; }
#tensor-gears-feedback .tg-io code, #tensor-gears-feedback .tg-ratio code { margin-right: .4em; }
#tensor-gears-feedback .tg-ratio-ok { color: #2e8540; font-weight: 600; }
#tensor-gears-feedback .tg-ratio-bad { color: #c9302c; font-weight: 600; }
#tensor-gears-feedback .tg-hint { color: #555; font-style: italic; }
#tensor-gears-feedback pre.tg-code { margin: .2em 0 .2em 0; padding: .3em .6em; background: #fdf2f2;
  border: 1px solid #f1c9c9; border-radius: 3px; white-space: pre-wrap; font-size: 13px; }
#tensor-gears-feedback .tg-lineno { color: #999; user-select: none; }
/* nbgrader's list of grade cells ("Test cell (Score: 0.0 / 0.0)" for each visible test): the
   summary above replaces it, with links to each function's hidden-check cells. */
div#toc { display: none; }
"""

# The notebook's outputs (tracebacks above all): Bootstrap's `pre` keeps each line on one line,
# cut off at the right, and would break it anywhere (`word-break: break-all`); here long lines
# wrap at spaces, and only a token longer than the whole line breaks inside.
OUTPUT_CSS = """
div.output_subarea pre { white-space: pre-wrap; overflow-wrap: anywhere; word-break: normal; }
"""


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
        if functions:
            late = number(resources.get("nbgrader", {}).get("late_penalty"))
            cell = new_raw_cell(render(functions, comments_of(nb), late), metadata={"raw_mimetype": "text/html",
                                                             "tensor_gears_summary": True})
            nb.cells.insert(0, cell)
            resources.setdefault("inlining", {}).setdefault("css", []).append(CSS)
        resources.setdefault("inlining", {}).setdefault("css", []).append(OUTPUT_CSS)
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
        max_points = number(meta.get("points"), sum(number(c.get("points")) for c in checks))
        checks_points = sum(number(c.get("points")) for c in checks if c.get("passed"))
        entry["max_points"] += max_points
        entry["points"] += number(meta.get("score"), checks_points)  # the gradebook's, where GetGrades ran
        entry["checks_points"] += checks_points
        for check in checks:
            entry["checks"].append(describe_check(check, match["aspect"], nb, name))
    return list(functions.values())


def comments_of(nb) -> dict[str, str]:
    """The grader's comments on the student's answer cells (GetGrades puts them in the notebook)."""
    comments = {}
    for cell in nb.cells:
        comment = nbgrader_meta(cell).get("comment")
        if grade_id(cell) and isinstance(comment, str) and comment.strip():
            comments[grade_id(cell)] = comment.strip()
    return comments


def describe_check(check: dict, aspect: str | None, nb, function: str) -> dict:
    message = str(check.get("message") or "")
    figures = check.get("figures") or {}
    passed = bool(check.get("passed"))
    described = {
        "description": str(check.get("description") or check.get("name") or "check"),
        "points": number(check.get("points")),
        "passed": passed,
        "aspect": aspect,
        "message": message,
        "arrays": arrays_in(message) if not passed else [],
        "returned": [m.groupdict() for m in RETURNED.finditer(message)] if not passed else [],
        "timing": timing_of(figures, message) if "threshold" in figures else None,
        "rule": None,
    }
    if not passed:
        described["rule"] = rule_of(message, nb, function)
    return described


def timing_of(figures: dict, message: str) -> dict:
    """The measured ratio and its threshold; a speed-up must reach it, a slow-down stay under it."""
    ratio, threshold = figures.get("ratio"), figures.get("threshold")
    budget = "at most" in message or "allowed" in message or "stopped" in message
    ok = ratio is not None and threshold is not None and (ratio <= threshold if budget else ratio >= threshold)
    return {"ratio": ratio, "threshold": threshold, "kind": "slowdown" if budget else "speedup", "ok": ok}


def arrays_in(message: str) -> list[str]:
    """The arrays a message names, e.g. "x: (3, 4) float64", in order, once each."""
    found = []
    for match in ARRAY.finditer(message):
        text = (f"{match['name']}: " if match["name"] else "") + f"{match['shape']} {match['dtype']}" \
               + (match["view"] or "")
        if text not in found:
            found.append(text)
    return found


def rule_of(message: str, nb, function: str) -> dict | None:
    """A rule failure ("not loops only: `q` (line 6) why; ..."): the rule and each violation,
    with the line of the student's own code it points at."""
    rule, sep, rest = message.partition(": ")
    known = rule in RULE_HINTS or ("`" not in rule and not rule.startswith("not checked") and QUOTED_AT_LINE.match(rest))
    if not sep or not known or not LINE.search(rest):
        return None
    violations = []
    for text in split_violations(rest):
        lines = []
        quoted = {int(line): quote for quote, line in QUOTED_AT_LINE.findall(text)}
        for number_text in dict.fromkeys(LINE.findall(text)):
            lineno = int(number_text)
            found = student_line(nb, function, lineno, quoted.get(lineno), text)
            if found:
                lines.append(found)
        violations.append({"text": text, "lines": lines})
    return {"rule": rule, "hint": RULE_HINTS.get(rule), "violations": violations}


def split_violations(rest: str) -> list[str]:
    """Violations are joined with "; " (quotes hold code, which may contain "; " too)."""
    parts, current, ticks = [], "", 0
    for piece in rest.split("; "):
        current = f"{current}; {piece}" if current else piece
        ticks = current.count("`")
        if ticks % 2 == 0:
            parts.append(current)
            current = ""
    if current:
        parts.append(current)
    return [part.strip() for part in parts if part.strip()]


def student_line(nb, function: str, lineno: int, quote: str | None, text: str) -> dict | None:
    """Line `lineno` of the student's answer cell for `function` (or of another of the student's
    own cells, where a helper lives), when it holds what the violation quotes."""
    own = [cell for cell in nb.cells if cell.cell_type == "code" and not nbgrader_meta(cell).get("locked")
           and not cell.get("metadata", {}).get("tensor_gears_summary")]
    own.sort(key=lambda cell: grade_id(cell) != function)  # the answer cell first
    for cell in own:
        lines = cell.source.splitlines()
        if not 0 < lineno <= len(lines):
            continue
        line = lines[lineno - 1]
        if fits(line, quote, text):
            where = "your answer cell" if grade_id(cell) == function else "another cell of yours"
            return {"lineno": lineno, "code": line.rstrip(), "where": where}
    return None


def fits(line: str, quote: str | None, text: str) -> bool:
    """Whether the source line holds the quoted code (as the grader printed it back, whitespace
    and quote style aside), or the loop a loop message names."""
    if not line.strip():
        return False
    flat = squeeze(line)
    if quote:
        wanted = squeeze(quote[:-3] if quote.endswith("...") else quote)
        if quote.strip() in ("for", "while"):
            return bool(re.match(rf"\s*(async\s+)?{quote.strip()}\b", line))
        return wanted in flat or (len(flat) >= 6 and flat in wanted) or wanted[:20] in flat
    for keyword in ("for", "while", "with"):
        if f"`{keyword}`" in text:
            return bool(re.match(rf"\s*(async\s+)?{keyword}\b", line))
    if "tape opened at" in text:
        return "GradientTape" in line
    return True


def squeeze(code: str) -> str:
    return re.sub(r"\s+", "", code).replace('"', "'")


def number(value, default: float = 0.0) -> float:
    try:
        return float(value) if value is not None else float(default)
    except (TypeError, ValueError):
        return float(default)


# ---- the page ----

def render(functions: list[dict], comments: dict[str, str] | None = None, late_penalty: float = 0) -> str:
    """The summary as HTML, with only the tags nbconvert keeps in a raw cell."""
    earned = sum(f["points"] for f in functions)
    possible = sum(f["max_points"] for f in functions)
    checks = [c for f in functions for c in f["checks"]]
    passed = sum(c["passed"] for c in checks)
    parts = [
        f'<div id="{SUMMARY_ID}" class="tex2jax_ignore">',
        '<div class="tg-head"><span class="tg-title">What the hidden checks found</span>'
        f'<span class="tg-total">{points(earned)} of {points(possible)} points</span></div>',
        f'<div class="tg-intro">{passed} of {len(checks)} checks passed. The hidden checks ran on inputs you '
        'have not seen; each failed check says what went wrong and on what shapes and dtypes. '
        'Your notebook, as graded, follows below.</div>',
    ]
    if late_penalty > 0:
        parts.append(f'<div class="tg-intro tg-late">Late submission penalty: -{points(late_penalty)} points</div>')
    comments = dict(comments or {})
    for function in functions:
        parts.append(render_function(function, comments.pop(function["function"], None)))
    for cell_id, comment in comments.items():
        parts.append(f'<div class="tg-function"><div class="tg-fhead"><span class="tg-fname">Comment on '
                     f'<code>{e(cell_id)}</code></span></div><div class="tg-comment">{e(comment)}</div></div>')
    parts.append("</div>")
    return "\n".join(parts)


def render_function(function: dict, comment: str | None = None) -> str:
    earned, possible = function["points"], function["max_points"]
    state = "tg-full" if earned >= possible else "tg-none" if earned <= 0 else "tg-some"
    passed = sum(c["passed"] for c in function["checks"])
    adjusted = ""
    if abs(function["points"] - function["checks_points"]) > 1e-9:
        adjusted = (f' <span class="tg-adjusted">(the checks gave {points(function["checks_points"])}; '
                    'your instructor adjusted the score)</span>')
    parts = [
        f'<div class="tg-function {state}">',
        f'<div class="tg-fhead"><span class="tg-fname"><code>{e(function["function"])}</code></span>'
        f'<span class="tg-points">{points(earned)} / {points(possible)} points</span>'
        f'<span class="tg-count">{passed} of {len(function["checks"])} checks passed</span>{adjusted}'
        f'<a class="tg-jump" href="#{e(function["anchor"])}">see it in the notebook</a></div>',
        '<ul class="tg-checks">',
    ]
    parts += [render_check(check) for check in function["checks"]]
    parts.append("</ul>")
    if comment:
        parts.append(f'<div class="tg-comment"><strong>Your instructor:</strong> {e(comment)}</div>')
    parts.append("</div>")
    return "\n".join(parts)


def render_check(check: dict) -> str:
    status = "passed" if check["passed"] else "failed"
    aspect = f'<em>{e(check["aspect"])}:</em> ' if check["aspect"] else ""
    parts = [f'<li class="tg-check tg-{status}"><span class="tg-mark">{status.upper()}</span>'
             f'<span class="tg-pts">{points(check["points"])} pt{"" if check["points"] == 1 else "s"}</span>'
             f'<span class="tg-desc">{aspect}{e(check["description"])}</span>']
    timing = check["timing"]
    if timing:
        parts.append(render_timing(timing))
    message = check["message"]
    if message and not check["passed"] and not check["rule"] and not (timing and message.startswith("measured:")):
        parts.append(f'<div class="tg-detail tg-message"><span class="tg-label">Why:</span>{code_spans(message)}</div>')
    elif message and check["passed"] and not timing:
        parts.append(f'<div class="tg-detail tg-measured">{code_spans(message)}</div>')
    if check["arrays"]:
        parts.append('<div class="tg-detail tg-io"><span class="tg-label">Shapes and dtypes:</span>'
                     + "".join(f"<code>{e(text)}</code>" for text in check["arrays"]) + "</div>")
    for returned in check["returned"]:
        parts.append(f'<div class="tg-detail tg-io"><span class="tg-label">Returned {e(returned["what"])}:</span>'
                     f'<code>{e(returned["got"])}</code> expected <code>{e(returned["wanted"])}</code></div>')
    if check["rule"]:
        parts.append(render_rule(check["rule"]))
    parts.append("</li>")
    return "\n".join(parts)


def render_timing(timing: dict) -> str:
    ratio, threshold = timing["ratio"], timing["threshold"]
    verdict = "tg-ratio-ok" if timing["ok"] else "tg-ratio-bad"
    if timing["kind"] == "speedup":
        measured = f"{ratio:g}\u00d7 faster than the naive reference" if ratio is not None else "not measured"
        needed = f"at least {threshold:g}\u00d7 needed"
    else:
        measured = (f"{ratio:g}\u00d7 the naive reference's time" if ratio is not None
                    else f"over {threshold:g}\u00d7 the naive reference's time (stopped)")
        needed = f"at most {threshold:g}\u00d7 allowed"
    return (f'<div class="tg-detail tg-ratio"><span class="tg-label">Measured speed:</span>'
            f'<span class="{verdict}">{e(measured)}</span> ({e(needed)})</div>')


def render_rule(rule: dict) -> str:
    """The rule, then each line of the student's code that broke it, under what is wrong there."""
    parts = [f'<div class="tg-detail tg-rule"><span class="tg-label">Rule broken:</span><strong>{e(rule["rule"])}</strong>']
    if rule["hint"]:
        parts.append(f' <span class="tg-hint">(the rule: {e(rule["hint"])})</span>')
    parts.append("</div>")
    at_lines: dict[tuple, list[str]] = {}
    elsewhere = []
    for violation in rule["violations"]:
        for line in violation["lines"]:
            text = violation["text"].replace(f" (line {line['lineno']})", "")
            at_lines.setdefault((line["where"], line["lineno"], line["code"]), []).append(text)
        if not violation["lines"]:
            elsewhere.append(violation["text"])
    for (where, lineno, code), texts in at_lines.items():
        parts.append(f'<div class="tg-detail tg-message"><span class="tg-label">{e(where.capitalize())}, line {lineno}:</span>'
                     + "; ".join(code_spans(text) for text in dict.fromkeys(texts)) + "</div>")
        parts.append(f'<pre class="tg-detail tg-code"><span class="tg-lineno">{lineno:>3} | </span>{e(code)}</pre>')
    for text in elsewhere:
        parts.append(f'<div class="tg-detail tg-message"><span class="tg-label">In your code:</span>{code_spans(text)}</div>')
    return "\n".join(parts)


def code_spans(text: str) -> str:
    """Escape `text`, showing its `backticked` parts as code."""
    pieces = text.split("`")
    if len(pieces) % 2 == 0:  # an unpaired backtick: show it as it is
        return e(text)
    return "".join(f"<code>{e(piece)}</code>" if index % 2 else e(piece) for index, piece in enumerate(pieces))


def points(value: float) -> str:
    return f"{value:g}"


def e(text) -> str:
    return html.escape(str(text), quote=True)
