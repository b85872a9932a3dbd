"""Stateful metrics against numbers from real Keras 3.15.1 (tests/metrics/keras_metrics_golden.py,
made by tools/keras_reference/metrics.py): each metric given the same batches gives the same
result after every batch and after reset_state, has Keras's config, and a model compiled with
AUC / Precision / Recall evaluates and fits (class_weight, validation_split) to Keras's logs.

Tolerance: float32 results, rtol 1e-5 (glassnet accumulates in float64, Keras in float32);
the fit comparison allows 1e-4, two epochs of SGD steps in float32 lying between."""

import numpy as np
import pytest

import glassnet as keras
from tests.metrics import keras_metrics_golden as GOLDEN

ARRAYS = {key: np.array(value, np.float32) for key, value in GOLDEN.INPUTS.items()}


def _run(name, case):
    metric = getattr(keras.metrics, case["class"])(name="m", **case["kwargs"])
    values = []
    for y_true, y_pred, weight in case["batches"]:
        metric.update_state(ARRAYS[y_true], ARRAYS[y_pred], None if weight is None else ARRAYS[weight])
        values.append(np.asarray(metric.result()))
    metric.reset_state()
    y_true, y_pred, weight = case["batches"][0]
    metric.update_state(ARRAYS[y_true], ARRAYS[y_pred], None if weight is None else ARRAYS[weight])
    values.append(np.asarray(metric.result()))
    return metric, values


@pytest.mark.parametrize("name", sorted(GOLDEN.CASES))
def test_results_match_keras_after_each_batch_and_after_reset(name):
    metric, values = _run(name, GOLDEN.CASES[name])
    expected = GOLDEN.RESULTS[name]
    assert len(values) == len(expected)
    for step, (got, want) in enumerate(zip(values, expected)):
        np.testing.assert_allclose(got, np.array(want, np.float32), rtol=1e-5, atol=1e-6, err_msg=f"{name} step {step}")
        assert got.shape == np.shape(want), name


@pytest.mark.parametrize("name", sorted(GOLDEN.CASES))
def test_config_matches_keras_and_rebuilds_the_same_metric(name):
    metric, values = _run(name, GOLDEN.CASES[name])
    config = metric.get_config()
    assert _plain(config) == GOLDEN.CONFIGS[name]
    rebuilt = type(metric).from_config(config)
    case = GOLDEN.CASES[name]
    y_true, y_pred, weight = case["batches"][0]
    rebuilt.update_state(ARRAYS[y_true], ARRAYS[y_pred], None if weight is None else ARRAYS[weight])
    np.testing.assert_allclose(rebuilt.result(), values[-1], rtol=1e-6)


def _plain(value):
    """Tuples as lists and NumPy numbers as Python ones, as the golden file holds them."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


@pytest.mark.parametrize("name", sorted(GOLDEN.VALUE_CASES))
def test_mean_and_sum_match_keras(name):
    case = GOLDEN.VALUE_CASES[name]
    metric = getattr(keras.metrics, case["class"])(name="m")
    for (values, weight), want in zip(case["batches"], GOLDEN.RESULTS[name]):
        metric.update_state(ARRAYS[values], None if weight is None else ARRAYS[weight])
        assert float(metric.result()) == pytest.approx(want, rel=1e-5)


def test_default_names_are_keras_names_made_unique():
    keras.utils.clear_session()
    names = {cls: getattr(keras.metrics, cls)(**kwargs).name for cls, kwargs in [
        ("AUC", {}), ("Precision", {}), ("Recall", {}), ("MeanIoU", {"num_classes": 2}), ("F1Score", {}),
        ("R2Score", {}), ("LogCoshError", {}), ("TruePositives", {}), ("AUC", {})]}
    assert names == GOLDEN.DEFAULT_NAMES
    keras.utils.clear_session()
    assert [keras.metrics.AUC().name, keras.metrics.AUC().name, keras.metrics.Precision().name] == GOLDEN.UNIQUE_NAMES


@pytest.mark.parametrize("key", sorted(GOLDEN.STRING_CLASSES))
def test_names_resolve_to_keras_classes_and_keep_the_name(key):
    metric = keras.metrics.get(key)
    assert type(metric).__name__ == GOLDEN.STRING_CLASSES[key]
    assert metric.name == key  # the key of the logs, as Keras's compile names it


# -- models ------------------------------------------------------------------------------------
def _pattern(shape, seed):
    count = int(np.prod(shape))
    return ((((np.arange(count) * (2 * seed + 5) + seed) % 17) - 8) / 8).astype(np.float32).reshape(shape)


def _binary_data():
    rng = np.random.default_rng(7)
    x = rng.normal(0, 1, (40, 3)).astype(np.float32)
    y = ((x[:, 0] + 0.5 * x[:, 1] + rng.normal(0, 0.7, 40)) > 0.2).astype(np.float32)
    w = (rng.random(40) * 2).astype(np.float32)
    return x, y, w


def _binary_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights([_pattern(w.shape, 1 + i) for i, w in enumerate(model.get_weights())])
    return model


def test_evaluate_with_auc_precision_recall_and_sample_weight_matches_keras():
    x, y, w = _binary_data()
    keras.utils.clear_session()
    M = keras.metrics
    model = _binary_model()
    model.compile(optimizer="sgd", loss="binary_crossentropy",
                  metrics=[M.AUC(), M.Precision(), M.Recall(), "accuracy", M.AUC(curve="PR", name="pr_auc")],
                  weighted_metrics=[M.AUC(name="weighted_auc"), M.Precision(name="weighted_precision"),
                                    M.Recall(name="weighted_recall")])
    logs = model.evaluate(x, y, sample_weight=w, batch_size=16, verbose=0, return_dict=True)
    expected = GOLDEN.MODELS["evaluate"]
    assert sorted(logs) == sorted(expected)
    for key, value in expected.items():
        assert logs[key] == pytest.approx(value, rel=1e-5, abs=1e-6), key


def _fit_with_class_weight():
    x, y, _ = _binary_data()
    keras.utils.clear_session()
    model = _binary_model()
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy",
                  metrics=[keras.metrics.AUC(), keras.metrics.Precision(), keras.metrics.Recall(), "mse"])
    history = model.fit(x, y, epochs=2, batch_size=8, class_weight={0: 1.0, 1: 3.0}, shuffle=False,
                        validation_split=0.25, verbose=0)
    return model, history


def test_fit_with_class_weight_logs_keras_keys_and_epoch_values():
    """Keras 3 weighs the loss by class_weight, not `metrics` (only `weighted_metrics`)."""
    model, history = _fit_with_class_weight()
    expected = GOLDEN.MODELS["fit_class_weight"]
    assert sorted(history.history) == sorted(expected)
    for key, values in expected.items():
        if key != "val_loss":  # see the test below
            np.testing.assert_allclose(history.history[key], values, rtol=1e-4, atol=1e-5, err_msg=key)
    for got, want in zip(model.get_weights(), GOLDEN.MODELS["fit_class_weight_weights"]):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_fit_with_class_weight_gives_keras_val_loss():
    """class_weight weighs the training rows only: validation_split's rows keep weight 1, as in Keras."""
    _, history = _fit_with_class_weight()
    np.testing.assert_allclose(history.history["val_loss"], GOLDEN.MODELS["fit_class_weight"]["val_loss"], rtol=1e-4)
