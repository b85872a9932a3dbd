"""An activation given as a plain function, as Keras takes any callable: written with
glassnet.ops or arithmetic, differentiated on the tape, saved by its registered name."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers, ops
from glassnet.testing import check_gradients


@keras.saving.register_keras_serializable(package="test_activations")
def squared(x):
    return x ** 2


FUNCTIONS = {"square": squared, "ops.relu": ops.relu, "tanh_plus": lambda z: ops.tanh(z) * 2.0 + z,
             "softplus": lambda z: ops.log(1.0 + ops.exp(z))}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_function_activation_gradients_match_finite_differences(name):
    layer = layers.Dense(3, activation=FUNCTIONS[name], dtype="float64")
    x = np.random.default_rng(0).standard_normal((4, 5))
    result = check_gradients(layer, x)
    assert result.ok, result


def test_a_function_activation_trains_as_the_named_one():
    def fit(activation):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation=activation), layers.Dense(1)])
        model.compile("adam", "mse")
        rng = np.random.default_rng(1)
        return model.fit(rng.random((32, 4)), rng.random((32, 1)), epochs=2, verbose=0).history["loss"]
    np.testing.assert_allclose(fit(ops.tanh), fit("tanh"), rtol=1e-6)


def test_a_registered_function_activation_saves_and_loads(tmp_path):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation=squared)])
    x = np.random.default_rng(2).random((3, 4), dtype=np.float32)
    for suffix in (".glassnet", ".keras"):
        model.save(tmp_path / f"m{suffix}")
        loaded = keras.models.load_model(tmp_path / f"m{suffix}")
        assert loaded.layers[0].activation.function is squared
        np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_a_function_that_leaves_the_tape_says_how_to_write_it():
    layer = layers.Dense(2, activation=lambda z: np.tanh(np.asarray(z)))
    model = keras.Sequential([keras.Input((3,)), layer])
    model.compile("sgd", "mse")
    with pytest.raises(TypeError, match="with glassnet.ops"):
        model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
