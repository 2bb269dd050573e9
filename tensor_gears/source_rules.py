"""Rules decided from the submitted source: loops only, no loops, no NumPy, uses the tape.

They are read from the code with `ast`, never measured while it runs: timings and counters
inside the student's process can be faked, and timing alone cannot tell a row loop from
full vectorization. Import aliases (`import numpy as xp`, `from numpy import maximum`) are
resolved, and the rules follow the student's own helper functions that the graded function
calls. Each rule returns a list of violations, as messages that quote the student's code.
"""

import ast
import builtins

import numpy

from .submission import Submission

# "Loops only": what a naive function may call of NumPy (allocation, dtypes, index helpers).
ALLOWED_NUMPY = {
    "zeros", "zeros_like", "empty", "empty_like", "ones", "ones_like", "full", "full_like",
    "copy", "array", "asarray", "ndindex", "result_type", "promote_types", "dtype", "shape",
    "ndim", "size", "newaxis", "inf", "nan", "pi", "e", "isscalar", "ndarray", "iinfo", "finfo",
    "ndenumerate", "nditer",
}
# Array methods and attributes that compute with (or rearrange) whole arrays.
ARRAY_MATH_ATTRIBUTES = {
    "T", "mT", "H", "dot", "vdot", "sum", "prod", "cumsum", "cumprod", "mean", "std", "var",
    "max", "min", "clip", "transpose", "swapaxes", "moveaxis", "argmax", "argmin", "all", "any",
    "round", "repeat", "take", "put", "choose", "diagonal", "trace", "outer", "matmul", "ptp",
    "nonzero", "sort", "argsort", "cumulative_sum", "cumulative_prod", "conj", "conjugate",
}
# Builtins and library functions that compute over a whole row or array they are given.
REDUCING_CALLS = {"sum", "max", "min", "abs", "round", "sorted", "pow", "divmod"}
REDUCING_MODULES = ("math.", "operator.", "statistics.", "functools.")
PYTHON_LOOP_CALLS = {
    "map", "filter", "functools.reduce", "itertools.starmap", "numpy.vectorize", "numpy.frompyfunc",
    "numpy.apply_along_axis", "numpy.apply_over_axes", "numpy.fromiter", "numpy.fromfunction",
    "numpy.nditer", "numpy.ndindex", "numpy.ndenumerate",
}
DYNAMIC_CALLS = {"eval", "exec", "compile", "__import__", "getattr", "globals", "vars", "locals",
                 "importlib.import_module"}
SCALAR_TYPES = {name for name in dir(numpy) if isinstance(getattr(numpy, name), type)
                and issubclass(getattr(numpy, name), numpy.generic)}


class Names:
    """Resolves names to qualified names through the submission's imports."""

    def __init__(self, imports: list[ast.stmt], shadowed: set[str]):
        self.aliases: dict[str, str] = {}
        self.star_modules: list[str] = []
        self.shadowed = shadowed
        for node in imports:
            self.add_import(node)

    def add_import(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.aliases[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    self.aliases[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.name == "*":
                    self.star_modules.append(node.module)
                else:
                    self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def resolve(self, node: ast.expr) -> str | None:
        """`np.maximum` -> 'numpy.maximum', `xp` -> 'numpy', `max` -> 'max' (a builtin)."""
        if isinstance(node, ast.Name):
            if node.id in self.aliases:
                return self.aliases[node.id]
            if node.id in self.shadowed:
                return None
            for module in self.star_modules:
                if module == "numpy" and hasattr(numpy, node.id):
                    return f"numpy.{node.id}"
            return node.id if hasattr(builtins, node.id) else None
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            if base and not hasattr(builtins, base.split(".")[0]):
                return f"{base}.{node.attr}"
        if isinstance(node, ast.Call) and self.resolve(node.func) in ("__import__", "importlib.import_module"):
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                return node.args[0].value
        return None


class Source:
    """A submission's code as the rules see it: definitions, imports, and what calls what."""

    def __init__(self, submission: Submission, provided: tuple[str, ...] = ()):
        self.definitions = {}
        for statement in submission.statements:
            node = statement.node
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.definitions[node.name] = node
        for name in list(self.definitions):
            found = submission.definition(name)
            if found is not None:
                self.definitions[name] = found
        self.provided = provided
        local_imports = [n for d in self.definitions.values() for n in ast.walk(d)
                         if isinstance(n, (ast.Import, ast.ImportFrom))]
        self.names = Names(submission.imports() + local_imports, shadowed=set(self.definitions))
        self.submission = submission

    def function(self, name: str) -> ast.AST | None:
        return self.submission.definition(name)

    def reachable(self, name: str) -> list[ast.AST]:
        """The definition of `name` and of every student definition it uses, transitively."""
        start = self.function(name)
        if start is None:
            return []
        seen, order, todo = set(), [], [start]
        while todo:
            node = todo.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            order.append(node)
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name) and inner.id in self.definitions and inner.id not in self.provided:
                    todo.append(self.definitions[inner.id])
        return order

    def quote(self, node: ast.AST) -> str:
        text = ast.unparse(node)
        return text if len(text) <= 60 else text[:57] + "..."


def where(node: ast.AST) -> str:
    return f"line {node.lineno}" if hasattr(node, "lineno") else "here"


def dynamic_code(source: Source, nodes: list[ast.AST]) -> list[str]:
    found = []
    for root in nodes:
        for node in ast.walk(root):
            if isinstance(node, ast.Call) and source.names.resolve(node.func) in DYNAMIC_CALLS:
                found.append(f"`{source.quote(node)}` ({where(node)}) runs code the grader cannot read")
    return found


def no_numpy(source: Source, name: str) -> list[str]:
    """Pure Python: no NumPy anywhere in the function or the helpers it uses."""
    nodes = source.reachable(name)
    found = dynamic_code(source, nodes)
    for root in nodes:
        for node in ast.walk(root):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(m.split(".")[0] == "numpy" for m in modules):
                    found.append(f"`{source.quote(node)}` ({where(node)}) imports NumPy")
            elif isinstance(node, ast.Name) or (isinstance(node, ast.Call) and source.names.resolve(node)):
                qualified = source.names.resolve(node)
                if qualified and qualified.split(".")[0] == "numpy":
                    found.append(f"`{source.quote(node)}` ({where(node)}) uses NumPy")
    return unique(found)


def no_loops(source: Source, name: str) -> list[str]:
    """Whole-array operations only: no for/while, comprehensions, map or recursion."""
    nodes = source.reachable(name)
    found = dynamic_code(source, nodes)
    for root in nodes:
        for node in ast.walk(root):
            if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
                found.append(f"a `{type(node).__name__.lower().replace('async', '')}` loop ({where(node)})")
            elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                found.append(f"a comprehension `{source.quote(node)}` ({where(node)})")
            elif isinstance(node, ast.Call):
                called = source.names.resolve(node.func)
                if called in PYTHON_LOOP_CALLS:
                    found.append(f"`{source.quote(node)}` ({where(node)}) loops in Python")
                elif isinstance(node.func, ast.Name) and node.func.id == name:
                    found.append(f"a recursive call `{source.quote(node)}` ({where(node)})")
    return unique(found)


def uses_gradient_tape(source: Source, name: str) -> list[str]:
    """The function (or a helper it calls) opens a tf.GradientTape and asks it for gradients."""
    nodes = source.reachable(name)
    tape = gradient = False
    for root in nodes:
        for node in ast.walk(root):
            if isinstance(node, (ast.Name, ast.Attribute)):
                qualified = source.names.resolve(node) or ""
                tape = tape or qualified.split(".")[0] == "tensorflow" and qualified.endswith(".GradientTape")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                "gradient", "jacobian", "batch_jacobian"
            ):
                gradient = True
    if tape and gradient:
        return []
    return [f"`{name}` does not compute its gradients with tf.GradientTape and tape.gradient"]


def loops_only(source: Source, name: str, ranks: dict[str, int]) -> list[str]:
    """One element at a time: no NumPy math, no arithmetic on whole arrays, rows or slices."""
    function = source.function(name)
    if function is None:
        return []
    checker = LoopsOnly(source)
    checker.check_function(function, {param: Kind.array(rank) for param, rank in ranks.items()})
    return unique(checker.found + dynamic_code(source, source.reachable(name)))


def unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


class Kind:
    """What an expression holds, as far as the code tells: an array of known rank (a whole
    array, a row, a slice), a single element, a full index tuple, or unknown."""

    def __init__(self, tag: str, rank: int | None = None):
        self.tag, self.rank = tag, rank

    @classmethod
    def array(cls, rank):
        return cls("array", rank) if rank is None or rank > 0 else ELEMENT

    @property
    def is_array(self):
        return self.tag == "array"

    def item(self) -> "Kind":
        """What iterating over this gives."""
        if self.tag == "array":
            return ELEMENT if self.rank is None or self.rank <= 1 else Kind.array(self.rank - 1)
        if self.tag in ("range", "flat"):
            return ELEMENT
        if self.tag == "indices":
            return INDEX
        return UNKNOWN


ELEMENT, INDEX, UNKNOWN, META = Kind("element"), Kind("index"), Kind("unknown"), Kind("meta")


class LoopsOnly:
    """Walks a function with the kinds of its names, and records every whole-array computation."""

    def __init__(self, source: Source):
        self.source = source
        self.found: list[str] = []
        self.analyzed: set[tuple] = set()

    def flag(self, node, reason):
        self.found.append(f"`{self.source.quote(node)}` ({where(node)}) {reason}")

    # -- functions and statements --

    def check_function(self, function, param_kinds):
        key = (id(function), tuple(sorted((k, v.tag, v.rank) for k, v in param_kinds.items())))
        if key in self.analyzed:
            return
        self.analyzed.add(key)
        env = dict(param_kinds)
        if isinstance(function, ast.ClassDef):
            for item in function.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self.check_function(item, {})
            return
        if isinstance(function, ast.Lambda):
            self.kind(function.body, env)
            return
        self.block(function.body, env)

    def block(self, statements, env):
        for statement in statements:
            self.statement(statement, env)

    def statement(self, node, env):
        if isinstance(node, ast.Assign):
            value = self.kind(node.value, env)
            for target in node.targets:
                self.bind(target, value, node.value, env)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            self.bind(node.target, self.kind(node.value, env), node.value, env)
        elif isinstance(node, ast.AugAssign):
            target, value = self.kind(node.target, env), self.kind(node.value, env)
            if target.is_array or value.is_array or isinstance(node.op, ast.MatMult):
                self.flag(node, "computes with a whole array, row or slice")
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.bind(node.target, self.iterate(node.iter, env), node.iter, env)
            self.block(node.body, env)
            self.block(node.orelse, env)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.check_function(node, {})
        else:
            self.children(node, env)

    def children(self, node, env):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self.statement(child, env)
            elif isinstance(child, ast.expr):
                self.kind(child, env)
            else:
                self.children(child, env)

    def bind(self, target, kind, value, env):
        """Record what `target` now holds; flag whole rows or slices copied into an array."""
        if isinstance(target, ast.Name):
            env[target.id] = kind
        elif isinstance(target, (ast.Tuple, ast.List)):
            count = len(target.elts)
            if isinstance(kind, TupleKind) and len(kind.parts) == count:
                parts = kind.parts
            else:
                parts = [ELEMENT if kind is META else UNKNOWN] * count
            for element, part in zip(target.elts, parts):
                self.bind(element, part, None, env)
        elif isinstance(target, ast.Subscript):
            if self.kind(target, env).is_array and kind.is_array:
                self.flag(value if value is not None else target, "is copied as a whole row, column or slice")
        elif isinstance(target, ast.Starred):
            self.bind(target.value, UNKNOWN, None, env)

    # -- expressions --

    def iterate(self, node, env) -> Kind:
        """What a `for` loop or a comprehension gets from iterating over `node`."""
        if isinstance(node, ast.Call):
            called = self.source.names.resolve(node.func)
            if called == "enumerate" and node.args:
                return TupleKind([ELEMENT, self.iterate(node.args[0], env)])
            if called == "zip":
                return TupleKind([self.iterate(arg, env) for arg in node.args])
            if called == "reversed" and node.args:
                return self.iterate(node.args[0], env)
            self.kind(node, env)
            if called == "range":
                return ELEMENT
            if called == "numpy.ndindex":
                return INDEX
            if called == "numpy.ndenumerate":
                return TupleKind([INDEX, ELEMENT])
            if called == "numpy.nditer":
                return ELEMENT
            return UNKNOWN
        kind = self.kind(node, env)
        if isinstance(node, ast.Attribute) and node.attr == "flat":
            return ELEMENT
        return kind.item()

    def kind(self, node, env) -> Kind:
        method = getattr(self, f"kind_{type(node).__name__}", None)
        if method:
            return method(node, env)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.kind(child, env)
            elif isinstance(child, ast.comprehension):
                self.comprehension(child, env)
        return UNKNOWN

    def comprehension(self, generator, env):
        self.bind(generator.target, self.iterate(generator.iter, env), generator.iter, env)
        for condition in generator.ifs:
            self.kind(condition, env)

    def kind_comprehensions(self, node, env):
        inner = dict(env)
        for generator in node.generators:
            self.comprehension(generator, inner)
        for part in ("elt", "key", "value"):
            if hasattr(node, part):
                self.kind(getattr(node, part), inner)
        return UNKNOWN

    kind_ListComp = kind_SetComp = kind_GeneratorExp = kind_DictComp = kind_comprehensions

    def kind_Constant(self, node, env):
        return ELEMENT

    def kind_Name(self, node, env):
        if node.id in env:
            return env[node.id]
        qualified = self.source.names.resolve(node)
        if qualified and qualified.startswith("numpy.") and qualified[6:] not in ALLOWED_NUMPY | SCALAR_TYPES:
            self.flag(node, f"uses NumPy's `{qualified[6:]}`")
        return UNKNOWN

    def kind_Attribute(self, node, env):
        qualified = self.source.names.resolve(node)
        if qualified and qualified.split(".")[0] == "numpy":
            member = qualified.split(".", 1)[1] if "." in qualified else ""
            if member not in ALLOWED_NUMPY | SCALAR_TYPES:
                self.flag(node, f"uses NumPy's `{member}`")
            return UNKNOWN
        base = self.kind(node.value, env)
        if node.attr in ARRAY_MATH_ATTRIBUTES or (node.attr.startswith("__") and node.attr.endswith("__")):
            self.flag(node, f"uses `.{node.attr}` on a whole array")
        if node.attr in ("shape", "ndim", "dtype", "size", "itemsize", "nbytes", "strides"):
            return META
        if node.attr in ("real", "imag") and base.is_array:
            return base
        return UNKNOWN

    def kind_Subscript(self, node, env):
        base = self.kind(node.value, env)
        parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        consumed, slices, new_axes, full_index = 0, 0, 0, False
        for part in parts:
            if isinstance(part, ast.Slice):
                slices += 1
                for bound in (part.lower, part.upper, part.step):
                    if bound is not None:
                        self.kind(bound, env)
            elif isinstance(part, ast.Constant) and part.value is None:
                new_axes += 1
            elif isinstance(part, ast.Constant) and part.value is Ellipsis:
                return base
            else:
                part_kind = self.kind(part, env)
                if part_kind.tag == "index":
                    full_index = True
                elif part_kind.is_array:
                    self.flag(node, "indexes with a whole array")
                consumed += 1
        if base.tag == "meta":
            return META if slices else ELEMENT
        if not base.is_array:
            return UNKNOWN
        if full_index and not slices:
            return ELEMENT
        if base.rank is None:
            return Kind.array(None) if slices or new_axes else ELEMENT
        rank = base.rank - consumed + new_axes
        if slices or new_axes:
            return Kind.array(max(rank, 1))
        return Kind.array(rank)

    def kind_BinOp(self, node, env):
        left, right = self.kind(node.left, env), self.kind(node.right, env)
        if isinstance(node.op, ast.MatMult):
            self.flag(node, "uses the matrix product `@`")
        elif left.is_array or right.is_array:
            self.flag(node, "computes with a whole array, row or slice")
        return Kind.array(None) if left.is_array or right.is_array else (
            ELEMENT if left is ELEMENT and right is ELEMENT else UNKNOWN)

    def kind_UnaryOp(self, node, env):
        operand = self.kind(node.operand, env)
        if operand.is_array and not isinstance(node.op, ast.Not):
            self.flag(node, "computes with a whole array, row or slice")
        return operand

    def kind_Compare(self, node, env):
        kinds = [self.kind(node.left, env)] + [self.kind(c, env) for c in node.comparators]
        if any(k.is_array for k in kinds) and not all(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
            self.flag(node, "compares whole arrays, rows or slices")
        return ELEMENT

    def kind_IfExp(self, node, env):
        self.kind(node.test, env)
        body, orelse = self.kind(node.body, env), self.kind(node.orelse, env)
        return body if body.is_array else orelse

    def kind_Lambda(self, node, env):
        self.check_function(node, {})
        return UNKNOWN

    def shape_rank(self, node, env) -> int | None:
        """The rank of np.zeros(<shape>): a tuple's length, 1 for a number, x.shape's rank."""
        if isinstance(node, (ast.Tuple, ast.List)):
            return len(node.elts)
        if isinstance(node, ast.Attribute) and node.attr == "shape":
            return self.kind(node.value, env).rank
        return 1 if self.kind(node, env) is ELEMENT else None

    def kind_Tuple(self, node, env):
        return TupleKind([self.kind(element, env) for element in node.elts])

    def kind_Call(self, node, env):
        called = self.source.names.resolve(node.func)
        self.kind(node.func, env)
        args = [self.kind(arg, env) for arg in node.args]
        for keyword in node.keywords:
            self.kind(keyword.value, env)
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name in self.source.definitions and name not in self.source.provided:
            helper = self.source.definitions[name]
            if isinstance(helper, (ast.FunctionDef, ast.AsyncFunctionDef)):
                params = [a.arg for a in helper.args.posonlyargs + helper.args.args]
                self.check_function(helper, {p: k for p, k in zip(params, args)})
            else:
                self.check_function(helper, {})
            return UNKNOWN
        if name in self.source.provided:
            return ELEMENT
        if called and (called in REDUCING_CALLS or called.startswith(REDUCING_MODULES)) and any(
            a.is_array for a in args
        ):
            self.flag(node, "computes over a whole array, row or slice")
        if called in ("numpy.zeros", "numpy.empty", "numpy.ones", "numpy.full"):
            return Kind.array(self.shape_rank(node.args[0], env) if node.args else None)
        if called in ("numpy.zeros_like", "numpy.empty_like", "numpy.ones_like", "numpy.full_like",
                      "numpy.copy", "numpy.asarray", "numpy.array"):
            return args[0] if args and args[0].is_array else Kind.array(None)
        if isinstance(node.func, ast.Attribute):
            base = self.kind(node.func.value, env)
            if node.func.attr in ("copy", "astype", "view") and base.is_array:
                return base
            if node.func.attr == "item":
                return ELEMENT
        if called in ("float", "int", "bool", "complex") or (
            called and called.startswith("numpy.") and called[6:] in SCALAR_TYPES
        ):
            return ELEMENT
        if called in ("len",):
            return ELEMENT
        return UNKNOWN


class TupleKind(Kind):
    """A tuple of kinds, as `enumerate`, `zip` or a tuple literal give."""

    def __init__(self, parts):
        super().__init__("tuple")
        self.parts = parts

    def item(self):
        return UNKNOWN
