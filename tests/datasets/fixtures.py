"""Small IDX files made on the spot, and a local HTTP server with misbehaving mirrors."""

import contextlib
import gzip
import hashlib
import http.server
import io
import struct
import threading
import time

import numpy as np


def idx_bytes(array: np.ndarray) -> bytes:
    array = np.ascontiguousarray(array, dtype=np.uint8)
    return struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def fake_dataset(n_train=6, n_test=4, seed=0):
    """{filename: gzipped IDX bytes} in MNIST's file names, plus the arrays."""
    rng = np.random.default_rng(seed)
    arrays = {"train-images-idx3-ubyte.gz": rng.integers(0, 256, (n_train, 28, 28)),
              "train-labels-idx1-ubyte.gz": rng.integers(0, 10, n_train),
              "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (n_test, 28, 28)),
              "t10k-labels-idx1-ubyte.gz": rng.integers(0, 10, n_test)}
    return {name: gzip.compress(idx_bytes(a), mtime=0) for name, a in arrays.items()}, arrays


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def raw_sha256(data: bytes) -> str:
    """The sha256 of the decompressed bytes, as the registry records it."""
    return hashlib.sha256(gzip.decompress(data)).hexdigest()


class FakeTerminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self):
        return True


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves /<mode>/<file>: mode is good, missing (404), truncated (closes after half the
    promised bytes), short (half the body, no Content-Length), corrupt (first byte flipped),
    damaged (a byte in the middle of the gzip stream flipped), stall (waits stall_seconds
    first), trickle (one byte of the body every trickle_seconds) or slowheaders (the status
    line and headers too, one byte every trickle_seconds)."""

    files: dict = {}
    stall_seconds = 2.0
    trickle_seconds = 0.4
    requests: list = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        type(self).requests.append(self.path)
        _, mode, name = self.path.split("/", 2)
        data = self.files.get(name)
        if data is None or mode == "missing":
            self.send_error(404)
            return
        if mode == "stall":
            time.sleep(self.stall_seconds)
        if mode == "slowheaders":
            head = f"HTTP/1.0 200 OK\r\nContent-Length: {len(data)}\r\n\r\n".encode()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._trickle(head + data)
            self.close_connection = True
            return
        body = data
        if mode == "corrupt":
            body = bytes([data[0] ^ 0xFF]) + data[1:]
        if mode == "damaged":
            middle = len(data) // 2
            body = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]
        self.send_response(200)
        if mode != "short":
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if mode in ("truncated", "short"):
            body = data[: len(data) // 2]
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            if mode == "trickle":
                self._trickle(body)
            else:
                self.wfile.write(body)

    def _trickle(self, body: bytes):
        for index in range(len(body)):
            self.wfile.write(body[index:index + 1])
            self.wfile.flush()
            time.sleep(self.trickle_seconds)


@contextlib.contextmanager
def serve(files: dict, stall_seconds: float = 2.0):
    """A threaded HTTP server on 127.0.0.1 (a free port); yields its base URL; always stopped."""
    handler = type("Handler", (_Handler,), {"files": files, "stall_seconds": stall_seconds, "requests": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


ROLES = ("train_images", "train_labels", "test_images", "test_labels")


def fake_spec(files: dict, with_raw_sha256: bool = True):
    """A DatasetSpec named 'mnist' whose checksums are those of ``files``, as the registry lists them."""
    from glassnet.datasets import registry
    return registry.DatasetSpec(
        name="mnist", folder_names=("mnist",),
        files={role: registry.DataFile(name, md5=md5(files[name]),
                                       raw_sha256=raw_sha256(files[name]) if with_raw_sha256 else None)
               for role, name in zip(ROLES, files)},
        mirrors=())


def install_spec(monkeypatch, spec) -> None:
    """Make glassnet.datasets.mnist load ``spec``."""
    from glassnet.datasets import registry
    monkeypatch.setattr(registry, "MNIST", spec)
    monkeypatch.setitem(registry.DATASETS, "mnist", spec)
    monkeypatch.setattr("glassnet.datasets.mnist.MNIST", spec)
