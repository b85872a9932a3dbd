"""Metric objects as Keras programs use them: standalone (update_state / result / reset_state,
the result as a number and as .numpy()), their variables (names and shapes from Keras 3.15.1,
tests/metrics/keras_metrics_golden.py), names in compile, train_on_batch, vector results in
the history, ModelCheckpoint on val_auc, saving and loading, a Keras-style Metric subclass, and
the errors for bad arguments."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import metrics, ops
from tests.metrics import keras_metrics_golden as GOLDEN

Y_TRUE = np.array([0, 0, 1, 1], np.float32)
Y_PRED = np.array([0.1, 0.4, 0.35, 0.8], np.float32)


def test_standalone_auc_as_in_keras_guides():
    m = keras.metrics.AUC()
    m.update_state(Y_TRUE, Y_PRED)
    result = m.result()
    assert float(result) == pytest.approx(0.75, rel=1e-6)
    assert isinstance(result.numpy(), np.ndarray) and result.numpy().shape == ()
    assert str(result) == "0.75" and f"{result:.2f}" == "0.75"
    m.update_state(Y_TRUE, Y_PRED, sample_weight=[1.0, 0.0, 0.0, 1.0])  # state accumulates
    assert float(m.result()) != pytest.approx(0.75)
    m.reset_state()
    assert float(m.result()) == 0.0
    assert float(m(Y_TRUE, Y_PRED)) == pytest.approx(0.75, rel=1e-6)  # __call__: update, then result


def test_precision_with_several_thresholds_gives_one_value_each():
    m = keras.metrics.Precision(thresholds=[0.3, 0.5])
    m.update_state(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(m.result().numpy(), [2 / 3, 1.0], rtol=1e-6)


@pytest.mark.parametrize("index", range(len(GOLDEN.VARIABLE_CASES)))
def test_variables_have_keras_names_and_shapes(index):
    cls, kwargs = GOLDEN.VARIABLE_CASES[index]
    expected = GOLDEN.VARIABLES[f"{cls}{kwargs}"]
    metric = getattr(keras.metrics, cls)(**kwargs)
    assert [v.name for v in metric.variables] == expected["before"]
    metric.update_state(np.array(GOLDEN.INPUTS["y_ml"], np.float32), np.array(GOLDEN.INPUTS["p_ml"], np.float32))
    assert [[v.name, list(v.shape)] for v in metric.variables] == expected["after"]
    metric.reset_state()
    assert all(not np.any(v.numpy()) for v in metric.variables)


def _binary_model():
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    return model


def _binary_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 3)).astype(np.float32)
    return x, (x[:, 0] > 0).astype(np.float32)


def test_metric_names_in_compile_are_the_log_keys():
    x, y = _binary_data()
    model = _binary_model()
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["auc", "Precision", "recall", "mse"])
    history = model.fit(x, y, epochs=1, verbose=0)
    assert sorted(history.history) == ["Precision", "auc", "loss", "mse", "recall"]
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    reference = keras.metrics.AUC()
    reference.update_state(y, model.predict(x, verbose=0))
    assert logs["auc"] == pytest.approx(float(reference.result()), rel=1e-6)


def test_epoch_value_is_over_the_whole_epoch_not_a_mean_of_batches():
    x, y = _binary_data()
    model = _binary_model()
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="binary_crossentropy",
                  metrics=[keras.metrics.AUC(name="auc")])
    history = model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    whole = keras.metrics.AUC()
    whole.update_state(y, model.predict(x, verbose=0))  # learning rate 0: the same predictions all epoch
    per_batch = [float(keras.metrics.AUC()(y[i:i + 8], model.predict(x[i:i + 8], verbose=0))) for i in range(0, 48, 8)]
    assert history.history["auc"][0] == pytest.approx(float(whole.result()), rel=1e-6)
    assert history.history["auc"][0] != pytest.approx(np.mean(per_batch), rel=1e-3)


def test_train_on_batch_reports_that_batch_alone():
    x, y = _binary_data()
    model = _binary_model()
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="binary_crossentropy",
                  metrics=[keras.metrics.Precision(), keras.metrics.Recall()])
    model.train_on_batch(x[:24], y[:24])
    loss, precision, recall = model.train_on_batch(x[24:], y[24:])
    expected = keras.metrics.Recall()(y[24:], model.predict(x[24:], verbose=0))
    assert isinstance(recall, float) and recall == pytest.approx(float(expected), rel=1e-6)


def test_vector_results_are_arrays_in_the_history():
    x, y = _binary_data()
    y3 = np.eye(3, dtype=np.float32)[(x[:, 0] > 0).astype(int) + (x[:, 1] > 1).astype(int)]
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy",
                  metrics=[keras.metrics.F1Score(), keras.metrics.F1Score(average="macro", name="f1_macro")])
    history = model.fit(x, y3, epochs=2, verbose=0)
    assert np.shape(history.history["f1_score"][0]) == (3,)
    assert isinstance(history.history["f1_macro"][0], float)
    assert history.history["f1_macro"][1] == pytest.approx(float(np.mean(history.history["f1_score"][1])), rel=1e-5)


def test_model_checkpoint_maximises_val_auc_in_auto_mode(tmp_path):
    x, y = _binary_data()
    model = _binary_model()
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[keras.metrics.AUC(name="auc")])
    checkpoint = keras.callbacks.ModelCheckpoint(str(tmp_path / "best.glassnet"), monitor="val_auc",
                                                 save_best_only=True)
    model.fit(x, y, epochs=2, validation_split=0.25, callbacks=[checkpoint], verbose=0)
    assert checkpoint.monitor_op(1.0, 0.5)  # higher is better
    assert (tmp_path / "best.glassnet").exists()


def test_model_with_metric_objects_saves_and_loads_with_their_configs(tmp_path):
    x, y = _binary_data()
    model = _binary_model()
    M = keras.metrics
    compiled = [M.AUC(curve="PR", num_thresholds=50, name="pr"), M.Precision(thresholds=[0.3, 0.6], name="p"),
                M.Recall(top_k=1, name="r"), M.F1Score(average="macro", threshold=0.5), M.R2Score(), "auc",
                M.BinaryIoU(target_class_ids=[1]), M.SensitivityAtSpecificity(0.5, name="sens")]
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=compiled)
    model.fit(x, y, epochs=1, verbose=0)
    before = model.evaluate(x, y, verbose=0, return_dict=True)
    model.save(tmp_path / "m.glassnet")
    loaded = keras.models.load_model(tmp_path / "m.glassnet")
    after = loaded.evaluate(x, y, verbose=0, return_dict=True)
    assert sorted(after) == sorted(before)
    for key in before:
        np.testing.assert_allclose(after[key], before[key], rtol=1e-6, err_msg=key)
    restored = {m.name: m for m in loaded._metric_identifiers if not isinstance(m, str)}
    assert restored["pr"].get_config() == compiled[0].get_config()
    assert restored["p"].get_config()["thresholds"] == [0.3, 0.6]


@keras.saving.register_keras_serializable(package="metric_tests")
class BinaryTruePositives(keras.metrics.Metric):
    """The custom metric of Keras's guide, written with ops and add_variable."""

    def __init__(self, name="binary_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(shape=(), initializer="zeros", name="true_positives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = ops.logical_and(ops.cast(y_true, "bool"), ops.cast(ops.greater(y_pred, 0.5), "bool"))
        values = ops.cast(values, self.dtype)
        if sample_weight is not None:
            values = ops.multiply(values, ops.reshape(ops.cast(sample_weight, self.dtype), ops.shape(values)))
        self.true_positives.assign(self.true_positives + ops.sum(values))

    def result(self):
        return self.true_positives


def test_a_keras_style_metric_subclass_trains_saves_and_loads(tmp_path):
    x, y = _binary_data()
    model = _binary_model()
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[BinaryTruePositives()])
    history = model.fit(x, y.reshape(-1, 1), epochs=1, batch_size=48, verbose=0)
    expected = float(np.sum((y == 1) & (model.predict(x, verbose=0)[:, 0] > 0.5)))
    logs = model.evaluate(x, y.reshape(-1, 1), verbose=0, return_dict=True)
    assert logs["binary_true_positives"] == expected
    assert isinstance(history.history["binary_true_positives"][0], float)
    model.save(tmp_path / "m.glassnet")
    loaded = keras.models.load_model(tmp_path / "m.glassnet")
    assert loaded.evaluate(x, y.reshape(-1, 1), verbose=0, return_dict=True)["binary_true_positives"] == expected


def test_module_functions_and_names():
    assert metrics.mse is keras.losses.mean_squared_error
    assert keras.metrics.kl_divergence is keras.losses.kl_divergence
    assert keras.metrics.get("kld").name == "kld"  # a loss name Keras does not list: the loss's mean
    values = keras.metrics.binary_accuracy(np.array([[1.0], [0.0]]), np.array([[0.7], [0.6]]))
    np.testing.assert_array_equal(values, [[1.0], [0.0]])
    assert sorted(keras.metrics.builtin_classes()) == sorted(
        set(keras.metrics.builtin_classes()))  # names are unique
    assert {"AUC", "Precision", "Recall", "F1Score", "MeanIoU", "R2Score", "Sum", "Mean"} <= set(
        keras.metrics.builtin_classes())


@pytest.mark.parametrize("make, words", [
    (lambda: keras.metrics.AUC(curve="ROCK"), ["AUC", "curve", "ROCK"]),
    (lambda: keras.metrics.AUC(summation_method="trapezoid"), ["summation_method", "trapezoid"]),
    (lambda: keras.metrics.AUC(num_thresholds=1), ["num_thresholds", "1"]),
    (lambda: keras.metrics.AUC(num_labels=3), ["num_labels", "multi_label"]),
    (lambda: keras.metrics.Precision(thresholds=[0.5, 1.5]), ["Precision", "thresholds", "1.5"]),
    (lambda: keras.metrics.Recall(top_k=0), ["Recall", "top_k", "0"]),
    (lambda: keras.metrics.F1Score(average="mean"), ["F1Score", "average", "mean"]),
    (lambda: keras.metrics.FBetaScore(beta=2), ["FBetaScore", "beta", "float"]),
    (lambda: keras.metrics.F1Score(threshold=1.5), ["threshold", "1.5"]),
    (lambda: keras.metrics.R2Score(class_aggregation="median"), ["R2Score", "class_aggregation", "median"]),
    (lambda: keras.metrics.SensitivityAtSpecificity(1.5), ["specificity", "1.5"]),
    (lambda: keras.metrics.IoU(3, target_class_ids=[3]), ["IoU", "3"]),
    (lambda: keras.metrics.get("aucc"), ["aucc", "auc"]),
])
def test_bad_arguments_say_what_was_expected_and_received(make, words):
    with pytest.raises((ValueError, TypeError)) as error:
        make()
    for word in words:
        assert word in str(error.value)


def test_shape_errors_name_the_metric():
    with pytest.raises(ValueError, match="F1Score expects 2D inputs"):
        keras.metrics.F1Score().update_state(Y_TRUE, Y_PRED)
    with pytest.raises(ValueError, match="multi_label"):
        keras.metrics.AUC(multi_label=True).update_state(Y_TRUE, Y_PRED)
    with pytest.raises(ValueError, match="class_id"):
        keras.metrics.Precision(class_id=1).update_state(Y_TRUE, Y_PRED)


def test_a_vector_metric_shows_its_mean_on_the_progress_bar_and_its_values_in_the_csv_log(tmp_path, capsys):
    """F1Score(average=None) gives one value per class: Keras's progress bar prints their mean and
    its CSVLogger writes the list as "[a, b, c]"."""
    rng = np.random.default_rng(0)
    x, y = rng.random((40, 4)).astype(np.float32), np.eye(3)[rng.integers(0, 3, 40)]
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "categorical_crossentropy", metrics=[keras.metrics.F1Score()])
    history = model.fit(x, y, epochs=1, verbose=2, callbacks=[keras.callbacks.CSVLogger(str(tmp_path / "log.csv"))])
    f1 = history.history["f1_score"][0]
    assert np.shape(f1) == (3,)
    assert f"f1_score: {float(np.mean(f1)):.4f}" in capsys.readouterr().out
    row = (tmp_path / "log.csv").read_text().splitlines()[1]
    assert "[" + ", ".join(str(v) for v in np.asarray(f1).tolist()) + "]" in row
