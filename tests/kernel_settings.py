"""The kernel settings a test may change, restored afterwards (CI runs the whole suite once with
the numba kernels and once with GLASSNET_FUSED_KERNELS=0: a test must not switch them back on)."""

import contextlib

import pytest

from glassnet.engine import fusion, kernels

requires_kernels = pytest.mark.skipif(
    kernels.get("adam") is None,
    reason="the numba kernels are switched off (GLASSNET_FUSED_KERNELS=0) or numba cannot be imported; "
           "this test compares them with the NumPy code")


@contextlib.contextmanager
def fused_kernels(enabled: bool):
    previous = kernels.is_enabled()
    kernels.set_enabled(enabled)
    try:
        yield
    finally:
        kernels.set_enabled(previous)


@contextlib.contextmanager
def fused_steps(enabled: bool, direct: bool = True):
    previous = dict(fusion._state)
    fusion.set_enabled(enabled, direct=direct)
    try:
        yield
    finally:
        fusion.set_enabled(previous["enabled"], direct=previous["direct"])
