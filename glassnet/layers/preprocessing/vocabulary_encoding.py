"""Encodings of vocabulary indices as vectors of the vocabulary's size (``depth``):

- ``encode_one_hot``: one vector per index, 1 at the index;
- ``encode_counts``: one vector per sample (the last axis holds a sample's indices), how often
  each index occurs (``binary``: whether it occurs), as Keras's "count" and "multi_hot" modes.

Indices of -1 (masked tokens) and indices outside [0, depth) count nowhere. Outputs are float32.
"""

from __future__ import annotations

import numpy as np


def encode_one_hot(indices: np.ndarray, depth: int) -> np.ndarray:
    """``(..., 1)`` or ``(...)`` indices -> ``(..., depth)``: a trailing axis of 1 is dropped."""
    indices = np.asarray(indices)
    if indices.ndim > 1 and indices.shape[-1] == 1:
        indices = indices[..., 0]
    flat = indices.reshape(-1)
    out = np.zeros((flat.size, depth), np.float32)
    valid = (flat >= 0) & (flat < depth)
    out[np.flatnonzero(valid), flat[valid]] = 1.0
    return out.reshape(indices.shape + (depth,))


def encode_counts(indices: np.ndarray, depth: int, binary: bool = False) -> np.ndarray:
    """``(..., n)`` indices -> ``(..., depth)`` counts; a scalar or a 1-D array is one sample."""
    indices = np.asarray(indices)
    if indices.ndim == 0:
        indices = indices.reshape(1)
    rows = indices.reshape(int(np.prod(indices.shape[:-1])), indices.shape[-1])
    out = np.zeros((len(rows), depth), np.float32)
    row_of = np.repeat(np.arange(len(rows)), rows.shape[1])
    flat = rows.reshape(-1)
    valid = (flat >= 0) & (flat < depth)
    np.add.at(out, (row_of[valid], flat[valid]), 1.0)
    if binary:
        np.minimum(out, 1.0, out=out)
    return out.reshape(indices.shape[:-1] + (depth,))
