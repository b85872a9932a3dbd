"""Keras-style automatic names: ``dense``, ``dense_1``, ``dense_2`` ..."""

import re
from collections import defaultdict

_counts: dict[str, int] = defaultdict(int)


def to_snake_case(class_name: str) -> str:
    """``MaxPooling2D`` -> ``max_pooling2d``, ``Dense`` -> ``dense``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(base: str) -> str:
    count = _counts[base]
    _counts[base] += 1
    return base if count == 0 else f"{base}_{count}"


def clear_session() -> None:
    """Start naming afresh, as ``keras.utils.clear_session()`` (or ``keras.backend.clear_session()``)
    does: the next Dense is ``dense`` again."""
    _counts.clear()
