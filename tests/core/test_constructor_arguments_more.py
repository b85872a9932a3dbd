"""Any value given to an optimizer, learning-rate schedule, loss, metric or callback constructor
either builds an object that works or raises a ValueError/TypeError naming the argument
(property-based, with hypothesis; the companion of tests/layers/test_constructor_arguments.py).

"Works" means, per family: an optimizer makes one fit step and leaves no NaN in the weights; a
schedule gives a finite rate >= 0 at steps 0, 1 and 100; a loss gives a finite value on small
inputs; a metric's update_state and result give finite values; a callback survives a one-epoch
fit. Every argument of every class the package exports is drawn (read from its signature), so
a class or argument added later is covered without editing this file.
"""

from __future__ import annotations

import inspect
import math
import os
import tempfile
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glassnet as keras
from glassnet import callbacks, losses, metrics, optimizers
from glassnet.optimizers import schedules

values = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 9), st.integers(-1000, 1000),
    # Magnitudes up to 2^100 ~ 1e30 (a hyperparameter near float32's limit of 3.4e38 overflows in the first
    # multiply, in Keras as here), and the infinities and NaN themselves.
    st.floats(-2.0**100, 2.0**100, width=32), st.sampled_from([float("inf"), -float("inf"), float("nan")]),
    st.text(max_size=4),
    st.sampled_from(["auto", "min", "max", "epoch", "batch", "ROC", "PR", "micro", "macro", "weighted",
                     "interpolation", "majoring", "minoring", "sum", "none", "loss", "val_loss", "relu", "5",
                     "uniform_average", "variance_weighted", "raw_values", "float64", "int32"]),
    st.tuples(st.integers(-2, 5), st.integers(-2, 5)), st.lists(st.integers(-1, 4), max_size=3),
    st.lists(st.floats(-1, 2, width=32), max_size=3), st.just(lambda *args: None))


def _drawn_arguments(cls, leave_out=()) -> list[str]:
    """Every named parameter of ``cls``'s constructor (not *args or **kwargs)."""
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]  # not __new__'s (*args, **kwargs)
    return [p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
            and p.name not in leave_out]


def _names_argument(error: Exception, argument: str) -> bool:
    return argument in str(error)


def _exported(module, base, leave_out=()):
    return sorted(name for name in module.__all__ if isinstance(getattr(module, name), type)
                  and issubclass(getattr(module, name), base) and getattr(module, name) is not base
                  and name not in leave_out)


def _tiny_model(optimizer="sgd", loss="mse"):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer=optimizer, loss=loss)
    return model


X = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
Y = np.random.default_rng(1).normal(size=(4, 2)).astype("float32")


def _draw(data, cls, fixed, leave_out=()):
    argument = data.draw(st.sampled_from(_drawn_arguments(cls, leave_out)), label="argument")
    value = data.draw(values, label="value")
    return argument, {**fixed, argument: value}


def _construct(cls, argument, kwargs):
    """The object, or None where the constructor refused the value naming ``argument``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return cls(**kwargs)
    except (ValueError, TypeError) as error:
        assert _names_argument(error, argument), f"{cls.__name__}({argument}={kwargs[argument]!r}) said: {error}"
        return None


# -- optimizers ---------------------------------------------------------------------------------
OPTIMIZERS = _exported(optimizers, optimizers.Optimizer)


@pytest.mark.parametrize("name", OPTIMIZERS)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_optimizer_arguments_make_a_working_optimizer_or_are_named(name, data):
    cls = getattr(optimizers, name)
    argument, kwargs = _draw(data, cls, {})
    optimizer = _construct(cls, argument, kwargs)
    if optimizer is None:
        return
    model = _tiny_model(optimizer)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, Y, epochs=1, batch_size=4, verbose=0)
    weights = np.concatenate([w.ravel() for w in model.get_weights()])
    assert not np.isnan(weights).any(), f"{name}({argument}={kwargs[argument]!r}) made NaN weights"


# -- learning-rate schedules --------------------------------------------------------------------
SCHEDULES = {
    "ExponentialDecay": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.9},
    "InverseTimeDecay": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5},
    "PiecewiseConstantDecay": {"boundaries": [10, 50], "values": [0.1, 0.01, 0.001]},
    "PolynomialDecay": {"initial_learning_rate": 0.1, "decay_steps": 10},
    "CosineDecay": {"initial_learning_rate": 0.1, "decay_steps": 10},
    "CosineDecayRestarts": {"initial_learning_rate": 0.1, "first_decay_steps": 10},
}


def test_every_schedule_is_drawn():
    assert sorted(SCHEDULES) == _exported(schedules, schedules.LearningRateSchedule)


def test_every_family_is_covered():
    """The lists are read from the package, so a class exported later is drawn too."""
    assert {"SGD", "Adam", "Adamax", "Lion", "Ftrl", "Adadelta", "Adafactor"} <= set(OPTIMIZERS)
    assert {"MeanSquaredError", "Huber", "CategoricalFocalCrossentropy"} <= set(LOSSES)
    assert {"AUC", "Precision", "Recall", "F1Score", "IoU", "R2Score", "TopKCategoricalAccuracy"} <= set(METRICS)
    assert {"EarlyStopping", "ModelCheckpoint", "TensorBoard", "ReduceLROnPlateau", "CSVLogger"} <= set(CALLBACKS)
    assert all(_drawn_arguments(getattr(losses, name)) for name in LOSSES)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_schedule_arguments_make_a_finite_rate_or_are_named(name, data):
    cls = getattr(schedules, name)
    argument, kwargs = _draw(data, cls, SCHEDULES[name])
    schedule = _construct(cls, argument, kwargs)
    if schedule is None:
        return
    for step in (0, 1, 100):
        rate = schedule(step)
        assert isinstance(rate, float) and math.isfinite(rate) and rate >= 0, \
            f"{name}({argument}={kwargs[argument]!r})({step}) = {rate!r}"


# -- losses -------------------------------------------------------------------------------------
PROBABILITIES = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.5, 0.25, 0.25]], "float32")
ONE_HOT = np.eye(3, dtype="float32")[[0, 1, 2, 1]]
LABELS = np.array([0, 1, 2, 1])
LOSSES = _exported(losses, losses.Loss, leave_out=("LossFunctionWrapper",))


@pytest.mark.parametrize("name", LOSSES)
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_loss_arguments_make_a_finite_loss_or_are_named(name, data):
    cls = getattr(losses, name)
    argument, kwargs = _draw(data, cls, {})
    loss = _construct(cls, argument, kwargs)
    if loss is None:
        return
    y_true = LABELS if name.startswith("Sparse") else ONE_HOT
    try:
        value = loss(y_true, PROBABILITIES)
    except ValueError as error:  # a value that fits no data of this shape (axis=2 of 2-D data)
        assert _names_argument(error, argument), f"{name}({argument}={kwargs[argument]!r}): {error}"
        return
    assert np.all(np.isfinite(np.asarray(value))), f"{name}({argument}={kwargs[argument]!r}) gave {value!r}"


# -- metrics ------------------------------------------------------------------------------------
METRIC_FIXED = {
    "IoU": {"num_classes": 3, "target_class_ids": [0, 1]}, "MeanIoU": {"num_classes": 3},
    "OneHotIoU": {"num_classes": 3, "target_class_ids": [0, 1]}, "OneHotMeanIoU": {"num_classes": 3},
    "PrecisionAtRecall": {"recall": 0.5}, "RecallAtPrecision": {"precision": 0.5},
    "SensitivityAtSpecificity": {"specificity": 0.5}, "SpecificityAtSensitivity": {"sensitivity": 0.5},
    "TopKCategoricalAccuracy": {"k": 2}, "SparseTopKCategoricalAccuracy": {"k": 2},
}
SPARSE_METRICS = {"SparseCategoricalAccuracy", "SparseCategoricalCrossentropy", "SparseTopKCategoricalAccuracy"}
BINARY_METRICS = {"AUC", "BinaryAccuracy", "BinaryCrossentropy", "BinaryIoU", "FalseNegatives", "FalsePositives",
                  "TrueNegatives", "TruePositives", "Precision", "Recall", "PrecisionAtRecall",
                  "RecallAtPrecision", "SensitivityAtSpecificity", "SpecificityAtSensitivity"}
METRICS = _exported(metrics, metrics.Metric, leave_out=("MeanMetricWrapper",))


def _metric_inputs(name):
    if name in SPARSE_METRICS or name in ("IoU", "MeanIoU"):
        return (LABELS, LABELS[::-1].copy()) if name.endswith("IoU") else (LABELS, PROBABILITIES)
    if name in BINARY_METRICS:
        return (ONE_HOT, PROBABILITIES)
    if name in ("Mean", "Sum"):
        return (np.array([1.0, 2.0, 4.0], "float32"),)
    return (ONE_HOT, PROBABILITIES)


@pytest.mark.parametrize("name", METRICS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_metric_arguments_make_a_working_metric_or_are_named(name, data):
    cls = getattr(metrics, name)
    argument, kwargs = _draw(data, cls, METRIC_FIXED.get(name, {}))
    metric = _construct(cls, argument, kwargs)
    if metric is None:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            metric.update_state(*_metric_inputs(name))
        except ValueError as error:  # a value that fits no data of this shape (class_id=7 of 3 classes)
            assert _names_argument(error, argument), f"{name}({argument}={kwargs[argument]!r}): {error}"
            return
        result = np.asarray(metric.result(), dtype="float64")
    assert np.all(np.isfinite(result)), f"{name}({argument}={kwargs[argument]!r}) gave {result!r}"


# -- callbacks ----------------------------------------------------------------------------------
def _callback_fixed(name, folder):
    return {"BackupAndRestore": {"backup_dir": os.path.join(folder, "backup")},
            "CSVLogger": {"filename": os.path.join(folder, "log.csv")},
            "ModelCheckpoint": {"filepath": os.path.join(folder, "m.keras")},
            "LearningRateScheduler": {"schedule": lambda epoch, rate: rate},
            "TensorBoard": {"log_dir": os.path.join(folder, "logs")}}.get(name, {})


CALLBACKS = [name for name in _exported(callbacks, callbacks.Callback, leave_out=("History", "CallbackList"))
             if _drawn_arguments(getattr(callbacks, name))]  # TerminateOnNaN takes none


@pytest.mark.parametrize("name", CALLBACKS)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_callback_arguments_make_a_working_callback_or_are_named(name, data):
    cls = getattr(callbacks, name)
    with tempfile.TemporaryDirectory() as folder:
        cwd = os.getcwd()
        os.chdir(folder)  # a relative path drawn for a file or folder lands here
        try:
            argument, kwargs = _draw(data, cls, _callback_fixed(name, folder))
            callback = _construct(cls, argument, kwargs)
            if callback is None:
                return
            model = _tiny_model()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    model.fit(X, Y, epochs=1, batch_size=2, validation_data=(X, Y), callbacks=[callback], verbose=0)
                except (ValueError, TypeError) as error:  # refused once the fit shows what it means
                    assert _names_argument(error, argument), f"{name}({argument}={kwargs[argument]!r}): {error}"
        finally:
            os.chdir(cwd)
