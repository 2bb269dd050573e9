"""A student whose "vectorized" answer loops; everything else is right."""

# %% naive_relu: reference

# %% naive_add: reference

# %% vectorized_add_relu: loops over the entries, so it is neither vectorized nor fast
def vectorized_add_relu(x, y):
    """Return relu(x + y) for two arrays of the same shape."""
    out = np.zeros(x.shape, dtype=np.result_type(x, y))
    for index in np.ndindex(x.shape):
        out[index] = max(x[index] + y[index], 0)
    return out

# %% repeat_along_new_axis: reference

# %% naive_add_matrix_and_vector: reference

# %% broadcast_shape: reference

# %% naive_vector_dot: reference

# %% naive_matrix_vector_dot: reference

# %% naive_matrix_vector_dot_by_rows: reference

# %% naive_matrix_dot: reference

# %% flatten_images: reference

# %% naive_transpose: reference

# %% make_batches: reference

# %% gradient_of: reference

# %% dense_gradients: reference

# %% sgd_step: reference

