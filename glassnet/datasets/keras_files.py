"""Finding a file of Keras's text data sets from Keras's ``path=`` argument, and reading word indices.

In Keras, ``imdb.load_data(path="imdb.npz")`` names the file inside Keras's cache folder
(~/.keras/datasets), or an absolute path to it. glassnet's loaders take a folder there. Both work:

- None, or a name that is not an existing file or folder (Keras's default "imdb.npz", or
  another cache name): glassnet's usual search ($GLASSNET_DATA, the cache, system data
  folders), then a download from the mirror Keras uses;
- an existing file: that file is read (after its checksum is checked, whatever its name);
- an existing folder: searched first, then the usual places, as ``mnist.load_data(path=...)``.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..utils.validation import check_path
from .checksums import check_local
from .loading import locate
from .registry import DatasetSpec


def locate_keras_file(spec: DatasetSpec, role: str, path=None, **options) -> Path:
    """The verified local path of ``spec.files[role]`` (see the module docstring for ``path``);
    ``options`` (download, mirrors, timeout, progress) are as in loading.locate."""
    if path is not None:
        given = Path(check_path(path, "path", f"{spec.name}.load_data()")).expanduser()
        if given.is_file():
            check_local(given, spec.files[role])
            return given
        if given.is_dir():
            return locate(spec, role, path=given, **options)
    return locate(spec, role, **options)


def read_word_index(path: Path) -> dict:
    """The {word: rank} map in the JSON file at ``path``."""
    try:
        with open(path, encoding="utf-8") as stream:
            index = json.load(stream)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: not a JSON word index ({error}).") from None
    if not isinstance(index, dict):
        raise ValueError(f"{path}: a word index is a JSON object of word: rank, but the file holds a "
                         f"{type(index).__name__}.")
    return index


DOWNLOAD_OPTIONS = ("download", "mirrors", "timeout", "progress")


def download_options(function: str, options: dict) -> dict:
    """``options`` when every key is one of glassnet's DOWNLOAD_OPTIONS, else TypeError naming the others."""
    unknown = sorted(set(options) - set(DOWNLOAD_OPTIONS))
    if unknown:
        raise TypeError(f"{function}() got unexpected keyword argument(s) {', '.join(map(repr, unknown))}; besides "
                        f"Keras's arguments it takes {', '.join(DOWNLOAD_OPTIONS)}.")
    return options
