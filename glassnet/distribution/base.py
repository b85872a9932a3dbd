"""The current distribution, and what a distribution gives ``fit``.

``Model.fit`` asks ``distribution()`` once per call. When one is set, fit hands it the epoch's
batches and its flat parameters (``distribute``) and gets back the batches to iterate and the
function that trains on one batch; everything else in fit (callbacks, History, validation, the
progress bar) runs as in one process. When none is set fit runs exactly as before: one global
read per fit, nothing per step.
"""

from __future__ import annotations

import contextlib

_CURRENT = [None]


class Distribution:
    """What ``set_distribution`` takes. A subclass writes ``distribute``."""

    def distribute(self, model, data, flat, fused: bool):
        """Called by ``fit`` once, before the first epoch.

        Args:
            model: the model being fitted (compiled, built, its optimizer built for ``flat``).
            data: fit's batches (engine/data_adapters.py's ArrayBatches).
            flat: the model's FlatParameters.
            fused: whether the loss's gradient is taken at the output layer's logits.

        Returns:
            ``(batches, train_step)``: an adapter with ArrayBatches's interface, and a function
            ``train_step(x, y, sample_weight, flat, fused) -> (loss, y_pred)`` that trains on one
            of its global batches and returns its mean loss and the predictions for all its rows.
        """
        raise NotImplementedError

    @contextlib.contextmanager
    def scope(self):
        """This distribution for the ``with`` block, the previous one after it (as Keras's)."""
        previous = distribution()
        set_distribution(self)
        try:
            yield self
        finally:
            set_distribution(previous)


def distribution():
    """The distribution ``fit`` uses, or None (one process)."""
    return _CURRENT[0]


def set_distribution(value) -> None:
    """Make ``value`` (a Distribution, or None for one process) the one every later fit uses."""
    if value is not None and not isinstance(value, Distribution):
        raise TypeError("set_distribution(): value must be a glassnet.distribution.Distribution (e.g. "
                        f"RayDataParallel(num_workers=2)) or None, received {type(value).__name__} {value!r:.60}.")
    _CURRENT[0] = value
