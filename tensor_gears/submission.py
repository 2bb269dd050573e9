"""What the grader runs of a submission: the definitions in its code cells.

Every code cell the student can edit (answer cells and cells they added; not the locked
cells of the course) is read with IPython's input transformer, so magics parse, then split
into top-level statements. Imports, function and class definitions, and simple
assignments (literals, lambdas, aliases of other names such as `h = f` or
`_flip = np.transpose`, and `functools.partial(...)` of those) are kept, in notebook order.
Everything else (demos, prints, timing loops, plots) is left out, so it costs nothing.
"""

import ast
import threading
from dataclasses import dataclass, field

from IPython.core.inputtransformer2 import TransformerManager
from nbformat import NotebookNode

from .notebooks import nbgrader_meta
from .source_rules import Source

KEPT = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class Statement:
    """One kept top-level statement: its code and where it comes from ("cell 4, line 2")."""

    code: str
    where: str
    node: ast.stmt = field(compare=False, repr=False)


# One ast.parse at a time in this process: on Python 3.11 the AST constructor keeps its
# recursion count in state shared by all threads, and a parse in a kernel's thread (which read
# the notebook's imports) beside one in the hidden checks' thread failed the checks with
# "SystemError: AST constructor recursion depth mismatch" (CPython gh-106905). pytest's own
# parses (formatting a failed check) take no lock: the grading core reads the notebooks'
# imports before its kernels' threads start, so none of them parses at all.
PARSE_LOCK = threading.Lock()


@dataclass
class Submission:
    statements: list[Statement]
    problems: list[str]

    @classmethod
    def from_cells(cls, cells: list[tuple[str, str]]) -> "Submission":
        """From (label, source) pairs, in notebook order."""
        statements, problems = [], []
        transformer = TransformerManager()
        for label, source in cells:
            try:
                with PARSE_LOCK:
                    tree = ast.parse(transformer.transform_cell(source))
            except (SyntaxError, ValueError) as error:
                line = getattr(error, "lineno", None)
                problems.append(f"{label} has a syntax error{f' at line {line}' if line else ''}, so it was skipped")
                continue
            except (RecursionError, MemoryError):
                problems.append(f"{label} is nested too deeply to read, so it was skipped")
                continue
            code = transformer.transform_cell(source)
            for node in tree.body:
                if is_kept(node):
                    statements.append(Statement(segment(code, node), f"{label}, line {node.lineno}", node))
        return cls(statements, problems)

    @classmethod
    def from_notebook(cls, nb: NotebookNode) -> "Submission":
        cells = [
            (f"cell {index + 1}", cell.source)
            for index, cell in enumerate(nb.cells)
            if cell.cell_type == "code" and not nbgrader_meta(cell).get("locked")
        ]
        return cls.from_cells(cells)

    @classmethod
    def from_source(cls, source: str) -> "Submission":
        return cls.from_cells([("cell 1", source)])

    def definition(self, name: str) -> ast.AST | None:
        """What `name` is defined as once the statements have run (a function, a class or a
        lambda, through aliases), or None."""
        return Source(self.statements).function(name)

    def imports(self, module: str) -> bool:
        """Whether a statement imports `module` or something in it."""
        for statement in self.statements:
            node = statement.node
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name == module or name.startswith(f"{module}.") for name in names):
                return True
        return False

    def wire(self) -> list[dict]:
        """The statements as sent to the child."""
        return [{"code": s.code, "where": s.where} for s in self.statements]


def is_kept(node: ast.stmt) -> bool:
    if isinstance(node, KEPT):
        return True
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if node.value is None or not all(isinstance(target, ast.Name) for target in targets):
            return False
        return isinstance(node.value, ast.Lambda) or is_name(node.value) or is_partial(node.value) \
            or is_literal(node.value)
    return False


def is_name(node: ast.expr) -> bool:
    """A name or an attribute chain: `f`, `np.transpose`, `tf.keras.optimizers.SGD`."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def is_partial(node: ast.expr) -> bool:
    """`partial(...)` or `functools.partial(...)` of names, lambdas and literals."""
    func = node.func if isinstance(node, ast.Call) else None
    if not (isinstance(func, ast.Name) and func.id == "partial"
            or isinstance(func, ast.Attribute) and func.attr == "partial" and is_name(func)):
        return False
    parts = node.args + [keyword.value for keyword in node.keywords]
    return all(isinstance(part, ast.Lambda) or is_name(part) or is_literal(part) for part in parts)


def is_literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def segment(code: str, node: ast.stmt) -> str:
    """The statement's source, after blank lines that keep the cell's own line numbers."""
    decorators = getattr(node, "decorator_list", [])
    if decorators:
        first = min(decorator.lineno for decorator in decorators)
        text = "\n".join(code.splitlines()[first - 1:node.end_lineno])
    else:
        first, text = node.lineno, ast.get_source_segment(code, node)
    return "\n" * (first - 1) + text
