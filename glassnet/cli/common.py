"""What the command line's subcommands share: loading a named data set in model-ready form."""

from __future__ import annotations

import numpy as np

DATA_CHOICES = ("mnist", "fashion_mnist", "emnist-letters", "digits")


def load_dataset(name: str, data_dir=None):
    """((x_train, y_train), (x_test, y_test), class_names): images scaled to [0, 1] with a
    channel axis, (n, h, w, 1), and integer labels from 0."""
    from .. import datasets
    if name == "digits":
        (x_train, y_train), (x_test, y_test) = datasets.digits.load_data()
        scale, names = 16.0, [str(i) for i in range(10)]
    elif name == "emnist-letters":
        (x_train, y_train), (x_test, y_test) = datasets.emnist.load_data("letters", path=data_dir)
        y_train, y_test = y_train.astype(np.int64) - 1, y_test.astype(np.int64) - 1  # published labels are 1..26
        scale, names = 255.0, datasets.emnist.label_names("letters")[1:]
    elif name in ("mnist", "fashion_mnist"):
        module = getattr(datasets, name)
        (x_train, y_train), (x_test, y_test) = module.load_data(path=data_dir)
        scale = 255.0
        names = list(getattr(module, "CLASS_NAMES", [str(i) for i in range(10)]))
    else:
        raise ValueError(f"--data must be one of {', '.join(DATA_CHOICES)}, received {name!r}")
    prepare = lambda x: (np.asarray(x, dtype=np.float32) / scale)[..., None]  # noqa: E731
    return (prepare(x_train), np.asarray(y_train, np.int64)), (prepare(x_test), np.asarray(y_test, np.int64)), names
