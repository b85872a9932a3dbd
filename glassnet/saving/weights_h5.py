"""Keras 3 ``.weights.h5`` files: ``model.save_weights("x.weights.h5")`` and ``load_weights``.

The file is HDF5 in the layout of a ``.keras`` file's ``model.weights.h5`` (keras_format.py
writes and reads it for both): ``layers/<key>/vars/<i>``, ``<key>`` the layer's class in snake
case numbered by its earlier uses in model order (``dense``, ``dense_1``, ...), a nested
model's layers under ``layers/<key>/layers/...``, and an empty ``vars`` group for the model
itself. Weights go by position, never by layer name, so the file fits any model of the same
architecture, Keras's included. The optimizer's state is not written, and the one Keras writes
(``optimizer/vars``) is ignored: glassnet's own format (``.glassnet``) keeps it.

``load_weights`` tells the formats apart by content: an HDF5 file, a ``.keras`` archive (its
``model.weights.h5``) or glassnet's own zip (as ``save_weights`` wrote before it wrote HDF5).
"""

from __future__ import annotations

import io
import os
import warnings
import zipfile

from .archive import ModelFileError, check_member_size
from .atomic import atomic_write
from .keras_format import (WeightMismatchError, _h5py, _layer_keys, is_keras_file, read_layer_weights,
                           write_model_weights)

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
ZIP_SIGNATURE = b"PK\x03\x04"


def file_kind(path) -> str:
    """``"hdf5"``, ``"keras"`` (a .keras archive), ``"glassnet"`` (glassnet's zip) or
    ``"unknown"``, from the file's first bytes."""
    with open(path, "rb") as stream:
        head = stream.read(8)
    if head == HDF5_SIGNATURE:
        return "hdf5"
    if head.startswith(ZIP_SIGNATURE):
        return "keras" if is_keras_file(path) else "glassnet"
    return "unknown"


def save_weights_h5(model, path) -> None:
    """Write the weights of ``model`` to ``path`` (a ``.weights.h5`` name) in Keras 3's layout,
    atomically: the HDF5 image is built in memory, then written to a temporary file that is
    renamed into place."""
    h5py = _h5py()
    image = io.BytesIO()
    with h5py.File(image, "w") as store:
        write_model_weights(store, model)
    with atomic_write(path) as stream:
        stream.write(image.getvalue())


def load_weights_h5(model, path, skip_mismatch: bool = False) -> None:
    """Put the weights of a Keras 3 weights file (``.weights.h5``, or a ``.keras`` archive's)
    into ``model``, which must be built. Every layer is checked before any is changed: a layer
    whose weights are missing or of another shape is an error (ModelFileError, a ValueError,
    naming the file and the member), or with ``skip_mismatch=True`` a warning, and that layer
    keeps its weights."""
    h5py = _h5py()
    path = os.fspath(path)
    source = path
    if file_kind(path) == "keras":
        try:
            with zipfile.ZipFile(path) as archive:
                check_member_size(archive, "model.weights.h5", path)
                source = io.BytesIO(archive.read("model.weights.h5"))
        except ModelFileError:
            raise
        except Exception as error:  # BadZipFile, KeyError, bad CRC ...
            raise ModelFileError(f"{path!r}: its weights (model.weights.h5) cannot be read "
                                 f"({type(error).__name__}: {error}).") from None
    try:
        store = h5py.File(source, "r")
    except Exception as error:  # OSError: not HDF5, truncated ...
        raise ModelFileError(f"{path!r} is not a readable HDF5 weights file ({type(error).__name__}: {error}).") from None
    with store:
        try:
            if "layers" not in store and ("layer_names" in store.attrs or "model_weights" in store):
                raise ModelFileError(f"{path!r} is a legacy Keras 2 HDF5 file, which glassnet does not read; load "
                                     "it in Keras and save_weights() to a name ending in .weights.h5.")
            loaded, failures = _collect(store, "", model.layers, path)
        except ModelFileError:
            raise
        except (OSError, KeyError, TypeError, ValueError, RuntimeError) as error:  # h5py on a damaged structure
            raise ModelFileError(f"{path!r}: the weights are invalid ({type(error).__name__}: {error}).") from None
    if failures and not skip_mismatch:
        raise ModelFileError(f"{path!r}: the weights of {len(failures)} layer(s) could not be loaded (pass "
                             "skip_mismatch=True to load the others):\n" + "\n".join(failures))
    if failures:
        warnings.warn(f"load_weights({path!r}, skip_mismatch=True): skipped {len(failures)} layer(s):\n"
                      + "\n".join(failures), stacklevel=3)
    for layer, arrays in loaded:
        layer.set_weights(arrays)


def _collect(store, prefix: str, layers, path) -> tuple[list, list[str]]:
    """``([(layer, arrays)], [what failed])`` for ``layers`` stored under ``prefix``, keyed as
    keras_format's writer keys them; nested models are descended into."""
    loaded, failures = [], []
    for key, layer in zip(_layer_keys(layers), layers):
        if getattr(layer, "is_nested_model", False):
            inner_loaded, inner_failures = _collect(store, f"{prefix}layers/{key}/", layer.model.layers, path)
            loaded += inner_loaded
            failures += inner_failures
        elif layer.weights:
            try:
                loaded.append((layer, read_layer_weights(store, layer, f"{prefix}layers/{key}", path)))
            except WeightMismatchError as error:
                failures.append(str(error))
    return loaded, failures


__all__ = ["file_kind", "load_weights_h5", "save_weights_h5"]
