"""The rule "uses the tape": returned or applied gradients come from `tape.gradient` of a target
the tape recorded from the inputs."""

import pytest

from tensor_gears.source_rules import uses_gradient_tape

from .sources import rules_source


def test_uses_gradient_tape_through_aliases():
    tape = "with {}() as t:\n        t.watch(x)\n        y = f(x)\n    return t.gradient(y, x)"
    ok = "import tensorflow as tf\ndef g(f, x):\n    " + tape.format("tf.GradientTape")
    aliased = "from tensorflow import GradientTape as Tape\ndef g(f, x):\n    " + tape.format("Tape")
    assert uses_gradient_tape(rules_source(ok), "g") == []
    assert uses_gradient_tape(rules_source(aliased), "g") == []
    assert uses_gradient_tape(rules_source("def g(f, x):\n    return 2 * x"), "g")


TF = "import tensorflow as tf\n"
DENSE_FORWARD = "    with tf.GradientTape() as tape:\n        y = tf.matmul(x, W) + b\n"
TAPE_OK = {
    "returns tape.gradient": "def g(x, W, b):\n" + DENSE_FORWARD + "    return tape.gradient(y, [W, b])",
    "unpacked then returned": "def g(x, W, b):\n" + DENSE_FORWARD + "    dW, db = tape.gradient(y, [W, b])\n"
                                                                    "    return dW, db",
    "persistent tape, then with t": "def g(x, W, b):\n    t = tf.GradientTape(persistent=True)\n    with t:\n"
                                    "        y = x @ W + b\n    return [t.gradient(y, W), t.gradient(y, b)]",
    "tape in a helper": "def _grads(x, W, b):\n" + DENSE_FORWARD + "    return tape.gradient(y, [W, b])\n"
                                                                   "def g(x, W, b):\n    return _grads(x, W, b)",
    "aliased tape class": "from tensorflow import GradientTape as Recorder\ndef g(x, W, b):\n"
                          "    with Recorder() as r:\n        y = x @ W + b\n    return list(r.gradient(y, (W, b)))",
}
TAPE_BAD = {
    "closed form beside an unused tape": ("def g(x, W, b):\n" + DENSE_FORWARD + "    return [tf.matmul(x, "
                                          "tf.ones_like(y), transpose_a=True), tf.fill(b.shape, 2.0)]",
                                          "returns values not computed"),
    "one closed-form element": ("def g(x, W, b):\n" + DENSE_FORWARD + "    dW = tape.gradient(y, W)\n"
                                "    return [dW, tf.ones_like(b)]", "returns values not computed"),
    "target computed after the block": ("def g(x, W, b):\n    with tf.GradientTape() as tape:\n        tape.watch(W)\n"
                                        "    y = x @ W + b\n    return tape.gradient(y, [W, b])", "records no target"),
    "target not from the inputs": ("def g(x, W, b):\n    with tf.GradientTape() as tape:\n"
                                   "        y = tf.constant(1.0)\n    return tape.gradient(y, [W, b])",
                                   "records no target"),
    "no tape at all": ("def g(x, W, b):\n    return [x, b]", "opens no tf.GradientTape"),
}


@pytest.mark.parametrize("code", TAPE_OK.values(), ids=TAPE_OK.keys())
def test_tape_gradients_are_accepted(code):
    assert uses_gradient_tape(rules_source(TF + code), "g") == []


@pytest.mark.parametrize("code,quoted", TAPE_BAD.values(), ids=TAPE_BAD.keys())
def test_gradients_not_from_the_tape_are_flagged(code, quoted):
    violations = uses_gradient_tape(rules_source(TF + code), "g")
    assert violations and any(quoted in v for v in violations), violations


SGD_LOSS = "    with tf.GradientTape() as tape:\n        loss = tf.reduce_mean(tf.square(y - (x @ W + b)))\n"


def test_applied_gradients_must_be_the_tapes():
    head = "def s(W, b, x, y, lr):\n" + SGD_LOSS
    assign = head + ("    grads = tape.gradient(loss, [W, b])\n    W.assign_sub(lr * grads[0])\n"
                     "    b.assign_sub(lr * grads[1])\n    return float(loss)")
    optimizer = head + ("    grads = tape.gradient(loss, [W, b])\n"
                        "    tf.keras.optimizers.SGD(lr).apply_gradients(zip(grads, [W, b]))\n    return float(loss)")
    closed = head + ("    g = tape.gradient(loss, [W, b])\n"
                     "    W.assign_sub(lr * tf.matmul(x, x @ W + b - y, transpose_a=True))\n"
                     "    b.assign_sub(lr * g[1])\n    return float(loss)")
    nothing = "def s(W, b, x, y, lr):\n" + SGD_LOSS + "    return float(loss)"
    assert uses_gradient_tape(rules_source(TF + assign), "s", applies=True) == []
    assert uses_gradient_tape(rules_source(TF + optimizer), "s", applies=True) == []
    violations = uses_gradient_tape(rules_source(TF + closed), "s", applies=True)
    assert len(violations) == 1 and violations[0].startswith("`W.assign_sub(lr * tf.matmul(")
    assert "(line 7) applies" in violations[0]
    assert "updates no variable" in uses_gradient_tape(rules_source(TF + nothing), "s", applies=True)[0]
