"""api.Predictor on models of every kind, and how classes are named."""

import json

import numpy as np
import pytest

import glassnet as keras
from glassnet.draw import api, class_names
from glassnet.draw.classes import write_class_names


def _pixels(value=0.0, size=4):
    grid = np.full((size, size), value)
    grid[1:3, 1] = 1.0
    return json.dumps({"pixels": grid.tolist()}).encode()


def test_logits_are_turned_into_probabilities():
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(3)])
    answer = api.Predictor(model, ["a", "b", "c"]).predict(_pixels())
    logits = np.asarray(answer["activations"][-1]["values"])
    expected = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    np.testing.assert_allclose(answer["probabilities"], expected, atol=1e-4)
    assert answer["top"][0]["class"] == "abc"[int(np.argmax(expected))]


def test_a_functional_model_shows_its_layers_through_a_feature_extractor():
    inputs = keras.Input((4, 4, 1))
    maps = keras.layers.Conv2D(2, 3, activation="relu", name="conv")(inputs)
    flat = keras.layers.Flatten(name="flat")(maps)
    outputs = keras.layers.Dense(2, activation="softmax", name="out")(flat)
    model = keras.Model(inputs, outputs)
    answer = api.Predictor(model, ["x", "y"]).predict(_pixels())
    assert [(layer["name"], layer["kind"], layer["shape"]) for layer in answer["activations"]] == [
        ("conv", "maps", [2, 2, 2]), ("flat", "vector", [8]), ("out", "vector", [2])]
    np.testing.assert_allclose(answer["activations"][-1]["values"], answer["probabilities"], atol=1e-4)


def test_a_subclassed_model_answers_without_activations():
    class Tiny(keras.Model):
        def __init__(self):
            super().__init__()
            self.flat = keras.layers.Flatten()
            self.dense = keras.layers.Dense(2, activation="softmax")

        def call(self, x):
            return self.dense(self.flat(x))
    model = Tiny()
    model(np.zeros((1, 4, 4, 1), np.float32))
    predictor = api.Predictor(model, ["x", "y"])  # called once, it knows its input shape
    answer = predictor.predict(_pixels())
    assert len(answer["probabilities"]) == 2 and answer["activations"] == []
    assert predictor.summary()["activations"] is False


def test_feature_maps_are_capped_and_scaled():
    layer = keras.layers.Conv2D(20, 1, name="wide")
    output = np.random.default_rng(0).normal(size=(1, 3, 3, 20))
    entry = api.describe_activation(layer, output)
    assert len(entry["maps"]) == api.MAX_FEATURE_MAPS and entry["shape"] == [3, 3, 20]
    first = np.array(entry["maps"][0])
    assert first.min() == 0 and first.max() == 255
    flat = np.zeros((1, 7))
    assert api.describe_activation(layer, flat)["values"] == [0.0] * 7  # a constant output is not divided by 0


def test_a_model_that_takes_no_image_is_refused_by_name():
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(2, activation="softmax")])
    with pytest.raises(ValueError, match=r"m.glassnet: the model's input shape \(5,\) is not an image"):
        api.Predictor(model, ["a", "b"], "m.glassnet")


def test_class_names_from_the_flag_the_run_folder_or_the_count(tmp_path):
    assert class_names(10) == list("0123456789")
    assert class_names(26)[:3] == ["a", "b", "c"] and len(class_names(26)) == 26
    assert class_names(47)[:11] == list("0123456789A") and len(class_names(62)) == 62
    assert class_names(3) == ["0", "1", "2"]
    assert class_names(10, spec="fashion")[0] == "T-shirt/top"
    assert class_names(3, spec="cat, dog,bird") == ["cat", "dog", "bird"]
    model_path = tmp_path / "model.glassnet"
    write_class_names(tmp_path, ["no", "yes"])
    assert class_names(2, str(model_path)) == ["no", "yes"]
    assert class_names(2, str(model_path), spec="x,y") == ["x", "y"]
    with pytest.raises(ValueError, match="classes.json beside .* gives 2 class names, but the model has 3 outputs"):
        class_names(3, str(model_path))
    with pytest.raises(ValueError, match="--classes 'letters' gives 26 class names, but the model has 10 outputs"):
        class_names(10, spec="letters")
    (tmp_path / "classes.json").write_text('{"a": 1}')
    with pytest.raises(ValueError, match="expected a JSON list of class names"):
        class_names(2, str(model_path))


def _tiny_predictor():
    model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(2, activation="softmax")])
    return api.Predictor(model, ["x", "y"])


def test_any_body_is_answered_or_refused_as_a_bad_request():
    hypothesis = pytest.importorskip("hypothesis", reason="the body fuzz needs hypothesis (pip install hypothesis)")
    strategies = hypothesis.strategies
    predictor = _tiny_predictor()
    values = strategies.one_of(strategies.integers(-10 ** 30, 10 ** 30), strategies.floats(), strategies.booleans(),
                               strategies.none(), strategies.text(max_size=3))
    documents = strategies.recursive(values, lambda inner: strategies.one_of(
        strategies.lists(inner, max_size=5), strategies.dictionaries(strategies.sampled_from(["pixels", "x"]), inner,
                                                                     max_size=2)), max_leaves=30)
    bodies = strategies.one_of(strategies.binary(max_size=200),
                               strategies.binary(max_size=200).map(lambda tail: api.PNG_SIGNATURE + tail),
                               documents.map(lambda document: json.dumps(document).encode()))

    @hypothesis.settings(max_examples=300, deadline=None, derandomize=True)
    @hypothesis.given(bodies)
    def check(body):
        try:
            answer = predictor.predict(body, "")
        except api.BadRequest:
            return
        assert len(answer["probabilities"]) == 2 and abs(sum(answer["probabilities"]) - 1) < 1e-4
    check()
