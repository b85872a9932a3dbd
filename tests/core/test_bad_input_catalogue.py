"""A catalogue of the mistakes a Keras user makes, tried on glassnet's public API.

Each case is one call and what it must do:

- ``Raises(types, *parts)``: an exception of one of ``types``, raised by glassnet's own code (the
  innermost frame of its traceback is in the glassnet package, so no raw NumPy, zipfile or
  IndexError from deep inside passes), whose message holds every one of ``parts`` (the argument,
  layer or file it is about, and what was received).
- ``Warns(*parts)``: a warning holding ``parts`` (where Keras warns), and no exception.
- ``Accepts(check)``: where Keras 3.15.1 accepts the input, glassnet does too and ``check`` holds
  for what the call returned.

Doubtful cases were tried on Keras 3.15.1 (tools/keras_reference/bad_input_catalogue.py prints
what Keras does with each). Where Keras accepts an input and reads it as meant, so does glassnet
(an ``Accepts`` case); where Keras accepts nonsense without a word (epochs=-1, negative sample
weights, to_categorical of -1, a schedule returning NaN) or crashes, glassnet refuses it by name.
Every case runs on tiny data and never reaches the network (mirrors become a closed local port),
so a hang shows as the test run not ending.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

import glassnet as keras
from glassnet import callbacks, layers
from glassnet.datasets.downloading import mirror_list as _real_mirror_list

GLASSNET_DIR = Path(keras.__file__).resolve().parent
X = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
Y = np.array([0, 1, 2, 0, 1, 2, 0, 1])
IMAGES = np.random.default_rng(1).normal(size=(4, 6, 6, 1)).astype("float32")


class Raises:
    def __init__(self, types, *parts):
        self.types = types if isinstance(types, tuple) else (types,)
        self.parts = parts


class Warns:
    def __init__(self, *parts):
        self.parts = parts


class Accepts:
    def __init__(self, check=None):
        self.check = check


def mlp(compiled=True, loss="sparse_categorical_crossentropy", metrics=("accuracy",)):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(5, activation="relu"),
                              layers.Dense(3, activation="softmax")])
    if compiled:
        model.compile("adam", loss, metrics=list(metrics))
    return model


def cnn():
    model = keras.Sequential([keras.Input((6, 6, 1)), layers.Conv2D(2, 3), layers.Flatten(),
                              layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    return model


def fit(*args, model=None, **kwargs):
    kwargs.setdefault("verbose", 0)
    return (model or mlp()).fit(*args, **kwargs)


def fit_xy(**kwargs):
    return fit(X, Y, **kwargs)


def evaluate(*args, **kwargs):
    return mlp().evaluate(*args, verbose=0, **kwargs)


def predict(*args, model=None, **kwargs):
    return (model or mlp()).predict(*args, verbose=0, **kwargs)


def two_inputs():
    a, b = keras.Input((3,)), keras.Input((4,))
    return a, b


def history_of(epochs):
    return lambda history: len(history.history["loss"]) == epochs


def shape_is(shape):
    return lambda result: np.shape(result) == shape


def cases_data():
    nan_x, inf_x = X.copy(), X.copy()
    nan_x[2, 1], inf_x[3, 0] = np.nan, np.inf
    nan_y = Y.astype("float32")
    nan_y[1] = np.nan
    return [
        ("x-y-length-mismatch", lambda: fit(X, Y[:7]), Raises(ValueError, "x has 8", "y has 7")),
        ("x-none", lambda: fit(None, Y), Raises((ValueError, TypeError), "x")),
        ("y-none-with-loss", lambda: fit(X), Raises((ValueError, TypeError), "y")),
        ("x-empty", lambda: fit(np.zeros((0, 4)), np.zeros(0)), Raises(ValueError, "x", "empty")),
        ("x-nan", lambda: fit(nan_x, Y), Raises(ValueError, "x", "NaN", "row 2")),
        ("x-inf", lambda: fit(inf_x, Y), Raises(ValueError, "x", "infinity", "row 3")),
        ("y-nan", lambda: fit(X, nan_y), Raises(ValueError, "y", "NaN")),
        ("x-strings", lambda: fit(np.array([["a"] * 4] * 8), Y), Raises(TypeError, "x", "dtype")),
        ("x-object-array", lambda: fit(np.array([object()] * 8), Y), Raises(TypeError, "x", "dtype object")),
        ("x-ragged-list", lambda: fit([[1, 2, 3, 4], [1, 2]], [0, 1]), Raises(ValueError, "x", "same shape")),
        ("x-a-string", lambda: fit("data.csv", Y), Raises(TypeError, "x", "str")),
        ("x-complex", lambda: fit(X.astype(complex), Y), Warns("imaginary")),  # Keras warns and drops it too
        ("x-too-many-features", lambda: fit(np.zeros((8, 5)), Y), Raises(ValueError, "(8, 5)", "(None, 4)")),
        ("x-too-few-features", lambda: predict(np.zeros((8, 3))), Raises(ValueError, "(8, 3)", "(None, 4)")),
        ("x-1d-for-dense", lambda: fit(np.zeros(8), Y), Raises(ValueError, "x", "(8,)", "(None, 4)")),
        ("x-3d-for-dense", lambda: fit(np.zeros((8, 2, 2)), Y), Raises(ValueError, "(8, 2, 2)", "Flatten")),
        ("images-without-channel-axis", lambda: predict(IMAGES[..., 0], model=cnn()),  # Keras adds the axis of 1
         Accepts(lambda p: np.shape(p) == (4, 3))),
        ("images-channels-first", lambda: predict(IMAGES.transpose(0, 3, 1, 2), model=cnn()),
         Raises(ValueError, "(4, 1, 6, 6)", "(None, 6, 6, 1)")),
        ("sparse-label-too-large", lambda: fit(X, np.array([0, 1, 3, 0, 1, 2, 0, 1])), Raises(ValueError, "label 3")),
        ("sparse-label-negative", lambda: fit(X, -Y), Raises(ValueError, "label -1")),
        ("sparse-label-fraction", lambda: fit(X, Y + 0.5), Raises(ValueError, "y", "integer")),
        ("one-hot-with-sparse-loss", lambda: fit(X, np.eye(3)[Y]), Raises(ValueError, "one-hot")),
        ("ints-with-categorical-loss", lambda: fit(X, Y, model=mlp(loss="categorical_crossentropy")),
         Raises(ValueError, "sparse_categorical_crossentropy", "to_categorical")),
        ("one-hot-too-narrow", lambda: fit(X, np.eye(2)[Y % 2], model=mlp(loss="categorical_crossentropy")),
         Raises(ValueError, "2 columns", "3 units")),
        ("y-rank-3", lambda: fit(X, np.zeros((8, 3, 2))), Raises(ValueError, "y", "(8, 3, 2)")),
        ("y-rank-3-categorical", lambda: fit(X, np.zeros((8, 3, 2)), model=mlp(loss="categorical_crossentropy")),
         Raises(ValueError, "y", "(8, 3, 2)", "rank 3", "(None, 3)")),  # the rank, not "2 columns"
        ("y-wrong-width-mse", lambda: fit(X, np.zeros((8, 2)), model=mlp(loss="mse", metrics=())),
         Raises(ValueError, "y", "(8, 2)", "(None, 3)")),
        ("y-strings", lambda: fit(X, np.array(list("abcabcab"))), Raises(TypeError, "y", "dtype")),
        ("y-column-vector-sparse", lambda: fit(X, Y[:, None]), Accepts(history_of(1))),
        ("y-list-of-ints", lambda: fit(X, Y.tolist()), Accepts(history_of(1))),
        ("x-int-dtype", lambda: fit(X.astype(int), Y), Accepts(history_of(1))),
        ("x-bool-dtype", lambda: fit(X > 0, Y), Accepts(history_of(1))),
        ("x-float64", lambda: fit(X.astype("float64"), Y), Accepts(history_of(1))),
        ("x-nested-list", lambda: fit(X.tolist(), Y), Accepts(history_of(1))),
        ("x-list-for-one-input", lambda: fit([X], Y), Accepts(history_of(1))),
        ("x-dict-for-sequential", lambda: fit({"a": X}, Y), Raises((TypeError, ValueError), "x", "dict")),
        ("two-inputs-given-one", lambda: fit(X, Y, model=_two_input_model()), Raises(ValueError, "2 inputs")),
        ("two-inputs-given-three", lambda: fit([X[:, :3], X, X], Y, model=_two_input_model()),
         Raises(ValueError, "2 inputs", "3")),
        ("two-inputs-unequal-lengths", lambda: fit([X[:7, :3], X], Y, model=_two_input_model()),
         Raises(ValueError, "7", "8")),
    ]


def _two_input_model():
    a, b = two_inputs()
    out = layers.Dense(3, activation="softmax")(layers.Concatenate()([a, b]))
    model = keras.Model([a, b], out)
    model.compile("adam", "sparse_categorical_crossentropy")
    return model


def cases_fit_arguments():
    return [
        ("batch-size-zero", lambda: fit_xy(batch_size=0), Raises(ValueError, "batch_size", "0")),
        ("batch-size-negative", lambda: fit_xy(batch_size=-1), Raises(ValueError, "batch_size", "-1")),
        ("batch-size-float", lambda: fit_xy(batch_size=2.5), Raises(TypeError, "batch_size", "2.5")),
        ("batch-size-string", lambda: fit_xy(batch_size="32"), Raises(TypeError, "batch_size", "'32'")),
        ("batch-size-bool", lambda: fit_xy(batch_size=True), Raises(TypeError, "batch_size", "True")),
        ("batch-size-numpy-int", lambda: fit_xy(batch_size=np.int64(4)), Accepts(history_of(1))),
        ("batch-size-larger-than-data", lambda: fit_xy(batch_size=100), Accepts(history_of(1))),
        ("epochs-negative", lambda: fit_xy(epochs=-1), Raises(ValueError, "epochs", "-1")),
        ("epochs-string", lambda: fit_xy(epochs="5"), Raises(TypeError, "epochs", "'5'")),
        ("epochs-float", lambda: fit_xy(epochs=2.5), Raises(TypeError, "epochs", "2.5")),
        ("epochs-none", lambda: fit_xy(epochs=None), Raises(TypeError, "epochs", "None")),
        ("epochs-zero", lambda: fit_xy(epochs=0), Accepts(lambda h: h.history == {} or h.history.get("loss") == [])),
        ("initial-epoch-negative", lambda: fit_xy(initial_epoch=-1), Raises(ValueError, "initial_epoch", "-1")),
        ("initial-epoch-string", lambda: fit_xy(initial_epoch="1"), Raises(TypeError, "initial_epoch", "'1'")),
        ("validation-split-one", lambda: fit_xy(validation_split=1.0), Raises(ValueError, "validation_split", "1.0")),
        ("validation-split-negative", lambda: fit_xy(validation_split=-0.1),
         Raises(ValueError, "validation_split", "-0.1")),
        ("validation-split-string", lambda: fit_xy(validation_split="0.2"),
         Raises(TypeError, "validation_split", "'0.2'")),
        ("validation-split-two-samples", lambda: fit(X[:2], Y[:2], validation_split=0.1),
         Accepts(lambda h: "val_loss" in h.history)),  # one sample each, as in Keras
        ("validation-split-one-sample", lambda: fit(X[:1], Y[:1], validation_split=0.5),
         Raises(ValueError, "validation_split", "1 samples")),
        ("validation-data-one-item", lambda: fit_xy(validation_data=(X,)), Raises(ValueError, "validation_data")),
        ("validation-data-four-items", lambda: fit_xy(validation_data=(X, Y, None, None)),
         Raises(ValueError, "validation_data", "4")),
        ("validation-data-array", lambda: fit_xy(validation_data=X),
         Raises((ValueError, TypeError), "validation_data")),
        ("validation-data-wrong-features", lambda: fit_xy(validation_data=(X[:, :3], Y)),
         Raises(ValueError, "(8, 3)", "(None, 4)")),
        ("validation-data-length-mismatch", lambda: fit_xy(validation_data=(X, Y[:5])),
         Raises(ValueError, "8", "5")),
        ("validation-data-label-out-of-range", lambda: fit_xy(validation_data=(X, Y + 3)), Raises(ValueError, "label")),
        ("validation-data-as-list", lambda: fit_xy(validation_data=[X, Y]), Accepts(lambda h: "val_loss" in h.history)),
        ("validation-data-with-weights", lambda: fit_xy(validation_data=(X, Y, np.ones(8))),
         Accepts(lambda h: "val_loss" in h.history)),
        ("validation-weights-wrong-length", lambda: fit_xy(validation_data=(X, Y, np.ones(3))),
         Raises(ValueError, "sample_weight", "3", "8")),
        ("sample-weight-wrong-length", lambda: fit_xy(sample_weight=np.ones(5)),
         Raises(ValueError, "sample_weight", "5", "8")),
        ("sample-weight-nan", lambda: fit_xy(sample_weight=np.array([1, np.nan] * 4)),
         Raises(ValueError, "sample_weight", "NaN")),
        ("sample-weight-negative", lambda: fit_xy(sample_weight=-np.ones(8)),
         Raises(ValueError, "sample_weight", "negative")),
        ("sample-weight-strings", lambda: fit_xy(sample_weight=np.array(["1"] * 8)),
         Raises(TypeError, "sample_weight")),
        ("sample-weight-2d", lambda: fit_xy(sample_weight=np.ones((8, 2))),
         Raises(ValueError, "sample_weight", "(8, 2)")),
        ("class-weight-missing-class", lambda: fit_xy(class_weight={0: 1.0, 1: 2.0}),  # class 2 weighs 1, as in Keras
         Accepts(history_of(1))),
        ("class-weight-list", lambda: fit_xy(class_weight=[1.0, 1.0, 1.0]), Raises(TypeError, "class_weight", "list")),
        ("class-weight-string-keys", lambda: fit_xy(class_weight={"0": 1.0, "1": 1.0, "2": 1.0}),
         Raises((TypeError, ValueError), "class_weight", "'0'")),
        ("class-weight-string-values", lambda: fit_xy(class_weight={0: "high", 1: 1.0, 2: 1.0}),
         Raises((TypeError, ValueError), "class_weight", "'high'")),
        ("class-weight-negative", lambda: fit_xy(class_weight={0: -1.0, 1: 1.0, 2: 1.0}),
         Raises(ValueError, "class_weight", "-1.0")),
        ("class-weight-negative-key", lambda: fit_xy(class_weight={-1: 1.0, 0: 1.0, 1: 1.0, 2: 1.0}),
         Raises(ValueError, "class_weight", "-1")),
        ("class-weight-extra-class", lambda: fit_xy(class_weight={0: 1.0, 1: 1.0, 2: 1.0, 7: 3.0}),
         Accepts(history_of(1))),
        ("callbacks-not-a-list", lambda: fit_xy(callbacks=callbacks.History()), Accepts(history_of(1))),
        ("callbacks-tuple", lambda: fit_xy(callbacks=(callbacks.TerminateOnNaN(),)), Accepts(history_of(1))),
        ("callbacks-class-not-instance", lambda: fit_xy(callbacks=[callbacks.EarlyStopping]),
         Raises(TypeError, "callbacks", "EarlyStopping()")),
        ("callbacks-a-number", lambda: fit_xy(callbacks=5), Raises(TypeError, "callbacks", "5")),
        ("callbacks-a-function", lambda: fit_xy(callbacks=[print]), Raises(TypeError, "callbacks")),
        ("verbose-unknown", lambda: fit_xy(verbose="loud"), Raises(ValueError, "verbose", "'loud'")),
        ("steps-per-epoch-zero", lambda: fit_xy(steps_per_epoch=0), Raises(ValueError, "steps_per_epoch", "0")),
        ("validation-freq-zero", lambda: fit_xy(validation_split=0.25, validation_freq=0),
         Raises(ValueError, "validation_freq", "0")),
        ("unknown-fit-keyword", lambda: fit_xy(epoch=3), Raises(TypeError, "epoch")),
        ("shuffle-a-string", lambda: fit_xy(shuffle="yes"), Raises(TypeError, "shuffle", "'yes'")),
        ("initial-epoch-past-epochs", lambda: fit_xy(initial_epoch=5, epochs=2), Accepts(lambda h: h.history == {})),
        ("fit-before-compile", lambda: fit(X, Y, model=mlp(compiled=False)),
         Raises((ValueError, RuntimeError), "compile")),
        ("loss-none-then-fit", lambda: fit(X, Y, model=mlp(loss=None, metrics=())),
         Raises((ValueError, RuntimeError), "loss")),
    ]


def cases_inference():
    unbuilt = lambda: keras.Sequential([layers.Dense(3)])  # noqa: E731
    return [
        ("predict-before-build", lambda: predict(X, model=unbuilt()), Accepts(shape_is((8, 3)))),
        ("predict-x-none", lambda: predict(None), Raises((ValueError, TypeError), "x")),
        ("predict-empty", lambda: predict(np.zeros((0, 4))), Raises(ValueError, "x", "empty")),
        ("predict-batch-size-zero", lambda: predict(X, batch_size=0), Raises(ValueError, "batch_size", "0")),
        ("predict-batch-size-string", lambda: predict(X, batch_size="8"), Raises(TypeError, "batch_size", "'8'")),
        ("predict-steps-zero", lambda: predict(X, steps=0), Raises(ValueError, "steps", "0")),
        ("predict-steps-string", lambda: predict(X, steps="1"), Raises(TypeError, "steps", "'1'")),
        ("predict-strings", lambda: predict(np.array([["a"] * 4])), Raises(TypeError, "x", "dtype")),
        ("predict-1d", lambda: predict(np.zeros(4)), Raises(ValueError, "(4,)", "(None, 4)")),
        ("predict-verbose-bad", lambda: mlp().predict(X, verbose=7), Raises(ValueError, "verbose", "7")),
        ("predict-list-of-rows", lambda: predict(X.tolist()), Accepts(shape_is((8, 3)))),
        ("evaluate-before-compile", lambda: mlp(compiled=False).evaluate(X, Y, verbose=0),
         Raises((ValueError, RuntimeError), "compile")),
        ("evaluate-length-mismatch", lambda: evaluate(X, Y[:3]), Raises(ValueError, "x has 8", "y has 3")),
        ("evaluate-label-out-of-range", lambda: evaluate(X, Y * 5), Raises(ValueError, "label")),
        ("evaluate-batch-size-string", lambda: evaluate(X, Y, batch_size="8"), Raises(TypeError, "batch_size", "'8'")),
        ("evaluate-sample-weight-wrong-length", lambda: evaluate(X, Y, sample_weight=np.ones(2)),
         Raises(ValueError, "sample_weight", "2")),
        ("evaluate-wrong-features", lambda: evaluate(np.zeros((8, 6)), Y), Raises(ValueError, "(8, 6)", "(None, 4)")),
        ("evaluate-steps-zero", lambda: evaluate(X, Y, steps=0), Raises(ValueError, "steps", "0")),
        ("evaluate-x-none", lambda: evaluate(None, Y), Raises((ValueError, TypeError), "x")),
        ("train-on-batch-mismatch", lambda: mlp().train_on_batch(X, Y[:2]), Raises(ValueError, "8", "2")),
        ("test-on-batch-label-out-of-range", lambda: mlp().test_on_batch(X, Y + 7), Raises(ValueError, "label")),
        ("predict-on-batch-wrong-features", lambda: mlp().predict_on_batch(np.zeros((2, 9))),
         Raises(ValueError, "(2, 9)", "(None, 4)")),
        ("call-model-wrong-features", lambda: mlp()(np.zeros((2, 9))), Raises(ValueError, "(2, 9)")),
        ("predict-nan-gives-nan", lambda: predict(np.full((2, 4), np.nan)),
         Accepts(lambda out: out.shape == (2, 3) and np.isnan(out).all())),
    ]


def cases_layers():
    return [
        ("dense-zero-units", lambda: layers.Dense(0), Raises(ValueError, "units", "0")),
        ("dense-negative-units", lambda: layers.Dense(-3), Raises(ValueError, "units", "-3")),
        ("dense-float-units", lambda: layers.Dense(3.5), Raises(TypeError, "units", "3.5")),
        ("dense-none-units", lambda: layers.Dense(None), Raises(TypeError, "units", "None")),
        ("dense-string-units", lambda: layers.Dense("3"), Raises(TypeError, "units", "'3'")),
        ("dense-numpy-int-units", lambda: layers.Dense(np.int32(3)), Accepts(lambda layer: layer.units == 3)),
        ("dense-activation-typo", lambda: layers.Dense(3, activation="relux"), Raises(ValueError, "relux", "relu")),
        ("dense-activation-number", lambda: layers.Dense(3, activation=5),
         Raises((TypeError, ValueError), "activation", "5")),
        ("dense-use-bias-string", lambda: layers.Dense(3, use_bias="no"), Raises(TypeError, "use_bias", "'no'")),
        ("dense-initializer-typo", lambda: layers.Dense(3, kernel_initializer="nope"), Raises(ValueError, "nope")),
        ("dense-regularizer-typo", lambda: layers.Dense(3, kernel_regularizer="l3"), Raises(ValueError, "l3")),
        ("dense-constraint", lambda: layers.Dense(3, kernel_constraint="non_neg"),
         Raises(TypeError, "kernel_constraint")),  # glassnet has no constraints yet: refused by name
        ("dense-unknown-keyword", lambda: layers.Dense(3, activaton="relu"), Raises(TypeError, "activaton")),
        ("dense-name-not-string", lambda: layers.Dense(3, name=5), Raises(TypeError, "name", "5")),
        ("dense-input-shape-negative", lambda: layers.Dense(3, input_shape=(-1,)),
         Raises(ValueError, "input_shape", "-1")),
        ("conv-kernel-zero", lambda: layers.Conv2D(4, kernel_size=0), Raises(ValueError, "kernel_size", "0")),
        ("conv-kernel-one-of-two", lambda: layers.Conv2D(4, kernel_size=(3,)),
         Raises((TypeError, ValueError), "kernel_size", "(3,)")),
        ("conv-kernel-string", lambda: layers.Conv2D(4, kernel_size="3"), Raises(TypeError, "kernel_size", "'3'")),
        ("conv-kernel-float", lambda: layers.Conv2D(4, kernel_size=2.0), Raises(TypeError, "kernel_size", "2.0")),
        ("conv-strides-zero", lambda: layers.Conv2D(4, 3, strides=0), Raises(ValueError, "strides", "0")),
        ("conv-padding-full", lambda: layers.Conv2D(4, 3, padding="full"), Raises(ValueError, "padding", "'full'")),
        ("conv-filters-zero", lambda: layers.Conv2D(0, 3), Raises(ValueError, "filters", "0")),
        ("conv-filters-missing", lambda: layers.Conv2D(kernel_size=3), Raises(TypeError, "filters")),
        ("conv-dilation-zero", lambda: layers.Conv2D(4, 3, dilation_rate=0), Raises(ValueError, "dilation_rate", "0")),
        ("conv-data-format-typo", lambda: layers.Conv2D(4, 3, data_format="nhwc"),
         Raises(ValueError, "data_format", "'nhwc'")),
        ("conv-padding-uppercase", lambda: layers.Conv2D(4, 3, padding="SAME"),
         Accepts(lambda layer: layer.padding == "same")),
        ("conv1d-causal-in-2d", lambda: layers.Conv2D(4, 3, padding="causal"),
         Raises(ValueError, "padding", "'causal'")),
        ("pool-size-zero", lambda: layers.MaxPooling2D(pool_size=0), Raises(ValueError, "pool_size", "0")),
        ("pool-padding-typo", lambda: layers.MaxPooling2D(padding="full"), Raises(ValueError, "padding", "'full'")),
        ("pool-strides-negative", lambda: layers.AveragePooling2D(2, strides=-1), Raises(ValueError, "strides", "-1")),
        ("dropout-rate-above-one", lambda: layers.Dropout(1.5), Raises(ValueError, "rate", "1.5")),
        ("dropout-rate-negative", lambda: layers.Dropout(-0.1), Raises(ValueError, "rate", "-0.1")),
        ("dropout-rate-string", lambda: layers.Dropout("0.5"), Raises(TypeError, "rate", "'0.5'")),
        ("dropout-rate-missing", lambda: layers.Dropout(), Raises(TypeError, "rate")),
        ("embedding-zero-input-dim", lambda: layers.Embedding(0, 4), Raises(ValueError, "input_dim", "0")),
        ("embedding-negative-output-dim", lambda: layers.Embedding(10, -4), Raises(ValueError, "output_dim", "-4")),
        ("lstm-zero-units", lambda: layers.LSTM(0), Raises(ValueError, "units", "0")),
        ("lstm-dropout-two", lambda: layers.LSTM(4, dropout=2), Raises(ValueError, "dropout", "2")),
        ("gru-return-sequences-string", lambda: layers.GRU(4, return_sequences="yes"),
         Raises(TypeError, "return_sequences", "'yes'")),
        ("batchnorm-momentum-string", lambda: layers.BatchNormalization(momentum="high"),
         Raises(TypeError, "momentum", "'high'")),
        ("batchnorm-epsilon-negative", lambda: layers.BatchNormalization(epsilon=-1.0),
         Raises(ValueError, "epsilon", "-1.0")),
        ("activation-layer-typo", lambda: layers.Activation("sigmoidd"), Raises(ValueError, "sigmoidd")),
        ("reshape-an-int", lambda: layers.Reshape(12), Accepts(lambda layer: layer.target_shape == (12,))),
        ("reshape-a-string", lambda: layers.Reshape("12"), Raises(TypeError, "target_shape", "'12'")),
        ("reshape-two-unknowns", lambda: layers.Reshape((-1, -1)), Raises(ValueError, "target_shape", "-1")),
        ("flatten-data-format-typo", lambda: layers.Flatten(data_format="last"),
         Raises(ValueError, "data_format", "'last'")),
        ("flatten-channels-first", lambda: layers.Flatten(data_format="channels_first"),
         Raises(ValueError, "channels_first", "moveaxis")),
        ("flatten-channels-last", lambda: layers.Flatten(data_format="channels_last"), Accepts()),
        ("repeat-vector-zero", lambda: layers.RepeatVector(0), Raises(ValueError, "n", "0")),
        ("concatenate-axis-string", lambda: layers.Concatenate(axis="last"), Raises(TypeError, "axis", "'last'")),
        ("lambda-not-callable", lambda: layers.Lambda(5), Raises(TypeError, "function", "5")),
        ("layer-trainable-string", lambda: layers.Dense(3, trainable="no"), Raises(TypeError, "trainable", "'no'")),
        ("layer-dtype-unknown", lambda: layers.Dense(3, dtype="float17"), Raises((ValueError, TypeError), "float17")),
    ]


def _wrong_rank_conv():
    inputs = keras.Input((6, 6))
    return layers.Conv2D(2, 3)(inputs)


def _wrong_rank_lstm():
    return layers.LSTM(2)(keras.Input((4,)))


def _wrong_rank_flat_pool():
    return layers.MaxPooling2D()(keras.Input((4,)))


def _concatenate_mismatch():
    a, b = keras.Input((3, 2)), keras.Input((4, 5))
    return layers.Concatenate()([a, b])


def _add_mismatch():
    a, b = two_inputs()
    return layers.Add()([a, b])


def _reshape_incompatible():
    return layers.Reshape((5,))(keras.Input((2, 3)))


def _reshape_eager_incompatible():
    return layers.Reshape((5,))(np.zeros((2, 6), "float32"))


def _dense_on_string():
    return layers.Dense(3)("hello")


def _conv_kernel_larger_than_input():
    return layers.Conv2D(2, 5)(keras.Input((3, 3, 1)))


def _set_weights_wrong_count():
    model = mlp()
    model.set_weights(model.get_weights()[:2])


def _set_weights_wrong_shape():
    model = mlp()
    weights = model.get_weights()
    weights[0] = np.zeros((5, 5))
    model.set_weights(weights)


def _layer_set_weights_wrong_shape():
    model = mlp()
    model.layers[0].set_weights([np.zeros((4, 4)), np.zeros(5)])


def _duplicate_names():
    return keras.Sequential([keras.Input((4,)), layers.Dense(3, name="same"), layers.Dense(3, name="same")])


def _add_non_layer():
    keras.Sequential().add(5)


def _add_layer_class():
    keras.Sequential().add(layers.Dense)


def _functional_outputs_not_tensor():
    return keras.Model(keras.Input((4,)), 5)


def _functional_disconnected():
    a, b = two_inputs()
    return keras.Model(a, layers.Dense(2)(b))


def _multiple_add_input():
    model = keras.Sequential([keras.Input((4,))])
    model.add(keras.Input((3,)))
    return model


def _input_layer_after_layers():
    model = keras.Sequential([layers.Dense(3)])
    model.add(layers.InputLayer((4,)))
    return model


def cases_models():
    return [
        ("sequential-layer-class", lambda: keras.Sequential([layers.Dense]), Raises(TypeError, "Dense", "Dense(")),
        ("sequential-not-a-list", lambda: keras.Sequential(layers.Dense(3)),
         Raises((TypeError, ValueError), "layers", "list")),
        ("sequential-number", lambda: keras.Sequential([keras.Input((4,)), 5]), Raises(TypeError, "5")),
        ("sequential-add-number", _add_non_layer, Raises(TypeError, "5")),
        ("sequential-add-class", _add_layer_class, Raises(TypeError, "Dense")),
        ("sequential-duplicate-names", _duplicate_names, Raises(ValueError, "same")),
        ("sequential-two-inputs", _multiple_add_input, Raises(ValueError, "Input")),
        ("functional-inputs-not-tensor", lambda: keras.Model(inputs=np.zeros((2, 4)), outputs=keras.Input((4,))),
         Raises((TypeError, ValueError), "inputs")),
        ("functional-outputs-not-tensor", _functional_outputs_not_tensor,
         Raises((TypeError, ValueError), "outputs", "5")),
        ("functional-disconnected", _functional_disconnected, Raises(ValueError, "input")),
        ("input-negative-shape", lambda: keras.Input(shape=(-1,)), Raises(ValueError, "shape", "-1")),
        ("input-shape-none", lambda: keras.Input(shape=None), Raises((ValueError, TypeError), "shape")),
        ("input-shape-int", lambda: keras.Input(784), Accepts(lambda t: tuple(t.shape) == (None, 784))),
        ("input-shape-string", lambda: keras.Input("784"), Raises(TypeError, "shape", "'784'", "(784,)")),
        ("input-shape-float", lambda: keras.Input((2.5,)), Raises(TypeError, "shape", "2.5")),
        ("input-batch-size-zero", lambda: keras.Input((28, 28), batch_size=0), Raises(ValueError, "batch_size", "0")),
        ("input-shape-list", lambda: keras.Input([3, 2]), Accepts(lambda t: tuple(t.shape) == (None, 3, 2))),
        ("input-shape-none-dim", lambda: keras.Input((None, 3)), Accepts(lambda t: tuple(t.shape) == (None, None, 3))),
        ("conv-on-rank-3-input", _wrong_rank_conv, Raises(ValueError, "conv2d", "4-D", "(None, 6, 6)", "channel axis")),
        ("lstm-on-rank-2-input", _wrong_rank_lstm,
         Raises(ValueError, "lstm", "(batch, timesteps, features)", "(None, 4)")),
        ("pool-on-rank-2-input", _wrong_rank_flat_pool, Raises(ValueError, "max_pooling2d", "4-D", "(None, 4)")),
        ("concatenate-mismatch", _concatenate_mismatch,
         Raises(ValueError, "Concatenate", "(None, 3, 2)", "(None, 4, 5)")),
        ("add-mismatch", _add_mismatch, Raises(ValueError, "(None, 3)", "(None, 4)")),
        ("concatenate-one-tensor", lambda: layers.Concatenate()(keras.Input((3,))),
         Raises((ValueError, TypeError), "list")),
        ("reshape-incompatible", _reshape_incompatible, Raises(ValueError, "(5,)", "6")),
        ("reshape-eager-incompatible", _reshape_eager_incompatible, Raises(ValueError, "(5,)", "6")),
        ("dense-on-string", _dense_on_string, Raises((TypeError, ValueError), "dense")),
        ("conv-kernel-larger-than-input", _conv_kernel_larger_than_input, Raises(ValueError, "conv2d")),
        ("set-weights-wrong-count", _set_weights_wrong_count, Raises(ValueError, "4", "2")),
        ("set-weights-wrong-shape", _set_weights_wrong_shape, Raises(ValueError, "(5, 5)", "(4, 5)")),
        ("layer-set-weights-wrong-shape", _layer_set_weights_wrong_shape, Raises(ValueError, "(4, 4)", "(4, 5)")),
        ("set-weights-not-a-list", lambda: mlp().set_weights(5), Raises(TypeError, "weights")),
        ("get-layer-missing", lambda: mlp().get_layer("missing"), Raises(ValueError, "missing", "dense")),
        ("get-layer-index-out-of-range", lambda: mlp().get_layer(index=10), Raises(ValueError, "10", "2")),
        ("get-layer-nothing", lambda: mlp().get_layer(), Raises(ValueError, "name", "index")),
        ("summary-before-build", lambda: keras.Sequential([layers.Dense(3)]).summary(),
         Raises(ValueError, "build")),
        ("count-params-before-build", lambda: keras.Sequential([layers.Dense(3)]).count_params(),
         Raises(ValueError, "build")),
        ("input-layer-after-layers", _input_layer_after_layers, Raises(ValueError, "Input")),
        ("build-with-bad-shape", lambda: keras.Sequential([layers.Dense(3)]).build("x"), Raises(TypeError, "'x'")),
    ]


def _compiled(*args, **kwargs):
    model = mlp(compiled=False)
    model.compile(*args, **kwargs)
    return model


def cases_compile():
    def compile_(*args, **kwargs):
        return mlp(compiled=False).compile(*args, **kwargs)

    return [
        ("optimizer-typo", lambda: compile_("adamm", "mse"), Raises(ValueError, "adamm", "adam")),
        ("loss-typo", lambda: compile_("adam", "categorical_crosentropy"),
         Raises(ValueError, "categorical_crosentropy")),
        ("metric-typo", lambda: compile_("adam", "mse", metrics=["acc2"]), Raises(ValueError, "acc2")),
        ("optimizer-number", lambda: compile_(5, "mse"), Raises((TypeError, ValueError), "optimizer", "5")),
        ("loss-number", lambda: compile_("adam", 5), Raises((TypeError, ValueError), "loss", "5")),
        ("metrics-a-string", lambda: fit(X, Y, model=_compiled("adam", "sparse_categorical_crossentropy",
                                                                metrics="accuracy")),
         Accepts(lambda h: "accuracy" in h.history)),  # Keras refuses it; glassnet reads it as ["accuracy"]
        ("metric-number", lambda: compile_("adam", "mse", metrics=[5]), Raises((TypeError, ValueError), "metric", "5")),
        ("optimizer-class", lambda: _compiled(keras.optimizers.Adam, "mse").optimizer,
         Accepts(lambda optimizer: isinstance(optimizer, keras.optimizers.Adam))),  # Keras refuses it
        ("loss-weights-for-two-outputs", lambda: compile_("adam", "mse", loss_weights=[1.0, 2.0]),
         Raises(ValueError, "loss_weights", "one output")),
        ("learning-rate-string", lambda: keras.optimizers.Adam(learning_rate="fast"),
         Raises((TypeError, ValueError), "learning_rate", "'fast'")),
        ("momentum-above-one", lambda: keras.optimizers.SGD(momentum=1.5), Raises(ValueError, "momentum", "1.5")),
        ("clipnorm-and-clipvalue", lambda: keras.optimizers.SGD(clipnorm=1.0, global_clipnorm=1.0),
         Raises(ValueError, "clipnorm", "global_clipnorm")),
        ("loss-from-logits-string", lambda: keras.losses.SparseCategoricalCrossentropy(from_logits="yes"),
         Raises(TypeError, "from_logits", "'yes'")),  # Keras reads any truthy value as True, "no" too
        ("compile-unknown-keyword", lambda: compile_("adam", "mse", metric=["accuracy"]), Raises(TypeError, "metric")),
    ]


def _fit_with(*cbs, split=0.0, epochs=2):
    return fit(X, Y, epochs=epochs, callbacks=list(cbs), validation_split=split)


def cases_callbacks(tmp: Path):
    (tmp / "a_folder").mkdir(exist_ok=True)
    return [
        ("early-stopping-typo", lambda: _fit_with(callbacks.EarlyStopping(monitor="val_acc"), split=0.25),
         Warns("val_acc", "val_accuracy")),
        ("early-stopping-patience-negative", lambda: callbacks.EarlyStopping(patience=-1),
         Raises(ValueError, "patience", "-1")),
        ("early-stopping-patience-string", lambda: callbacks.EarlyStopping(patience="3"),
         Raises(TypeError, "patience", "'3'")),
        ("early-stopping-mode-typo", lambda: callbacks.EarlyStopping(mode="maxx"),
         Raises(ValueError, "mode", "'maxx'")),
        ("early-stopping-monitor-number", lambda: callbacks.EarlyStopping(monitor=5),
         Raises(TypeError, "monitor", "5")),
        ("reduce-lr-factor-one", lambda: callbacks.ReduceLROnPlateau(factor=1.0), Raises(ValueError, "factor", "1.0")),
        ("reduce-lr-without-validation", lambda: _fit_with(callbacks.ReduceLROnPlateau()), Warns("val_loss", "loss")),
        ("checkpoint-missing-folder", lambda: _fit_with(callbacks.ModelCheckpoint(str(tmp / "new" / "deep" / "m.keras")),
                                                        epochs=1),
         Accepts(lambda h: (tmp / "new" / "deep" / "m.keras").is_file())),
        ("checkpoint-path-is-folder", lambda: _fit_with(callbacks.ModelCheckpoint(str(tmp / "a_folder")), epochs=1),
         Raises((ValueError, IsADirectoryError), "a_folder")),
        ("checkpoint-unknown-extension", lambda: callbacks.ModelCheckpoint(str(tmp / "m.txt")),
         Raises(ValueError, "m.txt", ".keras")),
        ("checkpoint-weights-only-keras", lambda: callbacks.ModelCheckpoint(str(tmp / "m.keras"), save_weights_only=True),
         Raises(ValueError, ".weights.h5")),
        ("checkpoint-template-typo", lambda: _fit_with(callbacks.ModelCheckpoint(str(tmp / "m-{val_los:.2f}.keras")),
                                                       split=0.25, epochs=1),
         Raises((KeyError, ValueError), "val_los")),
        ("checkpoint-save-freq-typo", lambda: callbacks.ModelCheckpoint(str(tmp / "m.keras"), save_freq="epochs"),
         Raises(ValueError, "save_freq", "'epochs'")),
        ("checkpoint-monitor-typo", lambda: _fit_with(callbacks.ModelCheckpoint(str(tmp / "b.keras"), monitor="val_acc",
                                                                                save_best_only=True), split=0.25),
         Raises(ValueError, "val_acc", "mode='max'")),  # as Keras
        ("csv-logger-missing-folder", lambda: _fit_with(callbacks.CSVLogger(str(tmp / "nowhere" / "log.csv"))),
         Raises((FileNotFoundError, ValueError), "nowhere")),
        ("csv-logger-path-is-folder", lambda: _fit_with(callbacks.CSVLogger(str(tmp / "a_folder"))),
         Raises((IsADirectoryError, ValueError), "a_folder")),
        ("scheduler-returns-string", lambda: _fit_with(callbacks.LearningRateScheduler(lambda epoch, lr: "0.1")),
         Raises((TypeError, ValueError), "schedule", "'0.1'")),
        ("scheduler-returns-none", lambda: _fit_with(callbacks.LearningRateScheduler(lambda epoch, lr: None)),
         Raises((TypeError, ValueError), "schedule", "None")),
        ("scheduler-returns-negative", lambda: _fit_with(callbacks.LearningRateScheduler(lambda epoch, lr: -0.1)),
         Raises(ValueError, "schedule", "-0.1")),
        ("scheduler-returns-nan", lambda: _fit_with(callbacks.LearningRateScheduler(lambda epoch, lr: float("nan"))),
         Raises(ValueError, "schedule", "nan")),
        ("scheduler-not-callable", lambda: callbacks.LearningRateScheduler(0.1), Raises(TypeError, "schedule", "0.1")),
        ("scheduler-one-argument", lambda: _fit_with(callbacks.LearningRateScheduler(lambda epoch: 0.01)),
         Accepts(history_of(2))),
        ("scheduler-no-argument", lambda: _fit_with(callbacks.LearningRateScheduler(lambda: 0.01)),
         Raises(TypeError, "schedule")),
        ("scheduler-returns-numpy-float", lambda: _fit_with(callbacks.LearningRateScheduler(lambda e, lr: np.float32(0.01))),
         Accepts(history_of(2))),
        ("lambda-callback-no-arguments", lambda: _fit_with(callbacks.LambdaCallback(on_epoch_end=lambda: None)),
         Raises(TypeError, "on_epoch_end")),
        ("lambda-callback-not-callable", lambda: callbacks.LambdaCallback(on_epoch_end=5),
         Raises(TypeError, "on_epoch_end", "5")),
        ("lambda-callback-unknown-hook", lambda: callbacks.LambdaCallback(on_epoch_finish=print),
         Raises(TypeError, "on_epoch_finish")),
        ("terminate-on-nan-ok", lambda: _fit_with(callbacks.TerminateOnNaN()), Accepts(history_of(2))),
        ("backup-dir-none", lambda: callbacks.BackupAndRestore(backup_dir=None),
         Raises((ValueError, TypeError), "backup_dir")),
        ("backup-dir-empty", lambda: callbacks.BackupAndRestore(backup_dir=""), Raises(ValueError, "backup_dir")),
    ]


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def _saved(tmp: Path, name: str) -> Path:
    path = tmp / name
    if not path.exists():
        keras.utils.set_random_seed(0)
        mlp().save(path)
    return path


def _zip_without(source: Path, target: Path, member: str) -> str:
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as out:
        for info in archive.infolist():
            if info.filename != member:
                out.writestr(info, archive.read(info))
    return str(target)


def _load_weights_other_architecture(tmp: Path):
    path = tmp / "small.weights.h5"
    mlp().save_weights(path)
    other = keras.Sequential([keras.Input((4,)), layers.Dense(7), layers.Dense(3)])
    other.load_weights(path)


def _load_weights_other_glassnet(tmp: Path):
    path = _saved(tmp, "m.glassnet")
    other = keras.Sequential([keras.Input((4,)), layers.Dense(7), layers.Dense(3)])
    other.load_weights(path)


def cases_saving(tmp: Path):
    (tmp / "folder.keras").mkdir(exist_ok=True)
    load = keras.models.load_model
    return [
        ("save-to-folder", lambda: mlp().save(tmp / "folder.keras"),
         Raises((IsADirectoryError, ValueError), "folder.keras")),
        ("save-unknown-extension", lambda: mlp().save(tmp / "m.txt"), Raises(ValueError, "m.txt", ".keras")),
        ("save-no-extension", lambda: mlp().save(tmp / "model"), Raises(ValueError, "model", ".keras")),
        ("save-path-object", lambda: mlp().save(tmp / "p.keras"), Accepts(lambda _: (tmp / "p.keras").is_file())),
        ("save-number-path", lambda: mlp().save(5), Raises(TypeError, "5")),
        ("save-into-missing-folder", lambda: mlp().save(tmp / "nope" / "m.keras"),
         Raises((FileNotFoundError, ValueError), "nope")),
        ("save-weights-name-to-save", lambda: mlp().save(tmp / "m.weights.h5"), Raises(ValueError, "save_weights")),
        ("save-bytes-path", lambda: mlp().save(os.fsencode(tmp / "b.glassnet")),
         Accepts(lambda _: (tmp / "b.glassnet").is_file())),
        ("save-weights-wrong-extension", lambda: mlp().save_weights(tmp / "w.h5"), Raises(ValueError, ".weights.h5")),
        ("load-missing-file", lambda: load(tmp / "missing.keras"),
         Raises((FileNotFoundError, ValueError), "missing.keras")),
        ("load-text-file", lambda: load(_write(tmp / "text.keras", b"hello, not a model")),
         Raises((ValueError, OSError), "text.keras")),
        ("load-text-glassnet", lambda: load(_write(tmp / "text.glassnet", b"hello, not a model")),
         Raises((ValueError, OSError), "text.glassnet")),
        ("load-empty-file", lambda: load(_write(tmp / "empty.keras", b"")),
         Raises((ValueError, OSError), "empty.keras")),
        ("load-truncated-zip", lambda: load(_write(tmp / "cut.glassnet", _saved(tmp, "m.glassnet").read_bytes()[:300])),
         Raises((ValueError, OSError), "cut.glassnet")),
        ("load-truncated-keras", lambda: load(_write(tmp / "cut.keras", _saved(tmp, "m.keras").read_bytes()[:300])),
         Raises((ValueError, OSError), "cut.keras")),
        ("load-keras-without-config", lambda: load(_zip_without(_saved(tmp, "m.keras"), tmp / "nc.keras", "config.json")),
         Raises(ValueError, "nc.keras", "no config.json")),
        ("load-keras-without-weights", lambda: load(_zip_without(_saved(tmp, "m.keras"), tmp / "nw.keras",
                                                                 "model.weights.h5")),
         Raises(ValueError, "nw.keras", "model.weights.h5")),
        ("load-folder", lambda: load(tmp / "folder.keras"), Raises((IsADirectoryError, ValueError), "folder.keras")),
        ("load-unknown-extension", lambda: load(_write(tmp / "m.txt", b"x")), Raises(ValueError, "m.txt")),
        ("load-number", lambda: load(5), Raises(TypeError, "5")),
        ("load-custom-objects-not-dict", lambda: load(_saved(tmp, "m.glassnet"), custom_objects=5),
         Raises(TypeError, "5", "dict")),
        ("load-weights-other-architecture", lambda: _load_weights_other_architecture(tmp),
         Raises(ValueError, "dense", "(4, 7)", "(4, 5)")),
        ("load-weights-other-architecture-glassnet", lambda: _load_weights_other_glassnet(tmp),
         Raises(ValueError, "(4, 7)", "(4, 5)")),
        ("load-weights-missing-file", lambda: mlp().load_weights(tmp / "none.weights.h5"),
         Raises((FileNotFoundError, ValueError), "none.weights.h5")),
        ("model-from-json-not-json", lambda: keras.models.model_from_json("not json"), Raises(ValueError, "JSON")),
        ("model-from-json-empty-object", lambda: keras.models.model_from_json("{}"), Raises(ValueError, "class_name")),
        ("model-from-json-unknown-class", lambda: keras.models.model_from_json(
            json.dumps({"class_name": "Sequentail", "config": {}})), Raises(ValueError, "Sequentail")),
        ("load-roundtrip-path-object", lambda: load(_saved(tmp, "m.glassnet")),
         Accepts(lambda model: len(model.layers) == 2)),
    ]


def _data_folder_with(tmp: Path, name: str, data: bytes) -> Path:
    folder = tmp / "data" / name / "mnist"
    folder.mkdir(parents=True, exist_ok=True)
    for file in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                 "t10k-labels-idx1-ubyte.gz"):
        (folder / file).write_bytes(data)
    return folder.parent


def cases_datasets(tmp: Path):
    from glassnet import datasets
    no_download = {"download": False}
    (tmp / "a_file").write_text("x")
    return [
        ("dataset-unknown-name", lambda: datasets.download("mnits"), Raises(ValueError, "mnits", "mnist")),
        ("dataset-status-number", lambda: datasets.status(5), Raises(TypeError, "5")),
        ("dataset-path-missing-folder", lambda: datasets.mnist.load_data(path=tmp / "no_such", **no_download),
         Raises(datasets.DataNotFoundError, "no_such", "download=False")),
        ("dataset-path-is-a-file", lambda: datasets.mnist.load_data(path=tmp / "a_file", **no_download),
         Raises(datasets.DataNotFoundError, "a_file")),
        ("dataset-truncated-idx", lambda: datasets.mnist.load_data(
            path=_data_folder_with(tmp, "cut", b"\x1f\x8b\x08\x00"), **no_download),
         Raises(ValueError, "train-images-idx3-ubyte.gz")),
        ("dataset-text-instead-of-idx", lambda: datasets.mnist.load_data(
            path=_data_folder_with(tmp, "text", b"hello"), **no_download), Raises(ValueError, "train-images-idx3-ubyte.gz")),
        ("dataset-timeout-negative", lambda: datasets.mnist.load_data(timeout=-1), Raises(ValueError, "timeout", "-1")),
        ("dataset-unknown-keyword", lambda: datasets.mnist.load_data(folder="x"), Raises(TypeError, "folder")),
        ("dataset-splits-typo", lambda: datasets.mnist.load_data(splits="tset"),
         Raises(ValueError, "splits", "'tset'")),
        ("read-idx-missing", lambda: datasets.read_idx(tmp / "none.idx"), Raises(FileNotFoundError, "none.idx")),
        ("read-idx-text", lambda: datasets.read_idx(_write(tmp / "t.idx", b"not idx at all")),
         Raises(ValueError, "t.idx")),
        ("read-idx-short-body", lambda: datasets.read_idx(_write(tmp / "s.idx", b"\0\0\x08\x01\0\0\0\x10abc")),
         Raises(ValueError, "s.idx")),
        ("imdb-num-words-negative", lambda: datasets.imdb.load_data(num_words=-1),
         Raises(ValueError, "num_words", "-1")),
        ("imdb-maxlen-string", lambda: datasets.imdb.load_data(maxlen="100"), Raises(TypeError, "maxlen", "'100'")),
        ("emnist-unknown-split", lambda: datasets.emnist.load_data("letterz"),
         Raises(ValueError, "letterz", "letters")),
        ("mirrors-number", lambda: datasets.mnist.load_data(mirrors=5), Raises(TypeError, "mirrors", "5")),
    ]


def cases_utils():
    to_categorical, pad_sequences = keras.utils.to_categorical, keras.utils.pad_sequences
    return [
        ("to-categorical-negative", lambda: to_categorical([0, -1, 2]), Raises(ValueError, "-1")),
        ("to-categorical-too-few-classes", lambda: to_categorical([0, 5], num_classes=3),
         Raises(ValueError, "num_classes", "5")),
        ("to-categorical-fractions", lambda: to_categorical([0.5, 1.0]), Raises(ValueError, "0.5")),
        ("to-categorical-whole-floats", lambda: to_categorical([0.0, 2.0]),
         Accepts(lambda out: np.array_equal(out, np.eye(3)[[0, 2]]))),
        ("to-categorical-strings", lambda: to_categorical(["cat", "dog"]), Raises(TypeError, "'cat'")),
        ("to-categorical-column", lambda: to_categorical(np.array([[0], [2]])), Accepts(shape_is((2, 3)))),
        ("to-categorical-num-classes-zero", lambda: to_categorical([0], num_classes=0),
         Raises(ValueError, "num_classes", "0")),
        ("to-categorical-num-classes-float", lambda: to_categorical([0], num_classes=2.5),
         Raises(TypeError, "num_classes", "2.5")),
        ("to-categorical-nan", lambda: to_categorical([0, np.nan]), Raises(ValueError, "nan")),
        ("pad-maxlen-negative", lambda: pad_sequences([[1, 2]], maxlen=-1), Raises(ValueError, "maxlen", "-1")),
        ("pad-not-sequences", lambda: pad_sequences(5), Raises((TypeError, ValueError), "sequences", "5")),
        ("pad-list-of-ints", lambda: pad_sequences([1, 2, 3]), Raises((TypeError, ValueError), "sequences", "1")),
        ("pad-padding-typo", lambda: pad_sequences([[1]], padding="middle"), Raises(ValueError, "padding", "'middle'")),
        ("pad-truncating-typo", lambda: pad_sequences([[1]], truncating="end"),
         Raises(ValueError, "truncating", "'end'")),
        ("pad-strings-into-ints", lambda: pad_sequences([["a", "b"]]), Raises((TypeError, ValueError), "dtype")),
        ("pad-empty-list", lambda: pad_sequences([]), Raises(ValueError, "maxlen")),
        ("pad-empty-list-with-maxlen", lambda: pad_sequences([], maxlen=3), Accepts(shape_is((0, 3)))),
        ("normalize-order-string", lambda: keras.utils.normalize(X, order="l2"),
         Raises((TypeError, ValueError), "order")),
        ("set-random-seed-string", lambda: keras.utils.set_random_seed("42"),
         Raises((TypeError, ValueError), "seed", "'42'")),
        ("set-random-seed-negative", lambda: keras.utils.set_random_seed(-1), Raises(ValueError, "seed", "-1")),
    ]


def _cli(*argv) -> tuple[int, str]:
    from glassnet.cli import main
    import contextlib
    import io
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            status = main([str(a) for a in argv])
        except SystemExit as exit_:
            status = exit_.code
    return status, err.getvalue()


class CliFails:
    """The command exits with status 2 and one line on stderr holding every one of ``parts``."""

    def __init__(self, *parts):
        self.parts = parts


def cases_cli(tmp: Path):
    model = _saved(tmp, "m.glassnet")
    return [
        ("cli-missing-model", lambda: _cli("summary", tmp / "gone.glassnet"), CliFails("gone.glassnet")),
        ("cli-evaluate-missing-model", lambda: _cli("evaluate", tmp / "gone.glassnet", "--data", "digits"),
         CliFails("gone.glassnet")),
        ("cli-text-as-model", lambda: _cli("summary", _write(tmp / "t.glassnet", b"text")), CliFails("t.glassnet")),
        ("cli-empty-model", lambda: _cli("summary", _write(tmp / "e.glassnet", b"")), CliFails("e.glassnet")),
        ("cli-epochs-not-a-number", lambda: _cli("train", "--data", "digits", "--epochs", "five"),
         CliFails("--epochs", "five")),
        ("cli-epochs-negative", lambda: _cli("train", "--data", "digits", "--epochs", "-1", "--out", tmp / "run"),
         CliFails("epochs", "-1")),
        ("cli-batch-size-zero", lambda: _cli("train", "--data", "digits", "--batch-size", "0", "--out", tmp / "run"),
         CliFails("batch", "0")),
        ("cli-unknown-data", lambda: _cli("train", "--data", "cifar"), CliFails("--data", "cifar")),
        ("cli-unknown-model", lambda: _cli("train", "--data", "digits", "--model", "resnet", "--out", tmp / "run"),
         CliFails("--model", "resnet")),
        ("cli-unknown-optimizer", lambda: _cli("train", "--data", "digits", "--optimizer", "adamm", "--out", tmp / "run"),
         CliFails("adamm")),
        ("cli-predict-not-an-image", lambda: _cli("predict", model, _write(tmp / "n.png", b"not an image")),
         CliFails("n.png")),
        ("cli-predict-missing-image", lambda: _cli("predict", model, tmp / "gone.png"), CliFails("gone.png")),
        ("cli-unknown-command", lambda: _cli("trian"), CliFails("trian")),
        ("cli-datasets-download-unknown", lambda: _cli("datasets", "download", "mnits"), CliFails("mnits")),
        ("cli-model-folder", lambda: _cli("summary", tmp), CliFails("folder")),
    ]


class _NoSuper(keras.Model):
    def __init__(self):
        self.dense = layers.Dense(3)  # super().__init__() forgotten

    def call(self, x):
        return self.dense(x)


class _WrongArity(callbacks.Callback):
    def on_epoch_end(self):
        pass


def _embedding_fit(ids):
    model = keras.Sequential([keras.Input((3,)), layers.Embedding(10, 2), layers.Flatten(),
                              layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    return model.fit(np.array(ids), Y[:2], verbose=0)


def _reused_dense():
    dense = layers.Dense(3)
    dense(np.zeros((2, 4), "float32"))
    return dense(np.zeros((2, 5), "float32"))


def _save_twice(tmp: Path, overwrite: bool):
    path = tmp / f"twice-{overwrite}.glassnet"
    mlp().save(path)
    mlp().save(path, overwrite=overwrite)
    return path


def cases_more_models_and_training(tmp: Path):
    """Mistakes found while trying the catalogue above: each names what it is about."""
    return [
        ("binary-crossentropy-label-2", lambda: fit(X, Y, model=_binary_model()), Raises(ValueError, "[0, 1]", "2")),
        ("mse-target-of-other-shape", lambda: fit(X, Y.astype(float), model=mlp(loss="mse", metrics=())),
         Raises(ValueError, "(8,)", "(None, 3)")),
        ("sample-weight-scalar", lambda: fit_xy(sample_weight=1.0), Raises(ValueError, "sample_weight", "scalar")),
        ("sample-weight-list", lambda: fit_xy(sample_weight=[1.0] * 8), Accepts(history_of(1))),
        ("batch-size-numpy-float", lambda: fit_xy(batch_size=np.float64(4.0)),
         Raises(TypeError, "batch_size", "Write 4")),
        ("epochs-bool", lambda: fit_xy(epochs=True), Raises(TypeError, "epochs", "True")),
        ("epochs-numpy-int", lambda: fit_xy(epochs=np.int64(2)), Accepts(history_of(2))),
        ("x-float16", lambda: fit(X.astype(np.float16), Y), Accepts(history_of(1))),
        ("x-tuple-for-one-input", lambda: fit((X,), Y), Accepts(history_of(1))),
        ("validation-steps-zero", lambda: fit_xy(validation_data=(X, Y), validation_steps=0),
         Raises(ValueError, "validation_steps", "0")),
        ("evaluate-without-y", lambda: mlp().evaluate(X, verbose=0), Raises(ValueError, "y", "None")),
        ("test-on-batch", lambda: mlp().test_on_batch(X, Y), Accepts(lambda logs: len(logs) == 2)),
        ("embedding-id-too-large", lambda: _embedding_fit([[1, 2, 10], [0, 1, 2]]),
         Raises(ValueError, "Embedding", "10", "input_dim")),
        ("embedding-negative-id", lambda: _embedding_fit([[1, 2, -1], [0, 1, 2]]),
         Raises(ValueError, "Embedding", "-1")),
        ("dense-reused-on-other-shape", _reused_dense, Raises(ValueError, "dense", "(None, 4)", "(2, 5)")),
        ("subclass-without-super-init", lambda: fit(X, Y, model=_NoSuper()),
         Raises(RuntimeError, "_NoSuper", "super().__init__()")),
        ("get-weights-before-build", lambda: keras.Sequential([layers.Dense(3)]).get_weights(),
         Raises(ValueError, "built")),
        ("clone-model-number", lambda: keras.models.clone_model(5), Raises(TypeError, "clone_model", "int")),
        ("compile-metrics-number", lambda: _compiled("adam", "mse", metrics=5), Raises(TypeError, "metrics", "5")),
        ("compile-weighted-metrics-string", lambda: fit(X, Y, model=_compiled(
            "adam", "sparse_categorical_crossentropy", weighted_metrics="accuracy")), Accepts(history_of(1))),
        ("optimizer-negative-learning-rate", lambda: keras.optimizers.Adam(learning_rate=-1),
         Raises(ValueError, "learning_rate", "-1")),
        ("optimizer-lr-keyword", lambda: keras.optimizers.Adam(lr=0.1), Raises(TypeError, "lr")),
        ("loss-reduction-typo", lambda: keras.losses.MeanSquaredError(reduction="avg"),
         Raises(ValueError, "reduction", "'avg'")),
        ("initializer-typo", lambda: keras.initializers.get("glorot"), Raises(ValueError, "glorot", "glorot_normal")),
        ("activation-get-number", lambda: keras.activations.get(5), Raises(TypeError, "activation", "5")),
        ("dot-axes-out-of-range", lambda: layers.Dot(axes=5)([keras.Input((3,)), keras.Input((3,))]),
         Raises(ValueError, "axes=5", "(None, 3)")),
        ("bidirectional-dense", lambda: layers.Bidirectional(layers.Dense(3)),
         Raises(TypeError, "Bidirectional", "Dense")),
        ("time-distributed-number", lambda: layers.TimeDistributed(5), Raises(TypeError, "TimeDistributed", "int")),
        ("attention-zero-heads", lambda: layers.MultiHeadAttention(num_heads=0, key_dim=4),
         Raises(ValueError, "num_heads", "0")),
        ("permute-repeated-axis", lambda: layers.Permute((1, 1)), Raises(ValueError, "dims", "(1, 1)")),
        ("permute-batch-axis", lambda: layers.Permute((0, 1)), Raises(ValueError, "dims", "(0, 1)")),
        ("cropping-too-much", lambda: layers.Cropping2D(5)(keras.Input((6, 6, 1))),
         Raises(ValueError, "Cropping2D", "(None, 6, 6, 1)")),
        ("zero-padding-negative", lambda: layers.ZeroPadding2D(-1), Raises(ValueError, "padding", "-1")),
        ("upsampling-zero", lambda: layers.UpSampling2D(0), Raises(ValueError, "size", "0")),
        ("pool-size-three-numbers", lambda: layers.MaxPooling2D(pool_size=(2, 2, 2)),
         Raises(TypeError, "pool_size", "(2, 2, 2)")),
        ("batchnorm-axis", lambda: layers.BatchNormalization(axis=5)(keras.Input((4,))),
         Raises(ValueError, "axis", "5")),
        ("gru-activation-typo", lambda: layers.GRU(4, activation="nope"), Raises(ValueError, "activation", "'nope'")),
        ("bias-initializer-number", lambda: layers.Dense(3, bias_initializer=5), Raises(TypeError, "initializer", "5")),
        ("regularizer-a-float", lambda: layers.Dense(3, kernel_regularizer=0.01),
         Raises(TypeError, "regularizer", "0.01")),
        ("input-dim-zero", lambda: layers.Dense(3, input_dim=0), Raises(ValueError, "input_dim", "0")),
        ("conv-given-2d-input-shape", lambda: keras.Sequential([layers.Conv2D(4, 3, input_shape=(28, 28))]),
         Raises(ValueError, "conv2d", "(None, 28, 28)", "channel axis")),
        ("checkpoint-path-number", lambda: callbacks.ModelCheckpoint(5), Raises(TypeError, "filepath", "5")),
        ("backup-dir-number", lambda: callbacks.BackupAndRestore(backup_dir=5),
         Raises((TypeError, ValueError), "backup_dir", "5")),
        ("callbacks-holding-none", lambda: fit_xy(callbacks=[None]), Raises(TypeError, "callbacks", "None")),
        ("scheduler-returns-array", lambda: _fit_with(callbacks.LearningRateScheduler(lambda e, lr: np.array([0.1, 0.2]))),
         Raises(ValueError, "schedule", "array")),
        ("callback-hook-wrong-arity", lambda: _fit_with(_WrongArity()), Raises(TypeError, "on_epoch_end")),
        ("reduce-lr-patience-string", lambda: callbacks.ReduceLROnPlateau(patience="2"),
         Raises(TypeError, "patience", "'2'")),
        ("early-stopping-restore-string", lambda: callbacks.EarlyStopping(restore_best_weights="yes"),
         Raises(TypeError, "restore_best_weights", "'yes'")),
        ("csv-logger-path-number", lambda: callbacks.CSVLogger(5), Raises(TypeError, "filename", "5")),
        ("save-overwrite-false", lambda: _save_twice(tmp, False),
         Raises(FileExistsError, "twice-False.glassnet", "overwrite")),
        ("save-overwrite-true", lambda: _save_twice(tmp, True), Accepts(lambda path: path.is_file())),
        ("load-weights-text-file", lambda: mlp().load_weights(_write(tmp / "text.weights.h5", b"x")),
         Raises(ValueError, "text.weights.h5")),
        ("load-weights-empty-file", lambda: mlp().load_weights(_write(tmp / "empty.weights.h5", b"")),
         Raises(ValueError, "empty.weights.h5")),
        ("load-legacy-h5", lambda: keras.models.load_model(_legacy_h5(tmp)), Raises(ValueError, "legacy.h5")),
        ("model-from-json-number", lambda: keras.models.model_from_json(5), Raises((TypeError, ValueError), "JSON")),
        ("normalize-axis-out-of-range", lambda: keras.utils.normalize(X, axis=5), Raises(ValueError, "axis", "5")),
        ("set-random-seed-float", lambda: keras.utils.set_random_seed(2.5), Raises(TypeError, "seed", "2.5")),
        ("load-img-missing", lambda: keras.utils.load_img(tmp / "none.png"), Raises(FileNotFoundError, "none.png")),
        ("load-img-not-an-image", lambda: keras.utils.load_img(_write(tmp / "text.png", b"text")),
         Raises((ValueError, OSError), "text.png", "not an image")),
        ("img-to-array-number", lambda: keras.utils.img_to_array(5), Raises(ValueError, "shape")),
        ("array-to-img-1d", lambda: keras.utils.array_to_img(np.zeros(5)), Raises(ValueError, "(5,)")),
        ("pad-string-value-int-dtype", lambda: keras.utils.pad_sequences([[1]], value="x"),
         Raises(ValueError, "value", "dtype=object")),
    ]


def _two_outputs(metrics=None):
    inputs = keras.Input((4,))
    outputs = [layers.Dense(3, activation="softmax", name="a")(inputs), layers.Dense(1, name="b")(inputs)]
    model = keras.Model(inputs, outputs)
    model.compile("adam", ["sparse_categorical_crossentropy", "mse"], metrics=metrics)
    return model


def cases_more_structures():
    two_in = _two_input_model
    return [
        ("input-dtype-unknown", lambda: keras.Input((4,), dtype="nope"), Raises(TypeError, "dtype", "'nope'")),
        ("get-layer-index-string", lambda: mlp().get_layer(index="0"), Raises(TypeError, "index", "'0'")),
        ("layer-set-weights-number", lambda: mlp().layers[0].set_weights(5), Raises(TypeError, "set_weights", "int")),
        ("sequential-from-config-empty", lambda: keras.Sequential.from_config({}), Raises(ValueError, "layers")),
        ("softmax-axis-string", lambda: layers.Softmax(axis="x"), Raises(TypeError, "axis", "'x'")),
        ("x-dates", lambda: fit(np.zeros((8, 4), "datetime64[s]"), Y), Raises(TypeError, "x", "datetime64")),
        ("x-scalar", lambda: predict(3.0), Raises(ValueError, "x", "scalar")),
        ("sample-weight-infinite", lambda: fit_xy(sample_weight=np.array([np.inf] + [1.0] * 7)),
         Raises(ValueError, "sample_weight", "infinity")),
        ("y-two-label-columns", lambda: fit(X, np.stack([Y, Y], 1)), Raises(ValueError, "y", "(8, 2)")),
        ("layer-called-on-none", lambda: layers.Dense(3)(None), Raises(TypeError, "dense", "NoneType")),
        ("layer-called-with-unknown-keyword", lambda: layers.Dense(3)(X, foo=1), Raises(TypeError, "foo")),
        ("two-outputs-one-target", lambda: fit(X, Y, model=_two_outputs()), Raises(ValueError, "2 outputs")),
        ("two-outputs-three-targets", lambda: fit(X, [Y, Y, Y], model=_two_outputs()), Raises(ValueError, "2 outputs")),
        ("two-outputs-target-dict-typo", lambda: fit(X, {"a": Y, "c": Y}, model=_two_outputs()),
         Raises(ValueError, "['b']")),
        ("two-outputs-metrics-string", lambda: fit(X, [Y, Y.astype("float32")], model=_two_outputs("accuracy")),
         Accepts(lambda h: any("accuracy" in key for key in h.history))),
        ("two-outputs-loss-dict-typo", lambda: _two_outputs().compile("adam", {"a": "mse", "z": "mse"}),
         Raises(ValueError, "'z'", "['a', 'b']")),
        ("two-outputs-sample-weight-length", lambda: fit(X, [Y, Y.astype("float32")], model=_two_outputs(),
                                                         sample_weight=np.ones(3)), Raises(ValueError, "sample_weight", "3")),
        ("two-inputs-swapped", lambda: fit([X, X[:, :3]], Y, model=two_in()),
         Raises(ValueError, "(8, 4)", "(None, 3)")),
        ("two-inputs-dict-missing", lambda: fit({"a": X[:, :3]}, Y, model=_named_two_input_model()),
         Raises(ValueError, "['b']")),
        ("two-inputs-predict-one-array", lambda: predict(X, model=two_in()), Raises(ValueError, "2 inputs")),
    ]


def _named_two_input_model():
    a, b = keras.Input((3,), name="a"), keras.Input((4,), name="b")
    model = keras.Model([a, b], layers.Dense(3, activation="softmax")(layers.Concatenate()([a, b])))
    model.compile("adam", "sparse_categorical_crossentropy")
    return model


def _binary_model():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    return model


def _legacy_h5(tmp: Path) -> str:
    import h5py
    path = tmp / "legacy.h5"
    with h5py.File(path, "w") as store:
        store.attrs["model_config"] = "{}"
    return str(path)


def cases_more_data_and_cli(tmp: Path):
    from glassnet import datasets
    model = _saved(tmp, "m.glassnet")
    return [
        ("dataset-path-number", lambda: datasets.fashion_mnist.load_data(5), Raises(TypeError, "path", "5")),
        ("reuters-test-split-above-one", lambda: datasets.reuters.load_data(test_split=1.5),
         Raises(ValueError, "test_split", "1.5")),
        ("imdb-skip-top-negative", lambda: datasets.imdb.load_data(skip_top=-1), Raises(ValueError, "skip_top", "-1")),
        ("download-timeout-string", lambda: datasets.download("mnist", timeout="x"),
         Raises(TypeError, "timeout", "'x'")),
        ("read-idx-folder", lambda: datasets.read_idx(tmp), Raises(IsADirectoryError, "folder")),
        ("read-idx-number", lambda: datasets.read_idx(5), Raises(TypeError, "path", "5")),
        ("read-idx-huge-header", lambda: datasets.read_idx(_write(tmp / "huge.idx", b"\0\0\x08\x03" + b"\0\x01\x86\xa0" * 3)),
         Raises(ValueError, "huge.idx", "truncated")),
        ("dataset-download-a-string", lambda: datasets.mnist.load_data(download="no"),
         Raises(TypeError, "download", "'no'")),
        ("dataset-progress-a-string", lambda: datasets.mnist.load_data(progress="no"),
         Raises(TypeError, "progress", "'no'")),
        ("dataset-no-mirrors", lambda: datasets.mnist.load_data(mirrors=[]),
         Raises(datasets.DataNotFoundError, "no mirrors", "path=")),
        ("imdb-index-from-negative", lambda: datasets.imdb.load_data(index_from=-3),
         Raises(ValueError, "index_from", "-3")),
        ("imdb-start-char-negative", lambda: datasets.imdb.load_data(start_char=-1),
         Raises(ValueError, "start_char", "-1")),
        ("imdb-word-index-path-number", lambda: datasets.imdb.get_word_index(path=5), Raises(TypeError, "path", "5")),
        ("cli-seed-negative", lambda: _cli("train", "--data", "digits", "--seed", "-1", "--out", tmp / "run"),
         CliFails("seed", "-1")),
        ("cli-predict-folder-as-image", lambda: _cli("predict", model, tmp), CliFails(str(tmp))),
        ("cli-predict-without-image", lambda: _cli("predict", model), CliFails("required")),
        ("cli-summary-truncated-keras", lambda: _cli("summary", _write(tmp / "cut2.keras", _saved(
            tmp, "m.keras").read_bytes()[:500])), CliFails("cut2.keras")),
        ("cli-predict-top-zero", lambda: _cli("predict", model, tmp / "none.png", "--top", "0"),
         CliFails("--top", "0")),
        ("cli-datasets-unknown-action", lambda: _cli("datasets", "remove"), CliFails("remove")),
    ]


def _legacy_keras_h5(path: Path) -> str:
    """What Keras 2 / tf.keras model.save("m.h5") writes, in outline: an HDF5 file whose root has a
    model_config attribute (the architecture as JSON) and a model_weights group."""
    import h5py
    with h5py.File(path, "w") as store:
        store.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": {"layers": []}})
        store.attrs["keras_version"] = "2.15.0"
        store.create_group("model_weights")
    return str(path)


class _ClosedPipe:
    """A stdout whose reader has gone away, as under ``glassnet ... | head``."""

    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self):
        raise BrokenPipeError(32, "Broken pipe")


def _cli_into_closed_pipe(*argv) -> tuple[int, str]:
    from glassnet.cli import main
    import contextlib
    import io
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(_ClosedPipe()):
        status = main([str(a) for a in argv])
    return status, err.getvalue()


def cases_constructors_and_files(tmp: Path):
    """Optimizer, schedule, loss, metric and callback arguments Keras takes without a word but
    that break training later (tests/core/test_constructor_arguments_more.py draws them all),
    targets whose mistake the message must show, and foreign model files.

    Tried on Keras 3.15.1 (JAX): it accepts SGD(nesterov="yes"), Adam(epsilon=0), k=0 (result 0),
    ExponentialDecay(-0.1) (negative rates), CosineDecayRestarts(t_mul=0.5) (NaN once the periods
    run out), PolynomialDecay(power=-1) (inf at the end), Huber(delta=nan) (NaN), from_logits="no"
    (read as True), CSVLogger(separator=", "), EarlyStopping(verbose="yes"), Precision(class_id=5)
    of 3 classes (1.0); SGD(clipnorm=inf), RMSprop(rho=1.5), SGD(learning_rate=nan) and
    Ftrl(learning_rate=0) train to NaN weights. It refuses Adam(name=3), Mean(dtype="floot32"),
    IoU(target_class_ids=1) (raw TypeError), Adam(beta_1="0.9") (raw TypeError). It reads legacy
    HDF5 models, which glassnet does not: there the message says how to convert."""
    from glassnet import losses, metrics, optimizers
    from glassnet.optimizers import schedules
    load = keras.models.load_model
    (tmp / "a-folder").mkdir(exist_ok=True)
    fractional = Y.astype("float32")
    fractional[3] = 1.5
    return [
        ("sgd-nesterov-string", lambda: optimizers.SGD(nesterov="yes"), Raises(TypeError, "nesterov", "'yes'")),
        ("adam-epsilon-negative", lambda: optimizers.Adam(epsilon=-1), Raises(ValueError, "epsilon", "-1")),
        ("adam-epsilon-zero", lambda: optimizers.Adam(epsilon=0.0),  # Keras: 0 / 0 = NaN on a dead unit's weights
         Raises(ValueError, "epsilon", "0.0")),
        ("adam-beta-string", lambda: optimizers.Adam(beta_1="0.9"), Raises(TypeError, "beta_1", "'0.9'")),
        ("rmsprop-rho-above-one", lambda: optimizers.RMSprop(rho=1.5), Raises(ValueError, "rho", "1.5")),
        ("adagrad-accumulator-none", lambda: optimizers.Adagrad(initial_accumulator_value=None),
         Raises(TypeError, "initial_accumulator_value", "None")),
        ("adamw-weight-decay-string", lambda: optimizers.AdamW(weight_decay="0.01"),
         Raises(TypeError, "weight_decay", "'0.01'")),
        ("optimizer-learning-rate-nan", lambda: optimizers.SGD(learning_rate=float("nan")),
         Raises(ValueError, "learning_rate", "nan")),
        ("optimizer-learning-rate-inf", lambda: optimizers.Adam(learning_rate=float("inf")),
         Raises(ValueError, "learning_rate", "inf")),
        ("optimizer-name-number", lambda: optimizers.Adam(name=3), Raises(TypeError, "name", "3")),
        ("ftrl-learning-rate-zero", lambda: optimizers.Ftrl(learning_rate=0.0),  # FTRL divides by it
         Raises(ValueError, "learning_rate", "0.0")),
        ("optimizer-clipnorm-inf", lambda: optimizers.SGD(clipnorm=float("inf")),  # Keras: NaN weights
         Raises(ValueError, "clipnorm", "inf")),
        ("schedule-negative-rate", lambda: schedules.ExponentialDecay(-0.1, 10, 0.9),
         Raises(ValueError, "initial_learning_rate", "-0.1")),
        ("schedule-decay-steps-zero", lambda: schedules.CosineDecay(0.1, 0), Raises(ValueError, "decay_steps", "0")),
        ("schedule-growth-accepted", lambda: schedules.ExponentialDecay(0.01, 100, 10.0)(100),
         Accepts(lambda rate: abs(rate - 0.1) < 1e-12)),  # decay_rate > 1: a learning-rate range test
        ("schedule-overflow-named", lambda: schedules.ExponentialDecay(0.1, 1, 1e300)(1000),
         Raises(ValueError, "decay_rate", "overflows", "step 1000")),
        ("schedule-restarts-shrinking-periods", lambda: schedules.CosineDecayRestarts(0.1, 10, t_mul=0.5),
         Raises(ValueError, "t_mul", "0.5")),
        ("schedule-polynomial-negative-power", lambda: schedules.PolynomialDecay(0.1, 10, power=-1.0),
         Raises(ValueError, "power", "-1.0")),
        ("schedule-piecewise-values-number", lambda: schedules.PiecewiseConstantDecay([10], 0.1),
         Raises(TypeError, "values", "0.1")),
        ("schedule-cosine-alpha-negative", lambda: schedules.CosineDecay(0.1, 10, alpha=-0.5),
         Raises(ValueError, "alpha", "-0.5")),
        ("loss-huber-delta-nan", lambda: losses.Huber(delta=float("nan")), Raises(ValueError, "delta", "nan")),
        ("loss-label-smoothing-string", lambda: losses.CategoricalCrossentropy(label_smoothing="0.1"),
         Raises(TypeError, "label_smoothing", "'0.1'")),
        ("loss-focal-gamma-inf", lambda: losses.BinaryFocalCrossentropy(gamma=float("inf")),
         Raises(ValueError, "gamma", "inf")),
        ("loss-name-number", lambda: losses.MeanSquaredError(name=5), Raises(TypeError, "name", "5")),
        ("topk-k-zero", lambda: metrics.TopKCategoricalAccuracy(k=0), Raises(ValueError, "k", "0")),
        ("sparse-topk-k-none", lambda: metrics.SparseTopKCategoricalAccuracy(k=None), Raises(TypeError, "k", "None")),
        ("metric-dtype-typo", lambda: metrics.Mean(dtype="floot32"), Raises(TypeError, "dtype", "'floot32'")),
        ("metric-binary-threshold-none", lambda: metrics.BinaryAccuracy(threshold=None),
         Raises(TypeError, "threshold", "None")),
        ("metric-fbeta-beta-inf", lambda: metrics.FBetaScore(beta=float("inf")), Raises(ValueError, "beta", "inf")),
        ("metric-auc-curve-list", lambda: metrics.AUC(curve=["ROC"]), Raises(ValueError, "curve", "['ROC']")),
        ("metric-auc-thresholds-number", lambda: metrics.AUC(thresholds=0.5), Raises(TypeError, "thresholds", "0.5")),
        ("metric-iou-target-ids-int", lambda: metrics.IoU(3, target_class_ids=1),
         Raises(TypeError, "target_class_ids", "1")),
        ("metric-iou-target-ids-out-of-range", lambda: metrics.IoU(3, target_class_ids=[0, 3]),
         Raises(ValueError, "target_class_ids", "[0, 3]")),
        ("metric-mean-iou-num-classes-float", lambda: metrics.MeanIoU(num_classes=2.0),
         Raises(TypeError, "num_classes", "2.0")),
        ("metric-precision-class-id-beyond-classes",
         lambda: metrics.Precision(class_id=5).update_state(np.eye(3)[[0, 1, 2]], np.eye(3)[[0, 1, 1]]),
         Raises(ValueError, "class_id", "5", "3 classes")),
        ("metric-cross-entropy-batch-axis", lambda: metrics.SparseCategoricalCrossentropy(axis=0).update_state(
            [0, 1], np.full((2, 3), 1 / 3)), Raises(ValueError, "axis", "0")),
        ("callback-verbose-string", lambda: callbacks.EarlyStopping(verbose="yes"), Raises(TypeError, "verbose", "'yes'")),
        ("callback-verbose-true-accepted", lambda: callbacks.ModelCheckpoint(tmp / "v.keras", verbose=True).verbose,
         Accepts(lambda verbose: verbose == 1)),
        ("csv-logger-separator-long", lambda: callbacks.CSVLogger(tmp / "log.csv", separator=", "),
         Raises(ValueError, "separator", "', '")),
        ("checkpoint-monitor-number", lambda: callbacks.ModelCheckpoint(tmp / "c.keras", monitor=1),
         Raises(TypeError, "monitor", "1")),
        ("checkpoint-save-best-only-string", lambda: callbacks.ModelCheckpoint(tmp / "c.keras", save_best_only="yes"),
         Raises(TypeError, "save_best_only", "'yes'")),
        ("tensorboard-log-dir-number", lambda: callbacks.TensorBoard(log_dir=5), Raises(TypeError, "log_dir", "5")),
        ("lr-scheduler-verbose-none", lambda: callbacks.LearningRateScheduler(lambda epoch, lr: lr, verbose=None),
         Raises(TypeError, "verbose", "None")),
        ("sparse-labels-fractional", lambda: fit(X, fractional),
         Raises(ValueError, "non-integer", "1.5", "index 3", "1 of 8")),
        ("load-legacy-keras2-h5", lambda: load(_legacy_keras_h5(tmp / "legacy.h5")),
         Raises(ValueError, "legacy.h5", "legacy Keras HDF5", "model.save('model.keras')")),
        ("load-model-from-weights-h5", lambda: load(_weights_file(tmp)), Raises(ValueError, "load_weights")),
        ("load-model-folder", lambda: load(tmp / "a-folder"), Raises(IsADirectoryError, "a-folder", "is a folder")),
        ("load-weights-folder", lambda: mlp().load_weights(tmp / "a-folder"),
         Raises(IsADirectoryError, "a-folder", "is a folder")),
        ("cli-output-into-closed-pipe", lambda: _cli_into_closed_pipe("datasets", "list"),
         Accepts(lambda result: result == (1, ""))),  # quiet, as Python's docs say a CLI should be
    ]


def _weights_file(tmp: Path) -> str:
    model = mlp()
    model.save_weights(tmp / "only.weights.h5")
    return str(tmp / "only.weights.h5")


def _all_cases(tmp: Path):
    groups = [cases_data(), cases_fit_arguments(), cases_inference(), cases_layers(), cases_models(),
              cases_compile(), cases_callbacks(tmp), cases_saving(tmp), cases_datasets(tmp), cases_utils(),
              cases_cli(tmp), cases_more_models_and_training(tmp), cases_more_data_and_cli(tmp), cases_more_structures(),
              cases_constructors_and_files(tmp)]
    return [case for group in groups for case in group]


# The cases' files live in a folder of their own, made as the cases are collected and removed
# when the process ends (whether or not the cases ran).
CATALOGUE_DIR = Path(tempfile.mkdtemp(prefix="glassnet-catalogue-"))
atexit.register(shutil.rmtree, CATALOGUE_DIR, ignore_errors=True)
CASES = _all_cases(CATALOGUE_DIR)


def test_the_catalogue_is_broad():
    ids = [case[0] for case in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert len(ids) >= 150


def _raised_in_glassnet(error: BaseException) -> bool:
    """Whether glassnet's own code raised ``error`` (its innermost frame is in the package), or
    Python did on the call itself (a missing or unknown argument: the innermost frame is this file)."""
    traceback = error.__traceback__
    while traceback.tb_next is not None:
        traceback = traceback.tb_next
    where = Path(traceback.tb_frame.f_code.co_filename).resolve()
    return where.is_relative_to(GLASSNET_DIR) or (isinstance(error, TypeError) and where == Path(__file__).resolve())


@pytest.mark.parametrize("name, call, expected", CASES, ids=[case[0] for case in CASES])
def test_case(name, call, expected, monkeypatch):
    monkeypatch.setenv("GLASSNET_CACHE_DIR", str(CATALOGUE_DIR / "cache"))
    monkeypatch.delenv("GLASSNET_DATA", raising=False)
    monkeypatch.setattr("glassnet.datasets.sources.system_data_dirs", lambda: [])
    monkeypatch.setattr("glassnet.datasets.downloading.mirror_list", _no_network_mirrors)
    monkeypatch.setattr("glassnet.datasets.loading.mirror_list", _no_network_mirrors)
    keras.utils.set_random_seed(0)
    if isinstance(expected, CliFails):
        status, err = call()
        assert status == 2, err
        assert "Traceback" not in err and err.count("\n") == 1, err
        for part in expected.parts:
            assert part in err, f"{part!r} not in {err!r}"
        return
    if isinstance(expected, Raises):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(Exception) as caught:
                call()
        error = caught.value
        assert isinstance(error, expected.types), f"{type(error).__name__}: {error}"
        assert _raised_in_glassnet(error), f"raised outside glassnet: {type(error).__name__}: {error}"
        message = str(error)
        for part in expected.parts:
            assert part in message, f"{part!r} not in {message!r}"
        return
    if isinstance(expected, Warns):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        text = " | ".join(str(w.message) for w in caught)
        for part in expected.parts:
            assert part in text, f"{part!r} not in warnings {text!r}"
        return
    result = call()
    assert expected.check is None or expected.check(result), result


def _no_network_mirrors(mirrors):
    """The catalogue never reaches the network: mirrors are checked as given, then every one
    becomes a closed port on 127.0.0.1."""
    import socket
    checked = _real_mirror_list(mirrors)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return tuple(f"http://127.0.0.1:{port}/" for _ in checked)
