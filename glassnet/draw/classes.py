"""The names of a model's classes: from the run directory, a flag, or guessed from their number.

``glassnet train`` writes ``classes.json`` (a JSON list of names) beside ``model.glassnet``; a
model saved by a program has no names, so they are taken from ``--classes`` (digits, letters,
fashion, or names separated by commas) or, failing that, from the number of outputs: 10 ->
the digits 0-9, 26 -> the letters a-z (EMNIST letters: each class holds the upper and lower
case of one letter), 47 -> EMNIST balanced, 62 -> EMNIST byclass; any other number -> 0, 1, ...
"""

from __future__ import annotations

import json
import os
import string

CLASSES_FILE = "classes.json"
NAMED_SETS = ("digits", "letters", "fashion")


def _named_set(name: str) -> list[str]:
    from ..datasets import emnist, fashion_mnist
    if name == "digits":
        return list(string.digits)
    if name == "letters":
        return emnist.label_names("letters")[1:]
    return list(fashion_mnist.CLASS_NAMES)


def _by_count(count: int) -> list[str]:
    from ..datasets import emnist
    if count == 10:
        return _named_set("digits")
    if count == 26:
        return _named_set("letters")
    if count == 47:
        return emnist.label_names("balanced")
    if count == 62:
        return emnist.label_names("byclass")
    return [str(i) for i in range(count)]


def _from_run_directory(model_path: str) -> list[str] | None:
    path = os.path.join(os.path.dirname(os.path.abspath(model_path)), CLASSES_FILE)
    if not os.path.isfile(path):
        return None
    from ..cli.common import read_json_file
    names = read_json_file(path)
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError(f"{path}: expected a JSON list of class names (strings).")
    return names


def class_names(count: int, model_path: str | None = None, spec: str | None = None) -> list[str]:
    """``count`` names for the model's outputs. ``spec`` (the --classes flag) wins, then the run
    directory's classes.json, then a guess from ``count``. Names whose number differs from
    ``count`` are an error naming where they came from."""
    if spec is not None:
        names = _named_set(spec) if spec in NAMED_SETS else [n.strip() for n in spec.split(",")]
        source = f"--classes {spec!r}"
    else:
        names = _from_run_directory(model_path) if model_path else None
        source = f"{CLASSES_FILE} beside {model_path}"
        if names is None:
            return _by_count(count)
    if len(names) != count:
        raise ValueError(f"{source} gives {len(names)} class names, but the model has {count} outputs; pass "
                         f"--classes with {', '.join(NAMED_SETS)} or {count} names separated by commas.")
    return names


def write_class_names(folder: str, names) -> str:
    """Write ``names`` to folder/classes.json (what ``class_names`` reads); returns the path."""
    path = os.path.join(folder, CLASSES_FILE)
    with open(path, "w", encoding="utf-8") as stream:
        json.dump(list(names), stream)
    return path
