"""Losses written as Keras writes them: a function of (y_true, y_pred) with glassnet.ops, or a
Loss subclass with call(); their gradients come from the tape and are checked against finite
differences and against glassnet's hand-derived losses."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers, ops


def custom_mean_squared_error(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


class CustomMSE(keras.losses.Loss):
    """The training guide's loss: mse plus a pull of the predictions towards 0.5."""

    def __init__(self, regularization_factor=0.1, name="custom_mse"):
        super().__init__(name=name)
        self.regularization_factor = regularization_factor

    def call(self, y_true, y_pred):
        mse = ops.mean(ops.square(y_true - y_pred), axis=-1)
        reg = ops.mean(ops.square(0.5 - y_pred), axis=-1)
        return mse + reg * self.regularization_factor


class LogCoshByOps(keras.losses.Loss):
    def call(self, y_true, y_pred):
        error = y_pred - y_true
        return ops.mean(error + ops.softplus(-2.0 * error) - np.log(2.0), axis=-1)


def _data(n=64):
    rng = np.random.default_rng(0)
    return rng.random((n, 5), dtype=np.float32), rng.random((n, 3), dtype=np.float32)


def _fit(loss):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((5,)), layers.Dense(3)])
    model.compile("sgd", loss=loss)
    x, y = _data()
    return model.fit(x, y, epochs=2, batch_size=16, verbose=0).history["loss"], model


def test_a_loss_function_written_with_ops_trains_as_the_builtin_one():
    by_function, _ = _fit(custom_mean_squared_error)
    builtin, _ = _fit("mse")
    np.testing.assert_allclose(by_function, builtin, rtol=1e-6)


@pytest.mark.parametrize("loss", [CustomMSE(), CustomMSE(0.7), LogCoshByOps(),
                                  keras.losses.LossFunctionWrapper(custom_mean_squared_error)],
                         ids=["custom_mse", "custom_mse_0.7", "log_cosh", "wrapper"])
def test_taped_loss_gradients_match_finite_differences(loss):
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.random((4, 3)), rng.standard_normal((4, 3))
    analytic = loss.gradient_per_sample(y_true, y_pred)
    numeric = np.zeros_like(y_pred)
    eps = 1e-6
    for index in np.ndindex(y_pred.shape):
        up, down = y_pred.copy(), y_pred.copy()
        up[index] += eps
        down[index] -= eps
        numeric[index] = (loss.per_sample(y_true, up)[index[0]] - loss.per_sample(y_true, down)[index[0]]) / (2 * eps)
    np.testing.assert_allclose(analytic, numeric, atol=1e-7)


def test_a_call_loss_is_usable_standalone_with_keras_reduction():
    y_true = np.array([[0.0, 1.0], [1.0, 1.0]])
    y_pred = np.array([[0.5, 0.5], [1.0, 0.0]])
    # per sample: mse = (0.25, 0.5), reg = (0, 0.25*2/2=0.25)... computed by hand:
    mse = np.mean((y_true - y_pred) ** 2, axis=-1)
    reg = np.mean((0.5 - y_pred) ** 2, axis=-1)
    assert CustomMSE()(y_true, y_pred) == pytest.approx(float(np.mean(mse + 0.1 * reg)))
    assert CustomMSE()(y_true, y_pred, sample_weight=np.array([1.0, 0.0])) == pytest.approx(
        float((mse[0] + 0.1 * reg[0]) / 2))


def test_a_loss_that_leaves_the_tape_says_how_to_write_it():
    def numpy_loss(y_true, y_pred):
        return np.mean(np.square(y_true - np.asarray(y_pred)), axis=-1)

    with pytest.raises(TypeError, match="with glassnet.ops"):
        _fit(numpy_loss)


def test_a_loss_without_call_or_per_sample_is_named():
    class Empty(keras.losses.Loss):
        pass

    with pytest.raises(NotImplementedError, match="Empty defines neither call"):
        Empty()(np.ones((2, 1)), np.ones((2, 1)))


def test_a_function_loss_saves_by_name_and_loads_registered_or_given(tmp_path):
    _, model = _fit(custom_mean_squared_error)
    model.save(tmp_path / "m.glassnet")
    with pytest.raises(keras.saving.ModelFileError, match="custom_mean_squared_error.*register_keras_serializable"):
        keras.models.load_model(tmp_path / "m.glassnet")
    loaded = keras.models.load_model(tmp_path / "m.glassnet",
                                     custom_objects={"custom_mean_squared_error": custom_mean_squared_error})
    assert loaded.loss.fn is custom_mean_squared_error

    @keras.saving.register_keras_serializable(package="test_losses")
    def registered_mse(y_true, y_pred):
        return ops.mean(ops.square(y_true - y_pred), axis=-1)

    _, model = _fit(registered_mse)
    model.save(tmp_path / "r.glassnet")
    assert keras.models.load_model(tmp_path / "r.glassnet").loss.fn is registered_mse


def test_a_custom_loss_class_round_trips_when_registered(tmp_path):
    registered = keras.saving.register_keras_serializable(package="test_losses")(CustomMSE)
    _, model = _fit(registered(0.3))
    model.save(tmp_path / "c.glassnet")
    loaded = keras.models.load_model(tmp_path / "c.glassnet")
    assert isinstance(loaded.loss, CustomMSE) and loaded.loss.regularization_factor == 0.3
