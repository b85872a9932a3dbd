"""Every differentiable op of glassnet.ops: its tape gradient against float64 central
differences, through the check_gradients harness (a layer whose call is the op)."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import ops
from glassnet.testing import check_gradients


class OpLayer(keras.layers.Layer):
    """call(x) = op(x): a layer written only with call, so its backward is the tape's."""

    def __init__(self, op, **kwargs):
        super().__init__(**kwargs)
        self.op = op

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="random_normal")

    def call(self, inputs):
        return self.op(inputs, self.w)


POSITIVE = lambda x: ops.exp(x) + 0.5  # noqa: E731  (inputs of log, sqrt, ...)
OPS = {
    "add": lambda x, w: x + w,
    "subtract": lambda x, w: ops.subtract(x, w),
    "rsubtract": lambda x, w: 1.0 - x * w,
    "multiply": lambda x, w: ops.multiply(x, w),
    "divide": lambda x, w: x / (ops.square(w) + 1.0),
    "power": lambda x, w: ops.power(POSITIVE(x), w),
    "maximum": lambda x, w: ops.maximum(x, w),
    "minimum": lambda x, w: ops.minimum(x, w),
    "where": lambda x, w: ops.where(np.arange(4) % 2 == 0, x, w * x),
    "clip": lambda x, w: ops.clip(x * w, -0.3, 0.4),
    "negative": lambda x, w: -(x * w),
    "exp": lambda x, w: ops.exp(x * w),
    "log": lambda x, w: ops.log(POSITIVE(x * w)),
    "log1p": lambda x, w: ops.log1p(POSITIVE(x * w)),
    "expm1": lambda x, w: ops.expm1(x * w),
    "sqrt": lambda x, w: ops.sqrt(POSITIVE(x * w)),
    "rsqrt": lambda x, w: ops.rsqrt(POSITIVE(x * w)),
    "square": lambda x, w: ops.square(x * w),
    "abs": lambda x, w: ops.abs(x * w),
    "sin_cos": lambda x, w: ops.sin(x) * ops.cos(w),
    "reciprocal": lambda x, w: ops.reciprocal(POSITIVE(x * w)),
    "matmul": lambda x, w: ops.matmul(x, ops.expand_dims(w, -1) * ops.ones((1, 3))),
    "matmul_vector": lambda x, w: ops.matmul(x, w),
    "dot": lambda x, w: ops.dot(x, ops.expand_dims(w, -1)),
    "einsum": lambda x, w: ops.einsum("bi,i->b", x, w),
    "einsum_outer": lambda x, w: ops.einsum("bi,j->bij", x, w),
    "reshape": lambda x, w: ops.reshape(x * w, (-1, 2, 2)),
    "transpose": lambda x, w: ops.transpose(ops.reshape(x * w, (-1, 2, 2)), (0, 2, 1)),
    "expand_squeeze": lambda x, w: ops.squeeze(ops.expand_dims(x * w, 1), 1),
    "concatenate": lambda x, w: ops.concatenate([x, x * w], axis=-1),
    "stack": lambda x, w: ops.stack([x, x * w], axis=1),
    "split": lambda x, w: ops.split(x * w, 2, axis=-1)[1] * 3.0,
    "getitem": lambda x, w: (x * w)[:, 1:3],
    "take": lambda x, w: ops.take(x * w, [0, 2, 2], axis=1),
    "sum": lambda x, w: ops.sum(x * w, axis=-1),
    "mean": lambda x, w: ops.mean(x * w, axis=1, keepdims=True),
    "max": lambda x, w: ops.max(x * w, axis=-1),
    "min": lambda x, w: ops.min(x * w, axis=-1),
    "var": lambda x, w: ops.var(x * w, axis=-1),
    "std": lambda x, w: ops.std(x * w + w, axis=-1),
    "norm": lambda x, w: ops.norm(x * w, axis=-1),
    "relu": lambda x, w: ops.relu(x * w),
    "sigmoid": lambda x, w: ops.sigmoid(x * w),
    "tanh": lambda x, w: ops.tanh(x * w),
    "gelu": lambda x, w: ops.gelu(x * w),
    "elu": lambda x, w: ops.elu(x * w),
    "selu": lambda x, w: ops.selu(x * w),
    "softplus": lambda x, w: ops.softplus(x * w),
    "silu": lambda x, w: ops.silu(x * w),
    "leaky_relu": lambda x, w: ops.leaky_relu(x * w),
    "softmax": lambda x, w: ops.softmax(x * w),
    "log_softmax": lambda x, w: ops.log_softmax(x * w),
    "logsumexp": lambda x, w: ops.logsumexp(x * w, axis=-1),
    "broadcast_to": lambda x, w: ops.broadcast_to(w, (1, 4)) * x,
    "cast": lambda x, w: ops.cast(x * w, "float64"),
    "used_twice": lambda x, w: x * w + ops.tanh(x * w) * x,
    "tan": lambda x, w: ops.tan(0.3 * x * w),
    "sinh_cosh": lambda x, w: ops.sinh(x * w) + ops.cosh(w * 0.5),
    "arctan": lambda x, w: ops.arctan(x * w),
    "arcsin_arccos": lambda x, w: ops.arcsin(0.9 * ops.tanh(x * w)) + ops.arccos(0.8 * ops.tanh(w)),
    "log2_log10_exp2": lambda x, w: ops.log2(POSITIVE(x * w)) + ops.log10(POSITIVE(w)) * ops.exp2(x),
    "erf": lambda x, w: ops.erf(x * w),
    "relu6": lambda x, w: ops.relu6(4.0 * x * w + 3.0),
    "hard_sigmoid": lambda x, w: ops.hard_sigmoid(3.0 * x * w),
    "log_sigmoid": lambda x, w: ops.log_sigmoid(x * w),
    "softsign": lambda x, w: ops.softsign(x * w),
    "nan_to_num": lambda x, w: ops.nan_to_num(x * w),
    "cumsum": lambda x, w: ops.cumsum(x * w, axis=1),
    "cumsum_flat": lambda x, w: ops.cumsum(x * w),
    "prod": lambda x, w: ops.prod(x * w, axis=-1),
    "prod_with_a_zero": lambda x, w: ops.prod(ops.where(np.arange(4) == 1, 0.0, x * w), axis=-1),
    "tile": lambda x, w: ops.tile(x * w, (2, 3)),
    "repeat": lambda x, w: ops.repeat(x * w, 2, axis=1),
    "repeat_flat": lambda x, w: ops.repeat(x * w, 2),
    "repeat_each": lambda x, w: ops.repeat(x * w, [1, 2, 3, 1], axis=1),
    "pad": lambda x, w: ops.pad(x * w, [[1, 0], [2, 1]]),
    "flip": lambda x, w: ops.flip(x * w, axis=1),
    "roll": lambda x, w: ops.roll(x * w, 1, axis=1),
    "take_along_axis": lambda x, w: ops.take_along_axis(x * w, ops.argsort(x, axis=1)[:, [0, 0, 3]], axis=1),
    "tril_triu": lambda x, w: ops.tril(x * w) + 2.0 * ops.triu(x * w, 1),
    "sort": lambda x, w: ops.sort(x * w, axis=-1),
    "top_k": lambda x, w: ops.top_k(x * w, 2)[0],
    "tensordot": lambda x, w: ops.tensordot(x, ops.expand_dims(w, -1) * ops.ones((1, 3)), axes=1),
    "outer": lambda x, w: ops.outer(x, w),
    "hstack": lambda x, w: ops.hstack([x, x * w]),
    "vstack": lambda x, w: ops.vstack([x * w, x]),
    "unstack": lambda x, w: ops.unstack(x * w, axis=1)[2],
    "moments": lambda x, w: ops.moments(x * w, axes=[1])[0] + ops.moments(x * w, axes=[1])[1],
    "normalize": lambda x, w: ops.normalize(x * w, axis=-1),
    "binary_crossentropy": lambda x, w: ops.binary_crossentropy(np.array([1.0, 0.0, 1.0, 0.0]), ops.sigmoid(x * w)),
    "binary_crossentropy_logits": lambda x, w: ops.binary_crossentropy(np.array([1.0, 0.0, 0.5, 0.0]), x * w,
                                                                       from_logits=True),
    "categorical_crossentropy": lambda x, w: ops.categorical_crossentropy(np.array([0.2, 0.0, 0.8, 0.0]), ops.softmax(x * w)),
    "sparse_categorical_logits": lambda x, w: ops.sparse_categorical_crossentropy(np.arange(x.shape[0]) % 4, x * w,
                                                                                  from_logits=True),
}


@pytest.mark.parametrize("name", list(OPS))
def test_op_gradient_matches_finite_differences(name):
    keras.utils.set_random_seed(1)
    layer = OpLayer(OPS[name])
    x = np.random.default_rng(2).normal(size=(3, 4))
    result = check_gradients(layer, x)
    assert result.ok, (name, result.errors)


def test_stop_gradient_passes_no_gradient():
    from glassnet.ops import Tape
    tape = Tape()
    x = tape.watch(np.array([1.0, 2.0]))
    with tape:
        y = x * 2.0 + ops.stop_gradient(x * 3.0)
    totals = tape.backward([y], [np.ones(2)])
    np.testing.assert_array_equal(totals[id(x)], [2.0, 2.0])
    np.testing.assert_array_equal(y.value, [5.0, 10.0])


def test_ops_on_arrays_compute_at_once():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert isinstance(ops.matmul(x, x), np.ndarray)
    np.testing.assert_allclose(ops.matmul(x, x), x @ x)
    np.testing.assert_allclose(ops.softmax(np.array([0.0, np.log(3.0)])), [0.25, 0.75])
    np.testing.assert_allclose(ops.log_softmax(np.array([0.0, 0.0])), np.log([0.5, 0.5]))
    assert ops.argmax(x, axis=-1).tolist() == [1, 1]
    np.testing.assert_array_equal(ops.one_hot(np.array([0, 2]), 3), [[1, 0, 0], [0, 0, 1]])
    assert ops.convert_to_tensor([1.0, 2.0]).dtype == np.float32
    assert ops.shape(x) == (2, 2) and ops.convert_to_numpy(x) is x
    np.testing.assert_allclose(ops.std(x), np.std(x))
    np.testing.assert_allclose(ops.norm(x), np.linalg.norm(x))
    assert ops.zeros((2, 3)).shape == (2, 3) and ops.eye(3).sum() == 3 and list(ops.arange(3)) == [0, 1, 2]


def test_a_layer_written_with_ops_gives_the_gradients_of_the_hand_written_dense():
    """The tape and the fast path agree (float32 rounding: rtol 1e-5)."""

    class Linear(keras.layers.Layer):
        def __init__(self, units):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform")
            self.b = self.add_weight(shape=(self.units,), initializer="zeros")

        def call(self, inputs):
            return ops.tanh(ops.matmul(inputs, self.w) + self.b)

    x = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    g = np.random.default_rng(1).normal(size=(5, 4)).astype(np.float32)
    mine, dense = Linear(4), keras.layers.Dense(4, activation="tanh")
    mine(x), dense(x)
    dense.set_weights(mine.get_weights())
    np.testing.assert_allclose(mine.forward(x, True), dense.forward(x, True), rtol=1e-5)
    grad_mine, grad_dense = mine.backward(g), dense.backward(g)
    np.testing.assert_allclose(grad_mine, grad_dense, rtol=1e-5, atol=1e-6)
    for a, b in zip(mine.weights, dense.weights):
        np.testing.assert_allclose(a.grad, b.grad, rtol=1e-5, atol=1e-6)
