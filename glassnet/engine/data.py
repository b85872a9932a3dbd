"""Turning what users pass to fit/evaluate/predict into checked float32 arrays.

NumPy arrays of any numeric dtype, nested lists, and pandas DataFrames/Series (through their
``__array__``, so pandas is never imported) are accepted. Every check happens once per call,
never per step.
"""

from __future__ import annotations

import math

import numpy as np


def as_array(data, argument: str, dtype=np.float32, strings: bool = False) -> np.ndarray:
    """``data`` as a C-contiguous array of ``dtype``; a clear error for non-numeric or empty data.
    With ``strings`` (a model whose input takes text), an array of strings is kept as it is."""
    if data is None:
        raise ValueError(f"{argument} is None; pass an array of samples.")
    if isinstance(data, (dict, str, bytes)):
        raise TypeError(f"{argument} must be an array, a nested list or a DataFrame, received {type(data).__name__}.")
    try:
        array = np.asarray(data)
    except ValueError as error:
        raise ValueError(f"{argument} could not be read as an array ({error}); are all samples the same shape?") from None
    if strings and (array.dtype.kind in "US" or array.dtype == object and array.size
                    and isinstance(array.flat[0], (str, bytes))):
        if array.ndim == 0:
            raise ValueError(f"{argument} must have a sample axis, received one string; pass a list of strings.")
        if len(array) == 0:
            raise ValueError(f"{argument} is empty: received shape {array.shape}, with 0 samples.")
        return array
    if array.dtype == object or array.dtype.kind in "USVMm":  # M, m: dates and time spans are not numbers
        columns = getattr(data, "dtypes", None)
        where = ""
        if columns is not None and hasattr(columns, "items"):
            bad = [str(name) for name, kind in columns.items() if getattr(kind, "kind", "O") not in "biuf"]
            where = f" (non-numeric columns: {', '.join(bad)})" if bad else ""
        raise TypeError(f"{argument} must hold numbers, received dtype {array.dtype}{where}. "
                        "Convert text or categories to numbers first (e.g. one-hot encode them).")
    if array.ndim == 0:
        raise ValueError(f"{argument} must have a sample axis, received a scalar.")
    if len(array) == 0:
        raise ValueError(f"{argument} is empty: received shape {array.shape}, with 0 samples.")
    if dtype is not None:
        array = np.ascontiguousarray(array, dtype=dtype)
    return array


def check_finite(array: np.ndarray, argument: str) -> None:
    """Raise a ValueError naming ``argument``, the first row holding NaN or infinity and the
    fix. One sum decides (NaN and inf propagate; 60k float32 images of 784 values overflow it
    only past ~1e31 per value), so a clean array costs one pass (11 ms for 60000 x 784); only a
    suspect one is searched row by row."""
    if array.dtype.kind not in "fc":
        return
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.add.reduce(array, axis=None)):
            return
    bad = ~np.isfinite(array.reshape(len(array), -1)).all(axis=1)
    if not bad.any():
        return
    rows = np.flatnonzero(bad)
    values = array[rows[0]]
    what = "NaN" if np.isnan(values).any() else "infinity"
    raise ValueError(
        f"{argument} holds {what} in row {rows[0]} ({len(rows)} of {len(array)} rows hold NaN or infinity); "
        "a network cannot learn from them. Drop those rows (keep = np.isfinite("
        f"{argument}.reshape(len({argument}), -1)).all(axis=1)) or fill them in (np.nan_to_num, or a column's mean).")


def check_same_length(x: np.ndarray, y: np.ndarray, x_name: str = "x", y_name: str = "y") -> None:
    if len(x) != len(y):
        raise ValueError(f"{x_name} and {y_name} must have the same number of samples, but {x_name} has "
                         f"{len(x)} and {y_name} has {len(y)}.")


def sample_weights(y_labels: np.ndarray, n: int, sample_weight=None, class_weight=None) -> np.ndarray | None:
    """Per-sample weights from ``sample_weight`` (n,) and/or ``class_weight`` {class: weight}."""
    weights = None
    if sample_weight is not None:
        raw = as_array(sample_weight, "sample_weight")
        weights = raw.reshape(-1)
        if len(weights) != n:
            raise ValueError(f"sample_weight has {len(weights)} values (shape {raw.shape}), but x has {n} samples; "
                             "give one weight per sample.")
        check_finite(weights, "sample_weight")
        if (weights < 0).any():
            first = int(np.flatnonzero(weights < 0)[0])
            raise ValueError(f"sample_weight holds negative weights (the first, {weights[first]:g}, at index {first}); "
                             "a weight must be >= 0.")
    if class_weight is not None:
        from ..utils.validation import check_class_weight
        class_weight = check_class_weight(class_weight)
        labels = y_labels
        if labels.ndim > 1 and labels.shape[-1] > 1:
            labels = labels.argmax(axis=-1)
        labels = np.rint(labels.reshape(-1)).astype(np.int64)  # rounded, as Keras reads 0.0/1.0 labels
        # A class that class_weight does not name keeps weight 1, as in Keras.
        lookup = np.ones(max(max(int(k) for k in class_weight), int(labels.max(initial=0))) + 1, dtype=np.float32)
        for key, value in class_weight.items():
            lookup[int(key)] = value
        from_classes = lookup[np.maximum(labels, 0)]
        weights = from_classes if weights is None else weights * from_classes
    return weights


def split_validation(arrays, validation_split: float):
    """Split every array at the same point: the last ``validation_split`` part, as Keras does."""
    from ..utils.validation import check_number
    check_number(validation_split, "validation_split", "fit()")
    if not 0 < validation_split < 1:
        raise ValueError(f"validation_split must be in (0, 1), received {validation_split!r}")
    n = length(arrays[0])
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(f"validation_split={validation_split} leaves an empty training or validation set "
                         f"for {n} samples.")
    train = tuple(_rows(a, slice(0, split_at)) for a in arrays)
    val = tuple(_rows(a, slice(split_at, n)) for a in arrays)
    return train, val


def _rows(array, rows):
    """``array[rows]``, for an array, a list of arrays (a model's several inputs) or None."""
    if array is None:
        return None
    if isinstance(array, list):
        return [None if a is None else a[rows] for a in array]
    return array[rows]


def split_rows(arrays, rows):
    """Each of ``arrays`` (arrays, lists of arrays, or None) cut to ``rows`` (a slice)."""
    return tuple(_rows(a, rows) for a in arrays)


def take_rows(arrays, rows) -> tuple:
    """Each of ``arrays`` (arrays, lists of arrays for several inputs, or None) at ``rows``: a
    slice gives views, an index array gathered copies."""
    if isinstance(rows, slice):
        return split_rows(arrays, rows)
    return tuple(_take(a, rows) for a in arrays)


def _take(array, rows):
    if array is None:
        return None
    if isinstance(array, list):
        return [None if a is None else a.take(rows, axis=0) for a in array]
    return array.take(rows, axis=0)


def batch_slices(n: int, batch_size: int):
    """Slices of ``batch_size`` consecutive samples; the last one may be shorter."""
    return [slice(start, min(start + batch_size, n)) for start in range(0, n, batch_size)]


def batches(arrays, slices, rng=None):
    """Yield one tuple of batch arrays per slice. With ``rng`` the samples are visited in a new
    random order: each batch gathers its rows (a copy of batch size, not of the data set)."""
    if rng is None:
        for batch in slices:
            yield tuple(_rows(a, batch) for a in arrays)
        return
    order = rng.permutation(length(arrays[0]))
    for batch in slices:
        yield take_rows(arrays, order[batch])


def length(array) -> int:
    """The number of samples of an array or of a list of arrays (a model's several inputs)."""
    return len(next(a for a in array if a is not None)) if isinstance(array, list) else len(array)


def adjust_rank(array: np.ndarray, expected_shape) -> np.ndarray:
    """Keras's one-axis tolerance for a model's input: ``array`` one axis short of an input whose
    last axis is 1 gets that axis ((n,) for (None, 1); MNIST's (n, 28, 28) for (None, 28, 28, 1));
    one axis more, ending in 1, loses it. Any other rank is left for the shape check to report."""
    if array.ndim + 1 == len(expected_shape) and expected_shape[-1] == 1:
        return array[..., None]
    if array.ndim == len(expected_shape) + 1 and array.shape[-1] == 1:
        return array[..., 0]
    return array

