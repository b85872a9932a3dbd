"""The few checks every public argument goes through, each with one kind of message:

    Dense "dense": use_bias must be True or False, received 'no'.

``owner`` names what took the argument (a layer as ``Dense "dense"``, or ``fit()``); the
message says what was expected and what was received, and a ``fix`` where there is one. Each
check returns the value in the form the caller keeps (an int, a tuple).
"""

from __future__ import annotations

import numbers

import numpy as np


def _fail(owner: str, argument: str, expected: str, value, fix: str = "", error=ValueError):
    return error(f"{owner}: {argument} must be {expected}, received {value!r}.{' ' + fix if fix else ''}")


def is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_bool(value, argument: str, owner: str) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise _fail(owner, argument, "True or False", value, error=TypeError)


def check_int(value, argument: str, owner: str, minimum: int | None = None, allow_none: bool = False):
    """An int (NumPy ints too, never a bool or a float) of at least ``minimum``."""
    if value is None and allow_none:
        return None
    expected = ("an integer" if minimum is None else "a positive integer" if minimum == 1 else
                f"an integer >= {minimum}") + (" or None" if allow_none else "")
    if not is_int(value):
        fix = f"Write {int(value)}." if isinstance(value, float) and value.is_integer() else ""
        raise _fail(owner, argument, expected, value, fix, error=TypeError)
    if minimum is not None and value < minimum:
        raise _fail(owner, argument, expected, value)
    return int(value)


def check_verbose(value, owner: str, argument: str = "verbose") -> int:
    """A verbosity: an int >= 0, or True/False (1/0), as Keras's callbacks and fit take it."""
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    return check_int(value, argument, owner, minimum=0)


def check_positive_int(value, argument: str, owner: str, allow_none: bool = False):
    return check_int(value, argument, owner, minimum=1, allow_none=allow_none)


def check_number(value, argument: str, owner: str, low=None, high=None, low_open: bool = False,
                 high_open: bool = False, allow_none: bool = False, finite: bool = False):
    """A real number in the interval [low, high] (either end open, either end absent); with
    ``finite``, never an infinity."""
    if value is None and allow_none:
        return None
    interval = ""
    if low is not None or high is not None:
        interval = (f" in {'(' if low_open else '['}{'-inf' if low is None else low}, "
                    f"{'inf' if high is None else high}{')' if high_open else ']'}")
    expected = "a number" + interval + (" or None" if allow_none else "")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or value != value:
        raise _fail(owner, argument, expected, value, error=TypeError if not isinstance(
            value, numbers.Real) or isinstance(value, (bool, np.bool_)) else ValueError)
    if ((low is not None and (value < low or (low_open and value == low)))
            or (high is not None and (value > high or (high_open and value == high)))):
        raise _fail(owner, argument, expected, value)
    if finite and abs(value) == float("inf"):
        raise _fail(owner, argument, "a finite number" + interval, value)
    return float(value)


def check_name(value, owner: str, argument: str = "name", allow_none: bool = True):
    """A name: a str (None where the owner picks one itself)."""
    if value is None and allow_none:
        return None
    if not isinstance(value, str):
        raise _fail(owner, argument, "a string" + (" or None" if allow_none else ""), value, error=TypeError)
    return value


def check_choice(value, choices, argument: str, owner: str, lower: bool = True):
    """One of ``choices`` (strings compared in lower case unless ``lower=False``)."""
    key = value.lower() if lower and isinstance(value, str) else value
    if isinstance(key, str) and key in choices:
        return key
    expected = "one of " + ", ".join(repr(c) for c in choices)
    raise _fail(owner, argument, expected, value)


def check_shape(value, argument: str, owner: str, allow_unknown: bool = True) -> tuple:
    """A shape: a tuple or list of positive ints (None for an unknown size where allowed); a
    single int means a 1-D shape. A string is refused (``'784'`` is not ``(784,)``)."""
    if is_int(value):
        value = (value,)
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)):
        fix = "Write a tuple such as (28, 28, 1)."
        if isinstance(value, str) and value.strip().isdecimal():  # '²' is a digit but no int
            fix = f"Write ({int(value)},)."
        raise _fail(owner, argument, "a tuple of positive integers", value, fix, error=TypeError)
    dims = []
    for dim in value:
        if dim is None and allow_unknown:
            dims.append(None)
        elif is_int(dim) and dim > 0:
            dims.append(int(dim))
        else:
            expected = "a tuple of positive integers" + (" (or None for a size not known yet)" if allow_unknown else "")
            raise _fail(owner, argument, expected, tuple(value), error=TypeError if not is_int(dim) else ValueError)
    return tuple(dims)


def check_callable(value, argument: str, owner: str, allow_none: bool = False):
    if value is None and allow_none:
        return None
    if not callable(value):
        raise _fail(owner, argument, "a function" + (" or None" if allow_none else ""), value, error=TypeError)
    return value


def check_list_of(value, kind: type | tuple, argument: str, owner: str, what: str) -> list:
    """A list of ``kind``: one item, a list or a tuple of them (as Keras takes callbacks), or None."""
    if value is None:
        return []
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    for item in items:
        if isinstance(item, type) and isinstance(kind, type) and issubclass(item, kind):
            raise TypeError(f"{owner}: {argument} takes {what} objects; received the class {item.__name__}: "
                            f"write {item.__name__}() (with its arguments).")
        if not isinstance(item, kind):
            raise _fail(owner, argument, f"{what} or a list of them", item, error=TypeError)
    return items


def check_pair(value, argument: str, owner: str, minimum: int = 1) -> tuple[int, int]:
    """An int n (meaning (n, n)) or a pair of ints, each at least ``minimum``."""
    if is_int(value):
        value = (value, value)
    if not (isinstance(value, (tuple, list)) and len(value) == 2 and all(is_int(v) for v in value)):
        raise _fail(owner, argument, "an integer or a pair of integers", value, error=TypeError)
    if min(value) < minimum:
        raise _fail(owner, argument, f"an integer or a pair of integers >= {minimum}", value)
    return int(value[0]), int(value[1])


def check_padding_pairs(value, argument: str, owner: str) -> tuple:
    """Padding of an image, as Keras takes it: p, (rows, columns) or ((top, bottom), (left, right)),
    every amount an int >= 0."""
    if is_int(value) or (isinstance(value, (tuple, list)) and len(value) == 2 and all(is_int(v) for v in value)):
        rows, columns = check_pair(value, argument, owner, minimum=0)
        return (rows, rows), (columns, columns)
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return tuple(check_pair(pair, argument, owner, minimum=0) for pair in value)
    raise _fail(owner, argument, "an integer, a pair (rows, columns) or ((top, bottom), (left, right))", value,
                error=TypeError)


def check_path(value, argument: str, owner: str) -> str:
    """A file path: a str, bytes or os.PathLike (pathlib.Path), returned as a str."""
    import os
    if isinstance(value, (str, bytes, os.PathLike)):
        path = os.fspath(value)
        path = os.fsdecode(path) if isinstance(path, bytes) else path
        if path and "\x00" not in path:  # no file system takes a NUL in a name
            return path
    raise _fail(owner, argument, "a file path (a str or a pathlib.Path)", value,
                error=ValueError if isinstance(value, (str, bytes)) else TypeError)


MODEL_FILE_ENDINGS = (".keras", ".glassnet", ".h5")


def check_model_path(value, owner: str = "save()") -> str:
    """Where model.save may write: a path ending in .keras (Keras's format), .glassnet (glassnet's)
    or .h5 (glassnet's format under Keras's legacy name), that is not a folder."""
    import os
    path = check_path(value, "filepath", owner)
    if os.path.isdir(path):
        raise IsADirectoryError(f"{owner}: filepath {path!r} is a folder; give a file name inside it, such as "
                                f"{os.path.join(path, 'model.keras')!r}.")
    if path.endswith(".weights.h5") or not path.endswith(MODEL_FILE_ENDINGS):
        fix = ("to save only the weights, call model.save_weights(filepath)" if path.endswith(".weights.h5") else
               f"e.g. {os.path.splitext(path)[0] + '.keras'!r}")
        raise ValueError(f"{owner}: filepath must end in .keras (Keras's format) or .glassnet (glassnet's own), "
                         f"received {path!r}; {fix}.")
    return path


def check_class_weight(class_weight) -> dict:
    """``class_weight`` as {int class index >= 0: finite weight >= 0}."""
    if not isinstance(class_weight, dict):
        raise TypeError(f"fit(): class_weight must be a dict {{class index: weight}}, received "
                        f"{type(class_weight).__name__} {class_weight!r:.80}.")
    checked = {}
    for key, weight in class_weight.items():
        if not is_int(key):
            raise TypeError(f"fit(): class_weight keys must be integer class indices, received the key {key!r}"
                            + (f"; write {{{int(key)}: ...}}." if isinstance(key, str) and key.isdecimal() else "."))
        if key < 0:
            raise ValueError(f"fit(): class_weight keys must be class indices >= 0, received the key {key!r}.")
        checked[int(key)] = check_number(weight, f"class_weight[{key!r}]", "fit()", low=0)
        if not np.isfinite(checked[int(key)]):
            raise _fail("fit()", f"class_weight[{key!r}]", "a finite number >= 0", weight)
    return checked
