"""Where an epoch's time goes, layer by layer: wall time of every layer's forward and backward
pass, of the optimizer step, and of the rest of the loop (loss, metrics, batching), plus the
minor page faults taken during the epoch.

    GLASSNET_DATA=../shared/data python benchmarks/profile_layers.py W3 [SAMPLES] [real|random]

The model and batch size are those of the workload (see workloads.py); one epoch over the first
SAMPLES training images (default 6000), after a short warm-up fit. ``random`` swaps the images
for uniform noise of the same shape.
"""

import collections
import os
import resource
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
import glassnet as keras  # noqa: E402
from workloads import WORKLOADS, load_fashion  # noqa: E402


def build(spec):
    L = keras.layers
    if spec["model"] == "mlp":
        return keras.Sequential([keras.Input((28, 28)), L.Flatten(), L.Dense(spec["hidden"], activation="relu"),
                                 L.Dense(10, activation="softmax")])
    if spec["model"] == "seed_cnn":
        return keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2),
                                 L.Flatten(), L.Dense(10, activation="softmax")])
    return keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2),
                             L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(), L.Dropout(0.5),
                             L.Dense(10, activation="softmax")])


def timed(totals, label, function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        result = function(*args, **kwargs)
        totals[label] += time.perf_counter() - started
        return result
    return wrapper


def main(workload="W3", samples=6000, kind="real"):
    spec = WORKLOADS[workload]
    (x, y), _ = load_fashion(samples)
    x = (x / 255.0).astype("float32")
    if spec["model"] != "mlp":
        x = x[..., None]
    if kind == "random":
        x = np.random.default_rng(0).random(x.shape, dtype=np.float32)
    keras.utils.set_random_seed(0)
    model = build(spec)
    model.compile(keras.optimizers.Adam(epsilon=1e-7), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x[:1000], y[:1000], batch_size=spec["batch_size"], verbose=0)  # compiles the kernels

    totals = collections.defaultdict(float)
    for layer in model.layers:
        layer.forward = timed(totals, f"{layer.name} forward", layer.forward)
        layer.backward = timed(totals, f"{layer.name} backward", layer.backward)
        if hasattr(layer, "forward_of_relu"):  # a pooling that applies the ReLU of the layer below
            layer.forward_of_relu = timed(totals, f"{layer.name} forward", layer.forward_of_relu)
    # A pair that engine/fusion.py computes directly runs none of its layers' own passes.
    direct = keras.engine.fusion.DirectConvReLUMaxPool
    original = direct.forward, direct.backward
    direct.forward = lambda step, *a, **k: timed(totals, f"{step.conv.name}+{step.pool.name} direct forward",
                                                 original[0])(step, *a, **k)
    direct.backward = lambda step, *a, **k: timed(totals, f"{step.conv.name}+{step.pool.name} direct backward",
                                                  original[1])(step, *a, **k)
    model.optimizer.apply = timed(totals, "optimizer step", model.optimizer.apply)
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    started = time.perf_counter()
    model.fit(x, y, batch_size=spec["batch_size"], verbose=0)
    epoch = time.perf_counter() - started
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults

    steps = -(-len(x) // spec["batch_size"])
    print(f"{workload} on {len(x)} {kind} images, batch {spec['batch_size']}: {epoch:.3f} s "
          f"({epoch / steps * 1e3:.2f} ms per step), {faults} minor page faults")
    for label, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {label:44s} {seconds:7.3f} s  {seconds / steps * 1e3:6.2f} ms/step  {100 * seconds / epoch:4.0f}%")
    rest = epoch - sum(totals.values())
    print(f"  {'rest (loss, metrics, batches)':44s} {rest:7.3f} s  {rest / steps * 1e3:6.2f} ms/step  "
          f"{100 * rest / epoch:4.0f}%")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main(arguments[0] if arguments else "W3", int(arguments[1]) if len(arguments) > 1 else 6000,
         arguments[2] if len(arguments) > 2 else "real")
