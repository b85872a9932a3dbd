"""ModelCheckpoint and LearningRateScheduler: Keras 3's arguments, file names, messages and log keys.

The file names, printed messages, directions of mode='auto' and history values marked "Keras
3.15.1" came from running the same programs with ``import keras`` (Keras 3.15.1, JAX backend,
2026-12-06); only the temporary folder in the printed paths differs. Keras keeps the learning
rate in float32 (0.10000000149011612 for 0.1), glassnet in float64, hence the tolerances there.
"""

import os
import warnings

import numpy as np
import pytest

import glassnet as keras
from glassnet import callbacks, layers


def data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3)).astype(np.float32)
    return x, (x.sum(axis=1, keepdims=True) > 0).astype(np.float32)


def model(learning_rate=0.05, metrics=("accuracy",)):
    m = keras.Sequential([layers.Dense(8, activation="relu", input_shape=(3,)), layers.Dense(1, activation="sigmoid")])
    m.compile(keras.optimizers.SGD(learning_rate), "binary_crossentropy", metrics=list(metrics))
    return m


class Scripted(callbacks.Callback):
    """Writes a scripted value into the epoch's logs (before the callbacks after it read them)."""

    def __init__(self, key, values):
        super().__init__()
        self.key, self.values = key, values

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]


class Snapshots(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


def assert_same_weights(actual, expected):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        np.testing.assert_array_equal(a, e)


# -- ModelCheckpoint ---------------------------------------------------------------------------
def test_template_is_formatted_with_the_epoch_from_1_and_the_logs(tmp_path):
    x, y = data()
    m = model()
    check = callbacks.ModelCheckpoint(tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.keras")  # a PathLike
    snapshots = Snapshots()
    m.fit(x, y, epochs=3, verbose=0, callbacks=[Scripted("val_loss", [0.9, 0.456, 0.7]), check, snapshots])
    # Keras 3.15.1: the same three names
    assert sorted(os.listdir(tmp_path)) == ["ckpt-01-0.90.keras", "ckpt-02-0.46.keras", "ckpt-03-0.70.keras"]
    assert check.best is None and check.monitor_op is np.less  # Keras 3.15.1: best None, ops.less
    loaded = keras.models.load_model(tmp_path / "ckpt-02-0.46.keras")
    assert_same_weights(loaded.get_weights(), snapshots.weights[1])


# Keras 3.15.1, ModelCheckpoint(path, save_best_only=True, verbose=1) over val_loss 0.8, 0.5, 0.7, 0.5, 0.3
KERAS_BEST_ONLY = """
Epoch 1: val_loss improved from None to 0.80000, saving model to {path}

Epoch 1: finished saving model to {path}

Epoch 2: val_loss improved from 0.80000 to 0.50000, saving model to {path}

Epoch 2: finished saving model to {path}

Epoch 3: val_loss did not improve from 0.50000

Epoch 4: val_loss did not improve from 0.50000

Epoch 5: val_loss improved from 0.50000 to 0.30000, saving model to {path}

Epoch 5: finished saving model to {path}
"""


def test_save_best_only_saves_improvements_with_keras_messages(tmp_path, capsys):
    x, y = data()
    m = model()
    path = str(tmp_path / "best.weights.h5")
    check = callbacks.ModelCheckpoint(path, save_best_only=True, save_weights_only=True, verbose=1)
    snapshots = Snapshots()
    m.fit(x, y, epochs=5, verbose=0, callbacks=[Scripted("val_loss", [0.8, 0.5, 0.7, 0.5, 0.3]), check, snapshots])
    assert capsys.readouterr().out == KERAS_BEST_ONLY.format(path=path)
    assert check.best == 0.3
    fresh = model()
    fresh.load_weights(path)
    assert_same_weights(fresh.get_weights(), snapshots.weights[4])

    # With {epoch} in the name only the improving epochs leave a file.
    check = callbacks.ModelCheckpoint(str(tmp_path / "e{epoch}.weights.h5"), save_best_only=True,
                                      save_weights_only=True)
    model().fit(x, y, epochs=5, verbose=0, callbacks=[Scripted("val_loss", [0.8, 0.5, 0.7, 0.5, 0.3]), check])
    assert sorted(f for f in os.listdir(tmp_path) if f.startswith("e")) == ["e1.weights.h5", "e2.weights.h5",
                                                                              "e5.weights.h5"]


# Keras 3.15.1, monitor="val_acc2", mode="max", initial_value_threshold=0.6 over 0.5, 0.7, 0.7, 0.9
KERAS_THRESHOLD = """
Epoch 1: val_acc2 did not improve from 0.60000

Epoch 2: val_acc2 improved from 0.60000 to 0.70000, saving model to {path}

Epoch 2: finished saving model to {path}

Epoch 3: val_acc2 did not improve from 0.70000

Epoch 4: val_acc2 improved from 0.70000 to 0.90000, saving model to {path}

Epoch 4: finished saving model to {path}
"""


def test_max_mode_and_initial_value_threshold(tmp_path, capsys):
    x, y = data()
    path = str(tmp_path / "m.keras")
    check = callbacks.ModelCheckpoint(path, monitor="val_acc2", mode="max", save_best_only=True, verbose=1,
                                      initial_value_threshold=0.6)
    model().fit(x, y, epochs=4, verbose=0, callbacks=[Scripted("val_acc2", [0.5, 0.7, 0.7, 0.9]), check])
    assert capsys.readouterr().out == KERAS_THRESHOLD.format(path=path)
    assert check.best == 0.9 and check.monitor_op is np.greater and check.mode == "max"

    # mode="min" on the same values: only the first epoch beats the threshold of 0.6.
    check = callbacks.ModelCheckpoint(path, monitor="val_acc2", mode="min", save_best_only=True,
                                      initial_value_threshold=0.6)
    model().fit(x, y, epochs=4, verbose=0, callbacks=[Scripted("val_acc2", [0.5, 0.7, 0.7, 0.9]), check])
    assert check.best == 0.5 and check.monitor_op is np.less


def test_auto_mode_decides_as_keras(tmp_path):
    x, y = data()
    # Keras 3.15.1, metrics=["accuracy", "mse", "mae", "binary_crossentropy", "binary_accuracy"]
    keras_ops = {"val_loss": np.less, "loss": np.less, "val_accuracy": np.greater, "accuracy": np.greater,
                 "val_mse": np.less, "val_mae": np.less, "val_binary_crossentropy": np.less,
                 "val_binary_accuracy": np.greater}
    metrics = ("accuracy", "mse", "mae", "binary_crossentropy", "binary_accuracy")
    m = model(metrics=metrics)
    checks = {monitor: callbacks.ModelCheckpoint(str(tmp_path / f"{monitor}.keras"), monitor=monitor)
              for monitor in keras_ops}
    m.fit(x, y, epochs=1, verbose=0, validation_split=0.25, callbacks=list(checks.values()))
    assert {monitor: check.monitor_op for monitor, check in checks.items()} == keras_ops
    assert all(check.mode == "auto" for check in checks.values())  # Keras keeps the name given
    # Keras 3.15.1 raises at the first epoch's end for a name it cannot place ("val_acc" when the
    # metric is called "accuracy", or no metric at all), even without save_best_only.
    for monitor in ("foo", "val_acc"):
        check = callbacks.ModelCheckpoint(str(tmp_path / "a.keras"), monitor=monitor)
        with pytest.raises(ValueError, match="maximized or minimized.*mode='max'"):
            model(metrics=metrics).fit(x, y, epochs=1, verbose=0, validation_split=0.25, callbacks=[check])
    check = callbacks.ModelCheckpoint(str(tmp_path / "a.keras"), monitor="val_acc")
    model(metrics=["acc"]).fit(x, y, epochs=1, verbose=0, validation_split=0.25, callbacks=[check])
    assert check.monitor_op is np.greater


def test_missing_monitor_warns_once_and_saves_anyway(tmp_path, capsys):
    x, y = data()
    path = str(tmp_path / "miss.keras")
    check = callbacks.ModelCheckpoint(path, save_best_only=True, verbose=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model().fit(x, y, epochs=3, verbose=0, callbacks=[check])
    messages = [str(w.message) for w in caught if "save best model" in str(w.message)]
    # Keras 3.15.1 warns "Can save best model only with val_loss available." (every epoch, which
    # Python's default filter shows once) and saves the model anyway.
    assert len(messages) == 1 and messages[0].startswith("Can save best model only with val_loss available.")
    assert os.path.exists(path) and check.best is None
    assert capsys.readouterr().out == "".join(f"\nEpoch {e}: finished saving model to {path}\n" for e in (1, 2, 3))


def test_whole_model_files_load_with_load_model(tmp_path, capsys):
    x, y = data()
    m = model()
    keras_path, glassnet_path = str(tmp_path / "m.keras"), str(tmp_path / "sub" / "m.glassnet")
    m.fit(x, y, epochs=2, verbose=0,
          callbacks=[callbacks.ModelCheckpoint(keras_path), callbacks.ModelCheckpoint(glassnet_path, verbose=1)])
    # Keras 3.15.1 prints this pair when save_best_only=False
    assert capsys.readouterr().out == "".join(f"\nEpoch {e}: saving model to {glassnet_path}\n"
                                              f"\nEpoch {e}: finished saving model to {glassnet_path}\n"
                                              for e in (1, 2))
    for path in (keras_path, glassnet_path):
        np.testing.assert_allclose(keras.models.load_model(path).predict(x, verbose=0), m.predict(x, verbose=0),
                                   rtol=1e-6)
    resumed = keras.models.load_model(glassnet_path)
    assert resumed.optimizer.iterations == m.optimizer.iterations  # .glassnet keeps the optimizer state


def test_save_freq_counts_training_batches(tmp_path):
    x, y = data()
    check = callbacks.ModelCheckpoint(str(tmp_path / "e{epoch}-b{batch}.weights.h5"), save_weights_only=True,
                                      save_freq=3)
    model().fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[check])
    # Keras 3.15.1: 4 batches an epoch, saved after the 3rd and after the 6th (2nd of epoch 2)
    assert sorted(os.listdir(tmp_path)) == ["e1-b3.weights.h5", "e2-b2.weights.h5"]
    assert "on_train_batch_end" not in vars(callbacks.ModelCheckpoint("x.keras"))  # no per-batch call by default


def test_checkpoint_argument_errors(tmp_path):
    # Keras 3.15.1 refuses the same endings (and accepts "x.h5" for a whole model)
    with pytest.raises(ValueError, match=r"filepath must end in `\.keras`.*received filepath='x'"):
        callbacks.ModelCheckpoint("x")
    for name in ("x.keras", "x.h5"):
        with pytest.raises(ValueError, match=r"save_weights_only=True the filepath must end in `\.weights\.h5`"):
            callbacks.ModelCheckpoint(name, save_weights_only=True)
    for name in ("x.keras", "x.h5", "x.glassnet", "x.weights.h5"):
        callbacks.ModelCheckpoint(name)
    with pytest.raises(ValueError, match="mode must be 'auto', 'min' or 'max', received mode='maximum'"):
        callbacks.ModelCheckpoint("x.keras", mode="maximum")
    for freq in ("batch", 2.0, 0, True):
        with pytest.raises(ValueError, match="save_freq must be 'epoch' or a positive integer"):
            callbacks.ModelCheckpoint("x.keras", save_freq=freq)
    x, y = data()
    # Keras 3.15.1 raises a KeyError naming the filepath and the missing key
    with pytest.raises(KeyError, match="nope"):
        model().fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.ModelCheckpoint(str(tmp_path / "{nope}.keras"))])
    (tmp_path / "taken.keras").mkdir()
    with pytest.raises(IsADirectoryError, match="non-directory filepath"):
        model().fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.ModelCheckpoint(str(tmp_path / "taken.keras"))])


# -- LearningRateScheduler ---------------------------------------------------------------------
def test_scheduler_sets_the_rate_each_epoch_and_logs_learning_rate(capsys):
    x, y = data()
    m = model(learning_rate=0.1)
    seen = []
    record = callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: seen.append(m.optimizer.learning_rate))
    epochs_given = []

    def schedule(epoch, lr):
        epochs_given.append(epoch)
        return lr * 0.5 if epoch > 0 else lr

    history = m.fit(x, y, epochs=3, verbose=0, validation_split=0.25,
                    callbacks=[callbacks.LearningRateScheduler(schedule, verbose=1), record])
    # Keras 3.15.1: history keys and values (float32 there), epochs from 0, messages from "Epoch 1"
    keras_rates = [0.10000000149011612, 0.05000000074505806, 0.02500000037252903]
    assert list(history.history)[-1] == "learning_rate"
    assert sorted(history.history) == ["accuracy", "learning_rate", "loss", "val_accuracy", "val_loss"]
    assert history.history["learning_rate"] == pytest.approx(keras_rates, rel=1e-7)
    assert seen == pytest.approx(keras_rates, rel=1e-7) and epochs_given == [0, 1, 2]
    assert capsys.readouterr().out == ("\nEpoch 1: LearningRateScheduler setting learning rate to 0.1.\n"
                                       "\nEpoch 2: LearningRateScheduler setting learning rate to 0.05.\n"
                                       "\nEpoch 3: LearningRateScheduler setting learning rate to 0.025.\n")
    assert m.optimizer.learning_rate == pytest.approx(0.025)


def test_scheduler_takes_a_one_argument_schedule(capsys):
    x, y = data()
    m = model(learning_rate=0.1)
    history = m.fit(x, y, epochs=3, verbose=0,
                    callbacks=[callbacks.LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1), verbose=1)])
    # Keras 3.15.1: [0.009999999776482582, 0.019999999552965164, 0.029999999329447746] and these lines
    assert history.history["learning_rate"] == pytest.approx([0.01, 0.02, 0.03], rel=1e-7)
    assert capsys.readouterr().out == "".join(f"\nEpoch {e}: LearningRateScheduler setting learning rate to {r}.\n"
                                              for e, r in ((1, 0.01), (2, 0.02), (3, 0.03)))
    # NumPy scalars, such as keras.ops gives, are rates too
    history = model().fit(x, y, epochs=1, verbose=0, callbacks=[
        callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 * keras.ops.exp(-0.1))])
    assert history.history["learning_rate"] == pytest.approx([0.1 * np.exp(-0.1)])


def test_scheduler_refuses_what_is_not_a_rate():
    x, y = data()
    # Keras 3.15.1: "The output of the `schedule` function should be a float. Got: 0.1"
    for bad, match in (("0.1", "must return a float.*received '0.1' of type str"),
                       (None, "must return a float.*received None"),
                       (np.array([0.1, 0.2]), "must return a float"),
                       (-0.1, "learning rate >= 0, received -0.1")):
        with pytest.raises(ValueError, match=match):
            model().fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.LearningRateScheduler(lambda e, lr: bad)])
    with pytest.raises(TypeError, match="schedule must be a function"):
        callbacks.LearningRateScheduler(0.1)
    with pytest.raises(TypeError, match=r"must take \(epoch, lr\) or \(epoch\)"):
        model().fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.LearningRateScheduler(lambda: 0.1)])
