"""EMNIST (NIST Special Database 19 in MNIST's format): letters, digits and more.

The images are stored transposed in the published files; they are returned upright.
Splits: letters (labels 1-26 for a-z, as published), digits, balanced, byclass, bymerge, mnist.
"""

from __future__ import annotations

import string

import numpy as np

from .idx import check_pair, read_idx_from_zip
from .loading import locate
from .registry import EMNIST

SPLITS = ("letters", "digits", "balanced", "byclass", "bymerge", "mnist")
_BALANCED = string.digits + string.ascii_uppercase + "abdefghnqrt"


def label_names(split: str) -> list[str]:
    """The character each label stands for; for letters index 0 is unused (labels run 1..26)."""
    _check_split(split)
    if split == "letters":
        return ["?"] + list(string.ascii_lowercase)
    if split in ("digits", "mnist"):
        return list(string.digits)
    if split in ("balanced", "bymerge"):
        return list(_BALANCED)
    return list(string.digits + string.ascii_uppercase + string.ascii_lowercase)


def _check_split(split: str) -> None:
    if split not in SPLITS:
        raise ValueError(f"emnist: split must be one of {', '.join(SPLITS)}, received {split!r}")


def load_data(split: str = "letters", path=None, download: bool = True, **kwargs):
    """((x_train, y_train), (x_test, y_test)) of EMNIST ``split``, uint8, images (n, 28, 28)
    upright. The published archive (gzip.zip, 536 MB) is found or downloaded once."""
    _check_split(split)
    archive = locate(EMNIST, "archive", path=path, download=download, **kwargs)
    result = []
    for part in ("train", "test"):
        images_member = f"gzip/emnist-{split}-{part}-images-idx3-ubyte.gz"
        labels_member = f"gzip/emnist-{split}-{part}-labels-idx1-ubyte.gz"
        images = read_idx_from_zip(archive, images_member)
        labels = read_idx_from_zip(archive, labels_member)
        check_pair(images, labels, images_member, labels_member)
        result.append((np.ascontiguousarray(images.transpose(0, 2, 1)), labels))
    return tuple(result)
