"""Reference numbers for glassnet's losses from real Keras 3, written to
tests/core/keras_losses_golden.py. Run with a Python that has Keras 3 (the pinned numbers came
from the JAX backend), from a folder outside the glassnet checkout:

    cd /tmp && KERAS_BACKEND=jax /path/to/keras-venv/bin/python /path/to/tools/keras_reference/losses.py

The inputs are fixed arrays built from ``pattern`` (``inputs()``), which the test rebuilds by
importing this module: Keras is imported only inside ``main``. For every case it records the
loss with the default reduction, with SAMPLE_WEIGHT, the function form per sample, and the
config; for TRAIN_CASES, one SGD step of a tiny Dense model compiled with the loss.
"""

import datetime
import os
import pprint
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "core",
                   "keras_losses_golden.py")

SAMPLE_WEIGHT = [1.0, 0.5, 2.0, 0.0]


def pattern(shape, seed: int) -> np.ndarray:
    """A fixed float32 array of ``shape``: entry i is ((i * (2 * seed + 5) + seed) mod 17 - 8) / 8."""
    count = int(np.prod(shape))
    return ((((np.arange(count) * (2 * seed + 5) + seed) % 17) - 8) / 8).astype(np.float32).reshape(shape)


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)


def inputs() -> dict:
    """The named y_true / y_pred arrays the cases use (batch of 4, 3 values per sample)."""
    labels = np.array([0, 2, 1, 2])
    y_binary = (pattern((4, 3), 5) > 0).astype(np.float32)
    return {
        "y_one_hot": np.eye(3, dtype=np.float32)[labels],
        "y_binary": y_binary,
        "y_signed": 2 * y_binary - 1,
        "y_soft": _softmax(2 * pattern((4, 3), 6)),
        "probs": _softmax(2 * pattern((4, 3), 1)),
        "p_binary": (1 / (1 + np.exp(-3 * pattern((4, 3), 2)))).astype(np.float32),
        "logits": 2 * pattern((4, 3), 3),
        "y_reg": 2 * pattern((4, 3), 4),
        "p_reg": 2 * pattern((4, 3), 7),
        "y_pos": np.abs(4 * pattern((4, 3), 8)),
        "p_pos": 0.25 + np.abs(3 * pattern((4, 3), 9)),
        "y_col": pattern((4,), 10),           # (batch,) targets for a (batch, 1) output
        "p_col": pattern((4, 1), 11),
        "y_col_binary": (pattern((4,), 12) > 0).astype(np.float32),
    }


# name: (Keras class, constructor arguments, y_true key, y_pred key)
CASES = {
    "kl_divergence": ("KLDivergence", {}, "y_soft", "probs"),
    "kl_divergence_one_hot": ("KLDivergence", {}, "y_one_hot", "probs"),
    "poisson": ("Poisson", {}, "y_pos", "p_pos"),
    "cosine_similarity": ("CosineSimilarity", {}, "y_reg", "p_reg"),
    "hinge_signed": ("Hinge", {}, "y_signed", "p_reg"),
    "hinge_binary": ("Hinge", {}, "y_binary", "p_reg"),
    "hinge_column": ("Hinge", {}, "y_col_binary", "p_col"),
    "squared_hinge_signed": ("SquaredHinge", {}, "y_signed", "p_reg"),
    "squared_hinge_binary": ("SquaredHinge", {}, "y_binary", "p_reg"),
    "categorical_hinge": ("CategoricalHinge", {}, "y_one_hot", "p_reg"),
    "log_cosh": ("LogCosh", {}, "y_reg", "p_reg"),
    "log_cosh_column": ("LogCosh", {}, "y_col", "p_col"),
    "msle": ("MeanSquaredLogarithmicError", {}, "y_pos", "p_reg"),
    "mape": ("MeanAbsolutePercentageError", {}, "y_reg", "p_reg"),
    "mape_column": ("MeanAbsolutePercentageError", {}, "y_col", "p_col"),
    "binary_focal": ("BinaryFocalCrossentropy", {}, "y_binary", "p_binary"),
    "binary_focal_balanced_smoothed": ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "alpha": 0.4,
                                                                   "gamma": 1.5, "label_smoothing": 0.1},
                                       "y_binary", "p_binary"),
    "binary_focal_logits": ("BinaryFocalCrossentropy", {"from_logits": True, "gamma": 3.0}, "y_binary", "logits"),
    "categorical_focal": ("CategoricalFocalCrossentropy", {}, "y_one_hot", "probs"),
    "categorical_focal_logits_smoothed": ("CategoricalFocalCrossentropy", {"from_logits": True, "alpha": 0.5,
                                                                           "gamma": 3.0, "label_smoothing": 0.2},
                                          "y_one_hot", "logits"),
    "bce_smoothed": ("BinaryCrossentropy", {"label_smoothing": 0.2}, "y_binary", "p_binary"),
    "bce_logits_smoothed": ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "y_binary", "logits"),
    "cce_smoothed": ("CategoricalCrossentropy", {"label_smoothing": 0.2}, "y_one_hot", "probs"),
    "cce_logits_smoothed": ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2},
                            "y_one_hot", "logits"),
    "mse_sum": ("MeanSquaredError", {"reduction": "sum"}, "y_reg", "p_reg"),
    "mse_none": ("MeanSquaredError", {"reduction": None}, "y_reg", "p_reg"),
    "mse_mean": ("MeanSquaredError", {"reduction": "mean"}, "y_reg", "p_reg"),
    "mse_mean_with_sample_weight": ("MeanSquaredError", {"reduction": "mean_with_sample_weight"}, "y_reg", "p_reg"),
    "hinge_sum": ("Hinge", {"reduction": "sum"}, "y_signed", "p_reg"),
    "kld_none": ("KLDivergence", {"reduction": "none"}, "y_soft", "probs"),
}

# Keras's function for each class (the function form takes the same options but reduction and name).
FUNCTION_OF = {
    "KLDivergence": "kl_divergence", "Poisson": "poisson", "CosineSimilarity": "cosine_similarity",
    "Hinge": "hinge", "SquaredHinge": "squared_hinge", "CategoricalHinge": "categorical_hinge",
    "LogCosh": "log_cosh", "MeanSquaredLogarithmicError": "mean_squared_logarithmic_error",
    "MeanAbsolutePercentageError": "mean_absolute_percentage_error",
    "BinaryFocalCrossentropy": "binary_focal_crossentropy",
    "CategoricalFocalCrossentropy": "categorical_focal_crossentropy",
    "BinaryCrossentropy": "binary_crossentropy", "CategoricalCrossentropy": "categorical_crossentropy",
    "MeanSquaredError": "mean_squared_error",
}

# Strings tried with keras.losses.get: what each resolves to (None: Keras refuses it).
STRINGS = ["kl_divergence", "kld", "KLD", "poisson", "cosine_similarity", "hinge", "squared_hinge",
           "categorical_hinge", "log_cosh", "logcosh", "mean_squared_logarithmic_error", "msle", "MSLE",
           "mean_absolute_percentage_error", "mape", "MAPE", "binary_focal_crossentropy",
           "categorical_focal_crossentropy", "bce", "BCE", "huber", "KLDivergence", "LogCosh", "Hinge",
           "CosineSimilarity", "BinaryFocalCrossentropy"]

# One SGD(0.1) step of Sequential([Input((4,)), Dense(3, activation)]) on TRAIN_X, TRAIN_KERNEL,
# TRAIN_BIAS: name -> (loss as compile() takes it: a string or (class, arguments), activation, y key)
TRAIN_CASES = {
    "kl_divergence": ("kl_divergence", "softmax", "y_soft"),
    "poisson": ("poisson", "softplus", "y_pos"),
    "cosine_similarity": ("cosine_similarity", "linear", "y_reg"),
    "hinge": ("hinge", "tanh", "y_binary"),
    "squared_hinge": ("squared_hinge", "linear", "y_signed"),
    "categorical_hinge": ("categorical_hinge", "linear", "y_one_hot"),
    "log_cosh": ("log_cosh", "linear", "y_reg"),
    "msle": ("msle", "softplus", "y_pos"),
    "mape": ("mape", "linear", "p_pos"),
    "binary_focal": (("BinaryFocalCrossentropy", {"apply_class_balancing": True}), "sigmoid", "y_binary"),
    "binary_focal_logits": (("BinaryFocalCrossentropy", {"from_logits": True}), "linear", "y_binary"),
    "categorical_focal": ("categorical_focal_crossentropy", "softmax", "y_one_hot"),
    "categorical_focal_logits": (("CategoricalFocalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}),
                                 "linear", "y_one_hot"),
    "bce_smoothed_sigmoid": (("BinaryCrossentropy", {"label_smoothing": 0.2}), "sigmoid", "y_binary"),
    "cce_smoothed_softmax": (("CategoricalCrossentropy", {"label_smoothing": 0.2}), "softmax", "y_one_hot"),
}
TRAIN_X = pattern((4, 4), 13)
TRAIN_KERNEL = 0.5 * pattern((4, 3), 14)
TRAIN_BIAS = np.array([0.1, -0.2, 0.05], dtype=np.float32)


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


def main():
    import keras
    data = inputs()
    results = {}
    for name, (class_name, kwargs, y_key, p_key) in CASES.items():
        loss = getattr(keras.losses, class_name)(**kwargs)
        y_true, y_pred = data[y_key], data[p_key]
        options = {k: v for k, v in kwargs.items() if k not in ("reduction", "name")}
        function = getattr(keras.losses, FUNCTION_OF[class_name])
        results[name] = {
            "value": _plain(np.asarray(loss(y_true, y_pred))),
            "weighted": _plain(np.asarray(loss(y_true, y_pred, sample_weight=np.array(SAMPLE_WEIGHT)))),
            "per_sample": _plain(np.asarray(function(y_true, y_pred, **options))) if "column" not in name else None,
            "config": {k: _plain(v) for k, v in loss.get_config().items() if k != "dtype"},
        }
    strings = {}
    for string in STRINGS:
        try:
            obj = keras.losses.get(string)
        except (ValueError, TypeError):
            strings[string] = None
            continue
        strings[string] = getattr(obj, "__name__", type(obj).__name__)
    training = {}
    for name, (loss, activation, y_key) in TRAIN_CASES.items():
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation=activation)])
        model.set_weights([TRAIN_KERNEL, TRAIN_BIAS])
        if not isinstance(loss, str):
            loss = getattr(keras.losses, loss[0])(**loss[1])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)
        value = model.train_on_batch(TRAIN_X, data[y_key])
        kernel, bias = model.get_weights()
        training[name] = {"loss": float(value), "kernel": kernel.tolist(), "bias": bias.tolist()}
    header = (f'"""Reference numbers from Keras {keras.__version__} ({keras.backend.backend()} backend, CPU), made '
              f"{datetime.date.today()} by\ntools/keras_reference/losses.py. Regenerate with that script; do not "
              'edit by hand."""\n\n')
    with open(OUT, "w") as stream:
        stream.write(header)
        stream.write(f"KERAS_VERSION = {keras.__version__!r}\n")
        stream.write(f"KERAS_BACKEND = {keras.backend.backend()!r}\n\n")
        stream.write("LOSSES = " + pprint.pformat(results, width=110, sort_dicts=False, compact=True) + "\n\n")
        stream.write("# keras.losses.get(string): the function's or class's name, None where Keras refuses it\n")
        stream.write("STRINGS = " + pprint.pformat(strings, width=110, sort_dicts=False, compact=True) + "\n\n")
        stream.write("# One SGD(0.1) step: the loss train_on_batch returned and the weights after it\n")
        stream.write("TRAINING = " + pprint.pformat(training, width=110, sort_dicts=False, compact=True) + "\n")
    print(f"wrote {os.path.abspath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
