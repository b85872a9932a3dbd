"""datasets.status() and `glassnet datasets list` say whether each file found matches its checksum."""

import argparse
import gzip

import pytest

from glassnet import datasets
from glassnet.datasets import checksums

from .fixtures import fake_dataset, fake_spec, install_spec


def _write(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def test_status_reports_verified_damaged_unchecked_and_missing(isolated, tmp_path, monkeypatch):
    files, _ = fake_dataset()
    spec = fake_spec(files)
    # train images: no decompressed checksum published (as MNIST's), so its decompressed copy is unchecked
    spec.files["train_images"] = type(spec.files["train_images"])(spec.files["train_images"].name,
                                                                   md5=spec.files["train_images"].md5)
    install_spec(monkeypatch, spec)
    folder = tmp_path / "mine" / "mnist"
    labels = files["train-labels-idx1-ubyte.gz"]
    _write(folder, {"train-images-idx3-ubyte": gzip.decompress(files["train-images-idx3-ubyte.gz"]),
                    "train-labels-idx1-ubyte.gz": labels[:-9],
                    "t10k-images-idx3-ubyte.gz": files["t10k-images-idx3-ubyte.gz"]})
    found = datasets.status("mnist", tmp_path / "mine")
    assert found["train_images"] == (folder / "train-images-idx3-ubyte", "unchecked", None)
    assert found["train_labels"].path == folder / "train-labels-idx1-ubyte.gz"
    assert found["train_labels"].verdict == "damaged"
    assert found["train_labels"].reason.startswith("its gzip stream is damaged or truncated")
    assert found["test_images"] == (folder / "t10k-images-idx3-ubyte.gz", "verified", None)
    assert found["test_labels"] == (None, "missing", None)


def test_a_file_changed_after_it_passed_is_reported_damaged(isolated, tmp_path, monkeypatch):
    """The remembered verdict is keyed by size and mtime: editing the file makes status hash it again."""
    cache, files, arrays, spec = isolated
    monkeypatch.setattr(checksums, "RACY_NS", -1)  # remember at once, however new the file
    folder = tmp_path / "mine" / "mnist"
    _write(folder, files)
    assert {entry.verdict for entry in datasets.status("mnist", tmp_path / "mine").values()} == {"verified"}
    hashed = []
    original = checksums.problem
    monkeypatch.setattr(checksums, "problem", lambda *a, **k: hashed.append(a[0]) or original(*a, **k))
    assert {entry.verdict for entry in datasets.status("mnist", tmp_path / "mine").values()} == {"verified"}
    assert hashed == []
    labels = folder / "t10k-labels-idx1-ubyte.gz"
    data = bytearray(labels.read_bytes())
    data[-12] ^= 0xFF
    labels.write_bytes(bytes(data) + b"\0")
    found = datasets.status("mnist", tmp_path / "mine")
    assert hashed == [labels]
    assert found["test_labels"].verdict == "damaged" and found["train_labels"].verdict == "verified"


def test_the_command_line_marks_a_damaged_file_and_fails(isolated, tmp_path, capsys):
    cache, files, arrays, spec = isolated
    folder = tmp_path / "mine" / "mnist"
    _write(folder, dict(files, **{"t10k-labels-idx1-ubyte.gz": files["t10k-labels-idx1-ubyte.gz"][:-9]}))
    from glassnet.cli.datasets import run_list
    assert run_list(argparse.Namespace(path=str(tmp_path / "mine"))) == 1
    out = capsys.readouterr().out
    assert f"mnist: found, 1 damaged\n  train_images  verified  {folder / 'train-images-idx3-ubyte.gz'}\n" in out
    assert (f"  test_labels   damaged   {folder / 't10k-labels-idx1-ubyte.gz'} (its gzip stream is damaged or "
            "truncated") in out
    assert "delete it or replace it with the published file)" in out


@pytest.mark.parametrize("name, error, message", [
    ("mnits", ValueError, "Unknown data set 'mnits'; known: mnist, fashion_mnist"),
    (5, TypeError, "A data set name must be a string such as 'mnist', received int 5"),
])
def test_status_of_an_unknown_data_set(name, error, message):
    with pytest.raises(error, match=message):
        datasets.status(name)
