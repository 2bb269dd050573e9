"""A perfect student whose 04_reshaping.ipynb file got truncated (see the file next to this one)."""

# %% naive_relu: reference

# %% naive_add: reference

# %% vectorized_add_relu: reference

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

