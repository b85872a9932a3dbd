"""Training one model on several workers, with Keras's ``keras.distribution`` names.

    import glassnet as keras
    from glassnet.distribution import RayDataParallel, set_distribution

    set_distribution(RayDataParallel(num_workers=2))   # a local Ray instance, or address="auto"
    model.fit(x, y, epochs=5)                           # unchanged: each batch is split over the workers

``set_distribution(value)`` makes ``value`` the distribution every later ``fit`` uses (None:
back to one process); ``distribution()`` returns it; ``Distribution.scope()`` sets it for a
``with`` block. ``RayDataParallel`` (ray_data_parallel.py) needs ``pip install "glassnet[ray]"``;
this package imports Ray only when a RayDataParallel is made, so ``import glassnet`` never does.
"""

from __future__ import annotations

from .base import Distribution, distribution, set_distribution

__all__ = ["Distribution", "RayDataParallel", "WorkerDiedError", "distribution", "set_distribution"]


def __getattr__(name):
    # The Ray strategy's module imports nothing of Ray at import time either; it is loaded on
    # first use so that the package stays a few lines to import.
    if name in ("RayDataParallel", "WorkerDiedError"):
        from . import ray_data_parallel
        return getattr(ray_data_parallel, name)
    raise AttributeError(f"module 'glassnet.distribution' has no attribute {name!r}")
