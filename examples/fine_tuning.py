"""Transfer learning as Keras's guide does it, on scikit-learn's bundled 8x8 digits, offline.

    python examples/fine_tuning.py

1. Train a small convolutional base (with BatchNormalization) on the digits 0-4.
2. Reuse it for the digits 5-9: freeze it (``base.trainable = False``), call it with
   ``training=False`` inside a new model, and train only a new head.
3. Fine-tune: unfreeze the base, compile again with a low learning rate (a change of
   ``trainable`` takes effect at the next compile), and train everything a little.
Prints the accuracy on the held-out 5-9 digits after each stage.
"""

import sys

import numpy as np

import glassnet as keras
from glassnet import layers


def digits_split(low: bool):
    """The digits 0-4 (``low``) or 5-9 (relabelled 0-4), as (x_train, y_train), (x_test, y_test)."""
    (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
    def part(x, y):
        keep = (y < 5) if low else (y >= 5)
        return (x[keep] / 16.0)[..., np.newaxis].astype("float32"), (y[keep] % 5)
    return part(x_train, y_train), part(x_test, y_test)


def make_base():
    return keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(16, 3, activation="relu", padding="same"),
                             layers.BatchNormalization(), layers.MaxPooling2D(2), layers.Flatten(),
                             layers.Dense(32, activation="relu")], name="base")


def main(epochs: int = 10, verbose="auto"):
    keras.utils.set_random_seed(0)
    (x_low, y_low), _ = digits_split(low=True)
    (x_high, y_high), (x_high_test, y_high_test) = digits_split(low=False)

    base = make_base()
    pretraining = keras.Sequential([base, layers.Dense(5, activation="softmax")])
    pretraining.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    pretraining.fit(x_low, y_low, epochs=epochs, batch_size=16, verbose=verbose)

    base.trainable = False  # freeze: its weights and BatchNormalization's statistics stay as they are
    inputs = keras.Input((8, 8, 1))
    features = base(inputs, training=False)
    outputs = layers.Dense(5, activation="softmax")(layers.Dropout(0.2)(features))
    model = keras.Model(inputs, outputs)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_high, y_high, epochs=epochs, batch_size=16, verbose=verbose)
    _, head_only = model.evaluate(x_high_test, y_high_test, verbose=0)

    base.trainable = True  # unfreeze, then compile again for it to take effect
    model.compile(keras.optimizers.Adam(1e-4), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_high, y_high, epochs=max(1, epochs // 2), batch_size=16, verbose=verbose)
    _, fine_tuned = model.evaluate(x_high_test, y_high_test, verbose=0)
    return head_only, fine_tuned


if __name__ == "__main__":
    head_only, fine_tuned = main(verbose=0 if "--quiet" in sys.argv else "auto")
    print(f"digits 5-9, frozen base + new head: accuracy {head_only:.3f}")
    print(f"digits 5-9, after fine-tuning:      accuracy {fine_tuned:.3f}")
