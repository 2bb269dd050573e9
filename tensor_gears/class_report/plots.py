"""The report's figures drawn with matplotlib, each an embedded PNG (base64), from the report data."""

import base64
import io
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from ..contract import NOTEBOOKS

GOOD, BAD, NEUTRAL, FAINT = "#2f7d4f", "#c0392b", "#3b6ea8", "#d9dee5"


def png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def plot(plot_id: str, title: str, alt: str, figure) -> dict:
    return {"id": plot_id, "title": title, "alt": alt, "png": png(figure)}


def bars(ax, histogram: dict, color=NEUTRAL):
    edges, counts = histogram["edges"], histogram["counts"]
    widths = [b - a for a, b in zip(edges, edges[1:])]
    ax.bar(edges[:-1], counts, width=widths, align="edge", color=color, edgecolor="white")
    ax.set_xlim(edges[0], edges[-1])
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)


def overall_histogram(report: dict) -> dict:
    histogram = report["histograms"]["overall"]
    figure, ax = plt.subplots(figsize=(7, 3))
    bars(ax, histogram)
    ax.set_xlabel(f"total points (of {histogram['max_points']:g})")
    ax.set_ylabel("students")
    mark = report["summary"]["pass_mark"]
    ax.axvline(mark, color=BAD, linestyle="--", linewidth=1)
    ax.text(mark, ax.get_ylim()[1], " pass mark", color=BAD, va="top", fontsize=8)
    return plot("histogram-overall", "Total score", "histogram of the students' total scores", figure)


def notebook_histograms(report: dict) -> dict:
    figure, axes = plt.subplots(1, len(NOTEBOOKS), figsize=(3 * len(NOTEBOOKS), 2.6), sharey=True)
    for ax, notebook in zip(axes, NOTEBOOKS):
        histogram = report["histograms"][notebook]
        bars(ax, histogram)
        ax.set_title(notebook, fontsize=9)
        ax.set_xlabel(f"points (of {histogram['max_points']:g})", fontsize=8)
    axes[0].set_ylabel("students")
    return plot("histogram-notebooks", "Score per notebook", "one histogram of scores per notebook", figure)


def shade(fraction: float) -> str:
    return GOOD if fraction >= 0.8 else BAD if fraction < 0.5 else "#d68a1a"


def function_chart(report: dict) -> dict:
    rows = [row for row in report["functions"] if row["mean_fraction"] is not None][::-1]
    figure, ax = plt.subplots(figsize=(7, 0.32 * len(rows) + 0.8))
    names = [row["function"] for row in rows]
    ax.barh(names, [1] * len(rows), color=FAINT)
    ax.barh(names, [row["mean_fraction"] for row in rows],
            color=[shade(row["mean_fraction"]) for row in rows])
    for y, row in enumerate(rows):
        ax.text(1.01, y, f"{row['full_marks']}/{row['students']} full marks", va="center", fontsize=7)
    ax.set_xlim(0, 1.3)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0", "25%", "50%", "75%", "100%"])
    ax.set_xlabel("mean share of the function's points (students who handed in its notebook)")
    ax.spines[["top", "right"]].set_visible(False)
    return plot("functions", "Points earned per function", "bar chart of the mean share of points per function", figure)


def check_chart(report: dict, limit: int = 25) -> dict | None:
    failed = (row for row in report["checks"] if row["failed"])
    rows = sorted(failed, key=lambda r: (r["pass_rate"], r["check"]))[:limit]
    if not rows:
        return None
    rows = rows[::-1]
    figure, ax = plt.subplots(figsize=(7.5, 0.3 * len(rows) + 0.9))
    labels = [f"{row['function']}: {row['check'].removeprefix('check_')}" for row in rows]
    ax.barh(labels, [1] * len(rows), color=FAINT)
    ax.barh(labels, [row["pass_rate"] for row in rows], color=[BAD if row["rule"] else NEUTRAL for row in rows])
    for y, row in enumerate(rows):
        ax.text(1.01, y, f"{row['passed']}/{row['ran']}", va="center", fontsize=7)
    ax.set_xlim(0, 1.15)
    ax.set_xticks([0, 0.5, 1], ["0", "50%", "100%"])
    ax.set_xlabel("pass rate (red: a rule check)")
    ax.tick_params(axis="y", labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    return plot("checks", "Checks the class failed most", "bar chart of the pass rate of each check someone failed",
                figure)


def rule_chart(report: dict) -> dict | None:
    rows = [row for row in report["rules"] if row["checked"]]
    if not any(row["broken"] for row in rows):
        return None
    figure, ax = plt.subplots(figsize=(6, 0.45 * len(rows) + 0.8))
    ax.barh([row["rule"] for row in rows][::-1], [row["broken"] for row in rows][::-1], color=BAD)
    ax.set_xlabel("times broken (a function of a student each)")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    return plot("rules", "Rules broken", "bar chart of how often each rule was broken", figure)


def timing_chart(report: dict) -> dict | None:
    timings = [t for t in report["timings"] if t["measurements"]]
    if not timings:
        return None
    figure, axes = plt.subplots(1, len(timings), figsize=(4.2 * len(timings), 3.2), squeeze=False)
    for ax, timing in zip(axes[0], timings):
        measured = [m for m in timing["measurements"] if m["ratio"] is not None and m["ratio"] > 0]
        values = [m["ratio"] for m in measured] + [timing["threshold"]]
        top = max(values) * 3
        ax.set_yscale("log")
        for x, m in enumerate(timing["measurements"]):
            value = m["ratio"] if m["ratio"] is not None and m["ratio"] > 0 else top
            ax.scatter([x], [value], color=GOOD if m["passed"] else BAD, marker="o" if m["ratio"] else "x", zorder=3)
        ax.axhline(timing["threshold"], color="black", linestyle="--", linewidth=1)
        ax.text(len(timing["measurements"]) - 0.5, timing["threshold"],
                ("at least " if timing["kind"] == "speed-up" else "at most ") + f"{timing['threshold']:g}",
                ha="right", va="bottom", fontsize=8)
        ax.set_xticks(range(len(timing["measurements"])), [m["student"] for m in timing["measurements"]],
                      rotation=60, ha="right", fontsize=7)
        ax.set_title(timing["function"], fontsize=9)
        ax.set_ylabel("× faster than naive" if timing["kind"] == "speed-up" else "× the naive time")
        ax.set_ylim(min(values) / 3, top * 1.5)
        ax.spines[["top", "right"]].set_visible(False)
    return plot("timings", "Measured speed", "measured timing ratio per student against each threshold (x: stopped)",
                figure)


def class_map(report: dict, limit: int = 150) -> dict | None:
    """Students (lowest total first) by function: the share of points earned, at a glance."""
    students = sorted((s for s in report["students"] if s["submitted"]), key=lambda s: (s["total"], s["id"]))[:limit]
    if not students:
        return None
    functions = report["functions"]
    cells = {c["grade_id"]: c["max_points"] for c in report["cells"]}
    grid = []
    for student in students:
        row = []
        for function in functions:
            main = f"hidden_{function['function']}"
            ids = [g for g in cells if g == main or g.startswith(main + "__")]
            earned = sum(student["cells"].get(g, 0.0) for g in ids)
            handed = function["notebook"] in student["handed_in"]
            row.append(earned / function["points"] if handed else math.nan)
        grid.append(row)
    figure, ax = plt.subplots(figsize=(0.42 * len(functions) + 2.5, 0.26 * len(students) + 2))
    cmap = matplotlib.colormaps["RdYlGn"].with_extremes(bad="#eeeeee")
    image = ax.imshow(grid, cmap=cmap, vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(functions)), [f["function"] for f in functions], rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(len(students)), [f"{s['id']} ({s['total']:g})" for s in students], fontsize=7)
    figure.colorbar(image, ax=ax, fraction=0.03, label="share of points (grey: not handed in)")
    return plot("class-map", "Class map", "heat map of the share of points per student and function", figure)


def all_plots(report: dict) -> list[dict]:
    """Every figure that has something to show (student ids are drawn as plain text, never as math)."""
    with matplotlib.rc_context({"text.parse_math": False}):
        made = [overall_histogram(report), notebook_histograms(report), function_chart(report), check_chart(report),
                rule_chart(report), timing_chart(report), class_map(report)]
    return [p for p in made if p is not None]
