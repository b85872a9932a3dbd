"""Functional models built the same way by Keras and by glassnet, for the .keras round trips.

Each builder takes the framework module (``keras`` or ``glassnet``) so that one definition
serves both sides; nothing here imports either.
"""


def merge_graph(keras):
    """Two inputs, two outputs, a shared layer, and every merge layer."""
    L = keras.layers
    a = keras.Input((6,), name="a")
    b = keras.Input((4, 3), name="b")
    shared = L.Dense(5, activation="tanh", name="shared")
    h1 = shared(a)
    h2 = shared(L.Dense(6)(L.Flatten()(b)))
    added = L.Add()([h1, h2])
    merged = [added, L.Subtract()([h1, h2]), L.Multiply()([h1, h2]), L.Average()([h1, h2]),
              L.Maximum()([h1, h2]), L.Minimum()([h1, h2]), L.Dot(axes=1)([h1, h2])]
    digit = L.Dense(3, activation="softmax", name="digit")(L.Concatenate()(merged))
    kind = L.Dense(1, name="kind")(L.Dense(4, activation="relu")(added))
    return keras.Model([a, b], [digit, kind], name="merge_graph")


def residual_cnn(keras):
    """A convolutional residual block: y = relu(x + conv(conv(x)))."""
    L = keras.layers
    inputs = keras.Input((8, 8, 2))
    x = L.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    y = L.Conv2D(4, 3, padding="same", activation="relu")(x)
    y = L.Conv2D(4, 3, padding="same")(y)
    x = L.Activation("relu")(L.Add()([x, y]))
    x = L.BatchNormalization()(L.MaxPooling2D(2)(x))
    outputs = L.Dense(5, activation="softmax")(L.GlobalAveragePooling2D()(x))
    return keras.Model(inputs, outputs, name="residual_cnn")


GRAPHS = {"merge_graph": merge_graph, "residual_cnn": residual_cnn}


def graph_inputs(kind, rng):
    """Inputs for a graph: a list of float32 arrays (8 samples)."""
    if kind == "merge_graph":
        return [rng.random((8, 6), dtype="float32"), rng.random((8, 4, 3), dtype="float32")]
    return [rng.random((8, 8, 8, 2), dtype="float32")]
