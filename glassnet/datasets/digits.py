"""scikit-learn's bundled 8x8 handwritten digits (1,797 images), offline.

scikit-learn is an optional dependency: ``pip install scikit-learn`` (or ``glassnet[digits]``).
"""

from __future__ import annotations

import numpy as np


def load_data(test_size: float = 0.2, seed: int = 0):
    """((x_train, y_train), (x_test, y_test)): float32 images (n, 8, 8) with values 0..16 and
    int64 labels 0..9. The split is shuffled with ``seed`` and stratified by class, so every
    call with the same arguments returns the same split (1,438 / 359 by default)."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ImportError("glassnet.datasets.digits needs scikit-learn, which ships these images: "
                          "pip install scikit-learn") from None
    if not 0 < test_size < 1:
        raise ValueError(f"digits.load_data: test_size must be in (0, 1), received {test_size!r}")
    bunch = load_digits()
    images, labels = bunch.images.astype(np.float32), bunch.target.astype(np.int64)
    rng = np.random.default_rng(seed)
    test = np.zeros(len(labels), dtype=bool)
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        test[members[:int(round(len(members) * test_size))]] = True
    train_order = rng.permutation(np.flatnonzero(~test))
    test_order = rng.permutation(np.flatnonzero(test))
    return (images[train_order], labels[train_order]), (images[test_order], labels[test_order])
