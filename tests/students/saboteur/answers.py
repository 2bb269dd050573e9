"""A student whose code misbehaves in every way it can; the tests assert what each costs."""

# %% naive_relu: correct, but the same cell ends with an infinite loop (the kernel times out)
def naive_relu(x):
    """Return max(x[i, j], 0) for every entry of the 2-D array x, in a new array."""
    assert x.ndim == 2
    out = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = max(x[i, j], 0)
    return out


while True:
    pass

# %% naive_add: ends the process that runs it
def naive_add(x, y):
    """Return x[i, j] + y[i, j]."""
    import os

    os._exit(0)

# %% vectorized_add_relu: raises SystemExit
def vectorized_add_relu(x, y):
    """Return relu(x + y)."""
    raise SystemExit(3)

# %% repeat_along_new_axis: correct, but the cell then kills its own kernel
def repeat_along_new_axis(y, n):
    """Return an array of shape (n,) + y.shape whose every slice [k] equals y."""
    return np.concatenate([y[np.newaxis]] * n, axis=0)


import os
import signal

os.kill(os.getpid(), signal.SIGKILL)

# %% naive_add_matrix_and_vector: reference

# %% broadcast_shape: returns a tuple subclass that claims to equal anything
class Anything(tuple):
    def __eq__(self, other):
        return True


def broadcast_shape(shape_a, shape_b):
    """Return the broadcast shape."""
    return Anything()

# %% naive_vector_dot: reference

# %% naive_matrix_vector_dot: returns an ndarray subclass whose == always says True
class Agreeable(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)


def naive_matrix_vector_dot(x, y):
    """Return the product of a matrix and a vector."""
    return np.zeros(x.shape[0]).view(Agreeable)

# %% naive_matrix_vector_dot_by_rows: reference

# %% naive_matrix_dot: renamed to naive_matrix_dot2, so naive_matrix_dot is missing
def naive_matrix_dot2(x, y):
    """Not the name the contract asks for."""
    return x @ y

# %% flatten_images: correct, after printing a huge amount of text
def flatten_images(images):
    """Flatten a stack of images of shape (n, h, w) into (n, h * w)."""
    print("x" * 50_000_000)
    assert images.ndim == 3
    n, h, w = images.shape
    return images.reshape((n, h * w))

# %% naive_transpose: tries to allocate far more memory than the machine has
def naive_transpose(x):
    """Return the transpose of x."""
    huge = np.ones((200_000, 200_000))
    return huge[: x.shape[1], : x.shape[0]]

# %% make_batches: returns an object array of batches
def make_batches(x, batch_size):
    """Cut x into batches."""
    batches = np.empty(2, dtype=object)
    batches[0], batches[1] = x[:batch_size], x[batch_size:]
    return batches

# %% gradient_of: reference

# %% dense_gradients: reference

# %% sgd_step: never returns
def sgd_step(W, b, x, y_true, learning_rate):
    """One step of gradient descent."""
    while True:
        pass
