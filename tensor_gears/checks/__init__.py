"""The hidden checks: pytest modules, one per notebook, run by `tensor_gears.grading`.

Every check is a test function marked with `@check(cell, points, description)`: the
hidden-check cell it scores, the points it is worth, and what it verifies, in words the
student reads in that cell and in their feedback. Checks use the fixtures of
`grading.GradingSession` (`student`, `source`, `rng`, `reference_child`) and fail with
`CheckFailed` messages that name the property and the shapes, never hidden inputs or
expected values. These modules live outside `source/`, so they are never released.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

CHECKS_DIR = Path(__file__).resolve().parent


def check(cell: str, points: float, description: str):
    """Mark a test function as a hidden check of `cell` worth `points`."""
    return pytest.mark.check(cell=cell, points=points, description=description)


def check_marker(item) -> pytest.Mark:
    return item.get_closest_marker("check")


@dataclass(frozen=True)
class Declared:
    cell: str
    points: float
    description: str
    name: str  # the check function's name, e.g. check_naive_relu_values


def declared_checks(notebook: str) -> list[Declared]:
    """The checks a module declares, in order, read from its source (nothing is run)."""
    tree = ast.parse((CHECKS_DIR / f"test_{notebook}.py").read_text())
    found = []
    for node in tree.body:
        for decorator in getattr(node, "decorator_list", []):
            if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", None) == "check":
                cell, points, description = (ast.literal_eval(arg) for arg in decorator.args)
                found.append(Declared(cell, points, description, node.name))
    return found
