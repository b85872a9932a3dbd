"""The random generator every part of glassnet draws from.

``set_random_seed(n)`` re-seeds it (and Python's and NumPy's legacy global generators, as
Keras does), so weight initialisation, shuffling and dropout repeat bit for bit.
"""

import random
from contextlib import contextmanager

import numpy as np

_generator = np.random.default_rng()


def set_random_seed(seed: int) -> None:
    """Make every random choice of a run reproducible, like ``keras.utils.set_random_seed``."""
    global _generator
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"set_random_seed: seed must be an integer, received {seed!r}")
    random.seed(int(seed))
    np.random.seed(int(seed) % 2**32)
    _generator = np.random.default_rng(int(seed))


def generator() -> np.random.Generator:
    """The shared generator (re-created by every ``set_random_seed``)."""
    return _generator


@contextmanager
def preserved_state():
    """Run a block without advancing the shared generator (e.g. building layers whose weights
    are about to be overwritten by loaded ones), so a resumed run draws what it would have."""
    state = _generator.bit_generator.state
    try:
        yield
    finally:
        _generator.bit_generator.state = state
