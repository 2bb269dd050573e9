"""The rules "no loops" and "no NumPy", and code the grader cannot read (`eval`, `getattr`).

Each walks the graded function and every local definition it reaches, and returns its
violations as messages that quote the student's code.
"""

import ast

from .names import Source
from .violations import Violation, rule, unique, where

PYTHON_LOOP_CALLS = {
    "map", "filter", "functools.reduce", "itertools.starmap", "numpy.vectorize", "numpy.frompyfunc",
    "numpy.apply_along_axis", "numpy.apply_over_axes", "numpy.fromiter", "numpy.fromfunction",
    "numpy.nditer", "numpy.ndindex", "numpy.ndenumerate",
}
DYNAMIC_CALLS = {"eval", "exec", "compile", "__import__", "getattr", "globals", "vars", "locals",
                 "importlib.import_module"}


def dynamic_code(source: Source, nodes: list[ast.AST]) -> list[str]:
    """Calls that build code or names at run time, which no rule can follow."""
    return [source.at(node, "runs code the grader cannot read")
            for root in nodes for node in ast.walk(root)
            if isinstance(node, ast.Call) and source.resolve(node.func).qualified in DYNAMIC_CALLS]


@rule
def no_numpy(source: Source, name: str) -> list[str]:
    """Pure Python: no NumPy anywhere in the function or the helpers it uses."""
    nodes = source.reachable(name)
    found = dynamic_code(source, nodes)
    inner = set()  # the parts of a NumPy name already quoted whole (`np` in `np.add`)
    for root in nodes:
        for node in ast.walk(root):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(m.split(".")[0] == "numpy" for m in modules):
                    found.append(source.at(node, "imports NumPy"))
            elif isinstance(node, (ast.Name, ast.Attribute, ast.Call)) and id(node) not in inner:
                qualified = source.resolve(node).qualified or ""
                if qualified.split(".")[0] == "numpy":
                    found.append(source.at(node, f"uses NumPy (`{qualified}`)"))
                    inner.update(id(part) for part in ast.walk(node))
    return unique(found)


@rule
def no_loops(source: Source, name: str) -> list[str]:
    """Whole-array operations only: no for/while, comprehensions, map or recursion."""
    nodes = source.reachable(name)
    found = dynamic_code(source, nodes)
    for root in nodes:
        for node in ast.walk(root):
            if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
                loop = type(node).__name__.lower().replace("async", "")
                found.append(Violation(f"a `{loop}` loop ({where(node)})", source.place(node), loop))
            elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                found.append(Violation(f"a comprehension `{source.quote(node)}` ({where(node)})", source.place(node),
                                       source.quote(node)))
            elif isinstance(node, ast.Call):
                called = source.resolve(node.func)
                if called.qualified in PYTHON_LOOP_CALLS:
                    found.append(source.at(node, "loops in Python"))
                elif called.node is not None and called.node in (root, nodes[0]):
                    found.append(Violation(f"a recursive call `{source.quote(node)}` ({where(node)})",
                                           source.place(node), source.quote(node)))
    return unique(found)
