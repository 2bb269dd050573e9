"""The rule "computed with tf.GradientTape": the gradients a function returns or applies are
the tape's.

`TapeFlow` follows values through the function (and the helpers it calls) as sets of labels:
derived from the inputs, a tape, recorded by a tape (computed from the inputs while that tape
was open), or a tape gradient (`gradient`, `jacobian` or `batch_jacobian` of a recorded
target). A function that returns gradients must return only tape gradients (or values made
from them); one that applies them must update its variables only with such values.
"""

import ast
from dataclasses import dataclass, field

from .names import PROVIDED, Source
from .violations import Violation, rule, unique, where

INPUT, GRADIENT = "input", "gradient"
GRADIENT_METHODS = ("gradient", "jacobian", "batch_jacobian")
UPDATE_METHODS = ("assign_sub", "assign", "assign_add", "apply_gradients")
APPLIED = ("sgd_step",)  # the contract's functions that apply their gradients instead of returning them
# So that no submission can make the analysis slow: helper visits, and statements visited
# before loops stop getting a second pass.
HELPER_BUDGET, STEP_BUDGET = 500, 20_000


@rule
def uses_gradient_tape(source: Source, name: str, applies: bool | None = None) -> list[str]:
    """The gradients `name` returns (or, if it `applies` them, its updates) are tape gradients."""
    function = source.function(name)
    if function is None or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        return [Violation(f"`{name}` does not compute its gradients with tf.GradientTape and tape.gradient")]
    flow = TapeFlow(source)
    params = [a.arg for a in function.args.posonlyargs + function.args.args + function.args.kwonlyargs]
    returns = flow.call(function, {param: Value({INPUT}) for param in params})
    if applies is None:
        applies = name in APPLIED
    if applies:
        found = [source.at(node, "applies a value not computed by tape.gradient")
                 for node, value in flow.updates.values() if GRADIENT not in value.labels]
        if not flow.updates:
            found.append(Violation(f"`{name}` updates no variable (assign_sub, assign or apply_gradients) with a "
                                   "tape gradient"))
    else:
        found = [source.at(node, "returns values not computed by tape.gradient")
                 for node, value in returns if not all(GRADIENT in part.labels for part in value.elements())]
        if not returns:
            found.append(Violation(f"`{name}` returns nothing computed by tape.gradient"))
    if not found:
        return []
    if not flow.tapes:
        found.append(Violation(f"`{name}` opens no tf.GradientTape"))
    found += flow.notes + [Violation(f"the tape opened at {where(node)} is never asked for a gradient",
                                     source.place(node), "with")
                           for tape, node in flow.tapes.items() if tape not in flow.asked]
    return unique(found)


@dataclass(frozen=True)
class Value:
    """What an expression holds: labels, and element by element for a tuple or list literal."""

    labels: frozenset = frozenset()
    parts: tuple | None = None

    def __init__(self, labels=frozenset(), parts=None):
        object.__setattr__(self, "labels", frozenset(labels))
        object.__setattr__(self, "parts", parts)

    def __or__(self, other: "Value") -> "Value":
        if self.parts is not None and other.parts is not None and len(self.parts) == len(other.parts):
            return Value(self.labels | other.labels, tuple(a | b for a, b in zip(self.parts, other.parts)))
        return Value(self.labels | other.labels)

    def flat(self) -> "Value":
        return Value(self.labels)

    def elements(self) -> tuple["Value", ...]:
        """Element by element when this is a tuple or list, else the whole value."""
        return self.parts if self.parts is not None else (self,)

    def tapes(self) -> set:
        return {label[1] for label in self.labels if isinstance(label, tuple) and label[0] == "tape"}


def is_gradient_tape(qualified: str | None) -> bool:
    return bool(qualified) and qualified.startswith("tensorflow.") and qualified.endswith(".GradientTape")


def union(values) -> Value:
    result = Value()
    for value in values:
        result = Value(result.labels | value.labels)
    return result


@dataclass
class Frame:
    """One function being followed: its names, and what its return statements return."""

    env: dict
    returns: list = field(default_factory=list)


class TapeFlow(ast.NodeVisitor):
    """Follows labels through statements (visit_* of statements) and expressions (value())."""

    def __init__(self, source: Source):
        self.source = source
        self.tapes: dict[int, ast.AST] = {}  # tape id -> the call that made it
        self.recording: list[int] = []  # tapes open now
        self.recorded: set[int] = set()  # tapes that recorded something from the inputs
        self.asked: set[int] = set()  # tapes asked for a gradient
        self.updates: dict[int, tuple[ast.Call, Value]] = {}
        self.notes: list[str] = []
        self.active: set[int] = set()
        self.budget, self.steps = HELPER_BUDGET, 0
        self.frame = Frame({})

    # -- functions --

    def call(self, function, env: dict) -> list[tuple[ast.AST, Value]]:
        """Follow `function` with its parameters bound in `env`; the (node, value) it returns."""
        outer, self.frame = self.frame, Frame(env)
        self.active.add(id(function))
        if isinstance(function, ast.Lambda):
            self.frame.returns.append((function.body, self.value(function.body)))
        else:
            self.block(function.body)
        self.active.discard(id(function))
        returns, self.frame = self.frame.returns, outer
        return returns

    def helper(self, target, args: list[Value], keywords: dict[str, Value]) -> Value:
        """A call to a student's function or lambda: what it returns for these arguments."""
        function = target.node
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) \
                or id(function) in self.active or self.budget <= 0:
            return union(args + list(keywords.values()))
        self.budget -= 1
        env = dict(self.frame.env) if self.source.names.is_nested(function) else {}
        params = function.args.posonlyargs + function.args.args
        for param, arg in zip(params, args):
            env[param.arg] = arg
        for param in params[len(args):] + function.args.kwonlyargs:
            env[param.arg] = keywords.get(param.arg, Value())
        for extra, values in ((function.args.vararg, args[len(params):]), (function.args.kwarg, keywords.values())):
            if extra is not None:
                env[extra.arg] = union(values)
        returns = [value for _, value in self.call(function, env)]
        if not returns:
            return Value()
        result = returns[0]
        for value in returns[1:]:
            result = result | value
        return result

    # -- statements --

    def block(self, statements):
        for statement in statements:
            self.steps += 1
            self.visit(statement)

    def passes(self) -> range:
        """A loop's body twice, carrying values from one iteration to the next, within budget."""
        return range(2 if self.steps < STEP_BUDGET else 1)

    def generic_visit(self, node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self.visit(child)
            elif isinstance(child, ast.expr):
                self.value(child)
            else:
                self.generic_visit(child)

    def visit_Assign(self, node):
        value = self.value(node.value)
        for target in node.targets:
            self.bind(target, value)

    def visit_AnnAssign(self, node):
        if node.value is not None:
            self.bind(node.target, self.value(node.value))

    def visit_AugAssign(self, node):
        self.bind(node.target, self.value(node.target) | self.value(node.value))

    def visit_Return(self, node):
        self.frame.returns.append((node, self.value(node.value) if node.value is not None else Value()))

    def visit_With(self, node):
        opened = []
        for item in node.items:
            value = self.value(item.context_expr)
            opened += [tape for tape in value.tapes() if tape not in self.recording]
            if item.optional_vars is not None:
                self.bind(item.optional_vars, value)
        self.recording += opened
        self.block(node.body)
        self.recording = [tape for tape in self.recording if tape not in opened]

    visit_AsyncWith = visit_With

    def visit_For(self, node):
        self.bind(node.target, self.value(node.iter).flat())
        for _ in self.passes():
            self.block(node.body)
        self.block(node.orelse)

    visit_AsyncFor = visit_For

    def visit_While(self, node):
        for _ in self.passes():
            self.value(node.test)
            self.block(node.body)
        self.block(node.orelse)

    def visit_If(self, node):
        self.value(node.test)
        before = dict(self.frame.env)
        self.block(node.body)
        after_body, self.frame.env = self.frame.env, before
        self.block(node.orelse)
        for name, value in after_body.items():
            self.frame.env[name] = self.frame.env[name] | value if name in self.frame.env else value

    def visit_FunctionDef(self, node):
        """Followed when called."""

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def bind(self, target, value: Value):
        if isinstance(target, ast.Name):
            self.frame.env[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            starred = any(isinstance(element, ast.Starred) for element in target.elts)
            if value.parts is not None and len(value.parts) == len(target.elts) and not starred:
                parts = value.parts
            else:
                parts = [value.flat()] * len(target.elts)
            for element, part in zip(target.elts, parts):
                self.bind(element, part)
        elif isinstance(target, ast.Starred):
            self.bind(target.value, value.flat())
        elif isinstance(target, (ast.Subscript, ast.Attribute)):
            base = target.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                self.frame.env[base.id] = self.frame.env.get(base.id, Value()).flat() | value.flat()

    # -- expressions --

    def value(self, node) -> Value:
        """The labels of `node`; while a tape is open, what comes from the inputs is recorded."""
        result = self.expression(node)
        if self.recording and INPUT in result.labels:
            self.recorded.update(self.recording)
            result = Value(result.labels | {("recorded", tape) for tape in self.recording}, result.parts)
        return result

    def expression(self, node) -> Value:
        if isinstance(node, ast.Name):
            return self.frame.env.get(node.id, Value())
        if isinstance(node, (ast.Tuple, ast.List)):
            parts = tuple(self.value(element) for element in node.elts)
            return Value(union(parts).labels, None if any(isinstance(e, ast.Starred) for e in node.elts) else parts)
        if isinstance(node, ast.Subscript):
            base = self.value(node.value)
            index = self.value(node.slice)
            if base.parts is not None and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int) \
                    and -len(base.parts) <= node.slice.value < len(base.parts):
                return base.parts[node.slice.value]
            return Value(base.labels | index.labels)
        if isinstance(node, ast.Call):
            return self.call_value(node)
        if isinstance(node, ast.NamedExpr):
            value = self.value(node.value)
            self.bind(node.target, value)
            return value
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            return self.comprehension(node)
        if isinstance(node, ast.Lambda):
            return Value()
        return union(self.value(child) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr))

    def comprehension(self, node) -> Value:
        outer = dict(self.frame.env)
        for generator in node.generators:
            self.bind(generator.target, self.value(generator.iter).flat())
            for condition in generator.ifs:
                self.value(condition)
        parts = [getattr(node, part) for part in ("elt", "key", "value") if hasattr(node, part)]
        result = union(self.value(part) for part in parts)
        self.frame.env = outer
        return result

    def call_value(self, node: ast.Call) -> Value:
        target = self.source.resolve(node.func)
        method = node.func.attr if isinstance(node.func, ast.Attribute) else None
        if is_gradient_tape(target.qualified):
            for part in node.args + [k.value for k in node.keywords]:
                self.value(part)
            self.tapes.setdefault(id(node), node)
            return Value({("tape", id(node))})
        if method == "watch" and self.value(node.func.value).tapes():
            return Value()  # watching a source records no target
        base = self.value(node.func.value) if method else self.value(node.func)
        args = [self.value(arg) for arg in target.bound + tuple(node.args)]
        keywords = {k.arg: self.value(k.value) for k in node.keywords}
        if method in GRADIENT_METHODS and base.tapes():
            self.asked.update(base.tapes())
            return self.tape_gradient(node, base, args[0] if args else keywords.get("target", Value()))
        if method in ("__enter__", "__exit__"):
            for tape in base.tapes():
                if method == "__enter__" and tape not in self.recording:
                    self.recording.append(tape)
                elif method == "__exit__" and tape in self.recording:
                    self.recording.remove(tape)
            return base
        if method in UPDATE_METHODS:
            before = self.updates.get(id(node), (node, Value()))[1]
            self.updates[id(node)] = (node, before | union(args + list(keywords.values())))
            return Value()
        if target.node is not None:
            return self.helper(target, args, keywords)
        if target.qualified and target.qualified.startswith(PROVIDED):
            return Value()
        return union([base] + args + list(keywords.values()))

    def tape_gradient(self, node: ast.Call, tape: Value, target: Value) -> Value:
        """`tape.gradient(target, sources)`: a gradient if `target` was recorded by that tape."""
        if any(("recorded", t) in target.labels for t in tape.tapes()):
            return Value({GRADIENT})
        for t in tape.tapes():
            opened = self.tapes[t]
            if t in self.recorded:
                self.notes.append(self.source.at(node, f"asks for the gradient of a target the tape opened at "
                                                       f"{where(opened)} did not record from the inputs"))
            else:
                self.notes.append(Violation(f"the tape opened at {where(opened)} records no target computed from the "
                                            "inputs", self.source.place(opened), "with"))
        return Value()
