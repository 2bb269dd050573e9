"""The untrusted side: runs a student's definitions in a child process, one request at a time.

`process.py` starts it as `python -I -S -c <the text of this file> <site-packages> <fd in> <fd out>`:
isolated flags, no `site` processing (so no `.pth` file puts the grader's package on the
path), and a private working directory. It imports nothing from the grader's package and
never receives checks, expected values or reference answers, only the inputs of each call
(and, where the contract says a graded function may call another one, the grader's
version of that callee). Replies are plain data: JSON headers and `.npy` bytes.

The parent imports this module too, for the framing and `.npy` helpers, so both sides
speak the same protocol.
"""

import builtins
import gc
import io
import json
import os
import struct
import sys

MAX_HEADER = 1 << 20
MAX_BLOB = 64 << 20
MAX_BLOBS = 4096
MAX_ITEMS = 4096
MAX_TEXT = 400
PERTURBATION = 0.5  # what each timed call adds to one element of each float input (see timing.py)


# ---- framing, shared with the parent ------------------------------------------------------

def frame_bytes(header, blobs=()):
    """One frame: a JSON header and binary blobs, all length-prefixed."""
    parts = [json.dumps(header).encode()]
    parts += list(blobs)
    body = struct.pack(">I", len(parts)) + b"".join(struct.pack(">Q", len(p)) + p for p in parts)
    return struct.pack(">Q", len(body)) + body


def write_frame(fd, header, blobs=()):
    view = memoryview(frame_bytes(header, blobs))
    while view:
        view = view[os.write(fd, view):]


def parse_frame(body):
    """Split a frame body into (header, blobs), enforcing the size limits."""
    (count,) = struct.unpack_from(">I", body, 0)
    if not 1 <= count <= MAX_BLOBS + 1:
        raise ValueError("bad frame: part count")
    offset, parts = 4, []
    for _ in range(count):
        (size,) = struct.unpack_from(">Q", body, offset)
        offset += 8
        if size > MAX_BLOB or offset + size > len(body):
            raise ValueError("bad frame: part size")
        parts.append(bytes(body[offset:offset + size]))
        offset += size
    if offset != len(body) or len(parts[0]) > MAX_HEADER:
        raise ValueError("bad frame: trailing bytes or header too large")
    header = json.loads(parts[0].decode())
    if not isinstance(header, dict):
        raise ValueError("bad frame: header is not an object")
    return header, parts[1:]


def read_exactly(fd, size):
    chunks, missing = [], size
    while missing:
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def read_frame(fd):
    (size,) = struct.unpack(">Q", read_exactly(fd, 8))
    if size > MAX_BLOB * 4:
        raise ValueError("bad frame: too large")
    return parse_frame(read_exactly(fd, size))


def npy_bytes(array):
    import numpy

    buffer = io.BytesIO()
    numpy.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def npy_load(data):
    import numpy

    return numpy.load(io.BytesIO(data), allow_pickle=False)


# ---- values: decoding the inputs, encoding what the student's code gives back -------------

def type_name(value):
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}".replace("builtins.", "")


def short(text):
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
    """The functions `gradient_of` is tested on; the parent knows their derivatives."""
    import tensorflow as tf

    if name == "polynomial":
        return lambda t: sum(c * t ** k for k, c in enumerate(params["coefficients"]))
    if name == "sin_plus_square":
        return lambda t: tf.reduce_sum(params["a"] * tf.sin(t) + params["b"] * t * t)
    if name == "exp_mean":
        return lambda t: tf.reduce_mean(tf.exp(params["a"] * t))
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
        return {"kind": "python", "type": type(value).__name__, "value": value if type(value) is not str else short(value)}
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


# ---- the student's namespace ------------------------------------------------------------

class Session:
    def __init__(self):
        self.namespace = {"__name__": "__main__", "__builtins__": builtins}
        self.counts = {}
        self.timed = None

    def load(self, header, blobs):
        errors = []
        for statement in header["statements"]:
            try:
                exec(compile(statement["code"], statement["where"], "exec"), self.namespace)
            except BaseException as error:  # noqa: B036 - the student's code may raise anything
                errors.append(f"{statement['where']}: {type(error).__name__}: {short(error)}")
        for name, code in header.get("callees", {}).items():
            self.namespace[name] = self.counting(name, code)
        return {"status": "ok", "errors": errors}

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
        function, problem = self.function(header["function"])
        if problem:
            return problem, []
        args = [decode(spec, blobs) for spec in header["args"]]
        self.counts = {}
        out = []
        try:
            result = function(*args)
        except BaseException as error:  # noqa: B036
            reply = {
                "status": "raised",
                "type": type_name(error),
                "assertion_or_value_error": isinstance(error, (AssertionError, ValueError)),
                "value_error": isinstance(error, ValueError),
                "message": short(error),
            }
        else:
            reply = {"status": "returned", "result": encode(result, out), "sharing": sharing(result, args)}
        reply["args_after"] = [encode(arg, out) for arg in args]
        reply["calls"] = dict(self.counts)
        return reply, out

    def prepare_timing(self, header, blobs):
        """Take the inputs and make a warm-up call; then collect garbage and keep the
        collector off until the next request that is not a timed batch, so that no
        bookkeeping falls inside a batch the parent measures."""
        function, problem = self.function(header["function"])
        if problem:
            return problem
        args = [decode(spec, blobs) for spec in header["args"]]
        try:
            function(*args)
        except BaseException as error:  # noqa: B036
            return {"status": "raised", "type": type_name(error), "message": short(error)}
        numpy = sys.modules["numpy"]
        self.timed = (function, args)
        self.perturbed = [arg for arg in args if isinstance(arg, numpy.ndarray) and arg.dtype.kind == "f" and arg.size]
        self.step = 0
        gc.collect()
        gc.disable()
        return {"status": "ready"}

    def run_timing(self, header):
        """`calls` calls of the prepared function, each on new inputs: before each, one element
        of every float input moves by PERTURBATION (the next one each time, in order), so no
        call sees the contents of an earlier one. A dry batch only moves them (its cost is
        subtracted); 0 calls: an empty batch."""
        function, args = self.timed
        try:
            for _ in range(header["calls"]):
                for arg in self.perturbed:
                    arg.flat[self.step % arg.size] += PERTURBATION
                self.step += 1
                if not header.get("dry"):
                    function(*args)
        except BaseException as error:  # noqa: B036
            return {"status": "raised", "type": type_name(error), "message": short(error)}
        return {"status": "done"}

    def timed_result(self, header):
        """One more call on the inputs as the timed calls left them: those inputs, and the result."""
        function, args = self.timed
        out = []
        inputs = [encode(arg.copy() if isinstance(arg, sys.modules["numpy"].ndarray) else arg, out) for arg in args]
        try:
            return {"status": "returned", "result": encode(function(*args), out), "inputs": inputs}, out
        except BaseException as error:  # noqa: B036
            return {"status": "raised", "type": type_name(error), "message": short(error)}, out


def serve(fd_in, fd_out):
    session = Session()
    while True:
        header, blobs = read_frame(fd_in)
        op = header.get("op")
        out = []
        if op != "run_timing":
            gc.enable()
        if op == "load":
            reply = session.load(header, blobs)
        elif op == "call":
            reply, out = session.call(header, blobs)
        elif op == "prepare_timing":
            reply = session.prepare_timing(header, blobs)
        elif op == "run_timing":
            reply = session.run_timing(header)
        elif op == "timed_result":
            reply, out = session.timed_result(header)
        elif op == "exit":
            os._exit(0)
        else:
            reply = {"status": "error", "message": f"unknown op {op}"}
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
