"""``pad_sequences``: a list of variable-length sequences as one rectangular array (Keras's rules)."""

from __future__ import annotations

import numbers

import numpy as np

_SIDES = ("pre", "post")


def _check_side(argument: str, side) -> None:
    if not isinstance(side, str) or side not in _SIDES:
        raise ValueError(f"pad_sequences: {argument} must be 'pre' or 'post', received {side!r}.")


def _check_maxlen(maxlen) -> None:
    if maxlen is None:
        return
    if isinstance(maxlen, bool) or not isinstance(maxlen, numbers.Integral):
        raise TypeError(f"pad_sequences: maxlen must be None or an int, received {type(maxlen).__name__} {maxlen!r}.")
    if maxlen < 0:
        raise ValueError(f"pad_sequences: maxlen must be >= 0, received {maxlen}.")


def _holds_text(dtype) -> bool:
    """Whether ``dtype`` can take a string padding value: object, str or bytes."""
    resolved = np.dtype(dtype)
    return resolved == object or np.issubdtype(resolved, np.str_) or np.issubdtype(resolved, np.bytes_)


def _lengths_and_step_shape(sequences) -> tuple[list, tuple]:
    """The length of each sequence, and the shape of one time step, taken from the first
    non-empty sequence (() for sequences of scalars)."""
    lengths, step_shape = [], None
    for position, sequence in enumerate(sequences):
        try:
            lengths.append(len(sequence))
        except TypeError:
            raise ValueError(f"pad_sequences: sequences must be a list of sequences (lists, tuples or arrays), but "
                             f"the element at position {position} is {type(sequence).__name__} {sequence!r:.80}, "
                             "which has no length.") from None
        if step_shape is None and len(sequence):
            step_shape = np.asarray(sequence).shape[1:]
    return lengths, step_shape or ()


def pad_sequences(sequences, maxlen: int | None = None, dtype="int32", padding: str = "pre",
                  truncating: str = "pre", value=0.0) -> np.ndarray:
    """Pad (or cut) each sequence to ``maxlen`` steps: an array of shape (len(sequences), maxlen)
    + step shape, as ``keras.utils.pad_sequences``.

    Args:
        sequences: a list (anything with a length) of sequences: lists of numbers, or arrays whose
            first axis is time (every step must then have the same shape).
        maxlen: the number of steps of the result; None: the length of the longest sequence.
        dtype: of the result (default int32: values are cast, 2.7 becomes 2); ``object`` or a str
            dtype to pad sequences of strings.
        padding: 'pre' puts the padding before each shorter sequence, 'post' after it.
        truncating: 'pre' drops the first steps of a longer sequence, 'post' its last ones.
        value: what padded positions hold (cast to ``dtype``).

    >>> pad_sequences([[1], [2, 3], [4, 5, 6]], maxlen=2)
    array([[0, 1],
           [2, 3],
           [5, 6]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError(f"pad_sequences: sequences must be a list of sequences, received "
                         f"{type(sequences).__name__} {sequences!r:.80}, which has no length (make a list of it).")
    _check_maxlen(maxlen)
    _check_side("padding", padding)
    _check_side("truncating", truncating)
    if isinstance(value, str) and not _holds_text(dtype):
        raise ValueError(f"pad_sequences: value {value!r} is a string but dtype is {dtype!r}; pass dtype=object to "
                         "pad sequences of strings.")
    lengths, step_shape = _lengths_and_step_shape(sequences)
    if maxlen is None:
        if not lengths:
            raise ValueError("pad_sequences: sequences is empty and maxlen is None, so there is no length to pad "
                             "to; pass maxlen.")
        maxlen = max(lengths)
    padded = np.full((len(lengths), maxlen) + step_shape, value, dtype=dtype)
    if maxlen == 0:
        return padded
    for position, sequence in enumerate(sequences):
        if not len(sequence):
            continue
        steps = sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen]
        try:
            kept = np.asarray(steps, dtype=dtype)
        except (ValueError, TypeError) as error:
            raise ValueError(f"pad_sequences: the sequence at position {position} cannot be held in dtype {dtype!r} "
                             f"({error}); pass dtype=object to pad sequences of strings.") from None
        if kept.shape[1:] != step_shape:
            raise ValueError(f"pad_sequences: every step must have the shape of the first non-empty sequence's "
                             f"steps, {step_shape}, but the sequence at position {position} has steps of shape "
                             f"{kept.shape[1:]}.")
        if padding == "pre":
            padded[position, maxlen - len(kept):] = kept
        else:
            padded[position, :len(kept)] = kept
    return padded
