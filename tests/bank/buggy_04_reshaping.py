# BUGGY implementations for 04_reshaping: each section has ONE mistake, named in its label; the line under
# its header names the checks that mistake must fail (`# fails: check_a, check_b`), all others pass.

# %% flatten_images: returns a copy (np.array of the reshape) instead of a view
# fails: check_flatten_view
def flatten_images(images):
    assert images.ndim == 3
    n, h, w = images.shape
    return np.array(images.reshape((n, h * w)))


# %% flatten_images: builds the result from images.flatten(), always a copy
# fails: check_flatten_view
def flatten_images(images):
    assert images.ndim == 3
    n, h, w = images.shape
    return images.flatten().reshape(n, h * w)


# %% flatten_images: column-major order (order="F")
# fails: check_flatten_values, check_flatten_view, check_flatten_non_contiguous, check_flatten_rejects
def flatten_images(images):
    assert images.ndim == 3
    n, h, w = images.shape
    return images.reshape((n, h * w), order="F")


# %% flatten_images: reads each image column by column
# fails: check_flatten_values, check_flatten_view, check_flatten_non_contiguous, check_flatten_rejects
def flatten_images(images):
    assert images.ndim == 3
    n, h, w = images.shape
    return images.transpose(0, 2, 1).reshape(n, h * w)


# %% flatten_images: reshape(n, -1) fails when n == 0
# fails: check_flatten_values
def flatten_images(images):
    assert images.ndim == 3
    return images.reshape(images.shape[0], -1)


# %% flatten_images: reshape(-1, h * w) fails on empty image dimensions
# fails: check_flatten_values
def flatten_images(images):
    assert images.ndim == 3
    n, h, w = images.shape
    return images.reshape(-1, h * w)


# %% flatten_images: does not reject arrays that are not 3-D
# fails: check_flatten_rejects
def flatten_images(images):
    n = len(images)
    return images.reshape((n, int(np.prod(images.shape[1:]))))


# %% flatten_images: converts the result to float64
# fails: check_flatten_values, check_flatten_view, check_flatten_non_contiguous
def flatten_images(images):
    assert images.ndim == 3
    n, h, w = images.shape
    return images.reshape((n, h * w)).astype(np.float64)


# %% naive_transpose: returns x.T (a view, and not loops)
# fails: check_transpose_new_array, check_transpose_loops_only
def naive_transpose(x):
    assert x.ndim == 2
    return x.T


# %% naive_transpose: x.T.copy() uses .T in a loops-only function
# fails: check_transpose_loops_only
def naive_transpose(x):
    assert x.ndim == 2
    return x.T.copy()


# %% naive_transpose: np.transpose imported by name (NumPy math in a loops-only function)
# fails: check_transpose_loops_only
from numpy import transpose


def naive_transpose(x):
    assert x.ndim == 2
    return transpose(x).copy()


# %% naive_transpose: output allocated with np.zeros default float64 dtype
# fails: check_transpose_values, check_transpose_views, check_transpose_new_array
def naive_transpose(x):
    assert x.ndim == 2
    rows, cols = x.shape
    out = np.zeros((cols, rows))
    for i in range(rows):
        for j in range(cols):
            out[j, i] = x[i, j]
    return out


# %% naive_transpose: inner loop runs over range(rows) instead of range(cols) (right only for square x)
# fails: check_transpose_values, check_transpose_views, check_transpose_new_array, check_transpose_loops_only
def naive_transpose(x):
    assert x.ndim == 2
    rows, cols = x.shape
    out = np.zeros((cols, rows), dtype=x.dtype)
    for i in range(rows):
        for j in range(rows):
            out[j, i] = x[i, j]
    return out


# %% naive_transpose: copies whole columns with slices instead of single elements
# fails: check_transpose_loops_only
def naive_transpose(x):
    assert x.ndim == 2
    rows, cols = x.shape
    out = np.empty((cols, rows), dtype=x.dtype)
    for j in range(cols):
        out[j, :] = x[:, j]
    return out


# %% naive_transpose: output of shape x.shape (np.empty_like(x)), wrong for non-square x
# fails: check_transpose_values, check_transpose_views, check_transpose_new_array, check_transpose_loops_only
def naive_transpose(x):
    assert x.ndim == 2
    rows, cols = x.shape
    out = np.empty_like(x)
    for i in range(min(rows, cols)):
        for j in range(min(rows, cols)):
            out[j, i] = x[i, j]
    return out


# %% make_batches: drops the last partial batch
# fails: check_batches_values, check_batches_edges, check_batches_views, check_batches_non_contiguous
def make_batches(x, batch_size):
    return [x[k * batch_size:(k + 1) * batch_size] for k in range(len(x) // batch_size)]


# %% make_batches: returns copies of the slices
# fails: check_batches_views
def make_batches(x, batch_size):
    return [x[start:start + batch_size].copy() for start in range(0, len(x), batch_size)]


# %% make_batches: len(x) // batch_size + 1 batches (an extra empty batch when it divides)
# fails: check_batches_values, check_batches_edges
def make_batches(x, batch_size):
    n_batches = len(x) // batch_size + 1
    return [x[k * batch_size:(k + 1) * batch_size] for k in range(n_batches)]


# %% make_batches: np.split without a case for an empty x (returns [x], one empty batch)
# fails: check_batches_edges
def make_batches(x, batch_size):
    return list(np.split(x, range(batch_size, len(x), batch_size)))


# %% make_batches: returns a generator instead of a list
# fails: check_batches_values, check_batches_edges, check_batches_views, check_batches_non_contiguous
def make_batches(x, batch_size):
    return (x[start:start + batch_size] for start in range(0, len(x), batch_size))


# %% make_batches: returns a tuple instead of a list
# fails: check_batches_values, check_batches_edges, check_batches_views, check_batches_non_contiguous
def make_batches(x, batch_size):
    return tuple(x[start:start + batch_size] for start in range(0, len(x), batch_size))


# %% make_batches: np.array_split into ceil(len / batch_size) near-equal parts
# fails: check_batches_values, check_batches_views, check_batches_non_contiguous
def make_batches(x, batch_size):
    if len(x) == 0:
        return []
    n_batches = -(-len(x) // batch_size)
    return np.array_split(x, n_batches)


# %% make_batches: consecutive batches overlap by one item (step batch_size - 1)
# fails: check_batches_values, check_batches_views, check_batches_non_contiguous
def make_batches(x, batch_size):
    batches = []
    start = 0
    while start < len(x):
        batches.append(x[start:start + batch_size])
        start += max(batch_size - 1, 1)
    return batches


# %% naive_transpose: module-level alias _flip = np.transpose, then a copy (not loops only)
# fails: check_transpose_loops_only
_flip = np.transpose


def naive_transpose(x):
    assert x.ndim == 2
    return _flip(x).copy()
