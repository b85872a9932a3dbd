"""One registry for every class a file names: registered classes load without custom_objects,
unregistered ones fail naming the class and the decorator, and no name is looked up in a module.

The serialized layouts pinned here are what Keras 3.15.1 (JAX backend) printed for
``keras.saving.serialize_keras_object`` and ``get_registered_name`` on the same objects.
"""

import threading

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers, saving
from glassnet.saving import ModelFileError


@saving.register_keras_serializable(package="test_registry")
class Scale(layers.Layer):
    """y = factor * w * x with one learned w per feature."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="random_normal", name="w")

    def call(self, x):
        return x * self.w * self.factor


@keras.utils.register_keras_serializable(package="test_registry")
class ScaledMSE(keras.losses.MeanSquaredError):
    def __init__(self, scale=3.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def per_sample(self, y_true, y_pred, logits=False):
        return self.scale * super().per_sample(y_true, y_pred, logits)

    def gradient_per_sample(self, y_true, y_pred, logits=False):
        return self.scale * super().gradient_per_sample(y_true, y_pred, logits)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


@saving.register_keras_serializable()
class StepDecay(keras.optimizers.schedules.LearningRateSchedule):
    def __init__(self, start=0.01):
        self.start = start

    def __call__(self, step):
        return self.start / (1 + step)

    def get_config(self):
        return {"start": self.start}


@saving.register_keras_serializable(package="test_registry")
class TwoDense(keras.Model):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = layers.Dense(units, activation="relu")
        self.out = layers.Dense(2)

    def call(self, x):
        return self.out(self.hidden(x))

    def get_config(self):
        return {"units": self.units}


def _x(shape=(5, 3)):
    return np.random.default_rng(0).random(shape, dtype=np.float32)


def test_registered_names_follow_keras():
    assert saving.get_registered_name(Scale) == "test_registry>Scale"
    assert saving.get_registered_name(StepDecay) == "Custom>StepDecay"  # Keras's default package
    assert saving.get_registered_name(layers.Dense) == "Dense"
    assert saving.get_registered_object("test_registry>Scale") is Scale
    assert saving.get_registered_object("Scale") is None
    assert keras.utils.get_registered_object("Custom>StepDecay") is StepDecay
    assert saving.get_custom_objects()["test_registry>ScaledMSE"] is ScaledMSE


def test_serialize_keras_object_layout_matches_keras():
    dense = saving.serialize_keras_object(layers.Dense(2))
    assert (dense["module"], dense["class_name"], dense["registered_name"]) == ("keras.layers", "Dense", None)
    assert dense["config"]["units"] == 2
    custom = saving.serialize_keras_object(Scale(3.0))
    assert (custom["module"], custom["class_name"], custom["registered_name"]) == (None, "Scale", "test_registry>Scale")
    assert custom["config"]["factor"] == 3.0
    assert saving.serialize_keras_object([1, "relu", None]) == [1, "relu", None]


def test_deserialize_keras_object_rebuilds_builtin_and_registered():
    dense = saving.deserialize_keras_object(saving.serialize_keras_object(layers.Dense(3, activation="relu")))
    assert isinstance(dense, layers.Dense) and dense.units == 3
    scale = saving.deserialize_keras_object(saving.serialize_keras_object(Scale(5.0)))
    assert isinstance(scale, Scale) and scale.factor == 5.0
    loss = saving.deserialize_keras_object(saving.serialize_keras_object(ScaledMSE(4.0)))
    assert isinstance(loss, ScaledMSE) and loss.scale == 4.0
    same = layers.deserialize(layers.serialize(Scale(1.25)))
    assert isinstance(same, Scale) and same.factor == 1.25


@pytest.mark.parametrize("suffix", [".glassnet", ".keras"])
def test_registered_layer_round_trips_without_custom_objects(tmp_path, suffix):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Dense(2)(Scale(1.5)(layers.Dense(4)(inputs))))
    model.save(tmp_path / f"m{suffix}")
    loaded = keras.models.load_model(tmp_path / f"m{suffix}")
    assert isinstance(loaded.layers[2], Scale) and loaded.layers[2].factor == 1.5
    np.testing.assert_allclose(loaded.predict(_x(), verbose=0), model.predict(_x(), verbose=0), atol=1e-6)


def test_registered_loss_schedule_and_subclassed_model_round_trip(tmp_path):
    model = TwoDense(units=5)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=StepDecay(0.05)), loss=ScaledMSE(2.0))
    x, y = _x((16, 3)), _x((16, 2))
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    model.save(tmp_path / "m.glassnet")
    loaded = keras.models.load_model(tmp_path / "m.glassnet")
    assert isinstance(loaded, TwoDense) and loaded.units == 5
    assert isinstance(loaded.loss, ScaledMSE) and loaded.loss.scale == 2.0
    assert isinstance(loaded.optimizer._learning_rate, StepDecay)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    # Training resumes identically: the same step on both gives the same weights.
    model.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)


class Unregistered(layers.Layer):
    def call(self, x):
        return x * 2.0


def _unregistered_file(tmp_path):
    model = keras.Sequential([keras.Input((3,)), Unregistered(), layers.Dense(2)])
    model.save(tmp_path / "u.glassnet")
    return tmp_path / "u.glassnet"


def test_an_unregistered_class_is_named_with_the_decorator_that_fixes_it(tmp_path):
    path = _unregistered_file(tmp_path)
    with pytest.raises(ModelFileError) as error:
        keras.models.load_model(path)
    message = str(error.value)
    assert "'Unregistered'" in message and "register_keras_serializable" in message
    assert "custom_objects={'Unregistered': Unregistered}" in message


def test_custom_objects_and_custom_object_scope_find_an_unregistered_class(tmp_path):
    path = _unregistered_file(tmp_path)
    assert isinstance(keras.models.load_model(path, custom_objects={"Unregistered": Unregistered}).layers[0],
                      Unregistered)
    with saving.custom_object_scope({"Unregistered": Unregistered}):
        assert isinstance(keras.models.load_model(path).layers[0], Unregistered)
        assert saving.get_registered_object("Unregistered") is Unregistered
    assert saving.get_registered_object("Unregistered") is None  # the scope ended


def test_a_custom_object_scope_belongs_to_its_thread(tmp_path):
    path = _unregistered_file(tmp_path)
    seen = {}

    def other_thread():
        try:
            keras.models.load_model(path)
            seen["error"] = None
        except ModelFileError as error:
            seen["error"] = error

    with saving.custom_object_scope({"Unregistered": Unregistered}):
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
    assert isinstance(seen["error"], ModelFileError)


@pytest.mark.parametrize("kind,config", [
    ("layer", {"class_name": "__init__", "config": {}}),
    ("layer", {"class_name": "Layer", "config": {}}),          # the base class is not a layer to build
    ("layer", {"class_name": "serialize", "config": {}}),      # a function of the module, not a class
    ("layer", {"class_name": "Input", "config": {}}),
    ("loss", {"class_name": "get", "config": {}}),
    ("loss", {"class_name": "__class__", "config": {}}),
    ("optimizer", {"class_name": "schedules", "config": {}}),
    ("schedule", {"class_name": "__init__", "config": {}}),
    ("initializer", {"class_name": "np", "config": {}}),
    ("regularizer", {"class_name": "__dict__", "config": {}}),
    ("metric", {"class_name": "np", "config": {}}),
])
def test_names_from_a_file_never_reach_module_attributes(kind, config):
    deserialize = {"layer": layers.deserialize, "loss": keras.losses.deserialize,
                   "optimizer": keras.optimizers.deserialize,
                   "schedule": keras.optimizers.schedules.deserialize,
                   "initializer": keras.initializers.deserialize, "regularizer": keras.regularizers.deserialize,
                   "metric": keras.metrics.deserialize}[kind]
    with pytest.raises(ValueError, match="Unknown .* class"):
        deserialize(config)


def test_a_registered_name_of_the_wrong_kind_is_refused():
    with pytest.raises(ValueError, match="not a subclass of Layer"):
        layers.deserialize({"class_name": "ScaledMSE", "registered_name": "test_registry>ScaledMSE", "config": {}})


def test_a_schedule_named_init_in_a_model_file_is_a_clear_model_file_error(tmp_path):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.ExponentialDecay(
        0.1, 10, 0.9)), loss="mse")
    model.save(tmp_path / "m.glassnet")
    import hashlib
    import json
    import zipfile
    with zipfile.ZipFile(tmp_path / "m.glassnet") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config_name = next(name for name in members if name.endswith("config.json"))
    config = json.loads(members[config_name])
    config["compile"]["optimizer"]["config"]["learning_rate"]["class_name"] = "__init__"
    members[config_name] = json.dumps(config).encode()
    header = json.loads(members["glassnet.json"])  # re-signed: an edit made on purpose, not damage
    header["members"][config_name] = hashlib.sha256(members[config_name]).hexdigest()
    members["glassnet.json"] = json.dumps(header).encode()
    with zipfile.ZipFile(tmp_path / "bad.glassnet", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ModelFileError, match="Unknown learning-rate schedule class '__init__'"):
        keras.models.load_model(tmp_path / "bad.glassnet")
