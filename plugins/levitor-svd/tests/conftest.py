"""Fixtures: tiny random SVD-XT and ControlNet folders in the real layouts, and requests.

Also :func:`released_forward`, a re-statement of the temporal transformer as LeviTor's released
code runs it (served by the ``released_forward`` fixture).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from diffusers.models.transformers.transformer_temporal import TransformerTemporalModelOutput
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


def released_forward(
    self: Any,
    hidden_states: torch.Tensor,
    encoder_hidden_states: torch.Tensor | None = None,
    image_only_indicator: torch.Tensor | None = None,
    return_dict: bool = True,
) -> Any:
    assert encoder_hidden_states is not None and image_only_indicator is not None
    images, _, height, width = hidden_states.shape
    frames = image_only_indicator.shape[-1]
    batch, positions = images // frames, height * width
    first_frame = encoder_hidden_states.unflatten(0, (batch, frames))[:, 0]
    context = first_frame.repeat(positions, 1, 1)

    residual = hidden_states
    x = self.norm(hidden_states)
    channels = x.shape[1]
    x = self.proj_in(x.permute(0, 2, 3, 1).reshape(images, positions, channels))
    frame_index = torch.arange(frames, device=x.device).repeat(batch)
    emb = self.time_pos_embed(self.time_proj(frame_index).to(x.dtype))[:, None, :]
    for spatial, temporal in zip(
        self.transformer_blocks, self.temporal_transformer_blocks, strict=True
    ):
        x = spatial(x, encoder_hidden_states=encoder_hidden_states)
        mixed = temporal(x + emb, num_frames=frames, encoder_hidden_states=context)
        x = self.time_mixer(
            x_spatial=x, x_temporal=mixed, image_only_indicator=image_only_indicator
        )
    x = self.proj_out(x).reshape(images, height, width, channels).permute(0, 3, 1, 2)
    out = x.contiguous() + residual
    return TransformerTemporalModelOutput(sample=out) if return_dict else (out,)


@pytest.fixture(name="released_forward")
def released_forward_fixture() -> Callable[..., Any]:
    """``TransformerSpatioTemporalModel.forward`` in the released code's context order.

    Written from ``models_diffusers/transformer_temporal.py`` of ant-research/LeviTor
    (``TransformerSpatioTemporalModel.forward``, around l.311-325): diffusers' steps, except that
    the first-frame image context of the temporal blocks is laid out position-major,
    ``(h·w, batch)``, while their hidden rows are ``(batch, h·w)``. The order is written here as
    ``repeat`` (row ``r`` gets batch ``r % batch``), not the way the plugin's hook writes it, so
    the two are independent. Patch it over diffusers' ``forward`` to get the released
    computation from stock models.
    """
    return released_forward
