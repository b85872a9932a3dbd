"""Downloads against a local server: bad mirrors are skipped, the cache only ever holds good files."""

import io
import os
import socket
import time

import numpy as np
import pytest

from glassnet import datasets
from glassnet.datasets.downloading import download_file

from .fixtures import FakeTerminal, serve

BAD_MODES = ("missing", "truncated", "short", "corrupt", "damaged", "stall")


def test_bad_mirrors_are_skipped_and_only_good_files_reach_the_cache(isolated):
    cache, files, arrays, spec = isolated
    with serve(files, stall_seconds=2.0) as (url, handler):
        mirrors = [f"{url}/{mode}/" for mode in BAD_MODES + ("good",)]
        (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data(mirrors=mirrors, timeout=0.5, progress=False)
    np.testing.assert_array_equal(x_train, arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(y_test, arrays["t10k-labels-idx1-ubyte.gz"])
    assert x_train.dtype == np.uint8 and x_train.shape == (6, 28, 28) and y_train.shape == (6,)
    assert sorted(os.listdir(cache / "mnist")) == sorted(files)
    for name in files:
        assert (cache / "mnist" / name).read_bytes() == files[name]
    # each file went through every bad mirror, in order, before the good one
    assert [r.split("/")[1] for r in handler.requests] == list(BAD_MODES + ("good",)) * 4


def test_second_load_uses_the_cache(isolated):
    cache, files, arrays, spec = isolated
    with serve(files) as (url, handler):
        datasets.mnist.load_data(mirrors=[f"{url}/good/"], progress=False)
        count = len(handler.requests)
        datasets.mnist.load_data(mirrors=[f"{url}/good/"], progress=False)
        assert len(handler.requests) == count


def test_every_mirror_bad_names_each_mirror_and_what_was_wrong(isolated):
    cache, files, arrays, spec = isolated
    with serve(files, stall_seconds=1.5) as (url, _):
        mirrors = [f"{url}/{mode}/" for mode in BAD_MODES]
        with pytest.raises(datasets.DataNotFoundError) as error:
            datasets.mnist.load_data(mirrors=mirrors, timeout=0.5, progress=False)
    message = str(error.value)
    first_line = message.splitlines()[0]
    assert first_line.startswith("mnist: could not find train-images-idx3-ubyte.gz in any data folder, and no mirror "
                                 f"served it ({url}/missing/train-images-idx3-ubyte.gz: the server answered HTTP 404")
    assert "and 5 more mirror(s) failed); check the network" in first_line and first_line.endswith("or pass path=.")
    assert "Looked in:" in message and "cache:" in message and "(absent)" in message
    name = "train-images-idx3-ubyte.gz"
    assert f"/missing/{name}: the server answered HTTP 404 Not Found" in message
    size = len(files[name])
    assert f"/truncated/{name}: the connection closed after {size // 2} of {size} bytes" in message
    assert f"/short/{name}: its gzip stream is damaged or truncated (Compressed file ended" in message
    assert f"/corrupt/{name}: its checksum differs from the published one" in message
    assert f"/damaged/{name}: its gzip stream is damaged or truncated (CRC check failed" in message
    assert f"/stall/{name}: no data for 0.5 s (timeout=0.5)" in message
    assert not (cache / "mnist").exists() or os.listdir(cache / "mnist") == []


def test_a_trickling_server_misses_the_whole_download_deadline(isolated):
    """One byte every 0.4 s never trips the 1 s read timeout; the deadline ends it."""
    cache, files, arrays, spec = isolated
    name = "train-images-idx3-ubyte.gz"
    with serve(files) as (url, _):
        started = time.monotonic()
        with pytest.raises(datasets.DownloadError) as error:
            download_file(spec.files["train_images"], f"{url}/trickle/", cache / "mnist", timeout=1, progress=False)
        elapsed = time.monotonic() - started
    print(f"trickle download given up after {elapsed:.2f} s")
    assert elapsed < 3.0
    deadline = 1 + len(files[name]) / 20_000
    assert f"{url}/trickle/{name}: missed its deadline of {deadline:.1f} s (timeout=1 s, then at least 20 kB/s)" \
        in str(error.value)
    assert os.listdir(cache / "mnist") == []


def test_a_single_mirror_string_is_one_mirror(isolated):
    cache, files, arrays, spec = isolated
    with serve(files) as (url, handler):
        x_test, y_test = datasets.mnist.load_data(mirrors=f"{url}/good", splits="test", progress=False)
    np.testing.assert_array_equal(y_test, arrays["t10k-labels-idx1-ubyte.gz"])
    assert handler.requests == ["/good/t10k-images-idx3-ubyte.gz", "/good/t10k-labels-idx1-ubyte.gz"]


@pytest.mark.parametrize("arguments, error, message", [
    ({"mirrors": 5}, TypeError, "mirrors must be a base URL string or a list of them, received int 5"),
    ({"mirrors": [5]}, TypeError, r"mirrors must be a base URL string or a list of them, received list \[5\]"),
    ({"mirrors": b"http://x/"}, TypeError, "mirrors must be .* received bytes"),
    ({"mirrors": ["ftp.example.org/mnist/"]}, ValueError, "mirrors: 'ftp.example.org/mnist/' is not an http://"),
    ({"timeout": "30"}, TypeError, "timeout must be a number of seconds, received str '30'"),
    ({"timeout": 0}, ValueError, "timeout must be a positive, finite number of seconds, received 0"),
    ({"splits": "tset"}, ValueError, "splits must be 'train', 'test' or a list of them, received 'tset'"),
], ids=["int", "list-of-int", "bytes", "no-scheme", "timeout-str", "timeout-zero", "splits"])
def test_wrong_arguments_are_named(isolated, arguments, error, message):
    with pytest.raises(error, match=message):
        datasets.mnist.load_data(**arguments)


def test_progress_is_drawn_on_a_terminal_only(isolated, monkeypatch):
    cache, files, arrays, spec = isolated
    with serve(files) as (url, _):
        for stream, drawn in ((io.StringIO(), False), (FakeTerminal(), True)):
            monkeypatch.setattr("sys.stderr", stream)
            download_file(spec.files["train_images"], f"{url}/good/", cache / str(drawn), progress=True)
            text = stream.getvalue()
            assert ("\rDownloading train-images-idx3-ubyte.gz" in text and text.endswith("\n")) if drawn else text == ""


def test_interrupted_download_leaves_no_partial_file(isolated, monkeypatch):
    cache, files, arrays, spec = isolated
    import glassnet.datasets.downloading as download_module

    def explode(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(download_module, "_progress", explode)
    monkeypatch.setattr("sys.stderr", FakeTerminal())
    with serve(files) as (url, _):
        with pytest.raises(KeyboardInterrupt):
            download_file(spec.files["train_images"], [f"{url}/good/"], cache / "mnist", progress=True)
    assert os.listdir(cache / "mnist") == []


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_without_a_network_the_error_names_the_network_error(isolated, monkeypatch):
    def no_dns(host, *args, **kwargs):
        raise socket.gaierror(-3, "Temporary failure in name resolution")

    port = _closed_port()
    with pytest.raises(datasets.DataNotFoundError) as refused:
        datasets.mnist.load_data(mirrors=f"http://127.0.0.1:{port}/", timeout=2, progress=False)
    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(datasets.DataNotFoundError) as unresolved:
        datasets.mnist.load_data(mirrors="https://mirror.example/mnist/", timeout=2, progress=False)
    assert f"could not reach 127.0.0.1:{port}: [Errno 111] Connection refused" in str(refused.value).splitlines()[0]
    assert ("could not reach mirror.example: [Errno -3] Temporary failure in name resolution)"
            in str(unresolved.value).splitlines()[0])
    assert unresolved.value.__context__ is None and unresolved.value.__cause__ is None


def test_download_without_network_permission(isolated):
    with pytest.raises(datasets.DataNotFoundError, match=r"in any data folder, and download=False forbids downloading"):
        datasets.mnist.load_data(download=False)


def test_explicit_path_and_env_var_come_first(isolated, tmp_path, monkeypatch):
    cache, files, arrays, spec = isolated
    folder = tmp_path / "mine" / "mnist"
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (x_train, _), _ = datasets.mnist.load_data(path=tmp_path / "mine", download=False)
    assert x_train.shape == (6, 28, 28)
    monkeypatch.setenv("GLASSNET_DATA", str(tmp_path / "mine"))
    x_test, y_test = datasets.mnist.load_data(download=False, splits=("test",))
    assert x_test.shape == (4, 28, 28)


def test_proxy_variables_are_honoured(isolated, monkeypatch):
    """A 'proxy' on 127.0.0.1 receives the request for an address that does not exist."""
    cache, files, arrays, spec = isolated
    with serve(files) as (proxy_url, handler):
        monkeypatch.setenv("HTTP_PROXY", proxy_url)
        monkeypatch.setenv("http_proxy", proxy_url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        with pytest.raises(datasets.DownloadError):
            download_file(spec.files["train_images"], ["http://mirror.invalid/good/"], cache / "mnist", timeout=2,
                          progress=False)
    assert handler.requests == ["http://mirror.invalid/good/train-images-idx3-ubyte.gz"]


def test_a_server_trickling_its_headers_misses_the_connect_and_headers_deadline(isolated):
    """The status line and headers one byte every 0.4 s never trip the 1 s read timeout; the
    deadline over connecting and headers (2 x timeout) ends the load with the reason."""
    cache, files, arrays, spec = isolated
    name = "train-images-idx3-ubyte.gz"
    with serve(files) as (url, handler):
        started = time.monotonic()
        with pytest.raises(datasets.DataNotFoundError) as error:
            datasets.mnist.load_data(mirrors=f"{url}/slowheaders/", timeout=1, progress=False)
        elapsed = time.monotonic() - started
    print(f"header trickle given up after {elapsed:.2f} s")
    assert elapsed < 10.0
    assert handler.requests == [f"/slowheaders/{name}"]
    assert (f"{url}/slowheaders/{name}: missed its deadline of 2.0 s to connect and send its headers (timeout=1 s"
            in str(error.value).splitlines()[0])
    assert not (cache / "mnist").exists() or os.listdir(cache / "mnist") == []
