"""Scaling sweep: glassnet's epoch time as the hidden width, the batch size and the training-set
size grow, set against the arithmetic (FLOPs) each point needs.

    GLASSNET_DATA=../shared/data python benchmarks/sweep.py [--samples 6000] [--out benchmarks/SWEEP.md]

An MLP 784 -> H -> 10 (ReLU, softmax, Adam) trains on Fashion-MNIST images (random images of the
same shape when the data set is absent). For every point: one warm-up epoch, then the best of
three timed epochs (the machine is shared: the best is the least disturbed). If the cost follows the arithmetic, achieved GFLOP/s climbs towards the
matrix-product peak as the work per step grows, and time grows linearly with the number of
samples; a flat time at small widths or batches is the per-step (Python) overhead.
Writes a Markdown table and, when matplotlib is installed, a plot beside it (SWEEP.png).
"""

import argparse
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
import glassnet as keras  # noqa: E402
from run import matmul_peak_gflops  # noqa: E402
from workloads import flops_per_sample, load_fashion  # noqa: E402

WIDTHS = [128, 256, 512, 1024, 2048, 4096]
BATCHES = [8, 16, 32, 64, 128, 256, 512, 1024]
SIZES = [1000, 3000, 10000, 30000, 60000]


def images(samples: int):
    try:
        (x, y), _ = load_fashion(samples)
        return (x.reshape(len(x), 784) / 255.0).astype(np.float32), y, "Fashion-MNIST"
    except OSError:
        rng = np.random.default_rng(0)
        return rng.random((samples, 784), dtype=np.float32), rng.integers(0, 10, samples), "random images"


def epoch_seconds(x, y, hidden: int, batch_size: int) -> float:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(hidden, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(keras.optimizers.Adam(epsilon=1e-7), "sparse_categorical_crossentropy")
    model.fit(x[:max(batch_size * 4, 1000)], y[:max(batch_size * 4, 1000)], batch_size=batch_size, verbose=0)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        model.fit(x, y, batch_size=batch_size, verbose=0)
        times.append(time.perf_counter() - started)
    return min(times)


def step_overhead_us(steps: int = 20000) -> float:
    """Microseconds per step of the training loop itself: a 4 -> 2 softmax model, batch 1, Adam,
    with the accuracy metric, where the arithmetic is negligible."""
    rng = np.random.default_rng(0)
    x, y = rng.random((steps, 4), dtype=np.float32), rng.integers(0, 2, steps)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x[:1000], y[:1000], batch_size=1, verbose=0)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        model.fit(x, y, batch_size=1, verbose=0)
        best = min(best, time.perf_counter() - started)
    return best / steps * 1e6


def point(x, y, hidden, batch_size):
    seconds = epoch_seconds(x, y, hidden, batch_size)
    flops = flops_per_sample({"model": "mlp", "hidden": hidden}) * len(x)
    return {"hidden": hidden, "batch": batch_size, "samples": len(x), "seconds": seconds,
            "gflops": flops / seconds / 1e9, "us_per_step": seconds / -(-len(x) // batch_size) * 1e6}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=6000, help="training images per epoch (width/batch sweeps)")
    parser.add_argument("--out", default=os.path.join(HERE, "SWEEP.md"))
    args = parser.parse_args()

    x_all, y_all, source = images(max(SIZES))
    x, y = x_all[:args.samples], y_all[:args.samples]
    peak = matmul_peak_gflops()
    overhead = step_overhead_us()
    sweeps = {
        "hidden width (batch 32)": [point(x, y, h, 32) for h in WIDTHS],
        "batch size (width 512)": [point(x, y, 512, b) for b in BATCHES],
        "training-set size (width 512, batch 32)": [point(x_all[:n], y_all[:n], 512, 32) for n in SIZES],
    }
    for name, rows in sweeps.items():
        print(name)
        for row in rows:
            print("  ", row)

    lines = [f"# Scaling sweep\n\nMade by `python benchmarks/sweep.py --samples {args.samples}` on {source}; "
             f"float32 matrix-product peak of this machine {peak:.0f} GFLOP/s. MLP 784 -> H -> 10, Adam; "
             "seconds for one epoch (best of three); GFLOP/s = the arithmetic lower bound of the epoch "
             "(2 x multiply-adds of forward and backward) / seconds.\n",
             f"\nThe training loop's own cost per step (a 4 -> 2 model, batch 1, Adam, accuracy metric): "
             f"{overhead:.0f} us. Everything above that is arithmetic and memory traffic: at batch 8 and width "
             "512 a large part of a step is Adam reading and writing 407k weights and moments (its time per "
             "step: `profile_layers.py W1`), which does not shrink with the batch.\n"]
    for name, rows in sweeps.items():
        lines += [f"\n## {name}\n", "| hidden | batch | samples | s/epoch | us/step | GFLOP/s | % of peak |",
                  "|---|---|---|---|---|---|---|"]
        lines += [f"| {r['hidden']} | {r['batch']} | {r['samples']} | {r['seconds']:.3f} | {r['us_per_step']:.0f} | "
                  f"{r['gflops']:.1f} | {100 * r['gflops'] / peak:.0f}% |" for r in rows]
    with open(args.out, "w") as stream:
        stream.write("\n".join(lines) + "\n")
    print("wrote", args.out)
    plot(sweeps, peak, os.path.splitext(args.out)[0] + ".png")


def plot(sweeps, peak, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot")
        return
    keys = [("hidden", "hidden width"), ("batch", "batch size"), ("samples", "training samples")]
    figure, axes = plt.subplots(1, 3, figsize=(14, 4.2))
    for axis, (name, rows), (key, label) in zip(axes, sweeps.items(), keys):
        values = [r[key] for r in rows]
        axis.plot(values, [r["seconds"] for r in rows], "o-", label="measured s/epoch")
        floor = [r["gflops"] * r["seconds"] / peak for r in rows]  # FLOPs / peak
        axis.plot(values, floor, "--", color="gray", label="FLOP floor at peak")
        axis.set_xscale("log", base=2)
        axis.set_yscale("log")
        axis.set_xlabel(label)
        axis.set_ylabel("seconds per epoch")
        axis.set_title(name)
        twin = axis.twinx()
        twin.plot(values, [100 * r["gflops"] / peak for r in rows], "s:", color="tab:green", label="% of peak")
        twin.set_ylim(0, 100)
        twin.set_ylabel("% of matrix-product peak", color="tab:green")
        axis.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    print("wrote", path)


if __name__ == "__main__":
    main()
