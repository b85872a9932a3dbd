"""The main job: a dense network learns scikit-learn's bundled 8x8 handwritten digits, offline.

    python examples/digits_mlp.py

Dense(128, relu) -> Dense(10, softmax), Adam, 20 epochs of mini-batches of 8 (the training set
has only 1,438 images, so small batches give more steps), fixed seed; prints the test accuracy.
"""

import sys

import glassnet as keras
from glassnet import layers


def load_digits_split():
    """scikit-learn's 1,797 digits, split 1,438 / 359, pixels scaled from 0..16 to [0, 1]."""
    (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
    return (x_train / 16.0, y_train), (x_test / 16.0, y_test)


def train(x_train, y_train, x_test, y_test, epochs: int = 20, verbose="auto"):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        layers.Flatten(input_shape=x_train.shape[1:]),
        layers.Dense(128, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=epochs, batch_size=8, verbose=verbose)
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
