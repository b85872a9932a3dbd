"""Downloading data set files: verified, atomic, within a deadline, from several mirrors in order.

A file is written to a temporary name in the cache folder and renamed only when it is
complete and its checksum matches, so the cache never holds a partial or wrong file; a mirror
that fails in any way (unreachable, an HTTP error, too slow, a short body, a wrong checksum)
is passed over for the next one. Proxies come from the usual HTTP_PROXY / HTTPS_PROXY /
NO_PROXY variables.
"""

from __future__ import annotations

import logging
import math
import os
import sys
import tempfile
import time
from pathlib import Path

from . import checksums
from .registry import DataFile

log = logging.getLogger("glassnet.datasets")

CHUNK = 1 << 16
MIN_RATE = 20_000  # bytes per second a download must keep up, on average, once its first `timeout` is over


class DownloadError(OSError):
    """Every mirror failed; ``failures`` lists (url, reason)."""

    def __init__(self, message: str, failures: list):
        super().__init__(message)
        self.failures = failures


def mirror_list(mirrors) -> tuple:
    """``mirrors`` (one base URL, or a list or tuple of them) as a tuple of URLs ending in '/'."""
    import urllib.parse
    if isinstance(mirrors, str):
        mirrors = (mirrors,)
    if not isinstance(mirrors, (list, tuple)) or not all(isinstance(mirror, str) for mirror in mirrors):
        raise TypeError(f"mirrors must be a base URL string or a list of them, received "
                        f"{type(mirrors).__name__} {mirrors!r:.80}.")
    for mirror in mirrors:
        if urllib.parse.urlsplit(mirror).scheme not in ("http", "https", "file"):
            raise ValueError(f"mirrors: {mirror!r} is not an http://, https:// or file:// URL; pass the base URL "
                             "that the data set's files are under.")
    return tuple(mirror if mirror.endswith("/") else mirror + "/" for mirror in mirrors)


def check_timeout(timeout) -> None:
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds, received {type(timeout).__name__} {timeout!r:.80}.")
    if not (timeout > 0 and math.isfinite(timeout)):
        raise ValueError(f"timeout must be a positive, finite number of seconds, received {timeout!r}.")


def deadline(timeout: float, size: int, min_rate: float = MIN_RATE) -> float:
    """Seconds a download of ``size`` bytes may take in all: ``timeout`` to connect and start,
    plus one second for every ``min_rate`` bytes."""
    return timeout + size / min_rate


class _Watchdog:
    """Cuts every connection a request opened once ``seconds`` have passed, so that a server
    which trickles its status line and headers cannot hold the request open past the deadline
    (each of its reads is bounded only by the socket timeout). Used as a context manager around
    opening the URL; ``fired`` says whether it cut."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.connections: list = []
        self.fired = False
        self._timer = None

    def track(self, connection_class):
        """A factory for ``connection_class`` that remembers each connection it makes."""
        def make(*args, **kwargs):
            connection = connection_class(*args, **kwargs)
            self.connections.append(connection)
            return connection
        return make

    def _cut(self) -> None:
        import socket
        self.fired = True
        for connection in self.connections:
            sock = getattr(connection, "sock", None)
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def __enter__(self):
        import threading
        self._timer = threading.Timer(self.seconds, self._cut)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._timer.cancel()


def _opener(watchdog: _Watchdog):
    import urllib.request

    class Http(urllib.request.HTTPHandler):
        def do_open(self, http_class, request, **kwargs):
            return super().do_open(watchdog.track(http_class), request, **kwargs)

    class Https(urllib.request.HTTPSHandler):
        def do_open(self, http_class, request, **kwargs):
            return super().do_open(watchdog.track(http_class), request, **kwargs)

    # ProxyHandler() with no argument reads HTTP(S)_PROXY and NO_PROXY from the environment.
    return urllib.request.build_opener(urllib.request.ProxyHandler(), Http(), Https())


def header_deadline(timeout: float) -> float:
    """Seconds that connecting and receiving the status line and headers may take in all: one
    ``timeout`` to connect, one for the server to answer."""
    return 2 * timeout


def _open(url: str, timeout: float):
    """The response to a GET of ``url``, its headers received within header_deadline(timeout)."""
    limit = header_deadline(timeout)
    missed = (f"missed its deadline of {limit:.1f} s to connect and send its headers (timeout={timeout:g} s; "
              "the server answered too slowly)")
    with _Watchdog(limit) as watchdog:
        try:
            response = _opener(watchdog).open(url, timeout=timeout)
        except Exception:
            if watchdog.fired:  # whatever the cut connection made urllib raise
                raise OSError(missed) from None
            raise
    if watchdog.fired:
        response.close()
        raise OSError(missed)
    return response


def _progress_stream(progress: bool):
    """Where to draw progress: stderr when it is a terminal and progress is wanted, else nowhere."""
    stream = sys.stderr
    return stream if progress and stream is not None and getattr(stream, "isatty", lambda: False)() else None


def _progress(name: str, done: int, total: int | None, started: float, stream) -> None:
    if stream is None:
        return
    elapsed = max(time.monotonic() - started, 1e-9)
    if total:
        filled = int(20 * done / total)
        bar = "━" * filled + " " * (20 - filled)
        stream.write(f"\rDownloading {name} {bar} {done / 1e6:.1f}/{total / 1e6:.1f} MB {done / elapsed / 1e6:.1f} MB/s")
    else:
        stream.write(f"\rDownloading {name} {done / 1e6:.1f} MB")
    stream.flush()


def _check_deadline(done: int, total: int | None, elapsed: float, timeout: float, min_rate: float) -> None:
    """OSError once ``elapsed`` passes the deadline of the whole download (of the bytes so far, when
    the size is unknown)."""
    limit = deadline(timeout, total if total is not None else done, min_rate)
    if elapsed > limit:
        received = f"{done} of {total} bytes" if total is not None else f"{done} bytes"
        raise OSError(f"missed its deadline of {limit:.1f} s (timeout={timeout:g} s, then at least "
                      f"{min_rate / 1000:g} kB/s): {received} arrived in {elapsed:.1f} s")


def _receive(url: str, out, name: str, timeout: float, min_rate: float, stream) -> None:
    """Copy the body at ``url`` into the file ``out``, within the download's deadline."""
    started = time.monotonic()
    with _open(url, timeout) as response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        done = 0
        try:
            # read1 returns whatever one read of the socket brings, so the deadline is checked
            # even while a server trickles.
            while chunk := response.read1(CHUNK):
                out.write(chunk)
                done += len(chunk)
                _check_deadline(done, total, time.monotonic() - started, timeout, min_rate)
                _progress(name, done, total, started, stream)
        finally:
            if stream is not None and done:
                stream.write("\n")
    if total is not None and done != total:
        raise OSError(f"the connection closed after {done} of {total} bytes")


def _network_reason(error: Exception, url: str, timeout: float) -> str:
    """One phrase for what went wrong on the network."""
    import urllib.error
    import urllib.parse
    if isinstance(error, urllib.error.HTTPError):
        error.close()
        return f"the server answered HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return f"could not reach {urllib.parse.urlsplit(url).netloc or url}: {error.reason}"
    if isinstance(error, TimeoutError):
        return f"no data for {timeout:g} s (timeout={timeout:g})"
    return f"the connection broke ({type(error).__name__}: {error})"


def fetch(url: str, destination: Path, data_file: DataFile, timeout: float, progress_stream,
          min_rate: float = MIN_RATE) -> None:
    """Download ``url`` to ``destination`` if, and only if, the whole file arrives within its
    deadline (see download_file) and checks out; else OSError with the reason."""
    import http.client
    import urllib.error
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".part-", dir=destination.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            try:
                _receive(url, out, data_file.name, timeout, min_rate, progress_stream)
            except (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException) as error:
                raise OSError(_network_reason(error, url, timeout)) from None
        reason = checksums.problem(Path(temporary), data_file)
        if reason is not None:
            raise OSError(reason)
        os.replace(temporary, destination)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _failure_message(name: str, failures: list) -> str:
    lines = "".join(f"\n  {url}: {reason}" for url, reason in failures)
    what = "every mirror failed" if failures else "no mirrors are given"
    return (f"Could not download {name}: {what}; check the network connection, or pass mirrors= "
            f"a URL that serves the file.{lines}")


def download_file(data_file: DataFile, mirrors, folder: Path, timeout: float = 30.0, progress: bool = True,
                  min_rate: float = MIN_RATE) -> Path:
    """Try each of ``mirrors`` (one base URL, or a list of them) in turn; return the path of the
    verified file in ``folder``, or raise DownloadError naming every URL tried and what was wrong.

    Deadline: connecting, and every single read, may take up to ``timeout`` seconds; connecting
    and receiving the status line and headers, ``2 * timeout`` in all (a server that trickles its
    headers is cut off then, see _Watchdog); the whole download must end within
    ``timeout + size / min_rate`` seconds of the request, ``size`` being the Content-Length (or
    the bytes received so far when the server sends none). A server that trickles its body is
    thus given up on soon after the deadline: a 5 kB file with ``timeout=1`` gets 1.25 s, a 26 MB
    one 22 minutes at the default 20 kB/s. Progress is drawn on stderr when
    ``progress`` is true and stderr is a terminal.
    """
    urls = [mirror + data_file.name for mirror in mirror_list(mirrors)]
    check_timeout(timeout)
    destination = Path(folder) / data_file.name
    stream = _progress_stream(progress)
    failures = []
    for url in urls:
        log.debug("downloading %s", url)
        try:
            fetch(url, destination, data_file, timeout, stream, min_rate)
            return destination
        except OSError as error:
            log.debug("%s failed: %s", url, error)
            failures.append((url, str(error)))
    raise DownloadError(_failure_message(data_file.name, failures), failures)
