"""Keras-idiom programs beyond Sequential on Fashion-MNIST, in Keras or glassnet: test accuracies.

    KERAS_BACKEND=jax python tools/keras_reference/fashion_graph.py keras   (a venv with Keras 3)
    python tools/keras_reference/fashion_graph.py glassnet

Two programs, each for seeds 0, 1, 2, trained on the first 12,000 training images (pixels / 255)
and tested on the 10,000 test images (the data folder comes from GLASSNET_DATA):

- "graph": a functional model with two outputs. Conv2D(8, 3, relu) -> a residual block
  (two Conv2D(8, 3, same) added to their input) -> MaxPooling2D -> Flatten, concatenated with a
  Dense(32, relu) of the flat pixels; heads "item" (10-way softmax) and "upper" (sigmoid: is it
  a T-shirt, pullover, coat or shirt). Adam, loss dict, loss_weights {item: 1, upper: 0.3},
  batch 64, 3 epochs.
- "subclassed": a subclassed Model holding a custom Linear layer written with ops
  (add_weight, ops.matmul) and a Dense softmax head: 784 -> Linear(128) -> relu -> Dense(10).
  Adam, batch 32, 3 epochs.
"""

import gzip
import json
import os
import sys

import numpy as np

UPPER_BODY = (0, 2, 4, 6)


def load(folder, train_count=12000):
    def read(name, offset, shape):
        with gzip.open(os.path.join(folder, "fashion-mnist", name)) as stream:
            return np.frombuffer(stream.read(), np.uint8, offset=offset).reshape(shape)
    x_train = read("train-images-idx3-ubyte.gz", 16, (-1, 28, 28))[:train_count]
    y_train = read("train-labels-idx1-ubyte.gz", 8, (-1,))[:train_count]
    x_test = read("t10k-images-idx3-ubyte.gz", 16, (-1, 28, 28))
    y_test = read("t10k-labels-idx1-ubyte.gz", 8, (-1,))
    return (x_train / 255.0).astype("float32"), y_train, (x_test / 255.0).astype("float32"), y_test


def graph_program(keras, data, seed):
    layers = keras.layers
    x_train, y_train, x_test, y_test = data
    keras.utils.set_random_seed(seed)
    image = keras.Input((28, 28, 1), name="image")
    x = layers.Conv2D(8, 3, activation="relu")(image)
    y = layers.Conv2D(8, 3, padding="same", activation="relu")(x)
    y = layers.Conv2D(8, 3, padding="same")(y)
    x = layers.Activation("relu")(layers.Add()([x, y]))
    x = layers.Flatten()(layers.MaxPooling2D(2)(x))
    pixels = layers.Dense(32, activation="relu")(layers.Flatten()(image))
    joined = layers.Concatenate()([x, pixels])
    item = layers.Dense(10, activation="softmax", name="item")(joined)
    upper = layers.Dense(1, activation="sigmoid", name="upper")(joined)
    model = keras.Model(image, [item, upper])
    model.compile(optimizer="adam", loss={"item": "sparse_categorical_crossentropy", "upper": "binary_crossentropy"},
                  loss_weights={"item": 1.0, "upper": 0.3}, metrics={"item": ["accuracy"], "upper": ["accuracy"]})

    def targets(labels):
        return {"item": labels, "upper": np.isin(labels, UPPER_BODY).astype("float32")[:, None]}

    model.fit(x_train[..., None], targets(y_train), batch_size=64, epochs=3, verbose=0)
    logs = model.evaluate(x_test[..., None], targets(y_test), batch_size=500, verbose=0, return_dict=True)
    return {"item_accuracy": round(float(logs["item_accuracy"]), 4),
            "upper_accuracy": round(float(logs["upper_accuracy"]), 4)}


def subclassed_program(keras, data, seed):
    layers, ops = keras.layers, keras.ops
    x_train, y_train, x_test, y_test = data

    class Linear(layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", trainable=True)
            self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

        def call(self, inputs):
            return ops.matmul(inputs, self.w) + self.b

    class Classifier(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.flatten = layers.Flatten()
            self.hidden = Linear(128)
            self.head = layers.Dense(10, activation="softmax")

        def call(self, inputs, training=False):
            return self.head(ops.relu(self.hidden(self.flatten(inputs))))

    keras.utils.set_random_seed(seed)
    model = Classifier()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=32, epochs=3, verbose=0)
    return {"accuracy": round(float(model.evaluate(x_test, y_test, batch_size=500, verbose=0)[1]), 4)}


PROGRAMS = {"graph": graph_program, "subclassed": subclassed_program}


def main(framework, programs=tuple(PROGRAMS), seeds=(0, 1, 2)):
    if framework == "keras":
        import keras
    else:
        import glassnet as keras
    folder = os.environ.get("GLASSNET_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data"))
    data = load(folder)
    for name in programs:
        runs = [PROGRAMS[name](keras, data, seed) for seed in seeds]
        means = {key: round(float(np.mean([r[key] for r in runs])), 4) for key in runs[0]}
        print(json.dumps({"framework": framework, "program": name, "runs": runs, "mean": means}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], *(sys.argv[2:3] and [tuple(sys.argv[2].split(","))]))
