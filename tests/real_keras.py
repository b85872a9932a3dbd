"""Where the tests that round-trip files through real Keras find it: this Python when it has
Keras 3, else the Python that GLASSNET_KERAS_PYTHON names; without either they skip, saying so
(pytest -rs)."""

import importlib.util
import os
import sys

import pytest


def keras_python(what: str = "the Keras round trips") -> str:
    if importlib.util.find_spec("keras") is not None:
        return sys.executable
    candidate = os.environ.get("GLASSNET_KERAS_PYTHON")
    if candidate and os.path.exists(candidate):
        return candidate
    pytest.skip(f"real Keras is not available: set GLASSNET_KERAS_PYTHON to a Python with Keras 3 to run {what}")
