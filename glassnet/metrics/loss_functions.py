"""Loss functions used as metrics (Keras takes ``metrics=["kl_divergence", "poisson", ...]``):
found by name in glassnet.losses when called, so that every loss glassnet.losses defines is a
metric too, with no second list here."""

from __future__ import annotations

import numpy as np

from .. import losses as losses_module


def find(name: str):
    """glassnet.losses's per-sample function ``name``, or None."""
    function = getattr(losses_module, "FUNCTIONS", {}).get(name) or getattr(losses_module, name, None)
    return function if callable(function) and not isinstance(function, type) else None


class loss_function:  # noqa: N801 (used as a function)
    """The per-sample loss ``name`` of glassnet.losses, looked up when first called."""

    def __init__(self, name: str):
        self.__name__ = name

    def __call__(self, y_true, y_pred, **kwargs):
        function = find(self.__name__)
        if function is None:
            raise NotImplementedError(f"glassnet.losses has no function {self.__name__!r}, which this metric "
                                      "averages.")
        y_pred = np.asarray(y_pred)
        if y_pred.dtype.kind != "f":
            y_pred = y_pred.astype(np.float32)
        return function(y_true, y_pred, **kwargs)

    def __eq__(self, other) -> bool:
        return isinstance(other, loss_function) and other.__name__ == self.__name__

    def __hash__(self) -> int:
        return hash(self.__name__)

    def __repr__(self) -> str:
        return f"<loss function {self.__name__}>"
