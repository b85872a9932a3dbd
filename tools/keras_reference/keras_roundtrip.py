"""The Keras side of the .keras interchange test (run with a Python that has Keras 3).

    python keras_roundtrip.py load MODEL.keras INPUT.npy OUTPUT.npy   Keras loads glassnet's file, predicts
    python keras_roundtrip.py save mlp|cnn MODEL.keras INPUT.npy OUTPUT.npy   Keras builds, saves, predicts
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
import numpy as np  # noqa: E402


def build(kind: str):
    L = keras.layers
    keras.utils.set_random_seed(1)
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


def main(argv):
    if argv[0] == "load":
        model = keras.models.load_model(argv[1], compile=False)
        np.save(argv[3], model.predict(np.load(argv[2]), verbose=0))
    else:
        model = build(argv[1])
        x = np.load(argv[3])
        if argv[1] == "cnn":  # move the batch statistics away from their initial values
            model.compile("adam", "sparse_categorical_crossentropy")
            model.fit(x, np.arange(len(x)) % 10, epochs=1, verbose=0)
        model.save(argv[2])
        np.save(argv[4], model.predict(x, verbose=0))


if __name__ == "__main__":
    main(sys.argv[1:])
