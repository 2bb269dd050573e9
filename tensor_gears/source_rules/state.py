"""The rule of the timing checks: a timed function depends on its inputs alone.

The timing checks measure what a call does with its inputs. A function that keeps something
between calls (a counter, a cache, the inputs it saw last, in a mutable default, a
module-level container, a function or class attribute, a `global`) or reads a clock or a
random state that persists could tell the timed calls from the others and change what is
measured; its timing is not judged. Each violation quotes the code and names its line.
"""

import ast

from .names import Source
from .violations import rule, unique

MUTATING_METHODS = {
    "append", "extend", "insert", "pop", "remove", "clear", "update", "add", "discard", "setdefault", "popitem",
    "sort", "reverse", "fill", "itemset", "resize", "put", "setflags", "assign", "assign_add", "assign_sub",
}
CLOCKS = ("time.", "timeit.", "resource.", "psutil.", "datetime.datetime.now", "datetime.datetime.utcnow",
          "datetime.datetime.today", "datetime.date.today", "os.times", "os.getloadavg")
PERSISTENT = ("random.", "numpy.random.", "os.putenv", "io.open", "pathlib.")  # states and files that outlive a call
CACHES = {"functools.lru_cache", "functools.cache", "functools.cached_property"}
MUTABLE_DEFAULTS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp, ast.Call)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def bound_inside(root: ast.AST) -> set[str]:
    """Every name a definition binds anywhere inside it: parameters (but those whose default is a
    mutable object, which outlives the call), assignments, loop and `with` targets, imports."""
    names = set()
    for node in ast.walk(root):
        if isinstance(node, FUNCTIONS):
            arguments = node.args
            positional = arguments.posonlyargs + arguments.args
            defaults = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
            pairs = list(zip(positional, defaults)) + list(zip(arguments.kwonlyargs, arguments.kw_defaults))
            names |= {arg.arg for arg, default in pairs if not isinstance(default, MUTABLE_DEFAULTS)}
            names |= {arg.arg for arg in (arguments.vararg, arguments.kwarg) if arg is not None}
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def root_name(node: ast.AST) -> str | None:
    """`x` in `x`, `x[i].a`, `x.a[i]`."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def changed(source: Source, node: ast.AST) -> list[ast.AST]:
    """What a statement or call changes in place: subscript and attribute targets, the receivers
    of mutating methods (not a module's functions: `np.add` changes nothing)."""
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
        targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
        return [part for target in targets for part in ast.walk(target)
                if isinstance(part, (ast.Attribute, ast.Subscript)) and isinstance(part.ctx, (ast.Store, ast.Del))]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATING_METHODS \
            and not source.resolve(node.func.value).qualified:
        return [node.func.value]
    return []


@rule
def keeps_state(source: Source, name: str) -> list[str]:
    """What in `name` and its helpers keeps something between calls, or reads a clock or a persistent state."""
    found, roots = [], source.reachable(name)
    enclosing = {}  # a nested definition sees the names of the definitions around it
    for root in roots:
        for node in ast.walk(root):
            if isinstance(node, FUNCTIONS) and node is not root:
                enclosing.setdefault(id(node), set()).update(bound_inside(root))
    for root in roots:
        local = bound_inside(root) | enclosing.get(id(root), set())
        for node in ast.walk(root):
            if isinstance(node, (ast.Global, ast.Nonlocal)):
                found.append(source.at(node, "keeps names between calls"))
            elif isinstance(node, ast.Call):
                called = source.resolve(node.func).qualified or ""
                if called.startswith(CLOCKS):
                    found.append(source.at(node, "reads a clock"))
                elif called.startswith(PERSISTENT) or called == "open":
                    found.append(source.at(node, f"uses a state that persists between calls (`{called}`)"))
            for decorator in getattr(node, "decorator_list", []):
                cache = source.resolve(decorator.func if isinstance(decorator, ast.Call) else decorator).qualified
                if cache in CACHES:
                    found.append(source.at(decorator, "keeps results between calls"))
            for part in changed(source, node):
                owner = root_name(part)
                if owner is not None and owner not in local:
                    found.append(source.at(node, f"changes `{owner}`, which outlives the call"))
    return unique(found)
