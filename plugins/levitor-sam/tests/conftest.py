"""Fixtures: a tiny randomly initialised SAM saved as a real ``.pth`` state-dict checkpoint."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from levitor_sam.checkpoint import SamArch, build_sam

#: a SAM small enough to run in milliseconds: 64 px input, 4 × 4 token grid, 2 ViT blocks
TINY = SamArch(
    embed_dim=32,
    depth=2,
    num_heads=2,
    mlp_ratio=2.0,
    global_attn_indexes=(1,),
    window_size=2,
    img_size=64,
    patch_size=16,
    prompt_dim=32,
    mask_in_chans=4,
    decoder_depth=2,
    decoder_mlp_dim=64,
    num_multimask_outputs=3,
    iou_head_depth=3,
    iou_head_hidden_dim=32,
)


@pytest.fixture(scope="session")
def tiny_arch() -> SamArch:
    return TINY


@pytest.fixture(scope="session")
def tiny_sam_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch

    torch.manual_seed(0)
    model = build_sam(TINY)
    # SAM zero-initialises its position embeddings; random ones make the tiny model less bland
    with torch.no_grad():
        for name, param in model.named_parameters():
            if "rel_pos" in name or name.endswith("pos_embed"):
                param.normal_(0.0, 0.5)
    path = tmp_path_factory.mktemp("sam") / "tiny_sam.pth"
    torch.save(model.state_dict(), path)
    return path


@pytest.fixture(scope="session")
def image() -> np.ndarray:
    """A 40 × 56 RGB test image: a bright disc on a two-tone background."""
    h, w = 40, 56
    yy, xx = np.mgrid[0:h, 0:w]
    img = np.zeros((h, w, 3), dtype=np.uint8)
    img[..., 0] = np.where(xx < w // 2, 40, 200)
    img[..., 1] = (yy * 5).astype(np.uint8)
    disc = (yy - 20) ** 2 + (xx - 30) ** 2 < 80
    img[disc] = (250, 240, 30)
    return img
