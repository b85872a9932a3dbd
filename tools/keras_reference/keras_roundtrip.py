"""The Keras side of the .keras interchange test (run with a Python that has Keras 3).

    python keras_roundtrip.py load MODEL.keras INPUT.npz OUTPUT.npz   Keras loads glassnet's file, predicts
    python keras_roundtrip.py save KIND MODEL.keras INPUT.npz OUTPUT.npz   Keras builds, saves, predicts

KIND is mlp, cnn, all, or a functional graph of graph_models.py. INPUT.npz holds the model's
inputs in order (arr_0, arr_1, ...); OUTPUT.npz gets its outputs the same way.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from graph_models import GRAPHS, register_custom_layers  # noqa: E402


def build(kind: str):
    L = keras.layers
    keras.utils.set_random_seed(1)
    if kind in GRAPHS:
        return GRAPHS[kind](keras)
    if kind == "mlp":
        return keras.Sequential([keras.Input((28, 28)), L.Flatten(), L.Dense(32, activation="relu",
                                 kernel_regularizer=keras.regularizers.L2(1e-4)), L.Dropout(0.2),
                                 L.Dense(10, activation="softmax")])
    if kind == "all":
        return keras.Sequential([keras.Input((12, 12, 2)), L.ZeroPadding2D(1), L.Conv2D(4, 3, padding="same", activation="relu"),
                                 L.UpSampling2D(2), L.AveragePooling2D(2), L.SpatialDropout2D(0.1), L.Activation("tanh"),
                                 L.Reshape((196, 4)), L.Conv1D(3, 3, activation="relu"), L.Reshape((194, 3, 1)),
                                 L.Conv2D(2, 1), L.GlobalAveragePooling2D(keepdims=True), L.GlobalMaxPooling2D(),
                                 L.Dense(5, activation="softmax")])
    return keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(8, 3, activation="relu", padding="same"),
                             L.BatchNormalization(), L.MaxPooling2D(2), L.Conv2D(4, 3, strides=2), L.Flatten(),
                             L.Dense(10, activation="softmax")])


def _inputs(path):
    with np.load(path) as stored:
        arrays = [stored[f"arr_{i}"] for i in range(len(stored.files))]
    return arrays if len(arrays) > 1 else arrays[0]


def _save_outputs(path, outputs):
    np.savez(path, *(outputs if isinstance(outputs, list) else [outputs]))


def main(argv):
    if argv[0] == "load":
        register_custom_layers(keras)
        model = keras.models.load_model(argv[1], compile=False)
        _save_outputs(argv[3], model.predict(_inputs(argv[2]), verbose=0))
    else:
        model = build(argv[1])
        x = _inputs(argv[3])
        if argv[1] in ("cnn", "residual_cnn"):  # move the batch statistics away from their initial values
            model.compile("adam", "sparse_categorical_crossentropy")
            model.fit(x, np.arange(len(x)) % 5, epochs=1, verbose=0)
        model.save(argv[2])
        _save_outputs(argv[4], model.predict(x, verbose=0))


if __name__ == "__main__":
    main(sys.argv[1:])
