"""glassnet.ops gives the numbers keras.ops gives, and glassnet.random keeps Keras's seed rules.

The expected values were printed by Keras 3.15.1 on the JAX backend (2026-12-02) for the same
calls, x = [[-4, -1, 0.5, 2, 7]], p = [[0.1, 0.7, 0.2]], t = [[0, 1, 0]] (float32).
"""

import numpy as np
import pytest

import glassnet as keras
from glassnet import ops

X = np.array([[-4.0, -1.0, 0.5, 2.0, 7.0]], np.float32)
P = np.array([[0.1, 0.7, 0.2]], np.float32)
T = np.array([[0.0, 1.0, 0.0]], np.float32)

KERAS = {
    "hard_sigmoid": (lambda: ops.hard_sigmoid(X), [[0.0, 0.3333333432674408, 0.5833333730697632, 0.8333333730697632, 1.0]]),
    "log_sigmoid": (lambda: ops.log_sigmoid(X), [[-4.0181498527526855, -1.3132617473602295, -0.4740769863128662,
                                                  -0.12692800164222717, -0.000911466486286372]]),
    "relu6": (lambda: ops.relu6(X), [[0.0, 0.0, 0.5, 2.0, 6.0]]),
    "softsign": (lambda: ops.softsign(X), [[-0.800000011920929, -0.5, 0.3333333432674408, 0.6666666865348816, 0.875]]),
    "normalize": (lambda: ops.normalize(X), [[-0.4772399961948395, -0.11930999904870987, 0.059654999524354935,
                                              0.23861999809741974, 0.8351699709892273]]),
    "top_k values": (lambda: ops.top_k(X, 2)[0], [[7.0, 2.0]]),
    "top_k indices": (lambda: ops.top_k(X, 2)[1], [[4, 3]]),
    "binary_crossentropy": (lambda: ops.binary_crossentropy(T, P), [[0.10536054521799088, 0.3566749691963196,
                                                                     0.2231435328722]]),
    "binary_crossentropy logits": (lambda: ops.binary_crossentropy(T, P, from_logits=True),
                                   [[0.7443966865539551, 0.4031860828399658, 0.7981389164924622]]),
    "categorical_crossentropy": (lambda: ops.categorical_crossentropy(T, P), [0.3566749691963196]),
    "categorical_crossentropy logits": (lambda: ops.categorical_crossentropy(T, P, from_logits=True),
                                        [0.7679495811462402]),
    "sparse_categorical_crossentropy": (lambda: ops.sparse_categorical_crossentropy(np.array([1]), P),
                                        [0.3566749691963196]),
    "cumsum": (lambda: ops.cumsum(X, axis=1), [[-4.0, -5.0, -4.5, -2.5, 4.5]]),
    "prod": (lambda: ops.prod(X), 28.0),
    "moments mean": (lambda: ops.moments(X, axes=[1])[0], [0.9000000357627869]),
    "moments variance": (lambda: ops.moments(X, axes=[1])[1], [13.239999771118164]),
    "erf": (lambda: ops.erf(X / 4), [[-0.8427008390426636, -0.27632635831832886, 0.1403162032365799,
                                      0.5204998850822449, 0.9866716861724854]]),
}


@pytest.mark.parametrize("name", list(KERAS))
def test_op_gives_kerass_numbers(name):
    compute, expected = KERAS[name]
    np.testing.assert_allclose(ops.convert_to_numpy(compute()), expected, rtol=2e-6, atol=1e-7)


def test_random_seed_rules_as_in_keras():
    assert np.array_equal(keras.random.normal((3,), seed=7), keras.random.normal((3,), seed=7))  # int: same numbers
    stream = keras.random.SeedGenerator(1337)
    first, second = keras.random.uniform((4,), seed=stream), keras.random.uniform((4,), seed=stream)
    assert not np.array_equal(first, second)  # a SeedGenerator moves on
    again = keras.random.SeedGenerator(1337)
    np.testing.assert_array_equal(keras.random.uniform((4,), seed=again), first)  # and repeats from its seed
    keras.utils.set_random_seed(3)
    a = keras.random.normal((5,))
    keras.utils.set_random_seed(3)
    np.testing.assert_array_equal(keras.random.normal((5,)), a)  # None: the shared, re-seedable generator
    assert keras.random.randint((100,), 2, 5).min() >= 2 and keras.random.randint((100,), 2, 5).max() < 5
    assert np.abs(keras.random.truncated_normal((1000,), stddev=0.5, seed=1)).max() <= 1.0
    with pytest.raises(TypeError, match="seed must be None, an integer or a glassnet.random.SeedGenerator"):
        keras.random.normal((2,), seed="x")


def test_random_dropout_scales_and_trains_in_a_custom_layer():
    class CustomDropout(keras.layers.Layer):
        def __init__(self, rate, **kwargs):
            super().__init__(**kwargs)
            self.rate = rate
            self.seed_generator = keras.random.SeedGenerator(1337)

        def call(self, inputs, training=None):
            if training:
                return keras.random.dropout(inputs, rate=self.rate, seed=self.seed_generator)
            return inputs

    layer = CustomDropout(0.5)
    y = layer(np.ones((200, 10), np.float32), training=True)
    assert set(np.unique(y)) == {0.0, 2.0} and 0.4 < (y == 0).mean() < 0.6
    np.testing.assert_array_equal(layer(np.ones((2, 10), np.float32)), np.ones((2, 10)))  # not training: as it is
    keras.utils.set_random_seed(0)
    inputs = keras.Input((10,))
    model = keras.Model(inputs, keras.layers.Dense(1)(CustomDropout(0.2)(keras.layers.Dense(8)(inputs))))
    model.compile("adam", "mse")
    x = np.random.default_rng(0).normal(size=(64, 10)).astype(np.float32)
    history = model.fit(x, x[:, :1], epochs=20, verbose=0)
    assert history.history["loss"][-1] < 0.75 * history.history["loss"][0]  # it learns through the dropout
