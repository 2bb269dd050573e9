"""The rule "loops only": one element at a time, no NumPy math, no arithmetic on whole arrays.

`LoopsOnly` visits a function knowing what kind of value each name holds (an array of known
rank, a row, a single element...) and records every computation on a whole array, row or
slice. Helpers it reaches (by name, alias, lambda or `functools.partial`) are visited with
the kinds of their arguments; the grader-provided callee counts as an element-level call.
"""

import ast

import numpy

from .names import PROVIDED, Source
from .violations import rule, unique
from .rules import dynamic_code

SCALAR_TYPES = {name for name in dir(numpy) if isinstance(getattr(numpy, name), type)
                and issubclass(getattr(numpy, name), numpy.generic)}
# What a naive function may use of NumPy (allocation, dtypes, index helpers).
ALLOWED_NUMPY = {
    "zeros", "zeros_like", "empty", "empty_like", "ones", "ones_like", "full", "full_like",
    "copy", "array", "asarray", "ndindex", "result_type", "promote_types", "dtype", "shape",
    "ndim", "size", "newaxis", "inf", "nan", "pi", "e", "isscalar", "ndarray", "iinfo", "finfo",
    "ndenumerate", "nditer",
} | SCALAR_TYPES
# Array methods and attributes that compute with (or rearrange) whole arrays.
ARRAY_MATH_ATTRIBUTES = {
    "T", "mT", "H", "dot", "vdot", "sum", "prod", "cumsum", "cumprod", "mean", "std", "var",
    "max", "min", "clip", "transpose", "swapaxes", "moveaxis", "argmax", "argmin", "all", "any",
    "round", "repeat", "take", "put", "choose", "diagonal", "trace", "outer", "matmul", "ptp",
    "nonzero", "sort", "argsort", "cumulative_sum", "cumulative_prod", "conj", "conjugate",
}
METADATA = ("shape", "ndim", "dtype", "size", "itemsize", "nbytes", "strides")
# Builtins and library functions that compute over a whole row or array they are given.
REDUCING_CALLS = {"sum", "max", "min", "abs", "round", "sorted", "pow", "divmod"}
REDUCING_MODULES = ("math.", "operator.", "statistics.", "functools.reduce")
ALLOCATING = {"numpy.zeros", "numpy.empty", "numpy.ones", "numpy.full"}
ALLOCATING_LIKE = {"numpy.zeros_like", "numpy.empty_like", "numpy.ones_like", "numpy.full_like",
                   "numpy.copy", "numpy.asarray", "numpy.array"}


@rule
def loops_only(source: Source, name: str, ranks: dict[str, int]) -> list[str]:
    """One element at a time: no NumPy math, no arithmetic on whole arrays, rows or slices."""
    function = source.function(name)
    if function is None:
        return []
    checker = LoopsOnly(source)
    checker.check_function(function, {param: Kind.array(rank) for param, rank in ranks.items()})
    return unique(checker.found + dynamic_code(source, source.reachable(name)))


class Kind:
    """What an expression holds, as far as the code tells: an array of known rank (a whole
    array, a row, a slice), a single element, a full index tuple, metadata, or unknown."""

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
        return INDEX if self.tag == "indices" else UNKNOWN


class TupleKind(Kind):
    """A tuple of kinds, as `enumerate`, `zip` or a tuple literal give."""

    def __init__(self, parts):
        super().__init__("tuple")
        self.parts = parts

    def item(self):
        return UNKNOWN


ELEMENT, INDEX, UNKNOWN, META = Kind("element"), Kind("index"), Kind("unknown"), Kind("meta")


class LoopsOnly(ast.NodeVisitor):
    """Visits functions with the kinds of their names (`self.env`); expression visits return
    a Kind, and every whole-array computation is recorded in `self.found`."""

    def __init__(self, source: Source):
        self.source = source
        self.found: list[str] = []
        self.analyzed: set[tuple] = set()
        self.env: dict[str, Kind] = {}

    def flag(self, node, reason):
        self.found.append(self.source.at(node, reason))

    def kind(self, node) -> Kind:
        return self.visit(node) or UNKNOWN

    def check_function(self, function, param_kinds):
        key = (id(function), tuple(sorted((k, v.tag, v.rank) for k, v in param_kinds.items())))
        if key in self.analyzed:
            return
        self.analyzed.add(key)
        outer, self.env = self.env, dict(param_kinds)
        if isinstance(function, ast.ClassDef):
            for item in function.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self.check_function(item, {})
        elif isinstance(function, ast.Lambda):
            self.kind(function.body)
        else:
            for statement in function.body:
                self.visit(statement)
        self.env = outer

    def generic_visit(self, node):
        for child in ast.iter_child_nodes(node):
            self.visit(child)
        return UNKNOWN

    # -- statements --

    def visit_Assign(self, node):
        value = self.kind(node.value)
        for target in node.targets:
            self.bind(target, value, node.value)

    def visit_AnnAssign(self, node):
        if node.value is not None:
            self.bind(node.target, self.kind(node.value), node.value)

    def visit_AugAssign(self, node):
        target, value = self.kind(node.target), self.kind(node.value)
        if target.is_array or value.is_array or isinstance(node.op, ast.MatMult):
            self.flag(node, "computes with a whole array, row or slice")

    def visit_For(self, node):
        self.bind(node.target, self.iterate(node.iter), node.iter)
        for statement in node.body + node.orelse:
            self.visit(statement)

    visit_AsyncFor = visit_For

    def visit_FunctionDef(self, node):
        self.check_function(node, {})

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def bind(self, target, kind, value):
        """Record what `target` now holds; flag whole rows or slices copied into an array."""
        if isinstance(target, ast.Name):
            self.env[target.id] = kind
        elif isinstance(target, (ast.Tuple, ast.List)):
            count = len(target.elts)
            if isinstance(kind, TupleKind) and len(kind.parts) == count:
                parts = kind.parts
            else:
                parts = [ELEMENT if kind is META else UNKNOWN] * count
            for element, part in zip(target.elts, parts):
                self.bind(element, part, None)
        elif isinstance(target, ast.Subscript):
            if self.kind(target).is_array and kind.is_array:
                self.flag(value if value is not None else target, "is copied as a whole row, column or slice")
        elif isinstance(target, ast.Starred):
            self.bind(target.value, UNKNOWN, None)

    # -- expressions --

    def iterate(self, node) -> Kind:
        """What a `for` loop or a comprehension gets from iterating over `node`."""
        if isinstance(node, ast.Call):
            called = self.source.resolve(node.func).qualified
            if called == "enumerate" and node.args:
                return TupleKind([ELEMENT, self.iterate(node.args[0])])
            if called == "zip":
                return TupleKind([self.iterate(arg) for arg in node.args])
            if called == "reversed" and node.args:
                return self.iterate(node.args[0])
            self.kind(node)
            if called in ("range", "numpy.nditer"):
                return ELEMENT
            if called == "numpy.ndindex":
                return INDEX
            if called == "numpy.ndenumerate":
                return TupleKind([INDEX, ELEMENT])
            return UNKNOWN
        kind = self.kind(node)
        if isinstance(node, ast.Attribute) and node.attr == "flat":
            return ELEMENT
        return kind.item()

    def visit_comprehension(self, generator):
        self.bind(generator.target, self.iterate(generator.iter), generator.iter)
        for condition in generator.ifs:
            self.kind(condition)

    def visit_ListComp(self, node):
        outer, self.env = self.env, dict(self.env)
        for generator in node.generators:
            self.visit(generator)
        for part in ("elt", "key", "value"):
            if hasattr(node, part):
                self.kind(getattr(node, part))
        self.env = outer
        return UNKNOWN

    visit_SetComp = visit_GeneratorExp = visit_DictComp = visit_ListComp

    def visit_Constant(self, node):
        return ELEMENT

    def visit_Name(self, node):
        if node.id in self.env:
            return self.env[node.id]
        self.numpy_use(node, self.source.resolve(node).qualified)
        return UNKNOWN

    def numpy_use(self, node, qualified):
        """Flag a NumPy name outside the allocation and dtype helpers."""
        if qualified == "numpy":
            return True
        if qualified and qualified.startswith("numpy."):
            if qualified[6:] not in ALLOWED_NUMPY:
                self.flag(node, f"uses NumPy's `{qualified[6:]}`")
            return True
        return False

    def visit_Attribute(self, node):
        if self.numpy_use(node, self.source.resolve(node).qualified):
            return UNKNOWN
        base = self.kind(node.value)
        if node.attr in ARRAY_MATH_ATTRIBUTES or (node.attr.startswith("__") and node.attr.endswith("__")):
            self.flag(node, f"uses `.{node.attr}` on a whole array")
        if node.attr in METADATA:
            return META
        if node.attr in ("real", "imag") and base.is_array:
            return base
        return UNKNOWN

    def visit_Subscript(self, node):
        base = self.kind(node.value)
        parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        consumed, slices, new_axes, full_index = 0, 0, 0, False
        for part in parts:
            if isinstance(part, ast.Slice):
                slices += 1
                for bound in (part.lower, part.upper, part.step):
                    if bound is not None:
                        self.kind(bound)
            elif isinstance(part, ast.Constant) and part.value is None:
                new_axes += 1
            elif isinstance(part, ast.Constant) and part.value is Ellipsis:
                return base
            else:
                part_kind = self.kind(part)
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
        return Kind.array(max(rank, 1)) if slices or new_axes else Kind.array(rank)

    def visit_BinOp(self, node):
        left, right = self.kind(node.left), self.kind(node.right)
        if isinstance(node.op, ast.MatMult):
            self.flag(node, "uses the matrix product `@`")
        elif left.is_array or right.is_array:
            self.flag(node, "computes with a whole array, row or slice")
        if left.is_array or right.is_array:
            return Kind.array(None)
        return ELEMENT if left is ELEMENT and right is ELEMENT else UNKNOWN

    def visit_UnaryOp(self, node):
        operand = self.kind(node.operand)
        if operand.is_array and not isinstance(node.op, ast.Not):
            self.flag(node, "computes with a whole array, row or slice")
        return operand

    def visit_Compare(self, node):
        kinds = [self.kind(node.left)] + [self.kind(c) for c in node.comparators]
        if any(k.is_array for k in kinds) and not all(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
            self.flag(node, "compares whole arrays, rows or slices")
        return ELEMENT

    def visit_IfExp(self, node):
        self.kind(node.test)
        body, orelse = self.kind(node.body), self.kind(node.orelse)
        return body if body.is_array else orelse

    def visit_Lambda(self, node):
        self.check_function(node, {})
        return UNKNOWN

    def visit_Tuple(self, node):
        return TupleKind([self.kind(element) for element in node.elts])

    def shape_rank(self, node) -> int | None:
        """The rank of np.zeros(<shape>): a tuple's length, 1 for a number, x.shape's rank."""
        if isinstance(node, (ast.Tuple, ast.List)):
            return len(node.elts)
        if isinstance(node, ast.Attribute) and node.attr == "shape":
            return self.kind(node.value).rank
        return 1 if self.kind(node) is ELEMENT else None

    def visit_Call(self, node):
        target = self.source.resolve(node.func)
        called = target.qualified or ""
        self.kind(node.func)
        args = [self.kind(arg) for arg in target.bound + tuple(node.args)]
        for keyword in node.keywords:
            self.kind(keyword.value)
        if target.node is not None:
            return self.call_helper(target.node, args)
        if called.startswith(PROVIDED):
            return ELEMENT
        if (called in REDUCING_CALLS or called.startswith(REDUCING_MODULES)) and any(a.is_array for a in args):
            self.flag(node, "computes over a whole array, row or slice")
        if called in ALLOCATING:
            return Kind.array(self.shape_rank(node.args[0]) if node.args else None)
        if called in ALLOCATING_LIKE:
            return args[0] if args and args[0].is_array else Kind.array(None)
        if isinstance(node.func, ast.Attribute):
            base = self.kind(node.func.value)
            if node.func.attr in ("copy", "astype", "view") and base.is_array:
                return base
            if node.func.attr == "item":
                return ELEMENT
        if called in ("float", "int", "bool", "complex", "len") or (
            called.startswith("numpy.") and called[6:] in SCALAR_TYPES
        ):
            return ELEMENT
        return UNKNOWN

    def call_helper(self, helper, args) -> Kind:
        """A student's helper, visited with the kinds of the arguments it is given."""
        if isinstance(helper, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            params = [a.arg for a in helper.args.posonlyargs + helper.args.args]
            self.check_function(helper, dict(zip(params, args)))
        else:
            self.check_function(helper, {})
        return UNKNOWN
