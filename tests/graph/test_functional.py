"""The functional API, merge layers, shared layers, several inputs and outputs, subclassed
models, custom layers: the idioms of Keras's functional-API and subclassing guides, on small
data."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers, ops
from glassnet.testing import check_gradients


def data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 8)).astype(np.float32)
    return x, (x[:, 0] + x[:, 1] > 0).astype(int), rng.normal(size=(n, 3)).astype(np.float32)


def test_functional_mlp_equals_the_same_sequential():
    """The same layers and weights as a Sequential chain and as a graph: the same numbers
    (one engine), bit for bit."""
    x, y, _ = data()
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(8,))
    outputs = layers.Dense(2, activation="softmax")(layers.Dense(16, activation="relu")(inputs))
    functional = keras.Model(inputs, outputs)
    keras.utils.set_random_seed(0)
    sequential = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                   layers.Dense(2, activation="softmax")])
    sequential.set_weights(functional.get_weights())
    histories = []
    for model in (functional, sequential):
        keras.utils.set_random_seed(1)
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        histories.append(model.fit(x, y, epochs=3, verbose=0).history)
    assert histories[0] == histories[1]
    for a, b in zip(functional.get_weights(), sequential.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert [type(l).__name__ for l in functional.layers] == ["InputLayer", "Dense", "Dense"]  # as Keras 3


def residual_model():
    inputs = keras.Input((8,))
    h = layers.Dense(8, activation="relu")(inputs)
    h = layers.Add()([inputs, layers.Dense(8)(h)])
    return keras.Model(inputs, layers.Dense(2, activation="softmax")(layers.Activation("tanh")(h)))


def test_residual_block_gradients_and_training():
    keras.utils.set_random_seed(0)
    model = residual_model()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y, _ = data()
    result = check_gradients(model, x[:4], y[:4])
    assert result.ok, result.errors
    history = model.fit(x, y, epochs=30, verbose=0)
    assert history.history["accuracy"][-1] > 0.8


@pytest.mark.parametrize("merge", [layers.Add, layers.Subtract, layers.Multiply, layers.Average, layers.Maximum,
                                   layers.Minimum, lambda: layers.Concatenate(axis=-1), lambda: layers.Dot(axes=1),
                                   lambda: layers.Dot(axes=1, normalize=True)])
def test_merge_layer_gradients(merge):
    keras.utils.set_random_seed(3)
    a, b = keras.Input((5,)), keras.Input((5,))
    merged = merge()([layers.Dense(5)(a), layers.Dense(5, activation="tanh")(b)])
    model = keras.Model([a, b], layers.Dense(1)(merged))
    model.compile("sgd", "mse")
    rng = np.random.default_rng(0)
    x = [rng.normal(size=(4, 5)), rng.normal(size=(4, 5))]
    result = check_gradients(model, x, rng.normal(size=(4, 1)))
    assert result.ok, result.errors


def test_shared_layer_sums_the_gradients_of_both_calls():
    keras.utils.set_random_seed(0)
    a, b = keras.Input((4,)), keras.Input((4,))
    shared = layers.Dense(3, activation="tanh")
    model = keras.Model([a, b], layers.Dense(1)(layers.Concatenate()([shared(a), shared(b)])))
    model.compile("sgd", "mse")
    assert len(model.trainable_weights) == 4  # the shared kernel and bias once, the head's two
    rng = np.random.default_rng(1)
    result = check_gradients(model, [rng.normal(size=(3, 4)), rng.normal(size=(3, 4))], rng.normal(size=(3, 1)))
    assert result.ok, result.errors


def test_two_inputs_two_outputs_with_dicts_and_keras_names():
    """History keys as Keras 3.15 (JAX) names them for this model (run by hand, tools/keras_reference):
    ['digit_accuracy', 'digit_loss', 'kind_loss', 'kind_mae', 'loss', 'val_...']; evaluate's list is
    [loss, digit_loss, kind_loss, digit_accuracy, kind_mae]; predict returns a list."""
    keras.utils.set_random_seed(0)
    x, y, extra = data()
    a, b = keras.Input((8,), name="a"), keras.Input((3,), name="b")
    features = layers.concatenate([layers.Dense(16, activation="relu")(a), b])
    digit = layers.Dense(2, activation="softmax", name="digit")(features)
    kind = layers.Dense(1, name="kind")(features)
    model = keras.Model(inputs=[a, b], outputs=[digit, kind])
    model.compile("adam", loss={"digit": "sparse_categorical_crossentropy", "kind": "mse"},
                  metrics={"digit": ["accuracy"], "kind": ["mae"]}, loss_weights={"digit": 1.0, "kind": 0.5})
    history = model.fit({"a": x, "b": extra}, {"digit": y, "kind": extra[:, :1]}, epochs=15, verbose=0,
                        validation_split=0.2)
    assert sorted(history.history) == ["digit_accuracy", "digit_loss", "kind_loss", "kind_mae", "loss",
                                       "val_digit_accuracy", "val_digit_loss", "val_kind_loss", "val_kind_mae",
                                       "val_loss"]
    assert history.history["digit_accuracy"][-1] > 0.6
    logs = model.evaluate([x, extra], [y, extra[:, :1]], verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(logs["digit_loss"] + 0.5 * logs["kind_loss"], rel=1e-5)
    values = model.evaluate([x, extra], [y, extra[:, :1]], verbose=0)
    assert values == pytest.approx([logs["loss"], logs["digit_loss"], logs["kind_loss"], logs["digit_accuracy"],
                                    logs["kind_mae"]])
    predicted = model.predict([x, extra], verbose=0)
    assert isinstance(predicted, list) and [p.shape for p in predicted] == [(200, 2), (200, 1)]


def test_feature_extraction_model_shares_the_weights():
    keras.utils.set_random_seed(0)
    model = residual_model()
    features = keras.Model(model.inputs, model.get_layer(index=2).output)
    x, _, _ = data(5)
    assert features.predict(x, verbose=0).shape == (5, 8)
    assert features.get_layer(index=1) is model.get_layer(index=1)


class Classifier(keras.Model):
    """As in Keras's subclassing guide."""

    def __init__(self, num_classes=2):
        super().__init__(name="classifier")
        self.dense1 = layers.Dense(16, activation="relu")
        self.dropout = layers.Dropout(0.1)
        self.dense2 = layers.Dense(num_classes, activation="softmax")

    def call(self, inputs, training=False):
        return self.dense2(self.dropout(self.dense1(inputs), training=training))


def test_subclassed_model_tracks_its_layers_and_trains():
    keras.utils.set_random_seed(0)
    model = Classifier()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y, _ = data()
    history = model.fit(x, y, epochs=20, verbose=0)
    assert history.history["accuracy"][-1] > 0.8
    assert [type(l).__name__ for l in model.layers] == ["Dense", "Dropout", "Dense"]
    assert len(model.trainable_weights) == 4 and model.count_params() == 8 * 16 + 16 + 16 * 2 + 2
    np.testing.assert_allclose(model.predict(x[:3], verbose=0).sum(axis=1), 1, rtol=1e-5)


def test_subclassed_gradients_through_the_tape():
    keras.utils.set_random_seed(0)

    class Twice(keras.Model):
        def __init__(self):
            super().__init__()
            self.shared = layers.Dense(4, activation="tanh")
            self.head = layers.Dense(1)

        def call(self, x):
            return self.head(self.shared(x) + ops.square(self.shared(x)) * 0.5)

    model = Twice()
    model.compile("sgd", "mse")
    rng = np.random.default_rng(0)
    result = check_gradients(model, rng.normal(size=(3, 5)), rng.normal(size=(3, 1)), training=True)
    assert result.ok, result.errors


class Linear(layers.Layer):
    """The Keras guide's custom layer, written with ops."""

    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


def test_custom_layer_in_sequential_and_functional_models():
    keras.utils.set_random_seed(0)
    x, y, _ = data()
    model = keras.Sequential([keras.Input((8,)), Linear(16), layers.Activation("relu"), Linear(2), layers.Softmax()])
    assert model.output_shape == (None, 2) and model.count_params() == 8 * 16 + 16 + 16 * 2 + 2
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    assert model.fit(x, y, epochs=20, verbose=0).history["accuracy"][-1] > 0.9
    inputs = keras.Input((8,))
    outputs = ops.relu(Linear(4)(inputs)) * 2.0 + 1.0  # ops on symbolic tensors are graph nodes
    functional = keras.Model(inputs, layers.Dense(1)(outputs))
    functional.compile("sgd", "mse")
    result = check_gradients(functional, x[:3], y[:3, None].astype(float))
    assert result.ok, result.errors


def test_add_weight_keeps_a_clear_error_for_unknown_arguments():
    layer = layers.Layer()
    with pytest.raises(TypeError, match="add_weight.*unexpected keyword argument.*colour"):
        layer.add_weight(shape=(2,), colour="red")
    weight = layer.add_weight(shape=(2, 3))
    assert weight.shape == (2, 3) and weight.name == "variable"


def test_graph_errors_name_layers_and_shapes():
    a, b = keras.Input((4,), name="first"), keras.Input((5,), name="second")
    with pytest.raises(ValueError, match=r'Add layer "clash" needs inputs of one shape.*\(None, 4\).*\(None, 5\)'):
        layers.Add(name="clash")([a, b])
    out = layers.Dense(1)(layers.Concatenate()([a, b]))
    with pytest.raises(ValueError, match='Graph disconnected.*needs the input "second"'):
        keras.Model(a, out)
    with pytest.raises(TypeError, match="takes an array.*or a symbolic tensor"):
        layers.Dense(2)("not data")
    with pytest.raises(TypeError, match="symbolic"):
        np.asarray(a)
    with pytest.raises(ValueError, match='2 inputs.*give x as a list of 2 arrays'):
        keras.Model([a, b], out).predict(np.zeros((2, 4)), verbose=0)


class ActivityRegularization(layers.Layer):
    """The Keras guide's add_loss idiom."""

    def __init__(self, rate=1e-2, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.sum(ops.square(inputs)))
        return inputs


def test_add_loss_joins_the_loss_and_its_gradient_as_in_keras():
    """Numbers from Keras 3.15.1 (JAX backend), the same program run with `import keras`
    (2026-12-02): evaluate and train_on_batch 2.812217950820923, the weights after one SGD(0.1)
    step below, then fit(batch_size=4, epochs=2, shuffle=False) losses [1.75392175, 1.34856701]."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 4)).astype(np.float32)
    y = rng.normal(size=(8, 1)).astype(np.float32)
    inputs = keras.Input((4,))
    out = layers.Dense(1)(ActivityRegularization(0.1)(layers.Dense(3, activation="tanh")(inputs)))
    model = keras.Model(inputs, out)
    model.set_weights([rng.normal(size=(4, 3)).astype(np.float32), np.zeros(3, np.float32),
                       rng.normal(size=(3, 1)).astype(np.float32), np.zeros(1, np.float32)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    assert model.evaluate(x, y, batch_size=8, verbose=0) == pytest.approx(2.812217950820923, rel=1e-6)
    assert model.train_on_batch(x, y) == pytest.approx(2.812217950820923, rel=1e-6)
    keras_bias_1 = [-0.002001000102609396, -0.0009660000214353204, -0.028714999556541443]
    keras_kernel_2 = [[-0.10909900069236755], [0.6525530219078064], [-1.187432050704956]]
    np.testing.assert_allclose(model.get_weights()[1], keras_bias_1, atol=2e-6)
    np.testing.assert_allclose(model.get_weights()[2], keras_kernel_2, atol=2e-6)
    np.testing.assert_allclose(model.get_weights()[3], [0.00468500005081296], atol=2e-6)
    history = model.fit(x, y, batch_size=4, epochs=2, verbose=0, shuffle=False)
    np.testing.assert_allclose(history.history["loss"], [1.7539217472076416, 1.348567008972168], rtol=1e-5)


def test_add_loss_in_a_subclassed_models_call():
    class Regularized(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def call(self, inputs):
            outputs = self.dense(inputs)
            self.add_loss(0.5 * ops.mean(ops.square(outputs)))
            return outputs

    keras.utils.set_random_seed(0)
    model = Regularized()
    x = np.random.default_rng(1).normal(size=(16, 3)).astype(np.float32)
    model.compile("sgd", "mse")
    plain = float(np.mean(np.square(model.predict(x, verbose=0))))  # targets are 0: mse = mean(out^2)
    assert model.evaluate(x, np.zeros((16, 2), np.float32), verbose=0) == pytest.approx(1.5 * plain, rel=1e-5)
    kernel = model.dense.kernel.value.copy()
    model.train_on_batch(x, np.zeros((16, 2), np.float32))
    # d/dW of 1.5 * mean(out^2): the added loss contributes a third of the step
    outputs = x @ kernel  # the bias starts at zero
    expected_grad = 1.5 * 2 * x.T @ outputs / outputs.size
    np.testing.assert_allclose(model.dense.kernel.value, kernel - 0.01 * expected_grad, rtol=1e-4, atol=1e-6)


def test_two_outputs_train_on_batch_with_per_output_sample_weights_as_keras():
    """Numbers from Keras 3.15.1 (JAX backend), the same program with `import keras`
    (2026-12-02): [loss, digit_loss, kind_loss, digit_accuracy, kind_mae] of two train_on_batch
    calls, the first with sample_weight=[linspace(0.5, 1.5, 16), None]; and evaluate before any fit."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 6)).astype(np.float32)
    digit, kind = (x[:, 0] > 0).astype(int), x[:, :1] * 2
    a = keras.Input((6,), name="a")
    h = layers.Dense(4, activation="relu")(a)
    model = keras.Model(a, [layers.Dense(2, activation="softmax", name="digit")(h), layers.Dense(1, name="kind")(h)])
    model.set_weights([rng.normal(size=s).astype(np.float32) * 0.5 for s in [(6, 4), (4,), (4, 2), (2,), (4, 1), (1,)]])
    model.compile(keras.optimizers.SGD(0.1), loss=["sparse_categorical_crossentropy", "mse"],
                  metrics=[["accuracy"], ["mae"]])
    evaluated = model.evaluate(x, [digit, kind], verbose=0)
    np.testing.assert_allclose(evaluated[3], 0.375)  # "accuracy" resolved for integer labels before any fit
    first = model.train_on_batch(x, [digit, kind], sample_weight=[np.linspace(0.5, 1.5, 16), None])
    np.testing.assert_allclose(first, [9.964259147644043, 1.1235665082931519, 8.840692520141602, 0.375,
                                       2.547454357147217], rtol=1e-5)
    second = model.train_on_batch(x, [digit, kind], return_dict=True)
    keras_second = {"digit_accuracy": 0.5, "digit_loss": 0.7619893550872803, "kind_loss": 3.436886787414551,
                    "kind_mae": 1.525823950767517, "loss": 4.19887638092041}
    assert sorted(second) == sorted(keras_second)
    for key, value in keras_second.items():
        assert second[key] == pytest.approx(value, rel=1e-5), key
    with pytest.raises(ValueError, match=r"sample_weight names \['colour'\], which are not outputs"):
        model.train_on_batch(x, [digit, kind], sample_weight={"colour": np.ones(16)})


def test_model_input_and_output_and_an_input_among_the_outputs():
    inputs = keras.Input((8, 8, 1))
    conv = layers.Conv2D(4, 3, name="conv")(inputs)
    model = keras.Model(inputs, layers.Dense(2)(layers.Flatten()(conv)))
    assert model.input is inputs and model.output.shape == (None, 2)
    features = keras.Model(inputs=model.input, outputs=[layer.output for layer in model.layers])  # the guide's idiom
    x = np.random.default_rng(0).random((2, 8, 8, 1), dtype=np.float32)
    shapes = [f.shape for f in features.predict(x, verbose=0)]
    assert shapes == [(2, 8, 8, 1), (2, 6, 6, 4), (2, 144), (2, 2)]
    np.testing.assert_array_equal(features.predict(x, verbose=0)[0], x)
