"""Functional and subclassed models, and custom layers, save and load: glassnet's format keeps
the graph, the weights, the compile settings and the optimizer state; a class of the user's is
given back through custom_objects, never imported from a name in the file. The summary of a
graph draws Keras's "Connected to" column."""

import io
import json
import zipfile
from contextlib import redirect_stdout

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers, ops
from glassnet.saving import ModelFileError

# The Keras guide's Linear, with no get_config: its constructor's plain arguments are recorded
# and given back on load, as Keras 3 does.
from .test_functional import Linear


def two_headed_model():
    a = keras.Input((6,), name="a")
    b = keras.Input((4,), name="b")
    shared = layers.Dense(5, activation="tanh", name="shared")
    h1, h2 = shared(a), shared(layers.Dense(6)(b))
    added = layers.Add()([h1, h2])
    digit = layers.Dense(3, activation="softmax", name="digit")(layers.Concatenate()([added, h1]))
    kind = layers.Dense(1, name="kind")(added)
    return keras.Model([a, b], [digit, kind], name="two_headed")


def two_headed_data(n=64):
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(n, 6)).astype(np.float32), rng.normal(size=(n, 4)).astype(np.float32)
    return [a, b], {"digit": (a[:, 0] > 0).astype(int) + (b[:, 0] > 0), "kind": a[:, :1] - b[:, :1]}


def test_functional_model_saves_and_resumes_training_exactly(tmp_path):
    keras.utils.set_random_seed(0)
    model = two_headed_model()
    model.compile("adam", loss={"digit": "sparse_categorical_crossentropy", "kind": "mse"},
                  loss_weights={"digit": 1.0, "kind": 0.5}, metrics={"digit": ["accuracy"], "kind": ["mae"]})
    x, y = two_headed_data()
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    model.save(tmp_path / "m.glassnet")
    loaded = keras.models.load_model(tmp_path / "m.glassnet")
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    assert loaded.output_names == model.output_names
    for got, want in zip(loaded.predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_array_equal(got, want)
    # the shared layer is one layer with two calls in the rebuilt graph too
    assert len(loaded.weights) == len(model.weights) == 8  # four Dense layers, one of them called twice
    histories = []
    for m in (model, loaded):  # the shuffles continue from the saved stream: no re-seeding needed
        histories.append(m.fit(x, y, epochs=2, batch_size=16, verbose=0).history)
    assert sorted(histories[0]) == ["digit_accuracy", "digit_loss", "kind_loss", "kind_mae", "loss"]
    assert histories[0] == histories[1]


def test_functional_config_has_keras_layout():
    model = two_headed_model()
    config = model.get_config()
    assert config["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
    assert config["output_layers"] == [["digit", 0, 0], ["kind", 0, 0]]
    dense = next(entry["name"] for entry in config["layers"] if entry["class_name"] == "Dense")
    shared = next(entry for entry in config["layers"] if entry["name"] == "shared")
    histories = [node["args"][0]["config"]["keras_history"] for node in shared["inbound_nodes"]]
    assert histories == [["a", 0, 0], [dense, 0, 0]]
    add = next(entry for entry in config["layers"] if entry["class_name"] == "Add")
    assert [t["config"]["keras_history"] for t in add["inbound_nodes"][0]["args"][0]] == [["shared", 0, 0],
                                                                                       ["shared", 1, 0]]
    rebuilt = keras.Model.from_config(config)  # as in Keras: the config says it is a graph
    assert type(rebuilt).__name__ == "Functional"
    x, _ = two_headed_data(4)
    rebuilt.set_weights(model.get_weights())
    for got, want in zip(rebuilt.predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_array_equal(got, want)


def test_dict_inputs_and_outputs_survive_saving(tmp_path):
    a, b = keras.Input((3,), name="left"), keras.Input((2,), name="right")
    joined = layers.Concatenate()([a, b])
    model = keras.Model({"left": a, "right": b}, {"score": layers.Dense(1)(joined), "tag": layers.Dense(2)(joined)})
    model.save(tmp_path / "d.glassnet")
    loaded = keras.models.load_model(tmp_path / "d.glassnet")
    assert loaded.input_names == ["left", "right"] and loaded.output_names == ["score", "tag"]
    x = {"left": np.ones((2, 3), np.float32), "right": np.zeros((2, 2), np.float32)}
    for got, want in zip(loaded.predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_array_equal(got, want)


class Scale(layers.Layer):
    """A custom layer with get_config, as the guide writes one for serialization."""

    def __init__(self, factor, **kwargs):
        super().__init__(**kwargs)
        self.factor = np.asarray(factor)  # not a plain value: needs get_config

    def call(self, inputs):
        return inputs * float(self.factor)

    def get_config(self):
        return {**super().get_config(), "factor": float(self.factor)}


def test_custom_layers_in_a_graph_save_with_custom_objects(tmp_path):
    inputs = keras.Input((4,))
    outputs = layers.Dense(2)(Scale(2.0)(Linear(3, name="lin")(inputs)))
    model = keras.Model(inputs, outputs)
    assert Linear(7).get_config()["units"] == 7
    model.save(tmp_path / "c.glassnet")
    with pytest.raises(ModelFileError, match=r"Unknown layer class 'Linear'.*custom_objects=\{'Linear': Linear\}"):
        keras.models.load_model(tmp_path / "c.glassnet")
    loaded = keras.models.load_model(tmp_path / "c.glassnet", custom_objects={"Linear": Linear, "Scale": Scale})
    x = np.random.default_rng(1).normal(size=(5, 4)).astype(np.float32)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.get_layer("lin").units == 3


def test_layer_without_plain_arguments_asks_for_get_config():
    class Holder(layers.Layer):
        def __init__(self, table):
            super().__init__()
            self.table = table

        def call(self, x):
            return x

    with pytest.raises(NotImplementedError, match=r"Holder cannot be saved.*get_config"):
        Holder(np.ones(3)).get_config()


class Classifier(keras.Model):
    def __init__(self, hidden=16, classes=2, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(hidden, activation="relu")
        self.dropout = layers.Dropout(0.1)
        self.head = layers.Dense(classes, activation="softmax")

    def call(self, inputs, training=False):
        return self.head(self.dropout(self.hidden(inputs), training=training))


def test_subclassed_model_saves_and_loads_with_custom_objects(tmp_path):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 5)).astype(np.float32)
    y = (x[:, 0] > 0).astype(int)
    model = Classifier(hidden=12)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2, verbose=0)
    assert model.get_config() == {"name": model.name, "trainable": True, "hidden": 12}
    model.save(tmp_path / "s.glassnet")
    with pytest.raises(ModelFileError, match=r"class 'Classifier'.*custom_objects=\{'Classifier': Classifier\}"):
        keras.models.load_model(tmp_path / "s.glassnet")
    loaded = keras.models.load_model(tmp_path / "s.glassnet", custom_objects={"Classifier": Classifier})
    assert isinstance(loaded, Classifier) and loaded.hidden.units == 12
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    histories = []
    for m in (model, loaded):  # shuffles and dropout masks continue from the saved streams
        histories.append(m.fit(x, y, epochs=1, verbose=0).history)
    assert histories[0] == histories[1]


def test_what_a_file_cannot_hold_is_refused_by_name(tmp_path):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Lambda(lambda t: t * 2, name="double")(inputs))
    with pytest.raises(ValueError, match='Lambda layer "double" holds Python code'):
        model.save(tmp_path / "l.glassnet")
    inputs = keras.Input((3,))
    model = keras.Model(inputs, ops.exp(layers.Dense(2)(inputs)))
    with pytest.raises(ValueError, match='the op "exp.*" holds Python code'):
        model.save(tmp_path / "o.keras")
    subclassed = Classifier()
    subclassed.build((None, 5))
    with pytest.raises(ValueError, match="subclass of Model.*glassnet's format"):
        subclassed.save(tmp_path / "s.keras")
    assert not list(tmp_path.iterdir())  # nothing half-written is left


def summary_text(model):
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        model.summary()
    return buffer.getvalue()


# Printed by Keras 3.15.1 (JAX backend) for the same graph: tools/keras_reference/graph_models.py
# has no copy of it; it was built in a scratch venv with keras.Input/keras.layers, names given.
KERAS_GRAPH_SUMMARY = """\
Model: "two"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ a (InputLayer)      │ (None, 8)         │          0 │ -                 │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ b (InputLayer)      │ (None, 4)         │          0 │ -                 │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ shared (Dense)      │ (None, 6)         │         54 │ a[0][0]           │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ other (Dense)       │ (None, 6)         │         30 │ b[0][0]           │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ add (Add)           │ (None, 6)         │          0 │ shared[0][0],     │
│                     │                   │            │ other[0][0]       │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ concatenate         │ (None, 12)        │          0 │ add[0][0],        │
│ (Concatenate)       │                   │            │ shared[0][0]      │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ digit (Dense)       │ (None, 3)         │         39 │ concatenate[0][0] │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ kind (Dense)        │ (None, 1)         │          7 │ add[0][0]         │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 130 (520.00 B)
 Trainable params: 130 (520.00 B)
 Non-trainable params: 0 (0.00 B)
"""


def test_graph_summary_matches_keras():
    a, b = keras.Input((8,), name="a"), keras.Input((4,), name="b")
    shared = layers.Dense(6, name="shared")
    x, y = shared(a), layers.Dense(6, name="other")(b)
    z = layers.Add(name="add")([x, y])
    c = layers.Concatenate(name="concatenate")([z, x])
    model = keras.Model([a, b], [layers.Dense(3, activation="softmax", name="digit")(c),
                                 layers.Dense(1, name="kind")(z)], name="two")
    assert summary_text(model) == KERAS_GRAPH_SUMMARY


def test_chain_graph_summary_has_no_connected_column():
    inputs = keras.Input((5,), name="x")
    model = keras.Model(inputs, layers.Dense(2)(layers.Dense(3)(inputs)))
    text = summary_text(model)
    assert "Connected to" not in text and "x (InputLayer)" in text
    shared = layers.Dense(5)
    model = keras.Model(inputs, shared(shared(inputs)))  # a shared layer: no longer a chain (as Keras)
    assert "Connected to" in summary_text(model)


def test_keras_file_written_for_a_graph_lists_layers_in_keras_order(tmp_path):
    model = two_headed_model()
    model.save(tmp_path / "g.keras")
    with zipfile.ZipFile(tmp_path / "g.keras") as archive:
        config = json.loads(archive.read("config.json"))
    assert config["class_name"] == "Functional"
    assert [entry["name"] for entry in config["config"]["layers"]] == [l.name for l in model.layers]
