"""Checking data set files against their published checksums, local copies and downloads alike.

A file as published (``name.gz``) passes when its md5 matches, or when the sha256 of its
decompressed bytes does (copies a distribution recompressed); a file whose registry entry has a
whole-file sha256 (Keras's .npz files) passes when that matches. A decompressed copy (``name``
without ``.gz``) can only be checked by that sha256; where the registry records none (MNIST's
train images) it is accepted unchecked, and a DEBUG log line says so.

A local file that passed is remembered for the rest of the process, keyed by its path, size,
modification time (ns) and the checksums it was held against, so loading it again does not
hash it again; changing the file changes the key. A file modified in the last two seconds is
not remembered (as git's "racily clean" rule: it could change again within one tick of the
file system's clock, keeping its key).
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import time
import zlib
from pathlib import Path

from .registry import DataFile

log = logging.getLogger("glassnet.datasets")

CHUNK = 1 << 20
RACY_NS = 2_000_000_000
_passed: set = set()


class ChecksumError(ValueError):
    """A local data set file that differs from the published one."""


def _digest(path: Path, algorithm: str, decompress: bool) -> str:
    """The ``algorithm`` hex digest of the file's bytes, or of their gzip-decompressed form."""
    hasher = hashlib.new(algorithm, usedforsecurity=False)
    opener = gzip.open if decompress else open
    with opener(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as stream:
        return stream.read(2) == b"\x1f\x8b"


def problem(path: Path, data_file: DataFile, as_published: bool = True) -> str | None:
    """What is wrong with the file at ``path`` as a copy of ``data_file``, or None when nothing is
    (or nothing can be checked). ``as_published`` is False for a decompressed copy."""
    if data_file.sha256 is not None:
        same = _digest(path, "sha256", False) == data_file.sha256
        return None if same else "its checksum differs from the published one"
    if as_published and data_file.md5 is not None and _digest(path, "md5", False) == data_file.md5:
        return None
    if data_file.raw_sha256 is not None:
        try:
            raw = _digest(path, "sha256", _is_gzip(path))
        except (EOFError, OSError, zlib.error) as error:
            return f"its gzip stream is damaged or truncated ({error})"
        return None if raw == data_file.raw_sha256 else "its checksum differs from the published one"
    if as_published and data_file.md5 is not None:
        return "its checksum differs from the published one"
    if data_file.md5 is not None:
        log.debug("%s: no checksum of the decompressed %s is published; accepted unchecked", path, data_file.name)
    return None


def _key(path: Path, data_file: DataFile) -> tuple:
    stat = path.stat()
    return str(path.resolve()), stat.st_size, stat.st_mtime_ns, data_file.md5, data_file.raw_sha256, data_file.sha256


def _as_published(path: Path, data_file: DataFile) -> bool:
    # Only a .gz file has another form (its decompressed copy); any other file is the one published,
    # whatever it is called (Keras's path= may name it).
    return path.name == data_file.name or not data_file.name.endswith(".gz")


def checkable(path: Path, data_file: DataFile) -> bool:
    """Whether the registry records a checksum that the file at ``path`` can be held against."""
    if data_file.sha256 is not None or data_file.raw_sha256 is not None:
        return True
    return data_file.md5 is not None and _as_published(path, data_file)


def local_problem(path: Path, data_file: DataFile) -> str | None:
    """What is wrong with the local file at ``path`` as a copy of ``data_file`` (None: nothing, or
    nothing can be checked); a file that passed is hashed again only once it has changed."""
    key = _key(path, data_file)
    if key in _passed:
        return None
    reason = problem(path, data_file, as_published=_as_published(path, data_file))
    if reason is None and time.time_ns() - key[2] > RACY_NS:
        _passed.add(key)
    return reason


def check_local(path: Path, data_file: DataFile) -> None:
    """Raise ChecksumError unless the local file at ``path`` is ``data_file`` (hashed once while unchanged)."""
    reason = local_problem(path, data_file)
    if reason is not None:
        raise ChecksumError(f"{path} is not a good copy of the published {data_file.name}: {reason}; delete it "
                            "(glassnet then uses the next copy it finds, or downloads a fresh one) or replace it "
                            "with the published file.")
