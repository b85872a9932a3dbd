"""Small IDX files made on the spot, and a local HTTP server with misbehaving mirrors."""

import contextlib
import gzip
import hashlib
import http.server
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


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves /<mode>/<file>: mode is good, missing (404), truncated, corrupt or stall."""

    files: dict = {}
    stall_seconds = 2.0
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
        body = data
        if mode == "corrupt":
            body = bytes([data[0] ^ 0xFF]) + data[1:]
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if mode == "truncated":
            body = data[: len(data) // 2]
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)


@contextlib.contextmanager
def serve(files: dict, stall_seconds: float = 2.0):
    """A threaded HTTP server on 127.0.0.1 (a free port); yields its base URL; always stopped."""
    handler = type("Handler", (_Handler,), {"files": files, "stall_seconds": stall_seconds, "requests": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
