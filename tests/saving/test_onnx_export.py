"""glassnet -> ONNX -> onnxruntime gives the same predictions, for every layer glassnet has."""

import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers

pytest.importorskip("onnx", reason="ONNX export needs onnx (pip install onnx)")
onnxruntime = pytest.importorskip("onnxruntime", reason="running the exported file needs onnxruntime")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "keras_reference"))
from graph_models import GRAPHS, SEQUENCE_GRAPHS, graph_inputs  # noqa: E402


def run_onnx(path, x):
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(["output"], {"input": x})[0]


def trained(model, x, y):
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    return model


MODELS = {
    "mlp": lambda: keras.Sequential([keras.Input((28, 28)), layers.Flatten(), layers.Dense(32, activation="relu"),
                                     layers.Dropout(0.3), layers.Dense(16, activation="gelu"),
                                     layers.Dense(16, activation="selu"), layers.Dense(16, activation="swish"),
                                     layers.Dense(16, activation="leaky_relu"), layers.Dense(16, activation="elu"),
                                     layers.Dense(16, activation="softplus"), layers.Activation("tanh"),
                                     layers.LeakyReLU(), layers.ReLU(),
                                     layers.Reshape((4, 4)), layers.Flatten(), layers.Dense(10, activation="softmax")]),
    "cnn": lambda: keras.Sequential([keras.Input((28, 28, 1)), layers.ZeroPadding2D(1),
                                     layers.Conv2D(6, 3, strides=2, padding="same", activation="relu"),
                                     layers.BatchNormalization(), layers.MaxPooling2D(3, strides=2, padding="same"),
                                     layers.UpSampling2D(2), layers.Conv2D(4, 3, dilation_rate=2),
                                     layers.AveragePooling2D(2, padding="same"), layers.SpatialDropout2D(0.2),
                                     layers.Conv2D(8, 2), layers.GlobalAveragePooling2D(),
                                     layers.Dense(10, activation="softmax")]),
    "cnn-global-max": lambda: keras.Sequential([keras.Input((12, 5)), layers.Conv1D(4, 3, padding="same", activation="relu"),
                                                layers.Reshape((12, 4, 1)), layers.Conv2D(3, 2),
                                                layers.GlobalMaxPooling2D(), layers.Dense(10, activation="softmax")]),
}


@pytest.mark.parametrize("kind", list(MODELS))
def test_onnx_matches_glassnet(tmp_path, kind):
    keras.utils.set_random_seed(0)
    model = MODELS[kind]()
    shape = model.input_shape[1:]
    rng = np.random.default_rng(1)
    x = rng.random((16,) + shape, dtype=np.float32)
    trained(model, x, np.arange(16) % 10)
    keras.export.to_onnx(model, tmp_path / "model.onnx")
    np.testing.assert_allclose(run_onnx(tmp_path / "model.onnx", x), model.predict(x, verbose=0), atol=1e-5)


# A user's layer has no ONNX form; the sequence graphs use masks or states (test_what_onnx_cannot_hold_is_refused_by_name).
@pytest.mark.parametrize("kind", sorted(set(GRAPHS) - {"registered_layer"} - set(SEQUENCE_GRAPHS)))
def test_onnx_of_functional_graphs_matches_glassnet(tmp_path, kind):
    """Two inputs and two outputs, a shared layer, every merge layer; a residual CNN block."""
    keras.utils.set_random_seed(0)
    model = GRAPHS[kind](keras)
    xs = graph_inputs(kind, np.random.default_rng(2))
    keras.export.to_onnx(model, tmp_path / "graph.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "graph.onnx"), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    expected = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    expected = expected if isinstance(expected, list) else [expected]
    got = session.run(None, dict(zip(names, xs)))
    assert names == (["a", "b"] if len(xs) > 1 else ["input"])
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, atol=1e-5)


def test_dot_with_normalize_and_3d_axes_exports(tmp_path):
    a, b = keras.Input((3, 4)), keras.Input((3, 5))
    cosine = layers.Dot(axes=1, normalize=True)([a, b])  # (batch, 4, 5)
    model = keras.Model([a, b], layers.Flatten()(cosine))
    rng = np.random.default_rng(0)
    xs = [rng.normal(size=(6, 3, 4)).astype(np.float32), rng.normal(size=(6, 3, 5)).astype(np.float32)]
    keras.export.to_onnx(model, tmp_path / "dot.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "dot.onnx"), providers=["CPUExecutionProvider"])
    got = session.run(None, dict(zip([i.name for i in session.get_inputs()], xs)))[0]
    np.testing.assert_allclose(got, model.predict(xs, verbose=0), atol=1e-5)


def test_python_code_in_a_graph_is_refused_by_name(tmp_path):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Lambda(lambda t: t + 1, name="plus_one")(inputs))
    with pytest.raises(ValueError, match="'plus_one' \\(Lambda\\) runs Python code"):
        keras.export.to_onnx(model, tmp_path / "x.onnx")
    assert not (tmp_path / "x.onnx").exists()


def test_onnx_of_a_model_nested_two_levels_deep(tmp_path):
    keras.utils.set_random_seed(0)
    inner = keras.Sequential([keras.Input((6,)), layers.Dense(5, activation="relu")], name="inner")
    inputs = keras.Input((6,))
    middle = keras.Model(inputs, layers.Add()([inner(inputs), layers.Dense(5)(inputs)]), name="middle")
    outer = keras.Sequential([middle, layers.Dense(3, activation="softmax")])
    x = np.random.default_rng(1).random((7, 6), dtype=np.float32)
    keras.export.to_onnx(outer, tmp_path / "nested.onnx")
    np.testing.assert_allclose(run_onnx(tmp_path / "nested.onnx", x), outer.predict(x, verbose=0), atol=1e-5)


SEQUENCE_MODELS = {
    "embedding_simple_rnn": lambda: [keras.Input((7,), dtype="int32"), layers.Embedding(20, 4), layers.SimpleRNN(3)],
    "lstm_sequences_backwards": lambda: [keras.Input((7,), dtype="int32"), layers.Embedding(20, 4),
                                         layers.LSTM(3, return_sequences=True, go_backwards=True), layers.Flatten()],
    "gru_then_bidirectional_lstm": lambda: [keras.Input((7, 3)), layers.GRU(4, reset_after=False, return_sequences=True),
                                            layers.Bidirectional(layers.LSTM(3, return_sequences=True)),
                                            layers.TimeDistributed(layers.Dense(2)), layers.GlobalAveragePooling1D()],
    "bidirectional_relu_rnn_average": lambda: [keras.Input((7, 3)), layers.Bidirectional(
        layers.SimpleRNN(4, activation="relu"), merge_mode="ave"), layers.Dense(1)],
    "causal_conv_then_gru": lambda: [keras.Input((7, 3)), layers.Conv1D(4, 3, padding="causal", dilation_rate=2),
                                     layers.GRU(3)],
    "gru_backwards_hard_sigmoid_lstm": lambda: [keras.Input((7, 3)), layers.GRU(3, go_backwards=True, return_sequences=True),
                                                layers.LSTM(4, recurrent_activation="hard_sigmoid"),
                                                layers.Dense(2)],
}


@pytest.mark.parametrize("kind", sorted(SEQUENCE_MODELS))
def test_onnx_of_sequence_models_matches_glassnet(tmp_path, kind):
    """ONNX's RNN, LSTM and GRU (gates reordered, weights as rows), Gather for Embedding."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential(SEQUENCE_MODELS[kind]())
    rng = np.random.default_rng(1)
    x = rng.integers(1, 20, (5, 7)) if model.input_shape == (None, 7) else rng.random((5, 7, 3), dtype=np.float32)
    keras.export.to_onnx(model, tmp_path / "model.onnx")
    np.testing.assert_allclose(run_onnx(tmp_path / "model.onnx", x.astype(np.float32)), model.predict(x, verbose=0),
                               atol=1e-5)


@pytest.mark.parametrize("kind, culprit", [("text_sequences", "masked_mean"), ("recurrent_text", "lstm"),
                                           ("encoder_decoder", "encoder")])
def test_what_onnx_cannot_hold_is_refused_by_name(tmp_path, kind, culprit):
    """Masks (ONNX has none), returned states and initial states: the error names the layer, and no
    file is left."""
    model = GRAPHS[kind](keras)
    with pytest.raises(ValueError, match=f"layer '{culprit}'"):
        keras.export.to_onnx(model, tmp_path / "x.onnx")
    assert not (tmp_path / "x.onnx").exists()
