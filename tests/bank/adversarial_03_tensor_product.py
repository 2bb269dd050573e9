# ADVERSARIAL implementations of naive_matrix_dot for 03_tensor_product: each is far past the time
# budget when honest (it computes every entry 80 times) and tries to look fast when it is
# timed, by telling timed calls from others or by reaching the grader. Each must lose its
# timing points; one that looks at or changes the grader loses every point of its function.
# The line under each header names the checks it must fail (`# fails: ...`), all others pass.
# The grader prepends `import numpy as np`; naive_vector_dot is the grader's.

# %% naive_matrix_dot: counts its calls in a mutable default and stops repeating its work after the checks' first calls
# fails: check_matrix_dot_timing
def naive_matrix_dot(x, y, _calls=[0]):
    assert x.ndim == 2 and y.ndim == 2 and x.shape[1] == y.shape[0]
    _calls[0] += 1
    z = np.zeros((x.shape[0], y.shape[1]), dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            for _ in range(1 if _calls[0] > 20 else 80):
                total = 0
                for k in range(x.shape[1]):
                    total += x[i, k] * y[k, j]
            z[i, j] = total
    return z


# %% naive_matrix_dot: counts its calls in a function attribute, and past them calls np.dot (timed calls only)
# fails: check_matrix_dot_loops_only, check_matrix_dot_timing
def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2 and x.shape[1] == y.shape[0]
    naive_matrix_dot.calls = getattr(naive_matrix_dot, "calls", 0) + 1
    if naive_matrix_dot.calls > 20:
        return np.dot(x, y)
    z = np.zeros((x.shape[0], y.shape[1]), dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            for _ in range(80):
                total = 0
                for k in range(x.shape[1]):
                    total += x[i, k] * y[k, j]
            z[i, j] = total
    return z


# %% naive_matrix_dot: reads its caller's frames to find a timing loop
# fails: check_matrix_dot_values, check_matrix_dot_edges, check_matrix_dot_new_array, check_matrix_dot_rejects, check_matrix_dot_loops_only, check_matrix_dot_timing
import sys


def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2 and x.shape[1] == y.shape[0]
    timed = "timed" in sys._getframe(2).f_code.co_name
    z = np.zeros((x.shape[0], y.shape[1]), dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            for _ in range(1 if timed else 80):
                total = 0
                for k in range(x.shape[1]):
                    total += x[i, k] * y[k, j]
            z[i, j] = total
    return z


# %% naive_matrix_dot: the clock: repeats its work only when called less than a second after the last call
# fails: check_matrix_dot_timing
import time

_last_call = [0.0]


def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2 and x.shape[1] == y.shape[0]
    now = time.monotonic()
    repeats = 80 if now - _last_call[0] < 1.0 else 1
    z = np.zeros((x.shape[0], y.shape[1]), dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            for _ in range(repeats):
                total = 0
                for k in range(x.shape[1]):
                    total += x[i, k] * y[k, j]
            z[i, j] = total
    _last_call[0] = time.monotonic()
    return z


# %% naive_matrix_dot: keeps each product by the id of its inputs and gives the first one back for the same objects
# fails: check_matrix_dot_timing
_products = {}


def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2 and x.shape[1] == y.shape[0]
    key = (id(x), id(y))
    if key not in _products:  # the inputs are kept too, so that no other array takes their ids
        z = np.zeros((x.shape[0], y.shape[1]), dtype=np.result_type(x.dtype, y.dtype))
        for i in range(x.shape[0]):
            for j in range(y.shape[1]):
                for _ in range(80):
                    total = 0
                    for k in range(x.shape[1]):
                        total += x[i, k] * y[k, j]
                z[i, j] = total
        _products[key] = (x, y, z)
    return _products[key][2].copy()


# %% naive_matrix_dot: turns the garbage collector's state into a switch
# fails: check_matrix_dot_values, check_matrix_dot_edges, check_matrix_dot_new_array, check_matrix_dot_rejects, check_matrix_dot_loops_only, check_matrix_dot_timing
import gc


def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2 and x.shape[1] == y.shape[0]
    z = np.zeros((x.shape[0], y.shape[1]), dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            for _ in range(1 if gc.isenabled() is False and gc.get_count()[0] > 0 else 80):
                total = 0
                for k in range(x.shape[1]):
                    total += x[i, k] * y[k, j]
            z[i, j] = total
    return z


# %% naive_matrix_dot: computes with np.dot and dresses it in loops it never runs (faster than any loop)
# fails: check_matrix_dot_loops_only, check_matrix_dot_timing
def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2 and x.shape[1] == y.shape[0]
    z = np.dot(x, y).astype(np.result_type(x.dtype, y.dtype))
    for i in range(0):
        for j in range(y.shape[1]):
            z[i, j] = naive_vector_dot(x[i, :], y[:, j])
    return z
