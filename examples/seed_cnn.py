"""A small convolutional network for handwritten digits: one convolution, one pooling, one
dense read-out. Shows a test image with the predicted label at the end.

    python examples/seed_cnn.py            (needs MNIST: found offline or downloaded once)
    python examples/seed_cnn.py --no-plot
"""

import sys

import numpy as np

import glassnet as keras
from glassnet.layers import Conv2D, Dense, Flatten, MaxPooling2D
from glassnet.models import Sequential
from glassnet.utils import to_categorical


def prepare(x, y):
    """uint8 (n, 28, 28) images -> float (n, 28, 28, 1) in [0, 1]; labels -> one-hot."""
    return np.expand_dims(x / 255.0, -1), to_categorical(y, 10)


def build() -> Sequential:
    model = Sequential()
    model.add(Conv2D(64, kernel_size=3, activation="relu", input_shape=(28, 28, 1)))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Flatten())
    model.add(Dense(10, activation="softmax"))
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def run(x_train, y_train, x_test, y_test, epochs=3, batch_size=32, verbose="auto", plot=False):
    keras.utils.set_random_seed(0)
    x_train, y_train = prepare(x_train, y_train)
    x_test, y_test = prepare(x_test, y_test)
    model = build()
    history = model.fit(x_train, y_train, validation_data=(x_test, y_test), epochs=epochs, batch_size=batch_size,
                        verbose=verbose)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    predictions = model.predict(x_test, verbose=0)
    if plot:
        from glassnet import plot as glassnet_plot
        glassnet_plot.predictions(x_test, predictions, y_test.argmax(axis=1), count=1, path="seed_cnn_prediction.png")
        glassnet_plot.training_curves(history, path="seed_cnn_curves.png")
    return model, history, accuracy, predictions


def main(plot: bool = True) -> None:
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    _, _, accuracy, predictions = run(x_train, y_train, x_test, y_test, plot=plot)
    print(f"Test accuracy: {accuracy:.4f}; first test image predicted as {np.argmax(predictions[0])}")


if __name__ == "__main__":
    main(plot="--no-plot" not in sys.argv)
