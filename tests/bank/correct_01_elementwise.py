# Alternative CORRECT implementations for 01_elementwise (one variant per section).
# The grader prepends `import numpy as np` to every section.

# %% naive_relu: nested for loops, copy then zero the negatives
def naive_relu(x):
    assert x.ndim == 2, f"expected a 2-D array, got shape {x.shape}"
    out = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            if x[i, j] < 0:
                out[i, j] = 0
    return out


# %% naive_relu: np.empty_like filled with max(), rank checked via len(shape)
def naive_relu(x):
    if len(x.shape) != 2:
        raise ValueError(f"naive_relu expects a 2-D array, got shape {x.shape}")
    out = np.empty_like(x)
    rows, cols = x.shape
    for i in range(rows):
        for j in range(cols):
            out[i, j] = max(x[i, j], 0)
    return out


# %% naive_relu: while loops into np.zeros with the input dtype
def naive_relu(x):
    if x.ndim != 2:
        raise ValueError("naive_relu needs a 2-D array")
    out = np.zeros(x.shape, dtype=x.dtype)
    i = 0
    while i < x.shape[0]:
        j = 0
        while j < x.shape[1]:
            value = x[i, j]
            if value > 0:
                out[i, j] = value
            j += 1
        i += 1
    return out


# %% naive_relu: single loop over np.ndindex into np.zeros_like
def naive_relu(x):
    assert x.ndim == 2
    out = np.zeros_like(x)
    for i, j in np.ndindex(x.shape):
        out[i, j] = x[i, j] if x[i, j] > 0 else 0
    return out


# %% naive_relu: nested list comprehension into np.array with explicit dtype (numpy aliased)
import numpy as xp


def _relu_scalar(value):
    return value if value > 0 else 0


def naive_relu(x):
    assert x.ndim == 2, "x must be 2-D"
    if x.shape[0] == 0:
        return xp.zeros(x.shape, dtype=x.dtype)
    rows = [[_relu_scalar(x[i, j]) for j in range(x.shape[1])] for i in range(x.shape[0])]
    return xp.array(rows, dtype=x.dtype)


# %% naive_add: copy x then overwrite each entry with the sum
def naive_add(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape == y.shape
    out = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = x[i, j] + y[i, j]
    return out


# %% naive_add: while loops into np.empty with np.result_type, ValueError rejection
def naive_add(x, y):
    if x.ndim != 2 or y.ndim != 2:
        raise ValueError("naive_add expects two 2-D arrays")
    if x.shape != y.shape:
        raise ValueError("naive_add expects arrays of the same shape")
    out = np.empty(x.shape, dtype=np.result_type(x.dtype, y.dtype))
    i = 0
    while i < x.shape[0]:
        j = 0
        while j < x.shape[1]:
            out[i, j] = x[i, j] + y[i, j]
            j += 1
        i += 1
    return out


# %% naive_add: np.ndindex over the shape into np.zeros_like
def naive_add(x, y):
    assert len(x.shape) == 2 and len(y.shape) == 2, "2-D arrays only"
    assert x.shape == y.shape, "shapes differ"
    out = np.zeros_like(x)
    for i, j in np.ndindex(x.shape):
        out[i, j] = x[i, j] + y[i, j]
    return out


# %% naive_add: nested list comprehension into np.array (numpy aliased), empty rows handled
import numpy as xp


def naive_add(x, y):
    assert x.ndim == 2 and y.ndim == 2 and x.shape == y.shape
    dtype = xp.result_type(x.dtype, y.dtype)
    if x.shape[0] == 0:
        return xp.zeros(x.shape, dtype=dtype)
    return xp.array(
        [[x[i, j] + y[i, j] for j in range(x.shape[1])] for i in range(x.shape[0])],
        dtype=dtype,
    )


# %% naive_add: enumerate over zip of row elements
def naive_add(x, y):
    assert x.ndim == 2 and y.ndim == 2, "expects 2-D arrays"
    assert x.shape == y.shape, "expects equal shapes"
    out = np.zeros(x.shape, dtype=x.dtype)
    for i in range(x.shape[0]):
        for j, (a, b) in enumerate(zip(x[i, :], y[i, :])):
            out[i, j] = a + b
    return out


# %% vectorized_add_relu: np.maximum of the sum and 0
def vectorized_add_relu(x, y):
    return np.maximum(x + y, 0)


# %% vectorized_add_relu: np.clip from an aliased numpy import
import numpy as xp


def vectorized_add_relu(x, y):
    return xp.clip(x + y, 0, None)


# %% vectorized_add_relu: ndarray.clip method with min=0
def vectorized_add_relu(x, y):
    return (x + y).clip(min=0)


# %% vectorized_add_relu: np.add then np.maximum in place on the new sum (out=)
def vectorized_add_relu(x, y):
    total = np.add(x, y)
    np.maximum(total, 0, out=total)
    return total


# %% vectorized_add_relu: np.where on the sum
def vectorized_add_relu(x, y):
    total = x + y
    return np.where(total > 0, total, 0)


# %% vectorized_add_relu: boolean mask assignment on the fresh sum
def vectorized_add_relu(x, y):
    total = x + y
    total[total < 0] = 0
    return total


# %% vectorized_add_relu: multiply the sum by its positive mask
def vectorized_add_relu(x, y):
    total = x + y
    return total * (total > 0)


# %% naive_relu: element helper passed around an alias cycle (_g = _f; _f = _g leaves _f the helper)
def _f(value):
    return value if value > 0 else 0


_g = _f
_f = _g


def naive_relu(x):
    assert x.ndim == 2
    out = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = _f(x[i, j])
    return out
