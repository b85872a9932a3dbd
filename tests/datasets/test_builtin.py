"""digits (scikit-learn's bundled images), toy data sets, and the command line."""

import numpy as np
import pytest

from glassnet import datasets
from glassnet.cli import main


def test_digits_split_is_fixed_and_stratified():
    pytest.importorskip("sklearn", reason="digits needs scikit-learn (pip install scikit-learn)")
    (x_train, y_train), (x_test, y_test) = datasets.digits.load_data()
    assert x_train.shape == (1438, 8, 8) and x_test.shape == (359, 8, 8)
    assert x_train.dtype == np.float32 and x_train.max() == 16
    np.testing.assert_array_equal(np.bincount(y_test), np.bincount(datasets.digits.load_data()[1][1]))
    assert set(np.bincount(y_test)) <= {35, 36, 37}


def test_toy_sets():
    x, y = datasets.toy.random_binary(100)
    assert x.shape == (100, 2) and set(np.unique(y)) == {0, 1}
    x, y = datasets.toy.spirals(50, classes=3)
    assert x.shape == (150, 2) and np.bincount(y).tolist() == [50, 50, 50]
    x, y = datasets.toy.moons(101)
    assert x.shape == (101, 2) and np.bincount(y).tolist() == [50, 51]


def test_emnist_label_names_and_bad_split():
    assert datasets.emnist.label_names("letters")[1:] == list("abcdefghijklmnopqrstuvwxyz")
    assert len(datasets.emnist.label_names("balanced")) == 47
    with pytest.raises(ValueError, match="split must be one of letters, digits"):
        datasets.emnist.load_data("greek")


def test_cli_list_and_errors(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("GLASSNET_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("GLASSNET_DATA", raising=False)
    assert main(["datasets", "list"]) == 0
    out = capsys.readouterr().out
    assert "fashion_mnist:" in out and "builtin: digits" in out
    assert main(["datasets", "download", "cifar"]) == 2
    assert "Unknown data set 'cifar'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["datasets", "--bogus"])
    assert exit_info.value.code == 2


def test_emnist_reads_the_archive_and_turns_images_upright(tmp_path, monkeypatch):
    import gzip
    import zipfile

    from .fixtures import idx_bytes
    monkeypatch.delenv("GLASSNET_DATA", raising=False)
    monkeypatch.setenv("GLASSNET_CACHE_DIR", str(tmp_path / "cache"))
    import dataclasses
    unchecked = dataclasses.replace(datasets.registry.EMNIST, files={"archive": datasets.registry.DataFile("gzip.zip")})
    monkeypatch.setattr("glassnet.datasets.emnist.EMNIST", unchecked)
    stored = np.zeros((2, 28, 28), dtype=np.uint8)
    stored[:, 3, 0] = 255  # as published: transposed, so this pixel is row 0, column 3 upright
    folder = tmp_path / "emnist"
    folder.mkdir()
    with zipfile.ZipFile(folder / "gzip.zip", "w") as archive:
        for part, labels in (("train", [1, 26]), ("test", [2, 3])):
            archive.writestr(f"gzip/emnist-letters-{part}-images-idx3-ubyte.gz", gzip.compress(idx_bytes(stored)))
            archive.writestr(f"gzip/emnist-letters-{part}-labels-idx1-ubyte.gz", gzip.compress(idx_bytes(np.array(labels))))
    (x_train, y_train), (x_test, y_test) = datasets.emnist.load_data("letters", path=tmp_path, download=False)
    assert x_train.shape == (2, 28, 28) and x_train[0, 0, 3] == 255 and x_train[0, 3, 0] == 0
    names = datasets.emnist.label_names("letters")
    assert [names[i] for i in y_train] == ["a", "z"]
    with pytest.raises(datasets.IDXFormatError, match="no member 'gzip/emnist-digits-train-images"):
        datasets.emnist.load_data("digits", path=tmp_path, download=False)
