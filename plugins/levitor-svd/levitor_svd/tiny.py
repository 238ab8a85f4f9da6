"""Tiny randomly initialised SVD-XT and ControlNet folders, in the real on-disk layouts.

Tests and benchmarks build these instead of downloading weights: every component has the
architecture of the real one (same classes, same folder and file names, fp16 variant files if
asked) at a size that runs in milliseconds on a CPU, so the real loading code is what reads them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: the scheduler config SVD-XT ships (EDM-style Euler, v-prediction, Karras sigmas)
SVD_SCHEDULER = {
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "beta_start": 0.00085,
    "interpolation_type": "linear",
    "num_train_timesteps": 1000,
    "prediction_type": "v_prediction",
    "sigma_max": 700.0,
    "sigma_min": 0.002,
    "steps_offset": 1,
    "timestep_spacing": "leading",
    "timestep_type": "continuous",
    "use_karras_sigmas": True,
}

TINY_UNET = {
    "block_out_channels": (32, 64),
    "layers_per_block": 1,
    "down_block_types": ("CrossAttnDownBlockSpatioTemporal", "DownBlockSpatioTemporal"),
    "up_block_types": ("UpBlockSpatioTemporal", "CrossAttnUpBlockSpatioTemporal"),
    "cross_attention_dim": 32,
    "num_attention_heads": (2, 4),
    "addition_time_embed_dim": 8,
    "projection_class_embeddings_input_dim": 24,
    "num_frames": 4,
}


def tiny_unet_and_controlnet(seed: int = 0) -> tuple[Any, Any]:
    """A tiny SVD UNet and a ControlNet made from it, every tensor random (deterministic in seed).

    Constructors leave many tensors constant (norm scales 1, shifts and some biases 0, the
    ControlNet's zero convs 0); such weights can hide a difference between two computations, as
    a zero conv hides everything upstream of it. So every UNet tensor gets noise added, and the
    ControlNet's own tensors (copied from the UNet, plus its condition encoder and zero convs)
    are drawn afresh.
    """
    import torch
    from diffusers import UNetSpatioTemporalConditionModel

    from .controlnet import LeviTorControlNetModel

    torch.manual_seed(seed)
    unet = UNetSpatioTemporalConditionModel(**TINY_UNET)
    controlnet = LeviTorControlNetModel.from_unet(
        unet, conditioning_embedding_out_channels=(8, 16, 16, 32)
    )
    with torch.no_grad():
        for param in unet.parameters():
            param.add_(torch.randn_like(param), alpha=0.05)
        for name, param in controlnet.named_parameters():
            if name.startswith(("controlnet_", "controlnet_cond_embedding.conv_out")):
                param.normal_(0.0, 0.3)
            else:
                param.add_(torch.randn_like(param), alpha=0.05)
    return unet, controlnet


def build_tiny_components(seed: int = 0) -> dict[str, object]:
    """The five SVD components plus a ControlNet, tiny and random (deterministic in ``seed``).

    The UNet and the ControlNet come from :func:`tiny_unet_and_controlnet` (every tensor random,
    the zero convs included, so the control tensor visibly changes the output).
    """
    import torch
    from diffusers import AutoencoderKLTemporalDecoder, EulerDiscreteScheduler
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    unet, controlnet = tiny_unet_and_controlnet(seed)
    torch.manual_seed(seed + 1)
    vae = AutoencoderKLTemporalDecoder(
        down_block_types=("DownEncoderBlock2D",) * 4,
        block_out_channels=(32, 32, 32, 32),
        layers_per_block=1,
        latent_channels=4,
    )
    encoder = CLIPVisionModelWithProjection(
        CLIPVisionConfig(
            hidden_size=32,
            projection_dim=32,
            num_hidden_layers=2,
            num_attention_heads=4,
            intermediate_size=37,
            image_size=224,
            patch_size=32,
        )
    )
    return {
        "unet": unet,
        "vae": vae,
        "image_encoder": encoder,
        "scheduler": EulerDiscreteScheduler(**SVD_SCHEDULER),
        "feature_extractor": CLIPImageProcessor(crop_size=224, size=224),
        "controlnet": controlnet,
    }


def save_tiny_folders(root: Path, variant: str | None = "fp16", seed: int = 0) -> tuple[Path, Path]:
    """Write ``root/svd`` (diffusers layout) and ``root/controlnet``; returns both paths.

    With ``variant="fp16"`` the weights are stored in half precision under ``*.fp16.safetensors``
    names, as in the published SVD-XT fp16 files.
    """
    from diffusers import StableVideoDiffusionPipeline

    parts = build_tiny_components(seed)
    controlnet = parts.pop("controlnet")
    pipe = StableVideoDiffusionPipeline(**parts)
    if variant == "fp16":
        for name in ("unet", "vae", "image_encoder"):
            parts[name].half()  # type: ignore[attr-defined]
    svd, cn = Path(root) / "svd", Path(root) / "controlnet"
    pipe.save_pretrained(svd, variant=variant, safe_serialization=True)
    controlnet.save_pretrained(cn, safe_serialization=True)  # type: ignore[attr-defined]
    return svd, cn
