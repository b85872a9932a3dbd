"""ZeroPadding1D, Cropping1D, UpSampling1D, Permute, SpatialDropout1D, GaussianNoise and
GaussianDropout: Keras's outputs, shapes, configs, masks and argument errors, gradients by finite
differences (in training mode too, with the same noise in every evaluation), configs and saving.

The Keras numbers are in keras_sequence_shapes_golden.py, written by
tools/keras_reference/sequence_shapes.py with Keras 3.15.1 (JAX backend).
"""

import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glassnet as keras
from glassnet import layers
from glassnet.testing import check_gradients

from tests.layers.keras_sequence_shapes_golden import ERRORS, KERAS_VERSION, LAYERS, NOISE

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "keras_reference"))
from new_layers import pattern  # noqa: E402
from sequence_shapes import CASES, NOISE as NOISE_CASES  # noqa: E402

RANDOM = ("SpatialDropout1D", "GaussianNoise", "GaussianDropout")


def golden_layer(name):
    class_name, kwargs, input_shape = CASES[name]
    return getattr(layers, class_name)(**kwargs), pattern(input_shape, 0)


def same_noise_every_call(layer):
    """The layer, with its stream put back to one state before each forward: every evaluation
    of a finite difference sees the same noise (as tests/layers/test_recurrent.py does)."""
    state = layer._rng.bit_generator.state
    forward = layer.forward

    def forward_with_fixed_noise(x, training=False):
        layer._rng.bit_generator.state = state
        return forward(x, training)

    layer.forward = forward_with_fixed_noise
    return layer


# -- Keras's numbers ---------------------------------------------------------------------------
def test_golden_file_is_from_keras_3():
    assert KERAS_VERSION.startswith("3.") and set(LAYERS) == set(CASES)


@pytest.mark.parametrize("name", list(CASES))
def test_output_matches_keras(name):
    expected = LAYERS[name]
    layer, x = golden_layer(name)
    y = layer(x)
    assert list(y.shape) == expected["output_shape_of_call"] and y.dtype == np.float32
    np.testing.assert_array_equal(y.ravel(), expected["output"])
    assert list(layer(x, training=True).shape) == expected["training_output_shape"]


@pytest.mark.parametrize("name", list(CASES))
def test_output_shapes_match_keras(name):
    expected = LAYERS[name]
    layer, x = golden_layer(name)
    assert list(layer.compute_output_shape((None,) + x.shape[1:])) == expected["output_shape"]
    assert list(layer.compute_output_shape((None, None) + x.shape[2:])) == expected["output_shape_unknown_steps"]


@pytest.mark.parametrize("name", list(CASES))
def test_config_matches_keras(name):
    expected = LAYERS[name]
    layer, _ = golden_layer(name)
    config = layer.get_config()
    assert sorted(config) == expected["config_keys"]
    assert {k: v for k, v in config.items() if k not in ("name", "dtype")} == expected["config"]


@pytest.mark.parametrize("name", [n for n in CASES if len(CASES[n][2]) == 3])
def test_mask_is_passed_on_or_dropped_with_a_warning_as_in_keras(name):
    class_name, kwargs, input_shape = CASES[name]
    layer = getattr(layers, class_name)(**kwargs)
    assert layer.supports_masking == LAYERS[name]["passes_mask"]
    x = pattern(input_shape, 0)
    x[:, 0] = 0  # a padded first step
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = layer(layers.Masking()(x))
    mask = getattr(y, "_keras_mask", None)
    if LAYERS[name]["passes_mask"]:
        np.testing.assert_array_equal(mask, np.any(x != 0, axis=-1))
        assert not caught
    else:
        assert mask is None
        assert any("does not support masking" in str(w.message) for w in caught)


def test_masks_in_a_functional_model():
    inputs = keras.Input((5, 2))
    noisy = layers.GaussianDropout(0.2)(layers.SpatialDropout1D(0.3)(layers.GaussianNoise(0.1)(
        layers.Masking()(inputs))))
    model = keras.Model(inputs, layers.GlobalAveragePooling1D()(noisy))
    x = pattern((2, 5, 2), 0)
    x[0, 3:] = 0
    np.testing.assert_allclose(model.predict(x, verbose=0)[0], x[0, :3].mean(axis=0), rtol=1e-6)


@pytest.mark.parametrize("class_name, kwargs, input_shape, raised", ERRORS, ids=str)
def test_bad_arguments_raise_as_in_keras_naming_the_argument(class_name, kwargs, input_shape, raised):
    expected = {"ValueError": ValueError, "TypeError": TypeError}[raised]
    (argument, value), = kwargs.items()
    with pytest.raises(expected) as caught:
        layer = getattr(layers, class_name)(name="odd", **kwargs)
        layer(pattern(input_shape, 0))
    message = str(caught.value)
    assert f'{class_name} "odd"' in message and argument in message and "received" in message, message


@pytest.mark.parametrize("name", list(NOISE))
def test_training_noise_is_kerass_distribution(name):
    class_name, kwargs, input_shape = NOISE_CASES[name]
    expected = NOISE[name]
    x = np.ones(input_shape, np.float32)
    y = getattr(layers, class_name)(**kwargs)(x, training=True)
    if class_name == "SpatialDropout1D":
        assert sorted({round(float(v), 6) for v in np.unique(y)}) == expected["values"]
        assert bool(np.all(y == y[:, :1, :])) == expected["shared_over_steps"] is True
        assert abs(float((y == 0).mean()) - expected["dropped_fraction"]) < 0.03
        assert abs(float((y == 0).mean()) - kwargs["rate"]) < 0.03
    else:
        noise = y - x if class_name == "GaussianNoise" else y / x
        assert abs(float(noise.mean()) - expected["mean"]) < 0.01
        assert abs(float(noise.std()) - expected["std"]) < 0.01
        rate = kwargs.get("rate", 0.0)
        definition = kwargs["stddev"] if class_name == "GaussianNoise" else math.sqrt(rate / (1 - rate))
        assert abs(float(noise.std()) - definition) < 0.01


# -- the definitions -----------------------------------------------------------------------------
def test_values_by_definition():
    x = np.arange(2 * 5 * 3, dtype=np.float32).reshape(2, 5, 3)
    np.testing.assert_array_equal(layers.ZeroPadding1D((1, 2))(x), np.pad(x, ((0, 0), (1, 2), (0, 0))))
    np.testing.assert_array_equal(layers.Cropping1D((1, 2))(x), x[:, 1:3])
    np.testing.assert_array_equal(layers.Cropping1D((0, 0))(x), x)
    np.testing.assert_array_equal(layers.UpSampling1D(3)(x)[:, ::3], x)
    np.testing.assert_array_equal(layers.UpSampling1D(3)(x)[:, 2::3], x)
    np.testing.assert_array_equal(layers.Permute((2, 1))(x), x.transpose(0, 2, 1))
    image = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    np.testing.assert_array_equal(layers.Permute((3, 1, 2))(image), image.transpose(0, 3, 1, 2))


@pytest.mark.parametrize("layer", [layers.SpatialDropout1D(0.5), layers.GaussianNoise(0.5),
                                   layers.GaussianDropout(0.5)], ids=lambda l: type(l).__name__)
def test_noise_layers_are_the_identity_at_inference_and_random_in_training(layer):
    x = pattern((4, 6, 5), 2)
    assert layer(x) is x or np.array_equal(layer(x), x)
    assert layer(x, training=False).shape == x.shape
    first, second = layer(x, training=True).copy(), layer(x, training=True)
    assert not np.array_equal(first, x) and not np.array_equal(first, second)
    assert first.dtype == x.dtype
    layer(x)
    np.testing.assert_array_equal(layer.backward(x), x)  # at inference the gradient passes unchanged


def test_spatial_dropout_drops_whole_feature_maps():
    x = pattern((8, 7, 6), 3) + 2.0  # no zeros of its own
    layer = layers.SpatialDropout1D(0.5, seed=0)
    y = layer(x, training=True)
    keep = y[:, :1, :] != 0
    np.testing.assert_allclose(y, np.where(keep, x / 0.5, 0), rtol=1e-6)
    assert 0 < keep.mean() < 1
    dx = layer.backward(np.ones_like(y))
    np.testing.assert_array_equal(dx, np.broadcast_to(np.where(keep, 2.0, 0.0), x.shape))


def test_seeds_repeat_the_noise_and_streams_are_separate():
    x = pattern((3, 4, 5), 1)
    for make in (lambda: layers.GaussianNoise(0.3, seed=5), lambda: layers.GaussianDropout(0.3, seed=5),
                 lambda: layers.SpatialDropout1D(0.3, seed=5)):
        np.testing.assert_array_equal(make()(x, training=True), make()(x, training=True))
    keras.utils.set_random_seed(4)
    first = layers.GaussianNoise(0.3)(x, training=True)
    keras.utils.set_random_seed(4)
    np.testing.assert_array_equal(layers.GaussianNoise(0.3)(x, training=True), first)


def test_zero_rate_or_stddev_is_the_identity_in_training():
    x = pattern((2, 3, 4), 0)
    for layer in (layers.GaussianNoise(0), layers.GaussianDropout(0.0), layers.SpatialDropout1D(0)):
        np.testing.assert_array_equal(layer(x, training=True), x)


# -- gradients (float64 finite differences) ----------------------------------------------------
SHAPE_LAYERS = [lambda: layers.ZeroPadding1D(), lambda: layers.ZeroPadding1D((0, 3)), lambda: layers.Cropping1D(),
                lambda: layers.Cropping1D((2, 0)), lambda: layers.Cropping1D((0, 0)), lambda: layers.UpSampling1D(),
                lambda: layers.UpSampling1D(3), lambda: layers.Permute((2, 1)), lambda: layers.Permute((1, 2))]


@pytest.mark.parametrize("make", SHAPE_LAYERS, ids=lambda m: str(m().get_config()))
def test_shape_layer_gradients(make):
    result = check_gradients(make(), np.random.default_rng(0).standard_normal((2, 5, 3)))
    assert result.ok, result.errors


@pytest.mark.parametrize("dims", [(3, 1, 2), (2, 3, 1), (1, 3, 2)])
def test_permute_gradients_in_four_dimensions(dims):
    result = check_gradients(layers.Permute(dims), np.random.default_rng(1).standard_normal((2, 2, 3, 4)))
    assert result.ok, result.errors


@pytest.mark.parametrize("make", [lambda: layers.SpatialDropout1D(0.4, seed=1),
                                  lambda: layers.GaussianNoise(0.5, seed=2),
                                  lambda: layers.GaussianDropout(0.4, seed=3), lambda: layers.GaussianDropout(0.6)],
                         ids=["SpatialDropout1D", "GaussianNoise", "GaussianDropout", "GaussianDropout_unseeded"])
@pytest.mark.parametrize("training", [True, False])
def test_noise_layer_gradients(make, training):
    layer = same_noise_every_call(make())
    x = np.random.default_rng(2).standard_normal((3, 4, 5))
    if training:  # the check differentiates the noisy function, not the identity
        assert not np.allclose(layer.forward(x, True), x)
    result = check_gradients(layer, x, training=training)
    assert result.ok, result.errors


# -- names, configs, models, saving --------------------------------------------------------------
def test_keras_names():
    for name in ("ZeroPadding1D", "Cropping1D", "UpSampling1D", "Permute", "SpatialDropout1D", "GaussianNoise",
                 "GaussianDropout"):
        assert name in layers.__all__ and isinstance(getattr(layers, name), type)
    assert layers.ZeroPadding1D().name.startswith("zero_padding1d")
    assert layers.UpSampling1D().name.startswith("up_sampling1d")
    assert layers.SpatialDropout1D(0.1).name.startswith("spatial_dropout1d")
    assert layers.GaussianNoise(0.1).name.startswith("gaussian_noise")


@pytest.mark.parametrize("name", list(CASES))
def test_config_round_trip(name):
    layer, x = golden_layer(name)
    config = layer.get_config()
    again = type(layer).from_config(config)
    assert again.get_config() == config
    copy = layers.deserialize(layers.serialize(layer))
    assert type(copy) is type(layer) and copy.get_config() == config
    np.testing.assert_array_equal(copy(x), layer(x))


def model():
    return keras.Sequential([
        keras.Input((6, 3)), layers.GaussianNoise(0.1), layers.ZeroPadding1D((1, 2)),
        layers.Conv1D(4, 3, activation="tanh"), layers.UpSampling1D(2), layers.Cropping1D((1, 3)),
        layers.SpatialDropout1D(0.2), layers.Permute((2, 1)), layers.GaussianDropout(0.2), layers.Flatten(),
        layers.Dense(2)])


def test_model_with_the_new_layers_trains_and_its_gradients_check():
    keras.utils.set_random_seed(0)
    net = model()
    assert [l.output_shape for l in net.layers] == [(None, 6, 3), (None, 9, 3), (None, 7, 4), (None, 14, 4),
                                                     (None, 10, 4), (None, 10, 4), (None, 4, 10), (None, 4, 10),
                                                     (None, 40), (None, 2)]
    net.compile(keras.optimizers.Adam(0.01), "mse")
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((8, 6, 3)), rng.standard_normal((8, 2))
    result = check_gradients(net, x, y)
    assert result.ok, result.errors
    history = net.fit(x.astype(np.float32), y, epochs=20, batch_size=4, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_model_saves_and_resumes_exactly_in_glassnets_format(tmp_path):
    keras.utils.set_random_seed(2)
    net = model()
    net.compile("adam", "mse")
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((8, 6, 3)).astype(np.float32), rng.standard_normal((8, 2)).astype(np.float32)
    net.fit(x, y, epochs=2, batch_size=4, verbose=0)
    path = str(tmp_path / "noisy.glassnet")
    net.save(path)
    loaded = keras.models.load_model(path)
    assert [type(l).__name__ for l in loaded.layers] == [type(l).__name__ for l in net.layers]
    assert [l.get_config() for l in loaded.layers] == [l.get_config() for l in net.layers]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), net.predict(x, verbose=0))
    # the noise streams were saved too: one more epoch of training draws the same noise in both
    net.fit(x, y, epochs=1, batch_size=4, shuffle=False, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=4, shuffle=False, verbose=0)
    for a, b in zip(net.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_model_saves_as_a_keras_file(tmp_path):
    pytest.importorskip("h5py", reason=".keras files need h5py (pip install h5py)")
    keras.utils.set_random_seed(5)
    net = model()
    x = np.random.default_rng(6).standard_normal((2, 6, 3)).astype(np.float32)
    path = str(tmp_path / "noisy.keras")
    net.save(path)
    loaded = keras.models.load_model(path)
    assert [l.get_config() for l in loaded.layers] == [l.get_config() for l in net.layers]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), net.predict(x, verbose=0))


# -- errors glassnet adds ------------------------------------------------------------------------
def test_more_bad_arguments_and_inputs_are_named():
    with pytest.raises(ValueError, match=r'Cropping1D "c": cropping must add up to less than the number of steps.*'
                                         r"\[2, 2\].*\(None, 4, 3\)"):
        keras.Sequential([keras.Input((4, 3)), layers.Cropping1D(2, name="c")])
    with pytest.raises(ValueError, match=r"cropping must add up to less.*\(1, 3, 2\)"):  # steps known only when called
        net = keras.Sequential([keras.Input((None, 2)), layers.Cropping1D((1, 2))])
        net.predict(np.zeros((1, 3, 2), np.float32), verbose=0)
    with pytest.raises(ValueError, match=r'ZeroPadding1D ".*" expects 3-D input.*\(None, 4, 4, 2\)'):
        keras.Sequential([keras.Input((4, 4, 2)), layers.ZeroPadding1D()])
    with pytest.raises(ValueError, match=r'Permute "p": dims=\(2, 1\) needs input of rank 3.*\(None, 2, 3, 4\)'):
        keras.Sequential([keras.Input((2, 3, 4)), layers.Permute((2, 1), name="p")])
    with pytest.raises(TypeError, match=r'Permute ".*": dims must be a tuple of integers.*received 2'):
        layers.Permute(2)
    with pytest.raises(TypeError, match=r"dims must be a tuple of integers.*1.5"):
        layers.Permute((1.5, 2))
    with pytest.raises(ValueError, match=r'SpatialDropout1D ".*" expects 3-D input'):
        keras.Sequential([keras.Input((4,)), layers.SpatialDropout1D(0.5)])
    with pytest.raises(ValueError, match=r'ZeroPadding1D ".*": data_format="channels_first" is not supported'):
        layers.ZeroPadding1D(data_format="channels_first")
    for make, argument in [(lambda: layers.GaussianDropout(1), "rate"), (lambda: layers.SpatialDropout1D(1.0), "rate"),
                           (lambda: layers.GaussianNoise("0.1"), "stddev"),
                           (lambda: layers.GaussianDropout(True), "rate"),
                           (lambda: layers.GaussianNoise(float("nan")), "stddev"),
                           (lambda: layers.GaussianNoise(0.1, seed=-1), "seed"),
                           (lambda: layers.SpatialDropout1D(0.1, seed="a"), "seed"),
                           (lambda: layers.UpSampling1D(True), "size"),
                           (lambda: layers.Cropping1D((1, 2.0)), "cropping"),
                           (lambda: layers.ZeroPadding1D(None), "padding")]:
        with pytest.raises((ValueError, TypeError), match=argument):
            make()


# -- any argument: a working layer or an error naming it ------------------------------------------
ARGUMENTS = {"ZeroPadding1D": ("padding", {}), "Cropping1D": ("cropping", {}), "UpSampling1D": ("size", {}),
             "Permute": ("dims", {}), "SpatialDropout1D": ("rate", {}), "GaussianNoise": ("stddev", {}),
             "GaussianDropout": ("rate", {}), "SpatialDropout1D ": ("seed", {"rate": 0.5}),
             "GaussianNoise ": ("seed", {"stddev": 0.5})}
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 9),
                   st.floats(allow_nan=True, allow_infinity=True, width=32),
                   st.text(max_size=3), st.tuples(st.integers(-2, 5), st.integers(-2, 5)),
                   st.lists(st.integers(-1, 4), max_size=3), st.tuples(st.integers(1, 2), st.integers(1, 2)))


@pytest.mark.parametrize("case", sorted(ARGUMENTS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=VALUES)
def test_any_argument_builds_a_working_layer_or_is_named(case, value):
    argument, fixed = ARGUMENTS[case]
    try:
        layer = getattr(layers, case.strip())(**fixed, **{argument: value})
    except (ValueError, TypeError) as error:
        assert argument in str(error), f"{case}({argument}={value!r}) raised without naming it: {error}"
        return
    x = pattern((2, 6, 3), 0)
    for training in (False, True):
        try:
            y = layer(x, training=training)
        except ValueError as error:  # fits no input of this shape: said by the layer, naming itself
            assert layer.name in str(error), f"{case}({argument}={value!r}): {error}"
            return
        assert np.all(np.isfinite(y)) and y.dtype == x.dtype
        assert layer.backward(np.ones_like(y)).shape == x.shape
