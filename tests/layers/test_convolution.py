"""Convolution, pooling, normalization and image layers: gradients, a naive reference, shapes, errors."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from glassnet.testing import check_gradients


def naive_conv2d(x, kernel, bias, strides, padding, dilation):
    """Direct loops over every output pixel (the definition, slow)."""
    n, h, w, c = x.shape
    kh, kw, _, f = kernel.shape
    sh, sw = strides
    dh, dw = dilation
    span_h, span_w = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    if padding == "same":
        oh, ow = -(-h // sh), -(-w // sw)
        ph = max((oh - 1) * sh + span_h - h, 0)
        pw = max((ow - 1) * sw + span_w - w, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    else:
        oh, ow = (h - span_h) // sh + 1, (w - span_w) // sw + 1
    out = np.zeros((n, oh, ow, f))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * sh:i * sh + span_h:dh, j * sw:j * sw + span_w:dw, :]
            out[:, i, j, :] = np.tensordot(patch, kernel, axes=([1, 2, 3], [0, 1, 2])) + bias
    return out


def naive_pool(x, pool, strides, padding, reduce):
    n, h, w, c = x.shape
    if padding == "same":
        oh, ow = -(-h // strides[0]), -(-w // strides[1])
        ph = max((oh - 1) * strides[0] + pool[0] - h, 0)
        pw = max((ow - 1) * strides[1] + pool[1] - w, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)), constant_values=np.nan)
    else:
        oh, ow = (h - pool[0]) // strides[0] + 1, (w - pool[1]) // strides[1] + 1
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            window = x[:, i * strides[0]:i * strides[0] + pool[0], j * strides[1]:j * strides[1] + pool[1], :]
            out[:, i, j, :] = reduce(window, axis=(1, 2))
    return out


CONV_CASES = [
    dict(kernel_size=3), dict(kernel_size=(2, 3), strides=2), dict(kernel_size=3, padding="same"),
    dict(kernel_size=(3, 2), strides=(2, 1), padding="same"), dict(kernel_size=2, dilation_rate=2),
    dict(kernel_size=3, dilation_rate=(2, 1), padding="same"), dict(kernel_size=1),
]


@pytest.mark.parametrize("case", CONV_CASES, ids=str)
def test_conv2d_forward_matches_the_definition(case):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 7, 6, 3)).astype(np.float32)
    layer = layers.Conv2D(4, **case)
    got = layer(x)
    layer.bias.value[...] = rng.standard_normal(4)
    got = layer(x)
    expected = naive_conv2d(x, layer.kernel.value, layer.bias.value, layer.strides, layer.padding, layer.dilation_rate)
    assert got.shape == expected.shape == layer.compute_output_shape((None,) + x.shape[1:])[:0] + got.shape
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("case", CONV_CASES, ids=str)
def test_conv2d_gradients(case):
    x = np.random.default_rng(1).standard_normal((2, 7, 6, 3))
    assert check_gradients(layers.Conv2D(2, activation="tanh", **case), x).ok


def test_conv2d_batch_of_one_and_odd_sizes():
    x = np.random.default_rng(2).standard_normal((1, 5, 9, 1))
    result = check_gradients(layers.Conv2D(3, (3, 4), strides=(2, 3), padding="same"), x)
    assert result.ok, result.errors


@pytest.mark.parametrize("case", [dict(kernel_size=3), dict(kernel_size=2, strides=2, padding="same"),
                                  dict(kernel_size=3, dilation_rate=2)], ids=str)
def test_conv1d_forward_and_gradients(case):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 9, 3))
    layer = layers.Conv1D(4, **case)
    got = layer(x.astype(np.float32))
    assert layer.kernel.shape == (layer.kernel_size[1], 3, 4)
    k = layer.kernel.value[None]
    expected = naive_conv2d(x[:, None], k, layer.bias.value, layer.strides, layer.padding, layer.dilation_rate)[:, 0]
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    assert check_gradients(layers.Conv1D(2, **case), x).ok


POOL_CASES = [dict(pool_size=2), dict(pool_size=3), dict(pool_size=2, strides=1), dict(pool_size=(2, 3), padding="same"),
              dict(pool_size=3, strides=2, padding="same")]


@pytest.mark.parametrize("case", POOL_CASES, ids=str)
def test_pooling_forward_and_gradients(case):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 6, 7, 3))
    for cls, reduce in ((layers.MaxPooling2D, np.nanmax), (layers.AveragePooling2D, np.nanmean)):
        layer = cls(**case)
        expected = naive_pool(x, layer.pool_size, layer.strides, layer.padding, reduce)
        np.testing.assert_allclose(layer(x.astype(np.float32)), expected, rtol=1e-5, atol=1e-6)
        assert check_gradients(cls(**case), x).ok, (cls, case)


@pytest.mark.parametrize("cls", [layers.GlobalAveragePooling2D, layers.GlobalMaxPooling2D])
def test_global_pooling(cls):
    x = np.random.default_rng(5).standard_normal((2, 4, 3, 5))
    assert cls()(x).shape == (2, 5) and cls(keepdims=True)(x).shape == (2, 1, 1, 5)
    assert check_gradients(cls(), x).ok


def test_batch_normalization_training_and_inference():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((8, 3, 3, 4)) * 3 + 2
    layer = layers.BatchNormalization()
    assert check_gradients(layer, x, training=True).ok
    assert check_gradients(layers.BatchNormalization(), x, training=False).ok
    layer = layers.BatchNormalization(momentum=0.5)
    y = layer(x.astype(np.float32), training=True)
    np.testing.assert_allclose(y.mean(axis=(0, 1, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=(0, 1, 2)), 1, atol=1e-3)
    np.testing.assert_allclose(layer.moving_mean.value, 0.5 * x.mean(axis=(0, 1, 2)), rtol=1e-5)
    inference = layer(x.astype(np.float32), training=False)
    expected = (x - layer.moving_mean.value) / np.sqrt(layer.moving_variance.value + 1e-3)
    np.testing.assert_allclose(inference, expected, rtol=1e-4)
    assert [p.name for p in layer.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [p.name for p in layer.trainable_weights] == ["gamma", "beta"]


def test_image_reshaping_layers():
    x = np.random.default_rng(7).standard_normal((2, 3, 4, 2))
    assert layers.ZeroPadding2D(((1, 2), (0, 1)))(x).shape == (2, 6, 5, 2)
    assert layers.UpSampling2D((2, 3))(x).shape == (2, 6, 12, 2)
    for layer in (layers.ZeroPadding2D(1), layers.UpSampling2D(2), layers.SpatialDropout2D(0.5)):
        assert check_gradients(layer, x).ok
    keras.utils.set_random_seed(0)
    dropped = layers.SpatialDropout2D(0.5)(np.ones((4, 3, 3, 8), np.float32), training=True)
    per_channel = dropped.reshape(4, 9, 8)
    assert np.all(per_channel.min(axis=1) == per_channel.max(axis=1))  # whole channels kept or dropped
    assert set(np.unique(dropped)) == {0.0, 2.0}


def seed_cnn():
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D((2, 2)),
                             layers.Flatten(), layers.Dense(10, activation="softmax")])


def classic_convnet():
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
                             layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2), layers.Flatten(),
                             layers.Dropout(0.5), layers.Dense(10, activation="softmax")])


def test_keras_shapes_and_parameter_counts():
    model = seed_cnn()
    assert model.count_params() == 108810
    assert [l.output_shape for l in model.layers] == [(None, 26, 26, 64), (None, 13, 13, 64), (None, 10816), (None, 10)]
    model = classic_convnet()
    assert model.count_params() == 34826
    assert [l.output_shape for l in model.layers][:4] == [(None, 26, 26, 32), (None, 13, 13, 32), (None, 11, 11, 64),
                                                           (None, 5, 5, 64)]


def test_whole_cnn_gradients_and_learning():
    rng = np.random.default_rng(8)
    model = keras.Sequential([keras.Input((6, 6, 2)), layers.Conv2D(3, 3, padding="same", activation="relu"),
                              layers.BatchNormalization(), layers.MaxPooling2D(), layers.Conv2D(4, 2),
                              layers.GlobalAveragePooling2D(), layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = rng.standard_normal((5, 6, 6, 2)), rng.integers(0, 2, 5)
    assert check_gradients(model, x, y, training=True).ok

    keras.utils.set_random_seed(0)
    labels = rng.integers(0, 2, 200)
    images = rng.standard_normal((200, 8, 8, 1)).astype(np.float32) * 0.3
    images[labels == 1, 2:6, 3:5, 0] += 1.5  # a bright vertical bar marks class 1
    model = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(4, 3, activation="relu"), layers.MaxPooling2D(),
                              layers.Flatten(), layers.Dense(2, activation="softmax")])
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(images, labels, epochs=5, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.9


def test_bad_inputs_give_clear_errors():
    with pytest.raises(ValueError, match=r"expects 4-D input.*received shape \(None, 28, 28\).*np.expand_dims\(x, -1\)"):
        keras.Sequential([layers.Conv2D(8, 3, input_shape=(28, 28))])
    with pytest.raises(ValueError, match=r"kernel spans 5 pixels but the input is only 3.*padding=\"same\""):
        keras.Sequential([keras.Input((3, 3, 1)), layers.Conv2D(2, 5)])
    with pytest.raises(ValueError, match=r"pool_size \(4, 4\) is larger than the input"):
        keras.Sequential([keras.Input((3, 3, 1)), layers.MaxPooling2D(4)])
    with pytest.raises(ValueError, match=r"kernel spans 3 pixels but the input is only 2"):  # shrinks to nothing
        keras.Sequential([keras.Input((6, 6, 1)), layers.Conv2D(2, 3), layers.Conv2D(2, 3), layers.Conv2D(2, 3)])
    model = seed_cnn()
    model.compile("adam", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"looks channels-first.*np.transpose\(x, \(0, 2, 3, 1\)\)"):
        model.predict(np.zeros((2, 1, 28, 28)), verbose=0)
    # MNIST's (n, 28, 28) without the channel axis: Keras's functional models add it, and so does glassnet
    assert model.predict(np.zeros((2, 28, 28)), verbose=0).shape == (2, 10)


def test_max_pooling_gives_a_tie_one_share():
    x = np.zeros((1, 2, 4, 1), dtype=np.float32)  # every window is a four-way tie
    for layer in (layers.MaxPooling2D(2), layers.MaxPooling2D(2, strides=1)):
        y = layer(x)
        grad = layer.backward(np.ones_like(y))
        assert grad.sum() == y.size  # one unit of gradient per output, wherever it goes
    gmp = layers.GlobalMaxPooling2D()
    gmp(x)
    assert gmp.backward(np.ones((1, 1), np.float32)).sum() == 1
