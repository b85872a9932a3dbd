"""Reference numbers for Adamax, Lion, Ftrl, Adadelta and Adafactor from real Keras 3, written to
tests/core/keras_optimizers_golden.py. Run with a Python that has Keras 3 (the pinned numbers
came from the JAX backend), from a folder outside the glassnet checkout:

    cd /tmp && KERAS_BACKEND=jax /path/to/keras-venv/bin/python /path/to/tools/keras_reference/optimizers.py

Three variables (shapes SHAPES, values from ``pattern``) take STEPS updates with the
gradients ``gradients(step)``; the weights after every update are recorded, and each
optimizer's default config. The test rebuilds the same arrays by importing this module (Keras is
imported only inside ``main``).
"""

import datetime
import os
import pprint
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "core",
                   "keras_optimizers_golden.py")
STEPS = 5
SHAPES = [(3, 2), (2,), (2, 3, 4)]  # Adafactor factors the matrices: one of rank 3 too


def pattern(shape, seed: int) -> np.ndarray:
    """A fixed float32 array of ``shape``: entry i is ((i * (2 * seed + 5) + seed) mod 17 - 8) / 8."""
    count = int(np.prod(shape))
    return ((((np.arange(count) * (2 * seed + 5) + seed) % 17) - 8) / 8).astype(np.float32).reshape(shape)


def initial_weights() -> list:
    return [pattern(shape, 20 + i) for i, shape in enumerate(SHAPES)]


def gradients(step: int) -> list:
    """The gradients of update ``step`` (from 0): a different pattern each time, growing in size."""
    return [(1 + 0.5 * step) * pattern(shape, 3 * step + i) for i, shape in enumerate(SHAPES)]


# name: (Keras class, constructor arguments); a learning_rate given as (schedule class, arguments)
# is built as that schedule.
CASES = {
    "Adamax()": ("Adamax", {}),
    "Adamax(custom)": ("Adamax", {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3}),
    "Adamax(global_clipnorm)": ("Adamax", {"learning_rate": 0.1, "global_clipnorm": 1.0}),
    "Lion()": ("Lion", {}),
    "Lion(custom)": ("Lion", {"learning_rate": 0.01, "beta_1": 0.5, "beta_2": 0.9}),
    "Lion(weight_decay)": ("Lion", {"learning_rate": 0.02, "weight_decay": 0.5}),
    "Ftrl()": ("Ftrl", {}),
    "Ftrl(custom)": ("Ftrl", {"learning_rate": 0.1, "learning_rate_power": -0.7, "initial_accumulator_value": 0.2,
                              "l1_regularization_strength": 0.01, "l2_regularization_strength": 0.02,
                              "l2_shrinkage_regularization_strength": 0.03, "beta": 0.5}),
    "Ftrl(l1)": ("Ftrl", {"learning_rate": 0.5, "l1_regularization_strength": 0.6}),
    "Adadelta()": ("Adadelta", {}),
    "Adadelta(custom)": ("Adadelta", {"learning_rate": 1.0, "rho": 0.9, "epsilon": 1e-6}),
    "Adadelta(clipnorm)": ("Adadelta", {"learning_rate": 2.0, "clipnorm": 0.5}),
    "Adafactor()": ("Adafactor", {}),
    "Adafactor(custom)": ("Adafactor", {"learning_rate": 0.05, "beta_2_decay": -0.5, "epsilon_1": 1e-20,
                                        "epsilon_2": 0.01, "clip_threshold": 0.5}),
    "Adafactor(large lr)": ("Adafactor", {"learning_rate": 2.0}),
    "Adamax(CosineDecay)": ("Adamax", {"learning_rate": ("CosineDecay", {"initial_learning_rate": 0.1,
                                                                         "decay_steps": 3})}),
    "Lion(PiecewiseConstantDecay)": ("Lion", {"learning_rate": ("PiecewiseConstantDecay",
                                                                {"boundaries": [0, 2], "values": [0.1, 0.01, 0.001]})}),
    "Ftrl(InverseTimeDecay)": ("Ftrl", {"learning_rate": ("InverseTimeDecay", {"initial_learning_rate": 0.2,
                                                                             "decay_steps": 1, "decay_rate": 0.5})}),
}

# The config keys glassnet's optimizers share with Keras's.
DEFAULT_KEYS = ("learning_rate", "weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "beta_1", "beta_2",
                "epsilon", "rho", "learning_rate_power", "initial_accumulator_value", "l1_regularization_strength",
                "l2_regularization_strength", "l2_shrinkage_regularization_strength", "beta", "beta_2_decay",
                "epsilon_1", "epsilon_2", "clip_threshold", "relative_step")


def build(module, class_name, kwargs):
    """``module.class_name(**kwargs)``, a (schedule class, arguments) learning rate built first."""
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("learning_rate"), tuple):
        schedule, arguments = kwargs["learning_rate"]
        kwargs["learning_rate"] = getattr(module.schedules, schedule)(**arguments)
    return getattr(module, class_name)(**kwargs)


def main():
    import keras
    steps = {}
    for name, (class_name, kwargs) in CASES.items():
        optimizer = build(keras.optimizers, class_name, kwargs)
        variables = [keras.Variable(w) for w in initial_weights()]
        after = []
        for step in range(STEPS):
            optimizer.apply([keras.ops.convert_to_tensor(g) for g in gradients(step)], variables)
            after.append([np.asarray(v).tolist() for v in variables])
        steps[name] = after
    defaults = {}
    for class_name in ("Adamax", "Lion", "Ftrl", "Adadelta", "Adafactor"):
        config = getattr(keras.optimizers, class_name)().get_config()
        defaults[class_name] = {k: config[k] for k in DEFAULT_KEYS if k in config}
    header = (f'"""Reference numbers from Keras {keras.__version__} ({keras.backend.backend()} backend, CPU), made '
              f"{datetime.date.today()} by\ntools/keras_reference/optimizers.py. Regenerate with that script; do "
              'not edit by hand."""\n\n')
    with open(OUT, "w") as stream:
        stream.write(header)
        stream.write(f"KERAS_VERSION = {keras.__version__!r}\n")
        stream.write(f"KERAS_BACKEND = {keras.backend.backend()!r}\n\n")
        stream.write("# name -> per update, the variables (shapes SHAPES) after it\n")
        stream.write("STEPS = " + pprint.pformat(steps, width=110, sort_dicts=False, compact=True) + "\n\n")
        stream.write("DEFAULTS = " + pprint.pformat(defaults, width=110, sort_dicts=False, compact=True) + "\n")
    print(f"wrote {os.path.abspath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
