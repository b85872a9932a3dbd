"""Reference numbers for ZeroPadding1D, Cropping1D, UpSampling1D, Permute, SpatialDropout1D,
GaussianNoise and GaussianDropout from real Keras 3, written to
tests/layers/keras_sequence_shapes_golden.py. Run with a Python that has Keras 3 (the pinned
numbers came from JAX):

    KERAS_BACKEND=jax /path/to/keras-venv/bin/python tools/keras_reference/sequence_shapes.py

Inputs are new_layers.py's fixed ``pattern`` (multiples of 1/8, exact in float32). For each case
it records the output at inference, the output shapes for a known and an unknown number of
steps, the config, and whether a mask reaching the layer (from Masking, in a functional graph)
comes out of it. For the three random layers it also records what their training-mode noise
looks like in Keras (statistics over many draws), and ERRORS records the exception class Keras
raises for bad arguments. tests/layers/test_sequence_shapes.py imports CASES and ERRORS from here.
"""

import datetime
import os
import pprint
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from new_layers import pattern  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "layers",
                   "keras_sequence_shapes_golden.py")

# name: (layer class, constructor arguments, input shape)
CASES = {
    "zero_padding1d_default": ("ZeroPadding1D", {}, (2, 4, 3)),
    "zero_padding1d_int": ("ZeroPadding1D", {"padding": 2}, (2, 4, 3)),
    "zero_padding1d_pair": ("ZeroPadding1D", {"padding": (0, 3)}, (2, 4, 3)),
    "zero_padding1d_channels_last": ("ZeroPadding1D", {"padding": (2, 1), "data_format": "channels_last"}, (1, 3, 2)),
    "cropping1d_default": ("Cropping1D", {}, (2, 5, 3)),
    "cropping1d_int": ("Cropping1D", {"cropping": 2}, (2, 5, 3)),
    "cropping1d_pair": ("Cropping1D", {"cropping": (0, 3)}, (2, 5, 3)),
    "cropping1d_end_zero": ("Cropping1D", {"cropping": (2, 0)}, (2, 5, 3)),
    "up_sampling1d_default": ("UpSampling1D", {}, (2, 3, 2)),
    "up_sampling1d_3": ("UpSampling1D", {"size": 3}, (2, 3, 2)),
    "permute_21": ("Permute", {"dims": (2, 1)}, (2, 4, 3)),
    "permute_identity": ("Permute", {"dims": (1, 2)}, (2, 4, 3)),
    "permute_312": ("Permute", {"dims": (3, 1, 2)}, (2, 2, 3, 4)),
    "permute_231_list": ("Permute", {"dims": [2, 3, 1]}, (1, 2, 3, 4)),
    "spatial_dropout1d": ("SpatialDropout1D", {"rate": 0.5}, (2, 4, 3)),
    "spatial_dropout1d_seed": ("SpatialDropout1D", {"rate": 0.25, "seed": 7}, (2, 4, 3)),
    "gaussian_noise": ("GaussianNoise", {"stddev": 0.1}, (2, 4, 3)),
    "gaussian_noise_seed": ("GaussianNoise", {"stddev": 0.5, "seed": 3}, (2, 3)),
    "gaussian_dropout": ("GaussianDropout", {"rate": 0.3}, (2, 4, 3)),
    "gaussian_dropout_seed": ("GaussianDropout", {"rate": 0.5, "seed": 11}, (2, 2, 2, 2)),
}

# Bad arguments: (layer class, constructor arguments, input shape to call it on or None).
ERRORS = [
    ("ZeroPadding1D", {"padding": -1}, None),
    ("ZeroPadding1D", {"padding": (1, 2, 3)}, None),
    ("ZeroPadding1D", {"padding": "a"}, None),
    ("Cropping1D", {"cropping": -1}, None),
    ("Cropping1D", {"cropping": (1, 2, 3)}, None),
    ("Cropping1D", {"cropping": (2, 3)}, (1, 5, 2)),
    ("Cropping1D", {"cropping": 3}, (1, 5, 2)),
    ("UpSampling1D", {"size": 0}, None),
    ("UpSampling1D", {"size": 2.0}, None),
    ("Permute", {"dims": (1, 1)}, None),
    ("Permute", {"dims": (0, 1)}, None),
    ("Permute", {"dims": (1, 3)}, None),
    ("GaussianNoise", {"stddev": -0.1}, None),
    ("GaussianNoise", {"stddev": 1.5}, None),
    ("GaussianDropout", {"rate": -0.1}, None),
    ("GaussianDropout", {"rate": 1.5}, None),
    ("SpatialDropout1D", {"rate": 1.5}, None),
    ("SpatialDropout1D", {"rate": -0.5}, None),
]

# Training-mode noise, on ones: the layer's arguments and the input shape.
NOISE = {
    "spatial_dropout1d": ("SpatialDropout1D", {"rate": 0.25, "seed": 1}, (400, 6, 50)),
    "gaussian_noise": ("GaussianNoise", {"stddev": 0.3, "seed": 1}, (400, 250)),
    "gaussian_dropout": ("GaussianDropout", {"rate": 0.2, "seed": 1}, (400, 250)),
}


def noise_statistics(class_name, y, x):
    """What the training-mode noise of ``y`` (from ``x`` = ones) looks like."""
    y = np.asarray(y, np.float64)
    if class_name == "GaussianNoise":
        e = y - x
        return {"mean": round(float(e.mean()), 3), "std": round(float(e.std()), 3)}
    if class_name == "GaussianDropout":
        m = y / x
        return {"mean": round(float(m.mean()), 3), "std": round(float(m.std()), 3)}
    values = sorted({round(float(v), 6) for v in np.unique(y)})
    return {"values": values, "shared_over_steps": bool(np.all(y == y[:, :1, :])),
            "dropped_fraction": round(float((y == 0).mean()), 3)}


def _plain(value):
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def main():
    import warnings

    import keras
    results = {}
    for name, (class_name, kwargs, input_shape) in CASES.items():
        layer = getattr(keras.layers, class_name)(**kwargs)
        x = pattern(input_shape, 0)
        y = layer(x)
        unknown = (None, None) + input_shape[2:]
        inputs = keras.Input(input_shape[1:])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            masked = getattr(keras.layers, class_name)(**kwargs)(keras.layers.Masking()(inputs))
        config = layer.get_config()
        results[name] = {
            "output_shape": list(layer.compute_output_shape((None,) + input_shape[1:])),
            "output_shape_unknown_steps": list(layer.compute_output_shape(unknown)),
            "config": {k: _plain(v) for k, v in config.items() if k not in ("name", "dtype")},
            "config_keys": sorted(config),
            "passes_mask": getattr(masked, "_keras_mask", None) is not None,
            "output_shape_of_call": list(np.shape(y)),
            "output": np.asarray(y).ravel().tolist(),  # in C order
            "training_output_shape": list(np.shape(layer(x, training=True))),
        }
    errors = []
    for class_name, kwargs, input_shape in ERRORS:
        try:
            layer = getattr(keras.layers, class_name)(**kwargs)
            if input_shape is not None:
                layer(pattern(input_shape, 0))
            raised = None
        except Exception as error:  # noqa: BLE001 - the class is what is recorded
            raised = type(error).__name__
        errors.append((class_name, kwargs, input_shape, raised))
    noise = {}
    for name, (class_name, kwargs, input_shape) in NOISE.items():
        x = np.ones(input_shape, np.float32)
        y = getattr(keras.layers, class_name)(**kwargs)(x, training=True)
        noise[name] = noise_statistics(class_name, y, x)
    header = (f'"""Reference numbers from Keras {keras.__version__} ({keras.backend.backend()} backend, CPU), made '
              f"{datetime.date.today()} by\ntools/keras_reference/sequence_shapes.py. Regenerate with that script; do "
              'not edit by hand."""\n\n')
    with open(OUT, "w") as stream:
        stream.write(header)
        stream.write(f"KERAS_VERSION = {keras.__version__!r}\n")
        stream.write(f"KERAS_BACKEND = {keras.backend.backend()!r}\n\n")
        stream.write("LAYERS = " + pprint.pformat(results, width=110, sort_dicts=False, compact=True) + "\n\n")
        stream.write("# (class, arguments, input shape called on or None, exception class Keras raised or None)\n")
        stream.write("ERRORS = " + pprint.pformat(errors, width=110, compact=True) + "\n\n")
        stream.write("# training-mode noise on ones, NOISE cases of the script\n")
        stream.write("NOISE = " + pprint.pformat(noise, width=110, sort_dicts=False, compact=True) + "\n")
    print(f"wrote {os.path.abspath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
