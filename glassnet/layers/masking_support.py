"""How a mask travels from the layer that makes it to the layers that use it, as in Keras.

A mask is a bool array of shape (batch, timesteps), True at the real steps of a padded
sequence. ``Embedding(mask_zero=True)`` and ``Masking`` make one; a layer whose ``forward``
takes ``mask=`` (a recurrent layer, ``GlobalAveragePooling1D``) receives it; a layer that
``supports_masking`` passes on what its ``compute_mask(inputs, mask)`` returns (by default the
mask it received), and any other layer drops it, with a warning once, as Keras does.

In a functional or Sequential model the plan carries masks beside the values
(engine/graph.py). Outside a model, on arrays or on a tape's tensors, the output of a masking
layer carries its mask as ``_keras_mask`` (Keras's attribute name), which the next layer's
call reads.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np

_TAKES_MASK: dict = {}


def forward_takes_mask(layer) -> bool:
    """Whether ``layer.forward`` (or, for a layer written with ``call``, its ``call``) has a
    ``mask`` argument."""
    cls = type(layer)
    if cls not in _TAKES_MASK:
        from .base import Layer
        method = cls.call if cls.forward is Layer.forward else cls.forward
        _TAKES_MASK[cls] = "mask" in inspect.signature(method).parameters
    return _TAKES_MASK[cls]


def may_make_mask(layer) -> bool:
    """Whether ``layer`` may produce a mask from an input without one: only then does a plan
    carry masks at all. A layer says so with ``makes_masks``; by default, one that defines its
    own ``compute_mask`` may."""
    from .base import Layer
    makes = getattr(layer, "makes_masks", None)
    return type(layer).compute_mask is not Layer.compute_mask if makes is None else bool(makes)


def output_mask(layer, inputs, mask):
    """The mask ``layer``'s output carries: its ``compute_mask`` when it supports masking;
    otherwise none, with a warning (once per layer) when a mask is dropped."""
    if layer.supports_masking:
        return layer.compute_mask(inputs, mask)
    if mask is not None and not (isinstance(mask, list) and all(m is None for m in mask)):
        if not getattr(layer, "_warned_mask_dropped", False):
            layer._warned_mask_dropped = True
            warnings.warn(f'Layer "{layer.name}" ({type(layer).__name__}) was passed an input with a mask, but it '
                          "does not support masking, so the layers after it will not see the mask.", UserWarning,
                          stacklevel=4)
    return None


class MaskedArray(np.ndarray):
    """An ndarray carrying the mask of the layer that made it (``_keras_mask``)."""

    _keras_mask = None


def attach_mask(value, mask):
    """``value`` carrying ``mask`` (a view for an array, an attribute for a tape's tensor)."""
    if mask is None:
        return value
    if isinstance(value, np.ndarray):
        value = value.view(MaskedArray)
    value._keras_mask = mask
    return value


def mask_of(inputs):
    """The mask a call's first input carries, or None (a list for a list of inputs)."""
    if isinstance(inputs, (list, tuple)):
        masks = [getattr(v, "_keras_mask", None) for v in inputs]
        return masks if any(m is not None for m in masks) else None
    return getattr(inputs, "_keras_mask", None)
