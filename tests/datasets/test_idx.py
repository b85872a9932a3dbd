"""The IDX reader: good files and every kind of damage, each with a clear error."""

import gzip
import zipfile

import numpy as np
import pytest

from glassnet.datasets import IDXFormatError, read_idx
from glassnet.datasets.idx import check_pair, read_idx_from_zip

from .fixtures import idx_bytes


def test_reads_raw_and_gzip(tmp_path):
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "a").write_bytes(idx_bytes(array))
    (tmp_path / "a.gz").write_bytes(gzip.compress(idx_bytes(array)))
    for name in ("a", "a.gz"):
        loaded = read_idx(tmp_path / name)
        assert loaded.dtype == np.uint8 and loaded.shape == (2, 3, 4)
        np.testing.assert_array_equal(loaded, array)


def test_wrong_magic_number(tmp_path):
    (tmp_path / "bad").write_bytes(b"PK\x03\x04" + bytes(20))
    with pytest.raises(IDXFormatError, match=r"bad: bad magic number 0x504b0304.*not an IDX file"):
        read_idx(tmp_path / "bad")


def test_truncated_gzip(tmp_path):
    data = gzip.compress(idx_bytes(np.zeros((50, 28, 28))))
    (tmp_path / "t.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(IDXFormatError, match=r"t.gz: the gzip stream is damaged or truncated"):
        read_idx(tmp_path / "t.gz")


def test_fewer_bytes_than_the_header_promises(tmp_path):
    data = idx_bytes(np.zeros((10, 28, 28)))
    (tmp_path / "short").write_bytes(data[:1000])
    with pytest.raises(IDXFormatError, match=r"promises 10x28x28 values of uint8 = 7840 bytes of data, but the file "
                                             r"holds 984; it is truncated"):
        read_idx(tmp_path / "short")


def test_labels_and_images_of_different_counts():
    with pytest.raises(IDXFormatError, match="images.idx holds 3 images but labels.idx holds 2 labels"):
        check_pair(np.zeros((3, 2, 2)), np.zeros(2), "images.idx", "labels.idx")


def test_zip_without_the_expected_member(tmp_path):
    with zipfile.ZipFile(tmp_path / "gzip.zip", "w") as archive:
        archive.writestr("gzip/other.gz", gzip.compress(idx_bytes(np.zeros(3))))
    with pytest.raises(IDXFormatError, match=r"gzip.zip: the archive has no member 'gzip/emnist-letters"):
        read_idx_from_zip(tmp_path / "gzip.zip", "gzip/emnist-letters-train-images-idx3-ubyte.gz")
    np.testing.assert_array_equal(read_idx_from_zip(tmp_path / "gzip.zip", "gzip/other.gz"), np.zeros(3))
