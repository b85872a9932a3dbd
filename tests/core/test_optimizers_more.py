"""Adamax, Lion, Ftrl, Adadelta, Adafactor and the learning-rate schedules, pinned to Keras 3.15.1
(tests/core/keras_optimizers_golden.py and keras_schedules_golden.py, written by
tools/keras_reference/optimizers.py and schedules.py); their state saved for exact resumption."""

import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet as keras
from glassnet import optimizers
from glassnet.optimizers import schedules
from tests.core import keras_optimizers_golden as optimizer_golden
from tests.core import keras_schedules_golden as schedule_golden

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "keras_reference"))
import optimizers as optimizer_reference  # noqa: E402
import schedules as schedule_reference  # noqa: E402

NEW = ["Adamax", "Lion", "Ftrl", "Adadelta", "Adafactor"]


def test_goldens_come_from_the_keras_version_we_mirror():
    assert optimizer_golden.KERAS_VERSION == schedule_golden.KERAS_VERSION == "3.15.1"


# -- optimizers ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(optimizer_reference.CASES))
def test_updates_match_keras(name):
    class_name, kwargs = optimizer_reference.CASES[name]
    optimizer = optimizer_reference.build(optimizers, class_name, kwargs)
    parameters = [keras.layers.Parameter(f"w{i}", w) for i, w in enumerate(optimizer_reference.initial_weights())]
    flat = keras.engine.FlatParameters(parameters)
    optimizer.build(flat)
    for step, expected in enumerate(optimizer_golden.STEPS[name]):
        for parameter, gradient in zip(parameters, optimizer_reference.gradients(step)):
            parameter.grad[...] = gradient
        optimizer.apply(flat)
        for parameter, want in zip(parameters, expected):
            # float32 arithmetic in another order than Keras's; Lion's steps are exact multiples of lr
            np.testing.assert_allclose(parameter.value, want, rtol=1e-5, atol=1e-6, err_msg=f"update {step}")


@pytest.mark.parametrize("class_name", NEW)
def test_defaults_match_keras(class_name):
    config = getattr(keras.optimizers, class_name)().get_config()
    for key, value in optimizer_golden.DEFAULTS[class_name].items():
        if isinstance(value, float):
            assert config[key] == pytest.approx(value, rel=1e-6), key
        else:
            assert config[key] == value, key


@pytest.mark.parametrize("class_name", NEW)
def test_names_resolve_and_configs_rebuild(class_name):
    optimizer = optimizers.get(class_name.lower())
    assert type(optimizer) is getattr(optimizers, class_name)
    assert optimizers.builtin_classes()[class_name] is type(optimizer)
    again = optimizers.deserialize(optimizers.serialize(optimizer))
    assert type(again) is type(optimizer) and again.get_config() == optimizer.get_config()


def _model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(2)])
    model.set_weights([0.3 * optimizer_reference.pattern(w.shape, 30 + i) for i, w in enumerate(model.get_weights())])
    return model


def _batch(i):
    return optimizer_reference.pattern((5, 3), 40 + i), optimizer_reference.pattern((5, 2), 50 + i)


@pytest.mark.parametrize("make_optimizer", [
    lambda: keras.optimizers.Adamax(learning_rate=0.05),
    lambda: keras.optimizers.Lion(learning_rate=0.01),
    lambda: keras.optimizers.Ftrl(learning_rate=0.2, l1_regularization_strength=0.01),
    lambda: keras.optimizers.Adadelta(learning_rate=1.0),
    lambda: keras.optimizers.Adafactor(learning_rate=0.1),
    lambda: keras.optimizers.Adamax(keras.optimizers.schedules.CosineDecayRestarts(0.05, 2)),
], ids=["Adamax", "Lion", "Ftrl", "Adadelta", "Adafactor", "Adamax(CosineDecayRestarts)"])
def test_training_resumes_exactly_from_a_saved_model(make_optimizer, tmp_path):
    straight = _model()
    straight.compile(optimizer=make_optimizer(), loss="mse")
    for i in range(4):
        straight.train_on_batch(*_batch(i))
    first = _model()
    first.compile(optimizer=make_optimizer(), loss="mse")
    for i in range(2):
        first.train_on_batch(*_batch(i))
    first.save(tmp_path / "m.glassnet")
    resumed = keras.models.load_model(tmp_path / "m.glassnet")
    assert type(resumed.optimizer) is type(first.optimizer)
    assert resumed.optimizer.iterations == 2
    for saved, loaded in zip(first.optimizer.slots, resumed.optimizer.slots):
        np.testing.assert_array_equal(saved, loaded)
    for i in range(2, 4):
        resumed.train_on_batch(*_batch(i))
    for want, got in zip(straight.get_weights(), resumed.get_weights()):
        np.testing.assert_array_equal(got, want)  # the same code on the same state: bit for bit


@pytest.mark.parametrize("make, error, match", [
    (lambda: keras.optimizers.Lion(beta_1=0.0), ValueError, "beta_1"),
    (lambda: keras.optimizers.Ftrl(learning_rate_power=0.5), ValueError, "learning_rate_power"),
    (lambda: keras.optimizers.Ftrl(initial_accumulator_value=-1.0), ValueError, "initial_accumulator_value"),
    (lambda: keras.optimizers.Ftrl(l1_regularization_strength=-0.1), ValueError, "l1_regularization_strength"),
    (lambda: keras.optimizers.Adamax(beta_2=1.0), ValueError, "beta_2"),
    (lambda: keras.optimizers.Adadelta(rho="high"), TypeError, "rho"),
    (lambda: keras.optimizers.Adafactor(clip_threshold=0.0), ValueError, "clip_threshold"),
    (lambda: keras.optimizers.get("adafactorish"), ValueError, "adafactorish"),
])
def test_bad_optimizer_arguments_name_the_argument(make, error, match):
    with pytest.raises(error, match=match):
        make()


# -- schedules -----------------------------------------------------------------------------------
def _schedule(name):
    class_name, kwargs = schedule_reference.CASES[name]
    return getattr(keras.optimizers.schedules, class_name)(**kwargs)


@pytest.mark.parametrize("name", list(schedule_reference.CASES))
def test_schedule_rates_match_keras(name):
    schedule = _schedule(name)
    rates = [schedule(step) for step in schedule_reference.STEPS]
    # Keras computes in float32: relative 1e-5, and 1e-8 absolute where the rate reaches 0
    np.testing.assert_allclose(rates, schedule_golden.RATES[name], rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("name", list(schedule_reference.CASES))
def test_schedule_configs_match_keras_and_rebuild(name):
    schedule = _schedule(name)
    config = schedule.get_config()
    assert set(config) == set(schedule_golden.CONFIGS[name])
    for key, value in schedule_golden.CONFIGS[name].items():
        assert config[key] == (pytest.approx(value) if isinstance(value, float) else value), key
    again = schedules.deserialize(schedules.serialize(schedule))
    assert type(again) is type(schedule) and again.get_config() == config


def test_serialized_schedule_has_keras_layout():
    class_name, kwargs = schedule_reference.SGD_SCHEDULE
    serialized = schedules.serialize(getattr(schedules, class_name)(**kwargs))
    expected = schedule_golden.SERIALIZED
    assert serialized["class_name"] == expected["class_name"] and serialized["config"] == expected["config"]


def test_first_update_uses_the_rate_at_step_zero_as_keras():
    class_name, kwargs = schedule_reference.SGD_SCHEDULE
    optimizer = keras.optimizers.SGD(learning_rate=getattr(schedules, class_name)(**kwargs))
    parameter = keras.layers.Parameter("w", np.ones((1,), np.float32))
    flat = keras.engine.FlatParameters([parameter])
    optimizer.build(flat)
    after = []
    for _ in range(schedule_reference.SGD_STEPS):
        parameter.grad[...] = 1.0
        optimizer.apply(flat)
        after.append(float(parameter.value[0]))
    assert after == pytest.approx(schedule_golden.SGD_AFTER)


@pytest.mark.parametrize("name", list(schedule_reference.CASES))
def test_a_model_with_a_scheduled_optimizer_saves_and_loads(name, tmp_path):
    model = _model()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=_schedule(name)), loss="mse")
    for i in range(3):
        model.train_on_batch(*_batch(i))
    model.save(tmp_path / "m.glassnet")
    loaded = keras.models.load_model(tmp_path / "m.glassnet")
    schedule = loaded.optimizer._learning_rate
    assert type(schedule) is type(model.optimizer._learning_rate)
    assert schedule.get_config() == model.optimizer._learning_rate.get_config()
    assert loaded.optimizer.learning_rate == model.optimizer.learning_rate  # evaluated at iterations 3


def test_every_schedule_is_reached_as_in_keras():
    for name in ["LearningRateSchedule", "ExponentialDecay", "InverseTimeDecay", "PiecewiseConstantDecay",
                 "PolynomialDecay", "CosineDecay", "CosineDecayRestarts", "serialize", "deserialize"]:
        assert getattr(keras.optimizers.schedules, name) is getattr(schedules, name)
    assert set(schedules.builtin_classes()) == {"ExponentialDecay", "InverseTimeDecay", "PiecewiseConstantDecay",
                                                 "PolynomialDecay", "CosineDecay", "CosineDecayRestarts"}


def test_history_has_no_learning_rate_unless_a_callback_logs_it_as_in_keras():
    x, y = _batch(0)
    model = _model()
    model.compile(optimizer=keras.optimizers.SGD(schedules.PiecewiseConstantDecay([0], [0.1, 0.05])), loss="mse")
    history = model.fit(x, y, epochs=2, batch_size=5, verbose=0)
    assert "learning_rate" not in history.history
    reduce = keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=100)
    history = model.fit(x, y, epochs=2, batch_size=5, verbose=0, callbacks=[reduce])
    # logged at each epoch's end: the rate the next update will use, schedule(iterations)
    assert history.history["learning_rate"] == pytest.approx([0.05, 0.05])


def test_a_scheduled_rate_cannot_be_set_as_in_keras():
    optimizer = keras.optimizers.SGD(schedules.CosineDecay(0.1, 10))
    with pytest.raises(TypeError, match="schedule"):
        optimizer.learning_rate = 0.01


@pytest.mark.parametrize("make, error, match", [
    (lambda: schedules.CosineDecay(0.1, 0), ValueError, "decay_steps"),
    (lambda: schedules.PolynomialDecay(0.1, -5), ValueError, "decay_steps"),
    (lambda: schedules.InverseTimeDecay(0.1, 0, 0.5), ValueError, "decay_steps"),
    (lambda: schedules.CosineDecayRestarts(0.1, 0), ValueError, "first_decay_steps"),
    (lambda: schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2]), ValueError, "one more"),
    (lambda: schedules.PiecewiseConstantDecay([2, 1], [0.1, 0.2, 0.3]), ValueError, "increasing"),
    (lambda: schedules.PolynomialDecay(0.1, 10, cycle="yes"), TypeError, "cycle"),
])
def test_bad_schedule_arguments_name_the_argument(make, error, match):
    with pytest.raises(error, match=match):
        make()
