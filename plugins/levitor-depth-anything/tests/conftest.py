"""Fixtures: a tiny random Depth Anything saved with ``save_pretrained`` (transformers layout)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest


def tiny_config(hidden: int = 16) -> object:
    """A Depth Anything config with a 4-layer, ``hidden``-wide DINOv2 backbone."""
    from transformers import DepthAnythingConfig, Dinov2Config

    backbone = Dinov2Config(
        hidden_size=hidden,
        num_hidden_layers=4,
        num_attention_heads=2,
        intermediate_size=2 * hidden,
        image_size=518,
        patch_size=14,
        out_indices=[1, 2, 3, 4],
        reshape_hidden_states=False,
    )
    return DepthAnythingConfig(
        backbone_config=backbone,
        # narrow neck and head: they run at up to full resolution, the costly part on a CPU
        neck_hidden_sizes=[4, 4, 4, 4],
        fusion_hidden_size=4,
        head_hidden_size=2,
        reassemble_hidden_size=hidden,
    )


def save_tiny(folder: Path, hidden: int = 16, seed: int = 0) -> Path:
    import torch
    from transformers import DepthAnythingForDepthEstimation, DPTImageProcessor
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    torch.manual_seed(seed)
    DepthAnythingForDepthEstimation(tiny_config(hidden)).save_pretrained(folder)
    DPTImageProcessor(
        size={"height": 518, "width": 518},
        keep_aspect_ratio=True,
        ensure_multiple_of=14,
        image_mean=[0.485, 0.456, 0.406],
        image_std=[0.229, 0.224, 0.225],
    ).save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_depth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_tiny(tmp_path_factory.mktemp("depth_anything_tiny"))


@pytest.fixture(scope="session")
def save_tiny_model() -> object:
    """The folder writer itself, for tests that need a variant of the tiny model."""
    return save_tiny


@pytest.fixture(scope="session")
def image() -> np.ndarray:
    """A 40 × 56 RGB test image with a gradient and a bright block."""
    h, w = 40, 56
    yy, xx = np.mgrid[0:h, 0:w]
    img = np.stack([xx * 4, yy * 6, (xx + yy) * 2], axis=-1).astype(np.uint8)
    img[10:25, 30:45] = (240, 220, 30)
    return img
