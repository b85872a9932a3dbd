"""Reference numbers for MultiHeadAttention from real Keras 3, written to
tests/layers/keras_attention_golden.py: small models (self-attention, cross-attention with a
key and value_dim, an explicit attention_mask, a causal mask, padding masks from
Embedding(mask_zero=True), no bias), their predictions on fixed weights, the loss of one
train_on_batch with Adam(0.01) and mse, and the predictions after it. Run with Keras 3:

    KERAS_BACKEND=jax /path/to/keras-venv/bin/python tools/keras_reference/attention.py

The models are built by ``attention_models(keras)``, which the test calls with glassnet;
weights are ``0.5 * pattern(shape, 1 + index)`` in the order of ``model.weights``.
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
                   "keras_attention_golden.py")


def attention_models(keras):
    """name -> (model, inputs)."""
    L = keras.layers
    models = {}
    x = keras.Input((4, 6))
    models["self_attention"] = (keras.Model(x, L.Dense(2)(L.Flatten()(L.MultiHeadAttention(2, 3)(x, x)))),
                                [pattern((2, 4, 6), 0)])
    q, v, k = keras.Input((4, 6)), keras.Input((3, 5)), keras.Input((3, 2))
    cross = L.MultiHeadAttention(2, 3, value_dim=3)(q, v, key=k)  # JAX Keras needs value_dim == key_dim
    models["cross_key_value_dim"] = (keras.Model([q, v, k], L.Dense(2)(L.Flatten()(cross))),
                                     [pattern((2, 4, 6), 0), pattern((2, 3, 5), 3), pattern((2, 3, 2), 4)])
    x, m = keras.Input((4, 6)), keras.Input((4, 4), dtype="bool")
    masked = L.MultiHeadAttention(1, 4, use_bias=False)(x, x, attention_mask=m)
    grid = np.array([[[1, 0, 1, 1]] * 4, [[1, 1, 0, 0]] * 4], bool)
    models["attention_mask_no_bias"] = (keras.Model([x, m], L.Dense(2)(L.Flatten()(masked))),
                                        [pattern((2, 4, 6), 0), grid])
    x = keras.Input((4, 6))
    models["causal"] = (keras.Model(x, L.Dense(2)(L.Flatten()(L.MultiHeadAttention(2, 2)(x, x, use_causal_mask=True)))),
                        [pattern((2, 4, 6), 0)])
    ids = keras.Input((5,), dtype="int32")
    embedded = L.Embedding(10, 4, mask_zero=True)(ids)
    attended = L.MultiHeadAttention(2, 2)(embedded, embedded)
    models["padding_masks"] = (keras.Model(ids, L.Dense(2)(L.GlobalAveragePooling1D()(attended))), [IDS])
    return models


TARGETS = pattern((3, 2), 7)


def set_pattern_weights(model):
    model.set_weights([0.5 * pattern(tuple(w.shape), 1 + i) for i, w in enumerate(model.weights)])


def main():
    import keras
    results = {}
    for name, (model, inputs) in attention_models(keras).items():
        set_pattern_weights(model)
        targets = TARGETS[:len(inputs[0])]
        before = model.predict(inputs, verbose=0)
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
        loss = model.train_on_batch(inputs, targets)
        results[name] = {"count_params": model.count_params(), "output": np.asarray(before).ravel().tolist(),
                         "loss": float(np.asarray(loss).ravel()[0]),
                         "output_after_step": np.asarray(model.predict(inputs, verbose=0)).ravel().tolist()}
    header = (f'"""Reference numbers from Keras {keras.__version__} ({keras.backend.backend()} backend, CPU), made '
              f"{datetime.date.today()} by\ntools/keras_reference/attention.py. Regenerate with that script; "
              'do not edit by hand."""\n\n')
    with open(OUT, "w") as stream:
        stream.write(header)
        stream.write(f"KERAS_VERSION = {keras.__version__!r}\n\n")
        stream.write("MODELS = " + pprint.pformat(results, width=110, sort_dicts=False, compact=True) + "\n")
    print(f"wrote {os.path.abspath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
