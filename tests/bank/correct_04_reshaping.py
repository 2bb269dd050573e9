# %% flatten_images: assert on the rank, reshape to (n, h * w)
def flatten_images(images):
    assert images.ndim == 3, f"expected a 3-D array, got shape {images.shape}"
    n, h, w = images.shape
    return images.reshape((n, h * w))


# %% flatten_images: ValueError on the rank, np.reshape through an alias
import numpy as xp


def flatten_images(images):
    if len(images.shape) != 3:
        raise ValueError("images must have shape (n, h, w)")
    return xp.reshape(images, (images.shape[0], images.shape[1] * images.shape[2]))


# %% flatten_images: np.ascontiguousarray (no copy when contiguous) then reshape
def flatten_images(images):
    if images.ndim != 3:
        raise ValueError(f"flatten_images needs 3 axes, got {images.ndim}")
    n, h, w = images.shape
    return np.ascontiguousarray(images).reshape(n, h * w)


# %% flatten_images: ravel (a view when contiguous) then reshape
def flatten_images(images):
    assert len(images.shape) == 3
    n = images.shape[0]
    pixels = images.shape[1] * images.shape[2]
    return images.ravel().reshape(n, pixels)


# %% flatten_images: -1 only when there are entries, explicit sizes otherwise
def flatten_images(images):
    assert images.ndim == 3, "images must be 3-D"
    n, h, w = images.shape
    if images.size > 0:
        return images.reshape(n, -1)
    return images.reshape(n, h * w)


# %% naive_transpose: nested for loops into np.empty
def naive_transpose(x):
    assert x.ndim == 2
    rows, cols = x.shape
    out = np.empty((cols, rows), dtype=x.dtype)
    for i in range(rows):
        for j in range(cols):
            out[j, i] = x[i, j]
    return out


# %% naive_transpose: while loops into np.zeros of x's dtype, output-major order
def naive_transpose(x):
    if x.ndim != 2:
        raise ValueError("x must be 2-D")
    rows = x.shape[0]
    cols = x.shape[1]
    out = np.zeros((cols, rows), dtype=x.dtype)
    j = 0
    while j < cols:
        i = 0
        while i < rows:
            out[j, i] = x[i, j]
            i += 1
        j += 1
    return out


# %% naive_transpose: np.ndindex over x's shape into np.empty_like with a new shape
def naive_transpose(x):
    assert len(x.shape) == 2
    out = np.empty_like(x, shape=(x.shape[1], x.shape[0]))
    for i, j in np.ndindex(x.shape):
        out[j, i] = x[i, j]
    return out


# %% naive_transpose: nested list comprehension into np.array with x's dtype
def naive_transpose(x):
    assert x.ndim == 2
    rows, cols = x.shape
    if cols == 0:
        return np.zeros((0, rows), dtype=x.dtype)
    return np.array([[x[i, j] for i in range(rows)] for j in range(cols)], dtype=x.dtype)


# %% naive_transpose: helper function copying one element at a time
def _copy_entry(source, target, i, j):
    target[j, i] = source[i, j]


def naive_transpose(x):
    assert x.ndim == 2
    n_rows, n_cols = x.shape
    result = np.empty((n_cols, n_rows), x.dtype)
    for i in range(n_rows):
        for j in range(n_cols):
            _copy_entry(x, result, i, j)
    return result


# %% make_batches: list comprehension over range with a step
def make_batches(x, batch_size):
    assert x.ndim >= 1 and batch_size >= 1
    return [x[start:start + batch_size] for start in range(0, len(x), batch_size)]


# %% make_batches: while loop appending slices
def make_batches(x, batch_size):
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    batches = []
    start = 0
    while start < x.shape[0]:
        batches.append(x[start:start + batch_size])
        start += batch_size
    return batches


# %% make_batches: ceiling division for the number of batches, batch k = x[k*bs:(k+1)*bs]
def make_batches(x, batch_size):
    n_batches = (len(x) + batch_size - 1) // batch_size
    return [x[k * batch_size:(k + 1) * batch_size] for k in range(n_batches)]


# %% make_batches: np.split at multiples of batch_size, with [] for an empty x
import numpy


def make_batches(x, batch_size):
    if len(x) == 0:
        return []
    return list(numpy.split(x, range(batch_size, len(x), batch_size)))


# %% make_batches: slice objects clipped to len(x) with min
def make_batches(x, batch_size):
    total = len(x)
    batches = []
    for start in range(0, total, batch_size):
        batches.append(x[slice(start, min(start + batch_size, total))])
    return batches
