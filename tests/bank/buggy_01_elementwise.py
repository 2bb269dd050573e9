# BUGGY implementations for 01_elementwise: each section has ONE mistake, named in its label; the line under
# its header names the checks that mistake must fail (`# fails: check_a, check_b`), all others pass.
# The grader prepends `import numpy as np` to every section.

# %% naive_relu: modifies its input in place (out = x, no copy)
# fails: check_naive_relu_new_array
def naive_relu(x):
    assert x.ndim == 2
    out = x
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = max(x[i, j], 0)
    return out


# %% naive_relu: np.zeros(x.shape) gives float64, not the input dtype, for int inputs
# fails: check_naive_relu_new_array
def naive_relu(x):
    assert x.ndim == 2
    out = np.zeros(x.shape)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = max(x[i, j], 0)
    return out


# %% naive_relu: off-by-one, the last column keeps its negative values
# fails: check_naive_relu_values, check_naive_relu_views, check_naive_relu_new_array, check_naive_relu_rejects, check_naive_relu_loops_only
def naive_relu(x):
    assert x.ndim == 2
    out = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1] - 1):
            out[i, j] = max(x[i, j], 0)
    return out


# %% naive_relu: no rank check, np.ndindex accepts 1-D and 3-D inputs without rejecting them
# fails: check_naive_relu_rejects
def naive_relu(x):
    out = x.copy()
    for index in np.ndindex(x.shape):
        out[index] = max(x[index], 0)
    return out


# %% naive_relu: row arithmetic x[i] * (x[i] > 0) instead of single elements (not loops only)
# fails: check_naive_relu_loops_only
def naive_relu(x):
    assert x.ndim == 2
    out = x.copy()
    for i in range(x.shape[0]):
        out[i] = x[i] * (x[i] > 0)
    return out


# %% naive_relu: whole-array NumPy maximum imported with from numpy import (not loops only)
# fails: check_naive_relu_loops_only
from numpy import maximum


def naive_relu(x):
    assert x.ndim == 2
    return maximum(x, 0)


# %% naive_relu: returns a nested Python list instead of an ndarray
# fails: check_naive_relu_values, check_naive_relu_views, check_naive_relu_new_array, check_naive_relu_rejects, check_naive_relu_loops_only
def naive_relu(x):
    assert x.ndim == 2
    return [[max(x[i, j], 0) for j in range(x.shape[1])] for i in range(x.shape[0])]


# %% naive_add: modifies x in place (out = x, then +=)
# fails: check_naive_add_new_array
def naive_add(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape == y.shape
    out = x
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] += y[i, j]
    return out


# %% naive_add: integer output array truncates float sums
# fails: check_naive_add_values, check_naive_add_views, check_naive_add_new_array, check_naive_add_rejects, check_naive_add_loops_only
def naive_add(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape == y.shape
    out = np.zeros(x.shape, dtype=int)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = x[i, j] + y[i, j]
    return out


# %% naive_add: swapped indices, reads y[j, i] instead of y[i, j]
# fails: check_naive_add_values, check_naive_add_views, check_naive_add_new_array, check_naive_add_rejects, check_naive_add_loops_only
def naive_add(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape == y.shape
    out = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = x[i, j] + y[j, i]
    return out


# %% naive_add: no shape-equality check, zip silently truncates mismatched shapes
# fails: check_naive_add_rejects
def naive_add(x, y):
    assert x.ndim == 2 and y.ndim == 2
    out = x.copy()
    for i, (row_x, row_y) in enumerate(zip(x, y)):
        for j, (a, b) in enumerate(zip(row_x, row_y)):
            out[i, j] = a + b
    return out


# %% naive_add: no rank check, np.ndindex adds equal-shape 1-D or 3-D inputs without rejecting
# fails: check_naive_add_rejects
def naive_add(x, y):
    assert x.shape == y.shape
    out = x.copy()
    for index in np.ndindex(x.shape):
        out[index] = x[index] + y[index]
    return out


# %% naive_add: row arithmetic x[i] + y[i] (not loops only)
# fails: check_naive_add_loops_only
def naive_add(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape == y.shape
    out = x.copy()
    for i in range(x.shape[0]):
        out[i] = x[i] + y[i]
    return out


# %% naive_add: whole-array np.add through an aliased numpy import (not loops only)
# fails: check_naive_add_loops_only
import numpy as xp


def naive_add(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape == y.shape
    return xp.add(x, y)


# %% vectorized_add_relu: Python loops over np.ndindex (correct values, but loops)
# fails: check_vectorized_no_loops, check_vectorized_timing
def vectorized_add_relu(x, y):
    out = np.zeros(x.shape, dtype=np.result_type(x.dtype, y.dtype))
    for index in np.ndindex(x.shape):
        out[index] = max(x[index] + y[index], 0)
    return out


# %% vectorized_add_relu: list comprehension over the flattened sum (a Python loop)
# fails: check_vectorized_no_loops, check_vectorized_timing
def vectorized_add_relu(x, y):
    total = x + y
    flat = [value if value > 0 else 0 for value in total.ravel()]
    return np.array(flat, dtype=total.dtype).reshape(total.shape)


# %% vectorized_add_relu: slow whole-array work (400 stacked copies), its result kept per input object (a cache by id)
# fails: check_vectorized_values, check_vectorized_unchanged, check_vectorized_no_loops, check_vectorized_timing
_results_by_id = {}


def vectorized_add_relu(x, y):
    key = (id(x), id(y))
    if key not in _results_by_id:
        _results_by_id[key] = np.stack([x + y, np.zeros_like(x + y)] * 400).max(axis=0)
    return _results_by_id[key]


# %% vectorized_add_relu: slow whole-array work (400 stacked copies), its result kept per input contents (a cache by value)
# fails: check_vectorized_timing
_results_by_value = {}


def vectorized_add_relu(x, y):
    key = (x.shape, x.dtype.str, y.dtype.str, x.tobytes(), y.tobytes())
    if key not in _results_by_value:
        _results_by_value[key] = np.stack([x + y, np.zeros_like(x + y)] * 400).max(axis=0)
    return _results_by_value[key].copy()


# %% vectorized_add_relu: adds in place into x (np.add with out=x)
# fails: check_vectorized_unchanged
def vectorized_add_relu(x, y):
    np.add(x, y, out=x)
    np.maximum(x, 0, out=x)
    return x


# %% vectorized_add_relu: relu(x) + relu(y) instead of relu(x + y)
# fails: check_vectorized_values, check_vectorized_unchanged, check_vectorized_no_loops, check_vectorized_timing
def vectorized_add_relu(x, y):
    return np.maximum(x, 0) + np.maximum(y, 0)


# %% vectorized_add_relu: returns a Python list (tolist) instead of an ndarray
# fails: check_vectorized_values, check_vectorized_unchanged, check_vectorized_no_loops, check_vectorized_timing
def vectorized_add_relu(x, y):
    return np.maximum(x + y, 0).tolist()


# %% vectorized_add_relu: flattens the result (ravel), wrong shape for 2-D and 3-D inputs
# fails: check_vectorized_values, check_vectorized_unchanged, check_vectorized_no_loops, check_vectorized_timing
def vectorized_add_relu(x, y):
    return np.maximum(x + y, 0).ravel()


# %% naive_relu: module-level lambda helper row_relu = lambda r: np.maximum(r, 0) on whole rows (not loops only)
# fails: check_naive_relu_loops_only
row_relu = lambda r: np.maximum(r, 0)  # noqa: E731


def naive_relu(x):
    assert x.ndim == 2
    out = x.copy()
    for i in range(x.shape[0]):
        out[i] = row_relu(x[i])
    return out


# %% naive_relu: local lambda helper computing r * (r > 0) on whole rows (not loops only)
# fails: check_naive_relu_loops_only
def naive_relu(x):
    assert x.ndim == 2
    relu_row = lambda r: r * (r > 0)  # noqa: E731
    out = x.copy()
    for i in range(x.shape[0]):
        out[i] = relu_row(x[i])
    return out


# %% naive_add: helper bound by assignment (helper = _row_sum) adds whole rows (not loops only)
# fails: check_naive_add_loops_only
def _row_sum(a, b):
    return a + b


helper = _row_sum


def naive_add(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape == y.shape
    out = x.copy()
    for i in range(x.shape[0]):
        out[i] = helper(x[i], y[i])
    return out


# %% naive_add: functools.partial of np.add applied to the whole arrays (not loops only)
# fails: check_naive_add_loops_only
import functools

_add = functools.partial(np.add)


def naive_add(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape == y.shape
    return _add(x, y)


# %% vectorized_add_relu: module-level lambda _loop builds the result with a comprehension (a Python loop)
# fails: check_vectorized_no_loops, check_vectorized_timing
_loop = lambda x, y: [max(a + b, 0) for a, b in zip(x.ravel(), y.ravel())]  # noqa: E731


def vectorized_add_relu(x, y):
    return np.array(_loop(x, y), dtype=np.result_type(x, y)).reshape(x.shape)


# %% vectorized_add_relu: loops in a forked grandchild process and reads its result back (work in another process still counts)
# fails: check_vectorized_no_loops, check_vectorized_timing
import os


def vectorized_add_relu(x, y):
    read, write = os.pipe()
    middle = os.fork()
    if middle == 0:
        if os.fork() == 0:
            out = np.zeros(np.shape(x))
            for index in np.ndindex(out.shape):
                out[index] = max(x[index] + y[index], 0)
            os.write(write, out.tobytes())
        os._exit(0)
    os.waitpid(middle, 0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 1 << 16):
        data += chunk
    os.close(read)
    return np.frombuffer(data).reshape(np.shape(x))
