"""Reference numbers for SimpleRNN, LSTM, GRU and Bidirectional from real Keras 3, written to
tests/layers/keras_recurrent_golden.py: each model's parameter count, its predictions on fixed
weights, the loss of one ``train_on_batch`` with Adam(0.01) and mean squared error, and its
predictions after that step (which pins every gradient). Run with a Python that has Keras 3
(the pinned numbers came from JAX):

    KERAS_BACKEND=jax /path/to/keras-venv/bin/python tools/keras_reference/recurrent_layers.py

The models are built by ``recurrent_models(keras)`` below, which the test calls with glassnet.
Weights are ``0.5 * pattern(shape, 1 + index)`` in the order of ``model.weights``.
"""

import datetime
import os
import pprint
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from new_layers import pattern  # noqa: E402
from sequence_layers import IDS  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "layers",
                   "keras_recurrent_golden.py")
STEPS, FEATURES = 5, 4


def _head(keras, x):
    return keras.layers.Dense(2, name="head")(x)


def recurrent_models(keras):
    """name -> (model, "floats" or "ids"): the cases pinned to Keras."""
    L = keras.layers
    models = {}

    def floats(name, body):
        inputs = keras.Input((STEPS, FEATURES))
        models[name] = (keras.Model(inputs, _head(keras, body(inputs)), name=name), "floats")

    def ids(name, body):
        inputs = keras.Input((STEPS,), dtype="int32")
        embedded = L.Embedding(10, FEATURES, mask_zero=True)(inputs)
        models[name] = (keras.Model(inputs, _head(keras, body(embedded)), name=name), "ids")

    floats("simple_rnn", lambda x: L.SimpleRNN(3)(x))
    floats("simple_rnn_relu_sequences", lambda x: L.Flatten()(L.SimpleRNN(3, activation="relu", return_sequences=True)(x)))
    floats("lstm", lambda x: L.LSTM(3)(x))
    floats("lstm_backwards_sequences", lambda x: L.Flatten()(L.LSTM(3, return_sequences=True, go_backwards=True)(x)))
    floats("gru", lambda x: L.GRU(3)(x))
    floats("gru_reset_before", lambda x: L.GRU(3, reset_after=False)(x))
    floats("gru_no_bias", lambda x: L.GRU(3, use_bias=False)(x))
    floats("stacked_lstm_gru", lambda x: L.GRU(3)(L.LSTM(4, return_sequences=True)(x)))
    floats("lstm_states", lambda x: L.Concatenate()(L.LSTM(3, return_state=True)(x)))
    floats("gru_states_backwards", lambda x: L.Concatenate()(L.GRU(3, return_state=True, go_backwards=True)(x)))
    floats("bidirectional_simple_rnn_sum", lambda x: L.Bidirectional(L.SimpleRNN(3), merge_mode="sum")(x))
    floats("bidirectional_lstm_sequences", lambda x: L.Flatten()(L.Bidirectional(L.LSTM(3, return_sequences=True))(x)))
    ids("masked_lstm_average", lambda x: L.GlobalAveragePooling1D()(L.LSTM(3, return_sequences=True)(x)))
    ids("masked_lstm_sequences", lambda x: L.Flatten()(L.LSTM(3, return_sequences=True)(x)))
    ids("masked_gru_last", lambda x: L.GRU(3)(x))
    ids("masked_gru_backwards", lambda x: L.GRU(3, go_backwards=True)(x))
    ids("masked_simple_rnn_states", lambda x: L.Concatenate()(L.SimpleRNN(3, return_state=True)(x)))
    ids("masked_bidirectional_gru_concat", lambda x: L.Bidirectional(L.GRU(3))(x))
    ids("masked_bidirectional_lstm_average", lambda x: L.GlobalAveragePooling1D()(
        L.Bidirectional(L.LSTM(3, return_sequences=True), merge_mode="ave")(x)))
    return models


def tagger(keras):
    """A label per step (sparse_categorical_crossentropy on (batch, steps) labels): a GRU's
    sequence through a per-step softmax, and a masked LSTM tagger over word ids."""
    L = keras.layers
    inputs = keras.Input((STEPS, FEATURES))
    floats = keras.Model(inputs, L.TimeDistributed(L.Dense(3, activation="softmax"))(L.GRU(3, return_sequences=True)(inputs)))
    ids = keras.Input((STEPS,), dtype="int32")
    embedded = L.Embedding(10, FEATURES, mask_zero=True)(ids)
    words = keras.Model(ids, L.Dense(3, activation="softmax")(L.LSTM(3, return_sequences=True)(embedded)))
    return {"tagger_floats": (floats, "floats"), "tagger_masked_ids": (words, "ids")}


def translator(keras):
    """Keras's character-level sequence-to-sequence recipe, small: an encoder LSTM's states start
    a decoder LSTM whose sequence a softmax reads, trained with categorical_crossentropy on
    one-hot targets (batch, steps, tokens) and evaluated on two inputs."""
    L = keras.layers
    source, target = keras.Input((None, FEATURES)), keras.Input((None, 3))
    _, h, c = L.LSTM(4, return_state=True)(source)
    decoded, _, _ = L.LSTM(4, return_sequences=True, return_state=True)(target, initial_state=[h, c])
    return keras.Model([source, target], L.Dense(3, activation="softmax")(decoded))


def translator_data():
    """(inputs, one-hot targets): the decoder reads TAGS one-hot and is taught the next tag."""
    one_hot = np.eye(3, dtype=np.float32)[TAGS]
    return [pattern((3, STEPS, FEATURES), 0), one_hot], np.roll(one_hot, -1, axis=1)


TAGS = np.array([[0, 1, 2, 1, 0], [2, 2, 1, 0, 1], [1, 0, 0, 2, 2]])


def model_input(kind):
    return pattern((3, STEPS, FEATURES), 0) if kind == "floats" else IDS


TARGETS = pattern((3, 2), 7)


def set_pattern_weights(model):
    model.set_weights([0.5 * pattern(tuple(w.shape), 1 + i) for i, w in enumerate(model.weights)])


def main():
    import keras
    results = {}
    for name, (model, kind) in recurrent_models(keras).items():
        set_pattern_weights(model)
        x = model_input(kind)
        before = model.predict(x, verbose=0)
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
        loss = model.train_on_batch(x, TARGETS)
        after = model.predict(x, verbose=0)
        results[name] = {"count_params": model.count_params(),
                         "weight_shapes": [list(w.shape) for w in model.weights],
                         "output": np.asarray(before).ravel().tolist(),
                         "loss": float(np.asarray(loss).ravel()[0]),
                         "output_after_step": np.asarray(after).ravel().tolist()}
    taggers = {}
    for name, (model, kind) in tagger(keras).items():
        set_pattern_weights(model)
        x = model_input(kind)
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        evaluated = model.evaluate(x, TAGS, verbose=0)
        loss = model.train_on_batch(x, TAGS)
        taggers[name] = {"evaluate": [float(v) for v in evaluated], "loss": float(np.asarray(loss).ravel()[0]),
                         "output_after_step": np.asarray(model.predict(x, verbose=0)).ravel().tolist()}
    model = translator(keras)
    set_pattern_weights(model)
    x, targets = translator_data()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy", metrics=["accuracy"])
    evaluated = model.evaluate(x, targets, verbose=0, batch_size=2)
    loss = model.train_on_batch(x, targets)
    taggers["translator"] = {"evaluate": [float(v) for v in evaluated], "loss": float(np.asarray(loss).ravel()[0]),
                             "output_after_step": np.asarray(model.predict(x, verbose=0)).ravel().tolist()}
    header = (f'"""Reference numbers from Keras {keras.__version__} ({keras.backend.backend()} backend, CPU), made '
              f"{datetime.date.today()} by\ntools/keras_reference/recurrent_layers.py. Regenerate with that script; "
              'do not edit by hand."""\n\n')
    with open(OUT, "w") as stream:
        stream.write(header)
        stream.write(f"KERAS_VERSION = {keras.__version__!r}\n\n")
        stream.write("MODELS = " + pprint.pformat(results, width=110, sort_dicts=False, compact=True) + "\n\n")
        stream.write("TAGGERS = " + pprint.pformat(taggers, width=110, sort_dicts=False, compact=True) + "\n")
    print(f"wrote {os.path.abspath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
