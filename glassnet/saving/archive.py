"""glassnet's model file: a zip holding JSON and plain ``.npy`` arrays, safe to open from anyone.

    glassnet.json        {"format": "glassnet-model", "format_version": 2, "members": {name: sha256}, ...}
    config.json          the model's architecture, compile settings and weight manifest
    weights/0000.npy     one array per weight, in ``model.weights`` order
    optimizer/0000.npy   the optimizer's state vectors (moments, ...), when saved

On load every member's SHA-256 is compared with ``members`` before anything is parsed, so a
damaged or edited member is reported (``ModelFileError``), never loaded as another model. An
array's header is checked against its byte size before anything is allocated, and arrays are
read with no pickle, so a file can carry numbers and nothing that runs. Every way a file can be
damaged ends in ``ModelFileError``. Writes go to a temporary file renamed into place.
Version 1 files (no ``members``) are still read.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import zipfile

import numpy as np

from .atomic import atomic_write

FORMAT = "glassnet-model"
FORMAT_VERSION = 2


class ModelFileError(ValueError):
    """A model file that is truncated, tampered with, foreign or from a newer glassnet."""


MAX_EXPANSION = 1100          # deflate expands at most ~1032 times; a member claiming more is a bomb
MAX_CONFIG_BYTES = 256 << 20  # no architecture's JSON comes near this


def check_member_size(archive: zipfile.ZipFile, name: str, path) -> None:
    """Refuse, before reading, a member that would expand beyond what its compressed bytes can
    hold, or a JSON member beyond any real config (KeyError when there is no such member)."""
    info = archive.getinfo(name)
    if info.file_size > MAX_EXPANSION * info.compress_size + 1024:
        raise ModelFileError(f"{os.fspath(path)!r}: the member {name!r} declares {info.file_size} bytes from "
                             f"{info.compress_size} compressed ones, more than compression can give; it is damaged.")
    if name.endswith(".json") and info.file_size > MAX_CONFIG_BYTES:
        raise ModelFileError(f"{os.fspath(path)!r}: the member {name!r} is {info.file_size} bytes, far more than "
                             "any model's config; it is damaged.")


def _array_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    # ascontiguousarray makes a 0-d array 1-d: keep the shape (a scalar weight stays a scalar)
    np.lib.format.write_array(buffer, np.ascontiguousarray(array).reshape(np.shape(array)), allow_pickle=False)
    return buffer.getvalue()


def write_archive(path, header: dict, config: dict, weights: list, optimizer_slots: list | None = None) -> None:
    from .. import __version__
    header = {"format": FORMAT, "format_version": FORMAT_VERSION, "glassnet_version": __version__,
              "saved_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), **header}
    members = {"config.json": json.dumps(config, indent=2).encode("utf-8")}
    members.update((f"weights/{index:04d}.npy", _array_bytes(array)) for index, array in enumerate(weights))
    members.update((f"optimizer/{index:04d}.npy", _array_bytes(array))
                   for index, array in enumerate(optimizer_slots or []))
    header["members"] = {name: hashlib.sha256(data).hexdigest() for name, data in members.items()}
    with atomic_write(path) as stream, zipfile.ZipFile(stream, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("glassnet.json", json.dumps(header, indent=2))
        for name, data in members.items():
            archive.writestr(name, data)


def _parse_npy(data: bytes) -> np.ndarray:
    """An array from .npy bytes, refusing (ValueError) a header whose shape does not match the
    number of bytes that follow it: nothing is allocated for a size the file does not hold."""
    stream = io.BytesIO(data)
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(stream)
    elif version == (2, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(stream)
    else:
        raise ValueError(f"unsupported .npy version {version}")
    if dtype.hasobject or dtype.kind != "f":
        raise ValueError(f"holds {dtype}, not floats")
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    body = len(data) - stream.tell()
    if count * dtype.itemsize != body:
        raise ValueError(f"its header declares shape {shape} ({count * dtype.itemsize} bytes) but {body} bytes follow")
    array = np.frombuffer(data, dtype=dtype, count=count, offset=stream.tell())
    return array.reshape(shape, order="F" if fortran_order else "C")


class ArchiveReader:
    """Opens and checks a model file; ``read_arrays(folder, manifest)`` returns checked arrays."""

    def __init__(self, path):
        self.path = os.fspath(path)
        if not os.path.exists(self.path):
            raise FileNotFoundError(f"No model file at {self.path!r}.")
        try:
            self.archive = zipfile.ZipFile(self.path)
            names = set(self.archive.namelist())
        except Exception as error:  # BadZipFile, OSError, EOFError, ValueError ...: all mean damaged
            raise ModelFileError(f"{self.path!r} is not a glassnet model file (not a readable zip archive: "
                                 f"{error}). It may be truncated or of another format.") from None
        if "glassnet.json" not in names:
            hint = " It looks like a Keras .keras file." if "model.weights.h5" in names else ""
            raise ModelFileError(f"{self.path!r} is not a glassnet model file: it has no glassnet.json.{hint}")
        self.hashes = None  # until the header that lists them is read
        self.header = self._json("glassnet.json")
        if self.header.get("format") != FORMAT:
            raise ModelFileError(f"{self.path!r} has format {self.header.get('format')!r}, expected {FORMAT!r}.")
        version = self.header.get("format_version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise ModelFileError(f"{self.path!r}: glassnet.json has format_version {version!r}, which no "
                                 "glassnet writes; the file is damaged.")
        if version > FORMAT_VERSION:
            raise ModelFileError(
                f"{self.path!r} was written in model file format version {version!r} (glassnet "
                f"{self.header.get('glassnet_version', '?')}); this glassnet reads versions up to {FORMAT_VERSION}. "
                "Upgrade glassnet to load it.")
        self.hashes = self.header.get("members")
        if version >= 2:
            if not isinstance(self.hashes, dict) or not all(isinstance(v, str) for v in self.hashes.values()):
                raise ModelFileError(f"{self.path!r}: glassnet.json has no valid member manifest ('members').")
            unlisted = sorted(names - set(self.hashes) - {"glassnet.json"})
            if unlisted:
                raise ModelFileError(f"{self.path!r} holds members its manifest does not list: {unlisted}.")
        else:
            self.hashes = None
        self.config = self._json("config.json")

    def stored_bytes(self, folder: str) -> int:
        """How many bytes the members under ``folder/`` can hold once read (bounded by what a
        deflated member can expand to), for the weight budget."""
        return sum(min(info.file_size, MAX_EXPANSION * info.compress_size + 1024)
                   for info in self.archive.infolist() if info.filename.startswith(folder + "/"))

    def read(self, name: str) -> bytes:
        """The bytes of member ``name``, checked against the manifest's SHA-256."""
        try:
            check_member_size(self.archive, name, self.path)
            data = self.archive.read(name)
        except KeyError:
            raise ModelFileError(f"{self.path!r} is incomplete: the member {name!r} is missing.") from None
        except Exception as error:  # bad CRC, truncated, unknown compression, zlib errors
            raise ModelFileError(f"{self.path!r}: the member {name!r} is damaged ({type(error).__name__}: "
                                 f"{error}).") from None
        if self.hashes is not None and name != "glassnet.json":
            expected = self.hashes.get(name)
            if expected is None:
                raise ModelFileError(f"{self.path!r}: the member {name!r} is not in the file's manifest.")
            if hashlib.sha256(data).hexdigest() != expected:
                raise ModelFileError(f"{self.path!r}: the member {name!r} was damaged or edited after saving (its "
                                     "SHA-256 differs from the one recorded when it was saved).")
        return data

    def _json(self, name: str) -> dict:
        data = self.read(name)
        try:
            value = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise ModelFileError(f"{self.path!r}: the member {name!r} is damaged ({error}).") from None
        if not isinstance(value, dict):
            raise ModelFileError(f"{self.path!r}: {name!r} must hold a JSON object.")
        return value

    def read_arrays(self, folder: str, manifest: list) -> list[np.ndarray]:
        if not isinstance(manifest, list) or not all(isinstance(e, dict) and isinstance(e.get("shape"), list)
                                                         for e in manifest):
            raise ModelFileError(f"{self.path!r}: the list of {folder} arrays in config.json is malformed.")
        arrays = []
        for index, entry in enumerate(manifest):
            name = f"{folder}/{index:04d}.npy"
            data = self.read(name)
            try:
                array = _parse_npy(data)
            except Exception as error:  # numpy's header parser raises ValueError, SyntaxError, TokenError ...
                raise ModelFileError(f"{self.path!r}: the array {name!r} ({entry.get('name', '?')}) is damaged "
                                     f"({error}).") from None
            if list(array.shape) != list(entry["shape"]):
                raise ModelFileError(
                    f"{self.path!r}: weight {entry.get('name', name)!r} should be a float array of shape "
                    f"{tuple(entry['shape'])}, but the file holds {array.dtype} {array.shape}.")
            arrays.append(array)
        return arrays

    def close(self) -> None:
        self.archive.close()
