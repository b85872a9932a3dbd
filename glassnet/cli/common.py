"""What the command line's subcommands share: loading a named data set in model-ready form, and
reading the user's files (models, JSON) with errors that name the file."""

from __future__ import annotations

import json
import os
import struct
import zipfile
import zlib

import numpy as np

DATA_CHOICES = ("mnist", "fashion_mnist", "emnist-letters", "digits")


def load_dataset(name: str, data_dir=None):
    """((x_train, y_train), (x_test, y_test), class_names): images scaled to [0, 1] with a
    channel axis, (n, h, w, 1), and integer labels from 0."""
    from .. import datasets
    if name == "digits":
        (x_train, y_train), (x_test, y_test) = datasets.digits.load_data()
        scale, names = 16.0, [str(i) for i in range(10)]
    elif name == "emnist-letters":
        (x_train, y_train), (x_test, y_test) = datasets.emnist.load_data("letters", path=data_dir)
        y_train, y_test = y_train.astype(np.int64) - 1, y_test.astype(np.int64) - 1  # published labels are 1..26
        scale, names = 255.0, datasets.emnist.label_names("letters")[1:]
    elif name in ("mnist", "fashion_mnist"):
        module = getattr(datasets, name)
        (x_train, y_train), (x_test, y_test) = module.load_data(path=data_dir)
        scale = 255.0
        names = list(getattr(module, "CLASS_NAMES", [str(i) for i in range(10)]))
    else:
        raise ValueError(f"--data must be one of {', '.join(DATA_CHOICES)}, received {name!r}")
    prepare = lambda x: (np.asarray(x, dtype=np.float32) / scale)[..., None]  # noqa: E731
    return (prepare(x_train), np.asarray(y_train, np.int64)), (prepare(x_test), np.asarray(y_test, np.int64)), names


def _first_line(error: BaseException) -> str:
    text = str(error)
    return text.splitlines()[0] if text.strip() else type(error).__name__


def load_model_file(path: str, compile: bool = True):
    """``models.load_model(path)``; whatever a file that is not a model makes it raise becomes
    one ValueError (or OSError) whose message names the file."""
    from ..models import load_model
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path}: is a folder, not a model file (give the model.glassnet inside a run "
                                "directory, or a file written by model.save()).")
    try:
        return load_model(path, compile=compile)
    except (OSError, ValueError) as error:
        if path in str(error):
            raise
        raise ValueError(f"{path}: {_first_line(error)}") from None
    except (KeyError, TypeError, AttributeError, IndexError, EOFError, OverflowError, RecursionError,
            zipfile.BadZipFile, zlib.error, struct.error) as error:  # damage the loader did not foresee: no traceback
        raise ValueError(f"{path}: not a model file glassnet can read ({type(error).__name__}: "
                         f"{_first_line(error)}).") from None


def read_json_file(path: str):
    """The JSON value in the file at ``path``; a file that is missing, a folder, not text or not
    JSON raises an error naming it (and the line and column of a syntax error)."""
    try:
        with open(path, encoding="utf-8") as stream:
            return json.load(stream)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise IsADirectoryError(f"{path}: is a folder, not a JSON file.") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON ({error.msg} at line {error.lineno}, column {error.colno}).") from None
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not a JSON text file (byte {error.start} is not UTF-8).") from None
    except RecursionError:
        raise ValueError(f"{path}: the JSON is nested too deeply to read.") from None
