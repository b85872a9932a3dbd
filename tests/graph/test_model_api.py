"""The model-level API of Keras's guides: clone_model, to_json / model_from_json, and
summary(expand_nested=True).

The expanded summary is the text Keras 3.15.1 (JAX backend) printed for the same two-level
model; the JSON layout is the one ``keras.models.model_from_json`` of that version read back
(checked by hand in both directions: Keras read glassnet's JSON, glassnet read Keras's).
"""

import json

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers


def _x(shape=(4, 6)):
    return np.random.default_rng(0).random(shape, dtype=np.float32)


def _graph():
    a = keras.Input((6,), name="a")
    shared = layers.Dense(4, name="shared")
    h = layers.add([shared(a), shared(layers.Dense(6, name="side")(a))])
    return keras.Model(a, layers.Dense(2, name="head")(keras.ops.relu(h)), name="graph")


def test_clone_model_makes_new_layers_with_the_same_architecture():
    model = keras.Sequential([keras.Input((6,)), layers.Dense(5, activation="relu"), layers.Dropout(0.1),
                              layers.Dense(2)], name="seq")
    clone = keras.models.clone_model(model)
    assert isinstance(clone, keras.Sequential) and clone.name == "seq"
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]
    assert not any(a is b for a, b in zip(clone.layers, model.layers))
    assert not np.allclose(clone.get_weights()[0], model.get_weights()[0])  # new initial weights
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(_x(), verbose=0), model.predict(_x(), verbose=0), atol=1e-6)
    assert not clone.compiled


def test_clone_model_of_a_graph_keeps_shared_layers_shared_and_reuses_ops():
    model = _graph()
    clone = keras.models.clone_model(model)
    assert len(clone.layers) == len(model.layers)
    assert clone.count_params() == model.count_params()
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(_x(), verbose=0), model.predict(_x(), verbose=0), atol=1e-6)
    clone.compile("adam", "mse")
    clone.fit(_x(), _x((4, 2)), epochs=1, verbose=0)  # trains without touching the original
    assert not np.allclose(clone.get_weights()[0], model.get_weights()[0])


def test_clone_function_replaces_layers_and_input_tensors_are_used():
    model = _graph()

    def wider(layer):
        if isinstance(layer, layers.Dense) and layer.name == "head":
            return layers.Dense(3, name="head")
        return type(layer).from_config(layer.get_config())

    clone = keras.models.clone_model(model, clone_function=wider)
    assert clone.output_shape == (None, 3)
    new_input = keras.Input((6,), name="fresh")
    on_it = keras.models.clone_model(model, input_tensors=new_input)
    assert on_it.input_names == ["fresh"]
    with pytest.raises(TypeError, match="clone_function must return a layer"):
        keras.models.clone_model(model, clone_function=lambda layer: None)


def test_clone_model_of_a_nested_model_clones_it_too():
    base = keras.Sequential([keras.Input((6,)), layers.Dense(3)], name="base")
    model = keras.Sequential([base, layers.Dense(1)])
    clone = keras.models.clone_model(model)
    assert clone.layers[0].model is not base
    assert clone.count_params() == model.count_params()


@pytest.mark.parametrize("build", ["sequential", "graph"])
def test_to_json_and_model_from_json_round_trip(build):
    model = (keras.Sequential([keras.Input((6,)), layers.Dense(3, activation="relu"), layers.Dense(2)])
             if build == "sequential" else
             keras.Model(*(lambda a: (a, layers.Dense(2)(layers.Dense(3, activation="tanh")(a))))(keras.Input((6,)))))
    text = model.to_json()
    config = json.loads(text)
    assert config["class_name"] == ("Sequential" if build == "sequential" else "Functional")
    assert "layers" in config["config"]
    rebuilt = keras.models.model_from_json(text)
    assert type(rebuilt) is type(model) and rebuilt.count_params() == model.count_params()
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(rebuilt.predict(_x(), verbose=0), model.predict(_x(), verbose=0), atol=1e-6)
    assert json.loads(model.to_json(indent=2)) == config


def test_model_from_json_reads_an_unbuilt_keras_sequential():
    # What keras.Sequential([Dense(3, activation="relu"), Dense(2)]).to_json() wrote (Keras 3.15.1), trimmed
    # of the keys glassnet ignores.
    text = json.dumps({"module": "keras", "class_name": "Sequential", "registered_name": None, "config": {
        "name": "sequential", "trainable": True, "layers": [
            {"module": "keras.layers", "class_name": "Dense", "registered_name": None,
             "config": {"name": "dense", "trainable": True, "units": 3, "activation": "relu", "use_bias": True}},
            {"module": "keras.layers", "class_name": "Dense", "registered_name": None,
             "config": {"name": "dense_1", "trainable": True, "units": 2, "activation": "linear", "use_bias": True}}]},
        "build_config": None})
    model = keras.models.model_from_json(text)
    assert isinstance(model, keras.Sequential) and not model.built
    model.build((None, 5))
    assert model.count_params() == 5 * 3 + 3 + 3 * 2 + 2


def test_model_from_json_explains_bad_text():
    with pytest.raises(ValueError, match="not JSON"):
        keras.models.model_from_json("{nope")
    with pytest.raises(ValueError, match="does not describe a model"):
        keras.models.model_from_json("[1, 2]")
    with pytest.raises(ValueError, match="Unknown model class 'Teleporter'.*register_keras_serializable"):
        keras.models.model_from_json(json.dumps({"class_name": "Teleporter", "config": {}}))


KERAS_EXPANDED_SUMMARY = """\
Model: "outer2"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ mid (Sequential)                │ (None, 2)              │            16 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│    └ e1 (Dense)                 │ (None, 2)              │            10 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│    └ deep (Sequential)          │ (None, 2)              │             6 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│       └ x1 (Dense)              │ (None, 2)              │             6 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ h2 (Dense)                      │ (None, 1)              │             3 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 19 (76.00 B)
 Trainable params: 19 (76.00 B)
 Non-trainable params: 0 (0.00 B)"""


def test_summary_expand_nested_matches_keras():
    deep = keras.Sequential([keras.Input((2,)), layers.Dense(2, name="x1")], name="deep")
    mid = keras.Sequential([keras.Input((4,)), layers.Dense(2, name="e1"), deep], name="mid")
    outer = keras.Sequential([keras.Input((4,)), mid, layers.Dense(1, name="h2")], name="outer2")
    printed = []
    outer.summary(expand_nested=True, print_fn=printed.append)
    assert "\n".join(printed) == KERAS_EXPANDED_SUMMARY
    printed.clear()
    outer.summary(print_fn=printed.append)
    assert not any("└ " in line for line in printed)
