"""The rule "graded code computes": it does not look at or change the grader.

A graded function, the helpers it uses, and whatever runs when the definitions are loaded
(decorators, parameter defaults, class bodies, and what they call) may not reach the call
stack or frames, the garbage collector, `ctypes`, the interpreter's internals (`sys` beyond
a few constants, `builtins`, `importlib`, dunder attributes such as `__class__` or
`__globals__`, code built at run time) or the grader's own code in the child. Each violation
quotes the code and names its line. The contract gives such a function 0 points; code that
runs at load and belongs to no graded function (a class body of its own, a helper's
decorator) counts against every graded function of the notebook, since it runs before all of
them.
"""

import ast
import re

from .names import Source
from .violations import rule, unique

# Modules, and names anywhere in a dotted name, that lead into the grader or the interpreter.
REACHES = {
    "gc": "the garbage collector", "inspect": "frames and the call stack", "traceback": "frames and the call stack",
    "ctypes": "ctypes", "_ctypes": "ctypes", "ctypeslib": "ctypes", "cffi": "ctypes",
    "sys": "the interpreter's internals", "builtins": "the interpreter's internals",
    "__builtins__": "the interpreter's internals", "importlib": "the interpreter's internals",
    "imp": "the interpreter's internals", "marshal": "the interpreter's internals",
    "faulthandler": "the interpreter's internals", "tracemalloc": "the interpreter's internals",
    "atexit": "the interpreter's internals", "signal": "the interpreter's internals",
    "_thread": "the interpreter's internals", "__main__": "the grader's code", "harness": "the grader's code",
    "protocol": "the grader's code", "forkserver": "the grader's code", "tensor_gears": "the grader's code",
}
SYS_CONSTANTS = {"maxsize", "float_info", "int_info", "hash_info", "byteorder", "version", "version_info",
                 "platform", "float_repr_style", "getsizeof"}
THREAD_HOOKS = {"threading.settrace", "threading.setprofile", "threading.settrace_all_threads",
                "threading.setprofile_all_threads", "threading.gettrace", "threading.getprofile",
                "threading.enumerate", "threading._active"}
BUILD_CODE = {"eval", "exec", "compile", "globals", "locals", "vars", "breakpoint", "__import__"}
BY_NAME = {"getattr", "setattr", "delattr", "hasattr", "operator.attrgetter", "operator.methodcaller"}
# Attributes of objects that lead to frames, code or the interpreter (whatever the object is).
DUNDERS = {
    "__class__", "__bases__", "__base__", "__mro__", "__subclasses__", "__globals__", "__builtins__", "__code__",
    "__closure__", "__dict__", "__self__", "__func__", "__traceback__", "__getattribute__", "__reduce__",
    "__reduce_ex__", "__loader__", "__spec__", "__import__", "__defaults__", "__kwdefaults__", "__objclass__",
    "__weakref__", "__init_subclass__", "__subclasshook__", "__wrapped__", "__frame__",
}
FRAME_ATTRIBUTE = re.compile(r"^(f|tb|gi|cr|ag|co)_[a-z]+$")  # frames, tracebacks, generators, code objects
FRAME_NAMES = {"f_back", "f_locals", "f_globals", "f_builtins", "f_code", "f_trace", "f_lasti", "tb_frame", "tb_next",
               "gi_frame", "gi_code", "cr_frame", "cr_code", "ag_frame", "ag_code", "co_code", "co_consts"}


def reaches(qualified: str) -> str | None:
    """What a dotted name leads to, if it is the grader or the interpreter."""
    parts = qualified.split(".")
    if parts[0] == "sys" and len(parts) > 1 and parts[1] in SYS_CONSTANTS:
        return None
    if qualified in THREAD_HOOKS or qualified.startswith("threading._"):
        return "frames and the call stack"
    return next((REACHES[part] for part in parts if part in REACHES), None)


def names_internals(text: str) -> bool:
    """Whether a string names an internal attribute (for getattr, str.format, attrgetter) or /proc."""
    words = set(re.findall(r"\w+", text))
    return bool(words & (DUNDERS | FRAME_NAMES)) or "/proc/" in text


def violations(source: Source, nodes: list[ast.AST]) -> list[str]:
    found, inner = [], set()
    docstrings = {id(node.value) for root in nodes for node in ast.walk(root)
                  if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    for root in nodes:
        for node in ast.walk(root):  # outer names before their parts: `sys.modules` before `sys`
            if id(node) in inner:
                continue
            if isinstance(node, ast.Attribute) and (node.attr in DUNDERS or FRAME_ATTRIBUTE.match(node.attr)
                                                    or node.attr == "ctypes"):
                inner.update(id(part) for part in ast.walk(node) if part is not node)
                reached = ("frames and the call stack" if FRAME_ATTRIBUTE.match(node.attr) else
                           "ctypes" if node.attr == "ctypes" else "the interpreter's internals")
                found.append(source.at(node, f"reaches {reached} (`.{node.attr}`)"))
            elif isinstance(node, (ast.Name, ast.Attribute)):
                qualified = "__builtins__" if getattr(node, "id", None) == "__builtins__" else \
                    source.resolve(node).qualified
                if qualified:
                    inner.update(id(part) for part in ast.walk(node) if part is not node)
                    if reaches(qualified):
                        found.append(source.at(node, f"reaches {reaches(qualified)} (`{qualified}`)"))
            elif isinstance(node, ast.Call):
                called = source.resolve(node.func).qualified or ""
                if called in BUILD_CODE:
                    found.append(source.at(node, "runs code or reaches names the grader cannot read"))
                elif called in BY_NAME and not all(isinstance(arg, ast.Constant) for arg in node.args[1:2]):
                    found.append(source.at(node, "reaches an attribute by a name built at run time"))
            elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                  and names_internals(node.value)):
                found.append(source.at(node, "names the interpreter's internals"))
    return unique(found)


@rule
def inspects_grader(source: Source, name: str, graded: tuple[str, ...] = ()) -> list[str]:
    """What of `name`'s code (its decorators and defaults included), its helpers', and the code
    run at load that belongs to none of the notebook's `graded` functions, looks at or changes
    the grader."""
    attached = {id(node) for function in {name, *graded} for node in source.reachable(function)}
    stray = [statement for statement in source.statements if id(statement) not in attached]
    return violations(source, source.reachable(name) + source.load_time(stray))
