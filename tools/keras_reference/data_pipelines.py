"""Reference behaviour of fit/evaluate/predict on data sets, from real Keras 3, written to
tests/core/keras_data_pipelines_golden.py. Run with a Python that has Keras 3 (the pinned
numbers came from Keras 3.15.1 on JAX):

    KERAS_BACKEND=jax /path/to/keras-venv/bin/python tools/keras_reference/data_pipelines.py

Every model is one Dense layer with fixed initial weights trained by plain SGD on fixed data,
so the weights after fit depend only on which batches were seen, in what order, with what
weights. Recorded per case: the callback params, the hooks called with their sorted log keys,
the history, the final weights; and, without TensorFlow, what keras.utils's directory indexing
and split sizes give (index_directory and _rescale_dataset_split_sizes run on plain Python).
"""

import datetime
import os
import pprint
import tempfile
import warnings

import numpy as np
import keras
from keras.src.utils import dataset_utils

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "core",
                   "keras_data_pipelines_golden.py")

X = (np.arange(72, dtype=np.float32).reshape(24, 3) % 7 - 3) / 4   # multiples of 1/4
Y = np.arange(24) % 3
KERNEL = ((np.arange(9, dtype=np.float32).reshape(3, 3) % 5) - 2) / 8
BIAS = np.array([0.125, -0.125, 0.0], np.float32)


class Batches(keras.utils.PyDataset):
    """(x, y) in batches of 8, recording the indices fetched."""

    def __init__(self, x, y, batch_size=8, form="xy", **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size, self.form = x, y, batch_size, form
        self.fetched, self.epoch_ends = [], 0

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, i):
        self.fetched.append(i)
        rows = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return {"xy": (self.x[rows], self.y[rows]), "x": self.x[rows], "x,": (self.x[rows],)}[self.form]

    def on_epoch_end(self):
        self.epoch_ends += 1


class Recorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.calls, self.params_seen = [], []

    def on_train_begin(self, logs=None):
        self.params_seen.append(dict(self.params))
        self.calls.append(["on_train_begin", sorted(logs or {})])

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(["on_epoch_begin", epoch])

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append(["on_train_batch_end", batch, sorted(logs or {})])

    def on_test_begin(self, logs=None):
        self.params_seen.append(dict(self.params))
        self.calls.append(["on_test_begin"])

    def on_test_batch_end(self, batch, logs=None):
        self.calls.append(["on_test_batch_end", batch, sorted(logs or {})])

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(["on_epoch_end", epoch, sorted(logs or {})])


def model(metrics=("accuracy",)):
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3, activation="softmax")])
    m.layers[0].set_weights([KERNEL, BIAS])
    m.compile(keras.optimizers.SGD(0.5), "sparse_categorical_crossentropy", metrics=list(metrics))
    return m


def weights(m):
    return [w.tolist() for w in m.get_weights()]


def history(h):
    return {k: [float(v) for v in vs] for k, vs in h.history.items()}


def main():
    out = {}
    # 1. A PyDataset with class_weight and a PyDataset for validation, not shuffled.
    m, recorder = model(), Recorder()
    train, val = Batches(X, Y), Batches(X[:16], Y[:16])
    h = m.fit(train, epochs=2, shuffle=False, class_weight={0: 1.0, 1: 2.0, 2: 0.5}, validation_data=val,
              callbacks=[recorder], verbose=0)
    out["py_dataset_class_weight"] = {"weights": weights(m), "history": history(h), "calls": recorder.calls,
                                      "params": recorder.params_seen, "epoch_ends": train.epoch_ends}
    out["py_dataset_evaluate"] = m.evaluate(Batches(X, Y), verbose=0, return_dict=True)
    out["py_dataset_evaluate_steps"] = m.evaluate(Batches(X, Y), steps=2, verbose=0, return_dict=True)
    out["predict_x_only"] = m.predict(Batches(X, Y, form="x"), verbose=0).tolist()
    out["predict_x_tuple"] = m.predict(Batches(X, Y, form="x,"), verbose=0).tolist()

    # 2. steps_per_epoch shorter than a PyDataset: the next epoch goes on where the last stopped.
    m, train = model(), Batches(X, Y, batch_size=6)  # 4 batches
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        h = m.fit(train, epochs=3, steps_per_epoch=3, shuffle=False, verbose=0)
    out["py_dataset_steps_per_epoch"] = {"weights": weights(m), "history": history(h),
                                         "ran_out_warnings": sum("ran out of data" in str(w.message) for w in caught)}

    # 3. An endless generator with steps_per_epoch; validation by a generator with
    #    validation_steps, every second epoch.
    def endless(x, y, size):
        i = 0
        while True:
            rows = slice((i * size) % len(x), (i * size) % len(x) + size)
            yield x[rows], y[rows]
            i += 1

    m, recorder = model(), Recorder()
    h = m.fit(endless(X, Y, 4), steps_per_epoch=2, epochs=4, validation_data=endless(X, Y, 8), validation_steps=1,
              validation_freq=2, callbacks=[recorder], verbose=0)
    out["endless_generator"] = {"weights": weights(m), "history": history(h), "params": recorder.params_seen}

    # 4. validation_freq as a list of epochs, counted from 1 even with initial_epoch.
    m = model()
    h = m.fit(X, Y, batch_size=8, epochs=4, initial_epoch=1, validation_data=(X[:8], Y[:8]),
              validation_freq=[2, 4], shuffle=False, verbose=0)
    out["validation_freq_list"] = {"history_lengths": {k: len(v) for k, v in h.history.items()}}
    m = model()
    h = m.fit(X, Y, batch_size=8, epochs=4, initial_epoch=1, validation_data=(X[:8], Y[:8]),
              validation_freq=2, shuffle=False, verbose=0)
    out["validation_freq_int_initial_epoch"] = {"history_lengths": {k: len(v) for k, v in h.history.items()}}

    # 5. A finite generator without steps_per_epoch: steps unknown to the callbacks.
    def finite():
        for i in range(3):
            yield X[i * 8:(i + 1) * 8], Y[i * 8:(i + 1) * 8]

    m, recorder = model(), Recorder()
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        h = m.fit(finite(), epochs=1, callbacks=[recorder], verbose=0)
    out["finite_generator"] = {"weights": weights(m), "history": history(h), "params": recorder.params_seen}

    # 6. Misuse Keras refuses, with the exception class.
    errors = {}
    for name, call in {
        "y_with_py_dataset": lambda: model().fit(Batches(X, Y), Y, verbose=0),
        "sample_weight_with_py_dataset": lambda: model().fit(Batches(X, Y), sample_weight=np.ones(24), verbose=0),
        "validation_split_with_generator": lambda: model().fit(finite(), validation_split=0.2, verbose=0),
        "y_with_generator": lambda: model().fit(finite(), Y, verbose=0),
    }.items():
        try:
            call()
            errors[name] = None
        except Exception as error:  # noqa: BLE001
            errors[name] = type(error).__name__
    out["errors"] = errors

    # 7. image_dataset_from_directory's file order and split (index_directory needs no TensorFlow).
    with tempfile.TemporaryDirectory() as root:
        for cls, count in (("dogs", 5), ("cats", 4), ("birds", 3)):
            os.makedirs(os.path.join(root, cls))
            for i in range(count):
                open(os.path.join(root, cls, f"img_{i}.png"), "wb").close()
        open(os.path.join(root, "cats", "notes.txt"), "w").close()
        paths, labels, names = dataset_utils.index_directory(root, "inferred", formats=(".png",), shuffle=True,
                                                             seed=1337)
        relative = [os.path.relpath(p, root) for p in paths]
        train, train_labels = dataset_utils.get_training_or_validation_split(relative, labels, 0.25, "training")
        valid, valid_labels = dataset_utils.get_training_or_validation_split(relative, labels, 0.25, "validation")
        out["index_directory"] = {"class_names": names, "paths": relative, "labels": [int(v) for v in labels],
                                  "training": train, "validation": valid}
        plain, _, _ = dataset_utils.index_directory(root, "inferred", formats=(".png",), shuffle=False)
        out["index_directory_unshuffled"] = [os.path.relpath(p, root) for p in plain]

    # 8. split_dataset's sizes (the split itself needs TensorFlow).
    out["split_sizes"] = {repr((left, right, total)): list(dataset_utils._rescale_dataset_split_sizes(left, right, total))
                          for left, right, total in ((0.8, None, 10), (None, 0.25, 10), (3, None, 10), (0.5, 0.3, 10),
                                                     (None, 4, 9), (0.75, None, 7), (0.25, 0.25, 9))}

    with open(OUT, "w") as f:
        f.write(f'"""Written by tools/keras_reference/data_pipelines.py from Keras {keras.__version__} '
                f'({keras.backend.backend()}) on {datetime.date.today()}; rerun it to regenerate."""\n\n')
        f.write(f"GOLDEN = {pprint.pformat(out, width=110, sort_dicts=True)}\n")


if __name__ == "__main__":
    main()
