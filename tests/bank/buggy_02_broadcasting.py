# BUGGY implementations for 02_broadcasting: each section has ONE mistake, named in its label; the line under
# its header names the checks that mistake must fail (`# fails: check_a, check_b`), all others pass.
# The grader prepends `import numpy as np` to every section.

# %% repeat_along_new_axis: returns a read-only np.broadcast_to view that shares y's memory
# fails: check_repeat_new_array
def repeat_along_new_axis(y, n):
    y = np.asarray(y)
    return np.broadcast_to(y, (n,) + y.shape)


# %% repeat_along_new_axis: returns the expanded view y[np.newaxis] itself when n == 1
# fails: check_repeat_new_array
def repeat_along_new_axis(y, n):
    y = np.asarray(y)
    expanded = y[np.newaxis]
    if n == 1:
        return expanded
    return np.concatenate([expanded] * n, axis=0)


# %% repeat_along_new_axis: concatenates y without adding the new axis first
# fails: check_repeat_walkthrough, check_repeat_values, check_repeat_views, check_repeat_new_array
def repeat_along_new_axis(y, n):
    y = np.asarray(y)
    return np.concatenate([y] * n, axis=0)


# %% repeat_along_new_axis: stacks the copies along the last axis instead of the first
# fails: check_repeat_walkthrough, check_repeat_values, check_repeat_views, check_repeat_new_array
def repeat_along_new_axis(y, n):
    return np.stack([np.asarray(y)] * n, axis=-1)


# %% repeat_along_new_axis: off-by-one, only n - 1 copies (range(1, n))
# fails: check_repeat_walkthrough, check_repeat_values, check_repeat_views, check_repeat_new_array
def repeat_along_new_axis(y, n):
    y = np.asarray(y)
    return np.concatenate([y[np.newaxis] for _ in range(1, n)], axis=0)


# %% repeat_along_new_axis: writeable as_strided view with stride 0 shares memory with y
# fails: check_repeat_new_array
from numpy.lib.stride_tricks import as_strided


def repeat_along_new_axis(y, n):
    y = np.asarray(y)
    return as_strided(y, shape=(n,) + y.shape, strides=(0,) + y.strides)


# %% repeat_along_new_axis: adds the axis by assigning y.shape in place (changes the caller's y)
# fails: check_repeat_new_array
def repeat_along_new_axis(y, n):
    y.shape = (1,) + y.shape
    return np.concatenate([y] * n, axis=0)


# %% repeat_along_new_axis: returns a list of n copies instead of an ndarray
# fails: check_repeat_walkthrough, check_repeat_values, check_repeat_views, check_repeat_new_array
def repeat_along_new_axis(y, n):
    return [np.array(y, copy=True) for _ in range(n)]


# %% repeat_along_new_axis: np.repeat without a new axis repeats each element (flat result)
# fails: check_repeat_walkthrough, check_repeat_values, check_repeat_views, check_repeat_new_array
def repeat_along_new_axis(y, n):
    return np.repeat(np.asarray(y), n)


# %% naive_add_matrix_and_vector: adds y[i] (row index) instead of y[j]
# fails: check_add_vector_values, check_add_vector_views, check_add_vector_new_array, check_add_vector_rejects, check_add_vector_loops_only
def naive_add_matrix_and_vector(x, y):
    assert x.ndim == 2 and y.ndim == 1
    assert x.shape[1] == y.shape[0]
    out = np.zeros(x.shape, dtype=np.result_type(x, y))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = x[i, j] + y[i]
    return out


# %% naive_add_matrix_and_vector: modifies x in place (out = x, then +=)
# fails: check_add_vector_new_array
def naive_add_matrix_and_vector(x, y):
    assert x.ndim == 2 and y.ndim == 1
    assert x.shape[1] == y.shape[0]
    out = x
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] += y[j]
    return out


# %% naive_add_matrix_and_vector: no check that x.shape[1] == y.shape[0]
# fails: check_add_vector_rejects
def naive_add_matrix_and_vector(x, y):
    assert x.ndim == 2 and y.ndim == 1
    out = np.zeros(x.shape, dtype=np.result_type(x, y))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = x[i, j] + y[j]
    return out


# %% naive_add_matrix_and_vector: integer output array truncates float sums
# fails: check_add_vector_values, check_add_vector_views, check_add_vector_new_array, check_add_vector_rejects, check_add_vector_loops_only
def naive_add_matrix_and_vector(x, y):
    assert x.ndim == 2 and y.ndim == 1
    assert x.shape[1] == y.shape[0]
    out = np.zeros(x.shape, dtype=int)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = x[i, j] + y[j]
    return out


# %% naive_add_matrix_and_vector: takes the column count from len(x[0]), crashes when x has 0 rows
# fails: check_add_vector_values
def naive_add_matrix_and_vector(x, y):
    assert x.ndim == 2 and y.ndim == 1
    assert x.shape[1] == y.shape[0]
    columns = len(x[0])
    out = np.zeros(x.shape, dtype=np.result_type(x, y))
    for i in range(len(x)):
        for j in range(columns):
            out[i, j] = x[i, j] + y[j]
    return out


# %% naive_add_matrix_and_vector: row arithmetic x[i] + y (not loops only)
# fails: check_add_vector_loops_only
def naive_add_matrix_and_vector(x, y):
    assert x.ndim == 2 and y.ndim == 1
    assert x.shape[1] == y.shape[0]
    out = np.zeros(x.shape, dtype=np.result_type(x, y))
    for i in range(x.shape[0]):
        out[i] = x[i] + y
    return out


# %% naive_add_matrix_and_vector: NumPy broadcasting through an aliased import (not loops only)
# fails: check_add_vector_loops_only
import numpy as xp


def naive_add_matrix_and_vector(x, y):
    assert x.ndim == 2 and y.ndim == 1
    assert x.shape[1] == y.shape[0]
    return xp.add(x, y[xp.newaxis, :])


# %% broadcast_shape: max() of the two sizes when one is 1, so 0 against 1 gives 1
# fails: check_broadcast_fixed, check_broadcast_random
def broadcast_shape(shape_a, shape_b):
    ndim = max(len(shape_a), len(shape_b))
    padded_a = (1,) * (ndim - len(shape_a)) + tuple(shape_a)
    padded_b = (1,) * (ndim - len(shape_b)) + tuple(shape_b)
    result = []
    for size_a, size_b in zip(padded_a, padded_b):
        if size_a == size_b or size_a == 1 or size_b == 1:
            result.append(int(max(size_a, size_b)))
        else:
            raise ValueError("incompatible shapes")
    return tuple(result)


# %% broadcast_shape: zip without padding truncates to the shorter shape
# fails: check_broadcast_fixed, check_broadcast_random, check_broadcast_ints, check_broadcast_incompatible, check_broadcast_pure_python
def broadcast_shape(shape_a, shape_b):
    result = []
    for size_a, size_b in zip(reversed(shape_a), reversed(shape_b)):
        if size_a == 1:
            result.append(int(size_b))
        elif size_b == 1 or size_a == size_b:
            result.append(int(size_a))
        else:
            raise ValueError("incompatible shapes")
    return tuple(reversed(result))


# %% broadcast_shape: aligns the shapes from the left (pads 1s at the end)
# fails: check_broadcast_fixed, check_broadcast_random, check_broadcast_ints, check_broadcast_incompatible, check_broadcast_pure_python
def broadcast_shape(shape_a, shape_b):
    ndim = max(len(shape_a), len(shape_b))
    padded_a = tuple(shape_a) + (1,) * (ndim - len(shape_a))
    padded_b = tuple(shape_b) + (1,) * (ndim - len(shape_b))
    result = []
    for size_a, size_b in zip(padded_a, padded_b):
        if size_a == 1:
            result.append(int(size_b))
        elif size_b == 1 or size_a == size_b:
            result.append(int(size_a))
        else:
            raise ValueError("incompatible shapes")
    return tuple(result)


# %% broadcast_shape: returns a list instead of a tuple
# fails: check_broadcast_fixed, check_broadcast_random, check_broadcast_ints, check_broadcast_incompatible, check_broadcast_pure_python
def broadcast_shape(shape_a, shape_b):
    ndim = max(len(shape_a), len(shape_b))
    padded_a = [1] * (ndim - len(shape_a)) + list(shape_a)
    padded_b = [1] * (ndim - len(shape_b)) + list(shape_b)
    result = []
    for size_a, size_b in zip(padded_a, padded_b):
        if size_a == 1:
            result.append(int(size_b))
        elif size_b == 1 or size_a == size_b:
            result.append(int(size_a))
        else:
            raise ValueError("incompatible shapes")
    return result


# %% broadcast_shape: rejects incompatible shapes with assert (AssertionError), not ValueError
# fails: check_broadcast_incompatible
def broadcast_shape(shape_a, shape_b):
    ndim = max(len(shape_a), len(shape_b))
    padded_a = (1,) * (ndim - len(shape_a)) + tuple(shape_a)
    padded_b = (1,) * (ndim - len(shape_b)) + tuple(shape_b)
    result = []
    for size_a, size_b in zip(padded_a, padded_b):
        assert size_a == size_b or size_a == 1 or size_b == 1, "incompatible shapes"
        result.append(int(size_b if size_a == 1 else size_a))
    return tuple(result)


# %% broadcast_shape: treats size 0 as compatible with any size (0 against 2 gives 0)
# fails: check_broadcast_incompatible
def broadcast_shape(shape_a, shape_b):
    ndim = max(len(shape_a), len(shape_b))
    padded_a = (1,) * (ndim - len(shape_a)) + tuple(shape_a)
    padded_b = (1,) * (ndim - len(shape_b)) + tuple(shape_b)
    result = []
    for size_a, size_b in zip(padded_a, padded_b):
        if size_a == 0 or size_b == 0:
            result.append(0)
        elif size_a == 1:
            result.append(int(size_b))
        elif size_b == 1 or size_a == size_b:
            result.append(int(size_a))
        else:
            raise ValueError("incompatible shapes")
    return tuple(result)


# %% broadcast_shape: calls np.broadcast_shapes (uses NumPy)
# fails: check_broadcast_pure_python
def broadcast_shape(shape_a, shape_b):
    return tuple(int(size) for size in np.broadcast_shapes(tuple(shape_a), tuple(shape_b)))


# %% broadcast_shape: broadcasts dummy arrays through an aliased numpy import (uses NumPy)
# fails: check_broadcast_pure_python
import numpy as xp


def broadcast_shape(shape_a, shape_b):
    return tuple(int(size) for size in xp.broadcast(xp.empty(shape_a), xp.empty(shape_b)).shape)


# %% broadcast_shape: returns the longer shape when the lengths differ, without checking sizes
# fails: check_broadcast_fixed, check_broadcast_random, check_broadcast_ints, check_broadcast_incompatible, check_broadcast_pure_python
def broadcast_shape(shape_a, shape_b):
    if len(shape_a) != len(shape_b):
        longer = shape_a if len(shape_a) > len(shape_b) else shape_b
        return tuple(int(size) for size in longer)
    result = []
    for size_a, size_b in zip(shape_a, shape_b):
        if size_a == 1:
            result.append(int(size_b))
        elif size_b == 1 or size_a == size_b:
            result.append(int(size_a))
        else:
            raise ValueError("incompatible shapes")
    return tuple(result)


# %% broadcast_shape: module-level alias _b = np.broadcast_shapes (uses NumPy)
# fails: check_broadcast_pure_python
_b = np.broadcast_shapes


def broadcast_shape(shape_a, shape_b):
    return tuple(int(size) for size in _b(tuple(shape_a), tuple(shape_b)))
