"""The draw page's HTTP server: the page and its assets from the package, and the JSON API.

Routes::

    GET  /                 the drawing page (static/index.html)
    GET  /train            the live training curves (static/train.html)
    GET  /static/NAME      the page's scripts and styles, from the installed package
    GET  /api/model        the model's summary, input shape and class names
    POST /api/predict      a drawing (image/png bytes, or JSON {"pixels": [[...], ...]}) ->
                           {"classes", "probabilities", "top", "image", "activations"}
    GET  /api/history      the per-epoch logs of the training being watched

It is the standard library's ThreadingHTTPServer: one person on their own machine sends a
request every few hundred milliseconds, so a framework would add a dependency and nothing
else. It binds 127.0.0.1 unless told otherwise, so nothing outside the machine can reach it.
A body larger than MAX_BODY bytes is refused (413) without being kept: it is read in small
pieces and dropped (up to DRAIN_LIMIT; beyond that the connection is closed), so that the
client, still sending, gets the answer rather than a broken pipe. A body the API cannot use
gets a 400 with a JSON message, an unexpected failure a 500 with one (its traceback stays out
of the answer). The model is called under a lock: one prediction at a time.
"""

from __future__ import annotations

import http.server
import json
import socket
import sys
import threading
from importlib import resources

from .api import BadRequest

MAX_BODY = 2 * 1024 * 1024
DRAIN_LIMIT = 64 * 1024 * 1024  # a refused body up to this size is read and dropped, so the client sees the 413
STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".css": "text/css; charset=utf-8"}
PAGES = {"/": "index.html", "/index.html": "index.html", "/train": "train.html"}
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
                    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:"}


def static_file(name: str) -> bytes | None:
    """The bytes of static/NAME shipped in the package, or None (no such file, or a name that
    is not a plain file name in that folder)."""
    if not name or "/" in name or "\\" in name or name.startswith(".") or \
            not any(name.endswith(suffix) for suffix in STATIC_TYPES):
        return None
    entry = resources.files("glassnet.draw").joinpath("static").joinpath(name)  # one name per call on 3.10
    return entry.read_bytes() if entry.is_file() else None


class DrawHandler(http.server.BaseHTTPRequestHandler):
    """One request. The server object carries ``predictor`` (api.Predictor or None),
    ``training_log`` (watch.TrainingLog or None) and ``model_lock``."""

    server_version = "glassnet-draw"
    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds a silent client may hold its thread

    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass  # a page that asks for a prediction on every stroke would fill the terminal

    # -- answers ---------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in SECURITY_HEADERS.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, document) -> None:
        self._send(status, json.dumps(document).encode("utf-8"), "application/json")

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"error": message, "status": status})

    # -- routes ----------------------------------------------------------------------------
    def do_GET(self):  # noqa: N802 - the standard library's name
        path = self.path.split("?", 1)[0]
        if path in PAGES or path.startswith("/static/"):
            name = PAGES.get(path) or path[len("/static/"):]
            body = static_file(name)
            if body is None:
                self._error(404, f"no such file: {path}")
            else:
                self._send(200, body, STATIC_TYPES["." + name.rsplit(".", 1)[-1]])
        elif path == "/api/model":
            if self.server.predictor is None:
                self._error(404, "no model is loaded (this server only shows training curves)")
            else:
                with self.server.model_lock:
                    self._json(200, self.server.predictor.summary())
        elif path == "/api/history":
            if self.server.training_log is None:
                self._error(404, "no training is being watched (start one with glassnet train ... --watch)")
            else:
                self._json(200, self.server.training_log.snapshot())
        else:
            self._error(404, f"no such page: {path}")

    do_HEAD = do_GET

    def do_POST(self):  # noqa: N802
        path = self.path.split("?", 1)[0]
        if path != "/api/predict":
            self._discard_body()
            self._error(404, f"no such API: POST {path}")
            return
        body = self._read_body()
        if body is None:
            return
        if self.server.predictor is None:
            self._error(404, "no model is loaded (this server only shows training curves)")
            return
        content_type = self.headers.get("Content-Type", "")
        query = self.path.split("?", 1)[1] if "?" in self.path else ""
        try:
            with self.server.model_lock:
                answer = self.server.predictor.predict(body, content_type, activations="activations=0" not in query)
        except BadRequest as error:
            self._error(400, str(error))
            return
        except Exception as error:  # noqa: BLE001 - the client gets a message, never a traceback
            print(f"glassnet draw: prediction failed: {type(error).__name__}: {error}", file=sys.stderr)
            self._error(500, f"the model could not answer ({type(error).__name__})")
            return
        self._json(200, answer)

    def _length(self) -> int | None:
        text = self.headers.get("Content-Length")
        if text is None or not text.strip().isdigit():
            return None
        return int(text)

    def _discard_body(self, length: int | None = None) -> None:
        """Read and drop the body in pieces (up to DRAIN_LIMIT bytes); else close the connection."""
        length = self._length() if length is None else length
        if length is None or length > DRAIN_LIMIT:
            self.close_connection = True
            return
        while length > 0:
            piece = self.rfile.read(min(length, 1 << 16))
            if not piece:
                break
            length -= len(piece)

    def _read_body(self) -> bytes | None:
        """The request body, or None after answering 411 (no length: the connection is closed)
        or 413 (too long: the body is dropped unread)."""
        length = self._length()
        if length is None:
            self.close_connection = True
            self._error(411, "send the body with a Content-Length header")
            return None
        if length > MAX_BODY:
            self._error(413, f"the body is {length} bytes; at most {MAX_BODY} are accepted")
            self._discard_body(length)
            return None
        return self.rfile.read(length)


class _IPv6Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6


def make_server(host: str = "127.0.0.1", port: int = 0, predictor=None, training_log=None):
    """A ThreadingHTTPServer for the page, bound to (host, port) (port 0: any free one)."""
    server_class = _IPv6Server if ":" in host else http.server.ThreadingHTTPServer
    server = server_class((host, port), DrawHandler)
    server.daemon_threads = True
    server.predictor, server.training_log, server.model_lock = predictor, training_log, threading.Lock()
    return server


def url_of(server, path: str = "/") -> str:
    host, port = server.server_address[:2]
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else ("[::1]" if host == "::" else host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}{path}"


def serve_in_background(server) -> threading.Thread:
    """Run ``server`` on a daemon thread (stop it with server.shutdown(); server.server_close())."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True,
                              name="glassnet-draw-server")
    thread.start()
    return thread
