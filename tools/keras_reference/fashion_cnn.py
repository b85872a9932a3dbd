"""The two CNNs of the CNN issue on Fashion-MNIST, in Keras or glassnet.

    python tools/keras_reference/fashion_cnn.py keras|glassnet [seed_cnn|classic]

seed_cnn: Conv2D(64, 3, relu) -> MaxPooling2D(2) -> Flatten -> Dense(10, softmax), batch 32, 3 epochs.
classic:  Conv2D(32, 3, relu) -> MaxPool -> Conv2D(64, 3, relu) -> MaxPool -> Flatten -> Dropout(0.5)
          -> Dense(10, softmax), batch 128, validation_split 0.1, 3 epochs.
Adam, pixels / 255, seed 0; prints test accuracy and seconds per epoch.
"""

import json
import os
import sys
import time

from fashion_mlp import load


def main(framework: str, which: str, seed: int = 0, epochs: int = 3):
    if framework == "keras":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import keras
    else:
        import glassnet as keras
    L = keras.layers
    folder = os.environ.get("GLASSNET_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data"))
    (x_train, y_train), (x_test, y_test) = load(folder)
    x_train, x_test = (x_train / 255.0)[..., None], (x_test / 255.0)[..., None]
    keras.utils.set_random_seed(seed)
    if which == "seed_cnn":
        model = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D((2, 2)),
                                  L.Flatten(), L.Dense(10, activation="softmax")])
        batch_size, split = 32, 0.0
    else:
        model = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2),
                                  L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(), L.Dropout(0.5),
                                  L.Dense(10, activation="softmax")])
        batch_size, split = 128, 0.1
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    seconds = []
    for epoch in range(epochs):
        started = time.perf_counter()
        model.fit(x_train, y_train, batch_size=batch_size, epochs=epoch + 1, initial_epoch=epoch,
                  validation_split=split, verbose=0)
        seconds.append(round(time.perf_counter() - started, 2))
    accuracy = model.evaluate(x_test, y_test, verbose=0)[1]
    print(json.dumps({"framework": framework, "model": which, "seed": seed, "test_accuracy": round(accuracy, 4),
                      "seconds_per_epoch": seconds}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "seed_cnn")
