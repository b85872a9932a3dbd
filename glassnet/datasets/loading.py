"""Finding, downloading if needed, and reading the files of a data set."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import sources
from .downloading import DownloadError, download_file
from .idx import check_pair, read_idx
from .registry import DatasetSpec


def locate(spec: DatasetSpec, role: str, path=None, download: bool = True, mirrors=None,
           timeout: float = 30.0, progress: bool = True) -> Path:
    """The path of one file of ``spec``: found locally, else downloaded into the cache."""
    data_file = spec.files[role]
    tried: list[str] = []
    found = sources.find_local(spec, data_file, path, tried)
    if found is not None:
        return found
    failures = []
    if download:
        try:
            return download_file(data_file, spec.mirrors if mirrors is None else mirrors,
                                 sources.cache_dir() / spec.name, timeout, progress)
        except DownloadError as error:
            failures = error.failures
    looked = "\n".join(f"  {place}" for place in tried)
    downloads = "\n".join(f"  {url}: {reason}" for url, reason in failures) if download else "  (download=False)"
    raise sources.DataNotFoundError(
        f"{spec.name}: could not find {data_file.name}.\nLooked in:\n{looked}\nDownloads:\n{downloads}\n"
        f"Put the file in one of those folders, set GLASSNET_DATA to a folder holding "
        f"{spec.folder_names[0]}/{data_file.name}, or pass path=.")


def load_pair(spec: DatasetSpec, split: str, **kwargs) -> tuple[np.ndarray, np.ndarray]:
    """(images, labels) of ``split`` ('train' or 'test') as uint8 arrays."""
    images_path = locate(spec, f"{split}_images", **kwargs)
    labels_path = locate(spec, f"{split}_labels", **kwargs)
    images, labels = read_idx(images_path), read_idx(labels_path)
    check_pair(images, labels, str(images_path), str(labels_path))
    return images, labels


def load_standard(spec: DatasetSpec, path=None, splits=("train", "test"), **kwargs):
    """((x_train, y_train), (x_test, y_test)) as Keras returns them: uint8 (n, 28, 28) and (n,).

    ``splits=("test",)`` loads only the test split (returned alone as (x_test, y_test)).
    """
    pairs = [load_pair(spec, split, path=path, **kwargs) for split in splits]
    return pairs[0] if len(pairs) == 1 else tuple(pairs)
