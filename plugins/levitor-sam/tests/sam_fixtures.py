"""The tiny SAM architecture the tests build (shared by conftest and the test modules)."""

from __future__ import annotations

from levitor_sam.checkpoint import SamArch

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
