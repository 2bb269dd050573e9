# BUGGY implementations for 03_tensor_product: each section has ONE mistake, named in its label; the line under
# its header names the checks that mistake must fail (`# fails: check_a, check_b`), all others pass.
# The grader prepends `import numpy as np` to every section, and gives
# naive_matrix_vector_dot, naive_matrix_vector_dot_by_rows and naive_matrix_dot its own
# reference naive_vector_dot (so no section here defines naive_vector_dot for them).

# %% naive_vector_dot: off-by-one, skips the last pair (range(len(x) - 1))
# fails: check_vector_dot_values, check_vector_dot_scalar, check_vector_dot_rejects, check_vector_dot_loops_only
def naive_vector_dot(x, y):
    assert x.ndim == 1 and y.ndim == 1
    assert x.shape[0] == y.shape[0]
    total = 0
    for i in range(len(x) - 1):
        total += x[i] * y[i]
    return total


# %% naive_vector_dot: no length check, zip silently truncates vectors of different lengths
# fails: check_vector_dot_rejects
def naive_vector_dot(x, y):
    assert x.ndim == 1 and y.ndim == 1
    total = 0
    for a, b in zip(x, y):
        total += a * b
    return total


# %% naive_vector_dot: checks the lengths but not that x and y are 1-D
# fails: check_vector_dot_rejects
def naive_vector_dot(x, y):
    assert len(x) == len(y)
    total = 0
    for i in range(len(x)):
        total += x[i] * y[i]
    return total


# %% naive_vector_dot: starts the total at x[0] * y[0] and loops from 0 (first pair counted twice)
# fails: check_vector_dot_values, check_vector_dot_scalar, check_vector_dot_rejects, check_vector_dot_loops_only
def naive_vector_dot(x, y):
    assert x.ndim == 1 and y.ndim == 1
    assert x.shape[0] == y.shape[0]
    total = x[0] * y[0]
    for i in range(x.shape[0]):
        total += x[i] * y[i]
    return total


# %% naive_vector_dot: returns a 1-element array instead of a single number
# fails: check_vector_dot_values, check_vector_dot_scalar, check_vector_dot_rejects, check_vector_dot_loops_only
def naive_vector_dot(x, y):
    assert x.ndim == 1 and y.ndim == 1
    assert x.shape[0] == y.shape[0]
    total = np.zeros(1, dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        total[0] += x[i] * y[i]
    return total


# %% naive_vector_dot: multiplies into x in place, then adds up x (modifies x)
# fails: check_vector_dot_scalar
def naive_vector_dot(x, y):
    assert x.ndim == 1 and y.ndim == 1
    assert x.shape[0] == y.shape[0]
    total = 0
    for i in range(x.shape[0]):
        x[i] = x[i] * y[i]
        total += x[i]
    return total


# %% naive_vector_dot: whole-array product x * y, then builtin sum (not loops only)
# fails: check_vector_dot_loops_only
def naive_vector_dot(x, y):
    assert x.ndim == 1 and y.ndim == 1
    assert x.shape[0] == y.shape[0]
    return sum(x * y)


# %% naive_vector_dot: np.dot imported with from numpy import (not loops only)
# fails: check_vector_dot_loops_only
from numpy import dot


def naive_vector_dot(x, y):
    assert x.ndim == 1 and y.ndim == 1
    assert x.shape[0] == y.shape[0]
    return dot(x, y)


# %% naive_matrix_vector_dot: assigns z[i] = ... instead of += (keeps only the last term)
# fails: check_matrix_vector_values, check_matrix_vector_edges, check_matrix_vector_new_array, check_matrix_vector_rejects, check_matrix_vector_loops_only
def naive_matrix_vector_dot(x, y):
    assert x.ndim == 2 and y.ndim == 1
    assert x.shape[1] == y.shape[0]
    z = np.zeros(x.shape[0], dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            z[i] = x[i, j] * y[j]
    return z


# %% naive_matrix_vector_dot: integer output array truncates float results
# fails: check_matrix_vector_values, check_matrix_vector_edges, check_matrix_vector_rejects, check_matrix_vector_loops_only
def naive_matrix_vector_dot(x, y):
    assert x.ndim == 2 and y.ndim == 1
    assert x.shape[1] == y.shape[0]
    z = np.zeros(x.shape[0], dtype=int)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            z[i] += x[i, j] * y[j]
    return z


# %% naive_matrix_vector_dot: output of length y.shape[0] instead of x.shape[0]
# fails: check_matrix_vector_values, check_matrix_vector_edges, check_matrix_vector_new_array, check_matrix_vector_rejects, check_matrix_vector_loops_only
def naive_matrix_vector_dot(x, y):
    assert x.ndim == 2 and y.ndim == 1
    assert x.shape[1] == y.shape[0]
    z = np.zeros(y.shape[0], dtype=np.result_type(x.dtype, y.dtype))
    for i in range(min(x.shape[0], y.shape[0])):
        for j in range(x.shape[1]):
            z[i] += x[i, j] * y[j]
    return z


# %% naive_matrix_vector_dot: transposed indexing x[j, i] instead of x[i, j]
# fails: check_matrix_vector_values, check_matrix_vector_edges, check_matrix_vector_new_array, check_matrix_vector_rejects, check_matrix_vector_loops_only
def naive_matrix_vector_dot(x, y):
    assert x.ndim == 2 and y.ndim == 1
    assert x.shape[1] == y.shape[0]
    z = np.zeros(x.shape[0], dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            z[i] += x[j, i] * y[j]
    return z


# %% naive_matrix_vector_dot: no check that x.shape[1] == y.shape[0]
# fails: check_matrix_vector_rejects
def naive_matrix_vector_dot(x, y):
    assert x.ndim == 2 and y.ndim == 1
    z = np.zeros(x.shape[0], dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        for j in range(min(x.shape[1], y.shape[0])):
            z[i] += x[i, j] * y[j]
    return z


# %% naive_matrix_vector_dot: np.dot of each row with y (not loops only)
# fails: check_matrix_vector_loops_only
def naive_matrix_vector_dot(x, y):
    assert x.ndim == 2 and y.ndim == 1
    assert x.shape[1] == y.shape[0]
    z = np.zeros(x.shape[0], dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        z[i] = np.dot(x[i, :], y)
    return z


# %% naive_matrix_vector_dot: row arithmetic sum(x[i, :] * y) (not loops only)
# fails: check_matrix_vector_loops_only
def naive_matrix_vector_dot(x, y):
    assert x.ndim == 2 and y.ndim == 1
    assert x.shape[1] == y.shape[0]
    z = np.zeros(x.shape[0], dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        z[i] = sum(x[i, :] * y)
    return z


# %% naive_matrix_vector_dot_by_rows: computes each row with its own inner loop, never calls naive_vector_dot
# fails: check_by_rows_calls
def naive_matrix_vector_dot_by_rows(x, y):
    assert x.ndim == 2 and y.ndim == 1
    assert x.shape[1] == y.shape[0]
    z = np.zeros(x.shape[0], dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        total = 0
        for j in range(x.shape[1]):
            total += x[i, j] * y[j]
        z[i] = total
    return z


# %% naive_matrix_vector_dot_by_rows: calls naive_vector_dot twice per row (test, then store)
# fails: check_by_rows_calls
def naive_matrix_vector_dot_by_rows(x, y):
    assert x.ndim == 2 and y.ndim == 1
    z = np.zeros(x.shape[0], dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        if naive_vector_dot(x[i, :], y) != 0:
            z[i] = naive_vector_dot(x[i, :], y)
    return z


# %% naive_matrix_vector_dot_by_rows: calls naive_vector_dot per column x[:, j] (computes x.T @ y)
# fails: check_by_rows_values, check_by_rows_calls, check_by_rows_new_array
def naive_matrix_vector_dot_by_rows(x, y):
    assert x.ndim == 2 and y.ndim == 1
    z = np.zeros(x.shape[1], dtype=np.result_type(x.dtype, y.dtype))
    for j in range(x.shape[1]):
        z[j] = naive_vector_dot(x[:, j], y)
    return z


# %% naive_matrix_vector_dot_by_rows: calls naive_vector_dot once per element on 1-element slices
# fails: check_by_rows_calls
def naive_matrix_vector_dot_by_rows(x, y):
    assert x.ndim == 2 and y.ndim == 1
    z = np.zeros(x.shape[0], dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            z[i] += naive_vector_dot(x[i, j:j + 1], y[j:j + 1])
    return z


# %% naive_matrix_vector_dot_by_rows: off-by-one, skips the last row (range(x.shape[0] - 1))
# fails: check_by_rows_values, check_by_rows_calls, check_by_rows_new_array
def naive_matrix_vector_dot_by_rows(x, y):
    assert x.ndim == 2 and y.ndim == 1
    z = np.zeros(x.shape[0], dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0] - 1):
        z[i] = naive_vector_dot(x[i, :], y)
    return z


# %% naive_matrix_vector_dot_by_rows: uses np.dot per row instead of naive_vector_dot
# fails: check_by_rows_calls
def naive_matrix_vector_dot_by_rows(x, y):
    assert x.ndim == 2 and y.ndim == 1
    z = np.zeros(x.shape[0], dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        z[i] = np.dot(x[i, :], y)
    return z


# %% naive_matrix_vector_dot_by_rows: returns a Python list instead of an ndarray
# fails: check_by_rows_values, check_by_rows_calls, check_by_rows_new_array
def naive_matrix_vector_dot_by_rows(x, y):
    assert x.ndim == 2 and y.ndim == 1
    return [naive_vector_dot(x[i, :], y) for i in range(x.shape[0])]


# %% naive_matrix_dot: too slow, recomputes all product rows 0..i (as Python lists) for every entry
# fails: check_matrix_dot_timing
def _as_number(value, kind):
    return int(value) if kind in "iub" else float(value)


def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape[1] == y.shape[0]
    a, b = x.shape
    c = y.shape[1]
    x_rows = [[_as_number(x[r, k], x.dtype.kind) for k in range(b)] for r in range(a)]
    y_rows = [[_as_number(y[k, l], y.dtype.kind) for l in range(c)] for k in range(b)]
    z = np.zeros((a, c), dtype=np.result_type(x.dtype, y.dtype))
    for i in range(a):
        for j in range(c):
            table = []
            for r in range(i + 1):
                table_row = []
                for l in range(c):
                    total = 0
                    for k in range(b):
                        total += x_rows[r][k] * y_rows[k][l]
                    table_row.append(total)
                table.append(table_row)
            z[i, j] = table[i][j]
    return z


# %% naive_matrix_dot: takes row j of y (y[j, :]) instead of column j
# fails: check_matrix_dot_values, check_matrix_dot_edges, check_matrix_dot_new_array, check_matrix_dot_rejects, check_matrix_dot_loops_only, check_matrix_dot_timing
def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape[1] == y.shape[0]
    z = np.zeros((x.shape[0], y.shape[1]), dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            z[i, j] = naive_vector_dot(x[i, :], y[j, :])
    return z


# %% naive_matrix_dot: output shape (x.shape[0], y.shape[0]) instead of (x.shape[0], y.shape[1])
# fails: check_matrix_dot_values, check_matrix_dot_edges, check_matrix_dot_new_array, check_matrix_dot_rejects, check_matrix_dot_loops_only
def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape[1] == y.shape[0]
    z = np.zeros((x.shape[0], y.shape[0]), dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        for j in range(min(y.shape[0], y.shape[1])):
            z[i, j] = naive_vector_dot(x[i, :], y[:, j])
    return z


# %% naive_matrix_dot: integer output array truncates float results
# fails: check_matrix_dot_values, check_matrix_dot_edges, check_matrix_dot_rejects, check_matrix_dot_loops_only, check_matrix_dot_timing
def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape[1] == y.shape[0]
    z = np.zeros((x.shape[0], y.shape[1]), dtype=int)
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            z[i, j] = naive_vector_dot(x[i, :], y[:, j])
    return z


# %% naive_matrix_dot: accumulator not reset for each entry (running total across j)
# fails: check_matrix_dot_values, check_matrix_dot_edges, check_matrix_dot_new_array, check_matrix_dot_rejects, check_matrix_dot_loops_only, check_matrix_dot_timing
def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape[1] == y.shape[0]
    z = np.zeros((x.shape[0], y.shape[1]), dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        total = 0
        for j in range(y.shape[1]):
            for k in range(x.shape[1]):
                total += x[i, k] * y[k, j]
            z[i, j] = total
    return z


# %% naive_matrix_dot: no check that x.shape[1] == y.shape[0]
# fails: check_matrix_dot_rejects
def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2
    z = np.zeros((x.shape[0], y.shape[1]), dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            total = 0
            for k in range(min(x.shape[1], y.shape[0])):
                total += x[i, k] * y[k, j]
            z[i, j] = total
    return z


# %% naive_matrix_dot: takes the column count from len(y[0]), crashes when y has 0 rows
# fails: check_matrix_dot_edges
def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape[1] == y.shape[0]
    columns = len(y[0])
    z = np.zeros((len(x), columns), dtype=np.result_type(x.dtype, y.dtype))
    for i in range(len(x)):
        for j in range(columns):
            z[i, j] = naive_vector_dot(x[i, :], y[:, j])
    return z


# %% naive_matrix_dot: treats the row x[i] as a copy and scales it in place (modifies x)
# fails: check_matrix_dot_values, check_matrix_dot_edges, check_matrix_dot_new_array, check_matrix_dot_rejects, check_matrix_dot_loops_only, check_matrix_dot_timing
def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape[1] == y.shape[0]
    z = np.zeros((x.shape[0], y.shape[1]), dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            row = x[i]
            total = 0
            for k in range(x.shape[1]):
                row[k] = row[k] * y[k, j]
                total += row[k]
            z[i, j] = total
    return z


# %% naive_matrix_dot: np.dot of row i and column j (not loops only)
# fails: check_matrix_dot_loops_only
def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape[1] == y.shape[0]
    z = np.zeros((x.shape[0], y.shape[1]), dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            z[i, j] = np.dot(x[i, :], y[:, j])
    return z


# %% naive_matrix_dot: x[i, :] @ y[:, j] with the matmul operator (not loops only)
# fails: check_matrix_dot_loops_only
def naive_matrix_dot(x, y):
    assert x.ndim == 2 and y.ndim == 2
    assert x.shape[1] == y.shape[0]
    z = np.zeros((x.shape[0], y.shape[1]), dtype=np.result_type(x.dtype, y.dtype))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            z[i, j] = x[i, :] @ y[:, j]
    return z
