"""RepeatVector, Cropping2D, Conv2DTranspose and Conv1DTranspose: Keras's numbers, shapes, weights
and configs, a naive reference, gradients, configs and saving.

The Keras numbers are in keras_new_layers_golden.py, written by tools/keras_reference/new_layers.py
with Keras 3.15.1 (JAX backend); the inputs and weights are that script's fixed patterns.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from glassnet.testing import check_gradients

from tests.layers.keras_new_layers_golden import CONV1D_GRID, KERAS_VERSION, LAYERS

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "keras_reference"))
from new_layers import CASES, GRID_INPUT, pattern  # noqa: E402

# Keras options glassnet's layers do not take (it has no constraints or activity regularizers).
NOT_IN_GLASSNET = {"activity_regularizer", "kernel_constraint", "bias_constraint"}


def keras_pads(kernel, stride, dilation, padding, output_padding):
    """(left, right) padding Keras hands jax.lax.conv_transpose, transcribed from
    keras/src/backend/common/backend_utils.py (_convert_conv_transpose_padding_args_from_keras_to_jax)."""
    span = (kernel - 1) * dilation + 1
    if padding == "valid":
        output_padding = max(span, stride) - span if output_padding is None else output_padding
        return span - 1, span - 1 + output_padding
    pad_len = stride + span - 2 if output_padding is None else span + span % 2 - 2 + output_padding
    left = min(pad_len // 2 + pad_len % 2, span - 1)
    return left, pad_len - left


def naive_conv2d_transpose(x, kernel, bias, strides, padding, output_padding, dilation):
    """As jax.lax.conv_transpose computes it for Keras, by loops: stride - 1 zeros between the
    input pixels, Keras's padding around them, then a plain correlation with the kernel flipped
    in space (kernel: (kh, kw, filters, channels))."""
    n, h, w, c = x.shape
    kh, kw, f, _ = kernel.shape
    (sh, sw), (dh, dw) = strides, dilation
    ops = (None, None) if output_padding is None else output_padding
    dilated = np.zeros((n, (h - 1) * sh + 1, (w - 1) * sw + 1, c))
    dilated[:, ::sh, ::sw] = x
    padded = np.pad(dilated, ((0, 0), keras_pads(kh, sh, dh, padding, ops[0]),
                              keras_pads(kw, sw, dw, padding, ops[1]), (0, 0)))
    flipped = kernel[::-1, ::-1]
    oh, ow = padded.shape[1] - (kh - 1) * dh, padded.shape[2] - (kw - 1) * dw
    out = np.zeros((n, oh, ow, f))
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    out[:, i, j, :] += padded[:, i + a * dh, j + b * dw, :] @ flipped[a, b].T
    return out + bias


def golden_layer(name):
    """The glassnet layer of a golden case, called once on its input, with the pattern weights."""
    class_name, kwargs, input_shape = CASES[name]
    layer = getattr(layers, class_name)(**kwargs)
    x = pattern(input_shape, 0)
    layer(x)
    layer.set_weights([pattern(w.shape, 1 + i) for i, w in enumerate(layer.weights)])
    return layer, x


# -- Keras's numbers ---------------------------------------------------------------------------
def test_golden_file_is_from_keras_3():
    assert KERAS_VERSION.startswith("3.") and set(LAYERS) == set(CASES)


@pytest.mark.parametrize("name", list(CASES))
def test_output_matches_keras(name):
    expected = LAYERS[name]
    layer, x = golden_layer(name)
    y = layer(x)
    assert list(y.shape) == expected["output_shape_of_call"]
    np.testing.assert_allclose(y.ravel(), expected["output"], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", list(CASES))
def test_shapes_weights_and_parameter_counts_match_keras(name):
    expected = LAYERS[name]
    layer, _ = golden_layer(name)
    assert list(layer.compute_output_shape((None,) + CASES[name][2][1:])) == expected["output_shape"]
    assert [[w.name, list(w.shape)] for w in layer.weights] == expected["weights"]
    assert layer.count_params() == expected["count_params"]


@pytest.mark.parametrize("name", list(CASES))
def test_config_has_kerass_keys_and_values(name):
    expected = LAYERS[name]["config"]
    layer, _ = golden_layer(name)
    config = layer.get_config()
    assert set(config) - {"name", "dtype"} == set(expected) - NOT_IN_GLASSNET
    for key, value in expected.items():
        if key in NOT_IN_GLASSNET:
            assert value is None
        elif key.endswith("_initializer"):  # Keras writes GlorotUniform, glassnet glorot_uniform
            assert config[key]["class_name"].replace("_", "") == value.lower()
        else:
            assert config[key] == value, key


def test_conv1d_transpose_lengths_and_alignment_match_keras():
    """Every kernel size 1-4, stride 1-3, padding, dilation 1-2 and output_padding Keras allows,
    on inputs of length 1 and 3: x = [1, 10, 100] and kernel [1, 2, ...] make each output
    spell out which products it sums, so a window off by one position shows."""
    for (k, s, padding, d, length, op), expected in CONV1D_GRID.items():
        layer = layers.Conv1DTranspose(1, k, strides=s, padding=padding, output_padding=op, dilation_rate=d,
                                       use_bias=False)
        x = GRID_INPUT[:length].reshape(1, length, 1)
        if not expected:  # Keras gives an empty tensor here; glassnet refuses, as both do for a Conv2D
            with pytest.raises(ValueError, match="output of length 0"):
                layer(x)
            continue
        layer(x)
        layer.kernel.value[...] = np.arange(1, k + 1).reshape(k, 1, 1)
        assert layer(x).ravel().tolist() == expected, (k, s, padding, d, length, op)
        assert layer.compute_output_shape((None, length, 1)) == (None, len(expected), 1)


# -- the definition ----------------------------------------------------------------------------
TRANSPOSE_CASES = [
    dict(kernel_size=3), dict(kernel_size=(2, 3), strides=2), dict(kernel_size=3, strides=2, padding="same"),
    dict(kernel_size=3, strides=2, padding="same", output_padding=1),
    dict(kernel_size=(3, 2), strides=(2, 3), output_padding=(1, 2)),
    dict(kernel_size=4, strides=2, padding="same", output_padding=(0, 1)), dict(kernel_size=1, strides=3),
    dict(kernel_size=2, dilation_rate=2, padding="same"), dict(kernel_size=3, dilation_rate=(1, 2)),
    dict(kernel_size=2, strides=3, padding="same", use_bias=False),
]


@pytest.mark.parametrize("case", TRANSPOSE_CASES, ids=str)
def test_conv2d_transpose_matches_the_definition(case):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 4, 3))
    layer = layers.Conv2DTranspose(4, dtype="float64", **case)
    layer(x)
    bias = rng.standard_normal(4) if layer.use_bias else 0.0
    if layer.use_bias:
        layer.bias.value[...] = bias
    expected = naive_conv2d_transpose(x, layer.kernel.value, bias, layer.strides, layer.padding,
                                      layer.output_padding, layer.dilation_rate)
    got = layer(x)
    assert got.shape == expected.shape == (2,) + layer.compute_output_shape((None, 3, 4, 3))[1:]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", [dict(kernel_size=3), dict(kernel_size=4, strides=2, padding="same"),
                                  dict(kernel_size=3, strides=2, output_padding=1),
                                  dict(kernel_size=2, dilation_rate=3, padding="same")], ids=str)
def test_conv1d_transpose_is_the_2d_one_on_a_single_row(case):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 5, 3))
    layer = layers.Conv1DTranspose(2, dtype="float64", **case)
    got = layer(x)
    assert layer.kernel.shape == (layer.kernel_size[1], 2, 3)
    op = None if layer.output_padding is None else layer.output_padding
    expected = naive_conv2d_transpose(x[:, None], layer.kernel.value[None], layer.bias.value, layer.strides,
                                      layer.padding, op, layer.dilation_rate)[:, 0]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_conv2d_transpose_is_the_adjoint_of_conv2d():
    """<conv(u), v> = <u, conv_transpose(v)> with the same kernel, for "valid" padding."""
    rng = np.random.default_rng(2)
    conv = layers.Conv2D(3, 3, strides=2, dtype="float64", use_bias=False)
    u = rng.standard_normal((1, 7, 7, 2))
    v = rng.standard_normal(conv(u).shape)
    transpose = layers.Conv2DTranspose(2, 3, strides=2, dtype="float64", use_bias=False)
    transpose(v)
    transpose.kernel.value[...] = conv.kernel.value  # (3, 3, 2, 3): the same array, read the other way
    np.testing.assert_allclose((conv(u) * v).sum(), (u * transpose(v)).sum(), rtol=1e-12)


def test_cropping_and_repeat_vector_values():
    x = np.arange(2 * 5 * 6 * 2, dtype=np.float32).reshape(2, 5, 6, 2)
    np.testing.assert_array_equal(layers.Cropping2D(((1, 2), (0, 3)))(x), x[:, 1:3, 0:3])
    np.testing.assert_array_equal(layers.Cropping2D((1, 2))(x), x[:, 1:4, 2:4])
    np.testing.assert_array_equal(layers.Cropping2D()(x), x)
    v = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(layers.RepeatVector(4)(v), np.stack([v] * 4, axis=1))


# -- gradients (float64 finite differences) ----------------------------------------------------
@pytest.mark.parametrize("case", TRANSPOSE_CASES + [dict(kernel_size=3, strides=2, padding="same", activation="tanh"),
                                                    dict(kernel_size=(1, 2), strides=(1, 2), activation="sigmoid")],
                         ids=str)
def test_conv2d_transpose_gradients(case):
    x = np.random.default_rng(3).standard_normal((2, 3, 2, 2))
    result = check_gradients(layers.Conv2DTranspose(3, **case), x)
    assert result.ok, result.errors


@pytest.mark.parametrize("case", [dict(kernel_size=3), dict(kernel_size=3, strides=2, padding="same"),
                                  dict(kernel_size=2, strides=3, output_padding=2, activation="tanh"),
                                  dict(kernel_size=4, strides=2, padding="same", output_padding=1, use_bias=False),
                                  dict(kernel_size=3, dilation_rate=2, padding="same")], ids=str)
def test_conv1d_transpose_gradients(case):
    x = np.random.default_rng(4).standard_normal((2, 4, 3))
    result = check_gradients(layers.Conv1DTranspose(2, **case), x)
    assert result.ok, result.errors


@pytest.mark.parametrize("layer", [layers.Cropping2D(1), layers.Cropping2D(((0, 2), (1, 0))), layers.Cropping2D(),
                                   layers.RepeatVector(3)], ids=lambda l: str(l.get_config().get("cropping", "n")))
def test_cropping_and_repeat_vector_gradients(layer):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3)) if isinstance(layer, layers.RepeatVector) else rng.standard_normal((2, 4, 5, 2))
    result = check_gradients(layer, x)
    assert result.ok, result.errors


def decoder():
    """A small decoder with all four layers; per-pixel softmax, so training uses the fused
    softmax + cross-entropy gradient through Conv2DTranspose's preactivation."""
    return keras.Sequential([
        keras.Input((3,)), layers.RepeatVector(4), layers.Conv1DTranspose(6, 2, strides=2, padding="same",
                                                                          activation="relu"),
        layers.Reshape((4, 4, 3)), layers.Conv2DTranspose(3, 3, strides=2, padding="same", output_padding=1,
                                                          activation="tanh"),
        layers.Cropping2D(((1, 0), (0, 1))), layers.Conv2DTranspose(2, 2, activation="softmax")])


def test_model_with_the_new_layers_trains_and_its_gradients_check():
    keras.utils.set_random_seed(0)
    model = decoder()
    assert [l.output_shape for l in model.layers] == [(None, 4, 3), (None, 8, 6), (None, 4, 4, 3), (None, 8, 8, 3),
                                                       (None, 7, 7, 3), (None, 8, 8, 2)]
    assert model.count_params() == 3 * 6 * 2 + 6 + 3 * 3 * 3 * 3 + 3 + 2 * 2 * 2 * 3 + 2
    model.compile(keras.optimizers.Adam(0.01), "categorical_crossentropy")
    rng = np.random.default_rng(6)
    x = rng.standard_normal((3, 3))
    y = np.eye(2)[rng.integers(0, 2, (3, 8, 8))]
    assert model._uses_fused_gradient()
    result = check_gradients(model, x, y)
    assert result.ok, result.errors
    history = model.fit(x.astype(np.float32), y, epochs=15, batch_size=2, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


# -- configs, names, saving --------------------------------------------------------------------
def test_keras_names_and_aliases():
    assert layers.Convolution2DTranspose is layers.Conv2DTranspose
    assert layers.Convolution1DTranspose is layers.Conv1DTranspose
    for name in ("RepeatVector", "Cropping2D", "Conv2DTranspose", "Conv1DTranspose", "Convolution2DTranspose",
                 "Convolution1DTranspose"):
        assert name in layers.__all__
    assert layers.Conv2DTranspose(1, 2).name.startswith("conv2d_transpose")
    assert layers.Cropping2D().name.startswith("cropping2d")
    assert layers.RepeatVector(2).name.startswith("repeat_vector")


@pytest.mark.parametrize("name", list(CASES))
def test_config_round_trip(name):
    layer, x = golden_layer(name)
    config = layer.get_config()
    again = type(layer).from_config(config)
    assert again.get_config() == config
    copy = layers.deserialize(layers.serialize(layer))
    assert type(copy) is type(layer) and copy.get_config() == config
    copy(x)
    copy.set_weights(layer.get_weights())
    np.testing.assert_array_equal(copy(x), layer(x))


@pytest.mark.parametrize("suffix", [".keras", ".glassnet"])
def test_model_saves_and_loads(tmp_path, suffix):
    if suffix == ".keras":
        pytest.importorskip("h5py", reason=".keras files need h5py (pip install h5py)")
    keras.utils.set_random_seed(1)
    model = decoder()
    x = np.random.default_rng(7).standard_normal((2, 3)).astype(np.float32)
    path = str(tmp_path / f"decoder{suffix}")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert [type(l).__name__ for l in loaded.layers] == [type(l).__name__ for l in model.layers]
    assert [l.get_config() for l in loaded.layers] == [l.get_config() for l in model.layers]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


# -- errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [lambda: layers.Cropping2D(1, data_format="channels_first"),
                                  lambda: layers.Conv2DTranspose(2, 3, data_format="channels_first"),
                                  lambda: layers.Conv1DTranspose(2, 3, data_format="channels_first")])
def test_channels_first_is_refused_by_name(make):
    with pytest.raises(ValueError, match=r'(Cropping2D|Conv[12]DTranspose) ".*": data_format="channels_first" is '
                                         r"not supported.*channels-last"):
        make()


def test_channels_last_is_accepted():
    assert layers.Cropping2D(data_format="channels_last").get_config()["data_format"] == "channels_last"
    assert layers.Conv2DTranspose(2, 3, data_format="channels_last").get_config()["data_format"] == "channels_last"


def test_bad_arguments_give_clear_errors():
    with pytest.raises(ValueError, match=r"output_padding must be smaller than strides.*\[2, 2\].*\[2, 2\]"):
        layers.Conv2DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match=r"output_padding must be smaller than strides.*\[1\].*\[1\]"):
        layers.Conv1DTranspose(2, 3, output_padding=1)
    with pytest.raises(ValueError, match="non-negative"):
        layers.Conv2DTranspose(2, 3, strides=2, output_padding=-1)
    with pytest.raises(ValueError, match="strides > 1 together with dilation_rate > 1"):
        layers.Conv2DTranspose(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="filters must be a positive integer"):
        layers.Conv1DTranspose(0, 3)
    with pytest.raises(ValueError, match=r"expects 4-D input.*\(None, 5, 3\)"):
        keras.Sequential([keras.Input((5, 3)), layers.Conv2DTranspose(2, 3)])
    with pytest.raises(ValueError, match=r"expects 3-D input"):
        keras.Sequential([keras.Input((5, 5, 3)), layers.Conv1DTranspose(2, 3)])
    with pytest.raises(TypeError, match="n must be an integer"):
        layers.RepeatVector(2.0)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        layers.RepeatVector(0)
    with pytest.raises(ValueError, match=r"RepeatVector .* expects 2-D input"):
        keras.Sequential([keras.Input((4, 3)), layers.RepeatVector(2)])
    with pytest.raises(ValueError, match="cropping must be"):
        layers.Cropping2D(-1)
    with pytest.raises(ValueError, match="cropping must be"):
        layers.Cropping2D((1, 2, 3))
    with pytest.raises(ValueError, match=r"leaves nothing of input shape \(None, 4, 9, 1\)"):
        keras.Sequential([keras.Input((4, 9, 1)), layers.Cropping2D(((2, 2), (0, 0)))])
    with pytest.raises(ValueError, match="leaves nothing"):  # an input of unknown size, too small when called
        model = keras.Sequential([keras.Input((None, None, 1)), layers.Cropping2D(2)])
        model.predict(np.zeros((1, 3, 8, 1), np.float32), verbose=0)
    with pytest.raises(ValueError, match="output of length 0"):
        model = keras.Sequential([keras.Input((None, 2)), layers.Conv1DTranspose(1, 2, padding="same",
                                                                                  output_padding=0, strides=2)])
        model.predict(np.zeros((1, 1, 2), np.float32), verbose=0)


@pytest.mark.parametrize("make", [lambda: layers.LayerNormalization(), lambda: layers.LayerNormalization(center=False),
                                  lambda: layers.LayerNormalization(scale=False, epsilon=0.1),
                                  lambda: layers.Conv1D(3, 3, padding="causal", dilation_rate=2)])
def test_layer_normalization_and_causal_conv_gradients(make):
    """Finite differences in float64, on weights that are not the initial ones (gamma 1, beta 0)."""
    layer = make()
    x = np.random.default_rng(0).standard_normal((3, 6, 4))
    layer(x)
    layer.set_weights([np.random.default_rng(i).standard_normal(w.shape) for i, w in enumerate(layer.get_weights())])
    result = check_gradients(layer, x)
    assert result.ok, result.errors


def test_layer_normalization_in_a_sequence_model_and_its_errors():
    model = keras.Sequential([keras.Input((5, 3)), layers.LSTM(4, return_sequences=True), layers.LayerNormalization(),
                              layers.GlobalAveragePooling1D(), layers.Dense(1)])
    model.compile("adam", "mse")
    model.fit(np.random.default_rng(0).random((8, 5, 3)), np.zeros(8), verbose=0)
    with pytest.raises(ValueError, match='LayerNormalization "ln": only axis=-1'):
        layers.LayerNormalization(axis=1, name="ln")
    with pytest.raises(ValueError, match="epsilon"):
        layers.LayerNormalization(epsilon=0)
