"""The part of ``keras.backend`` a Keras program reaches for: ``clear_session``, and the names of
the one backend glassnet has."""

from .utils.naming import clear_session


def backend() -> str:
    """The backend's name, as ``keras.backend.backend()``: glassnet computes with NumPy."""
    return "numpy"


def floatx() -> str:
    """The default float type, as ``keras.backend.floatx()``."""
    return "float32"


def epsilon() -> float:
    """The fuzz factor Keras's losses and metrics use, as ``keras.backend.epsilon()``."""
    return 1e-7


__all__ = ["backend", "clear_session", "epsilon", "floatx"]
