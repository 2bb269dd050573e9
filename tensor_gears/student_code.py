"""The trusted side's handle on a student's code: calls run in child processes, results
come back as plain data and are validated before any check looks at them.

The functions of one notebook share a child that loads the student's definitions; where the
contract lets a function call another graded one, it runs in a child that also has the
grader's version of that callee. A crash, a hang or a broken reply costs the check that caused it (with a
clear message), never the grading run.
"""

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import CheckFailed, ChildError, ChildTimeout
from .sandbox.inside.protocol import npy_bytes, npy_load
from .sandbox.process import Child
from .submission import Submission

log = logging.getLogger("tensor_gears")

CALL_TIME_LIMIT = 10.0  # seconds, the default of `HiddenChecks.call_time_limit`
HANGS_BEFORE_GIVING_UP = 2
COLLECT_EVERY = 64  # requests to a child between two garbage collections (the child never collects by itself)


# ---- inputs -------------------------------------------------------------------------------

@dataclass
class View:
    """An array handed to the student as a non-contiguous view: `.T` steps and strided slices."""

    base: np.ndarray
    steps: list

    @property
    def array(self) -> np.ndarray:
        array = self.base
        for step in self.steps:
            array = array.T if step == "T" else array[tuple(slice(*bounds) for bounds in step)]
        return array


@dataclass
class TfVariable:
    value: np.ndarray
    trainable: bool = True


@dataclass
class TfConstant:
    value: np.ndarray


@dataclass
class GradientFunction:
    """A function `gradient_of` is tested on, built in the child from its name and parameters."""

    name: str
    params: dict


def encode_input(value, blobs: list) -> dict:
    if isinstance(value, View):
        blobs.append(npy_bytes(value.base))
        return {"kind": "ndarray", "blob": len(blobs) - 1, "view": value.steps}
    if isinstance(value, np.ndarray):
        blobs.append(npy_bytes(value))
        return {"kind": "ndarray", "blob": len(blobs) - 1}
    if isinstance(value, (TfVariable, TfConstant)):
        blobs.append(npy_bytes(value.value))
        if isinstance(value, TfVariable):
            return {"kind": "tf_variable", "blob": len(blobs) - 1, "trainable": value.trainable}
        return {"kind": "tf_constant", "blob": len(blobs) - 1}
    if isinstance(value, GradientFunction):
        return {"kind": "tf_function", "name": value.name, "params": value.params}
    if isinstance(value, (tuple, list)):
        return {"kind": type(value).__name__, "items": [encode_input(item, blobs) for item in value]}
    if type(value) in (bool, int, float, str, type(None)):
        return {"kind": "python", "value": value}
    raise TypeError(f"cannot send {type(value)} to the child")


# ---- results ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tensor:
    """A TensorFlow tensor or variable the student returned, as its values."""

    value: np.ndarray
    variable: bool


@dataclass(frozen=True)
class Other:
    """A value of a type the checks do not accept, known only by its type name."""

    type_name: str


def decode_result(spec: Any, blobs: list[bytes], depth: int = 0):
    """Turn the child's description of a value into trusted plain values, or raise ValueError."""
    if not isinstance(spec, dict) or depth > 4:
        raise ValueError("malformed value")
    kind = spec.get("kind")
    if kind == "ndarray":
        array = npy_load(blobs[spec["blob"]])
        if type(array) is not np.ndarray or array.dtype.hasobject:
            raise ValueError("not a plain array")
        return array
    if kind == "numpy_scalar":
        array = npy_load(blobs[spec["blob"]])
        if type(array) is not np.ndarray or array.shape != () or array.dtype.hasobject:
            raise ValueError("not a plain scalar")
        return array[()]
    if kind == "python":
        value = spec.get("value")
        if type(value).__name__ != spec.get("type") and not (spec.get("type") == "float" and type(value) is int):
            raise ValueError("mislabelled value")
        return float(value) if spec.get("type") == "float" else value
    if kind in ("tuple", "list"):
        items = [decode_result(item, blobs, depth + 1) for item in spec["items"]]
        return tuple(items) if kind == "tuple" else items
    if kind in ("tf_tensor", "tf_variable"):
        array = npy_load(blobs[spec["blob"]])
        if type(array) is not np.ndarray or array.dtype.hasobject:
            raise ValueError("not a plain tensor")
        return Tensor(array, kind == "tf_variable")
    if kind == "other":
        return Other(str(spec.get("type"))[:200])
    raise ValueError(f"unknown kind {kind!r}")


@dataclass
class Outcome:
    """What one call did: returned a value or raised; the inputs after the call; memory
    sharing between result arrays and array inputs; calls made to grader-provided callees."""

    value: Any = None
    raised: str | None = None
    raised_message: str = ""
    raised_assertion_or_value_error: bool = False
    raised_value_error: bool = False
    args_after: list = field(default_factory=list)
    sharing: list = field(default_factory=list)
    calls: dict = field(default_factory=dict)
    writeable: bool = False

    @property
    def returned(self) -> bool:
        return self.raised is None


# ---- the student's code, one child per notebook ---------------------------------------------

class StudentCode:
    """Calls into a submission's functions, in a child process of this submission's own.

    The functions share one child (one import of NumPy or TensorFlow per notebook), except
    where a function must not see a grader-provided callee that the others get. A child
    that crashed or was stopped is replaced by a fresh one on the next call."""

    def __init__(self, submission: Submission, callees: dict[str, str] | None = None,
                 call_time_limit: float = CALL_TIME_LIMIT):
        self.submission = submission
        self.callees = callees or {}
        self.call_time_limit = call_time_limit
        self.children: dict[tuple[str, ...], Child] = {}
        self.load_errors: dict[tuple[str, ...], list[str]] = {}
        self.hangs: dict[str, int] = {}
        self.requests: dict[tuple[str, ...], int] = {}

    def close(self):
        for child in self.children.values():
            child.close()
        self.children.clear()

    def callees_for(self, function: str) -> tuple[str, ...]:
        """The grader-provided callees `function` runs with (never itself)."""
        return tuple(sorted(name for name in self.callees if name != function))

    def child(self, function: str) -> Child:
        """The child that runs `function`, started and loaded on first use (again after a crash)."""
        key = self.callees_for(function)
        child = self.children.get(key)
        if child is not None and child.process.poll() is None:
            return child
        if child is not None:
            child.close()
        child = Child(tensorflow=self.submission.imports("tensorflow"))
        self.children[key] = child
        try:
            header, _ = child.request({"op": "load", "statements": self.submission.wire(),
                                       "callees": {name: self.callees[name] for name in key}}, timeout=60)
        except ChildError as error:
            child.close()
            said = describe_child_error(error)
            raise CheckFailed(f"loading your definitions for `{function}` failed: {said}") from None
        self.load_errors[key] = [str(e) for e in header.get("errors", [])][:5]
        return child

    def collect(self, function: str) -> None:
        """The garbage collection of `function`'s child, between requests (outside any timing)."""
        self.request(function, {"op": "collect"}, timeout=60)

    def request(self, function: str, header: dict, blobs=(), timeout=None, cpu_limit=None):
        if self.hangs.get(function, 0) >= HANGS_BEFORE_GIVING_UP:
            raise CheckFailed(f"not run: earlier calls of `{function}` ran past the time limit",
                              stopped="stopped at the time limit")
        key = self.callees_for(function)
        child = self.child(function)
        try:
            self.requests[key] = 0 if header["op"] == "collect" else self.requests.get(key, 0) + 1
            if self.requests[key] > COLLECT_EVERY:
                child.request({"op": "collect"}, timeout=60)
                self.requests[key] = 0
            return child.request(header, blobs, timeout=timeout or self.call_time_limit, cpu_limit=cpu_limit)
        except ChildTimeout:
            self.hangs[function] = self.hangs.get(function, 0) + 1
            raise
        except ChildError:
            child.close()
            raise

    def call(self, function: str, *args, label=None) -> Outcome:
        """Call `function(*args)` in its child, within the time limit; return what it did.
        `label`: how the check names the call (checks.support.Call), for its messages."""
        blobs: list[bytes] = []
        header = {"op": "call", "function": function, "args": [encode_input(arg, blobs) for arg in args]}
        where = str(label) if label else f"`{function}`"
        call = {"call": label.as_data()} if hasattr(label, "as_data") else {}
        try:
            reply, result_blobs = self.request(function, header, blobs)
        except ChildTimeout:
            limit = f"{self.call_time_limit:g} s"
            raise CheckFailed(f"{where} did not finish within {limit} and was stopped", **call,
                              stopped=f"stopped at the {limit} time limit") from None
        except ChildError as error:
            said = describe_child_error(error)
            raise CheckFailed(f"{where}: {said}", **call, stopped=stopped_how(said)) from None
        self.raise_if_unusable(function, reply)
        try:
            outcome = Outcome(
                args_after=[decode_result(spec, result_blobs) for spec in reply.get("args_after", [])],
                calls={str(k): int(v) for k, v in dict(reply.get("calls", {})).items()},
            )
            if reply.get("status") == "raised":
                outcome.raised = str(reply.get("type"))[:200]
                outcome.raised_message = str(reply.get("message", ""))[:400]
                outcome.raised_assertion_or_value_error = reply.get("assertion_or_value_error") is True
                outcome.raised_value_error = reply.get("value_error") is True
            else:
                outcome.value = decode_result(reply.get("result"), result_blobs)
                outcome.sharing = sharing(reply.get("sharing"))
                outcome.writeable = reply["result"].get("writeable") is True
        except (ValueError, KeyError, IndexError, TypeError) as error:
            raise CheckFailed(f"{where} gave back a value the grader cannot read ({error})", **call) from None
        return outcome

    def raise_if_unusable(self, function: str, reply: dict):
        status = reply.get("status")
        if status == "missing":
            reasons = self.submission.problems + self.load_errors.get(self.callees_for(function), [])
            hint = f" ({'; '.join(reasons)})" if reasons else " (it must be defined at the top level of a code cell)"
            raise CheckFailed(f"`{function}` is not defined in your notebook{hint}")
        if status == "not_callable":
            raise CheckFailed(f"`{function}` is not a function (it is a {reply.get('type')})")
        if status not in ("returned", "raised", "ready", "done"):
            raise CheckFailed(f"`{function}` could not be run")


def sharing(report) -> list:
    """Validated memory-sharing report: per result array, per input, (shares memory, view of)."""
    if not isinstance(report, list):
        return []
    cleaned = []
    for entry in report:
        if not isinstance(entry, list):
            cleaned.append(None)
            continue
        cleaned.append([
            (item.get("shares_memory") is True, item.get("view_of") is True) if isinstance(item, dict) else None
            for item in entry
        ])
    return cleaned


def describe_child_error(error: ChildError) -> str:
    return str(error) or "the process running your code failed"


def stopped_how(said: str) -> str:
    """What happened to the process, from what describe_child_error said: "killed by SIGKILL (out of memory?)"."""
    return said.removeprefix("the process running your code ").removeprefix("was ")
