"""What real Keras 3 does with the doubtful cases of tests/core/test_bad_input_catalogue.py: for
each, "OK" with what the call returned and the warnings it gave, or the exception it raised.
No golden file: the catalogue pins no numbers, only which inputs glassnet accepts (those Keras
accepts and reads as meant) and which it refuses by name (those Keras refuses, crashes on, or
silently misreads). Run with Keras 3:

    cd /tmp && KERAS_BACKEND=jax /path/to/keras-venv/bin/python /path/to/tools/keras_reference/bad_input_catalogue.py

Seen with Keras 3.15.1 on JAX: accepted and read as meant: [x] for a one-input model (with a
warning), complex x (a warning; the imaginary part is dropped), validation_data as a list,
validation_split=0.1 of 2 samples (one sample each), epochs=0, initial_epoch past epochs, NaN x
in predict (NaN out), Dropout(1.0), Input((0,)), shuffle="batch", verbose=7; accepted silently
though meaningless: epochs=-1, negative sample or class weights, class_weight with string or
negative keys (ignored), a class missing from class_weight (weight 1), loss_weights of two
values for one output, EarlyStopping(patience=-1), a schedule returning NaN or a negative rate,
to_categorical of -1 (the last class) or of 0.5 (class 0), fractional sparse labels
(truncated), predict(steps=0) (everything); refused, some with a raw error: Reshape(12),
Sequential(Dense(3)), validation_split="0.2", class_weight as a list, pad_sequences([]) and of
strings, metrics="accuracy", an optimizer class, Input(784), Input(shape=None), duplicate layer
names, save("m.txt"), ModelCheckpoint(monitor="val_acc") with mode="auto", set_random_seed(-1).
"""

import os
import warnings

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
from keras import callbacks, layers  # noqa: E402

X = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
Y = np.array([0, 1, 2, 0, 1, 2, 0, 1])


def mlp(loss="sparse_categorical_crossentropy"):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(5, activation="relu"),
                              layers.Dense(3, activation="softmax")])
    model.compile("adam", loss)
    return model


def fit(*args, **kwargs):
    return mlp().fit(*args, verbose=0, **kwargs).history


def compiled(*args, **kwargs):
    model = mlp()
    model.compile(*args, **kwargs)
    return model


def schedule_fit(schedule):
    return fit(X, Y, epochs=2, callbacks=[callbacks.LearningRateScheduler(schedule)])


CASES = {
    "x-complex": lambda: fit(X.astype(complex), Y),
    "x-list-for-one-input": lambda: fit([X], Y),
    "sample-weight-negative": lambda: fit(X, Y, sample_weight=-np.ones(8)),
    "sample-weight-2d": lambda: fit(X, Y, sample_weight=np.ones((8, 2))),
    "class-weight-missing-class": lambda: fit(X, Y, class_weight={0: 1.0, 1: 2.0}),
    "class-weight-string-keys": lambda: fit(X, Y, class_weight={"0": 1.0, "1": 1.0, "2": 1.0}),
    "class-weight-negative": lambda: fit(X, Y, class_weight={0: -1.0, 1: 1.0, 2: 1.0}),
    "class-weight-negative-key": lambda: fit(X, Y, class_weight={-1: 1.0, 0: 1.0, 1: 1.0, 2: 1.0}),
    "class-weight-extra-class": lambda: fit(X, Y, class_weight={0: 1.0, 1: 1.0, 2: 1.0, 7: 3.0}),
    "class-weight-list": lambda: fit(X, Y, class_weight=[1.0, 1.0, 1.0]),
    "epochs-zero": lambda: fit(X, Y, epochs=0),
    "epochs-negative": lambda: fit(X, Y, epochs=-1),
    "initial-epoch-past-epochs": lambda: fit(X, Y, initial_epoch=5, epochs=2),
    "validation-split-two-samples": lambda: fit(X[:2], Y[:2], validation_split=0.1),
    "validation-split-string": lambda: fit(X, Y, validation_split="0.2"),
    "validation-data-as-list": lambda: fit(X, Y, validation_data=[X, Y]),
    "sparse-label-fraction": lambda: fit(X, Y + 0.5),
    "predict-steps-zero": lambda: mlp().predict(X, steps=0, verbose=0).shape,
    "predict-verbose-7": lambda: mlp().predict(X, verbose=7).shape,
    "predict-nan": lambda: mlp().predict(np.full((2, 4), np.nan), verbose=0),
    "reshape-an-int": lambda: layers.Reshape(12),
    "dropout-rate-one": lambda: layers.Dropout(1.0),
    "sequential-not-a-list": lambda: keras.Sequential(layers.Dense(3)),
    "sequential-duplicate-names": lambda: keras.Sequential([keras.Input((4,)), layers.Dense(3, name="same"),
                                                            layers.Dense(3, name="same")]),
    "input-shape-int": lambda: keras.Input(784).shape,
    "input-shape-none": lambda: keras.Input(shape=None),
    "input-shape-zero": lambda: keras.Input((0,)).shape,
    "metrics-a-string": lambda: compiled("adam", "mse", metrics="accuracy"),
    "optimizer-class": lambda: compiled(keras.optimizers.Adam, "mse"),
    "loss-weights-for-two-outputs": lambda: compiled("adam", "mse", loss_weights=[1.0, 2.0]),
    "loss-from-logits-string": lambda: keras.losses.SparseCategoricalCrossentropy(from_logits="yes"),
    "early-stopping-patience-negative": lambda: callbacks.EarlyStopping(patience=-1),
    "scheduler-returns-nan": lambda: schedule_fit(lambda epoch, lr: float("nan")),
    "scheduler-returns-negative": lambda: schedule_fit(lambda epoch, lr: -0.1),
    "checkpoint-monitor-typo": lambda: fit(X, Y, epochs=2, validation_split=0.25, callbacks=[
        callbacks.ModelCheckpoint("/tmp/bad_input_catalogue_b.keras", monitor="val_acc", save_best_only=True)]),
    "save-unknown-extension": lambda: mlp().save("/tmp/bad_input_catalogue_m.txt"),
    "save-unbuilt": lambda: keras.Sequential([layers.Dense(3)]).save("/tmp/bad_input_catalogue_u.keras"),
    "shuffle-batch": lambda: fit(X, Y, shuffle="batch"),
    "pad-empty-list": lambda: keras.utils.pad_sequences([]).shape,
    "pad-strings-into-ints": lambda: keras.utils.pad_sequences([["a", "b"]]),
    "set-random-seed-negative": lambda: keras.utils.set_random_seed(-1),
    "set-random-seed-string": lambda: keras.utils.set_random_seed("42"),
    "to-categorical-negative": lambda: keras.utils.to_categorical([0, -1, 2]),
    "to-categorical-fractions": lambda: keras.utils.to_categorical([0.5, 1.0]),
    "to-categorical-column": lambda: keras.utils.to_categorical(np.array([[0], [2]])).shape,
}


def main():
    for name, call in CASES.items():
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = call()
            shown = [str(w.message)[:120] for w in caught]
            print(f"{name}: OK {str(result)[:100]!r} warnings={shown}")
        except Exception as error:  # what Keras raises is the point here
            print(f"{name}: {type(error).__name__}: {str(error)[:250]!r}")


if __name__ == "__main__":
    main()
