"""Reference numbers for RepeatVector, Cropping2D, Conv1DTranspose and Conv2DTranspose from real
Keras 3, written to tests/layers/keras_new_layers_golden.py. Run with a Python that has Keras 3
(any backend; the pinned numbers came from JAX):

    KERAS_BACKEND=jax /path/to/keras-venv/bin/python tools/keras_reference/new_layers.py

Every input and weight is a fixed pattern (``pattern``: multiples of 1/8 in [-1, 1], so every
output is exact in float32), which the test rebuilds from the same cases: this module imports
Keras only inside ``main``, and tests/layers/test_new_layers.py imports CASES, CONV1D_GRID and
``pattern`` from it. glassnet's tests compare against the written numbers without Keras.
"""

import datetime
import itertools
import os
import pprint
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "layers",
                   "keras_new_layers_golden.py")


def pattern(shape, seed: int) -> np.ndarray:
    """A fixed float32 array of ``shape``: entry i is ((i * (2 * seed + 5) + seed) mod 17 - 8) / 8."""
    count = int(np.prod(shape))
    return ((((np.arange(count) * (2 * seed + 5) + seed) % 17) - 8) / 8).astype(np.float32).reshape(shape)


# name: (layer class, constructor arguments, input shape). Weights are pattern(shape, 1 + index).
CASES = {
    "repeat_vector_3": ("RepeatVector", {"n": 3}, (2, 4)),
    "cropping2d_default": ("Cropping2D", {}, (1, 5, 6, 2)),
    "cropping2d_int": ("Cropping2D", {"cropping": 1}, (1, 5, 6, 2)),
    "cropping2d_pair": ("Cropping2D", {"cropping": (1, 2)}, (1, 5, 6, 2)),
    "cropping2d_pairs": ("Cropping2D", {"cropping": ((0, 1), (2, 0))}, (1, 5, 6, 2)),
    "conv2dt_k3": ("Conv2DTranspose", {"filters": 2, "kernel_size": 3}, (1, 3, 4, 2)),
    "conv2dt_k3x2_s2": ("Conv2DTranspose", {"filters": 2, "kernel_size": (3, 2), "strides": 2}, (1, 3, 4, 2)),
    "conv2dt_k3_s2_same": ("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
                           (1, 3, 4, 2)),
    "conv2dt_k3_s2_same_op1": ("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same",
                                                   "output_padding": 1}, (1, 3, 4, 2)),
    "conv2dt_k2_s2x3_valid_op": ("Conv2DTranspose", {"filters": 3, "kernel_size": 2, "strides": (2, 3),
                                                     "output_padding": (1, 2)}, (1, 3, 2, 2)),
    "conv2dt_k4_s2_same_relu": ("Conv2DTranspose", {"filters": 2, "kernel_size": 4, "strides": 2, "padding": "same",
                                                    "activation": "relu"}, (1, 3, 3, 2)),
    "conv2dt_k3_d2_same_nobias": ("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "padding": "same",
                                                      "dilation_rate": 2, "use_bias": False}, (1, 4, 3, 2)),
    "conv2dt_k2_d2x1": ("Conv2DTranspose", {"filters": 1, "kernel_size": 2, "dilation_rate": (2, 1)}, (1, 3, 3, 3)),
    "conv2dt_k1_s2_same": ("Conv2DTranspose", {"filters": 2, "kernel_size": 1, "strides": 2, "padding": "same"},
                           (1, 3, 2, 2)),
    "conv2dt_k2_s3": ("Conv2DTranspose", {"filters": 2, "kernel_size": 2, "strides": 3}, (1, 2, 3, 1)),
    "conv2dt_k3_s3_same_op2_tanh": ("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 3,
                                                        "padding": "same", "output_padding": 2,
                                                        "activation": "tanh"}, (1, 2, 2, 2)),
    "conv1dt_k3_s2_same": ("Conv1DTranspose", {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
                           (2, 4, 2)),
    "conv1dt_k4_s2_valid_op1": ("Conv1DTranspose", {"filters": 2, "kernel_size": 4, "strides": 2,
                                                    "output_padding": 1}, (1, 3, 3)),
    "conv1dt_k3_d2_sigmoid": ("Conv1DTranspose", {"filters": 2, "kernel_size": 3, "dilation_rate": 2,
                                                  "activation": "sigmoid"}, (1, 4, 2)),
    "conv1d_causal_dilated": ("Conv1D", {"filters": 3, "kernel_size": 3, "padding": "causal", "dilation_rate": 2},
                              (2, 9, 2)),
    "layer_normalization": ("LayerNormalization", {}, (2, 3, 4)),
    "layer_normalization_eps_no_center": ("LayerNormalization", {"epsilon": 0.1, "center": False}, (3, 5)),
    "conv1d_causal_strided": ("Conv1D", {"filters": 2, "kernel_size": 4, "padding": "causal", "strides": 2,
                                         "use_bias": False}, (2, 9, 2)),
}


def conv1d_grid():
    """(kernel, stride, padding, dilation, length, output_padding): every output_padding Keras
    allows (None and 0 ... stride - 1), for a one-channel Conv1DTranspose without bias."""
    for k, s, padding, d, length in itertools.product((1, 2, 3, 4), (1, 2, 3), ("valid", "same"), (1, 2), (1, 3)):
        if s > 1 and d > 1:
            continue  # refused by Keras (and glassnet)
        for op in (None,) + tuple(range(s)):
            yield (k, s, padding, d, length, op)


CONV1D_GRID = list(conv1d_grid())
GRID_INPUT = np.array([1.0, 10.0, 100.0], np.float32)  # x[:length]; kernel [1, 2, ..., k]: each sum tells its terms


def _plain(value):
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return value.get("class_name", value)  # an initializer: its class name is enough here
    return value


def main():
    import keras
    results = {}
    for name, (class_name, kwargs, input_shape) in CASES.items():
        layer = getattr(keras.layers, class_name)(**kwargs)
        x = pattern(input_shape, 0)
        layer(x)
        layer.set_weights([pattern(w.shape, 1 + i) for i, w in enumerate(layer.weights)])
        config = layer.get_config()
        results[name] = {
            "output_shape": list(layer.compute_output_shape((None,) + input_shape[1:])),
            "weights": [[w.name, list(w.shape)] for w in layer.weights],
            "count_params": layer.count_params(),
            "config": {k: _plain(v) for k, v in config.items() if k not in ("name", "dtype")},
            "output_shape_of_call": list(np.shape(layer(x))),
            "output": np.asarray(layer(x)).ravel().tolist(),  # in C order
        }
    grid = {}
    for k, s, padding, d, length, op in CONV1D_GRID:
        layer = keras.layers.Conv1DTranspose(1, k, strides=s, padding=padding, output_padding=op, dilation_rate=d,
                                             use_bias=False)
        x = GRID_INPUT[:length].reshape(1, length, 1)
        layer(x)
        layer.set_weights([np.arange(1, k + 1, dtype=np.float32).reshape(k, 1, 1)])
        grid[(k, s, padding, d, length, op)] = np.asarray(layer(x)).ravel().tolist()
    header = (f'"""Reference numbers from Keras {keras.__version__} ({keras.backend.backend()} backend, CPU), made '
              f"{datetime.date.today()} by\ntools/keras_reference/new_layers.py. Regenerate with that script; do not "
              'edit by hand."""\n\n')
    with open(OUT, "w") as stream:
        stream.write(header)
        stream.write(f"KERAS_VERSION = {keras.__version__!r}\n")
        stream.write(f"KERAS_BACKEND = {keras.backend.backend()!r}\n\n")
        stream.write("LAYERS = " + pprint.pformat(results, width=110, sort_dicts=False, compact=True) + "\n\n")
        stream.write("# Conv1DTranspose(1, k, strides=s, padding=..., output_padding=op, dilation_rate=d, use_bias=False)\n"
                     "# on x = [1, 10, 100][:length] with kernel [1, ..., k]: (k, s, padding, d, length, op) -> output\n")
        stream.write("CONV1D_GRID = " + pprint.pformat(grid, width=110, sort_dicts=False, compact=True) + "\n")
    print(f"wrote {os.path.abspath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
