"""Reference numbers for the learning-rate schedules from real Keras 3, written to
tests/core/keras_schedules_golden.py. Run with a Python that has Keras 3 (the pinned numbers
came from the JAX backend), from a folder outside the glassnet checkout:

    cd /tmp && KERAS_BACKEND=jax /path/to/keras-venv/bin/python /path/to/tools/keras_reference/schedules.py

For every case: the rate at each step of STEPS and the config. Then SGD with a schedule on one
variable, to pin which step's rate each update uses (Keras: the first update uses schedule(0)).
"""

import datetime
import os
import pprint
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "core",
                   "keras_schedules_golden.py")
STEPS = [0, 1, 2, 3, 4, 5, 7, 9, 10, 11, 13, 17, 25, 29, 31, 40, 70, 100]

CASES = {
    "ExponentialDecay": ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 4, "decay_rate": 0.5}),
    "ExponentialDecay(staircase)": ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 4,
                                                         "decay_rate": 0.5, "staircase": True}),
    "InverseTimeDecay": ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.5}),
    "InverseTimeDecay(staircase)": ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 3,
                                                         "decay_rate": 0.5, "staircase": True}),
    "PiecewiseConstantDecay": ("PiecewiseConstantDecay", {"boundaries": [3, 10, 30], "values": [1.0, 0.5, 0.1, 0.01]}),
    "PolynomialDecay": ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 10}),
    "PolynomialDecay(power, end)": ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 10,
                                                        "end_learning_rate": 0.01, "power": 0.5}),
    "PolynomialDecay(cycle)": ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 10,
                                                   "end_learning_rate": 0.01, "power": 2.0, "cycle": True}),
    "CosineDecay": ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 10}),
    "CosineDecay(alpha)": ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 10, "alpha": 0.2}),
    "CosineDecay(warmup)": ("CosineDecay", {"initial_learning_rate": 0.0, "decay_steps": 20, "alpha": 0.1,
                                            "warmup_target": 0.5, "warmup_steps": 5}),
    "CosineDecayRestarts": ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 4}),
    "CosineDecayRestarts(t_mul=1, m_mul, alpha)": ("CosineDecayRestarts", {"initial_learning_rate": 0.1,
                                                                          "first_decay_steps": 4, "t_mul": 1.0,
                                                                          "m_mul": 0.5, "alpha": 0.1}),
    "CosineDecayRestarts(t_mul=1.5)": ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 3,
                                                               "t_mul": 1.5, "m_mul": 0.9}),
}

# SGD(learning_rate=schedule) on w = 1 with gradient 1: w after each of SGD_STEPS updates
SGD_SCHEDULE = ("PiecewiseConstantDecay", {"boundaries": [0, 1], "values": [1.0, 0.5, 0.25]})
SGD_STEPS = 3


def main():
    import keras
    rates, configs = {}, {}
    for name, (class_name, kwargs) in CASES.items():
        schedule = getattr(keras.optimizers.schedules, class_name)(**kwargs)
        rates[name] = [float(schedule(step)) for step in STEPS]
        configs[name] = schedule.get_config()
    schedule = getattr(keras.optimizers.schedules, SGD_SCHEDULE[0])(**SGD_SCHEDULE[1])
    optimizer = keras.optimizers.SGD(learning_rate=schedule)
    variable = keras.Variable(np.ones((1,), np.float32))
    sgd = []
    for _ in range(SGD_STEPS):
        optimizer.apply([keras.ops.ones((1,))], [variable])
        sgd.append(float(np.asarray(variable)[0]))
    serialized = keras.optimizers.schedules.serialize(schedule)
    header = (f'"""Reference numbers from Keras {keras.__version__} ({keras.backend.backend()} backend, CPU), made '
              f"{datetime.date.today()} by\ntools/keras_reference/schedules.py. Regenerate with that script; do "
              'not edit by hand."""\n\n')
    with open(OUT, "w") as stream:
        stream.write(header)
        stream.write(f"KERAS_VERSION = {keras.__version__!r}\n")
        stream.write(f"KERAS_BACKEND = {keras.backend.backend()!r}\n\n")
        stream.write("# name -> the rate at each step of STEPS\n")
        stream.write("RATES = " + pprint.pformat(rates, width=110, sort_dicts=False, compact=True) + "\n\n")
        stream.write("CONFIGS = " + pprint.pformat(configs, width=110, sort_dicts=False, compact=True) + "\n\n")
        stream.write("# SGD(learning_rate=SGD_SCHEDULE) on w = 1, gradient 1: w after each update\n")
        stream.write(f"SGD_AFTER = {sgd!r}\n\n")
        stream.write("# keras.optimizers.schedules.serialize(SGD_SCHEDULE)\n")
        stream.write("SERIALIZED = " + pprint.pformat(serialized, width=110, sort_dicts=False) + "\n")
    print(f"wrote {os.path.abspath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
