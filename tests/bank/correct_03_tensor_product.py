# Alternative CORRECT implementations for 03_tensor_product (one variant per section).
# The grader prepends `import numpy as np` to every section, and gives
# naive_matrix_vector_dot, naive_matrix_vector_dot_by_rows and naive_matrix_dot its own
# reference naive_vector_dot (so no section here defines naive_vector_dot for them).

# %% naive_vector_dot: for loop over range with a running total
def naive_vector_dot(x, y):
    assert x.ndim == 1 and y.ndim == 1
    assert x.shape[0] == y.shape[0]
    total = 0
    for i in range(x.shape[0]):
        total += x[i] * y[i]
    return total


# %% naive_vector_dot: enumerate over x, index into y
def naive_vector_dot(x, y):
    assert len(x.shape) == 1 and len(y.shape) == 1, "1-D vectors only"
    assert len(x) == len(y), "lengths differ"
    total = 0
    for i, value in enumerate(x):
        total = total + value * y[i]
    return total


# %% naive_vector_dot: while loop, ValueError rejection
def naive_vector_dot(x, y):
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError("naive_vector_dot expects 1-D arrays")
    if x.shape[0] != y.shape[0]:
        raise ValueError("naive_vector_dot expects equal lengths")
    total = 0
    i = 0
    while i < x.shape[0]:
        total += x[i] * y[i]
        i += 1
    return total


# %% naive_vector_dot: builtin sum over a generator of element products
def naive_vector_dot(x, y):
    assert x.ndim == 1 and y.ndim == 1 and x.shape == y.shape
    return sum(x[i] * y[i] for i in range(x.shape[0]))


# %% naive_vector_dot: zip over the two vectors after the checks, with a helper
def _product(a, b):
    return a * b


def naive_vector_dot(x, y):
    assert x.ndim == 1, "x must be 1-D"
    assert y.ndim == 1, "y must be 1-D"
    assert x.shape[0] == y.shape[0], "x and y must have the same length"
    total = 0
    for a, b in zip(x, y):
        total += _product(a, b)
    return total


# %% naive_matrix_vector_dot: two nested for loops accumulating into the output
def naive_matrix_vector_dot(x, y):
    assert x.ndim == 2
    assert y.ndim == 1
    assert x.shape[1] == y.shape[0]
    z = np.zeros(x.shape[0], dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            z[i] += x[i, j] * y[j]
    return z


# %% naive_matrix_vector_dot: local accumulator per row, stored once into np.empty
def naive_matrix_vector_dot(x, y):
    assert x.ndim == 2 and y.ndim == 1, "x must be 2-D and y 1-D"
    assert x.shape[1] == y.shape[0], "inner sizes differ"
    rows, columns = x.shape
    z = np.empty(rows, dtype=np.result_type(x.dtype, y.dtype))
    for i in range(rows):
        total = 0
        for j in range(columns):
            total += x[i, j] * y[j]
        z[i] = total
    return z


# %% naive_matrix_vector_dot: while loops, ValueError rejection
def naive_matrix_vector_dot(x, y):
    if x.ndim != 2 or y.ndim != 1:
        raise ValueError("need a 2-D x and a 1-D y")
    if x.shape[1] != y.shape[0]:
        raise ValueError("x.shape[1] must equal y.shape[0]")
    z = np.zeros(x.shape[0], dtype=np.result_type(x.dtype, y.dtype))
    i = 0
    while i < x.shape[0]:
        j = 0
        while j < x.shape[1]:
            z[i] = z[i] + x[i, j] * y[j]
            j += 1
        i += 1
    return z


# %% naive_matrix_vector_dot: nested comprehension with builtin sum into np.array (numpy aliased)
import numpy as xp


def naive_matrix_vector_dot(x, y):
    assert x.ndim == 2 and y.ndim == 1 and x.shape[1] == y.shape[0]
    return xp.array(
        [sum(x[i, j] * y[j] for j in range(x.shape[1])) for i in range(x.shape[0])],
        dtype=xp.result_type(x.dtype, y.dtype),
    )


# %% naive_matrix_vector_dot: np.ndindex over x.shape
def naive_matrix_vector_dot(x, y):
    assert len(x.shape) == 2 and len(y.shape) == 1
    assert x.shape[1] == len(y)
    z = np.zeros(x.shape[0], dtype=np.result_type(x.dtype, y.dtype))
    for i, j in np.ndindex(x.shape):
        z[i] += x[i, j] * y[j]
    return z


# %% naive_matrix_vector_dot: enumerate over y in the inner loop
def naive_matrix_vector_dot(x, y):
    assert x.ndim == 2, "x must be 2-D"
    assert y.ndim == 1, "y must be 1-D"
    assert x.shape[1] == y.shape[0], "x.shape[1] != len(y)"
    z = np.zeros(x.shape[0], dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        total = 0
        for j, y_j in enumerate(y):
            total += x[i, j] * y_j
        z[i] = total
    return z


# %% naive_matrix_vector_dot_by_rows: for loop over row indices, x[i, :]
def naive_matrix_vector_dot_by_rows(x, y):
    assert x.ndim == 2 and y.ndim == 1
    assert x.shape[1] == y.shape[0]
    z = np.zeros(x.shape[0], dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        z[i] = naive_vector_dot(x[i, :], y)
    return z


# %% naive_matrix_vector_dot_by_rows: list comprehension over the rows into np.array
def naive_matrix_vector_dot_by_rows(x, y):
    return np.array([naive_vector_dot(row, y) for row in x],
                    dtype=np.result_type(x.dtype, y.dtype))


# %% naive_matrix_vector_dot_by_rows: enumerate over the rows into np.empty
def naive_matrix_vector_dot_by_rows(x, y):
    if x.ndim != 2 or y.ndim != 1:
        raise ValueError("need a 2-D x and a 1-D y")
    z = np.empty(x.shape[0], dtype=np.result_type(x.dtype, y.dtype))
    for i, row in enumerate(x):
        z[i] = naive_vector_dot(row, y)
    return z


# %% naive_matrix_vector_dot_by_rows: while loop over the rows, x[i]
import numpy as xp


def naive_matrix_vector_dot_by_rows(x, y):
    z = xp.zeros(len(x), dtype=xp.result_type(x.dtype, y.dtype))
    i = 0
    while i < len(x):
        z[i] = naive_vector_dot(x[i], y)
        i += 1
    return z


# %% naive_matrix_dot: naive_vector_dot of row i and column j (the book's version)
def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape[1] == y.shape[0]
    z = np.zeros((x.shape[0], y.shape[1]), dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            z[i, j] = naive_vector_dot(x[i, :], y[:, j])
    return z


# %% naive_matrix_dot: three nested for loops with a local accumulator
def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2, "2-D arrays only"
    assert x.shape[1] == y.shape[0], "inner sizes differ"
    a, b = x.shape
    c = y.shape[1]
    z = np.zeros((a, c), dtype=np.result_type(x.dtype, y.dtype))
    for i in range(a):
        for j in range(c):
            total = 0
            for k in range(b):
                total += x[i, k] * y[k, j]
            z[i, j] = total
    return z


# %% naive_matrix_dot: np.ndindex over the output with an inner while loop, ValueError rejection
def naive_matrix_dot(x, y):
    if x.ndim != 2 or y.ndim != 2:
        raise ValueError("naive_matrix_dot expects 2-D arrays")
    if x.shape[1] != y.shape[0]:
        raise ValueError("x.shape[1] must equal y.shape[0]")
    z = np.empty((x.shape[0], y.shape[1]), dtype=np.result_type(x.dtype, y.dtype))
    for i, j in np.ndindex(z.shape):
        total = 0
        k = 0
        while k < x.shape[1]:
            total += x[i, k] * y[k, j]
            k += 1
        z[i, j] = total
    return z


# %% naive_matrix_dot: accumulate z[i, j] += x[i, k] * y[k, j] in i-k-j loop order
def naive_matrix_dot(x, y):
    assert len(x.shape) == 2 and len(y.shape) == 2
    assert x.shape[1] == y.shape[0]
    z = np.zeros((x.shape[0], y.shape[1]), dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        for k in range(x.shape[1]):
            for j in range(y.shape[1]):
                z[i, j] += x[i, k] * y[k, j]
    return z


# %% naive_matrix_dot: columns of y collected once, then naive_vector_dot per entry (numpy aliased)
import numpy as xp


def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2 and x.shape[1] == y.shape[0]
    columns = [y[:, j] for j in range(y.shape[1])]
    z = xp.zeros((x.shape[0], y.shape[1]), dtype=xp.result_type(x.dtype, y.dtype))
    for i, row in enumerate(x):
        for j, column in enumerate(columns):
            z[i, j] = naive_vector_dot(row, column)
    return z


# %% naive_matrix_dot: nested comprehensions with builtin sum into np.array, empty rows handled
def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape[1] == y.shape[0]
    a, b = x.shape
    c = y.shape[1]
    dtype = np.result_type(x.dtype, y.dtype)
    if a == 0:
        return np.zeros((0, c), dtype=dtype)
    return np.array(
        [[sum(x[i, k] * y[k, j] for k in range(b)) for j in range(c)] for i in range(a)],
        dtype=dtype,
    )
