"""Fixtures: tiny random SVD-XT and ControlNet folders in the real layouts, and requests."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from levitor_svd.backend import LeviTorSVDGenerator
from levitor_svd.tiny import save_tiny_folders

from levitor_studio.model.scene import GenerationSettings
from levitor_studio.plugin_host.protocols import GenerationRequest

SIZE = 64
FRAMES = 4


@pytest.fixture(scope="session")
def tiny_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("levitor_svd_weights")
    save_tiny_folders(root, variant="fp16", seed=0)
    return root


@pytest.fixture
def tiny_copy(tiny_root: Path, tmp_path: Path) -> Callable[[], tuple[Path, Path]]:
    """A fresh copy of the tiny folders, for tests that break them."""

    def make() -> tuple[Path, Path]:
        shutil.copytree(tiny_root, tmp_path / "w")
        return tmp_path / "w" / "svd", tmp_path / "w" / "controlnet"

    return make


@pytest.fixture(scope="session")
def generator(options: dict[str, str]) -> LeviTorSVDGenerator:
    """One backend for the session, so the tiny weights are loaded once."""
    return LeviTorSVDGenerator(options)


@pytest.fixture(scope="session")
def options(tiny_root: Path) -> dict[str, str]:
    return {"svd": str(tiny_root / "svd"), "controlnet": str(tiny_root / "controlnet")}


def synthetic_conditioning(shift: int = 0) -> np.ndarray:
    """A (F, 3, H, W) control tensor like the engine's: a bump moving right, id 1, depth 128."""
    cond = np.zeros((FRAMES, 3, SIZE, SIZE), np.float32)
    for f in range(FRAMES):
        x = 16 + 8 * f + shift
        cond[f, 0, 24:40, x : x + 16] = 255.0
        cond[f, 1, 24:40, x : x + 16] = 1.0
        cond[f, 2, 24:40, x : x + 16] = 128.0
    return cond


@pytest.fixture
def make_request() -> Callable[..., GenerationRequest]:
    def make(seed: int = 7, shift: int = 0, steps: int = 2) -> GenerationRequest:
        rng = np.random.default_rng(0)
        image = rng.integers(0, 256, (SIZE, SIZE, 3), dtype=np.uint8)
        settings = GenerationSettings(generator="levitor-svd", seed=seed, steps=steps)
        return GenerationRequest(image, synthetic_conditioning(shift), settings, fps=8.0)

    return make
