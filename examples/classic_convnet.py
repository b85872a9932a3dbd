"""The classic Keras MNIST convnet: two convolution + pooling stages, dropout, softmax.

    python examples/classic_convnet.py [--fashion] [--no-plot]
"""

import sys

import numpy as np

import glassnet as keras
from glassnet import layers


def build(input_shape=(28, 28, 1), classes=10) -> keras.Sequential:
    return keras.Sequential([
        keras.Input(shape=input_shape),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(classes, activation="softmax"),
    ])


def run(x_train, y_train, x_test, y_test, epochs=3, batch_size=128, verbose="auto", plot=False):
    keras.utils.set_random_seed(0)
    x_train = np.expand_dims(x_train.astype("float32") / 255, -1)
    x_test = np.expand_dims(x_test.astype("float32") / 255, -1)
    y_train, y_test = keras.utils.to_categorical(y_train, 10), keras.utils.to_categorical(y_test, 10)
    model = build()
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, validation_split=0.1, verbose=verbose)
    score = model.evaluate(x_test, y_test, verbose=0)
    if plot:
        from glassnet import plot as glassnet_plot
        glassnet_plot.training_curves(history, path="classic_convnet_curves.png")
        glassnet_plot.confusion_matrix(y_test, model.predict(x_test, verbose=0), path="classic_convnet_confusion.png")
    return model, history, score[1]


def main(fashion: bool = False, plot: bool = True) -> None:
    source = keras.datasets.fashion_mnist if fashion else keras.datasets.mnist
    (x_train, y_train), (x_test, y_test) = source.load_data()
    model, _, accuracy = run(x_train, y_train, x_test, y_test, plot=plot)
    model.summary()
    print(f"Test accuracy: {accuracy:.4f}")


if __name__ == "__main__":
    main(fashion="--fashion" in sys.argv, plot="--no-plot" not in sys.argv)
