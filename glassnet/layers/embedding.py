"""Embedding: integer ids to dense vectors, a row lookup in a trainable table."""

from __future__ import annotations

import numpy as np

from .. import initializers as initializers_module
from .. import regularizers as regularizers_module
from ..engine import kernels
from ..utils.validation import check_bool, check_positive_int
from .base import Layer


class Embedding(Layer):
    """``y[..., :] = embeddings[x[...]]``: each integer id in ``x`` picks a row of the table.

    Args:
        input_dim: size of the vocabulary (ids run from 0 to input_dim - 1).
        output_dim: length of each vector.
        embeddings_initializer: Keras's default ``"uniform"`` (uniform in [-0.05, 0.05]).
        embeddings_regularizer: e.g. ``"l2"``.
        mask_zero: id 0 is padding: the output carries a mask (x != 0) that recurrent layers
            and ``GlobalAveragePooling1D`` honour (then id 0 must not be a real word).
        weights: an initial table, ``[array of shape (input_dim, output_dim)]``.

    Input shape: ``(batch, ...)`` integer ids. Output shape: ``(batch, ..., output_dim)``.
    Weight: ``embeddings`` of shape ``(input_dim, output_dim)``.

    Backward: each row's gradient is the sum of the output gradients at the places that
    looked it up, ``dE[k] = sum over positions p with x[p] = k of dy[p]``; the ids get none.
    """

    takes_indices = True  # its input stays integer (layers/calling.as_input_array)

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero: bool = False,
                 weights=None, lora_rank=None, activity_regularizer=None, input_length=None, **kwargs):
        kwargs.pop("quantization_config", None)
        kwargs.pop("lora_alpha", None)
        super().__init__(**kwargs)
        owner = f'Embedding "{self.name}"'
        self.input_dim = check_positive_int(input_dim, "input_dim", owner)
        self.output_dim = check_positive_int(output_dim, "output_dim", owner)
        if isinstance(embeddings_initializer, str) and embeddings_initializer.lower() == "uniform":
            embeddings_initializer = initializers_module.RandomUniform(-0.05, 0.05)
        self.embeddings_initializer = initializers_module.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers_module.get(embeddings_regularizer)
        for argument, value in (("embeddings_constraint", embeddings_constraint), ("lora_rank", lora_rank),
                                ("activity_regularizer", activity_regularizer)):
            if value is not None:
                raise ValueError(f"{owner}: {argument} is not supported by glassnet yet; received {value!r}.")
        self.mask_zero = check_bool(mask_zero, "mask_zero", owner)
        self.embeddings = None
        if weights is not None:
            self.build_for((None, None))
            self.set_weights(weights if isinstance(weights, list) and len(weights) == 1 else [weights])

    supports_masking = makes_masks = property(lambda self: self.mask_zero)

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          self.embeddings_initializer, self.embeddings_regularizer)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return np.not_equal(inputs, 0)

    def _ids(self, x) -> np.ndarray:
        ids = x if x.dtype.kind in "iu" else x.astype(np.intp)
        if ids.size and (ids.min() < 0 or ids.max() >= self.input_dim):
            bad = ids.max() if ids.max() >= self.input_dim else ids.min()
            raise ValueError(f'Embedding "{self.name}": input id {int(bad)} is outside [0, {self.input_dim}); '
                             f"input_dim={self.input_dim} must be larger than the largest id in the data "
                             f"(here {int(ids.max())}).")
        return ids

    def forward(self, x, training=False):
        ids = self._ids(np.asarray(x))
        table = self.embeddings.value
        y = np.take(table, ids, axis=0, out=self.scratch("y", ids.shape + (self.output_dim,), table.dtype))
        self._saved = ids
        return y

    def backward(self, grad_output, need_input_grad=True):
        ids = self._saved.reshape(-1)
        rows = np.ascontiguousarray(grad_output.reshape(-1, self.output_dim), dtype=self.embeddings.grad.dtype)
        grad = self.embeddings.grad
        grad[...] = 0
        scatter = kernels.get("scatter_add_rows")
        if scatter is not None:
            scatter(ids, rows, grad)
        else:
            np.add.at(grad, ids, rows)
        return None

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": initializers_module.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers_module.serialize(self.embeddings_regularizer),
                "activity_regularizer": None, "embeddings_constraint": None, "mask_zero": self.mask_zero}
