# BUGGY implementations for 05_gradient_tape: each section has ONE mistake, named in its label; the line under
# its header names the checks that mistake must fail (`# fails: check_a, check_b`), all others pass.

# %% gradient_of: no tape.watch (None for constants and non-trainable variables)
# fails: check_gradient_untrainable, check_gradient_constant, check_gradient_float64
def gradient_of(f, x):
    with tf.GradientTape() as tape:
        y = f(x)
    return tape.gradient(y, x)


# %% gradient_of: watches only tensors, not variables (None for a non-trainable variable)
# fails: check_gradient_untrainable
def gradient_of(f, x):
    with tf.GradientTape() as tape:
        if not isinstance(x, tf.Variable):
            tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


# %% gradient_of: reduce_mean of a non-scalar f(x) instead of the tape's sum
# fails: check_gradient_untrainable, check_gradient_constant, check_gradient_non_scalar, check_gradient_float64
def gradient_of(f, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_mean(f(x))
    return tape.gradient(y, x)


# %% gradient_of: f(x) computed after the with block (the tape records nothing)
# fails: check_gradient_variable, check_gradient_untrainable, check_gradient_constant, check_gradient_non_scalar, check_gradient_float64, check_gradient_tape
def gradient_of(f, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
    y = f(x)
    return tape.gradient(y, x)


# %% gradient_of: tape.jacobian instead of tape.gradient (no sum for a non-scalar f)
# fails: check_gradient_untrainable, check_gradient_constant, check_gradient_non_scalar, check_gradient_float64
def gradient_of(f, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.jacobian(y, x)


# %% gradient_of: no tape, central finite differences
# fails: check_gradient_variable, check_gradient_untrainable, check_gradient_constant, check_gradient_non_scalar, check_gradient_float64, check_gradient_tape
def gradient_of(f, x):
    values = np.array(x.numpy(), dtype=np.float64)
    grad = np.zeros_like(values)
    eps = 1e-4
    for index in np.ndindex(values.shape):
        up = values.copy()
        down = values.copy()
        up[index] += eps
        down[index] -= eps
        f_up = float(tf.reduce_sum(f(tf.constant(up, dtype=x.dtype))))
        f_down = float(tf.reduce_sum(f(tf.constant(down, dtype=x.dtype))))
        grad[index] = (f_up - f_down) / (2 * eps)
    return grad


# %% dense_gradients: hand-derived formula, no tape (x^T @ ones and the batch size)
# fails: check_dense_tape
def dense_gradients(x, W, b):
    batch = x.shape[0]
    m = W.shape[1]
    grad_W = tf.matmul(x, tf.ones((batch, m), dtype=x.dtype), transpose_a=True)
    grad_b = tf.fill(b.shape, tf.cast(batch, b.dtype))
    return [grad_W, grad_b]


# %% dense_gradients: returns [dy/db, dy/dW], the order swapped
# fails: check_dense_example, check_dense_values, check_dense_structure, check_dense_unchanged, check_dense_tape
def dense_gradients(x, W, b):
    with tf.GradientTape() as tape:
        y = tf.matmul(x, W) + b
    grad_W, grad_b = tape.gradient(y, [W, b])
    return [grad_b, grad_W]


# %% dense_gradients: gradient of reduce_mean(y) instead of the tape's sum
# fails: check_dense_example, check_dense_values, check_dense_structure, check_dense_unchanged, check_dense_tape
def dense_gradients(x, W, b):
    with tf.GradientTape() as tape:
        y = tf.reduce_mean(tf.matmul(x, W) + b)
    return tape.gradient(y, [W, b])


# %% dense_gradients: watch_accessed_variables=False without tape.watch (gradients are None)
# fails: check_dense_example, check_dense_values, check_dense_structure, check_dense_unchanged, check_dense_tape
def dense_gradients(x, W, b):
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        y = tf.matmul(x, W) + b
    return tape.gradient(y, [W, b])


# %% dense_gradients: forgets + b in y (dy/db is None)
# fails: check_dense_example, check_dense_values, check_dense_structure, check_dense_unchanged, check_dense_tape
def dense_gradients(x, W, b):
    with tf.GradientTape() as tape:
        y = tf.matmul(x, W)
    return tape.gradient(y, [W, b])


# %% dense_gradients: also applies the gradients to W and b (modifies its inputs)
# fails: check_dense_unchanged
def dense_gradients(x, W, b):
    with tf.GradientTape() as tape:
        y = tf.matmul(x, W) + b
    grad_W, grad_b = tape.gradient(y, [W, b])
    W.assign_sub(0.01 * grad_W)
    b.assign_sub(0.01 * grad_b)
    return [grad_W, grad_b]


# %% sgd_step: returns the loss after the update
# fails: check_sgd_loss, check_sgd_tape
def sgd_step(W, b, x, y_true, learning_rate):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(y_true - (tf.matmul(x, W) + b)))
    grad_W, grad_b = tape.gradient(loss, [W, b])
    W.assign_sub(learning_rate * grad_W)
    b.assign_sub(learning_rate * grad_b)
    new_loss = tf.reduce_mean(tf.square(y_true - (tf.matmul(x, W) + b)))
    return float(new_loss)


# %% sgd_step: returns the TensorFlow scalar instead of a Python float
# fails: check_sgd_float
def sgd_step(W, b, x, y_true, learning_rate):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(y_true - (tf.matmul(x, W) + b)))
    grad_W, grad_b = tape.gradient(loss, [W, b])
    W.assign_sub(learning_rate * grad_W)
    b.assign_sub(learning_rate * grad_b)
    return loss


# %% sgd_step: returns loss.numpy() (a NumPy float32) instead of a Python float
# fails: check_sgd_float
def sgd_step(W, b, x, y_true, learning_rate):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(y_true - (tf.matmul(x, W) + b)))
    grad_W, grad_b = tape.gradient(loss, [W, b])
    W.assign_sub(learning_rate * grad_W)
    b.assign_sub(learning_rate * grad_b)
    return loss.numpy()


# %% sgd_step: rebinds the local names W and b instead of updating the variables in place
# fails: check_sgd_update, check_sgd_tape
def sgd_step(W, b, x, y_true, learning_rate):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(y_true - (tf.matmul(x, W) + b)))
    grad_W, grad_b = tape.gradient(loss, [W, b])
    W = W - learning_rate * grad_W
    b = b - learning_rate * grad_b
    return float(loss)


# %% sgd_step: sum of squared errors instead of the mean
# fails: check_sgd_loss, check_sgd_update, check_sgd_tape
def sgd_step(W, b, x, y_true, learning_rate):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(y_true - (tf.matmul(x, W) + b)))
    grad_W, grad_b = tape.gradient(loss, [W, b])
    W.assign_sub(learning_rate * grad_W)
    b.assign_sub(learning_rate * grad_b)
    return float(loss)


# %% sgd_step: wrong sign of the update (assign_add of +learning_rate * gradient)
# fails: check_sgd_update
def sgd_step(W, b, x, y_true, learning_rate):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(y_true - (tf.matmul(x, W) + b)))
    grad_W, grad_b = tape.gradient(loss, [W, b])
    W.assign_add(learning_rate * grad_W)
    b.assign_add(learning_rate * grad_b)
    return float(loss)


# %% sgd_step: forgets to update b
# fails: check_sgd_update
def sgd_step(W, b, x, y_true, learning_rate):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(y_true - (tf.matmul(x, W) + b)))
    grad_W = tape.gradient(loss, W)
    W.assign_sub(learning_rate * grad_W)
    return float(loss)


# %% sgd_step: hand-derived gradients, no tape
# fails: check_sgd_tape
def sgd_step(W, b, x, y_true, learning_rate):
    x = tf.convert_to_tensor(x)
    residual = tf.matmul(x, W) + b - y_true
    loss = tf.reduce_mean(tf.square(residual))
    d_pred = 2.0 * residual / tf.cast(tf.size(residual), residual.dtype)
    W.assign_sub(learning_rate * tf.matmul(x, d_pred, transpose_a=True))
    b.assign_sub(learning_rate * tf.reduce_sum(d_pred, axis=0))
    return float(loss)


# %% gradient_of: opens a tape and records f(x), but returns forward-mode (ForwardAccumulator) derivatives
# fails: check_gradient_tape
def gradient_of(f, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    value = tf.convert_to_tensor(x)
    size = int(tf.size(value))
    columns = []
    for i in range(size):
        tangent = tf.reshape(tf.one_hot(i, size, dtype=value.dtype), tf.shape(value))
        with tf.autodiff.ForwardAccumulator(value, tangent) as accumulator:
            total = tf.reduce_sum(f(value))
        columns.append(accumulator.jvp(total))
    return tf.reshape(tf.stack(columns), tf.shape(value))


# %% dense_gradients: hand-derived formula returned beside a tape that records y but is never asked
# fails: check_dense_tape
def dense_gradients(x, W, b):
    with tf.GradientTape() as tape:
        y = tf.matmul(x, W) + b
    grad_W = tf.matmul(x, tf.ones_like(y), transpose_a=True)
    grad_b = tf.reduce_sum(tf.ones_like(y), axis=0)
    return [grad_W, grad_b]


# %% sgd_step: hand-derived update applied, the tape's gradients computed but unused
# fails: check_sgd_tape
def sgd_step(W, b, x, y_true, learning_rate):
    with tf.GradientTape() as tape:
        residual = tf.matmul(x, W) + b - y_true
        loss = tf.reduce_mean(tf.square(residual))
    tape.gradient(loss, [W, b])
    d_pred = 2.0 * residual / tf.cast(tf.size(residual), residual.dtype)
    W.assign_sub(learning_rate * tf.matmul(x, d_pred, transpose_a=True))
    b.assign_sub(learning_rate * tf.reduce_sum(d_pred, axis=0))
    return float(loss)
