"""Downloading data set files: verified, atomic, from several mirrors in order.

A file is written to a temporary name in the cache folder and renamed only when it is
complete and its checksum matches, so the cache never holds a partial or wrong file.
Proxies come from the usual HTTP_PROXY / HTTPS_PROXY / NO_PROXY variables.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from .registry import DataFile
from .sources import checksum_matches, log

CHUNK = 1 << 16


class DownloadError(OSError):
    """Every mirror failed; ``failures`` lists (url, reason)."""

    def __init__(self, message: str, failures: list):
        super().__init__(message)
        self.failures = failures


def _opener():
    import urllib.request
    # ProxyHandler() with no argument reads HTTP(S)_PROXY and NO_PROXY from the environment.
    return urllib.request.build_opener(urllib.request.ProxyHandler())


def _progress(name: str, done: int, total: int | None, started: float, stream) -> None:
    if stream is None:
        return
    elapsed = max(time.perf_counter() - started, 1e-9)
    if total:
        filled = int(20 * done / total)
        bar = "━" * filled + " " * (20 - filled)
        stream.write(f"\rDownloading {name} {bar} {done / 1e6:.1f}/{total / 1e6:.1f} MB {done / elapsed / 1e6:.1f} MB/s")
    else:
        stream.write(f"\rDownloading {name} {done / 1e6:.1f} MB")
    stream.flush()


def fetch(url: str, destination: Path, data_file: DataFile, timeout: float, progress_stream) -> None:
    """Download ``url`` to ``destination`` if, and only if, the whole file arrives and checks out."""
    import http.client
    import urllib.error
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".part-", dir=destination.parent)
    try:
        with os.fdopen(handle, "wb") as out, _opener().open(url, timeout=timeout) as response:
            total = response.headers.get("Content-Length")
            total = int(total) if total and total.isdigit() else None
            done, started = 0, time.perf_counter()
            while True:
                chunk = response.read(CHUNK)
                if not chunk:
                    break
                out.write(chunk)
                done += len(chunk)
                _progress(data_file.name, done, total, started, progress_stream)
            if progress_stream is not None:
                progress_stream.write("\n")
            if total is not None and done != total:
                raise OSError(f"truncated: received {done} of {total} bytes")
        with open(temporary, "rb") as stream:
            if not checksum_matches(stream.read(), data_file):
                raise OSError("checksum mismatch: the file differs from the published one")
        os.replace(temporary, destination)
    except (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", error)
        raise OSError(f"{type(error).__name__}: {reason}") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def download_file(data_file: DataFile, mirrors, folder: Path, timeout: float = 30.0, progress=True) -> Path:
    """Try each mirror in turn; return the verified file's path or raise DownloadError."""
    destination = Path(folder) / data_file.name
    stream = sys.stderr if progress else None
    failures = []
    for mirror in mirrors:
        url = mirror + data_file.name
        log.debug("downloading %s", url)
        try:
            fetch(url, destination, data_file, timeout, stream)
            return destination
        except OSError as error:
            log.debug("%s failed: %s", url, error)
            failures.append((url, str(error)))
    lines = "\n".join(f"  {url}: {reason}" for url, reason in failures) or "  (no mirrors)"
    raise DownloadError(f"Could not download {data_file.name}:\n{lines}", failures)
