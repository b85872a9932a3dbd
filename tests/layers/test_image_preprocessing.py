"""The non-text preprocessing layers: Normalization, Rescaling, Resizing, CenterCrop,
Discretization, CategoryEncoding and the random image layers (RandomFlip, RandomRotation,
RandomZoom, RandomTranslation, RandomContrast, RandomBrightness).

Keras's numbers are in keras_image_preprocessing_golden.py, written by
tools/keras_reference/image_preprocessing.py with Keras 3.15.1 (JAX backend) on that script's
fixed patterns. Random layers are pinned with factors of zero width, or by applying a given
transformation; their randomness is tested for its properties (seeded, training only, new per
batch, within Keras's ranges). Backward passes are checked by central differences in float64
and, for the linear maps, by the dot-product identity <A x, w> = <x, A^T w>.
"""

import base64
import json
import math
import zlib
import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from glassnet.testing import check_gradients

from tests.layers.keras_image_preprocessing_golden import (KERAS_FILES, KERAS_VERSION, LAYERS,
                                                           REGRESSION_SUMMARY, SUMMARY)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "keras_reference"))
from image_preprocessing import CASES, FILE_INPUTS, adapt_data, case_input, pattern  # noqa: E402

# float32 sums of values up to 255: a few units in the last place of 255
RTOL, ATOL = 1e-5, 2e-4
RANDOM_LAYERS = ["RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast",
                 "RandomBrightness"]


def make_case(name):
    """The case's layer (adapted where the case says so) and its output, as the script made them."""
    cls, kwargs, _, how = CASES[name]
    layer = getattr(layers, cls)(**kwargs)
    x = case_input(name)
    if isinstance(how, tuple) and how[0] == "adapt":
        layer.adapt(adapt_data(how[1]))
    if isinstance(how, tuple) and how[0] == "transform":
        values = np.asarray(how[2])
        transformation = values if how[1] == "flips" else {"contrast": values}
        return layer, layer._apply(x.astype(np.float32), transformation)
    return layer, layer(x, training=how == "train")


def test_golden_file_comes_from_keras_3_15():
    assert KERAS_VERSION == "3.15.1"
    assert set(LAYERS) == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_matches_keras(name):
    layer, y = make_case(name)
    expected = LAYERS[name]
    assert list(np.shape(y)) == expected["output_shape"]
    np.testing.assert_allclose(np.asarray(y, np.float64).reshape(-1), expected["output"], rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_and_weights_match_keras(name):
    layer, _ = make_case(name)
    config = json.loads(json.dumps({k: v for k, v in layer.get_config().items() if k not in ("name", "dtype")}))
    assert config == LAYERS[name]["config"]
    weights = {p.name: p.value.reshape(-1) for p in layer.weights}
    assert sorted(weights) == sorted(LAYERS[name]["weights"])
    for key, values in LAYERS[name]["weights"].items():
        np.testing.assert_allclose(weights[key], values, rtol=1e-5, atol=1e-6)
    if "mean_shape" in LAYERS[name]:
        assert list(layer.mean.shape) == LAYERS[name]["mean_shape"]
    if "bin_boundaries" in LAYERS[name]:
        np.testing.assert_allclose(layer.bin_boundaries, LAYERS[name]["bin_boundaries"], rtol=1e-6)


def test_layers_rebuild_from_their_config():
    for name in sorted(CASES):
        layer, y = make_case(name)
        copy = layers.deserialize(json.loads(json.dumps(layers.serialize(layer))))
        assert type(copy) is type(layer) and copy.get_config() == layer.get_config(), name


# -- shapes and parameter counts, as Keras's model.summary shows them -------------------------------
def test_summary_of_an_augmenting_cnn_matches_keras():
    model = keras.Sequential([keras.Input((32, 32, 3)), layers.Rescaling(1.0 / 255), layers.RandomFlip("horizontal"),
                              layers.RandomRotation(0.1), layers.RandomZoom(0.1),
                              layers.Conv2D(4, 3, activation="relu"),
                              layers.Resizing(10, 12), layers.CenterCrop(8, 8), layers.Flatten(), layers.Dense(2)])
    found = [{"class": type(l).__name__, "output_shape": list(l.output_shape), "params": l.count_params()}
             for l in model.layers]
    assert found == SUMMARY
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "random_flip" in text and "(None, 32, 32, 3)" in text and "(None, 8, 8, 4)" in text


def test_summary_of_an_adapted_regression_matches_keras():
    normalizer = layers.Normalization(axis=-1)
    normalizer.adapt(np.arange(120, dtype=np.float32).reshape(30, 4))
    model = keras.Sequential([keras.Input((4,)), normalizer, layers.Dense(64, activation="relu"),
                              layers.Dense(64, activation="relu"), layers.Dense(1)])
    found = [{"class": type(l).__name__, "output_shape": list(l.output_shape), "params": l.count_params(),
              "trainable": int(sum(p.value.size for p in l.trainable_weights))} for l in model.layers]
    assert found == REGRESSION_SUMMARY


# -- Normalization ------------------------------------------------------------------------------------
def test_normalization_tutorial_idioms():
    rng = np.random.default_rng(0)
    features = rng.normal([3.0, -2.0, 100.0], [1.0, 0.5, 20.0], size=(200, 3))
    normalizer = layers.Normalization(axis=-1)
    normalizer.adapt(np.array(features))
    np.testing.assert_allclose(normalizer.mean.numpy(), features.mean(axis=0, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(normalizer.variance.numpy(), features.var(axis=0, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(normalizer(features).mean(axis=0), 0, atol=1e-4)
    np.testing.assert_allclose(normalizer(features).std(axis=0), 1, atol=1e-4)

    horsepower = features[:, 2]
    single = layers.Normalization(input_shape=[1], axis=None)
    single.adapt(horsepower)
    model = keras.Sequential([single, layers.Dense(units=1)])
    assert model.predict(horsepower[:10, None], verbose=0).shape == (10, 1)
    np.testing.assert_allclose(single(horsepower[:4, None].astype(np.float32))[:, 0],
                               (horsepower[:4] - horsepower.mean()) / horsepower.std(), rtol=1e-4)


def test_normalization_adapts_on_batches_as_on_the_whole():
    data = np.random.default_rng(1).normal(size=(57, 2, 3))
    whole, batched = layers.Normalization(axis=(1, 2)), layers.Normalization(axis=(1, 2))
    whole.adapt(data)
    batched.adapt([data[:20], (data[20:45], np.zeros(25)), data[45:]])   # an (x, y) batch too
    np.testing.assert_allclose(batched.mean.numpy(), whole.mean.numpy(), rtol=1e-6)
    np.testing.assert_allclose(batched.variance.numpy(), whole.variance.numpy(), rtol=1e-5)
    batched.adapt(data[:10])  # adapting again replaces the statistics
    np.testing.assert_allclose(batched.mean.numpy()[0], data[:10].mean(axis=0), rtol=1e-5)


def test_normalization_errors_name_the_problem():
    with pytest.raises(ValueError, match="mean and variance"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="same shape"):
        layers.Normalization(mean=[1.0, 2.0], variance=[1.0])
    with pytest.raises(TypeError, match="axis"):
        layers.Normalization(axis="last")
    given = layers.Normalization(mean=0.0, variance=1.0)
    with pytest.raises(ValueError, match="cannot be adapted"):
        given.adapt(np.ones((3, 2)))
    np.testing.assert_array_equal(layers.Normalization()(np.ones((2, 3))), 1.0)  # not adapted: mean 0, variance 1
    with pytest.raises(ValueError, match="axis"):
        layers.Normalization(axis=3).adapt(np.ones((4, 2)))
    with pytest.raises(ValueError, match="batch"):
        layers.Normalization(axis=0).build((None, 3))
    with pytest.raises(ValueError, match="empty"):
        layers.Normalization().adapt([])


def test_normalization_invert_undoes_normalization():
    data = np.random.default_rng(2).normal(5, 3, size=(40, 4))
    forward, inverse = layers.Normalization(), layers.Normalization(invert=True)
    forward.adapt(data)
    inverse.adapt(data)
    np.testing.assert_allclose(inverse(forward(data)), data, rtol=1e-10)


# -- randomness -----------------------------------------------------------------------------------
def random_layer(cls, seed=None):
    arguments = {"RandomFlip": {}, "RandomRotation": {"factor": 0.2}, "RandomZoom": {"height_factor": 0.3},
                 "RandomTranslation": {"height_factor": 0.2, "width_factor": 0.2},
                 "RandomContrast": {"factor": 0.5}, "RandomBrightness": {"factor": 0.3}}[cls]
    return getattr(layers, cls)(seed=seed, **arguments)


IMAGES = np.random.default_rng(3).uniform(0, 255, size=(8, 9, 10, 3)).astype(np.float32)


@pytest.mark.parametrize("cls", RANDOM_LAYERS)
def test_random_layers_are_the_identity_at_inference(cls):
    layer = random_layer(cls, seed=1)
    assert np.array_equal(layer(IMAGES), IMAGES)
    assert np.array_equal(layer(IMAGES, training=False), IMAGES)
    model = keras.Sequential([keras.Input(IMAGES.shape[1:]), layer])
    np.testing.assert_array_equal(model.predict(IMAGES, verbose=0), IMAGES)
    assert not np.array_equal(layer(IMAGES, training=True), IMAGES)


@pytest.mark.parametrize("cls", RANDOM_LAYERS)
def test_random_layers_are_seeded_and_draw_anew_each_batch(cls):
    first, second, other = random_layer(cls, seed=7), random_layer(cls, seed=7), random_layer(cls, seed=8)
    a, b = first(IMAGES, training=True), second(IMAGES, training=True)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, other(IMAGES, training=True))
    assert not np.array_equal(a, first(IMAGES, training=True))   # the next batch gets new draws
    keras.utils.set_random_seed(5)
    unseeded = random_layer(cls)
    keras.utils.set_random_seed(5)
    again = random_layer(cls)
    np.testing.assert_array_equal(unseeded(IMAGES, training=True), again(IMAGES, training=True))


def test_random_draws_stay_in_keras_ranges():
    images = np.zeros((2000, 4, 5, 1), np.float32)
    flips = layers.RandomFlip(seed=0)._sample(images)
    assert 0.45 < flips.mean() < 0.55
    rotation = layers.RandomRotation(0.1, seed=0)._sample(images)
    angles = np.degrees(np.arctan2(rotation[:, 3], rotation[:, 0]))
    assert -36.0 <= angles.min() < -30 and 30 < angles.max() <= 36.0
    rotation = layers.RandomRotation((0.05, 0.1), seed=0)._sample(images)
    angles = np.degrees(np.arctan2(rotation[:, 3], rotation[:, 0]))
    assert 18.0 <= angles.min() < 19 and 35 < angles.max() <= 36.0
    zoom = layers.RandomZoom(0.2, seed=0)._sample(images)
    assert 0.8 <= zoom[:, 0].min() < 0.82 and 1.18 < zoom[:, 0].max() <= 1.2
    np.testing.assert_array_equal(zoom[:, 0], zoom[:, 4])   # no width_factor: the aspect ratio is kept
    zoom = layers.RandomZoom(0.2, width_factor=(-0.1, 0.0), seed=0)._sample(images)
    assert 0.9 <= zoom[:, 0].min() and zoom[:, 0].max() <= 1.0 and zoom[:, 4].max() > 1.1
    shift = layers.RandomTranslation(0.5, (0.1, 0.2), seed=0)._sample(images)
    assert -2.0 <= -shift[:, 5].max() and -shift[:, 5].min() <= 2.0 and -shift[:, 5].max() < -1.9
    assert 0.5 <= -shift[:, 2].max() and -shift[:, 2].min() <= 1.0
    contrast = layers.RandomContrast(0.5, seed=0)._sample(images)["contrast"]
    assert 1.0 <= contrast.min() < 1.01 and 1.49 < contrast.max() <= 1.5   # Keras reads 0.5 as (0, 0.5)
    delta = layers.RandomBrightness(0.2, seed=0)._sample(images)["delta"]
    assert -51.0 <= delta.min() < -50 and 50 < delta.max() <= 51.0


def test_flip_modes_flip_whole_images():
    layer = layers.RandomFlip("horizontal", seed=3)
    out = layer(IMAGES, training=True)
    for image, flipped in zip(IMAGES, out):
        assert np.array_equal(flipped, image) or np.array_equal(flipped, image[:, ::-1])
    both = layers.RandomFlip(seed=3)(IMAGES, training=True)
    for image, flipped in zip(IMAGES, both):
        assert np.array_equal(flipped, image) or np.array_equal(flipped, image[::-1, ::-1])


def test_single_image_and_channels_first():
    image = IMAGES[0]
    rotated = layers.RandomRotation((0.25, 0.25))(image, training=True)
    assert rotated.shape == image.shape
    np.testing.assert_allclose(layers.Resizing(4, 5)(image[None])[0], layers.Resizing(4, 5)(image), rtol=1e-6)
    first = np.ascontiguousarray(IMAGES.transpose(0, 3, 1, 2))
    resized = layers.Resizing(4, 5, data_format="channels_first")(first)
    np.testing.assert_allclose(resized.transpose(0, 2, 3, 1), layers.Resizing(4, 5)(IMAGES), rtol=1e-6)
    flipped = layers.RandomFlip("vertical", seed=2, data_format="channels_first")(first, training=True)
    expected = layers.RandomFlip("vertical", seed=2)(IMAGES, training=True)
    np.testing.assert_array_equal(flipped.transpose(0, 2, 3, 1), expected)


def test_random_layers_reject_what_is_not_an_image():
    with pytest.raises(ValueError, match="rank 4"):
        layers.RandomFlip()(np.ones((3, 4)), training=True)


# -- gradients --------------------------------------------------------------------------------------
X64 = np.random.default_rng(4).uniform(10, 240, size=(2, 5, 6, 2))


@pytest.mark.parametrize("layer", [
    layers.Rescaling(1 / 255, offset=-0.5), layers.Rescaling([0.5, 2.0]),
    layers.Resizing(3, 4), layers.Resizing(7, 9, interpolation="bicubic"),
    layers.Resizing(4, 4, interpolation="nearest"),
    layers.Resizing(4, 4, crop_to_aspect_ratio=True), layers.Resizing(2, 5, pad_to_aspect_ratio=True, fill_value=3.0),
    layers.Resizing(2, 3, antialias=True, interpolation="lanczos3"),
    layers.CenterCrop(3, 4), layers.CenterCrop(7, 3),
], ids=lambda layer: f"{type(layer).__name__}-{layer.get_config().get('interpolation', '')}")
def test_deterministic_layer_gradients(layer):
    result = check_gradients(layer, X64, step=1e-3)   # linear maps: the difference is exact for any step
    assert result.ok, result.errors


@pytest.mark.parametrize("layer", [
    layers.RandomRotation((0.1, 0.1), fill_mode="reflect"), layers.RandomRotation((0.3, 0.3), fill_mode="constant",
                                                                                  fill_value=9.0),
    layers.RandomZoom((-0.4, -0.4), (0.3, 0.3), fill_mode="wrap"), layers.RandomZoom((0.5, 0.5), fill_mode="nearest"),
    layers.RandomTranslation((0.13, 0.13), (-0.27, -0.27)),
    layers.RandomContrast((-0.5, 0.5), value_range=(-1000, 1000)),
    layers.RandomBrightness((0.1, 0.1), value_range=(-1, 999)),
], ids=lambda layer: type(layer).__name__)
def test_random_layer_gradients_with_fixed_draws(layer):
    result = check_gradients(layer, X64, training=True, step=1e-3)   # affine away from the clips
    assert result.ok, result.errors


def test_normalization_gradients():
    layer = layers.Normalization(axis=(1, 3))
    layer.adapt(X64)
    assert check_gradients(layer, X64).ok
    inverse = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 0.25], invert=True)
    assert check_gradients(inverse, X64).ok


@pytest.mark.parametrize("cls", RANDOM_LAYERS)
def test_backward_is_the_transpose_of_the_drawn_map(cls):
    """<T x, w> = <x, T^T w> for the transformation forward drew (the colour layers are affine
    between their clips: there the check is on differences, which cancel the constant part)."""
    layer = random_layer(cls, seed=11)
    rng = np.random.default_rng(5)
    x = rng.uniform(60, 190, size=(6, 7, 8, 2))
    y = layer.forward(x, training=True)
    w = rng.standard_normal(y.shape)
    dx = layer.backward(w)
    if cls in ("RandomContrast", "RandomBrightness"):
        transformation = layer._saved[0]
        v = rng.uniform(-1, 1, size=x.shape)
        change = layer._apply(x + v, transformation) - layer._apply(x, transformation)
        assert np.isclose((change * w).sum(), (v * dx).sum(), rtol=1e-9)
    else:
        assert np.isclose((y * w).sum(), (x * dx).sum(), rtol=1e-9)


def test_categorical_layers_refuse_a_gradient_with_a_reason():
    encoder = layers.CategoryEncoding(4)
    encoder(np.array([[1, 2]]))
    with pytest.raises(ValueError, match="no gradient"):
        encoder.backward(np.ones((1, 4)))
    bins = layers.Discretization(bin_boundaries=[0.5])
    bins(np.array([[0.1, 0.9]]))
    with pytest.raises(ValueError, match="gradient"):
        bins.backward(np.ones((1, 2)))
    assert encoder.backward(np.ones((1, 4)), need_input_grad=False) is None


def test_preprocessing_first_never_runs_a_backward_pass(monkeypatch):
    def refuse(self, grad_output, need_input_grad=True):
        raise AssertionError(f"{type(self).__name__}.backward was called")

    for cls in (layers.RandomFlip, layers.RandomRotation, layers.RandomZoom, layers.Rescaling, layers.Resizing,
                layers.Normalization, layers.CategoryEncoding):
        monkeypatch.setattr(cls, "backward", refuse)
    x = np.random.default_rng(6).uniform(0, 255, size=(16, 12, 12, 3)).astype(np.float32)
    y = np.arange(16) % 2
    normalizer = layers.Normalization(axis=-1)
    normalizer.adapt(x)
    model = keras.Sequential([keras.Input((12, 12, 3)), layers.RandomFlip("horizontal"), layers.RandomRotation(0.1),
                              layers.RandomZoom(0.1), layers.Resizing(8, 8), layers.Rescaling(1 / 255), normalizer,
                              layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(2)])
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    augmentation = keras.Sequential([layers.RandomFlip("horizontal", input_shape=(12, 12, 3)), layers.RandomZoom(0.1)])
    nested = keras.Sequential([augmentation, layers.Rescaling(1 / 255), layers.Conv2D(2, 3), layers.Flatten(),
                               layers.Dense(2)])   # the image-classification tutorial's shape
    nested.compile("adam", "sparse_categorical_crossentropy")
    nested.fit(x, y, epochs=1, batch_size=8, verbose=0)
    codes = np.random.default_rng(7).integers(0, 5, size=(16, 3))
    encoded = keras.Sequential([keras.Input((3,)), layers.CategoryEncoding(5), layers.Dense(1)])
    encoded.compile("adam", "mse")
    encoded.fit(codes, y.astype(np.float32), epochs=1, verbose=0)


# -- the other layers' details --------------------------------------------------------------------------
def test_category_encoding_checks_its_inputs():
    with pytest.raises(ValueError, match="num_tokens"):
        layers.CategoryEncoding()
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        layers.CategoryEncoding(3)(np.array([[0, 3]]))
    with pytest.raises(TypeError, match="integer"):
        layers.CategoryEncoding(3)(np.array([[0.5, 1.0]]))
    np.testing.assert_array_equal(layers.CategoryEncoding(3, output_mode="binary")(np.array([[2, 2]])), [[0, 0, 1]])


def test_discretization_checks_its_arguments():
    with pytest.raises(ValueError, match="give num_bins"):
        layers.Discretization()
    with pytest.raises(ValueError, match="not both"):
        layers.Discretization(bin_boundaries=[1.0], num_bins=2)
    with pytest.raises(ValueError, match="adapt"):
        layers.Discretization(bin_boundaries=[1.0]).adapt(np.ones(3))
    with pytest.raises(ValueError, match="adapt"):
        layers.Discretization(num_bins=3)(np.ones((2, 2)))
    assert layers.Discretization(bin_boundaries=[0.0, 1.0])(np.array([[-1.0, 0.0, 0.5, 1.0, 7.0]])).tolist() == \
        [[0, 1, 1, 2, 2]]


def test_resizing_and_affine_arguments_are_checked():
    with pytest.raises(ValueError, match="interpolation"):
        layers.Resizing(3, 3, interpolation="area")
    with pytest.raises(ValueError, match="crop_to_aspect_ratio and pad_to_aspect_ratio"):
        layers.Resizing(3, 3, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ValueError, match="fill_mode"):
        layers.RandomRotation(0.1, fill_mode="mirror")
    with pytest.raises(ValueError, match="height_factor"):
        layers.RandomZoom(-1.0)
    with pytest.raises(ValueError, match="factor"):
        layers.RandomRotation(1.5)
    with pytest.raises(ValueError, match="mode"):
        layers.RandomFlip("diagonal")


# -- saving ---------------------------------------------------------------------------------------------
def regression_model():
    features = np.random.default_rng(8).normal([1.0, 50.0, -3.0], [0.5, 10.0, 2.0], size=(64, 3)).astype(np.float32)
    normalizer = layers.Normalization(axis=-1)
    normalizer.adapt(features)
    model = keras.Sequential([keras.Input((3,)), normalizer, layers.Rescaling(2.0, offset=0.5),
                              layers.Dense(4, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mean_absolute_error")
    return model, features


@pytest.mark.parametrize("suffix", [".glassnet", ".keras"])
def test_adapted_normalization_saves_and_loads_with_its_statistics(tmp_path, suffix):
    model, features = regression_model()
    path = tmp_path / f"model{suffix}"
    model.save(path)
    loaded = keras.models.load_model(path)
    original, restored = model.layers[0], loaded.layers[0]
    assert type(restored).__name__ == "Normalization"
    np.testing.assert_array_equal(restored.mean.numpy(), original.mean.numpy())
    np.testing.assert_array_equal(restored.variance.numpy(), original.variance.numpy())
    np.testing.assert_allclose(loaded.predict(features, verbose=0), model.predict(features, verbose=0), rtol=1e-6)
    assert [p.name for p in restored.weights] == ["mean", "variance", "count"]


def test_random_layer_streams_are_saved_with_the_model(tmp_path):
    model = keras.Sequential([keras.Input((9, 10, 3)), layers.RandomFlip(seed=1), layers.RandomRotation(0.2, seed=2),
                              layers.Flatten(), layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(IMAGES, np.zeros(8), epochs=1, verbose=0)
    model.save(tmp_path / "m.glassnet")
    loaded = keras.models.load_model(tmp_path / "m.glassnet")
    for a, b in zip(model.layers[:2], loaded.layers[:2]):
        np.testing.assert_array_equal(a(IMAGES, training=True), b(IMAGES, training=True))
    assert tuple(loaded.layers[1].factor) == (-0.2, 0.2)


def test_keras_factor_quirks_are_kept():
    assert layers.RandomContrast(0.5).factor == (0.0, 0.5)
    assert layers.RandomContrast((-0.5, 0.5)).factor == (-0.5, 0.5)
    assert layers.RandomRotation(-0.3).factor == (-0.3, 0.3)
    assert math.isclose(layers.RandomBrightness(0.25).factor[0], -0.25)


@pytest.mark.parametrize("name", sorted(KERAS_FILES))
def test_keras_files_load_and_predict_as_in_keras(tmp_path, name):
    """.keras files written by Keras 3.15.1 (the golden file holds them): glassnet reads the
    layers' configs and the adapted statistics, predicts as Keras did, and writes them back."""
    path = tmp_path / f"{name}.keras"
    path.write_bytes(zlib.decompress(base64.b64decode(KERAS_FILES[name]["file"])))
    model = keras.models.load_model(path)
    shape, seed = FILE_INPUTS[name]
    x = pattern(shape, seed)
    expected = np.array(KERAS_FILES[name]["prediction"])
    np.testing.assert_allclose(model.predict(x, verbose=0).reshape(-1), expected, rtol=1e-5, atol=1e-5)
    model.save(tmp_path / "again.keras")
    again = keras.models.load_model(tmp_path / "again.keras")
    np.testing.assert_allclose(again.predict(x, verbose=0).reshape(-1), expected, rtol=1e-5, atol=1e-5)


def test_random_contrast_draws_within_a_pair_whose_ends_cross():
    """RandomContrast((-1, 0)): Keras draws between 1 - (-1) = 2 and 1 + 0 = 1 (its uniform takes
    the ends in either order); found by the constructor property test."""
    images = np.random.default_rng(0).random((64, 4, 4, 1)).astype(np.float32) * 100 + 50
    layer = layers.RandomContrast(factor=(-1, 0), seed=1)
    out = layer(images, training=True)
    mean = images.mean(axis=(1, 2), keepdims=True)
    factors = ((out - mean) / (images - mean)).reshape(64, -1)[:, 0]
    assert 1.0 <= factors.min() and factors.max() <= 2.0 and factors.std() > 0.1
