"""A student with the typical mistakes, one per function below; the rest are right."""

# %% naive_relu: modifies its input in place instead of writing a new array
def naive_relu(x):
    """Return max(x[i, j], 0) for every entry of the 2-D array x."""
    assert x.ndim == 2
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            x[i, j] = max(x[i, j], 0)
    return x

# %% naive_add: uses NumPy's whole-array addition in a naive function
def naive_add(x, y):
    """Return x[i, j] + y[i, j] for two 2-D arrays of the same shape."""
    assert x.ndim == 2 and x.shape == y.shape
    return x + y

# %% vectorized_add_relu: reference

# %% repeat_along_new_axis: concatenates the un-expanded vector (wrong shape)
def repeat_along_new_axis(y, n):
    """Return an array of shape (n,) + y.shape whose every slice [k] equals y."""
    return np.concatenate([y] * n, axis=0)

# %% naive_add_matrix_and_vector: reference

# %% broadcast_shape: aligns the shapes from the left instead of the right
def broadcast_shape(shape_a, shape_b):
    """Return the broadcast shape of two shapes under NumPy's rule."""
    result = []
    for k in range(max(len(shape_a), len(shape_b))):
        a = shape_a[k] if k < len(shape_a) else 1
        b = shape_b[k] if k < len(shape_b) else 1
        if a != b and a != 1 and b != 1:
            raise ValueError(f"incompatible shapes {shape_a} and {shape_b}")
        result.append(b if a == 1 else a)
    return tuple(result)

# %% naive_vector_dot: reference

# %% naive_matrix_vector_dot: reference

# %% naive_matrix_vector_dot_by_rows: reference

# %% naive_matrix_dot: reference

# %% flatten_images: wrong shape: puts the pixels first, (h * w, n)
def flatten_images(images):
    """Flatten a stack of images of shape (n, h, w) into an array of shape (n, h * w)."""
    assert images.ndim == 3
    n, h, w = images.shape
    return images.reshape((h * w, n))

# %% naive_transpose: reference

# %% make_batches: drops the last, shorter batch
def make_batches(x, batch_size):
    """Cut x along axis 0 into a list of consecutive batches."""
    return [x[k:k + batch_size] for k in range(0, len(x) - batch_size + 1, batch_size)]

# %% gradient_of: reference

# %% dense_gradients: reference

# %% sgd_step: returns the loss as a TensorFlow tensor, not a Python float
def sgd_step(W, b, x, y_true, learning_rate):
    """One gradient-descent step on the mean squared error of a linear model."""
    with tf.GradientTape() as tape:
        y_pred = tf.matmul(x, W) + b
        loss = tf.reduce_mean((y_true - y_pred) ** 2)
    grad_W, grad_b = tape.gradient(loss, [W, b])
    W.assign_sub(learning_rate * grad_W)
    b.assign_sub(learning_rate * grad_b)
    return loss
