"""Profile one epoch of the seed CNN on Fashion-MNIST images or on random images of the same shape.

    GLASSNET_DATA=../shared/data python benchmarks/profile_seed_cnn.py real|random [SAMPLES]

Prints the epoch time and the functions where the time went (cProfile).
"""

import cProfile
import os
import pstats
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import glassnet as keras  # noqa: E402
from workloads import load_fashion  # noqa: E402


def main(kind: str = "real", samples: int = 6000) -> None:
    (x, y), _ = load_fashion(samples)
    x = (x / 255.0).astype("float32")[..., None]
    if kind == "random":
        x = np.random.default_rng(0).random(x.shape, dtype=np.float32)
    L = keras.layers
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2),
                              L.Flatten(), L.Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x[:600], y[:600], verbose=0)  # compiles the kernels, warms the caches
    started = time.perf_counter()
    model.fit(x, y, batch_size=32, verbose=0)
    print(f"{kind}: {time.perf_counter() - started:.2f} s for {len(x)} images")
    profile = cProfile.Profile()
    profile.enable()
    model.fit(x, y, batch_size=32, verbose=0)
    profile.disable()
    pstats.Stats(profile).sort_stats("tottime").print_stats(10)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "real", int(sys.argv[2]) if len(sys.argv) > 2 else 6000)
