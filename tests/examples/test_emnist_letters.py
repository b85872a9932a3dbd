"""examples/emnist_letters.py on a small archive in EMNIST's format (transposed images, labels
1..26), found through GLASSNET_DATA; and its message when the archive is nowhere."""

import dataclasses
import gzip
import json
import zipfile

import numpy as np
import pytest

from glassnet.datasets import registry

from ..datasets.fixtures import idx_bytes
from .test_examples import load_example


def letters(count, seed):
    """Upright images in which letter k (labels 1..26) is a bright 4x4 block at place k of a
    6x5 grid, over dim noise."""
    rng = np.random.default_rng(seed)
    labels = np.tile(np.arange(1, 27), count // 26 + 1)[:count]
    rng.shuffle(labels)
    images = rng.integers(0, 40, (count, 28, 28)).astype(np.uint8)
    for index, label in enumerate(labels):
        row, col = divmod(int(label) - 1, 6)
        images[index, 2 + 5 * row:6 + 5 * row, 2 + 4 * col:6 + 4 * col] = 255
    return images, labels.astype(np.uint8)


def write_archive(folder, train, test):
    """folder/emnist/gzip.zip holding the letters split as published: images transposed."""
    (folder / "emnist").mkdir(parents=True)
    with zipfile.ZipFile(folder / "emnist" / "gzip.zip", "w") as archive:
        for part, (images, labels) in (("train", train), ("test", test)):
            stored = images.transpose(0, 2, 1)
            archive.writestr(f"gzip/emnist-letters-{part}-images-idx3-ubyte.gz", gzip.compress(idx_bytes(stored)))
            archive.writestr(f"gzip/emnist-letters-{part}-labels-idx1-ubyte.gz", gzip.compress(idx_bytes(labels)))


@pytest.fixture
def isolated_data(tmp_path, monkeypatch):
    """GLASSNET_DATA = tmp_path/data, an empty cache, no system data folders."""
    monkeypatch.setenv("GLASSNET_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("GLASSNET_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("glassnet.datasets.sources.system_data_dirs", lambda: [])
    return tmp_path / "data"


def test_letters_example_learns_the_fixture_and_saves_a_run_for_glassnet_draw(isolated_data, tmp_path, monkeypatch,
                                                                              capsys):
    # The fixture is not the published 536 MB archive, so its md5 is not checked here.
    unchecked = dataclasses.replace(registry.EMNIST, files={"archive": registry.DataFile("gzip.zip")})
    monkeypatch.setattr("glassnet.datasets.emnist.EMNIST", unchecked)
    write_archive(isolated_data, letters(520, 0), letters(156, 1))
    example = load_example("emnist_letters")
    (x_train, y_train), _ = example.load_letters()
    assert x_train.shape == (520, 28, 28, 1) and x_train.dtype == np.float32 and x_train.max() == 1.0
    assert sorted(set(y_train.tolist())) == list(range(26))  # published 1..26 -> 0..25
    first = int(y_train[0])
    row, col = divmod(first, 6)
    assert x_train[0, 2 + 5 * row, 2 + 4 * col, 0] == 1.0  # upright again: the block where it was drawn
    assert example.CLASS_NAMES[0] == "a" and example.CLASS_NAMES[25] == "z"

    assert example.main(["--epochs", "3", "--save", str(tmp_path / "run")]) == 0
    printed = capsys.readouterr().out
    assert "520 training and 156 test images, 26 classes (a..z, upper and lower case together)" in printed
    accuracy = float(printed.split("Test accuracy: ")[1].split(";")[0])
    assert accuracy > 0.8
    assert json.loads((tmp_path / "run" / "classes.json").read_text()) == list("abcdefghijklmnopqrstuvwxyz")
    assert "glassnet draw " + str(tmp_path / "run" / "model.glassnet") in printed


def test_letters_example_says_where_to_put_the_archive(isolated_data, capsys):
    example = load_example("emnist_letters")
    assert example.main([]) == 0
    printed = capsys.readouterr().out
    assert "EMNIST's gzip.zip was not found" in printed
    assert str(isolated_data / "emnist") in printed
    assert "set GLASSNET_DATA to a folder holding emnist/gzip.zip" in printed
    assert "glassnet datasets download emnist" in printed and "Test accuracy" not in printed
