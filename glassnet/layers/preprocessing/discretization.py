"""Discretization: numbers to bin indices, with boundaries given or learnt by ``adapt`` from
approximate quantiles, as Keras's layer of that name."""

from __future__ import annotations

import numpy as np

from ...utils.validation import check_choice, check_int, check_number
from ..base import Layer
from .category_encoding import encode_categories, encoded_shape

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


class Discretization(Layer):
    """Bin each value: with sorted ``bin_boundaries`` b_0 < ... < b_{k-1}, x goes to the index i
    with b_{i-1} <= x < b_i (0 below b_0, k from b_{k-1} up), then is encoded by ``output_mode``
    ("int": the indices, int32; "one_hot", "multi_hot", "count": vectors of length k + 1, as
    CategoryEncoding makes them).

    Instead of boundaries, ``num_bins`` and ``adapt(data)``: the boundaries become num_bins - 1
    approximate quantiles of the data, from Keras's summary: each array (or batch) is sorted and
    every (n * epsilon)-th value kept with that weight; summaries are merged and compressed to
    1 / epsilon points by interpolating the cumulative weights, and the boundaries read off the
    compressed summary at 1 / num_bins, 2 / num_bins, ....

    Input shape: any; output shape: the same ("int", "one_hot" adds an axis of k + 1), or
    (batch, k + 1) for multi_hot and count. No gradient: bin indices are piecewise constant.
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False, **kwargs):
        super().__init__(**kwargs)
        owner = self._owner = f'Discretization "{self.name}"'
        self.output_mode = check_choice(output_mode, OUTPUT_MODES, "output_mode", owner, lower=False)
        if sparse is not False:
            raise ValueError(f"{owner}: sparse must be False (glassnet has no sparse tensors), received {sparse!r}.")
        self.sparse = False
        self.num_bins = check_int(num_bins, "num_bins", owner, minimum=1, allow_none=True)
        self.epsilon = check_number(epsilon, "epsilon", owner, 0, 1, low_open=True)
        if self.num_bins is not None and bin_boundaries is not None:
            raise ValueError(f"{owner}: give either num_bins or bin_boundaries, not both; received num_bins="
                             f"{num_bins!r} and bin_boundaries={bin_boundaries!r}.")
        if self.num_bins is None and bin_boundaries is None:
            raise ValueError(f"{owner}: give num_bins (and call adapt) or bin_boundaries.")
        self.bin_boundaries = None if bin_boundaries is None else _boundaries(bin_boundaries, owner)
        self._summary = np.zeros((2, 0), np.float32)

    # -- adapt -----------------------------------------------------------------------------------
    def adapt(self, data, steps=None) -> None:
        """Learn ``num_bins - 1`` boundaries from an array or from an iterable of batches
        (``steps`` of them at most)."""
        if self.num_bins is None:
            raise ValueError(f"{self._owner} was given bin_boundaries; adapt() needs num_bins instead.")
        self._summary = np.zeros((2, 0), np.float32)
        if isinstance(data, np.ndarray) or hasattr(data, "to_numpy") or not hasattr(data, "__iter__"):
            batches = [data]
        else:
            batches = (batch for i, batch in enumerate(data) if steps is None or i < steps)
        for batch in batches:
            values = np.asarray(batch, dtype=np.float32)
            self._summary = _compress(_merge(_summarize(values, self.epsilon), self._summary), self.epsilon)
        self.bin_boundaries = _compress(self._summary, 1.0 / self.num_bins)[0, :-1].tolist()

    # -- passes ----------------------------------------------------------------------------------
    def _depth(self) -> int:
        return len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins

    def forward(self, x, training=False):
        if self.bin_boundaries is None:
            raise ValueError(f"{self._owner} has no bin boundaries: pass bin_boundaries, or call adapt(data) first.")
        indices = np.digitize(np.asarray(x, np.float32), np.asarray(self.bin_boundaries, np.float32))
        return encode_categories(indices, self.output_mode, self._depth(), self.dtype, self._owner)

    def backward(self, grad_output, need_input_grad=True):
        if not need_input_grad:
            return None
        raise ValueError(f"{self._owner} maps numbers to bin indices, a step function with no useful gradient: "
                         "place it before the first layer with weights (or in the data pipeline).")

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self._depth())

    def get_config(self):
        config = {key: value for key, value in super().get_config().items() if key != "trainable"}  # as Keras's
        return {**config, "bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon, "output_mode": self.output_mode, "sparse": self.sparse}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        boundaries = config.pop("bin_boundaries", None) if config.get("num_bins") is not None else None
        layer = super().from_config(config)
        if boundaries is not None:   # an adapted layer: its learnt boundaries
            layer.bin_boundaries = [float(b) for b in boundaries]
        return layer


def _boundaries(value, owner: str) -> list:
    if not isinstance(value, (list, tuple, np.ndarray)):
        raise TypeError(f"{owner}: bin_boundaries must be a list of numbers, received {value!r}.")
    try:
        array = np.asarray(value, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise TypeError(f"{owner}: bin_boundaries must be a list of numbers, received {value!r}.") from None
    if not np.all(np.isfinite(array)) or np.any(np.diff(array) < 0):
        raise ValueError(f"{owner}: bin_boundaries must be finite and sorted, received {value!r}.")
    return array.tolist()


def _summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    """(2, m): every step-th sorted value (step = max(n epsilon, 1)) and its weight, step."""
    ordered = np.sort(values.reshape(-1))
    step = max(ordered.size / (1.0 / epsilon), 1)
    kept = ordered[int(step - 1)::int(step)]
    return np.stack([kept, np.full_like(kept, step)])


def _merge(new: np.ndarray, previous: np.ndarray) -> np.ndarray:
    joined = np.concatenate((new, previous), axis=1)
    return joined[:, np.argsort(joined[0])]


def _compress(summary: np.ndarray, epsilon: float) -> np.ndarray:
    """At most about 1 / epsilon points: the values and weights where the cumulative weight
    crosses epsilon, 2 epsilon, ..., 1 (linear interpolation), unless already that small."""
    if summary.shape[1] * epsilon < 1:
        return summary
    targets = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    fractions = cumulative / cumulative[-1]
    values = np.interp(targets, fractions, summary[0])
    reached = np.interp(targets, fractions, cumulative)
    weights = reached - np.concatenate(([0.0], reached[:-1]))
    return np.stack((values, weights)).astype(np.float32)


__all__ = ["Discretization"]
