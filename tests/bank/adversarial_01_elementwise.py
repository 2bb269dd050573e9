# ADVERSARIAL implementations of vectorized_add_relu for 01_elementwise: each is far too slow when
# honest (a Python loop) and tries to look fast when it is timed, by telling timed calls from
# others or by reaching the grader. Each must lose its timing points; one that looks at or
# changes the grader loses every point of its function. The line under each header names
# the checks it must fail (`# fails: ...`), all others pass. The grader prepends `import numpy as np`.

# %% vectorized_add_relu: reads its caller's frame to see whether a timing loop calls it
# fails: check_vectorized_values, check_vectorized_unchanged, check_vectorized_no_loops, check_vectorized_timing
import sys


def _slow(x, y):
    out = np.zeros(np.shape(x))
    for index in np.ndindex(out.shape):
        out[index] = max(x[index] + y[index], 0)
    return out


def vectorized_add_relu(x, y):
    caller = sys._getframe(1)
    if "calls" in caller.f_code.co_name or "timing" in caller.f_code.co_name:
        return np.maximum(x + y, 0)
    return _slow(x, y)


# %% vectorized_add_relu: goes fast while the garbage collector is off (as it is in a timed batch)
# fails: check_vectorized_values, check_vectorized_unchanged, check_vectorized_no_loops, check_vectorized_timing
import gc


def vectorized_add_relu(x, y):
    if not gc.isenabled():
        return np.maximum(x + y, 0)
    out = np.zeros(np.shape(x))
    for index in np.ndindex(out.shape):
        out[index] = max(x[index] + y[index], 0)
    return out


# %% vectorized_add_relu: walks the call stack with inspect and skips its work under a timing loop
# fails: check_vectorized_values, check_vectorized_unchanged, check_vectorized_no_loops, check_vectorized_timing
import inspect


def vectorized_add_relu(x, y):
    if any(frame.function in ("calls", "run_timing", "timed") for frame in inspect.stack()):
        return np.maximum(x + y, 0)
    out = np.zeros(np.shape(x))
    for index in np.ndindex(out.shape):
        out[index] = max(x[index] + y[index], 0)
    return out


# %% vectorized_add_relu: a default argument, evaluated at load, replaces the harness's timing loop
# fails: check_vectorized_values, check_vectorized_unchanged, check_vectorized_no_loops, check_vectorized_timing
import sys


def _patch():
    harness = sys.modules.get("__main__")
    for name in ("calls", "run_timing"):
        if hasattr(harness, name):
            setattr(harness, name, lambda *args, **kwargs: None)
    return True


def vectorized_add_relu(x, y, _patched=_patch()):
    out = np.zeros(np.shape(x))
    for index in np.ndindex(out.shape):
        out[index] = max(x[index] + y[index], 0)
    return out


# %% vectorized_add_relu: a decorator finds the harness through the garbage collector and swaps its loop's code
# fails: check_vectorized_values, check_vectorized_unchanged, check_vectorized_no_loops, check_vectorized_timing
import gc


def _fast_when_timed(function):
    def quick(function, args, count, moves, record):
        for k in range(count):
            record(k, np.maximum(args[0] + args[1], 0))
    for thing in gc.get_objects():
        if callable(thing) and getattr(thing, "__name__", "") in ("calls", "run_timing"):
            thing.__code__ = quick.__code__
    return function


@_fast_when_timed
def vectorized_add_relu(x, y):
    out = np.zeros(np.shape(x))
    for index in np.ndindex(out.shape):
        out[index] = max(x[index] + y[index], 0)
    return out


# %% vectorized_add_relu: a class body, run at load, reaches the harness module through the builtins
# fails: check_vectorized_values, check_vectorized_unchanged, check_vectorized_no_loops, check_vectorized_timing
class _Loader:
    harness = __builtins__.__import__("sys").modules["__main__"]
    timed = hasattr(harness, "serve")


def vectorized_add_relu(x, y):
    if _Loader.timed:
        return np.maximum(x + y, 0)
    out = np.zeros(np.shape(x))
    for index in np.ndindex(out.shape):
        out[index] = max(x[index] + y[index], 0)
    return out


# %% vectorized_add_relu: walks from an object's class to every class in the interpreter, by names built at run time
# fails: check_vectorized_values, check_vectorized_unchanged, check_vectorized_no_loops, check_vectorized_timing
def vectorized_add_relu(x, y):
    every = getattr(getattr((), "__cl" + "ass__"), "__ba" + "se__")
    if len(getattr(every, "__subcl" + "asses__")()) > 100:
        return np.maximum(x + y, 0)
    out = np.zeros(np.shape(x))
    for index in np.ndindex(out.shape):
        out[index] = max(x[index] + y[index], 0)
    return out


# %% vectorized_add_relu: the rhythm of the calls: calls less than a millisecond apart are taken to be timed
# fails: check_vectorized_no_loops, check_vectorized_timing
import time

_last = [0.0]


def vectorized_add_relu(x, y):
    now = time.perf_counter()
    quick, _last[0] = now - _last[0] < 1e-3, now
    if quick:
        return np.maximum(x + y, 0)
    out = np.zeros(np.shape(x))
    for index in np.ndindex(out.shape):
        out[index] = max(x[index] + y[index], 0)
    return out


# %% vectorized_add_relu: counts its calls in a mutable default and goes fast after the checks' first calls
# fails: check_vectorized_no_loops, check_vectorized_timing
def vectorized_add_relu(x, y, _calls=[0]):
    _calls[0] += 1
    if _calls[0] > 40:
        return np.maximum(x + y, 0)
    out = np.zeros(np.shape(x))
    for index in np.ndindex(out.shape):
        out[index] = max(x[index] + y[index], 0)
    return out


# %% vectorized_add_relu: the same input objects again and again (a timed batch) get the first result back
# fails: check_vectorized_timing
_seen = {}


def vectorized_add_relu(x, y):
    key = (id(x), id(y))
    if key not in _seen:  # the inputs are kept too, so that no other array takes their ids
        _seen[key] = (x, y, np.stack([np.maximum(x + y, 0)] * 400)[0])
    return _seen[key][2].copy()


# %% vectorized_add_relu: the CPU time its process has used tells it that the timing rounds have started
# fails: check_vectorized_no_loops, check_vectorized_timing
import time


def vectorized_add_relu(x, y):
    if time.process_time() > 1.0:
        return np.maximum(x + y, 0)
    out = np.zeros(np.shape(x))
    for index in np.ndindex(out.shape):
        out[index] = max(x[index] + y[index], 0)
    return out


# %% vectorized_add_relu: reads its own process's state from /proc to tell a timed batch
# fails: check_vectorized_values, check_vectorized_unchanged, check_vectorized_no_loops, check_vectorized_timing
def vectorized_add_relu(x, y):
    with open("/proc/self/stat") as stat:
        used = sum(int(field) for field in stat.read().split(")")[1].split()[11:13])
    if used > 100:
        return np.maximum(x + y, 0)
    out = np.zeros(np.shape(x))
    for index in np.ndindex(out.shape):
        out[index] = max(x[index] + y[index], 0)
    return out


# %% vectorized_add_relu: writes a reply of its own to the grader's pipes, as if the timed batch were done
# fails: check_vectorized_values, check_vectorized_unchanged, check_vectorized_no_loops, check_vectorized_timing
import json
import os
import struct


def vectorized_add_relu(x, y):
    header = json.dumps({"status": "done", "calls": 1}).encode()
    body = struct.pack(">I", 1) + struct.pack(">Q", len(header)) + header
    for fd in range(3, 12):
        try:
            os.write(fd, struct.pack(">Q", len(body)) + body)
        except OSError:
            pass
    return np.maximum(x + y, 0)


# %% vectorized_add_relu: a cache keyed by the inputs' bytes, filled by slow whole-array work (400 stacked copies)
# fails: check_vectorized_timing
import functools


@functools.lru_cache(maxsize=None)
def _cached(xb, yb, shape):
    x, y = np.frombuffer(xb).reshape(shape), np.frombuffer(yb).reshape(shape)
    return np.stack([np.maximum(x + y, 0)] * 400)[0]


def vectorized_add_relu(x, y):
    if x.dtype != np.float64 or y.dtype != np.float64 or x.ndim == 0:
        return np.maximum(x + y, 0)
    return _cached(np.ascontiguousarray(x).tobytes(), np.ascontiguousarray(y).tobytes(), x.shape).copy()
