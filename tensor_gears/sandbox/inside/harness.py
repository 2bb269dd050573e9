"""The untrusted side: runs a student's definitions in a check child, one request at a time.

It runs in the box, by path: `python -I -S /sandbox/code/harness.py <site-packages> <fd in>
<fd out>` (isolated flags, no `site` processing, so no `.pth` file puts the grader's package
on the path), or forked from a check template (forkserver.py), which imports it. It imports
nothing from the grader's package and never receives checks, expected values or reference
answers: only the inputs of each call (and, where the contract says a graded function may
call another one, the grader's version of that callee). Replies are plain data (protocol.py).

Requests, each answered with its nonce: `load` (the student's statements), `call`, `collect`
(the garbage collector runs only then: it is off whenever student code runs), `exit`.

Every call of a student's function goes through `calls()`, a check's call and a timed one
alike: the same frames, the same interpreter state. A check's call returns everything about
its one result; a timed call (one, or a batch of many, each on inputs moved by the grader's
plan) returns only the checksum of each result (protocol.checksum), which the grader compares
with its own. What the student's code could reach by name of this code is hidden once it
starts (`hide`).
"""

import builtins
import gc
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from protocol import HARNESS_NAME, checksum, name_process, npy_bytes, npy_load, read_frame, write_frame  # noqa: E402

MAX_ITEMS = 4096
MAX_TEXT = 400
BOX_MODULES = ("protocol", "harness", "forkserver")
NO_MOVES = ((), (), None)  # a check's call: its inputs as they came


# ---- values: decoding the inputs, encoding what the student's code gives back -------------

def type_name(value) -> str:
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}".replace("builtins.", "")


def short(text) -> str:
    text = str(text)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "..."


def apply_view(array, steps):
    """Turn a fresh array into a non-contiguous view: transposes and strided slices."""
    for step in steps:
        if step == "T":
            array = array.T
        else:
            array = array[tuple(slice(*bounds) for bounds in step)]
    return array


def gradient_function(name, params):
    """The functions `gradient_of` is tested on; the grader knows their derivatives."""
    import tensorflow as tf

    offset = params.get("offset", 0.0)  # moves the value, not the gradient
    if name == "polynomial":
        return lambda t: sum(c * t ** k for k, c in enumerate(params["coefficients"])) + offset
    if name == "sin_plus_square":
        return lambda t: tf.reduce_sum(params["a"] * tf.sin(t) + params["b"] * t * t + offset)
    if name == "exp_mean":
        return lambda t: tf.reduce_mean(tf.exp(params["a"] * t) + offset)
    raise ValueError(f"unknown function {name}")


def decode(spec, blobs):
    kind = spec["kind"]
    if kind == "ndarray":
        return apply_view(npy_load(blobs[spec["blob"]]), spec.get("view", []))
    if kind == "python":
        return spec["value"]
    if kind in ("tuple", "list"):
        items = [decode(item, blobs) for item in spec["items"]]
        return tuple(items) if kind == "tuple" else items
    import tensorflow as tf

    if kind == "tf_variable":
        return tf.Variable(npy_load(blobs[spec["blob"]]), trainable=spec["trainable"])
    if kind == "tf_constant":
        return tf.constant(npy_load(blobs[spec["blob"]]))
    if kind == "tf_function":
        return gradient_function(spec["name"], spec["params"])
    raise ValueError(f"unknown input kind {kind}")


def encode(value, blobs, depth=0):
    """Describe a value as plain data; arrays travel as `.npy` bytes, never as pickles."""
    numpy = sys.modules["numpy"]
    if type(value) is numpy.ndarray:
        if value.dtype.hasobject or value.dtype.fields is not None:
            return {"kind": "other", "type": f"numpy.ndarray of dtype {value.dtype}"}
        blobs.append(npy_bytes(value))
        return {"kind": "ndarray", "blob": len(blobs) - 1, "writeable": bool(value.flags.writeable)}
    if isinstance(value, numpy.generic) and not isinstance(value, numpy.object_):
        blobs.append(npy_bytes(numpy.asarray(value)))
        return {"kind": "numpy_scalar", "blob": len(blobs) - 1, "type": type_name(value)}
    if type(value) in (bool, int, float, str, type(None)):
        if type(value) is int and abs(value) > 1 << 62:
            return {"kind": "other", "type": "int (too large)"}
        plain = value if type(value) is not str else short(value)
        return {"kind": "python", "type": type(value).__name__, "value": plain}
    if type(value) in (list, tuple) and depth < 3:
        if len(value) > MAX_ITEMS:
            return {"kind": "other", "type": f"{type(value).__name__} of {len(value)} items (too many)"}
        return {"kind": type(value).__name__, "items": [encode(item, blobs, depth + 1) for item in value]}
    tf = sys.modules.get("tensorflow")
    if tf is not None and isinstance(value, (tf.Variable, tf.Tensor)):
        data = numpy.asarray(value.numpy())
        if type(data) is numpy.ndarray and not data.dtype.hasobject:
            blobs.append(npy_bytes(data))
            kind = "tf_variable" if isinstance(value, tf.Variable) else "tf_tensor"
            return {"kind": kind, "blob": len(blobs) - 1, "type": type_name(value)}
    return {"kind": "other", "type": type_name(value)}


def memory_root(array):
    while isinstance(getattr(array, "base", None), sys.modules["numpy"].ndarray):
        array = array.base
    return array


def sharing(result, args):
    """For each array in the result (or in a list/tuple result): which array args it views."""
    numpy = sys.modules["numpy"]
    items = result if type(result) in (list, tuple) else [result]
    report = []
    for item in items[:MAX_ITEMS]:
        if not isinstance(item, numpy.ndarray):
            report.append(None)
            continue
        report.append([
            {"shares_memory": bool(numpy.shares_memory(item, arg)), "view_of": memory_root(item) is memory_root(arg)}
            if isinstance(arg, numpy.ndarray) else None
            for arg in args
        ])
    return report


def raised(error: BaseException) -> dict:
    return {
        "status": "raised",
        "type": type_name(error),
        "assertion_or_value_error": isinstance(error, (AssertionError, ValueError)),
        "value_error": isinstance(error, ValueError),
        "message": short(error),
    }


# ---- calling the student's code -----------------------------------------------------------

def calls(function, args, count, moves, record):
    """The one place a student's function is called: `count` calls of `function(*args)`, a
    check's (one) or a timed batch. Before call k of a batch, each input array of `moves` is
    put back as it came (whatever the last call did to it) and its element `index[k]` moved by
    `deltas[k]`: each call gets new inputs, known to the grader. `record(k, result)` keeps what
    the grader asked for."""
    index, moved, copyto = moves
    for k in range(count):
        for array, original, deltas in moved:
            copyto(array, original)
            array.flat[index[k]] += deltas[k]
        record(k, function(*args))


def dry_calls(stand_in, count, moves, record):
    """`calls` without calling: what moving the inputs and recording a result cost (the grader subtracts it)."""
    index, moved, copyto = moves
    for k in range(count):
        for array, original, deltas in moved:
            copyto(array, original)
            array.flat[index[k]] += deltas[k]
        record(k, stand_in)


class Session:
    def __init__(self):
        self.namespace = {"__name__": "__main__", "__builtins__": builtins}
        self.counts = {}

    def load(self, header, blobs):
        errors = []
        for statement in header["statements"]:
            try:
                exec(compile(statement["code"], statement["where"], "exec"), self.namespace)
            except BaseException as error:  # noqa: B036 - the student's code may raise anything
                errors.append(f"{statement['where']}: {type(error).__name__}: {short(error)}")
        for name, code in header.get("callees", {}).items():
            self.namespace[name] = self.counting(name, code)
        return {"status": "ok", "errors": errors}, []

    def counting(self, name, code):
        reference = {"__name__": "grader_reference", "__builtins__": builtins}
        exec(compile(code, f"<grader's {name}>", "exec"), reference)
        function = reference[name]

        def counted(*args, **kwargs):
            self.counts[name] = self.counts.get(name, 0) + 1
            return function(*args, **kwargs)

        counted.__name__ = name
        return counted

    def function(self, name):
        value = self.namespace.get(name)
        if value is None:
            return None, {"status": "missing"}
        if not callable(value):
            return None, {"status": "not_callable", "type": type_name(value)}
        return value, None

    def call(self, header, blobs):
        """A check's call (everything about its result), or timed calls (`repeat`: checksums only)."""
        function, problem = self.function(header["function"])
        if problem:
            return problem, []
        args = [decode(spec, blobs) for spec in header["args"]]
        repeat = header.get("repeat")
        self.counts = {}
        if repeat is None:
            kept = []
            try:
                calls(function, args, 1, NO_MOVES, lambda k, result: kept.append(result))
            except BaseException as error:  # noqa: B036
                reply, out = raised(error), []
            else:
                out = []
                reply = {"status": "returned", "result": encode(kept[0], out), "sharing": sharing(kept[0], args)}
            reply["args_after"] = [encode(arg, out) for arg in args]
            reply["calls"] = dict(self.counts)
            return reply, out
        return self.timed(function, args, repeat, blobs)

    def timed(self, function, args, repeat, blobs):
        """Timed calls: the checksum of every result, NaN where it is not a plain array of the expected shape."""
        numpy = sys.modules["numpy"]
        count, weights = int(repeat["calls"]), npy_load(blobs[repeat["weights"]])
        sums = numpy.full(count, math.nan)
        moves = NO_MOVES
        if "index" in repeat:
            index = npy_load(blobs[repeat["index"]]).tolist()
            deltas = npy_load(blobs[repeat["deltas"]])
            moves = (index, [(args[position], args[position].copy(), deltas[:, column].tolist())
                             for column, position in enumerate(repeat["moved"])], numpy.copyto)

        def record(k, result):
            sums[k] = checksum(result, weights)

        try:
            if repeat.get("dry"):
                dry_calls(numpy.zeros(weights.shape), count, moves, record)
            else:
                calls(function, args, count, moves, record)
        except BaseException as error:  # noqa: B036
            reply = raised(error)
            reply["call"] = int(numpy.count_nonzero(~numpy.isnan(sums)))
            return reply, []
        return {"status": "done", "calls": count}, [npy_bytes(sums)]


def hide() -> None:
    """Take the box's own modules out of reach by name: `import __main__`, `sys.modules` and
    `sys.path` lead nowhere (the graded code may not look for them anyway: source_rules)."""
    sys.modules["__main__"] = type(sys)("__main__")
    for name in BOX_MODULES:
        sys.modules.pop(name, None)
    while HERE in sys.path:
        sys.path.remove(HERE)


def serve(fd_in: int, fd_out: int) -> None:
    """Answer requests until the grader closes the pipe; every reply carries its request's nonce."""
    name_process(HARNESS_NAME)
    hide()
    gc.collect()
    gc.disable()
    session = Session()
    handlers = {"load": session.load, "call": session.call}
    while True:
        header, blobs = read_frame(fd_in)
        op = header.get("op")
        if op in handlers:
            reply, out = handlers[op](header, blobs)
        elif op == "collect":
            gc.collect()
            reply, out = {"status": "collected"}, []
        elif op == "exit":
            os._exit(0)
        else:
            reply, out = {"status": "error", "message": f"unknown op {op}"}, []
        reply["nonce"] = header.get("nonce")
        write_frame(fd_out, reply, out)


def main():
    site_packages, fd_in, fd_out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    sys.path.append(site_packages)
    sys.argv = [""]
    import numpy  # noqa: F401 - loaded before student code, used by encode()

    try:
        serve(fd_in, fd_out)
    except EOFError:
        os._exit(0)


if __name__ == "__main__":
    main()
