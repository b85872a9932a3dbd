"""glassnet's model file: a zip holding JSON and plain ``.npy`` arrays, safe to open from anyone.

    glassnet.json        {"format": "glassnet-model", "format_version": 1, ...}
    config.json          the model's architecture, compile settings and weight manifest
    weights/0000.npy     one array per weight, in ``model.weights`` order
    optimizer/0000.npy   the optimizer's state vectors (moments, ...), when saved

Arrays are read with ``allow_pickle=False`` and checked against the manifest, so a file can
carry numbers and nothing that runs. Writes go to a temporary file renamed into place.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import zipfile

import numpy as np

from .atomic import atomic_write

FORMAT = "glassnet-model"
FORMAT_VERSION = 1


class ModelFileError(ValueError):
    """A model file that is truncated, tampered with, foreign or from a newer glassnet."""


def _array_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def write_archive(path, header: dict, config: dict, weights: list, optimizer_slots: list | None = None) -> None:
    from .. import __version__
    header = {"format": FORMAT, "format_version": FORMAT_VERSION, "glassnet_version": __version__,
              "saved_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), **header}
    with atomic_write(path) as stream, zipfile.ZipFile(stream, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("glassnet.json", json.dumps(header, indent=2))
        archive.writestr("config.json", json.dumps(config, indent=2))
        for index, array in enumerate(weights):
            archive.writestr(f"weights/{index:04d}.npy", _array_bytes(array))
        for index, array in enumerate(optimizer_slots or []):
            archive.writestr(f"optimizer/{index:04d}.npy", _array_bytes(array))


class ArchiveReader:
    """Opens and checks a model file; ``read_arrays(folder, manifest)`` returns checked arrays."""

    def __init__(self, path):
        self.path = os.fspath(path)
        if not os.path.exists(self.path):
            raise FileNotFoundError(f"No model file at {self.path!r}.")
        try:
            self.archive = zipfile.ZipFile(self.path)
            names = set(self.archive.namelist())
        except (zipfile.BadZipFile, OSError) as error:
            raise ModelFileError(f"{self.path!r} is not a glassnet model file (not a readable zip archive: "
                                 f"{error}). It may be truncated or of another format.") from None
        if "glassnet.json" not in names:
            hint = " It looks like a Keras .keras file." if "model.weights.h5" in names else ""
            raise ModelFileError(f"{self.path!r} is not a glassnet model file: it has no glassnet.json.{hint}")
        self.header = self._json("glassnet.json")
        if self.header.get("format") != FORMAT:
            raise ModelFileError(f"{self.path!r} has format {self.header.get('format')!r}, expected {FORMAT!r}.")
        version = self.header.get("format_version")
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise ModelFileError(
                f"{self.path!r} was written in model file format version {version!r} (glassnet "
                f"{self.header.get('glassnet_version', '?')}); this glassnet reads versions up to {FORMAT_VERSION}. "
                "Upgrade glassnet to load it.")
        self.config = self._json("config.json")

    def _json(self, name: str) -> dict:
        try:
            value = json.loads(self.archive.read(name).decode("utf-8"))
        except KeyError:
            raise ModelFileError(f"{self.path!r} is incomplete: the member {name!r} is missing.") from None
        except (zipfile.BadZipFile, OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ModelFileError(f"{self.path!r}: the member {name!r} is damaged ({error}).") from None
        if not isinstance(value, dict):
            raise ModelFileError(f"{self.path!r}: {name!r} must hold a JSON object.")
        return value

    def read_arrays(self, folder: str, manifest: list) -> list[np.ndarray]:
        arrays = []
        for index, entry in enumerate(manifest):
            name = f"{folder}/{index:04d}.npy"
            try:
                with self.archive.open(name) as stream:
                    array = np.lib.format.read_array(io.BytesIO(stream.read()), allow_pickle=False)
            except KeyError:
                raise ModelFileError(f"{self.path!r} is incomplete: the array {name!r} "
                                     f"({entry.get('name', '?')}) is missing.") from None
            except (ValueError, OSError, zipfile.BadZipFile, EOFError) as error:
                raise ModelFileError(f"{self.path!r}: the array {name!r} ({entry.get('name', '?')}) is damaged "
                                     f"({error}).") from None
            if array.dtype.kind != "f" or list(array.shape) != list(entry["shape"]):
                raise ModelFileError(
                    f"{self.path!r}: weight {entry.get('name', name)!r} should be a float array of shape "
                    f"{tuple(entry['shape'])}, but the file holds {array.dtype} {array.shape}.")
            arrays.append(array)
        return arrays

    def close(self) -> None:
        self.archive.close()
