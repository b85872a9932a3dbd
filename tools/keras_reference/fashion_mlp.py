"""The seed MLP on Fashion-MNIST, in Keras or glassnet: test accuracy after each epoch.

    python tools/keras_reference/fashion_mlp.py keras    (in a venv with tensorflow-cpu)
    python tools/keras_reference/fashion_mlp.py glassnet

Flatten(28, 28) -> Dense(512, relu) -> Dense(10, softmax), Adam, batch 32, 5 epochs, pixels / 255,
seeds 0, 1, 2 (the data folder comes from GLASSNET_DATA, default ../shared/data).
"""

import gzip
import json
import os
import sys
import time

import numpy as np


def load(folder):
    def read(name, offset, shape):
        with gzip.open(os.path.join(folder, "fashion-mnist", name)) as stream:
            return np.frombuffer(stream.read(), np.uint8, offset=offset).reshape(shape)
    return ((read("train-images-idx3-ubyte.gz", 16, (-1, 28, 28)), read("train-labels-idx1-ubyte.gz", 8, (-1,))),
            (read("t10k-images-idx3-ubyte.gz", 16, (-1, 28, 28)), read("t10k-labels-idx1-ubyte.gz", 8, (-1,))))


def main(framework: str, seeds=(0, 1, 2), epochs: int = 5):
    if framework == "keras":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import keras
    else:
        import glassnet as keras
    folder = os.environ.get("GLASSNET_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data"))
    (x_train, y_train), (x_test, y_test) = load(folder)
    x_train, x_test = x_train / 255.0, x_test / 255.0
    results = []
    for seed in seeds:
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                                  keras.layers.Dense(512, activation="relu"), keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        started = time.perf_counter()
        history = model.fit(x_train, y_train, batch_size=32, epochs=epochs, validation_data=(x_test, y_test), verbose=0)
        results.append({"seed": seed, "val_accuracy": [round(a, 4) for a in history.history["val_accuracy"]],
                        "seconds": round(time.perf_counter() - started, 1)})
        print(json.dumps({"framework": framework, **results[-1]}), flush=True)
    finals = [r["val_accuracy"][-1] for r in results]
    print(json.dumps({"framework": framework, "mean_final_accuracy": round(float(np.mean(finals)), 4)}))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "glassnet")
