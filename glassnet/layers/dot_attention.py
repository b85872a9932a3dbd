"""Attention (Luong, dot product) and AdditiveAttention (Bahdanau), as Keras 3's layers.

Written with ``glassnet.ops`` in ``call``: the gradients come from the tape (ops/tape.py),
as for MultiHeadAttention.
"""

from __future__ import annotations

import numpy as np

from .. import ops
from ..ops.function import value_of
from ..utils import random as grandom
from ..utils.validation import check_bool, check_int, check_number
from .base import Layer

_MASKED = 1.0e9  # subtracted from the scores of masked pairs, as Keras does


class Attention(Layer):
    """``Attention(use_scale=False, score_mode="dot", dropout=0.0, seed=None)``, called as
    ``layer([query, value])`` or ``layer([query, value, key])`` (key defaults to value), with
    query (batch, Tq, dim), value and key (batch, Tv, dim):

        scores = Q K^T (times ``scale`` with use_scale)                     "dot"
        scores = w * sum_d tanh(scale * (Q[:, :, None] + K[:, None]))       "concat"
        weights = softmax(scores over Tv),  output = weights V               (batch, Tq, dim)

    Masked pairs (value mask False, or a future step with ``use_causal_mask``) get
    ``scores - 1e9``; output rows where the query mask is False are zero. Masks come from
    ``mask=[query_mask, value_mask]`` or from the inputs (Embedding(mask_zero=True)).
    ``return_attention_scores=True`` returns [output, weights]. ``dropout`` drops weights
    while training. Weights: ``scale`` () with use_scale, ``concat_score_weight`` () for
    "concat", both starting at 1.
    """

    def __init__(self, use_scale: bool = False, score_mode: str = "dot", dropout: float = 0.0,
                 seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        owner = f'{type(self).__name__} "{self.name}"'
        self.use_scale = check_bool(use_scale, "use_scale", owner)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f'{owner}: score_mode must be "dot" or "concat", received {score_mode!r}.')
        self.score_mode = score_mode
        self.dropout = check_number(dropout, "dropout", owner, 0, 1, high_open=True)
        self.seed = check_int(seed, "seed", owner, minimum=0, allow_none=True)
        self._rng = grandom.new_stream(seed)
        self._call_options = None

    # -- calling ------------------------------------------------------------------------------
    def __call__(self, inputs, mask=None, training=None, return_attention_scores: bool = False,
                 use_causal_mask: bool = False, **kwargs):
        owner = f'{type(self).__name__} "{self.name}"'
        if not isinstance(inputs, (list, tuple)) or not 2 <= len(inputs) <= 3:
            raise ValueError(f"{owner} must be called on a list [query, value] or [query, value, key], received "
                             f"{type(inputs).__name__}{' of length ' + str(len(inputs)) if isinstance(inputs, (list, tuple)) else ''}.")
        if mask is not None and (not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3):
            raise ValueError(f"{owner}: mask must be a list [query_mask, value_mask], received {mask!r}.")
        options = (bool(return_attention_scores), bool(use_causal_mask))
        if self._call_options is not None and options != self._call_options:
            raise ValueError(f"{owner}: every call must give the same return_attention_scores and use_causal_mask; "
                             "use another layer for other options.")
        self._call_options = options
        if mask is not None:
            from .calling import is_symbolic
            if any(is_symbolic(v) for v in list(inputs) + list(mask)):
                raise ValueError(f"{owner}: an explicit mask= is not supported in a functional model; there the "
                                 "masks come with the inputs (Embedding(mask_zero=True) or Masking before it).")
            mask = [None if m is None else np.asarray(value_of(m), bool) for m in mask]
        return super().__call__(list(inputs), training=training, mask=mask, **kwargs)

    # -- weights --------------------------------------------------------------------------------
    def build(self, input_shape):
        self.scale = self.add_weight("scale", (), "ones") if self.use_scale else None
        self.concat_score_weight = (self.add_weight("concat_score_weight", (), "ones")
                                    if self.score_mode == "concat" else None)

    def compute_output_shape(self, input_shape):
        query_shape, value_shape = tuple(input_shape[0]), tuple(input_shape[1])
        output_shape = query_shape[:-1] + value_shape[-1:]
        if self._call_options and self._call_options[0]:
            key_shape = tuple(input_shape[2]) if len(input_shape) > 2 else value_shape
            return [output_shape, query_shape[:-1] + key_shape[-2:-1]]
        return output_shape

    supports_masking = True

    def compute_mask(self, inputs, mask=None):
        query_mask = mask[0] if isinstance(mask, (list, tuple)) else None
        if self._call_options and self._call_options[0]:
            return [query_mask, None]
        return query_mask

    # -- the maths ------------------------------------------------------------------------------
    def _scores(self, query, key):
        """(batch, Tq, Tv) scores of every query step against every key step."""
        if self.score_mode == "dot":
            scores = ops.einsum("bqd,bvd->bqv", query, key)
            return scores * self.scale if self.use_scale else scores
        pairs = ops.expand_dims(query, -2) + ops.expand_dims(key, -3)
        if self.use_scale:
            pairs = pairs * self.scale
        return ops.sum(ops.tanh(pairs), axis=-1) * self.concat_score_weight

    def call(self, inputs, training=False, mask=None):
        return_scores, causal = self._call_options or (False, False)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        masks = list(mask) if isinstance(mask, (list, tuple)) else [None, None]
        query_mask, value_mask = masks[0], masks[1]
        scores = self._scores(query, key)
        allowed = self._allowed(np.shape(value_of(scores)), value_mask, causal)
        if allowed is not None:
            scores = scores - _MASKED * (~allowed).astype(np.float32)
        weights = ops.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            keep = self._rng.random(np.shape(value_of(weights))) >= self.dropout
            weights = weights * (keep.astype(np.float32) / (1 - self.dropout))
        output = ops.einsum("bqv,bvd->bqd", weights, value)
        if query_mask is not None:
            output = output * np.asarray(query_mask, bool)[..., None].astype(np.float32)
        return [output, weights] if return_scores else output

    @staticmethod
    def _allowed(shape, value_mask, causal):
        """Which (query step, value step) pairs may attend, broadcastable to (batch, Tq, Tv),
        or None for all."""
        allowed = np.ones((1, shape[1], shape[2]), bool)
        if value_mask is not None:
            allowed = allowed & np.asarray(value_mask, bool)[:, None, :]
        if causal:
            allowed = allowed & np.tril(np.ones(shape[1:], bool))
        return None if allowed.all() else allowed

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale, "score_mode": self.score_mode,
                "dropout": self.dropout, "seed": self.seed}

    def keras_call(self, inputs, tensor_config) -> dict:
        """This layer's call in a saved graph, as Keras writes it: the list of inputs, and the
        options as keywords."""
        return_scores, causal = self._call_options
        kwargs = {"use_causal_mask": causal}
        if return_scores:
            kwargs["return_attention_scores"] = True
        return {"args": [[tensor_config(t) for t in inputs]], "kwargs": kwargs}


class AdditiveAttention(Attention):
    """``AdditiveAttention(use_scale=True, dropout=0.0)``: Attention whose scores are
    ``sum_d scale[d] * tanh(Q[:, :, None, d] + K[:, None, :, d])`` (Bahdanau et al., 2015).
    Weight: ``scale`` (dim,), glorot-uniform, with use_scale. Masks and options as Attention."""

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, seed: int | None = None, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, seed=seed, **kwargs)

    def build(self, input_shape):
        dim = input_shape[0][-1]
        self.scale = self.add_weight("scale", (dim,), "glorot_uniform") if self.use_scale else None
        self.concat_score_weight = None

    def _scores(self, query, key):
        terms = ops.tanh(ops.expand_dims(query, -2) + ops.expand_dims(key, -3))
        if self.use_scale:
            terms = terms * self.scale
        return ops.sum(terms, axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
