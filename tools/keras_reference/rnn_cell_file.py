"""Reference numbers for RNN(cell) from real Keras 3, for tests/layers/test_recurrent_cells.py:
writes tests/saving/files/keras_rnn_cells.keras (a model of RNN(SimpleRNNCell), RNN(GRUCell) and
RNN(LSTMCell) layers) and prints the numbers the test pins: that model's predictions, and
each cell's RNN forward pass on fixed weights (``pattern`` from new_layers.py).

    cd /tmp && KERAS_BACKEND=jax /path/to/keras-venv/bin/python /path/to/tools/keras_reference/rnn_cell_file.py
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from new_layers import pattern  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "saving", "files",
                   "keras_rnn_cells.keras")
# name: (cell class, cell arguments, RNN arguments). Input pattern((2, 4, 3), 0); weight i is pattern(shape, 1 + i).
FORWARD_CASES = {
    "simple_rnn_cell": ("SimpleRNNCell", {"units": 3}, {"return_sequences": True}),
    "lstm_cell": ("LSTMCell", {"units": 2}, {"return_state": True}),
    "gru_cell": ("GRUCell", {"units": 2}, {"return_sequences": True, "go_backwards": True}),
    "gru_cell_reset_before": ("GRUCell", {"units": 2, "reset_after": False}, {}),
}
FILE_INPUT = pattern((2, 5, 3), 7)


def main():
    import keras
    layers = keras.layers
    np.set_printoptions(precision=8, floatmode="unique")
    x = pattern((2, 4, 3), 0)
    for name, (cell_class, cell_args, rnn_args) in FORWARD_CASES.items():
        layer = layers.RNN(getattr(layers, cell_class)(**cell_args), **rnn_args)
        layer.build(x.shape)
        layer.set_weights([pattern(w.shape, 1 + i) for i, w in enumerate(layer.get_weights())])
        outputs = layer(x)
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        print(f"{name!r}: {[np.asarray(o).tolist() for o in outputs]!r},")

    keras.utils.set_random_seed(5)
    model = keras.Sequential([keras.Input((5, 3)),
                              layers.RNN(layers.SimpleRNNCell(3, activation="relu"), return_sequences=True),
                              layers.RNN(layers.GRUCell(3), return_sequences=True),
                              layers.RNN(layers.LSTMCell(4)), layers.Dense(2)])
    model.save(OUT)
    print("file predictions:", model.predict(FILE_INPUT, verbose=0).tolist())
    print("keras", keras.__version__, keras.backend.backend())


if __name__ == "__main__":
    main()
