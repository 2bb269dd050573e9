"""What one check's outcome means for the report: a broken rule, a measured timing, a
process the sandbox stopped, or a notebook that could not be graded at all; read from the
check's data (grading.CheckResult), never from its message."""

import ast
from dataclasses import dataclass
from functools import cache

from ..checks import CHECKS_DIR
from ..contract import NOTEBOOKS
from ..core.hidden_cells import GRADER_FAILED
from .collect import Check

NOTEBOOK_CHECK = "notebook"  # the one failed check of every hidden cell of a notebook that scored 0 as a whole


@cache
def rules() -> dict[str, str]:
    """Check function -> the rule it enforces, read from the checks' `expect_rule(..., "<rule>")` calls."""
    found = {}
    for notebook in NOTEBOOKS:
        tree = ast.parse((CHECKS_DIR / f"test_{notebook}.py").read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                for call in ast.walk(node):
                    if (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "expect_rule"
                            and len(call.args) == 2 and isinstance(call.args[1], ast.Constant)):
                        found[node.name] = str(call.args[1].value)
    return found


def rule_of(check: Check) -> str | None:
    """The rule this check enforces, if it is a rule check."""
    return rules().get(check.name)


def broken_rule(check: Check) -> str | None:
    """The rule the student broke, when the check failed on the rule itself (not on a wrong result first)."""
    return check.rule.get("name") if check.rule and not check.passed else None


@dataclass
class Timing:
    """A timing check's measurement: `ratio` against the grader's reference, and its threshold."""

    check: Check
    ratio: float | None  # None: stopped at the limit before it finished
    threshold: float
    higher_is_better: bool  # a required speed-up (at least) rather than a time budget (at most)

    @property
    def slowness(self) -> float:
        """How far from fast enough: 1 is exactly at the threshold, above 1 fails."""
        if self.ratio is None:
            return float("inf")
        if self.higher_is_better:
            return self.threshold / self.ratio if self.ratio > 0 else float("inf")
        return self.ratio / self.threshold


def timing_of(check: Check) -> Timing | None:
    measured = check.measured or {}
    if "threshold" not in measured or "ratio" not in measured:
        return None
    ratio = measured["ratio"]
    return Timing(check, None if ratio is None else float(ratio), float(measured["threshold"]),
                  measured.get("kind") == "speedup")


def stopped_because(check: Check) -> str | None:
    """Why the sandbox stopped the student's code in this check (killed, crashed, ran out of time), if it did.

    A timing check that ran past its own budget is slow, not stopped: the timing section shows it."""
    if check.passed or check.measured:
        return None
    return check.stopped


def notebook_failure(check: Check) -> str | None:
    """'grader failed' or 'unreadable' when the whole notebook scored 0 without running its checks."""
    if check.name != NOTEBOOK_CHECK or check.passed:
        return None
    return "grader failed" if check.message == GRADER_FAILED else "unreadable"
