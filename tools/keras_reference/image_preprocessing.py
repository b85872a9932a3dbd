"""Reference numbers for the non-text preprocessing layers (Normalization, Rescaling, Resizing,
CenterCrop, Discretization, CategoryEncoding, RandomFlip, RandomRotation, RandomZoom,
RandomTranslation, RandomContrast, RandomBrightness) from real Keras 3, written to
tests/layers/keras_image_preprocessing_golden.py. Run with a Python that has Keras 3 (the
pinned numbers came from JAX):

    KERAS_BACKEND=jax /path/to/keras-venv/bin/python tools/keras_reference/image_preprocessing.py

Inputs are fixed patterns (``pattern``), rebuilt by the test from the same CASES: this module
imports Keras only inside ``main``. The random layers are pinned where no randomness is left:
factors of zero width (RandomRotation((0.25, 0.25)) turns by exactly 90 degrees), or, where
Keras's checks allow no such factor (RandomFlip, RandomContrast), by applying a given
transformation (``transform_images``) whose numbers the case names.
"""

import datetime
import os
import pprint
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "layers",
                   "keras_image_preprocessing_golden.py")


def pattern(shape, seed: int, scale: float = 15.0) -> np.ndarray:
    """A fixed float32 array: entry i is ((i * (2 * seed + 5) + seed) mod 17) * scale (exact)."""
    count = int(np.prod(shape))
    return ((((np.arange(count) * (2 * seed + 5) + seed) % 17)) * scale).astype(np.float32).reshape(shape)


IMAGE, TALL = (2, 6, 8, 3), (1, 5, 7, 2)

# name: (class, constructor arguments, input shape, how it is called). "call": layer(x);
# "train": layer(x, training=True) (degenerate random factors); ("adapt", shape or [shapes]):
# adapt on pattern(shape, 7) (a list: an iterable of batches), then call;
# ("transform", values): layer.transform_images(x, {key: values}, training=True).
CASES = {
    "rescaling_255": ("Rescaling", {"scale": 1 / 255}, IMAGE, "call"),
    "rescaling_offset": ("Rescaling", {"scale": 1 / 127.5, "offset": -1.0}, IMAGE, "call"),
    "rescaling_per_channel": ("Rescaling", {"scale": [0.5, 2.0, 1.0], "offset": 1.0}, IMAGE, "call"),
    "normalization_last": ("Normalization", {}, (4, 3), ("adapt", (20, 3))),
    "normalization_none": ("Normalization", {"axis": None}, (5, 1), ("adapt", (12,))),
    "normalization_axes_12": ("Normalization", {"axis": (1, 2)}, (2, 3, 2), ("adapt", (6, 3, 2))),
    "normalization_axis_1_of_3": ("Normalization", {"axis": 1}, (2, 3, 2), ("adapt", (6, 3, 2))),
    "normalization_invert": ("Normalization", {"invert": True}, (4, 3), ("adapt", (20, 3))),
    "normalization_batches": ("Normalization", {}, (4, 3), ("adapt", [(5, 3), (9, 3), (2, 3)])),
    "normalization_given": ("Normalization", {"mean": 3.0, "variance": 2.0}, (3, 1), "call"),
    "normalization_given_vector": ("Normalization", {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 4.0, 9.0]},
                                   (4, 3), "call"),
    "resizing_bilinear_down": ("Resizing", {"height": 4, "width": 5}, IMAGE, "call"),
    "resizing_bilinear_up": ("Resizing", {"height": 9, "width": 11}, IMAGE, "call"),
    "resizing_nearest_down": ("Resizing", {"height": 4, "width": 3, "interpolation": "nearest"}, IMAGE, "call"),
    "resizing_nearest_up": ("Resizing", {"height": 9, "width": 13, "interpolation": "nearest"}, IMAGE, "call"),
    "resizing_bicubic_up": ("Resizing", {"height": 9, "width": 11, "interpolation": "bicubic"}, IMAGE, "call"),
    "resizing_bicubic_down": ("Resizing", {"height": 4, "width": 5, "interpolation": "bicubic"}, IMAGE, "call"),
    "resizing_lanczos3": ("Resizing", {"height": 5, "width": 11, "interpolation": "lanczos3"}, IMAGE, "call"),
    "resizing_lanczos5": ("Resizing", {"height": 9, "width": 6, "interpolation": "lanczos5"}, IMAGE, "call"),
    "resizing_antialias_down": ("Resizing", {"height": 3, "width": 3, "antialias": True}, IMAGE, "call"),
    "resizing_crop_aspect": ("Resizing", {"height": 4, "width": 4, "crop_to_aspect_ratio": True}, IMAGE, "call"),
    "resizing_crop_aspect_tall": ("Resizing", {"height": 6, "width": 2, "crop_to_aspect_ratio": True}, IMAGE,
                                  "call"),
    "resizing_pad_aspect": ("Resizing", {"height": 5, "width": 5, "pad_to_aspect_ratio": True, "fill_value": 7.0},
                            IMAGE, "call"),
    "resizing_pad_aspect_wide": ("Resizing", {"height": 2, "width": 6, "pad_to_aspect_ratio": True}, TALL, "call"),
    "center_crop_inside": ("CenterCrop", {"height": 3, "width": 5}, IMAGE, "call"),
    "center_crop_odd": ("CenterCrop", {"height": 4, "width": 4}, TALL, "call"),
    "center_crop_larger": ("CenterCrop", {"height": 7, "width": 4}, IMAGE, "call"),
    "center_crop_both_larger": ("CenterCrop", {"height": 9, "width": 10}, IMAGE, "call"),
    "discretization_int": ("Discretization", {"bin_boundaries": [0.0, 30.0, 100.0]}, (3, 4), "call"),
    "discretization_one_hot": ("Discretization", {"bin_boundaries": [30.0, 100.0], "output_mode": "one_hot"},
                               (5, 1), "call"),
    "discretization_multi_hot": ("Discretization", {"bin_boundaries": [30.0, 100.0], "output_mode": "multi_hot"},
                                 (3, 4), "call"),
    "discretization_count": ("Discretization", {"bin_boundaries": [30.0, 100.0, 200.0], "output_mode": "count"},
                             (3, 4), "call"),
    "discretization_adapt": ("Discretization", {"num_bins": 4}, (3, 4), ("adapt", (40, 5))),
    "discretization_adapt_eps": ("Discretization", {"num_bins": 5, "epsilon": 0.1}, (3, 4), ("adapt", (301,))),
    "discretization_adapt_batches": ("Discretization", {"num_bins": 3}, (3, 4),
                                     ("adapt", [(50, 3), (37, 3), (80, 3)])),
    "category_multi_hot": ("CategoryEncoding", {"num_tokens": 6}, (3, 4), "call"),
    "category_count": ("CategoryEncoding", {"num_tokens": 6, "output_mode": "count"}, (3, 4), "call"),
    "category_one_hot": ("CategoryEncoding", {"num_tokens": 6, "output_mode": "one_hot"}, (4,), "call"),
    "category_one_hot_column": ("CategoryEncoding", {"num_tokens": 6, "output_mode": "one_hot"}, (4, 1), "call"),
    "category_one_hot_matrix": ("CategoryEncoding", {"num_tokens": 6, "output_mode": "one_hot"}, (2, 3), "call"),
    "category_multi_hot_vector": ("CategoryEncoding", {"num_tokens": 6}, (4,), "call"),
    "flip_horizontal": ("RandomFlip", {"mode": "horizontal"}, IMAGE, ("transform", "flips", [True, False])),
    "flip_vertical": ("RandomFlip", {"mode": "vertical"}, IMAGE, ("transform", "flips", [False, True])),
    "flip_both": ("RandomFlip", {}, IMAGE, ("transform", "flips", [True, False])),
    "contrast_given": ("RandomContrast", {"factor": 0.5}, IMAGE, ("transform", "contrast_factor", [1.4, 0.6])),
    "contrast_given_range": ("RandomContrast", {"factor": 0.5, "value_range": (0, 100)}, IMAGE,
                             ("transform", "contrast_factor", [1.7, 0.2])),
    "contrast_degenerate": ("RandomContrast", {"factor": (-0.5, 0.5)}, IMAGE, "train"),
    "brightness_up": ("RandomBrightness", {"factor": (0.2, 0.2)}, IMAGE, "train"),
    "brightness_down_unit": ("RandomBrightness", {"factor": (-0.3, -0.3), "value_range": (0, 1)}, IMAGE, "train"),
}
for _mode in ("reflect", "wrap", "constant", "nearest"):
    CASES[f"rotation_90_{_mode}"] = ("RandomRotation", {"factor": (0.25, 0.25), "fill_mode": _mode}, TALL, "train")
    CASES[f"rotation_36_{_mode}"] = ("RandomRotation", {"factor": (0.1, 0.1), "fill_mode": _mode}, TALL, "train")
    CASES[f"zoom_in_{_mode}"] = ("RandomZoom", {"height_factor": (-0.5, -0.5), "fill_mode": _mode}, TALL, "train")
    CASES[f"zoom_out_{_mode}"] = ("RandomZoom", {"height_factor": (0.5, 0.5), "width_factor": (0.3, 0.3),
                                                 "fill_mode": _mode}, TALL, "train")
    CASES[f"translation_{_mode}"] = ("RandomTranslation", {"height_factor": (0.25, 0.25),
                                                           "width_factor": (-0.3, -0.3), "fill_mode": _mode},
                                     TALL, "train")
CASES["rotation_36_constant_fill"] = ("RandomRotation", {"factor": (-0.1, -0.1), "fill_mode": "constant",
                                                         "fill_value": 5.0}, TALL, "train")
CASES["rotation_90_nearest_interp"] = ("RandomRotation", {"factor": (0.25, 0.25), "interpolation": "nearest"},
                                       TALL, "train")
CASES["zoom_out_nearest_interp"] = ("RandomZoom", {"height_factor": (0.5, 0.5), "interpolation": "nearest",
                                                   "fill_mode": "constant"}, TALL, "train")
CASES["translation_fraction_nearest"] = ("RandomTranslation", {"height_factor": (0.1, 0.1),
                                                               "width_factor": (0.15, 0.15),
                                                               "interpolation": "nearest"}, TALL, "train")
CASES["translation_fraction_bilinear"] = ("RandomTranslation", {"height_factor": (0.1, 0.1),
                                                                "width_factor": (0.15, 0.15)}, TALL, "train")

INTEGER_INPUTS = ("CategoryEncoding",)


def case_input(name: str) -> np.ndarray:
    cls, _, shape, _ = CASES[name]
    if cls in INTEGER_INPUTS:
        return (pattern(shape, 3, 1.0) % 6).astype(np.int32)
    return pattern(shape, 3)


def adapt_data(spec):
    return [pattern(s, 7 + i) for i, s in enumerate(spec)] if isinstance(spec, list) else pattern(spec, 7)


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in ("name", "dtype")}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


def _floats(array) -> list:
    """The values, each to 9 significant digits (enough to give back every float32)."""
    return [float(f"{v:.9g}") for v in np.asarray(array, dtype=np.float64).reshape(-1)]


def _without_tensorflow() -> None:
    """Keras's adapt() asks whether the data is a tf.data.Dataset, which imports TensorFlow; with
    no TensorFlow installed, answer "no" (nothing here is one) so arrays and lists take Keras's
    own NumPy paths."""
    import types

    from keras.src.layers.preprocessing import discretization, normalization

    class NoDataset:
        pass

    stand_in = types.SimpleNamespace(data=types.SimpleNamespace(Dataset=NoDataset), is_tensor=lambda value: False)
    normalization.tf = discretization.tf = stand_in


FILE_INPUTS = {"normalization": ((8, 3), 13), "augmentation": ((2, 6, 6, 1), 17)}


def keras_model_files(keras) -> dict:
    """Two small models saved by Keras as .keras files: an adapted Normalization and a
    Rescaling before a Dense layer; the image-classification tutorial's preprocessing stack."""
    import base64
    import tempfile
    import zlib

    normalizer = keras.layers.Normalization()
    normalizer.adapt(pattern((40, 3), 19))
    models = {
        "normalization": keras.Sequential([keras.Input((3,)), normalizer, keras.layers.Rescaling(0.5, offset=1.0),
                                           keras.layers.Dense(2)]),
        "augmentation": keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Rescaling(1 / 255.0),
                                          keras.layers.RandomFlip("horizontal"), keras.layers.RandomRotation(0.1),
                                          keras.layers.RandomZoom(0.1), keras.layers.Resizing(4, 4),
                                          keras.layers.CenterCrop(3, 3), keras.layers.Flatten(),
                                          keras.layers.Dense(1)]),
    }
    files = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, model in models.items():
            path = os.path.join(folder, f"{name}.keras")
            model.save(path)
            with open(path, "rb") as f:
                data = base64.b64encode(zlib.compress(f.read(), 9)).decode("ascii")
            shape, seed = FILE_INPUTS[name]
            files[name] = {"file": data, "prediction": _floats(model.predict(pattern(shape, seed), verbose=0))}
    return files


def main() -> None:
    import keras

    _without_tensorflow()

    layers = {}
    for name, (cls, kwargs, shape, how) in CASES.items():
        layer = getattr(keras.layers, cls)(**kwargs)
        x = case_input(name)
        if isinstance(how, tuple) and how[0] == "adapt":
            layer.adapt(adapt_data(how[1]))
        if isinstance(how, tuple) and how[0] == "transform":
            values = np.asarray(how[2])
            key = how[1]
            values = values.reshape(-1, 1, 1, 1).astype("bool" if key == "flips" else "float32")
            y = layer.transform_images(keras.ops.convert_to_tensor(x), {key: values, "input_shape": x.shape},
                                       training=True)
        else:
            y = layer(x, training=True) if how == "train" else layer(x)
        entry = {"output_shape": list(np.shape(y)), "output": _floats(y),
                 "config": _plain(layer.get_config()),
                 "weights": {w.path.split("/")[-1]: _floats(w.numpy()) for w in layer.weights}}
        if cls == "Normalization" and layer.mean is not None:
            entry["mean_shape"] = list(np.shape(layer.mean))
        if cls == "Discretization":
            entry["bin_boundaries"] = [float(b) for b in layer.bin_boundaries]
        layers[name] = entry

    model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Rescaling(1.0 / 255),
                              keras.layers.RandomFlip("horizontal"), keras.layers.RandomRotation(0.1),
                              keras.layers.RandomZoom(0.1), keras.layers.Conv2D(4, 3, activation="relu"),
                              keras.layers.Resizing(10, 12), keras.layers.CenterCrop(8, 8),
                              keras.layers.Flatten(), keras.layers.Dense(2)])
    summary = [{"class": type(l).__name__, "output_shape": list(l.output.shape), "params": l.count_params()}
               for l in model.layers]
    normalizer = keras.layers.Normalization(axis=-1)
    normalizer.adapt(pattern((30, 4), 11))
    regression = keras.Sequential([keras.Input((4,)), normalizer, keras.layers.Dense(64, activation="relu"),
                                   keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)])
    regression_summary = [{"class": type(l).__name__, "output_shape": list(l.output.shape),
                           "params": l.count_params(),
                           "trainable": int(sum(np.prod(w.shape) for w in l.trainable_weights))}
                          for l in regression.layers]

    keras_files = keras_model_files(keras)

    stamp = datetime.date.today().isoformat()
    with open(OUT, "w") as f:
        f.write(f'"""Reference numbers from Keras {keras.__version__} ({keras.backend.backend()} backend, CPU), made '
                f"{stamp} by\ntools/keras_reference/image_preprocessing.py. Regenerate with that script; do not "
                'edit by hand."""\n\n')
        f.write(f"KERAS_VERSION = {keras.__version__!r}\nKERAS_BACKEND = {keras.backend.backend()!r}\n\n")
        f.write("LAYERS = " + pprint.pformat(layers, width=110, sort_dicts=False, compact=True) + "\n\n")
        f.write("SUMMARY = " + pprint.pformat(summary, width=110, sort_dicts=False) + "\n\n")
        f.write("REGRESSION_SUMMARY = " + pprint.pformat(regression_summary, width=110, sort_dicts=False) + "\n\n")
        f.write("# .keras files Keras wrote (zlib, then base64), with Keras's predictions on FILE_INPUTS[name]\n")
        f.write("KERAS_FILES = " + pprint.pformat(keras_files, width=110, sort_dicts=False) + "\n")
    print(f"wrote {len(layers)} cases to {os.path.normpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
