import pytest

from .fixtures import fake_dataset, fake_spec, install_spec


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """An empty cache, no GLASSNET_DATA, no system folders, no proxy, and a fake 'mnist' with our checksums."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("GLASSNET_CACHE_DIR", str(cache))
    monkeypatch.delenv("GLASSNET_DATA", raising=False)
    for variable in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr("glassnet.datasets.sources.system_data_dirs", lambda: [])
    files, arrays = fake_dataset()
    spec = fake_spec(files)
    install_spec(monkeypatch, spec)
    return cache, files, arrays, spec
