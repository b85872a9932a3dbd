"""The main job: a dense network learns scikit-learn's bundled 8x8 handwritten digits, offline.

    python examples/digits_mlp.py

Dense(128, relu) -> Dense(10, softmax), Adam, 20 epochs, fixed seed; prints the test accuracy.
"""

import sys

import numpy as np

import glassnet as keras
from glassnet import layers


def load_digits_split(test_fraction: float = 0.2, seed: int = 0):
    """scikit-learn's 1,797 digits as (x_train, y_train), (x_test, y_test), pixels scaled to [0, 1]."""
    try:
        from glassnet.datasets import digits
    except ImportError:
        digits = None
    if digits is not None:
        (x_train, y_train), (x_test, y_test) = digits.load_data()
    else:
        from sklearn.datasets import load_digits
        bunch = load_digits()
        order = np.random.default_rng(seed).permutation(len(bunch.target))
        cut = int(len(order) * (1 - test_fraction))
        x, y = bunch.images[order], bunch.target[order]
        (x_train, y_train), (x_test, y_test) = (x[:cut], y[:cut]), (x[cut:], y[cut:])
    scale = float(max(x_train.max(), 1))
    return (x_train / scale, y_train), (x_test / scale, y_test)


def train(x_train, y_train, x_test, y_test, epochs: int = 20, verbose="auto"):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        layers.Flatten(input_shape=x_train.shape[1:]),
        layers.Dense(128, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=epochs, batch_size=32, validation_split=0.1, verbose=verbose)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return model, accuracy


def main() -> int:
    (x_train, y_train), (x_test, y_test) = load_digits_split()
    print(f"digits: {len(x_train)} training and {len(x_test)} test images of {x_train.shape[1:]} pixels")
    model, accuracy = train(x_train, y_train, x_test, y_test, verbose=2)
    print(f"Test accuracy: {accuracy:.4f}")
    return 0 if accuracy >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
