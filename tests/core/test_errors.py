"""Bad input: one clear error naming the argument or layer, what was expected and received."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers


def mlp(input_shape=(784,)):
    model = keras.Sequential([layers.Dense(16, activation="relu", input_shape=input_shape),
                              layers.Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_feature_count_mismatch_names_shapes():
    with pytest.raises(ValueError, match=r"x has shape \(5, 100\).*expects input of shape \(None, 784\).*dense"):
        mlp().fit(np.zeros((5, 100)), np.zeros(5), verbose=0)


def test_image_given_to_flat_model_suggests_reshape_or_flatten():
    with pytest.raises(ValueError, match=r"reshape x to \(5, 784\) or put a Flatten\(\) layer first"):
        mlp().predict(np.zeros((5, 28, 28)), verbose=0)


def test_x_and_y_of_different_lengths():
    with pytest.raises(ValueError, match="same number of samples, but x has 5 and y has 4"):
        mlp().fit(np.zeros((5, 784)), np.zeros(4), verbose=0)


def test_sparse_labels_outside_range():
    with pytest.raises(ValueError, match=r"label 10, outside \[0, 10\).*10 units"):
        mlp().fit(np.zeros((3, 784)), np.array([1, 10, 2]), verbose=0)
    with pytest.raises(ValueError, match=r"label -1"):
        mlp().evaluate(np.zeros((3, 784)), np.array([1, -1, 2]), verbose=0)


def test_one_hot_width_differs_from_output_units():
    model = mlp()
    model.compile("adam", "categorical_crossentropy")
    with pytest.raises(ValueError, match="one-hot with 5 columns, but the model's output layer has 10 units"):
        model.fit(np.zeros((3, 784)), np.eye(5)[[0, 1, 2]], verbose=0)


def test_integer_labels_with_categorical_crossentropy_suggest_the_fix():
    model = mlp()
    model.compile("adam", "categorical_crossentropy")
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy.*to_categorical"):
        model.fit(np.zeros((3, 784)), np.array([0, 1, 2]), verbose=0)


def test_one_hot_labels_with_sparse_loss():
    with pytest.raises(ValueError, match="looks one-hot"):
        mlp().fit(np.zeros((3, 784)), np.eye(10)[[0, 1, 2]], verbose=0)


@pytest.mark.parametrize("kind,name,factory", [
    ("optimizer", "adamm", lambda n: keras.optimizers.get(n)),
    ("loss", "categorical_crosentropy", lambda n: keras.losses.get(n)),
    ("activation", "rleu", lambda n: layers.Dense(3, activation=n)),
    ("metric", "accuracyy", lambda n: keras.Sequential([layers.Dense(1, input_shape=(2,))]).compile("sgd", "mse", metrics=[n])),
])
def test_unknown_names_list_valid_ones_and_suggest(kind, name, factory):
    with pytest.raises(ValueError) as error:
        factory(name)
    message = str(error.value)
    assert f"Unknown {kind} {name!r}" in message and "Did you mean" in message and "Valid names:" in message


def test_fit_and_evaluate_before_compile():
    model = keras.Sequential([layers.Dense(2, input_shape=(3,))])
    for call in (lambda: model.fit(np.zeros((2, 3)), np.zeros(2)), lambda: model.evaluate(np.zeros((2, 3)), np.zeros(2))):
        with pytest.raises(RuntimeError, match=r"must call compile\(\) before"):
            call()


def test_unbuilt_model_without_input_shape():
    model = keras.Sequential([layers.Dense(2)])
    for call in (model.summary, model.count_params, model.get_weights):
        with pytest.raises(ValueError, match="has not been built yet.*input shape"):
            call()
    with pytest.raises(ValueError, match="has no layers"):
        keras.Sequential().predict(np.zeros((2, 3)), verbose=0)


def test_empty_x():
    with pytest.raises(ValueError, match=r"x is empty: received shape \(0, 784\)"):
        mlp().fit(np.zeros((0, 784)), np.zeros(0), verbose=0)


def test_non_numeric_data():
    import pandas as pd
    frame = pd.DataFrame({"size": [1.0, 2.0], "colour": ["red", "blue"]})
    model = keras.Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile("sgd", "mse")
    with pytest.raises(TypeError, match="x must hold numbers.*non-numeric columns: colour"):
        model.fit(frame, [0.0, 1.0], verbose=0)
    with pytest.raises(TypeError, match="must hold numbers"):
        model.predict([["a", "b"]], verbose=0)


def test_nan_loss_stops_training_and_keeps_previous_weights():
    model = keras.Sequential([layers.Dense(1, input_shape=(1,))])
    model.compile(keras.optimizers.SGD(0.01), "mse")
    x = np.ones((8, 1), dtype=np.float32)
    y = np.ones(8, dtype=np.float32)
    y[5] = 1e30  # the second batch of 4 holds a target whose squared error overflows float32
    model.fit(x[:4], y[:4], verbose=0)
    before = model.get_weights()
    with pytest.warns(RuntimeWarning, match=r"loss became (inf|nan) at epoch 1, step 2/2.*weights from before"):
        history = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    after = model.get_weights()
    assert history.history == {}  # the unfinished epoch is not recorded
    assert not np.allclose(before[0], after[0]) or not np.allclose(before[1], after[1])  # step 1 did update
    assert np.all(np.isfinite(after[0])) and np.all(np.isfinite(after[1]))


def test_bad_hyperparameters():
    with pytest.raises(ValueError, match="units must be a positive integer, received 0"):
        layers.Dense(0)
    with pytest.raises(ValueError, match=r"rate must be a number in \[0, 1\), received 1.5"):
        layers.Dropout(1.5)
    with pytest.raises(ValueError, match="learning_rate must be a number"):
        keras.optimizers.Adam(learning_rate=-1)
    with pytest.raises(TypeError, match="unexpected keyword argument.*unitz"):
        layers.Dense(3, unitz=4)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        mlp().fit(np.zeros((2, 784)), np.zeros(2), batch_size=0)


def test_set_weights_with_wrong_shapes():
    model = mlp()
    weights = model.get_weights()
    with pytest.raises(ValueError, match=r"expects 4 arrays"):
        model.set_weights(weights[:3])
    weights[0] = np.zeros((10, 16))
    with pytest.raises(ValueError, match=r'weight "kernel" has shape \(784, 16\), received an array of shape \(10, 16\)'):
        model.set_weights(weights)


def test_plain_python_function_as_activation_is_taped_or_explains_why():
    layer = layers.Dense(3, activation=lambda z: z)  # Keras takes any callable; glassnet tapes it
    x = np.ones((2, 4), np.float32)
    np.testing.assert_allclose(layer(x), x @ layer.kernel.value + layer.bias.value, atol=1e-6)
    numpy_only = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation=lambda z: np.maximum(np.asarray(z), 0))])
    numpy_only.compile("sgd", "mse")
    with pytest.raises(TypeError, match="cannot be differentiated: write it with ops"):
        numpy_only.fit(x, np.ones((2, 3)), verbose=0)


def test_metrics_given_where_keras_3_expects_loss_weights():
    model = keras.Sequential([layers.Dense(1, input_shape=(2,))])
    with pytest.raises(ValueError, match=r"looks like metrics.*pass metrics=\[...\] by name"):
        model.compile("sgd", "mse", ["mae"])


@pytest.mark.parametrize("where, bad", [("x", np.nan), ("x", np.inf), ("y", np.inf), ("sample_weight", np.nan)])
def test_non_finite_inputs_are_named_with_their_first_row(where, bad):
    rng = np.random.default_rng(0)
    arrays = {"x": rng.normal(size=(40, 3)).astype(np.float32), "y": rng.normal(size=(40, 1)),
              "sample_weight": np.ones(40)}
    arrays[where].reshape(40, -1)[[17, 30], 0] = bad
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("adam", "mse")
    what = "NaN" if np.isnan(bad) else "infinity"
    with pytest.raises(ValueError, match=rf"^{where} holds {what} in row 17 \(2 of 40 rows .*Drop those rows"):
        model.fit(arrays["x"], arrays["y"], sample_weight=arrays["sample_weight"], verbose=0)
    with pytest.raises(ValueError, match=rf"^{where} holds {what} in row 17"):
        model.evaluate(arrays["x"], arrays["y"], sample_weight=arrays["sample_weight"], verbose=0)


def test_large_finite_inputs_are_accepted():
    """The one-sum check overflows for huge values; the row search then finds nothing wrong."""
    x = np.full((64, 2), 3e37, np.float32)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile("sgd", "mse")
    model.evaluate(x, np.zeros(64), verbose=0)
