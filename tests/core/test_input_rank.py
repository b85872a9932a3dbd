"""x one axis short of (or over) the model's input, where that axis is 1: Keras 3's functional
models (and Sequential with a known input) add or drop it (keras/src/models/functional.py,
_adjust_input_rank); glassnet does the same, so the tutorials' idioms run unchanged."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers


def test_one_feature_regression_takes_a_1d_column():
    """Keras's regression tutorial: Normalization(input_shape=[1,], axis=None) fed a pandas-like column (n,)."""
    keras.utils.set_random_seed(0)
    x = np.linspace(-1, 1, 64)
    y = 3 * x + 1
    normalizer = layers.Normalization(input_shape=[1], axis=None)
    normalizer.adapt(x)
    model = keras.Sequential([normalizer, layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss="mean_absolute_error")
    history = model.fit(x, y, epochs=30, verbose=0, validation_split=0.2)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.predict(x[:5], verbose=0).shape == (5, 1)
    np.testing.assert_allclose(model.predict(x[:5], verbose=0), model.predict(x[:5, None], verbose=0))
    assert model.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x[:, None], y, verbose=0))


@pytest.mark.parametrize("kind", ["sequential", "functional"])
def test_images_without_their_channel_axis_reach_a_conv_net(kind):
    images = np.random.default_rng(0).random((8, 6, 6)).astype(np.float32)
    labels = np.arange(8) % 2
    stack = [layers.Conv2D(2, 3, activation="relu"), layers.Flatten(), layers.Dense(2, activation="softmax")]
    if kind == "sequential":
        model = keras.Sequential([keras.Input((6, 6, 1))] + stack)
    else:
        inputs = keras.Input((6, 6, 1))
        outputs = inputs
        for layer in stack:
            outputs = layer(outputs)
        model = keras.Model(inputs, outputs)
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(images, labels, epochs=1, verbose=0)
    np.testing.assert_allclose(model.predict(images, verbose=0), model.predict(images[..., None], verbose=0))


def test_a_trailing_axis_of_one_is_dropped_and_other_ranks_are_refused():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])
    x = np.random.default_rng(1).random((3, 4)).astype(np.float32)
    np.testing.assert_allclose(model.predict(x[..., None], verbose=0), model.predict(x, verbose=0))
    with pytest.raises(ValueError, match=r"shape \(3, 2, 2\)"):
        model.predict(x.reshape(3, 2, 2), verbose=0)


def test_two_input_model_adjusts_each_input():
    a, b = keras.Input((1,), name="a"), keras.Input((3,), name="b")
    model = keras.Model([a, b], layers.Dense(1)(layers.Concatenate()([a, b])))
    xa, xb = np.arange(4.0), np.ones((4, 3))
    np.testing.assert_allclose(model.predict([xa, xb], verbose=0), model.predict([xa[:, None], xb], verbose=0))


def test_a_subclassed_model_gets_x_as_it_is():
    class Echo(keras.Model):
        def call(self, inputs):
            return inputs * 1.0
    model = Echo()
    assert model.predict(np.ones((2, 3)), verbose=0).shape == (2, 3)
