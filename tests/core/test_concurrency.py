"""Training survives company: a fit gives the same weights and history whether or not other
threads predict or evaluate with the same model meanwhile, two models fitted in two threads each
give their solo result, and fit, save, load in a fresh process, fit equals the straight fit.

Why it holds: what a call computes lives in the calling thread's own layer contexts
(layers/base.py ``_context``), evaluation has metric objects of its own, and every model and
Dropout layer draws from a random stream of its own (utils/random.py) that is saved with it.
"""

import json
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers

ROOT = Path(__file__).resolve().parents[2]


def cnn():
    return keras.Sequential([keras.Input((12, 12, 1)), layers.Conv2D(6, 3, activation="relu"), layers.MaxPooling2D(2),
                             layers.BatchNormalization(), layers.Dropout(0.3), layers.Flatten(),
                             layers.Dense(16, activation="relu"), layers.Dropout(0.2),
                             layers.Dense(3, activation="softmax")])


def mlp():
    return keras.Sequential([keras.Input((20,)), layers.Dense(32, activation="relu"), layers.Dropout(0.5),
                             layers.Dense(3, activation="softmax")])


def graph():
    inputs = keras.Input((20,))
    h = layers.Dense(16, activation="relu")(inputs)
    h = layers.Add()([h, layers.Dropout(0.25)(layers.Dense(16)(h))])
    return keras.Model(inputs, layers.Dense(3, activation="softmax")(h))


class Subclassed(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(24, activation="relu")
        self.dropout = layers.Dropout(0.3)
        self.head = layers.Dense(3, activation="softmax")

    def call(self, inputs, training=False):
        return self.head(self.dropout(self.hidden(inputs), training=training))


def subclassed():
    model = Subclassed()
    model.build((None, 20))
    return model


BUILDERS = {"cnn": cnn, "mlp": mlp, "graph": graph, "subclassed": subclassed}


def data(kind, n=192):
    rng = np.random.default_rng(0)
    x = rng.random((n, 12, 12, 1) if kind == "cnn" else (n, 20), dtype=np.float32)
    return x, (x.reshape(n, -1)[:, :3].argmax(axis=1))


def made(kind, seed=3):
    keras.utils.set_random_seed(seed)
    model = BUILDERS[kind]()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def fit(model, kind, epochs=3, batch_size=16):
    x, y = data(kind)
    return model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0).history


def assert_same_weights(a, b):
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)


class Company(threading.Thread):
    """Calls ``work`` again and again until told to stop; keeps the first exception."""

    def __init__(self, work):
        super().__init__(daemon=True)
        self.work, self.stop, self.error, self.calls = work, threading.Event(), None, 0

    def run(self):
        try:
            while not self.stop.is_set():
                self.work()
                self.calls += 1
        except Exception as error:  # reported by the test, in its own thread
            self.error = error


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_fit_beside_predict_and_evaluate_threads_is_unchanged(kind):
    alone = made(kind)
    history_alone = fit(alone, kind)

    model = made(kind)
    x, y = data(kind)
    others = [Company(lambda: model.predict(x[:7], verbose=0)),             # another batch size
              Company(lambda: model.predict(x, batch_size=50, verbose=0)),
              Company(lambda: model.evaluate(x[:40], y[:40], batch_size=13, verbose=0))]
    for other in others:
        other.start()
    try:
        history = fit(model, kind)
    finally:
        for other in others:
            other.stop.set()
            other.join()
    for other in others:
        assert other.error is None, repr(other.error)
        assert other.calls > 0
    assert history == history_alone
    assert_same_weights(model, alone)


def test_two_models_in_two_threads_each_give_their_solo_result():
    solo = {kind: made(kind, seed) for kind, seed in (("cnn", 1), ("mlp", 2))}
    solo_histories = {kind: fit(m, kind) for kind, m in solo.items()}

    models = {kind: made(kind, seed) for kind, seed in (("cnn", 1), ("mlp", 2))}
    histories, errors = {}, []

    def train(kind):
        try:
            histories[kind] = fit(models[kind], kind, batch_size=8 if kind == "mlp" else 16)
        except Exception as error:
            errors.append(error)

    # the solo mlp ran with batch 16; here it runs with 8, so compare it to a solo run with 8
    solo["mlp"] = made("mlp", 2)
    solo_histories["mlp"] = fit(solo["mlp"], "mlp", batch_size=8)
    threads = [threading.Thread(target=train, args=(kind,)) for kind in models]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    for kind in models:
        assert histories[kind] == solo_histories[kind], kind
        assert_same_weights(models[kind], solo[kind])


RESUME = """
import json, sys
import numpy as np
sys.path.insert(0, {root!r})
import glassnet as keras
if {reseed}:
    keras.utils.set_random_seed(3)
model = keras.models.load_model({path!r})
rng = np.random.default_rng(0)
x = rng.random((192, 12, 12, 1), dtype=np.float32) if {kind!r} == "cnn" else rng.random((192, 20), dtype=np.float32)
y = x.reshape(192, -1)[:, :3].argmax(axis=1)
history = model.fit(x, y, epochs=2, batch_size=16, verbose=0).history
np.savez({out!r}, *model.get_weights())
print(json.dumps(history))
"""


@pytest.mark.parametrize("kind,reseed", [("cnn", True), ("cnn", False), ("graph", False)])
def test_fit_save_load_in_a_fresh_process_fit_equals_the_straight_fit(tmp_path, kind, reseed):
    straight = made(kind)
    history = fit(straight, kind, epochs=4)

    first = made(kind)
    fit(first, kind, epochs=2)
    first.save(tmp_path / "half.glassnet")
    script = RESUME.format(root=str(ROOT), reseed=reseed, path=str(tmp_path / "half.glassnet"), kind=kind,
                           out=str(tmp_path / "resumed.npz"))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    resumed_history = json.loads(done.stdout.strip().splitlines()[-1])
    assert resumed_history["loss"] == history["loss"][2:]
    with np.load(tmp_path / "resumed.npz") as resumed:
        for i, weight in enumerate(straight.get_weights()):
            np.testing.assert_array_equal(resumed[f"arr_{i}"], weight)


class Interrupt(keras.callbacks.Callback):
    """Kills the fit as epoch ``at`` begins, as a pre-empted job dies."""

    def __init__(self, at):
        super().__init__()
        self.at = at

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.at:
            raise KeyboardInterrupt(f"interrupted at epoch {epoch}")


BACKUP_RESUME = """
import json, sys
import numpy as np
sys.path.insert(0, {root!r})
sys.path.insert(0, {tests!r})
import glassnet as keras
from test_concurrency import made, data
model = made({kind!r}, seed=11)  # a different seed: everything that matters comes from the backup
x, y = data({kind!r})
history = model.fit(x, y, epochs=4, batch_size=16, verbose=0,
                    callbacks=[keras.callbacks.BackupAndRestore({backup!r})])
np.savez({out!r}, *model.get_weights())
print(json.dumps(history.history))
"""


@pytest.mark.parametrize("kind", ["cnn", "graph"])
def test_backup_and_restore_resumes_a_killed_fit_in_a_fresh_process(tmp_path, kind):
    straight = made(kind)
    history = fit(straight, kind, epochs=4)

    model = made(kind)
    x, y = data(kind)
    backup = tmp_path / "backup"
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=4, batch_size=16, verbose=0,
                  callbacks=[keras.callbacks.BackupAndRestore(str(backup)), Interrupt(2)])
    assert (backup / "latest.glassnet").exists()
    script = BACKUP_RESUME.format(root=str(ROOT), tests=str(Path(__file__).parent), kind=kind, backup=str(backup),
                                  out=str(tmp_path / "resumed.npz"))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    resumed = json.loads(done.stdout.strip().splitlines()[-1])
    assert resumed["loss"] == history["loss"][2:]  # only the two epochs left ran, as the straight fit's
    with np.load(tmp_path / "resumed.npz") as weights:
        for i, weight in enumerate(straight.get_weights()):
            np.testing.assert_array_equal(weights[f"arr_{i}"], weight)
    assert not backup.exists()  # the finished fit deleted its backup


def test_backup_and_restore_in_the_same_process_and_its_errors(tmp_path):
    straight = made("mlp")
    history = fit(straight, "mlp", epochs=3)
    model = made("mlp")
    x, y = data("mlp")
    callback = keras.callbacks.BackupAndRestore(tmp_path / "b", delete_checkpoint=False, double_checkpoint=True)
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[callback, Interrupt(1)])
    resumed = model.fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[callback]).history
    assert resumed["loss"] == history["loss"][1:]
    assert_same_weights(model, straight)
    assert (tmp_path / "b" / "latest.glassnet").exists() and (tmp_path / "b" / "latest.glassnet.bkp").exists()
    with pytest.raises(ValueError, match="save_freq='epoch'"):
        keras.callbacks.BackupAndRestore(tmp_path, save_freq=10)
    with pytest.raises(ValueError, match="needs a folder path"):
        keras.callbacks.BackupAndRestore("")


def test_company_and_two_threads_with_adaptive_blas_threads_on():
    """fit's BLAS thread tuner on (tests run with it off, see conftest.py): the products of these
    models give the same numbers on one thread or two, so the results must still be the solo ones."""
    keras.config.set_adaptive_threads(True)
    try:
        test_fit_beside_predict_and_evaluate_threads_is_unchanged("cnn")
        test_two_models_in_two_threads_each_give_their_solo_result()
    finally:
        keras.config.set_adaptive_threads(False)
