# BUGGY implementations for 01_elementwise: each section has ONE mistake, named in its label.
# The grader prepends `import numpy as np` to every section.

# %% naive_relu: modifies its input in place (out = x, no copy)
def naive_relu(x):
    assert x.ndim == 2
    out = x
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = max(x[i, j], 0)
    return out


# %% naive_relu: np.zeros(x.shape) gives float64, not the input dtype, for int inputs
def naive_relu(x):
    assert x.ndim == 2
    out = np.zeros(x.shape)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = max(x[i, j], 0)
    return out


# %% naive_relu: off-by-one, the last column keeps its negative values
def naive_relu(x):
    assert x.ndim == 2
    out = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1] - 1):
            out[i, j] = max(x[i, j], 0)
    return out


# %% naive_relu: no rank check, np.ndindex accepts 1-D and 3-D inputs without rejecting them
def naive_relu(x):
    out = x.copy()
    for index in np.ndindex(x.shape):
        out[index] = max(x[index], 0)
    return out


# %% naive_relu: row arithmetic x[i] * (x[i] > 0) instead of single elements (not loops only)
def naive_relu(x):
    assert x.ndim == 2
    out = x.copy()
    for i in range(x.shape[0]):
        out[i] = x[i] * (x[i] > 0)
    return out


# %% naive_relu: whole-array NumPy maximum imported with from numpy import (not loops only)
from numpy import maximum


def naive_relu(x):
    assert x.ndim == 2
    return maximum(x, 0)


# %% naive_relu: returns a nested Python list instead of an ndarray
def naive_relu(x):
    assert x.ndim == 2
    return [[max(x[i, j], 0) for j in range(x.shape[1])] for i in range(x.shape[0])]


# %% naive_add: modifies x in place (out = x, then +=)
def naive_add(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape == y.shape
    out = x
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] += y[i, j]
    return out


# %% naive_add: integer output array truncates float sums
def naive_add(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape == y.shape
    out = np.zeros(x.shape, dtype=int)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = x[i, j] + y[i, j]
    return out


# %% naive_add: swapped indices, reads y[j, i] instead of y[i, j]
def naive_add(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape == y.shape
    out = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = x[i, j] + y[j, i]
    return out


# %% naive_add: no shape-equality check, zip silently truncates mismatched shapes
def naive_add(x, y):
    assert x.ndim == 2 and y.ndim == 2
    out = x.copy()
    for i, (row_x, row_y) in enumerate(zip(x, y)):
        for j, (a, b) in enumerate(zip(row_x, row_y)):
            out[i, j] = a + b
    return out


# %% naive_add: no rank check, np.ndindex adds equal-shape 1-D or 3-D inputs without rejecting
def naive_add(x, y):
    assert x.shape == y.shape
    out = x.copy()
    for index in np.ndindex(x.shape):
        out[index] = x[index] + y[index]
    return out


# %% naive_add: row arithmetic x[i] + y[i] (not loops only)
def naive_add(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape == y.shape
    out = x.copy()
    for i in range(x.shape[0]):
        out[i] = x[i] + y[i]
    return out


# %% naive_add: whole-array np.add through an aliased numpy import (not loops only)
import numpy as xp


def naive_add(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape == y.shape
    return xp.add(x, y)


# %% vectorized_add_relu: Python loops over np.ndindex (correct values, but loops)
def vectorized_add_relu(x, y):
    out = np.zeros(x.shape, dtype=np.result_type(x.dtype, y.dtype))
    for index in np.ndindex(x.shape):
        out[index] = max(x[index] + y[index], 0)
    return out


# %% vectorized_add_relu: list comprehension over the flattened sum (a Python loop)
def vectorized_add_relu(x, y):
    total = x + y
    flat = [value if value > 0 else 0 for value in total.ravel()]
    return np.array(flat, dtype=total.dtype).reshape(total.shape)


# %% vectorized_add_relu: adds in place into x (np.add with out=x)
def vectorized_add_relu(x, y):
    np.add(x, y, out=x)
    np.maximum(x, 0, out=x)
    return x


# %% vectorized_add_relu: relu(x) + relu(y) instead of relu(x + y)
def vectorized_add_relu(x, y):
    return np.maximum(x, 0) + np.maximum(y, 0)


# %% vectorized_add_relu: returns a Python list (tolist) instead of an ndarray
def vectorized_add_relu(x, y):
    return np.maximum(x + y, 0).tolist()


# %% vectorized_add_relu: flattens the result (ravel), wrong shape for 2-D and 3-D inputs
def vectorized_add_relu(x, y):
    return np.maximum(x + y, 0).ravel()
