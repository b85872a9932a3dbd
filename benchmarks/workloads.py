"""The benchmark workloads, shared by every framework's runner.

W1 MLP-512 batch 32, W2 MLP-128 batch 32, W3 seed CNN batch 32, W4 MLP-512 batch 256,
W5 classic convnet batch 128 (validation_split 0.1), all on Fashion-MNIST 60k, Adam (eps 1e-7),
glorot-uniform kernels and zero biases.
"""

import gzip
import os

import numpy as np

WORKLOADS = {
    "W1": {"model": "mlp", "hidden": 512, "batch_size": 32},
    "W2": {"model": "mlp", "hidden": 128, "batch_size": 32},
    "W3": {"model": "seed_cnn", "batch_size": 32},
    "W4": {"model": "mlp", "hidden": 512, "batch_size": 256},
    "W5": {"model": "classic", "batch_size": 128, "validation_split": 0.1},
}


def flops_per_sample(spec) -> float:
    """The arithmetic lower bound: 2 x the multiply-adds of forward (F) and backward. Backward
    computes every layer's weight gradient (F again) and every input gradient except the first
    layer's, which no framework needs (F - F_first): 2 x (3F - F_first)."""
    if spec["model"] == "mlp":
        first, rest = 784 * spec["hidden"], spec["hidden"] * 10
    elif spec["model"] == "seed_cnn":
        first, rest = 26 * 26 * 9 * 64, 10816 * 10
    else:
        first, rest = 26 * 26 * 9 * 32, 11 * 11 * 9 * 32 * 64 + 1600 * 10
    return 2 * (3 * (first + rest) - first)


def load_fashion(limit=None):
    folder = os.environ.get("GLASSNET_DATA") or os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")

    def read(name, offset, shape):
        with gzip.open(os.path.join(folder, "fashion-mnist", name)) as stream:
            return np.frombuffer(stream.read(), np.uint8, offset=offset).reshape(shape)

    x_train = read("train-images-idx3-ubyte.gz", 16, (-1, 28, 28))
    y_train = read("train-labels-idx1-ubyte.gz", 8, (-1,))
    x_test = read("t10k-images-idx3-ubyte.gz", 16, (-1, 28, 28))
    y_test = read("t10k-labels-idx1-ubyte.gz", 8, (-1,))
    if limit:
        x_train, y_train = x_train[:limit], y_train[:limit]
    return (x_train, y_train), (x_test, y_test)
