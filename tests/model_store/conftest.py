"""Fixtures for the model store: a private data folder, the fake Hub, tiny model files."""

from __future__ import annotations

import importlib.util
import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hub_server import SAM, SAM_FILE, SMALL, FakeHub, Repo

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private data and config folder, no token, downloads allowed in this process."""
    monkeypatch.setenv("LEVITOR_STUDIO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LEVITOR_STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    for name in ("HF_TOKEN", "LEVITOR_STUDIO_MODELS_ENDPOINT", "LEVITOR_STUDIO_MODELS_CATALOG"):
        monkeypatch.delenv(name, raising=False)
    # a depth backend loaded earlier in this process may have set HF_HUB_OFFLINE
    from huggingface_hub import constants

    from levitor_studio.model_store import paths

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(paths, "USER_OFFLINE", False)
    return tmp_path / "data" / "models"


@pytest.fixture(scope="session")
def tiny_small_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The files of a tiny random Depth Anything saved with ``save_pretrained``."""
    spec = importlib.util.spec_from_file_location(
        "depth_tiny_fixtures", ROOT / "plugins/levitor-depth-anything/tests/conftest.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder = module.save_tiny(tmp_path_factory.mktemp("tiny_small"))
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def sam_bytes() -> bytes:
    """A stand-in checkpoint: torch.save's zip container around 300 KB of random bytes."""
    payload = np.random.default_rng(7).integers(0, 256, 300_000, dtype=np.uint8).tobytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("archive/data.pkl", payload)
    return buffer.getvalue()


@pytest.fixture
def hub(tiny_small_files: dict[str, bytes], sam_bytes: bytes):
    with FakeHub() as server:
        server.repos[SMALL] = Repo(dict(tiny_small_files))
        server.repos[SAM] = Repo({SAM_FILE: sam_bytes, "README.md": b"# SAM\n"})
        yield server
