"""The IDX file format of MNIST-style data sets, read with every field checked.

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of
dimensions), one big-endian uint32 per dimension, then the values in C order. Files may be
gzip-compressed. Every error names the file and says what was wrong.
"""

from __future__ import annotations

import gzip
import os
import zlib

import numpy as np

# type code -> element dtype (big-endian where it matters)
_TYPES = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
          0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


class IDXFormatError(ValueError):
    """An IDX file that is damaged, truncated or not IDX at all."""


def decompress_if_gzip(data: bytes, name: str) -> bytes:
    if data[:2] != b"\x1f\x8b":
        return data
    try:
        decompressor = zlib.decompressobj(wbits=31)  # one gzip member, the common case; fast
        raw = decompressor.decompress(data)
        if decompressor.eof and not decompressor.unused_data:
            return raw
        return gzip.decompress(data)  # several members, or truncated: let gzip decide
    except (EOFError, OSError, zlib.error) as error:
        raise IDXFormatError(f"{name}: the gzip stream is damaged or truncated ({error}).") from None


def parse_idx(data: bytes, name: str) -> np.ndarray:
    """The array held by the IDX bytes ``data`` (already decompressed); ``name`` is for errors."""
    if len(data) < 4:
        raise IDXFormatError(f"{name}: {len(data)} bytes is too short for an IDX header.")
    zero, type_code, ndim = data[0:2], data[2], data[3]
    if zero != b"\x00\x00" or type_code not in _TYPES or not 1 <= ndim <= 4:
        raise IDXFormatError(f"{name}: bad magic number 0x{data[:4].hex()} (expected 0x0000 followed by a type "
                             "code such as 08 for uint8 and 1 to 4 dimensions); this is not an IDX file.")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IDXFormatError(f"{name}: the header declares {ndim} dimensions but the file ends after {len(data)} bytes.")
    shape = tuple(int(d) for d in np.frombuffer(data, ">u4", ndim, 4))
    dtype = _TYPES[type_code]
    expected = int(np.prod(shape)) * dtype.itemsize
    actual = len(data) - header
    if actual != expected:
        dims = "x".join(str(d) for d in shape)
        raise IDXFormatError(f"{name}: the header promises {dims} values of {dtype.name} = {expected} bytes of data, "
                             f"but the file holds {actual}; it is {'truncated' if actual < expected else 'too long'}.")
    array = np.frombuffer(data, dtype, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="), copy=False) if dtype.byteorder == ">" else array


def read_idx(path) -> np.ndarray:
    """Read an IDX file, gzip-compressed or raw."""
    from ..utils.validation import check_path
    name = check_path(path, "path", "read_idx()")
    if os.path.isdir(name):
        raise IsADirectoryError(f"read_idx(): {name!r} is a folder; give the path of an IDX file inside it.")
    with open(name, "rb") as stream:
        data = stream.read()
    return parse_idx(decompress_if_gzip(data, name), name)


def read_idx_from_zip(zip_path, member: str) -> np.ndarray:
    """Read the IDX file ``member`` (gzip or raw) inside the zip archive ``zip_path``."""
    import zipfile
    name = f"{os.fspath(zip_path)}:{member}"
    try:
        with zipfile.ZipFile(zip_path) as archive:
            data = archive.read(member)
    except KeyError:
        raise IDXFormatError(f"{os.fspath(zip_path)}: the archive has no member {member!r}.") from None
    except (zipfile.BadZipFile, OSError) as error:
        raise IDXFormatError(f"{os.fspath(zip_path)}: not a readable zip archive ({error}).") from None
    return parse_idx(decompress_if_gzip(data, name), name)


def check_pair(images: np.ndarray, labels: np.ndarray, images_name: str, labels_name: str) -> None:
    if len(images) != len(labels):
        raise IDXFormatError(f"{images_name} holds {len(images)} images but {labels_name} holds {len(labels)} labels; "
                             "they must match.")
