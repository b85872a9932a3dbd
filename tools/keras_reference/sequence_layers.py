"""Reference numbers for Embedding, Masking, the 1-D pooling layers, TimeDistributed and masks
through small models, from real Keras 3, written to tests/layers/keras_sequence_golden.py. Run
with a Python that has Keras 3 (the pinned numbers came from JAX):

    KERAS_BACKEND=jax /path/to/keras-venv/bin/python tools/keras_reference/sequence_layers.py

Inputs and weights are the fixed patterns of new_layers.py (``pattern``); integer inputs are
``IDS``. The test rebuilds the same cases from this module (Keras is imported only in main).
"""

import datetime
import os
import pprint
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from new_layers import pattern  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "layers",
                   "keras_sequence_golden.py")

# Padded id sequences: pre padding (Keras's pad_sequences default), post padding, none.
IDS = np.array([[0, 0, 3, 1, 4], [2, 7, 1, 0, 0], [5, 6, 2, 9, 8]], np.int32)

# name: (layer class, constructor arguments, input shape or "ids"). Weights are pattern(shape, 1 + index).
LAYER_CASES = {
    "embedding": ("Embedding", {"input_dim": 10, "output_dim": 3}, "ids"),
    "masking": ("Masking", {"mask_value": 0.25}, (2, 4, 3)),
    "max_pooling1d": ("MaxPooling1D", {}, (2, 7, 3)),
    "max_pooling1d_3_2_same": ("MaxPooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 7, 3)),
    "average_pooling1d": ("AveragePooling1D", {"pool_size": 3}, (2, 7, 3)),
    "average_pooling1d_2_1_same": ("AveragePooling1D", {"pool_size": 2, "strides": 1, "padding": "same"}, (2, 5, 2)),
    "global_average_pooling1d": ("GlobalAveragePooling1D", {}, (2, 5, 3)),
    "global_average_pooling1d_keepdims": ("GlobalAveragePooling1D", {"keepdims": True}, (2, 5, 3)),
    "global_max_pooling1d": ("GlobalMaxPooling1D", {}, (2, 5, 3)),
}


def masked_models(keras):
    """Small models whose output depends on the mask: name -> model (weights set by the caller)."""
    layers = keras.layers
    models = {}
    inputs = keras.Input((5,), dtype="int32")
    x = layers.Embedding(10, 4, mask_zero=True)(inputs)
    models["embedding_mask_average"] = keras.Model(inputs, layers.Dense(2)(layers.GlobalAveragePooling1D()(x)))
    inputs = keras.Input((5,), dtype="int32")
    x = layers.Embedding(10, 4, mask_zero=True)(inputs)
    x = layers.Dense(3, activation="relu")(x)           # passes the mask on
    models["embedding_mask_dense_average"] = keras.Model(inputs, layers.GlobalAveragePooling1D()(x))
    inputs = keras.Input((5,), dtype="int32")
    a = layers.Embedding(10, 2, mask_zero=True)(inputs)
    b = layers.Embedding(10, 2)(inputs)                 # no mask: Concatenate's rule fills it with True
    models["concatenate_masks"] = keras.Model(inputs, layers.GlobalAveragePooling1D()(layers.Concatenate()([a, b])))
    inputs = keras.Input((5,), dtype="int32")
    a = layers.Embedding(10, 2, mask_zero=True)(inputs)
    b = layers.Embedding(10, 2, mask_zero=True)(inputs)
    models["add_masks"] = keras.Model(inputs, layers.GlobalAveragePooling1D()(layers.Add()([a, b])))
    inputs = keras.Input((4, 3))
    x = layers.Masking(0.25)(inputs)
    models["masking_average"] = keras.Model(inputs, layers.GlobalAveragePooling1D()(x))
    inputs = keras.Input((4, 3))
    models["time_distributed_dense"] = keras.Model(inputs, layers.TimeDistributed(layers.Dense(2, activation="tanh"))(inputs))
    return models


def model_input(name):
    return pattern((2, 4, 3), 0) if name in ("masking_average", "time_distributed_dense") else IDS


def main():
    import keras
    results = {}
    for name, (class_name, kwargs, input_shape) in LAYER_CASES.items():
        layer = getattr(keras.layers, class_name)(**kwargs)
        x = IDS if input_shape == "ids" else pattern(input_shape, 0)
        if name == "masking":
            x = x.copy()
            x[0, 1] = 0.25
            x[1, 3] = 0.25
        layer(x)
        layer.set_weights([pattern(w.shape, 1 + i) for i, w in enumerate(layer.weights)])
        y = layer(x)
        results[name] = {"output_shape": list(layer.compute_output_shape((None,) + x.shape[1:])),
                         "count_params": layer.count_params(), "output": np.asarray(y).ravel().tolist()}
        if name == "masking":
            results[name]["mask"] = np.asarray(layer.compute_mask(x)).ravel().tolist()
    models = {}
    for name, model in masked_models(keras).items():
        model.set_weights([pattern(w.shape, 1 + i) for i, w in enumerate(model.weights)])
        models[name] = {"count_params": model.count_params(),
                        "output": np.asarray(model.predict(model_input(name), verbose=0)).ravel().tolist()}
    header = (f'"""Reference numbers from Keras {keras.__version__} ({keras.backend.backend()} backend, CPU), made '
              f"{datetime.date.today()} by\ntools/keras_reference/sequence_layers.py. Regenerate with that script; "
              'do not edit by hand."""\n\n')
    with open(OUT, "w") as stream:
        stream.write(header)
        stream.write(f"KERAS_VERSION = {keras.__version__!r}\n\n")
        stream.write("LAYERS = " + pprint.pformat(results, width=110, sort_dicts=False, compact=True) + "\n\n")
        stream.write("MODELS = " + pprint.pformat(models, width=110, sort_dicts=False, compact=True) + "\n")
    print(f"wrote {os.path.abspath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
