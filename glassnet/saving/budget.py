"""A bound on what building a model from a file may allocate.

A file's config says how big its layers are (``Dense(units=...)``), and building the model
allocates those weights before any stored array is read. Within ``weight_budget(values, path)``,
every ``add_weight`` claims its size first, so a config that asks for more weight values than
the file holds bytes for is refused (ModelFileError) before the allocation: loading a file never
allocates much more than the file's size. The budget belongs to the thread that loads.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

_state = threading.local()


@contextmanager
def weight_budget(values: int, path):
    previous = getattr(_state, "budget", None)
    _state.budget = [int(values), path]
    try:
        yield
    finally:
        _state.budget = previous


def claim(count: int, layer_name: str, shape) -> None:
    """Take ``count`` weight values from the active budget, if there is one."""
    budget = getattr(_state, "budget", None)
    if budget is None:
        return
    budget[0] -= count
    if budget[0] < 0:
        from .archive import ModelFileError
        raise ModelFileError(f"{budget[1]!r}: the config gives layer {layer_name!r} a weight of shape {tuple(shape)}, "
                             "more values than the file holds; the file is damaged or was edited.")
