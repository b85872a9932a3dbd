"""The Keras side of the ``.weights.h5`` tests (run with a Python that has Keras 3.15.1).

    python weights_h5.py fixture                          writes tests/saving/files/keras_weights.weights.h5
                                                          and prints the golden predictions
    python weights_h5.py save KIND W.weights.h5 X.npz Y.npz   Keras builds KIND, saves its weights, predicts
    python weights_h5.py load KIND W.weights.h5 X.npz Y.npz   Keras builds KIND, loads the weights, predicts

KIND is one of keras_roundtrip.py's models (mlp, cnn, or a graph of graph_models.py). The
fixture is a small functional model of two inputs (an LSTM branch and a Dense branch) whose
weight i (in ``model.get_weights()`` order) is ``pattern(shape, 1 + i)``; the golden file is
tests/saving/keras_weights_h5_golden.py:

    cd /tmp && KERAS_BACKEND=jax /path/to/keras-venv/bin/python /path/to/tools/keras_reference/weights_h5.py fixture
"""

import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from new_layers import pattern  # noqa: E402

FIXTURE = os.path.join(HERE, "..", "..", "tests", "saving", "files", "keras_weights.weights.h5")


def fixture_model(framework):
    """Two inputs: (4, 3) sequences through an LSTM, 5 features through a Dense; concatenated,
    then two Dense layers. ``framework`` is keras or glassnet (tests/saving/test_weights_h5.py
    builds the same model)."""
    L = framework.layers
    steps, features = framework.Input((4, 3), name="steps"), framework.Input((5,), name="features")
    merged = L.Concatenate()([L.LSTM(2, name="memory")(steps), L.Dense(3, activation="relu", name="wide")(features)])
    hidden = L.Dense(4, activation="tanh", name="hidden")(merged)
    return framework.Model([steps, features], L.Dense(2, name="out")(hidden), name="fixture")


def fixture_inputs():
    return [pattern((3, 4, 3), 11), pattern((3, 5), 12)]


def write_fixture():
    import keras
    model = fixture_model(keras)
    model.set_weights([pattern(w.shape, 1 + i) for i, w in enumerate(model.get_weights())])
    model.save_weights(FIXTURE)
    np.set_printoptions(precision=8, floatmode="unique")
    print("# weight shapes:", [tuple(w.shape) for w in model.get_weights()])
    print("PREDICTIONS =", np.asarray(model.predict(fixture_inputs(), verbose=0)).tolist())


def main(argv):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if argv[0] == "fixture":
        write_fixture()
        return
    from keras_roundtrip import _inputs, _save_outputs, build
    command, kind, weights, x_path, y_path = argv
    model = build(kind)
    x = _inputs(x_path)
    if command == "load":
        model.load_weights(weights)
    else:
        if kind == "cnn":  # move the batch statistics away from their initial values
            model.compile("adam", "sparse_categorical_crossentropy")
            model.fit(x, np.arange(len(x)) % 5, epochs=1, verbose=0)
        model.save_weights(weights)
    _save_outputs(y_path, model.predict(x, verbose=0))


if __name__ == "__main__":
    main(sys.argv[1:])
