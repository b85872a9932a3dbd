"""Local copies are checked against the published checksums, once per unchanged file."""

import gzip
import os
import time

import numpy as np
import pytest

from glassnet import datasets
from glassnet.datasets import checksums

from .fixtures import fake_dataset, fake_spec, idx_bytes, install_spec, serve


def _write(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def _overwrite_labels(path, count=500):
    """Overwrite ``count`` labels of the uncompressed IDX labels file at ``path``, keeping its size."""
    data = bytearray(path.read_bytes())
    labels = data[8:8 + count]
    data[8:8 + count] = bytes((value + 1) % 10 for value in labels)
    path.write_bytes(bytes(data))


def test_an_uncompressed_labels_file_with_500_labels_changed_does_not_load(isolated, tmp_path, monkeypatch):
    files, arrays = fake_dataset(n_train=6, n_test=1000)
    install_spec(monkeypatch, fake_spec(files))
    folder = tmp_path / "mine" / "mnist"
    _write(folder, {"t10k-images-idx3-ubyte.gz": files["t10k-images-idx3-ubyte.gz"],
                    "t10k-labels-idx1-ubyte": gzip.decompress(files["t10k-labels-idx1-ubyte.gz"])})
    x_test, y_test = datasets.mnist.load_data(path=tmp_path / "mine", download=False, splits="test")
    np.testing.assert_array_equal(y_test, arrays["t10k-labels-idx1-ubyte.gz"])
    labels = folder / "t10k-labels-idx1-ubyte"
    _overwrite_labels(labels)
    with pytest.raises(datasets.ChecksumError) as error:
        datasets.mnist.load_data(path=tmp_path / "mine", download=False, splits="test")
    assert str(error.value) == (
        f"{labels} is not a good copy of the published t10k-labels-idx1-ubyte.gz: its checksum differs from the "
        "published one; delete it (glassnet then uses the next copy it finds, or downloads a fresh one) or replace "
        "it with the published file.")


@pytest.mark.parametrize("place", ["path argument", "GLASSNET_DATA", "cache", "system data folder"])
def test_a_damaged_copy_anywhere_is_named_not_skipped(isolated, tmp_path, monkeypatch, place):
    """A damaged file raises even though a good copy is a download away: it is never hidden."""
    cache, files, arrays, spec = isolated
    root = {"path argument": tmp_path / "mine", "GLASSNET_DATA": tmp_path / "env", "cache": cache,
            "system data folder": tmp_path / "share"}[place]
    damaged = dict(files, **{"train-labels-idx1-ubyte.gz": files["train-labels-idx1-ubyte.gz"][:-9]})
    _write(root / "mnist", damaged)
    monkeypatch.setenv("GLASSNET_DATA", str(tmp_path / "env"))
    monkeypatch.setattr("glassnet.datasets.sources.system_data_dirs", lambda: [tmp_path / "share"])
    with serve(files) as (url, handler):
        with pytest.raises(datasets.ChecksumError) as error:
            datasets.mnist.load_data(path=tmp_path / "mine", mirrors=f"{url}/good/", progress=False)
    assert str(error.value).startswith(f"{root / 'mnist' / 'train-labels-idx1-ubyte.gz'} is not a good copy of the "
                                       "published train-labels-idx1-ubyte.gz: its gzip stream is damaged or truncated")
    assert handler.requests == []


def test_the_verdict_is_remembered_until_the_file_changes(isolated, tmp_path, monkeypatch):
    cache, files, arrays, spec = isolated
    _write(tmp_path / "mine" / "mnist", files)
    an_hour_ago = time.time_ns() - 3600 * 10**9
    for name in files:  # files just written are re-hashed every time (checksums.RACY_NS)
        os.utime(tmp_path / "mine" / "mnist" / name, ns=(an_hour_ago, an_hour_ago))
    hashed = []
    digest = checksums._digest
    monkeypatch.setattr(checksums, "_digest", lambda path, *args: hashed.append(path) or digest(path, *args))
    datasets.mnist.load_data(path=tmp_path / "mine", download=False)
    assert len(hashed) == 4
    datasets.mnist.load_data(path=tmp_path / "mine", download=False)
    assert len(hashed) == 4
    images = tmp_path / "mine" / "mnist" / "train-images-idx3-ubyte.gz"
    images.write_bytes(gzip.compress(idx_bytes(np.zeros((6, 28, 28))), mtime=0))
    with pytest.raises(datasets.ChecksumError, match="train-images-idx3-ubyte.gz: its checksum differs"):
        datasets.mnist.load_data(path=tmp_path / "mine", download=False)


def test_a_decompressed_copy_without_a_published_raw_checksum_loads_unchecked(isolated, tmp_path, monkeypatch):
    """MNIST's train images have only the md5 of the .gz: a decompressed copy cannot be checked."""
    cache, files, arrays, spec = isolated
    install_spec(monkeypatch, fake_spec(files, with_raw_sha256=False))
    _write(tmp_path / "mine" / "mnist", {name[:-3]: gzip.decompress(data) for name, data in files.items()})
    (x_train, _), _ = datasets.mnist.load_data(path=tmp_path / "mine", download=False)
    np.testing.assert_array_equal(x_train, arrays["train-images-idx3-ubyte.gz"])
