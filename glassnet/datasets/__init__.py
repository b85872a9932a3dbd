"""Data sets with Keras's loaders: ``glassnet.datasets.mnist.load_data()`` and friends.

mnist, fashion_mnist, emnist and Keras's text data sets imdb and reuters are found offline
(path=, $GLASSNET_DATA, the cache, system data folders) or downloaded once into the cache, and
checked against the published checksums either way. digits (scikit-learn's 8x8) and toy
(synthetic) need no files.
"""

from __future__ import annotations

from . import digits, emnist, fashion_mnist, imdb, mnist, reuters, toy
from .checksums import ChecksumError
from .downloading import DownloadError
from .idx import IDXFormatError, read_idx
from .npz import NPZFormatError, UnsafePickleError
from .registry import DATASETS
from .sources import DataNotFoundError, cache_dir

__all__ = ["DATASETS", "ChecksumError", "DataNotFoundError", "DownloadError", "IDXFormatError", "NPZFormatError",
           "UnsafePickleError", "cache_dir", "digits", "download", "emnist", "fashion_mnist", "imdb", "mnist", "read_idx",
           "reuters", "status", "toy"]


def _spec(name: str):
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


def status(name: str, path=None) -> dict:
    """{role: path or None}: where each file of ``name`` is found without downloading."""
    from .sources import find_local
    spec = _spec(name)
    return {role: find_local(spec, data_file, path) for role, data_file in spec.files.items()}
