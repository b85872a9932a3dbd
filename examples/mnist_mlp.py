"""The dense MNIST networks of the tutorials, each in a few lines.

    python examples/mnist_mlp.py [small|wide|flat]

- small: 784 -> Dense(32, relu) -> Dense(10, softmax), integer labels, sparse cross-entropy;
- wide:  28x28 -> Flatten (no input shape: built from the data) -> Dense(512, relu)
         -> Dense(10, softmax), one-hot labels, categorical cross-entropy;
- flat:  784 -> Flatten(input_shape=(784,)) -> Dense(128, relu) -> Dense(10, softmax), one-hot.

Data come from ``glassnet.datasets.mnist.load_data()`` (found offline or downloaded once).
"""

import sys

import glassnet as keras
from glassnet.layers import Dense, Flatten
from glassnet.models import Sequential
from glassnet.utils import to_categorical


def build(variant: str):
    if variant == "small":
        return Sequential([Dense(32, activation="relu", input_shape=(784,)), Dense(10, activation="softmax")])
    if variant == "wide":
        return Sequential([Flatten(), Dense(units=512, activation="relu"), Dense(units=10, activation="softmax")])
    if variant == "flat":
        return Sequential([Flatten(input_shape=(784,)), Dense(128, activation="relu"), Dense(10, activation="softmax")])
    raise ValueError(f"variant must be 'small', 'wide' or 'flat', received {variant!r}")


def prepare(variant, x_train, y_train, x_test, y_test):
    """Scale pixels to [0, 1]; flatten for the 784-input variants; one-hot labels where the
    loss is categorical cross-entropy."""
    x_train, x_test = x_train / 255.0, x_test / 255.0
    if variant in ("small", "flat"):
        x_train, x_test = x_train.reshape(-1, 784), x_test.reshape(-1, 784)
    if variant in ("wide", "flat"):
        y_train, y_test = to_categorical(y_train, 10), to_categorical(y_test, 10)
    return x_train, y_train, x_test, y_test


def run(variant, x_train, y_train, x_test, y_test, epochs=5, batch_size=32, verbose="auto"):
    keras.utils.set_random_seed(0)
    x_train, y_train, x_test, y_test = prepare(variant, x_train, y_train, x_test, y_test)
    model = build(variant)
    loss = "sparse_categorical_crossentropy" if variant == "small" else "categorical_crossentropy"
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=verbose)
    test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=verbose)
    probabilities = model.predict(x_test[:1], verbose=0)
    return model, history, test_accuracy, int(probabilities.argmax(axis=-1)[0])


def main(variant: str = "small") -> None:
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    _, _, accuracy, first_prediction = run(variant, x_train, y_train, x_test, y_test)
    print(f"Test accuracy: {accuracy:.4f}; first test image predicted as {first_prediction} "
          f"(label {y_test[0]})")


if __name__ == "__main__":
    main(*sys.argv[1:2])
