"""The benchmark workloads, shared by every framework's runner.

W1 MLP-512 batch 32, W2 MLP-128 batch 32, W3 seed CNN batch 32, W4 MLP-512 batch 256,
W5 classic convnet batch 128 (validation_split 0.1), all on Fashion-MNIST 60k, Adam (eps 1e-7),
glorot-uniform kernels and zero biases. W6, IMDB-like: Embedding 10k x 64, LSTM 64, Dense 1
(sigmoid), batch 64, on 25,000 synthetic sequences of 100 word ids (``load_sequences``). Every framework starts a round from the same weights,
drawn here by NumPy from the round's seed (``initial_weights``), so that the frameworks' test
accuracies differ only by their shuffling and float rounding, not by their initialisers' draws.
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
    "W6": {"model": "lstm", "batch_size": 64, "vocabulary": 10000, "embedding": 64, "units": 64, "steps": 100,
           "train_samples": 25000, "test_samples": 5000},
}


def flops_per_sample(spec) -> float:
    """The arithmetic lower bound: 2 x the multiply-adds of forward (F) and backward. Backward
    computes every layer's weight gradient (F again) and every input gradient except the first
    layer's, which no framework needs (F - F_first): 2 x (3F - F_first)."""
    if spec["model"] == "lstm":  # per step x W and h U; the embedding's lookup is no arithmetic
        first = spec["steps"] * spec["embedding"] * 4 * spec["units"]
        rest = spec["steps"] * spec["units"] * 4 * spec["units"] + spec["units"]
    elif spec["model"] == "mlp":
        first, rest = 784 * spec["hidden"], spec["hidden"] * 10
    elif spec["model"] == "seed_cnn":
        first, rest = 26 * 26 * 9 * 64, 10816 * 10
    else:
        first, rest = 26 * 26 * 9 * 32, 11 * 11 * 9 * 32 * 64 + 1600 * 10
    return 2 * (3 * (first + rest) - first)


# What the Flatten of each convnet receives (height, width, channels); an MLP flattens plain images.
FLATTENED = {"seed_cnn": (13, 13, 64), "classic": (5, 5, 64)}


def kernel_shapes(spec) -> list:
    """The kernels of the workload's model, in Keras's layout: Dense (in, out), Conv2D (kh, kw, in, out)."""
    if spec["model"] == "mlp":
        return [(784, spec["hidden"]), (spec["hidden"], 10)]
    if spec["model"] == "seed_cnn":
        return [(3, 3, 1, 64), (int(np.prod(FLATTENED["seed_cnn"])), 10)]
    return [(3, 3, 1, 32), (3, 3, 32, 64), (int(np.prod(FLATTENED["classic"])), 10)]


def initial_weights(spec, seed: int, torch_layout: bool = False) -> list:
    """Keras's ``get_weights()`` order (kernel, bias per layer): glorot-uniform kernels with
    Keras's fans (a convolution's receptive field times its channels in and out), zero biases.
    With ``torch_layout`` the same numbers as PyTorch's weights (see ``_as_torch_weight``)."""
    rng = np.random.default_rng(seed)
    if spec["model"] == "lstm":
        return _lstm_weights(spec, rng, torch_layout)
    weights = []
    for shape in kernel_shapes(spec):
        receptive_field = int(np.prod(shape[:-2]))
        fan_in, fan_out = receptive_field * shape[-2], receptive_field * shape[-1]
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        kernel = rng.uniform(-limit, limit, shape).astype(np.float32)
        if torch_layout:
            kernel = _as_torch_weight(kernel, FLATTENED.get(spec["model"]) if kernel.ndim == 2 else None)
        weights += [kernel, np.zeros(shape[-1], np.float32)]
    return weights


def _lstm_weights(spec, rng, torch_layout):
    """Keras's defaults: embeddings uniform in [-0.05, 0.05], a glorot-uniform kernel, an
    orthogonal recurrent kernel, the bias zero but for the forget gate's ones; the Dense head
    glorot-uniform. PyTorch's LSTM keeps the same gates in the same order (i, f, g, o), as
    weight_ih (4 units, in) = kernel^T, weight_hh = recurrent kernel^T, bias_ih = bias, bias_hh = 0."""
    units, width = spec["units"], 4 * spec["units"]
    embeddings = rng.uniform(-0.05, 0.05, (spec["vocabulary"], spec["embedding"]))
    limit = np.sqrt(6.0 / (spec["embedding"] + width))
    kernel = rng.uniform(-limit, limit, (spec["embedding"], width))
    q, r = np.linalg.qr(rng.standard_normal((width, units)))
    recurrent = (q * np.sign(np.diag(r))).T
    bias = np.r_[np.zeros(units), np.ones(units), np.zeros(2 * units)]
    limit = np.sqrt(6.0 / (units + 1))
    head = rng.uniform(-limit, limit, (units, 1))
    weights = [embeddings, kernel, recurrent, bias, head, np.zeros(1)]
    if torch_layout:
        weights = [embeddings, kernel.T, recurrent.T, bias, np.zeros(width), head.T, np.zeros(1)]
    return [np.ascontiguousarray(w, np.float32) for w in weights]


def load_sequences(spec):
    """W6's data: sequences of word ids 1..vocabulary-1, labelled 0 or 1 by which of two small
    sets of "sentiment" words (ids 1-49 or 50-99) was planted at eight random places; the same
    arrays every time. Returns ((x_train, y_train), (x_test, y_test)), ids as int32."""
    rng = np.random.default_rng(2024)
    count = spec["train_samples"] + spec["test_samples"]
    x = rng.integers(100, spec["vocabulary"], (count, spec["steps"])).astype(np.int32)
    y = rng.integers(0, 2, count)
    rows = np.repeat(np.arange(count), 8)
    places = rng.integers(0, spec["steps"], count * 8)
    x[rows, places] = rng.integers(1, 50, count * 8) + 49 * np.repeat(y, 8)
    cut = spec["train_samples"]
    return (x[:cut], y[:cut].astype(np.float32)), (x[cut:], y[cut:].astype(np.float32))


def _as_torch_weight(kernel, flattened=None):
    """A Keras kernel as PyTorch stores it: Conv2D (kh, kw, in, out) -> (out, in, kh, kw); Dense
    (in, out) -> (out, in). A Dense after Flatten first has its rows reordered from Keras's
    flattening order (h, w, c) to PyTorch's (c, h, w)."""
    if kernel.ndim == 4:
        return np.ascontiguousarray(kernel.transpose(3, 2, 0, 1))
    if flattened is not None:
        height, width, channels = flattened
        kernel = kernel.reshape(height, width, channels, -1).transpose(2, 0, 1, 3).reshape(kernel.shape)
    return np.ascontiguousarray(kernel.T)


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
