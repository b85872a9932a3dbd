"""imdb and reuters: Keras's arrays (pinned below) from small files in Keras's layout, found and
downloaded through glassnet's resolver, read without running any pickle they hold."""

import argparse
import hashlib
import io
import json
import os
import pickle
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from glassnet import datasets
from glassnet.datasets import registry
from glassnet.datasets.npz import read_npz

from .fixtures import serve

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "keras_reference"))
from text_data import (IMDB_CASES, REUTERS_CASES, WORD_INDEX, object_array, write_imdb_npz,  # noqa: E402
                       write_reuters_npz)

# Printed by Keras 3.15.1 (JAX backend, NumPy 2.4.6): keras.datasets.imdb / reuters.load_data on
# the files text_data.write_imdb_npz / write_reuters_npz write, for IMDB_CASES / REUTERS_CASES
# (tools/keras_reference/text_data.py). case: ((x_train, y_train), (x_test, y_test)); every x is
# a 1-D object array of lists, every y int64.
KERAS_IMDB = {
    "defaults": (([[1, 8, 6], [1, 5], [1, 4, 17, 5, 12], [1, 7, 7], [1, 4, 4, 10, 15, 7, 9], [1, 14, 6, 11],
                   [1, 16, 4, 5, 8, 13]], [0, 1, 1, 1, 0, 1, 0]),
                 ([[1, 5, 12, 17, 4, 10, 6, 8], [1, 11, 11], [1, 15, 4, 6], [1, 9], [1, 6, 2, 4]], [1, 0, 1, 1, 0])),
    "num_words": (([[1, 8, 6], [1, 5], [1, 4, 2, 5, 2], [1, 7, 7], [1, 4, 4, 2, 2, 7, 9], [1, 2, 6, 2],
                    [1, 2, 4, 5, 8, 2]], [0, 1, 1, 1, 0, 1, 0]),
                  ([[1, 5, 2, 2, 4, 2, 6, 8], [1, 2, 2], [1, 2, 4, 6], [1, 9], [1, 6, 2, 4]], [1, 0, 1, 1, 0])),
    "num_words_skip_top": (([[2, 8, 6], [2, 5], [2, 2, 2, 5, 2], [2, 7, 7], [2, 2, 2, 10, 2, 7, 9], [2, 2, 6, 11],
                             [2, 2, 2, 5, 8, 2]], [0, 1, 1, 1, 0, 1, 0]),
                           ([[2, 5, 2, 2, 2, 10, 6, 8], [2, 11, 11], [2, 2, 2, 6], [2, 9], [2, 6, 2, 2]],
                            [1, 0, 1, 1, 0])),
    "maxlen": (([[1, 8, 6], [1, 5], [1, 7, 7], [1, 14, 6, 11]], [0, 1, 1, 1]),
               ([[1, 11, 11], [1, 15, 4, 6], [1, 9], [1, 6, 2, 4]], [0, 1, 1, 0])),
    "no_start_char": (([[8, 6], [5], [4, 17, 5, 12], [7, 7], [4, 4, 10, 15, 7, 9], [14, 6, 11], [16, 4, 5, 8, 13]],
                       [0, 1, 1, 1, 0, 1, 0]),
                      ([[5, 12, 17, 4, 10, 6, 8], [11, 11], [15, 4, 6], [9], [6, 2, 4]], [1, 0, 1, 1, 0])),
    "no_start_no_shift": (([[5, 3], [2], [1, 2, 2, 2], [4, 4], [1, 1, 7, 2, 4, 6], [2, 3, 8], [2, 1, 2, 5, 2]],
                           [0, 1, 1, 1, 0, 1, 0]),
                          ([[2, 2, 2, 1, 7, 3, 5], [8, 8], [2, 1, 3], [6], [3, 2, 1]], [1, 0, 1, 1, 0])),
    "drop_oov": (([[8, 6], [5], [4, 5], [7, 7], [4, 4, 7, 9], [6], [4, 5, 8]], [0, 1, 1, 1, 0, 1, 0]),
                 ([[5, 4, 6, 8], [], [4, 6], [9], [6, 4]], [1, 0, 1, 1, 0])),
    "other_seed_and_chars": (([[9, 2, 2, 8, 0, 5, 7], [9, 0, 2, 3, 6, 11], [9, 2, 0, 3, 10], [9, 5, 5], [9, 3],
                               [9, 6, 4], [9, 0, 4, 9]], [0, 0, 1, 1, 1, 0, 1]),
                             ([[9, 9, 9], [9, 0, 2, 4], [9, 3, 10, 0, 2, 8, 4, 6], [9, 7], [9, 4, 0, 2]],
                              [0, 1, 1, 1, 0])),
}

KERAS_REUTERS = {
    "defaults": (([[1, 9, 4, 6, 2, 5, 4, 7, 10], [1, 15, 4, 8, 9], [1, 4, 19, 7, 5, 4, 12], [1, 7, 4, 12, 5, 5],
                   [1, 4, 5, 6], [1, 8, 14], [1, 6, 6, 21, 4, 5, 7, 11], [1, 5, 4, 16, 20]],
                  [0, 19, 3, 4, 3, 4, 1, 11]),
                 ([[1, 10], [1, 13, 5]], [3, 45])),
    "test_split": (([[1, 9, 4, 6, 2, 5, 4, 7, 10], [1, 15, 4, 8, 9], [1, 4, 19, 7, 5, 4, 12], [1, 7, 4, 12, 5, 5],
                     [1, 4, 5, 6], [1, 8, 14]], [0, 19, 3, 4, 3, 4]),
                   ([[1, 6, 6, 21, 4, 5, 7, 11], [1, 5, 4, 16, 20], [1, 10], [1, 13, 5]], [1, 11, 3, 45])),
    "maxlen_num_words_skip_top": (([[2, 2, 4, 8, 9], [2, 4, 5, 6], [2, 8, 2], [2, 5, 4, 2, 2]], [19, 3, 4, 11]),
                                  ([[2, 10], [2, 2, 5]], [3, 45])),
    "drop_oov": (([[1], [1, 9, 4, 6, 5, 4, 7], [1, 4, 7, 5, 4], [1, 6, 6, 4, 5, 7], [1, 4, 5, 6], [1, 4, 8, 9],
                   [1, 7, 4, 5, 5], [1, 8]], [3, 0, 3, 1, 3, 19, 4, 4]),
                 ([[1, 5, 4], [1, 5]], [11, 45])),
    "no_test": (([[9, 4, 6, 2, 5, 4, 7, 10], [15, 4, 8, 9], [4, 19, 7, 5, 4, 12], [7, 4, 12, 5, 5], [4, 5, 6], [8, 14],
                  [6, 6, 21, 4, 5, 7, 11], [5, 4, 16, 20], [10], [13, 5]], [0, 19, 3, 4, 3, 4, 1, 11, 3, 45]),
                ([], [])),
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fixture_files(folder: Path) -> dict:
    """{file name: bytes} of the four fixture files, written into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    write_imdb_npz(folder / "imdb.npz")
    write_reuters_npz(folder / "reuters.npz")
    for name in ("imdb_word_index.json", "reuters_word_index.json"):
        (folder / name).write_text(json.dumps(WORD_INDEX, ensure_ascii=False), encoding="utf-8")
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def spec_for(name: str, files: dict, data_bytes: bytes | None = None):
    """``name``'s DatasetSpec with the checksums of ``files`` (``data_bytes`` for its .npz, when given)."""
    published = getattr(registry, name.upper())
    data_name, index_name = published.files["data"].name, published.files["word_index"].name
    return registry.DatasetSpec(
        name=name, folder_names=published.folder_names,
        files={"data": registry.DataFile(data_name, sha256=sha256(data_bytes or files[data_name])),
               "word_index": registry.DataFile(index_name, md5=hashlib.md5(files[index_name]).hexdigest())},
        mirrors=())


def install(monkeypatch, spec) -> None:
    monkeypatch.setitem(registry.DATASETS, spec.name, spec)
    monkeypatch.setattr(f"glassnet.datasets.{spec.name}.{spec.name.upper()}", spec)


@pytest.fixture
def text_data(tmp_path, monkeypatch):
    """An empty cache, no GLASSNET_DATA, no system folders, no proxy; the fixture files in
    tmp_path/files; imdb and reuters registered with the fixtures' checksums."""
    monkeypatch.setenv("GLASSNET_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GLASSNET_DATA", raising=False)
    for variable in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr("glassnet.datasets.sources.system_data_dirs", lambda: [])
    files = fixture_files(tmp_path / "files")
    for name in ("imdb", "reuters"):
        install(monkeypatch, spec_for(name, files))
    return tmp_path, files


def as_lists(split) -> tuple:
    x, y = split
    assert x.dtype == object and x.ndim == 1 and y.dtype == np.int64
    assert all(type(item) is list and all(type(word) is int for word in item) for item in x)
    return [list(item) for item in x], y.tolist()


@pytest.mark.parametrize("case", list(IMDB_CASES))
def test_imdb_matches_keras(text_data, case):
    tmp_path, _ = text_data
    train, test = datasets.imdb.load_data(path=tmp_path / "files", **IMDB_CASES[case])
    assert (as_lists(train), as_lists(test)) == KERAS_IMDB[case]


@pytest.mark.parametrize("case", list(REUTERS_CASES))
def test_reuters_matches_keras(text_data, case):
    tmp_path, _ = text_data
    train, test = datasets.reuters.load_data(path=tmp_path / "files", **REUTERS_CASES[case])
    assert (as_lists(train), as_lists(test)) == KERAS_REUTERS[case]


def test_downloaded_once_into_the_cache_with_keras_calls(text_data):
    """Keras's calls (no path, or path= its file name) find nothing locally, download from the
    mirror into glassnet's cache, and then read the cache."""
    tmp_path, files = text_data
    with serve(files) as (url, handler):
        mirror = f"{url}/good/"
        train, _ = datasets.imdb.load_data(num_words=10, mirrors=mirror, progress=False)
        assert handler.requests == ["/good/imdb.npz"]
        again, _ = datasets.imdb.load_data(path="imdb.npz", num_words=10, mirrors=mirror, progress=False)
        assert handler.requests == ["/good/imdb.npz"]
        assert datasets.imdb.get_word_index(mirrors=mirror, progress=False) == WORD_INDEX
        found = datasets.download("reuters", mirrors=mirror, progress=False)
    assert as_lists(train) == as_lists(again) == KERAS_IMDB["num_words"][0]
    cache = tmp_path / "cache"
    assert (cache / "imdb" / "imdb.npz").read_bytes() == files["imdb.npz"]
    assert found == {"data": cache / "reuters" / "reuters.npz",
                     "word_index": cache / "reuters" / "reuters_word_index.json"}
    assert datasets.reuters.get_word_index(download=False) == WORD_INDEX


def test_a_download_with_the_wrong_checksum_never_reaches_the_cache(text_data, monkeypatch):
    tmp_path, files = text_data
    install(monkeypatch, spec_for("imdb", files, data_bytes=b"the published file"))
    with serve(files) as (url, _):
        with pytest.raises(datasets.DataNotFoundError, match="imdb.npz: its checksum differs from the published one"):
            datasets.imdb.load_data(mirrors=f"{url}/good/", progress=False)
    assert not (tmp_path / "cache" / "imdb" / "imdb.npz").exists()


def test_path_may_name_the_file_itself_and_it_is_checked(text_data):
    tmp_path, files = text_data
    renamed = tmp_path / "my_reviews.npz"
    renamed.write_bytes(files["imdb.npz"])
    train, test = datasets.imdb.load_data(path=str(renamed), download=False)
    assert (as_lists(train), as_lists(test)) == KERAS_IMDB["defaults"]
    index = tmp_path / "words.json"
    index.write_bytes(files["reuters_word_index.json"])
    assert datasets.reuters.get_word_index(path=index, download=False) == WORD_INDEX
    renamed.write_bytes(files["reuters.npz"])
    with pytest.raises(datasets.ChecksumError, match="my_reviews.npz is not a good copy of the published imdb.npz"):
        datasets.imdb.load_data(path=renamed)


def test_word_index_and_label_names(text_data):
    tmp_path, _ = text_data
    assert datasets.imdb.get_word_index(path=tmp_path / "files", download=False)["café"] == 6
    names = datasets.reuters.get_label_names()
    assert len(names) == 46 and names[:4] == ("cocoa", "grain", "veg-oil", "earn") and names[45] == "lead"


def test_the_command_line_lists_them(text_data, capsys):
    from glassnet.cli.datasets import run_list
    tmp_path, _ = text_data
    assert run_list(argparse.Namespace(path=str(tmp_path / "files"))) == 0
    out = capsys.readouterr().out
    assert f"imdb: found\n  data          verified  {tmp_path / 'files' / 'imdb.npz'}\n" in out
    assert f"reuters: found\n  data          verified  {tmp_path / 'files' / 'reuters.npz'}\n" in out


@pytest.mark.parametrize("call, error, message", [
    (lambda: datasets.imdb.load_data(nb_words=10), TypeError,
     r"imdb.load_data\(\) got unexpected keyword argument\(s\) 'nb_words'; besides Keras's arguments it takes "
     "download, mirrors, timeout, progress"),
    (lambda: datasets.imdb.load_data(num_words="100"), TypeError,
     "imdb.load_data: num_words must be an int or None, received str '100'"),
    (lambda: datasets.imdb.load_data(skip_top=-1), ValueError, "imdb.load_data: skip_top must be >= 0, received -1"),
    (lambda: datasets.imdb.load_data(maxlen=2), ValueError,
     "imdb.load_data: no review is shorter than maxlen=2 in the training set, so none would be kept; increase maxlen"),
    (lambda: datasets.reuters.load_data(test_split=1.5), ValueError,
     r"reuters.load_data: test_split must be in \[0, 1\], received 1.5"),
    (lambda: datasets.reuters.load_data(index_from=None), TypeError,
     "reuters.load_data: index_from must be an int, received NoneType None"),
], ids=["unknown-keyword", "num-words-str", "skip-top-negative", "maxlen-keeps-nothing", "test-split", "index-from"])
def test_wrong_arguments_are_named(text_data, monkeypatch, call, error, message):
    tmp_path, _ = text_data
    monkeypatch.setenv("GLASSNET_DATA", str(tmp_path / "files"))  # found there: no download is tried
    with pytest.raises(error, match=message):
        call()


# --- the restricted .npz reader -------------------------------------------------------------------

class RunsCommand:
    """Unpickling this calls os.system: what np.load(allow_pickle=True) would do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def npz_bytes(members: dict) -> bytes:
    """An .npz archive of {name: .npy bytes}."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(f"{name}.npy", data)
    return buffer.getvalue()


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def object_npy_with_payload(payload: bytes, length: int = 1) -> bytes:
    """An .npy header for an object array of ``length``, followed by ``payload`` as its pickle."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "|O", "fortran_order": False, "shape": (length,)})
    return buffer.getvalue() + payload


def imdb_with_x_train(x_train_npy: bytes) -> bytes:
    return npz_bytes({"x_train": x_train_npy, "y_train": npy_bytes(np.array([1], np.int64)),
                      "x_test": npy_bytes(object_array([[1, 2]])), "y_test": npy_bytes(np.array([0], np.int64))})


@pytest.mark.parametrize("where", ["whole pickle", "inside an array"])
def test_a_pickle_that_would_run_code_is_refused_and_nothing_runs(text_data, monkeypatch, where):
    """Even when the registry's checksum matches (a tampered mirror and registry), the reader
    refuses every name but NumPy's array constructors, before calling anything."""
    tmp_path, files = text_data
    marker = tmp_path / "ran"
    if where == "whole pickle":
        x_train = object_npy_with_payload(pickle.dumps(RunsCommand(marker), protocol=3))
    else:
        x_train = npy_bytes(np.array([[1, 2], RunsCommand(marker)], dtype=object))
    evil = imdb_with_x_train(x_train)
    folder = tmp_path / "evil"
    folder.mkdir()
    (folder / "imdb.npz").write_bytes(evil)
    install(monkeypatch, spec_for("imdb", files, data_bytes=evil))
    with pytest.raises(datasets.UnsafePickleError) as error:
        datasets.imdb.load_data(path=folder, download=False)
    module = os.system.__module__  # 'posix' on Linux and macOS
    assert str(error.value).startswith(f"{folder / 'imdb.npz'}:x_train.npy: refused to load: its pickled object "
                                       f"array names {module}.system, which is not one of the NumPy constructors")
    assert "Nothing from it was run" in str(error.value)
    assert not marker.exists()


def test_object_arrays_written_by_numpy_1_are_read(tmp_path):
    """NumPy 1 names numpy.core.multiarray._reconstruct where NumPy 2 writes numpy._core (the
    protocol 2 pickle spells names out in lines, so one can be swapped for the other)."""
    payload = pickle.dumps(object_array([[5, 6], [7]]), protocol=2)
    assert b"cnumpy._core.multiarray\n_reconstruct\n" in payload
    data = object_npy_with_payload(payload.replace(b"numpy._core.multiarray", b"numpy.core.multiarray"), length=2)
    path = tmp_path / "old.npz"
    path.write_bytes(npz_bytes({"x": data,
                                "y": npy_bytes(np.arange(3, dtype=">i4").reshape(1, 3))}))
    arrays = read_npz(path, ("x", "y"))
    assert arrays["x"].tolist() == [[5, 6], [7]]
    assert arrays["y"].tolist() == [[0, 1, 2]] and arrays["y"].dtype == np.dtype(">i4")
    arrays["y"][0, 0] = 9  # writable, as np.load's arrays


class EncodesWith:
    """Unpickles as _codecs.encode(text, encoding): allowed only as the latin-1 that protocol-2
    pickles of bytes use, so that no other codec module is looked up."""

    def __init__(self, encoding: str):
        self.encoding = encoding

    def __reduce__(self):
        import codecs
        return codecs.encode, ("text", self.encoding)


def test_codecs_encode_is_allowed_for_latin1_only(tmp_path):
    path = tmp_path / "old.npz"
    path.write_bytes(npz_bytes({"x": object_npy_with_payload(pickle.dumps(EncodesWith("rot13"), protocol=2))}))
    with pytest.raises(datasets.NPZFormatError, match=r"old.npz:x.npy: its object array could not be read "
                                                      r"\(ValueError: a pickled bytes object must be rebuilt from "
                                                      r"text with latin1, received str with 'rot13'\)"):
        read_npz(path, ("x",))


@pytest.mark.parametrize("members, message", [
    ({"x": npy_bytes(object_array([[1]]))}, r"old.npz: has no array 'y'; expected x, y, found x\."),
    ({"x": b"not an array", "y": b""}, r"old.npz:x.npy: not a readable .npy array"),
    ({"x": npy_bytes(np.arange(4))[:-3], "y": b""}, r"old.npz:x.npy: its header promises \(4,\) x int64 = 32 bytes, "
                                                    "but the member holds 29"),
    ({"x": object_npy_with_payload(pickle.dumps([1, 2], protocol=3)), "y": b""},
     r"old.npz:x.npy: its header promises an object array of shape \(1,\), but the data hold a list"),
    ({"x": npy_bytes(object_array([[1]]))[:-4], "y": b""}, r"old.npz:x.npy: its object array could not be read"),
], ids=["missing-member", "not-npy", "short-numeric", "not-an-array", "truncated-pickle"])
def test_damaged_archives_name_the_member(tmp_path, members, message):
    path = tmp_path / "old.npz"
    path.write_bytes(npz_bytes(members))
    with pytest.raises(datasets.NPZFormatError, match=message):
        read_npz(path, ("x", "y"))


def test_not_a_zip_is_named(tmp_path):
    path = tmp_path / "old.npz"
    path.write_bytes(b"PK\x03\x04 nothing more")
    with pytest.raises(datasets.NPZFormatError, match=r"old.npz: not a readable .npz archive"):
        read_npz(path, ("x",))
