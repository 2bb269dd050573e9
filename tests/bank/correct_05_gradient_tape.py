# %% gradient_of: watch x, then tape.gradient(f(x), x)
def gradient_of(f, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        result = f(x)
    return tape.gradient(result, x)


# %% gradient_of: persistent tape, deleted after use
def gradient_of(f, x):
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = f(x)
    grad = tape.gradient(y, x)
    del tape
    return grad


# %% gradient_of: from tensorflow import GradientTape, watch a list, unpack a list of sources
from tensorflow import GradientTape


def gradient_of(f, x):
    with GradientTape() as tape:
        tape.watch([x])
        y = f(x)
    (grad,) = tape.gradient(y, [x])
    return grad


# %% gradient_of: watch_accessed_variables=False with an explicit watch, NumPy array result
def gradient_of(f, x):
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x)
        value = f(x)
    return np.asarray(tape.gradient(value, x))


# %% gradient_of: explicit tf.reduce_sum of f(x) inside the tape, tensorflow alias
import tensorflow as tflib


def gradient_of(f, x):
    with tflib.GradientTape() as g:
        g.watch(x)
        total = tflib.reduce_sum(f(x))
    return g.gradient(total, x)


# %% gradient_of: helper that builds the watched tape, unconnected gradients as zeros
def _recording_tape(source):
    tape = tf.GradientTape()
    tape.__enter__()
    tape.watch(source)
    return tape


def gradient_of(f, x):
    tape = _recording_tape(x)
    try:
        y = f(x)
    finally:
        tape.__exit__(None, None, None)
    return tape.gradient(y, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)


# %% dense_gradients: watch [W, b], gradient with respect to [W, b]
def dense_gradients(x, W, b):
    with tf.GradientTape() as tape:
        tape.watch([W, b])
        y = tf.matmul(x, W) + b
    return tape.gradient(y, [W, b])


# %% dense_gradients: relies on the automatic watching of trainable variables, @ operator
def dense_gradients(x, W, b):
    with tf.GradientTape() as tape:
        y = x @ W + b
    grad_W, grad_b = tape.gradient(y, [W, b])
    return [grad_W, grad_b]


# %% dense_gradients: persistent tape, one gradient call per variable, tuple result
def dense_gradients(x, W, b):
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(W)
        tape.watch(b)
        y = tf.add(tf.matmul(x, W), b)
    grad_W = tape.gradient(y, W)
    grad_b = tape.gradient(y, b)
    del tape
    return (grad_W, grad_b)


# %% dense_gradients: from tensorflow import GradientTape, explicit reduce_sum, NumPy arrays
from tensorflow import GradientTape as Tape


def dense_gradients(x, W, b):
    with Tape() as tape:
        y = tf.linalg.matmul(x, W) + b
        total = tf.reduce_sum(y)
    grads = tape.gradient(total, {"W": W, "b": b})
    return [grads["W"].numpy(), grads["b"].numpy()]


# %% dense_gradients: helper that returns the tape and the output
def _forward(x, W, b):
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(W)
        tape.watch(b)
        y = tf.matmul(x, W) + b
    return tape, y


def dense_gradients(x, W, b):
    tape, y = _forward(x, W, b)
    return list(tape.gradient(y, (W, b)))


# %% sgd_step: watch [W, b], reduce_mean of the squared error, assign_sub, float(loss)
def sgd_step(W, b, x, y_true, learning_rate):
    with tf.GradientTape() as tape:
        tape.watch([W, b])
        y_pred = tf.matmul(x, W) + b
        loss = tf.reduce_mean((y_true - y_pred) ** 2)
    grad_W, grad_b = tape.gradient(loss, [W, b])
    W.assign_sub(learning_rate * grad_W)
    b.assign_sub(learning_rate * grad_b)
    return float(loss)


# %% sgd_step: tf.square, W.assign(W - lr * g), loss.numpy().item()
def sgd_step(W, b, x, y_true, learning_rate):
    with tf.GradientTape() as tape:
        y_pred = tf.matmul(x, W) + b
        loss = tf.reduce_mean(tf.square(y_pred - y_true))
    gradients = tape.gradient(loss, [W, b])
    W.assign(W - learning_rate * gradients[0])
    b.assign(b - learning_rate * gradients[1])
    return loss.numpy().item()


# %% sgd_step: loss value saved as a float first, then updates in a loop over pairs
def sgd_step(W, b, x, y_true, learning_rate):
    with tf.GradientTape() as tape:
        tape.watch(W)
        tape.watch(b)
        error = y_true - (x @ W + b)
        loss = tf.reduce_sum(error * error) / tf.cast(tf.size(error), error.dtype)
    loss_before = float(loss.numpy())
    for variable, grad in zip([W, b], tape.gradient(loss, [W, b])):
        variable.assign_add(-learning_rate * grad)
    return loss_before


# %% sgd_step: persistent tape via from tensorflow import GradientTape, tf.math ops
from tensorflow import GradientTape


def sgd_step(W, b, x, y_true, learning_rate):
    with GradientTape(persistent=True) as tape:
        y_pred = tf.math.add(tf.linalg.matmul(x, W), b)
        loss = tf.math.reduce_mean(tf.math.squared_difference(y_true, y_pred))
    grad_W = tape.gradient(loss, W)
    grad_b = tape.gradient(loss, b)
    del tape
    W.assign_sub(tf.cast(learning_rate, W.dtype) * grad_W)
    b.assign_sub(tf.cast(learning_rate, b.dtype) * grad_b)
    return float(loss)


# %% sgd_step: helper computing loss and gradients, NumPy update values assigned in place
def _loss_and_gradients(W, b, x, y_true):
    with tf.GradientTape() as tape:
        y_pred = tf.matmul(x, W) + b
        loss = tf.reduce_mean(tf.square(y_true - y_pred))
    return loss, tape.gradient(loss, [W, b])


def sgd_step(W, b, x, y_true, learning_rate):
    loss, (grad_W, grad_b) = _loss_and_gradients(W, b, x, y_true)
    W.assign(W.numpy() - learning_rate * grad_W.numpy())
    b.assign(b.numpy() - learning_rate * grad_b.numpy())
    return float(loss)


# %% gradient_of: the tape in a helper that returns its gradient
def _tape_gradient(f, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


def gradient_of(f, x):
    return _tape_gradient(f, x)


# %% gradient_of: tf.GradientTape under a module-level alias (Recorder = tf.GradientTape)
Recorder = tf.GradientTape


def gradient_of(f, x):
    with Recorder() as recorder:
        recorder.watch(x)
        y = f(x)
    return recorder.gradient(y, x)


# %% dense_gradients: persistent tape assigned first, then entered with `with t:`
def dense_gradients(x, W, b):
    t = tf.GradientTape(persistent=True)
    with t:
        y = tf.matmul(x, W) + b
    grads = [t.gradient(y, W), t.gradient(y, b)]
    del t
    return grads


# %% dense_gradients: dW, db = tape.gradient(y, [W, b]), returned as a tuple
def dense_gradients(x, W, b):
    with tf.GradientTape() as tape:
        y = tf.matmul(x, W) + b
    dW, db = tape.gradient(y, [W, b])
    return dW, db


# %% sgd_step: grads = tape.gradient(loss, [W, b]), then W.assign_sub(learning_rate * grads[0])
def sgd_step(W, b, x, y_true, learning_rate):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(y_true - (tf.matmul(x, W) + b)))
    grads = tape.gradient(loss, [W, b])
    W.assign_sub(learning_rate * grads[0])
    b.assign_sub(learning_rate * grads[1])
    return float(loss)


# %% sgd_step: tf.keras.optimizers.SGD(learning_rate).apply_gradients(zip(grads, [W, b]))
def sgd_step(W, b, x, y_true, learning_rate):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(y_true - (tf.matmul(x, W) + b)))
    grads = tape.gradient(loss, [W, b])
    optimizer = tf.keras.optimizers.SGD(learning_rate)
    optimizer.apply_gradients(zip(grads, [W, b]))
    return float(loss)
