"""glassnet against numbers produced by real Keras (tests/keras_golden.py, written by
tools/keras_reference/make_golden.py with the Keras version it names)."""

import io
import contextlib
import re

import numpy as np
import pytest

import glassnet as keras
from tests.keras_golden import GOLDEN, TEXT
from tests.kernel_settings import fused_kernels

INPUTS = {k: np.array(v, dtype=np.float32) for k, v in GOLDEN["inputs"].items()}

OPTIMIZERS = {
    "SGD()": lambda: keras.optimizers.SGD(),
    "SGD(momentum=0.9)": lambda: keras.optimizers.SGD(momentum=0.9),
    "SGD(momentum=0.9, nesterov=True)": lambda: keras.optimizers.SGD(momentum=0.9, nesterov=True),
    "Adam()": lambda: keras.optimizers.Adam(),
    "Adam(amsgrad=True)": lambda: keras.optimizers.Adam(amsgrad=True),
    "AdamW()": lambda: keras.optimizers.AdamW(),
    "RMSprop()": lambda: keras.optimizers.RMSprop(),
    "RMSprop(momentum=0.9, centered=True)": lambda: keras.optimizers.RMSprop(momentum=0.9, centered=True),
    "Adagrad()": lambda: keras.optimizers.Adagrad(),
    "Nadam()": lambda: keras.optimizers.Nadam(),
    "Adam(clipnorm=1.0)": lambda: keras.optimizers.Adam(clipnorm=1.0),
    "Adam(clipvalue=0.1)": lambda: keras.optimizers.Adam(clipvalue=0.1),
    "SGD(global_clipnorm=1.0)": lambda: keras.optimizers.SGD(global_clipnorm=1.0),
    "Adam(ExponentialDecay(0.1, 2, 0.5))": lambda: keras.optimizers.Adam(
        keras.optimizers.schedules.ExponentialDecay(0.1, 2, 0.5)),
    "SGD(ExponentialDecay(0.1, 2, 0.5, staircase=True))": lambda: keras.optimizers.SGD(
        keras.optimizers.schedules.ExponentialDecay(0.1, 2, 0.5, staircase=True)),
}


@pytest.mark.parametrize("fused", [False, True], ids=["numpy", "fused-kernels"])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_steps_match_keras(name, fused):
    with fused_kernels(fused):
        optimizer = OPTIMIZERS[name]()
        parameter = keras.layers.Parameter("w", INPUTS["variable"].copy())
        flat = keras.engine.FlatParameters([parameter])
        optimizer.build(flat)
        for gradient, expected in zip(INPUTS["gradients"], GOLDEN["optimizer_steps"][name]):
            parameter.grad[...] = gradient
            optimizer.apply(flat)
            np.testing.assert_allclose(parameter.value, expected, rtol=2e-6, atol=2e-7)


@pytest.mark.parametrize("name", list(GOLDEN["optimizer_defaults"]))
def test_optimizer_defaults_match_keras(name):
    config = getattr(keras.optimizers, name)().get_config()
    for key, value in GOLDEN["optimizer_defaults"][name].items():
        assert config[key] == pytest.approx(value, rel=1e-6) if isinstance(value, float) else config[key] == value, key


LOSSES = {
    "categorical_crossentropy": (keras.losses.CategoricalCrossentropy(), "y_one_hot", "probs"),
    "categorical_crossentropy_logits": (keras.losses.CategoricalCrossentropy(from_logits=True), "y_one_hot", "logits"),
    "categorical_crossentropy_smoothing": (keras.losses.CategoricalCrossentropy(label_smoothing=0.1), "y_one_hot", "probs"),
    "sparse_categorical_crossentropy": (keras.losses.SparseCategoricalCrossentropy(), "y_sparse", "probs"),
    "sparse_categorical_crossentropy_logits": (keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                                               "y_sparse", "logits"),
    "binary_crossentropy": (keras.losses.BinaryCrossentropy(), "y_binary", "p_binary"),
    "binary_crossentropy_logits": (keras.losses.BinaryCrossentropy(from_logits=True), "y_binary", "z_binary"),
    "mean_squared_error": (keras.losses.MeanSquaredError(), "y_reg", "p_reg"),
    "mean_absolute_error": (keras.losses.MeanAbsoluteError(), "y_reg", "p_reg"),
    "huber": (keras.losses.Huber(), "y_reg", "p_reg"),
}


@pytest.mark.parametrize("name", list(LOSSES))
def test_losses_match_keras(name):
    loss, y_key, p_key = LOSSES[name]
    y_true = INPUTS[y_key].astype(np.int64) if y_key == "y_sparse" else INPUTS[y_key]
    expected = GOLDEN["losses"][name]
    assert loss(y_true, INPUTS[p_key]) == pytest.approx(expected["reduced"], rel=1e-5)
    assert loss(y_true, INPUTS[p_key], sample_weight=INPUTS["sample_weight"]) == pytest.approx(expected["weighted"], rel=1e-5)


def test_metrics_match_keras():
    M = keras.metrics
    for name, metric, y_true, y_pred in [
        ("categorical_accuracy", M.CategoricalAccuracy(), "y_one_hot", "probs"),
        ("sparse_categorical_accuracy", M.SparseCategoricalAccuracy(), "y_sparse", "probs"),
        ("binary_accuracy", M.BinaryAccuracy(), "y_binary", "p_binary"),
        ("top_k_categorical_accuracy_k2", M.TopKCategoricalAccuracy(k=2), "y_one_hot", "probs"),
        ("mean_squared_error", M.MeanSquaredError(), "y_reg", "p_reg"),
        ("mean_absolute_error", M.MeanAbsoluteError(), "y_reg", "p_reg"),
    ]:
        metric.update_state(INPUTS[y_true], INPUTS[y_pred])
        assert metric.result() == pytest.approx(GOLDEN["metrics"][name], rel=1e-6), name


@pytest.mark.parametrize("name", list(GOLDEN["activations"]))
def test_activations_match_keras(name):
    got = keras.activations.get(name)(INPUTS["activation_input"])
    np.testing.assert_allclose(got, GOLDEN["activations"][name], rtol=1e-5, atol=1e-6)


def test_training_run_matches_keras():
    run = GOLDEN["model_run"]
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.set_weights([np.array(w, dtype=np.float32) for w in run["initial_weights"]])
    model.compile(keras.optimizers.Adam(), "categorical_crossentropy", metrics=["accuracy"])
    x, y = np.array(run["x"], np.float32), np.array(run["y"], np.float32)
    history = model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    assert list(history.history) == run["history_keys"]
    for key in run["history_keys"]:
        np.testing.assert_allclose(history.history[key], run["history"][key], rtol=1e-5)
    for got, expected in zip(model.get_weights(), run["weights_after"]):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), run["evaluate"], rtol=1e-5)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(logs) == list(run["evaluate_dict"])


def _without_names(text):
    """Keras numbers layers and models process-wide (dense_3, sequential_2): compare without the
    numbers, and without the padding that their length changes."""
    text = re.sub(r"(\w+?)(_\d+)?( \(\w+\)|\")", lambda m: m.group(1) + m.group(3), text)
    return re.sub(r" +", " ", text)


def summary_of(model):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        model.summary()
    return buffer.getvalue()


def test_summary_text_matches_keras():
    keras.utils.clear_session()  # names as in a fresh Keras session, whichever tests ran before (columns wrap long names)
    L = keras.layers
    models = {
        "binary": keras.Sequential([L.Input((2,)), L.Dense(10, activation="relu"), L.Dense(1, activation="sigmoid")]),
        "mlp512": keras.Sequential([L.Input((28, 28)), L.Flatten(), L.Dense(512, activation="relu"),
                                    L.Dense(10, activation="softmax")]),
        "seed_cnn": keras.Sequential([L.Input((28, 28, 1)), L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D((2, 2)),
                                      L.Flatten(), L.Dense(10, activation="softmax")]),
        "classic_convnet": keras.Sequential([L.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2),
                                             L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(),
                                             L.Dropout(0.5), L.Dense(10, activation="softmax")]),
    }
    for name, model in models.items():
        assert _without_names(summary_of(model)) == _without_names(TEXT["summaries"][name])
    model = models["binary"]
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    model.fit(np.zeros((10, 2)), np.zeros(10), verbose=0)
    assert _without_names(summary_of(model)) == _without_names(TEXT["summary_after_fit"])


def test_verbose_2_line_has_keras_layout(capsys):
    expected = TEXT["fit_verbose_2"].splitlines()[1]
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((100, 2)), rng.integers(0, 2, 100)
    model.fit(x, y, epochs=1, batch_size=10, verbose=2, validation_data=(x, y))
    got = capsys.readouterr().out.splitlines()[1]
    shape = lambda line: re.sub(r"\d+(\.\d+)?", "N", line)  # noqa: E731
    assert shape(got).replace("us/step", "ms/step") == shape(expected)
