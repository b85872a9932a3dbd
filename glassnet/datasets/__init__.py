"""Data sets with Keras's loaders: ``glassnet.datasets.mnist.load_data()`` and friends.

mnist, fashion_mnist, emnist and Keras's text data sets imdb and reuters are found offline
(path=, $GLASSNET_DATA, the cache, system data folders) or downloaded once into the cache, and
checked against the published checksums either way. digits (scikit-learn's 8x8) and toy
(synthetic) need no files.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from . import digits, emnist, fashion_mnist, imdb, mnist, reuters, toy
from .checksums import ChecksumError
from .downloading import DownloadError
from .idx import IDXFormatError, read_idx
from .npz import NPZFormatError, UnsafePickleError
from .registry import DATASETS
from .sources import DataNotFoundError, cache_dir

__all__ = ["DATASETS", "ChecksumError", "DataNotFoundError", "DownloadError", "FileStatus", "IDXFormatError",
           "NPZFormatError", "UnsafePickleError", "cache_dir", "digits", "download", "emnist", "fashion_mnist", "imdb",
           "mnist", "read_idx", "reuters", "status", "toy"]


def _spec(name: str):
    if not isinstance(name, str):
        raise TypeError(f"A data set name must be a string such as 'mnist', received {type(name).__name__} "
                        f"{name!r:.80}.")
    key = name.replace("-", "_").lower()
    if key not in DATASETS:
        raise ValueError(f"Unknown data set {name!r}; known: {', '.join(DATASETS)}")
    return DATASETS[key]


def download(name: str, path=None, mirrors=None, timeout: float = 30.0, progress: bool = True) -> dict:
    """Fetch every file of data set ``name`` ahead of time (files found locally are checked and
    kept); returns {role: path}. ``mirrors``: one base URL or a list of them."""
    from .loading import locate
    spec = _spec(name)
    return {role: locate(spec, role, path=path, mirrors=mirrors, timeout=timeout, progress=progress)
            for role in spec.files}


class FileStatus(NamedTuple):
    """Where one file of a data set was found and what its checksum says.

    ``verdict`` is "verified" (it matches the published checksum), "unchecked" (a decompressed
    copy for which no checksum is published), "damaged" (``reason`` says how) or "missing"
    (``path`` is None)."""

    path: Path | None
    verdict: str
    reason: str | None = None


def status(name: str, path=None) -> dict:
    """{role: FileStatus}: where each file of data set ``name`` is found, without downloading, and
    whether it matches its published checksum (each file is hashed once while it is unchanged)."""
    from .checksums import checkable, local_problem
    from .sources import find_local
    spec = _spec(name)
    found = {}
    for role, data_file in spec.files.items():
        where = find_local(spec, data_file, path)
        if where is None:
            found[role] = FileStatus(None, "missing")
            continue
        try:
            reason = local_problem(where, data_file)
        except OSError as error:
            reason = f"it cannot be read ({error.strerror or error})"
        if reason is not None:
            found[role] = FileStatus(where, "damaged", reason)
        else:
            found[role] = FileStatus(where, "verified" if checkable(where, data_file) else "unchecked")
    return found
