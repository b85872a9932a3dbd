"""Where data come from, in order: an explicit ``path``, the GLASSNET_DATA folder, glassnet's
cache, the system data folders that distributions install into, then a download.

Each place tried is logged (``logging.getLogger("glassnet.datasets")`` at DEBUG) and listed
in the error when nothing is found. The first copy found is the one used; loading.locate
checks it against the published checksums (checksums.check_local).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from ..utils.validation import check_path
from .registry import DataFile, DatasetSpec

log = logging.getLogger("glassnet.datasets")


class DataNotFoundError(FileNotFoundError):
    """No usable copy of a data set file anywhere, and no download succeeded."""


def cache_dir() -> Path:
    """GLASSNET_CACHE_DIR, else $XDG_CACHE_HOME/glassnet, else ~/.cache/glassnet."""
    explicit = os.environ.get("GLASSNET_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "glassnet"


def system_data_dirs() -> list[Path]:
    """Folders distributions install data sets into (Debian: /usr/share/datasets/<name>)."""
    roots = [Path("/usr/share/datasets"), Path("/usr/local/share/datasets")]
    for folder in os.environ.get("XDG_DATA_DIRS", "").split(os.pathsep):
        if folder:
            roots.append(Path(folder) / "datasets")
    unique = []
    for root in roots:
        if root not in unique:
            unique.append(root)
    return unique


def search_places(spec: DatasetSpec, path=None) -> list[tuple[str, Path]]:
    """(label, folder) pairs to look in, in order."""
    places = []
    if path is not None:
        root = Path(check_path(path, "path", f"{spec.name}.load_data()")).expanduser()
        places.append(("path argument", root))
        places += [("path argument", root / name) for name in spec.folder_names]
    env = os.environ.get("GLASSNET_DATA")
    if env:
        root = Path(env).expanduser()
        places.append(("GLASSNET_DATA", root))
        places += [("GLASSNET_DATA", root / name) for name in spec.folder_names]
    places.append(("cache", cache_dir() / spec.name))
    for root in system_data_dirs():
        places += [("system data folder", root / name) for name in spec.folder_names]
    return places


def candidates(folder: Path, data_file: DataFile) -> list[Path]:
    """The file as published, and its decompressed form (name without .gz)."""
    names = [data_file.name]
    if data_file.name.endswith(".gz"):
        names.append(data_file.name[:-3])
    return [folder / name for name in names]


def find_local(spec: DatasetSpec, data_file: DataFile, path=None, tried: list | None = None) -> Path | None:
    """The first copy of ``data_file`` in search_places (not yet verified), or None; each place
    looked at is appended to ``tried``."""
    for label, folder in search_places(spec, path):
        for candidate in candidates(folder, data_file):
            found = candidate.is_file()
            log.debug("%s: %s %s", spec.name, candidate, "found" if found else "absent")
            if tried is not None:
                tried.append(f"{label}: {candidate}{'' if found else ' (absent)'}")
            if found:
                return candidate
    return None
