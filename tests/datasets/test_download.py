"""Downloads against a local server: bad mirrors are skipped, the cache only ever holds good files."""

import os

import numpy as np
import pytest

from glassnet import datasets
from glassnet.datasets import registry
from glassnet.datasets.downloading import download_file

from .fixtures import fake_dataset, md5, serve


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """An empty cache, no GLASSNET_DATA, no system folders, and a fake 'mnist' with our checksums."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("GLASSNET_CACHE_DIR", str(cache))
    monkeypatch.delenv("GLASSNET_DATA", raising=False)
    monkeypatch.setattr("glassnet.datasets.sources.system_data_dirs", lambda: [])
    files, arrays = fake_dataset()
    spec = registry.DatasetSpec(
        name="mnist", folder_names=("mnist",),
        files={role: registry.DataFile(name, md5=md5(files[name])) for role, name in
               zip(("train_images", "train_labels", "test_images", "test_labels"), files)},
        mirrors=())
    monkeypatch.setattr(registry, "MNIST", spec)
    monkeypatch.setitem(registry.DATASETS, "mnist", spec)
    monkeypatch.setattr("glassnet.datasets.mnist.MNIST", spec)
    return cache, files, arrays, spec


def test_bad_mirrors_are_skipped_and_only_good_files_reach_the_cache(isolated):
    cache, files, arrays, spec = isolated
    with serve(files, stall_seconds=2.0) as (url, handler):
        mirrors = [f"{url}/{mode}/" for mode in ("missing", "truncated", "corrupt", "stall", "good")]
        (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data(mirrors=mirrors, timeout=0.5, progress=False)
    np.testing.assert_array_equal(x_train, arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(y_test, arrays["t10k-labels-idx1-ubyte.gz"])
    assert x_train.dtype == np.uint8 and x_train.shape == (6, 28, 28) and y_train.shape == (6,)
    assert sorted(os.listdir(cache / "mnist")) == sorted(files)
    for name in files:
        assert (cache / "mnist" / name).read_bytes() == files[name]
    # each file went through every bad mirror before the good one
    assert sum("/good/" in r for r in handler.requests) == 4


def test_second_load_uses_the_cache(isolated):
    cache, files, arrays, spec = isolated
    with serve(files) as (url, handler):
        datasets.mnist.load_data(mirrors=[f"{url}/good/"], progress=False)
        count = len(handler.requests)
        datasets.mnist.load_data(mirrors=[f"{url}/good/"], progress=False)
        assert len(handler.requests) == count


def test_every_mirror_bad_lists_places_and_failures(isolated):
    cache, files, arrays, spec = isolated
    with serve(files, stall_seconds=1.5) as (url, _):
        mirrors = [f"{url}/{mode}/" for mode in ("missing", "truncated", "corrupt", "stall")]
        with pytest.raises(datasets.DataNotFoundError) as error:
            datasets.mnist.load_data(mirrors=mirrors, timeout=0.5, progress=False)
    message = str(error.value)
    assert "Looked in:" in message and "cache:" in message and "(absent)" in message
    assert "/missing/train-images-idx3-ubyte.gz: HTTPError: Not Found" in message
    assert "/truncated/train-images-idx3-ubyte.gz: truncated: received" in message
    assert "/corrupt/train-images-idx3-ubyte.gz: checksum mismatch" in message
    assert "/stall/train-images-idx3-ubyte.gz: TimeoutError: timed out" in message
    assert not (cache / "mnist").exists() or os.listdir(cache / "mnist") == []


def test_interrupted_download_leaves_no_partial_file(isolated, monkeypatch):
    cache, files, arrays, spec = isolated
    import glassnet.datasets.downloading as download_module

    def explode(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(download_module, "_progress", explode)
    with serve(files) as (url, _):
        with pytest.raises(KeyboardInterrupt):
            download_file(spec.files["train_images"], [f"{url}/good/"], cache / "mnist", progress=True)
    assert os.listdir(cache / "mnist") == []


def test_download_without_network_permission(isolated):
    with pytest.raises(datasets.DataNotFoundError, match=r"\(download=False\)"):
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
