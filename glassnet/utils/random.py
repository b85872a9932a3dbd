"""The shared random generator, and the streams made from it.

``set_random_seed(n)`` re-seeds the shared generator (and Python's and NumPy's legacy global
generators, as Keras does). Weight initialisation draws from it. Whatever draws again and
again has a stream of its own, made from the shared generator when it is created: each model
(its shuffles, and the weights of layers it builds lazily) and each Dropout layer. So two
models trained in two threads each draw what they would alone, and a stream's state can be
saved with its model (``stream_state`` / ``restore_stream``) for an exact resume.
"""

import random
import threading
from contextlib import contextmanager

import numpy as np

_generator = np.random.default_rng()
_override = threading.local()


def set_random_seed(seed: int) -> None:
    """Make every random choice of a run reproducible, like ``keras.utils.set_random_seed``."""
    global _generator
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"set_random_seed: seed must be an integer, received {seed!r}")
    if seed < 0:
        raise ValueError(f"set_random_seed: seed must be an integer >= 0, received {seed!r}.")
    random.seed(int(seed))
    np.random.seed(int(seed) % 2**32)
    _generator = np.random.default_rng(int(seed))


def generator() -> np.random.Generator:
    """The generator to draw from: the shared one (re-created by every ``set_random_seed``),
    or the stream a ``drawing_from`` block in this thread names."""
    stream = getattr(_override, "stream", None)
    return _generator if stream is None else stream


def new_stream(seed=None) -> np.random.Generator:
    """A stream of its own: from ``seed``, or seeded by one draw from ``generator()``."""
    return np.random.default_rng(int(generator().integers(2**63)) if seed is None else seed)


@contextmanager
def drawing_from(stream: np.random.Generator):
    """Within the block, in this thread, ``generator()`` is ``stream`` (a model building its
    layers lazily, from its own stream)."""
    previous = getattr(_override, "stream", None)
    _override.stream = stream
    try:
        yield
    finally:
        _override.stream = previous


def stream_state(stream: np.random.Generator) -> dict:
    """A stream's state as JSON-ready values."""
    return stream.bit_generator.state


def restore_stream(stream: np.random.Generator, state: dict) -> None:
    if state.get("bit_generator") != type(stream.bit_generator).__name__:
        raise ValueError(f"a random state of {state.get('bit_generator')!r} cannot be restored into "
                         f"{type(stream.bit_generator).__name__}")
    stream.bit_generator.state = state


@contextmanager
def preserved_state():
    """Run a block without advancing the shared generator (e.g. building layers whose weights
    are about to be overwritten by loaded ones), so a resumed run draws what it would have."""
    state = generator().bit_generator.state
    try:
        yield
    finally:
        generator().bit_generator.state = state
