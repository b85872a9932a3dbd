"""DepthwiseConv2D/1D, SeparableConv2D/1D, Attention and AdditiveAttention.

Pinned to Keras 3.15.1 by tools/keras_reference/conv_attention.py (keras_conv_attention_golden.py):
parameter counts per layer, predictions on fixed weights, one Adam step and the predictions
after it, for small models (strides, "same" padding, depth_multiplier > 1, dilation, 1-D twins,
a MobileNet-like stack, attention with a key, scale, concat and additive scores, causal and
padding masks, returned scores, a transformer-like text block), and layer calls with explicit
masks. Gradients against finite differences; configs, errors, saving (both formats, and through
real Keras when it is available), ONNX export, training.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glassnet as keras
from glassnet.export import to_onnx
from glassnet.testing import check_gradients

from tests.layers.keras_conv_attention_golden import CALLS, MODELS
from tests.real_keras import keras_python

TOOLS = Path(__file__).resolve().parents[2] / "tools" / "keras_reference"
sys.path.insert(0, str(TOOLS))
from conv_attention import TARGETS, conv_attention_models, layer_calls, set_pattern_weights  # noqa: E402

L = keras.layers
TOLERANCE = 2e-5  # float32 through a few products and a softmax, and one Adam step


@pytest.mark.parametrize("name", list(MODELS))
def test_matches_keras_forward_and_one_adam_step(name):
    model, inputs = conv_attention_models(keras)[name]
    expected = MODELS[name]
    assert model.count_params() == expected["count_params"]
    assert [layer.count_params() for layer in model.layers] == expected["layer_params"]
    set_pattern_weights(model)
    np.testing.assert_allclose(model.predict(inputs, verbose=0).ravel(), expected["output"], atol=TOLERANCE)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    loss = model.train_on_batch(inputs, TARGETS[:len(inputs[0])])
    assert float(np.ravel(loss)[0]) == pytest.approx(expected["loss"], abs=TOLERANCE)
    np.testing.assert_allclose(model.predict(inputs, verbose=0).ravel(), expected["output_after_step"],
                               atol=TOLERANCE)


@pytest.mark.parametrize("name", list(CALLS))
def test_explicit_masks_match_keras(name):
    layer, inputs, keywords = layer_calls(keras)[name]
    layer.build_for([(None,) + x.shape[1:] for x in inputs])
    set_pattern_weights(layer)
    output, scores = layer(inputs, **keywords)
    np.testing.assert_allclose(np.ravel(output), CALLS[name]["output"], atol=TOLERANCE)
    np.testing.assert_allclose(np.ravel(scores), CALLS[name]["scores"], atol=TOLERANCE)


# -- gradients ------------------------------------------------------------------------------------
CONV_CASES = [
    (L.DepthwiseConv2D, {"kernel_size": 3, "strides": 2, "padding": "same", "depth_multiplier": 2}, (2, 5, 6, 3)),
    (L.DepthwiseConv2D, {"kernel_size": (2, 3), "dilation_rate": 2, "activation": "tanh"}, (2, 6, 7, 2)),
    (L.DepthwiseConv2D, {"kernel_size": 2, "use_bias": False, "depth_multiplier": 3}, (1, 3, 4, 2)),
    (L.SeparableConv2D, {"filters": 3, "kernel_size": 3, "padding": "same", "depth_multiplier": 2,
                         "activation": "sigmoid"}, (2, 5, 5, 2)),
    (L.SeparableConv2D, {"filters": 2, "kernel_size": (3, 2), "strides": (2, 1), "use_bias": False}, (2, 6, 5, 3)),
    (L.SeparableConv2D, {"filters": 2, "kernel_size": 2, "dilation_rate": (2, 1)}, (1, 5, 4, 2)),
    (L.DepthwiseConv1D, {"kernel_size": 3, "strides": 2, "padding": "same", "depth_multiplier": 2}, (2, 7, 3)),
    (L.SeparableConv1D, {"filters": 4, "kernel_size": 3, "dilation_rate": 2, "padding": "same"}, (2, 8, 3)),
]


@pytest.mark.parametrize("cls, arguments, shape", CONV_CASES)
def test_convolution_gradients_by_finite_differences(cls, arguments, shape):
    keras.utils.set_random_seed(0)
    layer = cls(**arguments)
    result = check_gradients(layer, np.random.default_rng(1).standard_normal(shape))
    assert result.ok, result.errors
    assert set(result.errors) >= {"input"} | {p.name for p in layer.weights}


def _attention_model(layer, causal=False, with_key=False, scores=False):
    q, v = keras.Input((4, 3)), keras.Input((5, 3))
    inputs = [q, v] + ([keras.Input((5, 3))] if with_key else [])
    if causal:
        inputs = [q]
        out = layer([q, q], use_causal_mask=True, return_attention_scores=scores)
    else:
        out = layer(inputs, return_attention_scores=scores)
    outs = [L.Flatten()(t) for t in (out if scores else [out])]
    joined = L.Concatenate()(outs) if scores else outs[0]
    return keras.Model(inputs, L.Dense(1)(joined)), inputs


@pytest.mark.parametrize("make, options", [
    (lambda: L.Attention(), {}),
    (lambda: L.Attention(use_scale=True), {"with_key": True}),
    (lambda: L.Attention(use_scale=True, score_mode="concat"), {"causal": True}),
    (lambda: L.AdditiveAttention(), {"with_key": True, "scores": True}),
    (lambda: L.AdditiveAttention(use_scale=False), {"causal": True, "scores": True}),
])
def test_attention_gradients_by_finite_differences(make, options):
    keras.utils.set_random_seed(0)
    model, inputs = _attention_model(make(), **options)
    rng = np.random.default_rng(1)
    x = [rng.standard_normal((3,) + tuple(t.shape[1:])) for t in inputs]
    result = check_gradients(model, x if len(x) > 1 else x[0], rng.standard_normal((3, 1)), loss="mse")
    assert result.ok, result.errors


def test_masked_attention_gradients_by_finite_differences():
    """Padding masks from Embedding(mask_zero=True) reach the weights' gradients."""
    keras.utils.set_random_seed(0)
    ids = keras.Input((5,), dtype="int32")
    embedded = L.Embedding(10, 4, mask_zero=True)(ids)
    attended = L.AdditiveAttention()([embedded, embedded], use_causal_mask=True)
    model = keras.Model(ids, L.Dense(1)(L.GlobalAveragePooling1D()(attended)))
    ids_array = np.array([[0, 0, 3, 1, 4], [2, 7, 1, 0, 0], [5, 6, 2, 9, 8]])
    result = check_gradients(model, ids_array, np.random.default_rng(1).standard_normal((3, 1)), loss="mse")
    assert result.ok, result.errors


# -- behaviour ------------------------------------------------------------------------------------
def test_depthwise_is_a_per_channel_convolution():
    """Output channel c*m + k equals a Conv2D on channel c alone with kernel k."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 6, 5, 3)).astype(np.float32)
    layer = L.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2, use_bias=False)
    y = layer(x)
    kernel = layer.kernel.numpy()
    for c in range(3):
        for k in range(2):
            conv = L.Conv2D(1, 3, strides=2, padding="same", use_bias=False)
            conv.build_for((None, 6, 5, 1))
            conv.set_weights([kernel[:, :, c:c + 1, k:k + 1]])
            np.testing.assert_allclose(y[..., c * 2 + k], conv(x[..., c:c + 1])[..., 0], rtol=1e-5, atol=1e-6)


def test_separable_is_depthwise_then_pointwise():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, 5, 2)).astype(np.float32)
    separable = L.SeparableConv2D(3, 3, depth_multiplier=2, padding="same", activation="relu")
    y = separable(x)
    depthwise_kernel, pointwise_kernel, bias = separable.get_weights()
    assert depthwise_kernel.shape == (3, 3, 2, 2) and pointwise_kernel.shape == (1, 1, 4, 3) and bias.shape == (3,)
    depthwise = L.DepthwiseConv2D(3, depth_multiplier=2, padding="same", use_bias=False)
    depthwise.build_for((None, 5, 5, 2))
    depthwise.set_weights([depthwise_kernel])
    expected = np.maximum(depthwise(x) @ pointwise_kernel[0, 0] + bias, 0)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)


def test_attention_masks_scores_and_causality():
    rng = np.random.default_rng(0)
    q, v = rng.standard_normal((2, 4, 3)).astype(np.float32), rng.standard_normal((2, 5, 3)).astype(np.float32)
    value_mask = np.array([[1, 1, 0, 1, 0], [1, 1, 1, 1, 1]], bool)
    query_mask = np.array([[1, 0, 1, 1], [1, 1, 1, 1]], bool)
    output, scores = L.Attention()([q, v], mask=[query_mask, value_mask], return_attention_scores=True)
    assert output.shape == (2, 4, 3) and scores.shape == (2, 4, 5)
    np.testing.assert_allclose(scores.sum(-1), 1, rtol=1e-6)
    assert np.all(scores[0][:, ~value_mask[0]] < 1e-6)
    assert np.all(output[0, 1] == 0)  # a masked query step gives zeros
    layer = L.AdditiveAttention()
    _, scores = layer([q, q], use_causal_mask=True, return_attention_scores=True)
    assert np.all(np.triu(scores, 1) < 1e-6)
    changed = q.copy()
    changed[:, 3] += 1
    before, _ = layer([q, q], use_causal_mask=True, return_attention_scores=True)
    after, _ = layer([changed, changed], use_causal_mask=True, return_attention_scores=True)
    np.testing.assert_allclose(after[:, :3], before[:, :3], rtol=1e-6)  # the past ignores the future


def test_attention_passes_the_query_mask_on():
    ids = keras.Input((None,), dtype="int32")
    embedded = L.Embedding(10, 4, mask_zero=True)(ids)
    attended = L.Attention()([embedded, embedded])
    model = keras.Model(ids, L.LSTM(2)(attended))  # the LSTM reads the mask: padded steps are skipped
    a = model.predict(np.array([[3, 1, 4, 0, 0]]), verbose=0)
    b = model.predict(np.array([[3, 1, 4]]), verbose=0)
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_attention_dropout_only_while_training():
    rng = np.random.default_rng(0)
    q = rng.standard_normal((2, 4, 3)).astype(np.float32)
    layer = L.Attention(dropout=0.5, seed=3)
    np.testing.assert_allclose(layer([q, q]), L.Attention()([q, q]), rtol=1e-6)
    assert not np.allclose(layer([q, q], training=True), layer([q, q]))


# -- configs, errors ------------------------------------------------------------------------------
def test_configs_have_keras_keys_and_round_trip():
    depthwise = L.DepthwiseConv2D(3, depth_multiplier=2, padding="same", activation="relu")
    config = depthwise.get_config()
    assert {"kernel_size", "strides", "padding", "depth_multiplier", "data_format", "dilation_rate", "activation",
            "use_bias", "depthwise_initializer", "bias_initializer", "depthwise_regularizer", "bias_regularizer",
            "activity_regularizer", "depthwise_constraint", "bias_constraint"} <= set(config)
    assert config["kernel_size"] == [3, 3] and config["depth_multiplier"] == 2
    separable = L.SeparableConv1D(4, 3, strides=2, depth_multiplier=2, pointwise_regularizer="l2")
    config = separable.get_config()
    assert config["kernel_size"] == [3] and config["strides"] == [2] and config["filters"] == 4
    assert "pointwise_initializer" in config and "pointwise_constraint" in config and "kernel_initializer" not in config
    for layer in (depthwise, separable, L.DepthwiseConv1D(2), L.SeparableConv2D(2, 3)):
        clone = type(layer).from_config(layer.get_config())
        assert clone.get_config() == layer.get_config()
    assert L.Attention(use_scale=True, score_mode="concat", seed=2).get_config() | {"name": None} == {
        **L.Attention().get_config(), "name": None, "use_scale": True, "score_mode": "concat", "seed": 2}
    additive = L.AdditiveAttention(use_scale=False).get_config()
    assert "score_mode" not in additive and additive["use_scale"] is False and additive["dropout"] == 0.0


def test_weights_have_keras_names_and_shapes():
    separable = L.SeparableConv1D(5, 3, depth_multiplier=2)
    separable.build_for((None, 8, 3))
    assert [(p.name, p.shape) for p in separable.weights] == [
        ("depthwise_kernel", (3, 3, 2)), ("pointwise_kernel", (1, 6, 5)), ("bias", (5,))]
    depthwise = L.DepthwiseConv2D(3, depth_multiplier=2)
    depthwise.build_for((None, 5, 5, 4))
    assert [(p.name, p.shape) for p in depthwise.weights] == [("kernel", (3, 3, 4, 2)), ("bias", (8,))]
    additive = L.AdditiveAttention()
    additive.build_for([(None, 4, 3), (None, 5, 3)])
    assert [(p.name, p.shape) for p in additive.weights] == [("scale", (3,))]


@pytest.mark.parametrize("make, fragment", [
    (lambda: L.DepthwiseConv2D(3, depth_multiplier=0), "depth_multiplier"),
    (lambda: L.DepthwiseConv2D(3, strides=2, dilation_rate=2), "dilation_rate"),
    (lambda: L.DepthwiseConv2D(3, padding="causal"), "padding"),
    (lambda: L.DepthwiseConv2D(3, depthwise_constraint="non_neg"), "depthwise_constraint"),
    (lambda: L.SeparableConv2D(0, 3), "filters"),
    (lambda: L.SeparableConv2D(2, 3, pointwise_constraint="non_neg"), "pointwise_constraint"),
    (lambda: L.SeparableConv1D(2, (3, 3)), "kernel_size"),
    (lambda: L.Attention(score_mode="add"), "score_mode"),
    (lambda: L.Attention(dropout=1.5), "dropout"),
    (lambda: L.AdditiveAttention(use_scale="yes"), "use_scale"),
])
def test_bad_arguments_name_themselves(make, fragment):
    with pytest.raises((ValueError, TypeError), match=fragment):
        make()


def test_bad_calls_are_refused():
    x = np.zeros((2, 4, 3), np.float32)
    with pytest.raises(ValueError, match=r"\[query, value\]"):
        L.Attention()(x)
    with pytest.raises(ValueError, match="mask"):
        L.Attention()([x, x], mask=np.ones((2, 4), bool))
    with pytest.raises(ValueError, match='DepthwiseConv2D "[a-z_0-9]+" expects 4-D input'):
        L.DepthwiseConv2D(2)(x)
    q = keras.Input((4, 3))
    with pytest.raises(ValueError, match="explicit mask"):
        L.Attention()([q, q], mask=[None, np.ones((1, 4), bool)])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_attention_argument_works_or_is_named(data):
    """As tests/layers/test_constructor_arguments.py, for the layers called on [query, value]."""
    cls = data.draw(st.sampled_from([L.Attention, L.AdditiveAttention]))
    arguments = ["use_scale", "dropout", "seed"] + (["score_mode"] if cls is L.Attention else [])
    argument = data.draw(st.sampled_from(arguments))
    value = data.draw(st.one_of(st.none(), st.booleans(), st.integers(-3, 9), st.floats(width=32),
                                st.sampled_from(["dot", "concat", "add", ""])))
    try:
        layer = cls(**{argument: value})
    except (ValueError, TypeError) as error:
        assert argument in str(error), f"{cls.__name__}({argument}={value!r}) raised without naming it: {error}"
        return
    x = np.random.default_rng(0).random((2, 4, 3), dtype=np.float32)
    for training in (False, True):
        assert np.all(np.isfinite(layer([x, x], training=training)))


# -- saving, export, training ---------------------------------------------------------------------
def _mixed_model():
    keras.utils.set_random_seed(4)
    image = keras.Input((8, 8, 3))
    y = L.DepthwiseConv2D(3, padding="same", depth_multiplier=2, activation="relu")(image)
    y = L.SeparableConv2D(4, 3, strides=2, depthwise_regularizer="l2")(y)
    y = L.Reshape((9, 4))(y)
    y = L.SeparableConv1D(3, 2, depth_multiplier=2)(y)
    y = L.DepthwiseConv1D(2, padding="same")(y)
    y = L.Attention(use_scale=True)([y, y], use_causal_mask=True)
    y = L.AdditiveAttention()([y, y])
    model = keras.Model(image, L.Dense(2)(L.Flatten()(y)))
    model.set_weights([w + 0.1 * np.random.default_rng(i).standard_normal(w.shape).astype(np.float32)
                       for i, w in enumerate(model.get_weights())])  # scales away from 1
    return model


@pytest.mark.parametrize("suffix", [".glassnet", ".keras"])
def test_save_and_load(tmp_path, suffix):
    model = _mixed_model()
    x = np.random.default_rng(0).random((2, 8, 8, 3), dtype=np.float32)
    model.save(tmp_path / f"m{suffix}")
    loaded = keras.models.load_model(tmp_path / f"m{suffix}")
    assert [type(layer).__name__ for layer in loaded.layers] == [type(layer).__name__ for layer in model.layers]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6, atol=1e-7)




def test_glassnet_file_loads_in_keras(tmp_path):
    python = keras_python()
    model = _mixed_model()
    x = np.random.default_rng(0).random((2, 8, 8, 3), dtype=np.float32)
    model.save(tmp_path / "m.keras")
    np.savez(tmp_path / "x.npz", x)
    subprocess.run([python, str(TOOLS / "keras_roundtrip.py"), "load", str(tmp_path / "m.keras"),
                    str(tmp_path / "x.npz"), str(tmp_path / "y.npz")], check=True, capture_output=True)
    with np.load(tmp_path / "y.npz") as stored:
        np.testing.assert_allclose(stored["arr_0"], model.predict(x, verbose=0), atol=1e-5)


@pytest.mark.parametrize("name", ["mobilenet_like", "separable1d_dilated", "additive_causal_scores",
                                  "attention_scaled_key", "attention_padding_masks"])
def test_keras_file_loads_in_glassnet(tmp_path, name):
    python = keras_python()
    subprocess.run([python, str(TOOLS / "conv_attention.py"), "save", name, str(tmp_path / "k.keras")],
                   check=True, capture_output=True)
    model = keras.models.load_model(tmp_path / "k.keras")
    _, inputs = conv_attention_models(keras)[name]
    np.testing.assert_allclose(model.predict(inputs, verbose=0).ravel(), MODELS[name]["output"], atol=TOLERANCE)


def test_onnx_export_of_depthwise_and_separable(tmp_path):
    pytest.importorskip("onnx", reason="ONNX export needs onnx (pip install 'glassnet[onnx]')")
    runtime = pytest.importorskip("onnxruntime", reason="running the export needs onnxruntime")
    keras.utils.set_random_seed(5)
    model = keras.Sequential([keras.Input((7, 9, 3)),
                              L.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2, activation="relu"),
                              L.SeparableConv2D(4, (2, 3), dilation_rate=(1, 2), depth_multiplier=2),
                              L.Reshape((-1, 4)), L.SeparableConv1D(3, 2, strides=2, padding="same"),
                              L.DepthwiseConv1D(2, depth_multiplier=2, activation="tanh"), L.Flatten(), L.Dense(2)])
    model.set_weights([w + 0.1 for w in model.get_weights()])  # biases away from zero
    x = np.random.default_rng(0).random((2, 7, 9, 3), dtype=np.float32)
    to_onnx(model, tmp_path / "m.onnx")
    session = runtime.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    (y,) = session.run(None, {session.get_inputs()[0].name: x})
    np.testing.assert_allclose(y, model.predict(x, verbose=0), rtol=1e-4, atol=1e-5)


def test_onnx_export_refuses_attention_by_name(tmp_path):
    pytest.importorskip("onnx", reason="ONNX export needs onnx (pip install 'glassnet[onnx]')")
    x = keras.Input((4, 3))
    model = keras.Model(x, L.Attention(name="dot_attention")([x, x]))
    with pytest.raises(ValueError, match="dot_attention"):
        to_onnx(model, tmp_path / "m.onnx")


def test_mobilenet_like_and_transformer_like_models_train():
    rng = np.random.default_rng(0)
    for name, x, y in (("mobilenet_like", rng.random((32, 8, 8, 3), dtype=np.float32), None),
                       ("transformer_text", rng.integers(1, 10, (32, 5)), None)):
        keras.utils.set_random_seed(1)
        model, _ = conv_attention_models(keras)[name]
        targets = rng.standard_normal((32, 2)).astype(np.float32)
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
        history = model.fit(x, targets, epochs=15, batch_size=8, verbose=0)
        losses = history.history["loss"]
        assert losses[-1] < 0.7 * losses[0], (name, losses)
