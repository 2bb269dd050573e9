"""What a name in a submission refers to, and what a graded function reaches.

One resolver serves every rule. A name resolves to a `Target`: an external name
("numpy.transpose", "tensorflow.GradientTape", "max"), a local definition (a function,
lambda or class, possibly under a `functools.partial`), or nothing known. It follows
`def`, `lambda`, assignment aliases, imports (also inside functions, `__import__`),
parameter defaults and `functools.partial`.

Resolution is flow-sensitive: an alias resolves its right-hand side with the bindings made
before it (earlier module statements; bindings ending earlier in a function), so every step
goes back in the code, or out to an enclosing scope, and cannot loop. Names in a function
body see the enclosing scope's last binding: the value at call time. A visited set guards
anyway.
"""

from __future__ import annotations

import ast
import builtins
import math
from dataclasses import dataclass
import numpy

from .violations import Place, Violation, quote, where

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
STAR_MODULES = {"numpy": numpy, "math": math}
PROVIDED = "grader."  # prefix of a callee the grader provides: "grader.naive_vector_dot"
END = (float("inf"), 0)


@dataclass(frozen=True)
class Target:
    """What a name refers to; `bound` holds the arguments a `functools.partial` binds first."""

    qualified: str | None = None
    node: ast.AST | None = None
    bound: tuple = ()


UNKNOWN = Target()


@dataclass(frozen=True)
class Binding:
    """One binding of a name: an import, a definition, a value expression, or opaque."""

    kind: str  # "external", "definition", "value", "opaque"
    payload: object
    end: tuple  # where it takes effect: a statement index (module) or a source position


def position(node: ast.AST) -> tuple:
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def end_position(node: ast.AST) -> tuple:
    return (getattr(node, "end_lineno", 0), getattr(node, "end_col_offset", 0))


def stored_names(target: ast.AST) -> list[ast.Name]:
    """The names an assignment target binds (not `a` in `a[i] = ...` or `a.b = ...`)."""
    return [node for node in ast.walk(target) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)]


def import_bindings(node: ast.stmt, end) -> list[tuple[str, Binding]]:
    """`import numpy as xp` binds xp to "numpy", `import numpy.linalg` binds numpy to "numpy",
    `from numpy import maximum as m` binds m to "numpy.maximum"; relative imports are opaque."""
    if isinstance(node, ast.Import):
        found = []
        for alias in node.names:
            top = alias.name.split(".")[0]
            found.append((alias.asname or top, Binding("external", alias.name if alias.asname else top, end)))
        return found
    named = [alias for alias in node.names if alias.name != "*"]
    if node.level or not node.module:
        return [(alias.asname or alias.name, Binding("opaque", None, end)) for alias in named]
    return [(alias.asname or alias.name, Binding("external", f"{node.module}.{alias.name}", end)) for alias in named]


class ModuleScope:
    """The submission's top level as it stands before statement `index`."""

    def __init__(self, names: Names, index: int):
        self.names, self.index = names, index

    def lookup(self, name: str, at, seen) -> Target:
        bindings = [b for b in self.names.module_bindings.get(name, []) if b.end < self.index]
        stars = [(i, m) for i, m in self.names.stars if i < self.index and hasattr(STAR_MODULES[m], name)]
        if stars and (not bindings or stars[-1][0] > bindings[-1].end):
            return Target(f"{stars[-1][1]}.{name}")
        if bindings:
            return self.names.follow(bindings[-1], seen)
        return Target(name) if hasattr(builtins, name) else UNKNOWN


class LocalScope:
    """A function, lambda, class body or comprehension: its own bindings, then its parent's."""

    def __init__(self, names: Names, node: ast.AST, parent, parent_at):
        self.names, self.node, self.parent, self.parent_at = names, node, parent, parent_at
        self.bindings: dict[str, list[Binding]] = {}
        self.globals: set[str] = set()

    def bind(self, name: str, binding: Binding):
        self.bindings.setdefault(name, []).append(binding)

    def lookup(self, name: str, at, seen) -> Target:
        if name in self.globals:
            return self.names.final.lookup(name, END, seen)
        if name not in self.bindings:
            return self.names.lookup(self.parent, name, self.parent_at, seen)
        visible = [b for b in self.bindings[name] if b.end <= at]
        return self.names.follow(max(visible, key=lambda b: b.end), seen) if visible else UNKNOWN


class Names:
    """The resolver: every scope of the submission, and which scope each node is read in."""

    def __init__(self, statements: list[ast.stmt], provided: tuple[str, ...] = ()):
        self.module_bindings: dict[str, list[Binding]] = {}
        self.stars: list[tuple[int, str]] = []
        self.scope_of: dict[int, object] = {}
        self.loaded = ModuleScope(self, len(statements))  # once the submission has run
        self.final = ModuleScope(self, len(statements) + 1)  # when the checks call a function
        for index, node in enumerate(statements):
            self.module_statement(index, node)
        # The grader binds its callees after the submission has loaded.
        for name in provided:
            self.module_bindings.setdefault(name, []).append(Binding("external", PROVIDED + name, len(statements)))

    # -- building scopes --

    def module_statement(self, index: int, node: ast.stmt):
        scope = ModuleScope(self, index)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for name, binding in import_bindings(node, index):
                self.module_bindings.setdefault(name, []).append(binding)
            star = isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)
            if star and node.module in STAR_MODULES:
                self.stars.append((index, node.module))
        elif isinstance(node, DEFINITIONS):
            self.module_bindings.setdefault(node.name, []).append(Binding("definition", node, index))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in stored_names(target):
                    kind = "value" if target is name else "opaque"
                    self.module_bindings.setdefault(name.id, []).append(Binding(kind, node.value, index))
        self.enter(node, scope)

    def enter(self, node: ast.AST, scope):
        """Record `scope` for `node` and its parts; open new scopes for nested functions."""
        self.scope_of[id(node)] = scope
        if isinstance(node, FUNCTIONS + (ast.ClassDef,) + COMPREHENSIONS):
            self.open(node, scope)
            return
        for child in ast.iter_child_nodes(node):
            self.enter(child, scope)

    def open(self, node: ast.AST, scope):
        """A nested scope: the parts evaluated where `node` stands stay in `scope`."""
        if isinstance(node, COMPREHENSIONS):
            inner = LocalScope(self, node, scope, position(node))
            for generator in node.generators:
                for name in stored_names(generator.target):
                    inner.bind(name.id, Binding("opaque", None, (0, 0)))
            for child in ast.iter_child_nodes(node):
                self.enter(child, inner)
            return
        for part in getattr(node, "decorator_list", []) + getattr(node, "bases", []) + getattr(node, "keywords", []):
            self.enter(part, scope)
        if isinstance(node, ast.ClassDef):
            inner = LocalScope(self, node, scope, position(node))
        else:
            # A function's free names are looked up when it runs: the enclosing scope's last binding.
            parent = scope.parent if isinstance(scope, LocalScope) and isinstance(scope.node, ast.ClassDef) else scope
            inner = LocalScope(self, node, self.final if isinstance(parent, ModuleScope) else parent, END)
            self.parameters(node.args, inner, scope)
        body = node.body if isinstance(node.body, list) else [node.body]
        for statement in body:
            self.local_bindings(statement, inner)
            self.enter(statement, inner)

    def parameters(self, args: ast.arguments, inner: LocalScope, scope):
        positional = args.posonlyargs + args.args
        defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        for arg, default in list(zip(positional, defaults)) + list(zip(args.kwonlyargs, args.kw_defaults)):
            inner.bind(arg.arg, Binding("opaque" if default is None else "value", default, (0, 0)))
            if default is not None:
                self.enter(default, scope)
        for arg in (args.vararg, args.kwarg):
            if arg is not None:
                inner.bind(arg.arg, Binding("opaque", None, (0, 0)))

    def local_bindings(self, statement: ast.stmt, scope: LocalScope):
        """The names a function's statement binds, without entering nested scopes."""
        todo = [statement]
        while todo:
            node = todo.pop()
            end = end_position(node)
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for name, binding in import_bindings(node, end):
                    scope.bind(name, binding)
            elif isinstance(node, DEFINITIONS):
                scope.bind(node.name, Binding("definition", node, end))
                continue
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                if isinstance(node, ast.Global):
                    scope.globals.update(node.names)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for name in stored_names(target):
                        scope.bind(name.id, Binding("value" if name is target else "opaque", node.value, end))
            elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                scope.bind(node.id, Binding("opaque", None, end))
            elif isinstance(node, ast.ExceptHandler) and node.name:
                scope.bind(node.name, Binding("opaque", None, position(node)))
            elif isinstance(node, FUNCTIONS + COMPREHENSIONS):
                continue
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)):
                todo.extend([node.value] if node.value is not None else [])  # the targets are bound above
            else:
                todo.extend(ast.iter_child_nodes(node))

    # -- resolving --

    def resolve(self, node: ast.AST) -> Target:
        """What the expression `node` refers to, where it stands in the submission."""
        return self.expression(node, self.scope_of.get(id(node), self.final), set())

    def lookup(self, scope, name: str, at, seen: set) -> Target:
        key = (id(scope), name, at)
        if key in seen:
            return UNKNOWN
        seen.add(key)
        return scope.lookup(name, at, seen)

    def follow(self, binding: Binding, seen: set) -> Target:
        if binding.kind == "external":
            return Target(binding.payload)
        if binding.kind == "definition":
            return Target(node=binding.payload)
        if binding.kind == "value":
            value = binding.payload
            return self.expression(value, self.scope_of.get(id(value), self.final), seen)
        return UNKNOWN

    def expression(self, node: ast.AST, scope, seen: set) -> Target:
        if isinstance(node, ast.Name):
            return self.lookup(scope, node.id, position(node), seen)
        if isinstance(node, ast.Lambda):
            return Target(node=node)
        if isinstance(node, ast.Attribute):
            base = self.expression(node.value, scope, seen).qualified
            if base and not hasattr(builtins, base.split(".")[0]) and not base.startswith(PROVIDED):
                return Target(f"{base}.{node.attr}")
            return UNKNOWN
        if isinstance(node, ast.Call):
            called = self.expression(node.func, scope, seen).qualified
            first = node.args[0] if node.args else None
            if called in ("__import__", "importlib.import_module") and isinstance(first, ast.Constant) \
                    and isinstance(first.value, str):
                return Target(first.value)
            if called == "functools.partial" and first is not None:
                inner = self.expression(first, scope, seen)
                if inner != UNKNOWN:
                    return Target(inner.qualified, inner.node, inner.bound + tuple(node.args[1:]))
        return UNKNOWN

    def is_nested(self, node: ast.AST) -> bool:
        """Whether a function is defined inside another function (so it closes over its names)."""
        scope = self.scope_of.get(id(node))
        return isinstance(scope, LocalScope)


class Source:
    """A submission's code as the rules see it: its names, and what each function reaches.
    `statements`: the kept top-level statements, each with its `node` and `where` ("cell 4, line 2")."""

    def __init__(self, statements, provided: tuple[str, ...] = ()):
        self.statements = [statement.node for statement in statements]
        self.cells = [statement.where.split(",")[0] for statement in statements]
        try:
            self.names = Names(self.statements, provided)
            self.readable = True
        except RecursionError:
            self.names, self.readable = Names([]), False

    def resolve(self, node: ast.AST) -> Target:
        return self.names.resolve(node)

    def function(self, name: str) -> ast.AST | None:
        """The student's own definition of `name` once the submission has run, or None."""
        return self.names.loaded.lookup(name, END, set()).node

    def reachable(self, name: str) -> list[ast.AST]:
        """The definition of `name` and every local definition it uses, transitively, with the
        arguments of any `functools.partial` on the way."""
        start = self.function(name)
        return self.reachable_from([start] if start is not None else [])

    def reachable_from(self, nodes: list[ast.AST]) -> list[ast.AST]:
        """`nodes` and every local definition they use, transitively."""
        seen, order, todo = set(), [], list(nodes)
        while todo:
            node = todo.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            order.append(node)
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name):
                    target = self.resolve(inner)
                    todo.extend(target.bound)
                    if target.node is not None:
                        todo.append(target.node)
        return order

    def load_time(self, statements: list[ast.stmt]) -> list[ast.AST]:
        """What of `statements` runs when the definitions are loaded, and every local definition
        it uses: decorators, parameter defaults, class bodies and bases (function bodies run
        only when called)."""
        roots = []
        todo = list(statements)
        while todo:
            node = todo.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                arguments = node.args
                roots += getattr(node, "decorator_list", []) + arguments.defaults
                roots += [default for default in arguments.kw_defaults if default is not None]
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                todo += [inner for inner in ast.walk(node.value) if isinstance(inner, ast.Lambda)]
            elif isinstance(node, ast.ClassDef):
                roots += node.decorator_list + node.bases + [keyword.value for keyword in node.keywords]
                for statement in node.body:  # a class body runs at load: all of it, nested definitions' heads too
                    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                        todo.append(statement)
                    else:
                        roots.append(statement)
        return self.reachable_from(roots)

    quote = staticmethod(quote)

    def place(self, node: ast.AST) -> Place:
        """The notebook cell and line of `node`."""
        for statement, cell in zip(self.statements, self.cells):
            if any(inner is node for inner in ast.walk(statement)):
                return Place(cell, getattr(node, "lineno", None))
        return Place(None, getattr(node, "lineno", None))

    def at(self, node: ast.AST, why: str) -> Violation:
        """The violation "`code` (line N) why" at `node`."""
        return Violation(f"`{quote(node)}` ({where(node)}) {why}", self.place(node), quote(node))

