"""The Sequential API: building, fit/evaluate/predict, History, weights, data types."""

import numpy as np
import pandas as pd
import pytest

import glassnet as keras
from glassnet import layers


def small_classifier(input_shape=(4,), classes=3, **compile_kwargs):
    model = keras.Sequential([layers.Dense(8, activation="relu", input_shape=input_shape),
                              layers.Dense(classes, activation="softmax")])
    model.compile(**{"optimizer": keras.optimizers.Adam(0.01), "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"],
                     **compile_kwargs})
    return model


def blobs(n=120, classes=3, features=4, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    centers = rng.standard_normal((classes, features)) * 3
    return (centers[y] + rng.standard_normal((n, features))).astype(np.float32), y


def test_keras_module_paths_import():
    from glassnet.layers import Dense, Flatten  # noqa: F401
    from glassnet.models import Sequential  # noqa: F401
    from glassnet.optimizers import Adam  # noqa: F401
    from glassnet.utils import to_categorical  # noqa: F401
    assert keras.Input(shape=(3,)).shape == (None, 3)


def test_fit_learns_and_history_has_keras_keys():
    keras.utils.set_random_seed(0)
    x, y = blobs()
    model = small_classifier()
    history = model.fit(x, y, epochs=15, batch_size=16, validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 15 for v in history.history.values())
    assert history.epoch == list(range(15))
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["val_accuracy"][-1] > 0.8
    assert model.history is history


def test_evaluate_returns_scalar_list_or_dict():
    x, y = blobs()
    model = small_classifier()
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert model.evaluate(x, y, verbose=0, return_dict=True) == {"loss": loss, "accuracy": accuracy}
    bare = small_classifier(metrics=None)
    assert isinstance(bare.evaluate(x, y, verbose=0), float)


def test_evaluate_loss_equals_loss_of_predictions():
    x, y = blobs()
    model = small_classifier()
    probabilities = model.predict(x, verbose=0)
    expected = -np.log(probabilities[np.arange(len(y)), y]).mean()
    assert model.evaluate(x, y, batch_size=7, verbose=0)[0] == pytest.approx(expected, rel=1e-5)
    assert probabilities.shape == (120, 3) and probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-5)


def test_validation_split_takes_the_last_samples():
    x, y = blobs(n=100)
    seen = []

    class Spy(layers.Layer):
        def forward(self, x, training=False):
            if training:
                seen.append(x.copy())
            return x

        def backward(self, grad_output, need_input_grad=True):
            return grad_output

    model = keras.Sequential([Spy(input_shape=(4,)), layers.Dense(3, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, batch_size=100, validation_split=0.2, shuffle=False, verbose=0)
    np.testing.assert_array_equal(seen[0], x[:80])


def test_validation_data_and_one_hot_targets():
    x, y = blobs()
    model = small_classifier(loss="categorical_crossentropy")
    history = model.fit(x, keras.utils.to_categorical(y), validation_data=(x[:20], keras.utils.to_categorical(y[:20], 3)),
                        epochs=2, verbose=0)
    assert "val_accuracy" in history.history


def test_deferred_build_from_data():
    model = keras.Sequential([layers.Flatten(), layers.Dense(5, activation="relu"), layers.Dense(2, activation="softmax")])
    assert not model.built
    with pytest.raises(ValueError, match="not been built"):
        model.summary()
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(np.zeros((4, 3, 3)), np.array([0, 1, 0, 1]), verbose=0)
    assert model.built and model.input_shape == (None, 3, 3) and model.count_params() == 9 * 5 + 5 + 5 * 2 + 2


def test_add_input_layer_and_pop():
    model = keras.Sequential()
    model.add(keras.Input(shape=(6,)))
    model.add(layers.Dense(4))
    model.add(layers.Dense(2))
    assert model.output_shape == (None, 2) and len(model.layers) == 2
    model.pop()
    assert model.output_shape == (None, 4)


def test_get_and_set_weights_round_trip():
    model = small_classifier()
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(4, 8), (8,), (8, 3), (3,)]
    doubled = [2 * w + 1 for w in weights]
    model.set_weights(doubled)
    for got, want in zip(model.get_weights(), doubled):
        np.testing.assert_array_equal(got, want)


def test_default_initialisation_is_glorot_uniform_and_zero_bias():
    keras.utils.set_random_seed(1)
    layer = layers.Dense(300, input_shape=(200,))
    keras.Sequential([layer])
    limit = np.sqrt(6 / (200 + 300))
    assert np.abs(layer.kernel.value).max() <= limit
    assert np.abs(layer.kernel.value).max() > 0.95 * limit
    assert np.all(layer.bias.value == 0)


@pytest.mark.parametrize("name", ["he_normal", "he_uniform", "lecun_normal", "random_normal", "zeros", "ones"])
def test_initializers_have_keras_scale(name):
    keras.utils.set_random_seed(2)
    values = keras.initializers.get(name)((400, 500))
    expected_std = {"he_normal": np.sqrt(2 / 400), "he_uniform": np.sqrt(2 / 400), "lecun_normal": np.sqrt(1 / 400),
                    "random_normal": 0.05, "zeros": 0.0, "ones": 0.0}[name]
    assert values.dtype == np.float32
    assert values.std() == pytest.approx(expected_std, rel=0.02, abs=1e-7)
    if name in ("he_normal", "lecun_normal"):  # truncated at two standard deviations, as Keras
        assert np.abs(values).max() <= 2 * expected_std / 0.87962566103423978 + 1e-6


def test_pandas_dataframe_and_series_inputs():
    keras.utils.set_random_seed(3)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.random((200, 2)), columns=["feature_1", "feature_2"])
    frame["label"] = (frame.feature_1 > frame.feature_2).astype(int)
    model = keras.Sequential([layers.Dense(10, activation="relu", input_shape=(2,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(frame[["feature_1", "feature_2"]], frame["label"], epochs=20, batch_size=10, verbose=0)
    assert history.history["accuracy"][-1] > 0.9


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.float64, bool])
def test_any_numeric_dtype_and_nested_lists(dtype):
    model = small_classifier(input_shape=(2,))
    x = np.array([[0, 1], [1, 0], [1, 1]], dtype=dtype)
    model.fit(x, [0, 1, 2], verbose=0)
    model.fit([[0, 1], [1, 0]], [[0], [1]], verbose=0)
    assert model.predict(x.tolist(), verbose=0).shape == (3, 3)


def test_same_seed_gives_identical_weights():
    def train():
        keras.utils.set_random_seed(42)
        x, y = blobs()
        model = keras.Sequential([layers.Dense(16, activation="relu", input_shape=(4,)), layers.Dropout(0.3),
                                  layers.Dense(3, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy")
        model.fit(x, y, epochs=3, batch_size=8, verbose=0)
        return model.get_weights()

    for first, second in zip(train(), train()):
        np.testing.assert_array_equal(first, second)


def test_sample_weight_and_class_weight():
    x, y = blobs()
    model = small_classifier()
    base = model.evaluate(x, y, verbose=0)[0]
    weighted = model.evaluate(x, y, sample_weight=np.full(len(x), 2.0), verbose=0)[0]
    assert weighted == pytest.approx(2 * base, rel=1e-5)
    history = model.fit(x, y, class_weight={0: 1.0, 1: 5.0, 2: 1.0}, sample_weight=np.ones(len(x)), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_frozen_layer_does_not_change():
    x, y = blobs()
    model = small_classifier()
    model.fit(x, y, epochs=1, verbose=0)
    model.layers[0].trainable = False
    frozen = model.layers[0].get_weights()
    model.fit(x, y, epochs=2, verbose=0)
    for before, after in zip(frozen, model.layers[0].get_weights()):
        np.testing.assert_array_equal(before, after)


def test_metrics_by_name_and_object():
    x, y = blobs()
    model = small_classifier(loss="categorical_crossentropy",
                             metrics=["categorical_accuracy", keras.metrics.TopKCategoricalAccuracy(k=2), "mse", "mae"])
    logs = model.evaluate(x, keras.utils.to_categorical(y), verbose=0, return_dict=True)
    assert list(logs) == ["categorical_accuracy", "loss", "mae", "mse", "top_k_categorical_accuracy"]
    assert logs["top_k_categorical_accuracy"] >= logs["categorical_accuracy"]
    as_list = model.evaluate(x, keras.utils.to_categorical(y), verbose=0)
    assert as_list == [logs[k] for k in ["loss", "categorical_accuracy", "top_k_categorical_accuracy", "mse", "mae"]]


def test_train_on_batch_and_model_call():
    x, y = blobs(n=16)
    model = small_classifier()
    first = model.train_on_batch(x, y)[0]
    for _ in range(30):
        last = model.train_on_batch(x, y)[0]
    assert last < first
    np.testing.assert_allclose(model(x), model.predict(x, verbose=0), rtol=1e-6)


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "adamw", "rmsprop", "adagrad", "nadam",
                                       keras.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
                                       keras.optimizers.Adam(clipnorm=1.0), keras.optimizers.Adam(clipvalue=0.5),
                                       keras.optimizers.SGD(global_clipnorm=1.0),
                                       keras.optimizers.Adam(keras.optimizers.schedules.ExponentialDecay(0.01, 10, 0.9))])
def test_every_optimizer_trains(optimizer):
    keras.utils.set_random_seed(4)
    x, y = blobs()
    model = small_classifier(optimizer=optimizer)
    before = model.evaluate(x, y, verbose=0)[0]
    model.fit(x, y, epochs=5, verbose=0)
    assert model.evaluate(x, y, verbose=0)[0] < before


def test_regression_with_mse():
    keras.utils.set_random_seed(5)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 3)).astype(np.float32)
    y = x @ np.array([1.0, -2.0, 0.5]) + 0.3
    model = keras.Sequential([layers.Dense(1, input_dim=3)])
    model.compile(keras.optimizers.SGD(0.1), "mse", metrics=["mae"])
    model.fit(x, y, epochs=30, verbose=0)
    np.testing.assert_allclose(model.layers[0].kernel.value.ravel(), [1.0, -2.0, 0.5], atol=1e-2)
    assert model.evaluate(x, y, verbose=0)[1] < 0.01


def test_layers_added_after_the_input_shape_are_trained():
    keras.utils.set_random_seed(6)
    x, y = blobs()
    model = keras.Sequential()
    model.add(layers.Flatten(input_shape=(2, 2)))  # builds the model now, with one layer
    model.add(layers.Dense(8, activation="relu"))
    model.add(layers.Dense(3, activation="softmax"))
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    before = model.get_weights()
    history = model.fit(x.reshape(-1, 2, 2), y, epochs=20, batch_size=16, verbose=0)
    assert not np.array_equal(before[0], model.get_weights()[0])
    assert history.history["accuracy"][-1] > 0.8


def test_keras_3_compile_order_metrics_names_and_activation_layers():
    model = keras.Sequential([layers.Dense(4, input_shape=(3,)), layers.LeakyReLU(), layers.ReLU(), layers.Dense(2),
                              layers.Softmax()])
    assert model.layers[1].negative_slope == 0.3  # the layer's Keras default (the function's is 0.2)
    np.testing.assert_allclose(model.layers[1](np.array([[-1.0, 2.0, 0.0, -2.0]], np.float32)), [[-0.3, 2.0, 0.0, -0.6]],
                               rtol=1e-6)
    model.compile("adam", "sparse_categorical_crossentropy", None, ["accuracy"])  # Keras 3: loss_weights third
    assert model.metrics_names == ["loss", "compile_metrics"]
    model.fit(np.zeros((4, 3)), np.array([0, 1, 0, 1]), verbose=0)
    clone = keras.Sequential.from_config(model.get_config())
    assert [type(l).__name__ for l in clone.layers] == ["Dense", "LeakyReLU", "ReLU", "Dense", "Softmax"]
    assert check_gradients_ok(layers.LeakyReLU(0.1))


def check_gradients_ok(layer):
    from glassnet.testing import check_gradients
    return check_gradients(layer, np.random.default_rng(0).standard_normal((3, 4))).ok


def test_accuracy_for_several_sigmoid_outputs_is_categorical_as_in_keras():
    model = keras.Sequential([layers.Dense(3, activation="sigmoid", input_shape=(2,))])
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
    y = np.array([[0, 1, 0], [1, 0, 0]], np.float32)
    probabilities = model.predict(np.ones((2, 2)), verbose=0)
    expected = float(np.mean(probabilities.argmax(1) == y.argmax(1)))
    assert model.evaluate(np.ones((2, 2)), y, verbose=0, return_dict=True)["accuracy"] == expected
