"""Callbacks: EarlyStopping, ReduceLROnPlateau, TerminateOnNaN, CSVLogger, LambdaCallback, custom."""

import csv

import numpy as np
import pytest

import glassnet as keras
from glassnet import callbacks, layers


def data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3)).astype(np.float32)
    return x, (x.sum(axis=1) > 0).astype(np.float32)


def model(learning_rate=0.05):
    m = keras.Sequential([layers.Dense(8, activation="relu", input_shape=(3,)), layers.Dense(1, activation="sigmoid")])
    m.compile(keras.optimizers.SGD(learning_rate), "binary_crossentropy", metrics=["accuracy"])
    return m


class ScriptedMetric(callbacks.Callback):
    """Overwrites a log value with a scripted sequence, to drive monitors deterministically."""

    def __init__(self, key, values):
        super().__init__()
        self.key, self.values = key, values

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]


def test_early_stopping_stops_after_patience_and_restores_best_weights():
    x, y = data()
    m = model()
    snapshots = []
    keep = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(m.get_weights()))
    script = ScriptedMetric("val_loss", [1.0, 0.5, 0.7, 0.8, 0.9, 0.4, 0.3])
    stop = callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    history = m.fit(x, y, epochs=7, verbose=0, callbacks=[script, keep, stop])
    assert history.epoch == [0, 1, 2, 3]
    assert stop.stopped_epoch == 3 and stop.best == 0.5
    for restored, best in zip(m.get_weights(), snapshots[1]):
        np.testing.assert_array_equal(restored, best)


def test_early_stopping_mode_auto_maximises_accuracy():
    assert callbacks.EarlyStopping(monitor="val_accuracy").mode == "max"
    assert callbacks.EarlyStopping(monitor="loss").mode == "min"


def test_reduce_lr_on_plateau_cuts_the_rate_and_logs_it():
    x, y = data()
    m = model(learning_rate=0.1)
    script = ScriptedMetric("val_loss", [1.0, 1.0, 1.0, 1.0, 1.0])
    reduce = callbacks.ReduceLROnPlateau(factor=0.5, patience=2, min_lr=0.02)
    history = m.fit(x, y, epochs=5, verbose=0, callbacks=[script, reduce])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05])
    assert m.optimizer.learning_rate == pytest.approx(0.025)


def test_terminate_on_nan_and_custom_batch_hooks():
    x, y = data()
    m = model()
    batches = []

    class Recorder(callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            batches.append((batch, set(logs)))
            if batch == 1:
                logs_nan = dict(logs, loss=float("nan"))
                stopper = callbacks.TerminateOnNaN()
                stopper.set_model(self.model)
                stopper.on_train_batch_end(batch, logs_nan)

    m.fit(x, y, batch_size=16, epochs=3, verbose=0, callbacks=[Recorder()])
    assert [b for b, _ in batches] == [0, 1]
    assert batches[0][1] == {"loss", "accuracy"}


def test_csv_logger_writes_one_row_per_epoch(tmp_path):
    x, y = data()
    path = tmp_path / "log.csv"
    model().fit(x, y, epochs=3, validation_split=0.25, verbose=0, callbacks=[callbacks.CSVLogger(path)])
    rows = list(csv.DictReader(path.open()))
    assert [r["epoch"] for r in rows] == ["0", "1", "2"]
    assert set(rows[0]) == {"epoch", "loss", "accuracy", "val_loss", "val_accuracy"}
    model().fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.CSVLogger(path, append=True)])
    assert len(list(csv.DictReader(path.open()))) == 4


def test_lambda_callback_hooks_and_initial_epoch():
    x, y = data()
    events = []
    hook = callbacks.LambdaCallback(on_train_begin=lambda logs: events.append("begin"),
                                    on_epoch_end=lambda epoch, logs: events.append(epoch),
                                    on_train_end=lambda logs: events.append("end"))
    history = model().fit(x, y, epochs=4, initial_epoch=2, verbose=0, callbacks=[hook])
    assert events == ["begin", 2, 3, "end"]
    assert history.epoch == [2, 3]


def test_stop_training_from_a_callback():
    x, y = data()
    m = model()
    stopper = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: setattr(m, "stop_training", epoch == 1))
    assert m.fit(x, y, epochs=10, verbose=0, callbacks=[stopper]).epoch == [0, 1]
