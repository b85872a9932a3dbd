"""The real files in GLASSNET_DATA load as Keras returns them and match the published checksums."""

import hashlib
import re

import numpy as np
import pytest

from glassnet import datasets
from glassnet.datasets import registry
from glassnet.datasets.idx import decompress_if_gzip

pytestmark = pytest.mark.realdata


def test_fashion_mnist_loads_whole_with_keras_shapes(real_data_dir):
    (x_train, y_train), (x_test, y_test) = datasets.fashion_mnist.load_data(path=real_data_dir, download=False)
    assert (x_train.shape, y_train.shape, x_test.shape, y_test.shape) == ((60000, 28, 28), (60000,), (10000, 28, 28), (10000,))
    assert x_train.dtype == y_train.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [6000] * 10 and np.bincount(y_test).tolist() == [1000] * 10


def test_mnist_test_split_loads(real_data_dir):
    x_test, y_test = datasets.mnist.load_data(path=real_data_dir, download=False, splits=("test",))
    assert x_test.shape == (10000, 28, 28) and x_test.dtype == np.uint8
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_mnist_without_train_images_names_the_missing_file(real_data_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("GLASSNET_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr("glassnet.datasets.sources.system_data_dirs", lambda: [])
    with pytest.raises(datasets.DataNotFoundError, match="could not find train-images-idx3-ubyte.gz"):
        datasets.mnist.load_data(path=real_data_dir, download=False)


@pytest.mark.parametrize("spec", [registry.FASHION_MNIST, registry.MNIST], ids=["fashion_mnist", "mnist"])
def test_decompressed_bytes_match_published_checksums(real_data_dir, spec):
    found = datasets.status(spec.name, real_data_dir)
    checked = 0
    for role, entry in found.items():
        path = entry.path
        if path is None:
            continue
        assert entry.verdict in ("verified", "unchecked"), entry
        expected = spec.files[role].raw_sha256
        raw = decompress_if_gzip(path.read_bytes(), str(path))
        assert hashlib.sha256(raw).hexdigest() == expected, path
        checked += 1
    assert checked == (4 if spec.name == "fashion_mnist" else 3)


def test_a_decompressed_real_labels_file_is_checked(real_data_dir, tmp_path):
    """The real MNIST test labels, decompressed, pass by the registry's sha256; with 500 labels
    changed they do not load."""
    folder = tmp_path / "mnist"
    folder.mkdir()
    (folder / "t10k-images-idx3-ubyte.gz").symlink_to(real_data_dir / "mnist" / "t10k-images-idx3-ubyte.gz")
    labels = folder / "t10k-labels-idx1-ubyte"
    raw = bytearray(decompress_if_gzip((real_data_dir / "mnist" / "t10k-labels-idx1-ubyte.gz").read_bytes(), "labels"))
    labels.write_bytes(bytes(raw))
    _, y_test = datasets.mnist.load_data(path=tmp_path, download=False, splits="test")
    assert len(y_test) == 10000
    raw[8:508] = bytes((value + 1) % 10 for value in raw[8:508])
    labels.write_bytes(bytes(raw))
    with pytest.raises(datasets.ChecksumError, match=re.escape(f"{labels} is not a good copy of the published "
                                                               "t10k-labels-idx1-ubyte.gz: its checksum differs")):
        datasets.mnist.load_data(path=tmp_path, download=False, splits="test")
