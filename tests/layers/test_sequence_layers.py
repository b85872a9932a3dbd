"""Embedding, Masking, the 1-D pooling layers, TimeDistributed, Bidirectional's merging, and
masks carried through Sequential, functional and subclassed models.

Keras's numbers are in keras_sequence_golden.py, written by tools/keras_reference/sequence_layers.py
with Keras 3.15.1 (JAX backend) from that script's fixed patterns.
"""

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from glassnet.testing import check_gradients

from tests.layers.keras_sequence_golden import LAYERS, MODELS

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "keras_reference"))
from sequence_layers import IDS, LAYER_CASES, model_input, pattern  # noqa: E402


def masked_models():
    """The models of tools/keras_reference/sequence_layers.py, built with glassnet."""
    built = {}
    inputs = keras.Input((5,), dtype="int32")
    x = layers.Embedding(10, 4, mask_zero=True)(inputs)
    built["embedding_mask_average"] = keras.Model(inputs, layers.Dense(2)(layers.GlobalAveragePooling1D()(x)))
    inputs = keras.Input((5,), dtype="int32")
    x = layers.Dense(3, activation="relu")(layers.Embedding(10, 4, mask_zero=True)(inputs))
    built["embedding_mask_dense_average"] = keras.Model(inputs, layers.GlobalAveragePooling1D()(x))
    inputs = keras.Input((5,), dtype="int32")
    a = layers.Embedding(10, 2, mask_zero=True)(inputs)
    b = layers.Embedding(10, 2)(inputs)
    built["concatenate_masks"] = keras.Model(inputs, layers.GlobalAveragePooling1D()(layers.Concatenate()([a, b])))
    inputs = keras.Input((5,), dtype="int32")
    a = layers.Embedding(10, 2, mask_zero=True)(inputs)
    b = layers.Embedding(10, 2, mask_zero=True)(inputs)
    built["add_masks"] = keras.Model(inputs, layers.GlobalAveragePooling1D()(layers.Add()([a, b])))
    inputs = keras.Input((4, 3))
    built["masking_average"] = keras.Model(inputs, layers.GlobalAveragePooling1D()(layers.Masking(0.25)(inputs)))
    inputs = keras.Input((4, 3))
    built["time_distributed_dense"] = keras.Model(
        inputs, layers.TimeDistributed(layers.Dense(2, activation="tanh"))(inputs))
    return built


def _case_input(name, input_shape):
    x = IDS if input_shape == "ids" else pattern(input_shape, 0)
    if name == "masking":
        x = x.copy()
        x[0, 1] = 0.25
        x[1, 3] = 0.25
    return x


@pytest.mark.parametrize("name", list(LAYER_CASES))
def test_layer_matches_keras(name):
    class_name, kwargs, input_shape = LAYER_CASES[name]
    layer = getattr(layers, class_name)(**kwargs)
    x = _case_input(name, input_shape)
    layer(x)
    layer.set_weights([pattern(w.shape, 1 + i) for i, w in enumerate(layer.weights)])
    expected = LAYERS[name]
    y = layer(x)
    assert list(layer.compute_output_shape((None,) + x.shape[1:])) == expected["output_shape"]
    assert layer.count_params() == expected["count_params"]
    np.testing.assert_allclose(np.asarray(y).ravel(), expected["output"], rtol=1e-6, atol=1e-6)
    if "mask" in expected:
        assert np.asarray(layer.compute_mask(x)).ravel().tolist() == expected["mask"]


@pytest.mark.parametrize("name", list(MODELS))
def test_masked_model_matches_keras(name):
    model = masked_models()[name]
    model.set_weights([pattern(w.shape, 1 + i) for i, w in enumerate(model.weights)])
    assert model.count_params() == MODELS[name]["count_params"]
    np.testing.assert_allclose(model.predict(model_input(name), verbose=0).ravel(), MODELS[name]["output"],
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("layer", [
    layers.MaxPooling1D(), layers.MaxPooling1D(3, 2, "same"), layers.AveragePooling1D(),
    layers.AveragePooling1D(3, 2, "same"), layers.GlobalAveragePooling1D(), layers.GlobalMaxPooling1D(keepdims=True),
    layers.TimeDistributed(layers.Dense(2, activation="tanh")),
], ids=lambda layer: layer.name)
def test_gradients(layer):
    x = np.random.default_rng(0).standard_normal((2, 7, 3))
    assert check_gradients(layer, x).ok


def test_masking_passes_gradient_at_real_steps_only():
    layer = layers.Masking(0.5)
    x = np.random.default_rng(0).standard_normal((2, 4, 3))
    x[0, 2] = 0.5
    layer(x)
    g = np.random.default_rng(1).standard_normal(x.shape)
    grad = layer.backward(g)
    np.testing.assert_array_equal(grad[0, 2], 0)
    keep = np.ones(x.shape, bool)
    keep[0, 2] = False
    np.testing.assert_array_equal(grad[keep], g[keep])


def test_masked_average_gradient_by_differences():
    """GlobalAveragePooling1D with a mask: dL/dx against central differences, in float64."""
    layer = layers.GlobalAveragePooling1D()
    rng = np.random.default_rng(1)
    x, r = rng.standard_normal((2, 5, 3)), rng.standard_normal((2, 3))
    mask = np.array([[True, True, False, True, False], [False, True, True, True, True]])
    layer.forward(x, mask=mask)
    analytic = layer.backward(r)
    numeric = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += 1e-6
        minus[i] -= 1e-6
        numeric[i] = ((layer.forward(plus, mask=mask) * r).sum() - (layer.forward(minus, mask=mask) * r).sum()) / 2e-6
    np.testing.assert_allclose(analytic, numeric, atol=1e-8)
    assert np.all(analytic[~mask] == 0)


def test_embedding_gradient_sums_rows_of_repeated_ids():
    layer = layers.Embedding(6, 2)
    ids = np.array([[1, 3, 1], [0, 1, 5]])
    layer(ids)
    g = np.arange(12, dtype=np.float32).reshape(2, 3, 2)
    assert layer.backward(g) is None
    expected = np.zeros((6, 2), np.float32)
    for (n, t), k in np.ndenumerate(ids):
        expected[k] += g[n, t]
    np.testing.assert_array_equal(layer.embeddings.grad, expected)


def test_embedding_kernel_and_numpy_fallback_agree():
    from glassnet import config
    from glassnet.engine import kernels
    if not kernels.is_enabled():
        pytest.skip("fused kernels are off (GLASSNET_FUSED_KERNELS=0): nothing to compare the NumPy code with")
    layer = layers.Embedding(50, 4)
    ids = np.random.default_rng(2).integers(0, 50, (8, 9))
    g = np.random.default_rng(3).standard_normal((8, 9, 4)).astype(np.float32)
    grads = []
    for fused in (True, False):
        config.set_fused_kernels(fused)
        try:
            layer(ids)
            layer.backward(g)
            grads.append(layer.embeddings.grad.copy())
        finally:
            config.set_fused_kernels(True)  # as it was (checked above)
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6, atol=1e-6)


def test_embedding_errors_and_config():
    with pytest.raises(ValueError, match="input_dim"):
        layers.Embedding(0, 3)
    layer = layers.Embedding(5, 2)
    with pytest.raises(ValueError, match=r"input id 7 is outside \[0, 5\)"):
        layer(np.array([[1, 7]]))
    with pytest.raises(ValueError, match=r"input id -1"):
        layer(np.array([[-1, 2]]))
    config = layer.get_config()
    initializer = keras.initializers.deserialize(config["embeddings_initializer"])
    assert isinstance(initializer, keras.initializers.RandomUniform)  # Keras's "uniform"
    assert (initializer.minval, initializer.maxval) == (-0.05, 0.05)
    clone = layers.Embedding.from_config(config)
    assert (clone.input_dim, clone.output_dim, clone.mask_zero) == (5, 2, False)
    table = np.arange(10, dtype=np.float32).reshape(5, 2)
    preset = layers.Embedding(5, 2, weights=[table])
    np.testing.assert_array_equal(preset(np.array([[4, 0]]))[0], table[[4, 0]])


def test_mask_reaches_sequential_and_subclassed_models_alike():
    """Embedding(mask_zero) -> GlobalAveragePooling1D: padded steps don't count, in a Sequential
    model, a subclassed one (the mask rides on the Embedding's output), training and inference."""
    embedding, pooling, dense = layers.Embedding(10, 4, mask_zero=True), layers.GlobalAveragePooling1D(), layers.Dense(1)
    sequential = keras.Sequential([keras.Input((None,)), embedding, pooling, dense])

    class Classifier(keras.Model):
        def __init__(self):
            super().__init__()
            self.embedding, self.pooling, self.dense = embedding, pooling, dense

        def call(self, inputs):
            return self.dense(self.pooling(self.embedding(inputs)))

    subclassed = Classifier()
    ids = np.array([[1, 2, 0, 0, 0], [1, 2, 3, 3, 0]])
    table = embedding.embeddings.value
    expected = np.stack([table[[1, 2]].mean(0), table[[1, 2, 3, 3]].mean(0)]) @ dense.kernel.value + dense.bias.value
    np.testing.assert_allclose(sequential.predict(ids, verbose=0), expected, rtol=1e-5)
    np.testing.assert_allclose(subclassed.predict(ids, verbose=0), expected, rtol=1e-5)
    # The same padded ids with more padding give the same prediction: the padding is ignored.
    longer = np.array([[1, 2, 0, 0, 0, 0, 0]])
    np.testing.assert_allclose(sequential.predict(longer, verbose=0), expected[:1], rtol=1e-5)
    for model in (sequential, subclassed):
        model.compile(optimizer="sgd", loss="mse")
        before = embedding.embeddings.value.copy()
        model.train_on_batch(ids, np.ones((2, 1)))
        changed = np.flatnonzero(np.any(embedding.embeddings.value != before, axis=1))
        assert set(changed) == {1, 2, 3}  # row 0 (padding) never gets a gradient


def test_layer_that_does_not_support_masking_drops_it_with_a_warning():
    model = keras.Sequential([keras.Input((4,)), layers.Embedding(10, 3, mask_zero=True), layers.Flatten(),
                              layers.Dense(1)])
    with pytest.warns(UserWarning, match='"flatten.*does not support masking'):
        model.predict(np.array([[1, 2, 0, 0]]), verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(np.array([[1, 2, 0, 0]]), verbose=0)  # once per layer


@pytest.mark.filterwarnings("ignore:.*does not support masking")  # MaskedSum, like Keras's, passes no mask on
def test_explicit_mask_argument_and_call_with_mask():
    """layer(x, mask=m) and a user's layer whose call takes mask=, as Keras writes them."""
    class MaskedSum(layers.Layer):
        def call(self, inputs, mask=None):
            if mask is None:
                return keras.ops.sum(inputs, axis=1)
            return keras.ops.sum(inputs * keras.ops.expand_dims(keras.ops.cast(mask, "float32"), -1), axis=1)

    x = np.ones((2, 3, 2), np.float32)
    mask = np.array([[True, False, True], [True, True, True]])
    np.testing.assert_array_equal(MaskedSum()(x, mask=mask), [[2, 2], [3, 3]])
    np.testing.assert_allclose(layers.GlobalAveragePooling1D()(x * np.arange(3)[None, :, None], mask=mask),
                               [[1, 1], [1, 1]])
    inputs = keras.Input((3,))
    y = MaskedSum()(layers.Embedding(5, 2, embeddings_initializer="ones", mask_zero=True)(inputs))
    model = keras.Model(inputs, y)
    np.testing.assert_array_equal(model.predict(np.array([[1, 0, 2]]), verbose=0), [[2, 2]])
    grads = check_gradients(MaskedSum(), x)
    assert grads.ok


def test_masking_layer_then_average():
    inputs = keras.Input((3, 2))
    model = keras.Model(inputs, layers.GlobalAveragePooling1D()(layers.Masking()(inputs)))
    x = np.array([[[1, 2], [0, 0], [3, 4]]], np.float32)
    np.testing.assert_allclose(model.predict(x, verbose=0), [[2, 3]])


def test_time_distributed_shapes_config_and_training():
    inner = layers.Dense(3)
    wrapped = layers.TimeDistributed(inner)
    model = keras.Sequential([keras.Input((4, 5)), wrapped])
    assert model.output_shape == (None, 4, 3) and model.count_params() == 18
    assert [w.name for w in wrapped.weights] == ["kernel", "bias"]
    x = np.random.default_rng(0).standard_normal((2, 4, 5)).astype(np.float32)
    np.testing.assert_allclose(model.predict(x, verbose=0), x @ inner.kernel.value + inner.bias.value, rtol=1e-5)
    clone = layers.deserialize(layers.serialize(wrapped))
    assert isinstance(clone.layer, layers.Dense) and clone.layer.units == 3
    with pytest.raises(TypeError, match="layer must be a layer instance"):
        layers.TimeDistributed("dense")
    with pytest.raises(ValueError, match="at least 3 axes"):
        layers.TimeDistributed(layers.Dense(2))(keras.Input((4,)))


def test_pooling1d_configs_and_errors():
    config = layers.MaxPooling1D(3, 2, "same").get_config()
    assert (config["pool_size"], config["strides"], config["padding"]) == ([3], [2], "same")
    assert layers.MaxPooling1D.from_config(config).compute_output_shape((None, 7, 3)) == (None, 4, 3)
    with pytest.raises(ValueError, match="3-D input"):
        layers.GlobalAveragePooling1D()(keras.Input((4, 4, 2)))
    with pytest.raises(ValueError, match="channels-last"):
        layers.MaxPooling1D(data_format="channels_first")
    assert layers.MaxPool1D is layers.MaxPooling1D and layers.GlobalAvgPool1D is layers.GlobalAveragePooling1D


def test_pretrained_vectors_through_a_constant_initializer(tmp_path):
    """Keras's pretrained-embedding idiom: Embedding(embeddings_initializer=Constant(matrix),
    trainable=False) starts from the matrix, keeps it while the rest trains, and saves it."""
    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((30, 4)).astype(np.float32)
    embedding = layers.Embedding(30, 4, embeddings_initializer=keras.initializers.Constant(matrix), trainable=False)
    model = keras.Sequential([keras.Input((5,), dtype="int32"), embedding, layers.LSTM(3), layers.Dense(1)])
    model.compile("adam", "mse")
    model.fit(rng.integers(0, 30, (16, 5)), rng.random(16), epochs=1, verbose=0)
    np.testing.assert_array_equal(embedding.get_weights()[0], matrix)
    model.save(tmp_path / "m.glassnet")
    loaded = keras.models.load_model(tmp_path / "m.glassnet")
    np.testing.assert_array_equal(loaded.layers[0].get_weights()[0], matrix)
    with pytest.raises(ValueError, match="Constant: an array of shape \\(30, 4\\) cannot fill a weight of shape \\(31, 4\\)"):
        layers.Embedding(31, 4, embeddings_initializer=keras.initializers.Constant(matrix)).build_for((None, 5))
