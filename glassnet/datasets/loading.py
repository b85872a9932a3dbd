"""Finding, downloading if needed, and reading the files of a data set."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..utils.validation import check_bool
from . import sources
from .checksums import check_local
from .downloading import DownloadError, check_timeout, download_file, mirror_list
from .idx import check_pair, read_idx
from .registry import DatasetSpec

SPLITS = ("train", "test")


def locate(spec: DatasetSpec, role: str, path=None, download: bool = True, mirrors=None,
           timeout: float = 30.0, progress: bool = True) -> Path:
    """The path of one file of ``spec``: the first local copy (``path``, $GLASSNET_DATA, the
    cache, the system data folders), else a download into the cache.

    The local copy is checked against the published checksums (once per process while it is
    unchanged). One that fails raises ChecksumError naming it, rather than being passed over
    for the next copy: a damaged or wrong file is never hidden behind another one, and deleting
    it lets the search go on. ``mirrors`` (one base URL, or a list of them; default: the
    registry's), ``timeout`` and ``progress`` are as in downloading.download_file.
    """
    data_file = spec.files[role]
    mirrors = mirror_list(spec.mirrors if mirrors is None else mirrors)
    check_timeout(timeout)
    download = check_bool(download, "download", f"{spec.name}.load_data()")
    progress = check_bool(progress, "progress", f"{spec.name}.load_data()")
    tried: list[str] = []
    found = sources.find_local(spec, data_file, path, tried)
    if found is not None:
        check_local(found, data_file)
        return found
    failures = None
    if download:
        try:
            return download_file(data_file, mirrors, sources.cache_dir() / spec.name, timeout, progress)
        except DownloadError as error:
            failures = error.failures
    raise sources.DataNotFoundError(_not_found_message(spec, data_file.name, tried, failures))


def _not_found_message(spec: DatasetSpec, name: str, tried: list, failures: list | None) -> str:
    """One sentence (what, why, how to fix), then every place looked in and every download tried."""
    if failures is None:
        why, fix = "download=False forbids downloading it", ""
    elif not failures:
        why, fix = "there are no mirrors to download it from", ""
    else:
        more = f", and {len(failures) - 1} more mirror(s) failed" if len(failures) > 1 else ""
        why, fix = f"no mirror served it ({failures[0][0]}: {failures[0][1]}{more})", "check the network, "
    looked = "".join(f"\n  {place}" for place in tried)
    downloads = "".join(f"\n  {url}: {reason}" for url, reason in failures or [])
    return (f"{spec.name}: could not find {name} in any data folder, and {why}; {fix}put the file in one of the "
            f"folders below, set GLASSNET_DATA to a folder holding {spec.folder_names[0]}/{name}, or pass path=."
            f"\nLooked in:{looked}" + (f"\nDownloads:{downloads}" if failures else ""))


def _split_names(splits) -> tuple:
    """``splits`` ('train', 'test', or a list of them) as a tuple."""
    names = (splits,) if isinstance(splits, str) else splits
    if not isinstance(names, (list, tuple)) or not names or any(name not in SPLITS for name in names):
        raise ValueError(f"splits must be 'train', 'test' or a list of them, received {splits!r:.80}.")
    return tuple(names)


def load_pair(spec: DatasetSpec, split: str, **kwargs) -> tuple[np.ndarray, np.ndarray]:
    """(images, labels) of ``split`` ('train' or 'test') as uint8 arrays."""
    images_path = locate(spec, f"{split}_images", **kwargs)
    labels_path = locate(spec, f"{split}_labels", **kwargs)
    images, labels = read_idx(images_path), read_idx(labels_path)
    check_pair(images, labels, str(images_path), str(labels_path))
    return images, labels


def load_standard(spec: DatasetSpec, path=None, splits=SPLITS, **kwargs):
    """((x_train, y_train), (x_test, y_test)) as Keras returns them: uint8 (n, 28, 28) and (n,).

    ``splits="test"`` (or ``("test",)``) loads only the test split, returned alone as (x_test, y_test).
    """
    pairs = [load_pair(spec, split, path=path, **kwargs) for split in _split_names(splits)]
    return pairs[0] if len(pairs) == 1 else tuple(pairs)
