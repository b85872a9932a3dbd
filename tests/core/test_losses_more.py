"""KLDivergence, Poisson, CosineSimilarity, the hinges, LogCosh, MSLE, MAPE and the focal
cross-entropies, label smoothing and the reductions: values, function forms, configs, string
names and one training step pinned to Keras 3.15.1 (tests/core/keras_losses_golden.py, written
by tools/keras_reference/losses.py); gradients against float64 central differences."""

import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet as keras
from glassnet import losses
from tests.core.keras_losses_golden import KERAS_VERSION, LOSSES, STRINGS, TRAINING

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "keras_reference"))
from losses import (CASES, FUNCTION_OF, SAMPLE_WEIGHT, TRAIN_BIAS, TRAIN_CASES, TRAIN_KERNEL, TRAIN_X,  # noqa: E402
                    inputs)

DATA = inputs()
RTOL, ATOL = 1e-5, 1e-6  # float32 arithmetic in a different order than Keras's


def make(name):
    class_name, kwargs, y_key, p_key = CASES[name]
    return getattr(losses, class_name)(**kwargs), DATA[y_key], DATA[p_key]


def test_golden_comes_from_the_keras_version_we_mirror():
    assert KERAS_VERSION == "3.15.1"


@pytest.mark.parametrize("name", list(CASES))
def test_value_and_weighted_value_match_keras(name):
    loss, y_true, y_pred = make(name)
    expected = LOSSES[name]
    np.testing.assert_allclose(loss(y_true, y_pred), expected["value"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(loss(y_true, y_pred, sample_weight=np.array(SAMPLE_WEIGHT)), expected["weighted"],
                               rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", [n for n in CASES if LOSSES[n]["per_sample"] is not None])
def test_function_form_matches_keras(name):
    class_name, kwargs, y_key, p_key = CASES[name]
    options = {k: v for k, v in kwargs.items() if k not in ("reduction", "name")}
    function = getattr(losses, FUNCTION_OF[class_name])
    np.testing.assert_allclose(function(DATA[y_key], DATA[p_key], **options), LOSSES[name]["per_sample"],
                               rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", list(CASES))
def test_config_holds_keras_keys_and_rebuilds(name):
    loss, y_true, y_pred = make(name)
    config = loss.get_config()
    for key, value in LOSSES[name]["config"].items():
        assert config[key] == value, key
    # Keras's CosineSimilarity forgets axis in its config; glassnet keeps it.
    assert set(config) - set(LOSSES[name]["config"]) <= {"axis"}
    again = type(loss).from_config(config) if hasattr(type(loss), "from_config") else type(loss)(**config)
    assert again.get_config() == config
    np.testing.assert_allclose(again(y_true, y_pred), loss(y_true, y_pred), rtol=1e-7)


@pytest.mark.parametrize("name", [n for n in CASES if CASES[n][1].get("reduction", "sum_over_batch_size")
                                  not in (None, "none")])
def test_gradient_matches_central_differences(name):
    loss, y_true, y_pred = make(name)  # from_logits=True cases differentiate with respect to the logits
    rng = np.random.default_rng(0)
    # Off the kinks (|e| = 0, margins of exactly 0, ties in a max) that fixed eighths can land on.
    y_pred = y_pred.astype(np.float64) + rng.uniform(-0.01, 0.01, y_pred.shape)
    y_true = y_true.astype(np.float64)
    weight = np.array(SAMPLE_WEIGHT, dtype=np.float64)
    _, grad = loss.value_and_gradient(y_true, y_pred.copy(), weight)
    numeric = np.zeros_like(y_pred)
    step = 1e-6
    for index in np.ndindex(y_pred.shape):
        up, down = y_pred.copy(), y_pred.copy()
        up[index] += step
        down[index] -= step
        numeric[index] = (loss(y_true, up, weight) - loss(y_true, down, weight)) / (2 * step)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("string", list(STRINGS))
def test_strings_resolve_as_in_keras(string):
    expected = STRINGS[string]
    if expected is None:
        with pytest.raises(ValueError, match=string):
            losses.get(string)
        return
    loss = losses.get(string)
    found = getattr(losses, expected)  # Keras gives a function, or a class for a class name
    expected_class = found if isinstance(found, type) else found.loss_class
    assert type(loss) is expected_class


@pytest.mark.parametrize("name", list(TRAIN_CASES))
def test_one_training_step_matches_keras(name):
    loss, activation, y_key = TRAIN_CASES[name]
    if not isinstance(loss, str):
        loss = getattr(losses, loss[0])(**loss[1])
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation=activation)])
    model.set_weights([TRAIN_KERNEL, TRAIN_BIAS])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)
    value = model.train_on_batch(TRAIN_X, DATA[y_key])
    expected = TRAINING[name]
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(value, expected["loss"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(kernel, expected["kernel"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(bias, expected["bias"], rtol=RTOL, atol=ATOL)


NEW_CLASSES = ["KLDivergence", "Poisson", "CosineSimilarity", "Hinge", "SquaredHinge", "CategoricalHinge", "LogCosh",
               "MeanSquaredLogarithmicError", "MeanAbsolutePercentageError", "BinaryFocalCrossentropy",
               "CategoricalFocalCrossentropy"]


@pytest.mark.parametrize("class_name", NEW_CLASSES)
def test_every_new_loss_is_builtin_and_a_compiled_model_saves_and_loads(class_name, tmp_path):
    assert losses.builtin_classes()[class_name] is getattr(keras.losses, class_name)
    loss = getattr(losses, class_name)(reduction="sum", name="mine")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss=loss)
    model.save(tmp_path / "m.glassnet")
    loaded = keras.models.load_model(tmp_path / "m.glassnet")
    assert type(loaded.loss) is type(loss)
    assert loaded.loss.get_config() == loss.get_config()


def test_keras_access_paths():
    for name in ["kl_divergence", "kld", "poisson", "cosine_similarity", "hinge", "squared_hinge", "categorical_hinge",
                 "log_cosh", "mean_squared_logarithmic_error", "msle", "mean_absolute_percentage_error", "mape",
                 "binary_focal_crossentropy", "categorical_focal_crossentropy"]:
        assert callable(getattr(keras.losses, name)), name
        assert keras.losses.FUNCTIONS[name] is getattr(keras.losses, name)


def test_hinge_leaves_labels_that_are_not_all_zero_or_one_alone():
    y_pred = np.array([[0.5, -0.5]], np.float32)
    # {0, 1} labels become {-1, 1}: margins 1 - (1)(0.5) and 1 - (-1)(-0.5)
    assert losses.Hinge()(np.array([[1.0, 0.0]]), y_pred) == pytest.approx(0.5)
    # a batch holding -1 is taken as it is: 0 stays 0, so its margin is 1
    assert losses.Hinge()(np.array([[-1.0, 0.0]]), y_pred) == pytest.approx((1.5 + 1.0) / 2)


def test_log_cosh_does_not_overflow_for_large_errors():
    value = losses.LogCosh()(np.zeros((1, 1), np.float32), np.full((1, 1), 1000.0, np.float32))
    assert value == pytest.approx(1000.0 - np.log(2.0), rel=1e-6)


def test_mean_with_sample_weight_divides_by_the_weights():
    y, p = np.zeros((3, 1)), np.array([[1.0], [2.0], [3.0]])
    weight = np.array([1.0, 0.0, 3.0])
    loss = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    assert loss(y, p, weight) == pytest.approx((1 * 1 + 3 * 9) / 4)
    _, grad = loss.value_and_gradient(y, p, weight)
    np.testing.assert_allclose(grad, [[2 * 1 * 1 / 4], [0.0], [2 * 3 * 3 / 4]])


@pytest.mark.parametrize("make_loss, error, match", [
    (lambda: losses.Hinge(from_logits=True), TypeError, "from_logits"),
    (lambda: losses.BinaryFocalCrossentropy(gamma=-1.0), ValueError, "gamma"),
    (lambda: losses.CategoricalFocalCrossentropy(label_smoothing=2.0), ValueError, "label_smoothing"),
    (lambda: losses.BinaryFocalCrossentropy(apply_class_balancing="yes"), TypeError, "apply_class_balancing"),
    (lambda: losses.Poisson(reduction="average"), ValueError, "reduction"),
    (lambda: losses.CategoricalCrossentropy(axis=1), ValueError, "axis"),
    (lambda: losses.CosineSimilarity(axis=1.5), TypeError, "axis"),
])
def test_bad_arguments_name_the_argument(make_loss, error, match):
    with pytest.raises(error, match=match):
        make_loss()
