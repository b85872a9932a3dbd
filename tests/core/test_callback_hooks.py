"""fit, evaluate and predict call every callback hook Keras calls, in Keras's order, with Keras's
log keys; ``callbacks=`` takes one callback or a list, and names a class given by mistake.

KERAS_CALLS was recorded from Keras 3.15.1 (JAX backend, 2026-12-02) running this module's
program with ``import keras``: each entry is [hook, (batch or epoch), sorted log keys].
"""

import numpy as np
import pytest

import glassnet as keras

HOOKS = ["on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_train_batch_begin",
         "on_train_batch_end", "on_test_begin", "on_test_end", "on_test_batch_begin", "on_test_batch_end",
         "on_predict_begin", "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end"]
ENDS_WITHOUT_INDEX = ("train_begin", "train_end", "test_begin", "test_end", "predict_begin", "predict_end")

KERAS_CALLS = [
    ["on_train_begin", []],
    ["on_epoch_begin", 0, []],
    ["on_train_batch_begin", 0, []],
    ["on_train_batch_end", 0, ["accuracy", "loss"]],
    ["on_train_batch_begin", 1, []],
    ["on_train_batch_end", 1, ["accuracy", "loss"]],
    ["on_train_batch_begin", 2, []],
    ["on_train_batch_end", 2, ["accuracy", "loss"]],
    ["on_test_begin", []],
    ["on_test_batch_begin", 0, []],
    ["on_test_batch_end", 0, ["accuracy", "loss"]],
    ["on_test_batch_begin", 1, []],
    ["on_test_batch_end", 1, ["accuracy", "loss"]],
    ["on_test_end", ["accuracy", "loss"]],
    ["on_epoch_end", 0, ["accuracy", "loss", "val_accuracy", "val_loss"]],
    ["on_epoch_begin", 1, []],
    ["on_train_batch_begin", 0, []],
    ["on_train_batch_end", 0, ["accuracy", "loss"]],
    ["on_train_batch_begin", 1, []],
    ["on_train_batch_end", 1, ["accuracy", "loss"]],
    ["on_train_batch_begin", 2, []],
    ["on_train_batch_end", 2, ["accuracy", "loss"]],
    ["on_test_begin", []],
    ["on_test_batch_begin", 0, []],
    ["on_test_batch_end", 0, ["accuracy", "loss"]],
    ["on_test_batch_begin", 1, []],
    ["on_test_batch_end", 1, ["accuracy", "loss"]],
    ["on_test_end", ["accuracy", "loss"]],
    ["on_epoch_end", 1, ["accuracy", "loss", "val_accuracy", "val_loss"]],
    ["on_train_end", ["accuracy", "loss", "val_accuracy", "val_loss"]],
    ["--evaluate"],
    ["on_test_begin", []],
    ["on_test_batch_begin", 0, []],
    ["on_test_batch_end", 0, ["accuracy", "loss"]],
    ["on_test_batch_begin", 1, []],
    ["on_test_batch_end", 1, ["accuracy", "loss"]],
    ["on_test_batch_begin", 2, []],
    ["on_test_batch_end", 2, ["accuracy", "loss"]],
    ["on_test_end", ["accuracy", "loss"]],
    ["--predict"],
    ["on_predict_begin", []],
    ["on_predict_batch_begin", 0, []],
    ["on_predict_batch_end", 0, ["outputs"]],
    ["on_predict_batch_begin", 1, []],
    ["on_predict_batch_end", 1, ["outputs"]],
    ["on_predict_batch_begin", 2, []],
    ["on_predict_batch_end", 2, ["outputs"]],
    ["on_predict_end", []]
]


class Recorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []


def _recording(hook):
    def record(self, *args, logs=None):
        if args and (len(args) == 2 or hook.endswith(ENDS_WITHOUT_INDEX)):
            *args, logs = args
        self.calls.append([hook, *args, sorted(logs) if isinstance(logs, dict) else logs])
    return record


for _hook in HOOKS:
    setattr(Recorder, _hook, _recording(_hook))


def test_hooks_of_fit_evaluate_and_predict_are_kerass():
    x = np.random.default_rng(0).random((10, 3), dtype=np.float32)
    y = np.arange(10) % 2
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    recorder = Recorder()
    model.fit(x, y, batch_size=4, epochs=2, validation_data=(x[:6], y[:6]), callbacks=[recorder], verbose=0)
    recorder.calls.append(["--evaluate"])
    model.evaluate(x, y, batch_size=4, callbacks=[recorder], verbose=0)
    recorder.calls.append(["--predict"])
    model.predict(x, batch_size=4, callbacks=recorder, verbose=0)  # one callback, not in a list: Keras takes it
    assert recorder.calls == KERAS_CALLS
    assert recorder.params == {"verbose": 0, "epochs": 1, "steps": 3}


def test_predict_batch_end_gets_the_batch_outputs():
    seen = []
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    x = np.random.default_rng(1).random((10, 3), dtype=np.float32)

    class Keep(keras.callbacks.Callback):
        def on_predict_batch_end(self, batch, logs=None):
            seen.append(logs["outputs"].copy())

    callback = Keep()
    out = model.predict(x, batch_size=4, callbacks=[callback], verbose=0)
    np.testing.assert_array_equal(np.concatenate(seen), out)
    assert [len(s) for s in seen] == [4, 4, 2]


def test_callbacks_argument_errors_name_the_mistake():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x, y = np.ones((4, 3), np.float32), np.ones((4, 1), np.float32)
    with pytest.raises(TypeError, match=r"received the class EarlyStopping: write EarlyStopping\(\)"):
        model.fit(x, y, callbacks=[keras.callbacks.EarlyStopping], verbose=0)
    with pytest.raises(TypeError, match="evaluate\\(\\): callbacks must be glassnet.callbacks.Callback or a list of them, "
                                        "received 'early'"):
        model.evaluate(x, y, callbacks=["early"], verbose=0)
    history = model.fit(x, y, epochs=3, callbacks=keras.callbacks.EarlyStopping(monitor="loss", patience=0), verbose=0)
    assert 1 <= len(history.history["loss"]) <= 3
