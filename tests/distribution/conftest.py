"""Fixtures of the distributed-training tests (marker ``ray``).

Every module here is marked ``ray``. Where Ray is not installed its tests are skipped with the
reason, unless GLASSNET_REQUIRE_RAY=1 (CI, which installs the ``ray`` extra) makes that a
failure. ``ray_instance`` starts a local Ray instance of 2 CPUs for a module and shuts it down
after it.
"""

import os

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "ray: needs Ray (pip install \"glassnet[ray]\"); skipped with the reason where it "
                                       "is absent, failed instead when GLASSNET_REQUIRE_RAY=1 (CI)")


def require_ray():
    """Ray, or a skip (a failure when GLASSNET_REQUIRE_RAY=1) that says it is missing."""
    try:
        import ray
    except ImportError:
        reason = "ray is not installed (pip install \"glassnet[ray]\")"
        if os.environ.get("GLASSNET_REQUIRE_RAY") == "1":
            pytest.fail(f"GLASSNET_REQUIRE_RAY=1 but {reason}")
        pytest.skip(reason)
    return ray


@pytest.fixture(scope="module")
def ray_instance():
    ray = require_ray()
    if ray.is_initialized():
        ray.shutdown()
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
    yield ray
    ray.shutdown()


@pytest.fixture
def no_distribution():
    """Whatever a test sets, later tests train in one process."""
    from glassnet.distribution import set_distribution
    set_distribution(None)
    yield
    set_distribution(None)
