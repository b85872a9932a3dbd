"""Reference numbers for ReLU (with its options), ELU, PReLU, UnitNormalization, RMSNormalization,
GroupNormalization, ActivityRegularization, AlphaDropout and RandomCrop from real Keras 3,
written to tests/layers/keras_more_layers_golden.py. Run with a Python that has Keras 3 (the
pinned numbers came from JAX):

    KERAS_BACKEND=jax /path/to/keras-venv/bin/python tools/keras_reference/more_layers.py

(``more_layers.py save M.keras X.npy Y.npy`` is the Keras side of the test's interchange check.)

Inputs and weights are fixed patterns (``pattern``), rebuilt by the test from CASES. For each
case the script records the config, the weights' names and shapes, the output, and, for the
differentiable cases, the gradients of L = sum(output * pattern(output shape, 99)) with respect
to the input and to each trainable weight (jax.grad through ``stateless_call``).

Hashing needs TensorFlow in Keras, so its numbers are not produced here: the test pins it to the
outputs printed in Keras 3.15.1's own docstring and tests (keras/src/layers/preprocessing/
hashing.py, hashing_test.py), which TensorFlow produced.
"""

import datetime
import os
import pprint

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "layers",
                   "keras_more_layers_golden.py")


def pattern(shape, seed: int) -> np.ndarray:
    """A fixed float32 array of ``shape``: entry i is ((i * (2 * seed + 5) + seed) mod 17 - 8) / 8."""
    count = int(np.prod(shape))
    return ((((np.arange(count) * (2 * seed + 5) + seed) % 17) - 8) / 8).astype(np.float32).reshape(shape)


# name: (layer class, constructor arguments, input shape, differentiable). Weights are
# 0.5 + pattern(shape, 1 + index) / 2 (so PReLU's slopes and the scales are not all zero).
CASES = {
    "relu_default": ("ReLU", {}, (2, 5), True),
    "relu_options": ("ReLU", {"max_value": 0.6, "negative_slope": 0.25, "threshold": 0.1}, (3, 6), True),
    "relu_max6": ("ReLU", {"max_value": 0.5}, (2, 5), True),
    "relu_slope": ("ReLU", {"negative_slope": 0.3}, (2, 5), True),
    "elu_default": ("ELU", {}, (2, 5), True),
    "elu_alpha": ("ELU", {"alpha": 0.5}, (2, 5), True),
    "prelu": ("PReLU", {}, (2, 3, 4), True),
    "prelu_shared": ("PReLU", {"shared_axes": [1]}, (2, 3, 4), True),
    "unit_norm": ("UnitNormalization", {}, (3, 4), True),
    "unit_norm_axes": ("UnitNormalization", {"axis": [1, 2]}, (2, 3, 4), True),
    "rms_norm": ("RMSNormalization", {}, (3, 4), True),
    "rms_norm_eps": ("RMSNormalization", {"axis": -1, "epsilon": 0.01}, (2, 3, 4), True),
    "group_norm": ("GroupNormalization", {"groups": 2}, (2, 3, 4), True),
    "group_norm_4d": ("GroupNormalization", {"groups": 3, "epsilon": 0.01}, (2, 2, 3, 6), True),
    "group_norm_instance": ("GroupNormalization", {"groups": -1, "center": False}, (2, 5, 2), True),
    "group_norm_axis1": ("GroupNormalization", {"groups": 2, "axis": 1, "scale": False}, (2, 4, 3), True),
    "activity_reg": ("ActivityRegularization", {"l1": 0.01, "l2": 0.02}, (3, 4), False),
    "alpha_dropout": ("AlphaDropout", {"rate": 0.3, "seed": 3}, (4, 8), False),
    "random_crop_small": ("RandomCrop", {"height": 4, "width": 4, "seed": 1}, (1, 3, 5, 2), False),
    "random_crop_wide": ("RandomCrop", {"height": 4, "width": 4, "seed": 1}, (2, 3, 10, 1), False),
    "random_crop_tall": ("RandomCrop", {"height": 4, "width": 4, "seed": 1}, (1, 10, 3, 1), False),
    "random_crop_equal_height": ("RandomCrop", {"height": 4, "width": 4, "seed": 1}, (1, 4, 8, 1), False),
}


def weight_value(shape, index):
    return 0.5 + pattern(shape, 1 + index) / 2


def _flat(array):
    return [float(v) for v in np.asarray(array, dtype=np.float64).ravel()]


def interchange_model(keras):
    """The model both ways of tests/layers/test_more_keras_layers.py's Keras interchange test
    build (``keras`` is Keras or glassnet): every new layer with weights or options, after a
    Dense. The files that cross also end with a GroupNormalization(groups=2)."""
    layers = keras.layers
    return keras.Sequential([
        keras.Input((3, 4)), layers.Dense(6, kernel_initializer="glorot_uniform"),
        layers.PReLU(shared_axes=[1], alpha_initializer="random_normal"), layers.RMSNormalization(epsilon=1e-3),
        layers.ReLU(max_value=0.8, negative_slope=0.1, threshold=0.05), layers.ELU(alpha=0.7),
        layers.UnitNormalization(), layers.AlphaDropout(0.2), layers.ActivityRegularization(l1=0.01)])


def set_interchange_weights(model):
    """Fixed weights (``pattern``), so that no initializer's random numbers matter."""
    for index, variable in enumerate(model.weights):
        variable.assign(weight_value(tuple(variable.shape), index))


def save_keras_model(path, x_path, y_path):
    """Build the interchange model in Keras, save it to ``path`` and its predictions on the
    inputs in ``x_path`` (.npy) to ``y_path`` (.npy)."""
    import keras
    model = interchange_model(keras)
    model.add(keras.layers.GroupNormalization(groups=2))
    set_interchange_weights(model)
    model.save(path)
    np.save(y_path, model.predict(np.load(x_path), verbose=0))


def main():
    import jax
    import keras

    results = {}
    for name, (class_name, arguments, shape, differentiable) in CASES.items():
        layer = getattr(keras.layers, class_name)(**arguments)
        x = pattern(shape, 0)
        if class_name == "AlphaDropout":
            x = x * 2
        layer.build(shape)
        for index, variable in enumerate(layer.weights):
            variable.assign(weight_value(variable.shape, index))
        config = layer.get_config()
        config.pop("dtype", None)
        config.pop("name", None)
        entry = {"config": config,
                 "weights": [[v.path.split("/")[-1], list(v.shape), v.trainable] for v in layer.weights],
                 "count_params": layer.count_params()}
        training = class_name in ("AlphaDropout", "RandomCrop")
        output = np.asarray(layer(x, training=training))
        entry["output"] = _flat(output)
        entry["output_shape"] = list(output.shape)
        if class_name == "RandomCrop":
            entry["inference_output_shape"] = list(np.asarray(layer(x, training=False)).shape)
            entry["declared_output_shape"] = list(layer.compute_output_shape((None,) + shape[1:]))
        if class_name == "ActivityRegularization":
            entry["losses"] = [float(v) for v in layer.losses]
        if differentiable:
            upstream = pattern(output.shape, 99)
            trainable = [v.value for v in layer.trainable_variables]
            non_trainable = [v.value for v in layer.non_trainable_variables]

            def loss(weights, inputs):
                y, _ = layer.stateless_call(weights, non_trainable, inputs)
                return (y * upstream).sum()

            grad_weights, grad_x = jax.grad(loss, argnums=(0, 1))(trainable, x)
            entry["grad_input"] = _flat(grad_x)
            entry["grad_weights"] = [_flat(g) for g in grad_weights]
        results[name] = entry
        print(name, "ok")
    header = (f'"""Reference numbers from Keras {keras.__version__} ({keras.backend.backend()} backend, CPU), made '
              f"{datetime.date.today().isoformat()} by\ntools/keras_reference/more_layers.py. Regenerate with that "
              'script; do not edit by hand."""\n\n')
    with open(OUT, "w") as handle:
        handle.write(header)
        handle.write(f"KERAS_VERSION = {keras.__version__!r}\nKERAS_BACKEND = {keras.backend.backend()!r}\n\n")
        handle.write("LAYERS = " + pprint.pformat(results, width=110, compact=True) + "\n")


if __name__ == "__main__":
    import sys
    if sys.argv[1:2] == ["save"]:  # save MODEL.keras X.npy Y.npy (tests/layers/test_more_keras_layers.py)
        save_keras_model(*sys.argv[2:5])
    else:
        main()
