"""class_report.html: one self-contained page (inline CSS, figures as base64 PNG, no links out)."""

from html import escape

from ..contract import NOTEBOOKS

CSS = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; margin: 0; background: #f5f7fa; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; border-bottom: 2px solid #e4e7eb; padding-bottom: 4px; }
.meta { color: #616e7c; font-size: 13px; margin: 0 0 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { flex: 1 1 150px; border: 1px solid #e4e7eb; border-radius: 8px; padding: 10px 14px; }
.card b { display: block; font-size: 22px; } .card span { color: #616e7c; font-size: 13px; }
.card.warn { border-color: #e8a29b; background: #fdf2f1; }
figure { margin: 12px 0 20px; } figure img { max-width: 100%; height: auto; }
figcaption { color: #616e7c; font-size: 13px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border-bottom: 1px solid #e4e7eb; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f5f7fa; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.bad td { background: #fdf2f1; } .ok { color: #2f7d4f; } .no { color: #c0392b; }
code, .msg { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
.msg { color: #52606d; max-width: 560px; overflow-wrap: anywhere; }
details summary { cursor: pointer; color: #3b6ea8; margin: 6px 0; }
.none { color: #616e7c; font-style: italic; }
"""


NOT_HANDED_IN = ("html", '<span class="none">not handed in</span>')


def number(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def percent(value) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def table(header: list[str], rows: list[list], numeric: set[int] = frozenset(), bad_rows: set[int] = frozenset()) -> str:
    """A table; cells are escaped unless wrapped as ('html', markup)."""
    def cell(index, value, tag):
        markup = value[1] if isinstance(value, tuple) and value[0] == "html" else escape(str(value))
        css = ' class="n"' if index in numeric else ""
        return f"<{tag}{css}>{markup}</{tag}>"
    head = "".join(cell(i, h, "th") for i, h in enumerate(header))
    bad = ' class="bad"'
    body = "".join(f"<tr{bad if r in bad_rows else ''}>" + "".join(cell(i, v, "td") for i, v in enumerate(row))
                   + "</tr>" for r, row in enumerate(rows))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def figure(images: dict, plot_id: str, caption: str) -> str:
    image = images.get(plot_id)
    if image is None:
        return ""
    return (f'<figure id="{plot_id}"><img src="data:image/png;base64,{image["png"]}" alt="{escape(image["alt"])}">'
            f"<figcaption>{escape(caption)}</figcaption></figure>")


def none(text: str) -> str:
    return f'<p class="none">{escape(text)}</p>'


def cards(report: dict) -> str:
    s = report["summary"]
    items = [
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
    return '<div class="cards">' + "".join(
        f'<div class="card{" warn" if warn else ""}"><b>{escape(big)}</b><span>{escape(small)}</span></div>'
        for big, small, warn in items) + "</div>"


def scores_section(report: dict, images: dict) -> str:
    mark = report["summary"]["pass_mark"]
    rows, bad = [], set()
    students = sorted(report["students"], key=lambda s: (not s["submitted"], -s["total"], s["id"]))
    for index, s in enumerate(students):
        if not s["submitted"]:
            rows.append([s["id"], s["name"], *(["–"] * len(NOTEBOOKS)), "not submitted", "–"])
            continue
        per_notebook = [number(s["notebooks"].get(nb, 0.0)) if nb in s["handed_in"] else NOT_HANDED_IN
                        for nb in NOTEBOOKS]
        rows.append([s["id"], s["name"], *per_notebook, f"{number(s['total'])} / {number(s['max_points'])}",
                     f"{s['failed_checks']} / {s['checks']}"])
        if s["total"] < mark:
            bad.add(index)
    numeric = set(range(2, 4 + len(NOTEBOOKS)))
    not_handed = ", ".join(f"{nb[:2]}: {report['histograms'][nb]['not_handed_in']}" for nb in NOTEBOOKS
                           if report["histograms"][nb]["not_handed_in"])
    return ("<h2>Scores</h2>"
            + figure(images, "histogram-overall", "Students by total score, in bins of a tenth of the points; "
                     "the dashed line is the pass mark.")
            + figure(images, "histogram-notebooks", "Students by score in each notebook, a bar per point"
                     + (f" (notebooks not handed in score 0 — {not_handed})." if not_handed else "."))
            + "<details open><summary>Every student (from the gradebook)</summary>"
            + table(["student", "name", *[nb[:2] for nb in NOTEBOOKS], "total", "failed checks"], rows, numeric, bad)
            + "</details>")


def functions_section(report: dict, images: dict) -> str:
    rows = [[f["function"], f["notebook"], f["points"], number(f["mean_points"], 2), percent(f["mean_fraction"]),
             f"{f['full_marks']} / {f['students']}", f["zero"],
             f"{f['visible_test_passed']} / {f['visible_test_ran']}"] for f in report["functions"]]
    hardest = report["summary"]["hardest_function"]
    lead = (f"<p>The class struggled most with <code>{escape(hardest)}</code>.</p>" if hardest
            else "<p>Every function earned full marks.</p>")
    return ("<h2>Functions</h2>" + lead
            + figure(images, "functions", "Mean share of each function's points, over the students who handed in "
                     "its notebook; green from 80%, red below 50%.")
            + table(["function", "notebook", "points", "mean", "mean %", "full marks", "zero", "visible test passed"],
                    rows, {2, 3, 4, 5, 6, 7}))


def checks_section(report: dict, images: dict) -> str:
    rows, bad = [], set()
    for index, c in enumerate(report["checks"]):
        rows.append([c["function"], ("html", f"<code>{escape(c['check'])}</code>"), c["description"], number(c["points"]),
                     f"{c['passed']} / {c['ran']}", percent(c["pass_rate"]), ", ".join(c["failed_students"]) or "–"])
        if c["failed"]:
            bad.add(index)
    chart = figure(images, "checks", "The checks someone failed, lowest pass rate first (at most 25); "
                   "red bars are rule checks (loops only, vectorized, no NumPy, gradient tape).")
    return ("<h2>Checks</h2><p>Over the students whose notebook was handed in and readable.</p>"
            + (chart or none("Every student passed every check they ran."))
            + "<details><summary>Pass rate of every hidden check</summary>"
            + table(["function", "check", "what it checks", "points", "passed", "rate", "failed by"], rows, {3, 4, 5}, bad)
            + "</details>")


def rules_section(report: dict, images: dict) -> str:
    rows = [[r["rule"], r["broken"], r["checked"], ", ".join(f"{k} ({v})" for k, v in r["functions"].items()) or "–",
             ", ".join(r["students"]) or "–"] for r in report["rules"]]
    most = report["summary"]["most_broken_rule"]
    lead = (f"<p>The rule broken most: <b>{escape(most)}</b>. A rule counts as broken when its check failed on the "
            "rule itself, not because the function returned wrong results first.</p>" if most
            else "<p>No rule was broken.</p>")
    return ("<h2>Rules</h2>" + lead + figure(images, "rules", "How many times each rule was broken.")
            + table(["rule", "broken", "checked", "in functions", "broken by"], rows, {1, 2}))


def ratio_text(row: dict) -> str:
    if row["stopped"]:
        return f"stopped past {row['threshold']:g}×"
    return f"{row['ratio']:g}×"


def timing_section(report: dict, images: dict) -> str:
    if not report["timings"]:
        return "<h2>Speed</h2>" + none("No timing was measured (no timed function was handed in or worked).")
    meanings = "".join(f"<li><code>{escape(t['function'])}</code>: {escape(t['meaning'])}.</li>" for t in report["timings"])
    rows = [[r["student"], r["function"], r["kind"], ratio_text(r), f"{r['threshold']:g}×",
             "stopped" if r["stopped"] else number(r["slowness"], 2),
             ("html", '<span class="ok">passed</span>' if r["passed"] else '<span class="no">failed</span>')]
            for r in report["slowest"]]
    return ("<h2>Speed</h2><ul>" + meanings + "</ul>"
            + figure(images, "timings", "Each student's measured ratio (log scale) against the threshold (dashed); "
                     "red failed, x was stopped at the limit.")
            + "<h3>Slowest submissions</h3><p>Slowness is the distance from the threshold: 1 is exactly at it, "
              "above 1 fails.</p>"
            + table(["student", "function", "kind", "measured", "threshold", "slowness", "result"], rows,
                    {3, 4, 5}, {i for i, r in enumerate(report["slowest"]) if not r["passed"]}))


def failing_section(report: dict) -> str:
    rows = [[r["student"], f"{number(r['total'])} / {number(r['max_points'])}",
             ", ".join(nb[:2] for nb in r["not_handed_in"]) or "–", r["failed_checks"],
             ", ".join(f"{k} −{number(v)}" for k, v in sorted(r["points_lost"].items(), key=lambda kv: -kv[1])) or "–"]
            for r in report["failing"]]
    body = table(["student", "total", "not handed in", "failed checks", "points lost (most first)"], rows, {1, 3}) \
        if rows else none("No submission is below the pass mark.")
    mark = number(report["summary"]["pass_mark"])
    return f"<h2>Failing submissions</h2><p>Below the pass mark of {mark} points.</p>" + body


def problems_section(report: dict) -> str:
    def listed(rows, columns, keys, empty):
        if not rows:
            return none(empty)
        return table(columns, [[r[k] if k != "message" else ("html", f'<span class="msg">{escape(r[k])}</span>')
                                for k in keys] for r in rows])
    return ("<h2>Problems</h2>"
            "<h3>Unreadable notebooks</h3><p>Graded as the blank student version: "
            "every hidden cell of the notebook scored 0.</p>"
            + listed(report["broken_notebooks"], ["student", "notebook", "why"], ["student", "notebook", "message"],
                     "Every handed-in notebook could be read.")
            + "<h3>Grader failures</h3><p>The grader, not the student, failed: regrade them with "
              "<code>tensor-gears grade --force --student ID</code> once the log's cause is fixed.</p>"
            + listed(report["grader_failures"], ["student", "notebook"], ["student", "notebook"], "The grader never failed.")
            + "<h3>Stopped by the sandbox</h3><p>Checks where the student's code was killed, crashed, or ran out of "
              "time and was stopped (attacks, runaway memory, endless loops): contained, scored 0, and the grading "
              "carried on. Worth a look.</p>"
            + listed(report["contained"], ["student", "notebook", "function", "check", "reason", "message"],
                     ["student", "notebook", "function", "check", "reason", "message"],
                     "No check had to stop a student's code."))


def class_map_section(images: dict) -> str:
    shown = figure(images, "class-map", "Every graded student (lowest total first, at most 150) by function: the share "
                   "of its points earned; grey where the notebook was not handed in.")
    return "<h2>Class map</h2>" + shown if shown else ""


def render(report: dict, images: list[dict]) -> str:
    by_id = {image["id"]: image for image in images}
    s = report["summary"]
    missing = (f" Not submitted: {', '.join(s['not_submitted'])}." if s["not_submitted"] else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Class report: {escape(report['assignment'])}</title><style>{CSS}</style></head>
<body><main>
<h1>Class report: {escape(report['assignment'])}</h1>
<p class="meta">{escape(report['course'])} · generated {escape(report['generated'])} ·
scores from the nbgrader gradebook, checks from each student's results.json.{escape(missing)}<br>
Student code ran in: {escape(report['isolation'] or 'unknown')}</p>
{cards(report)}
{scores_section(report, by_id)}
{class_map_section(by_id)}
{functions_section(report, by_id)}
{checks_section(report, by_id)}
{rules_section(report, by_id)}
{timing_section(report, by_id)}
{failing_section(report)}
{problems_section(report)}
<p class="meta">The same numbers as data: class_report.json. {escape(report['histogram_rule'])}.</p>
</main></body></html>
"""
