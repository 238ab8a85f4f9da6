"""Reading a SAM v1 checkpoint safely and rebuilding its architecture from tensor shapes.

The variant (ViT-B / L / H, or a smaller custom SAM such as the tests' tiny one) is read from
the shapes in the state dict, never from the file name: users rename files. Loading uses
``torch.load(weights_only=True)``, so a pickle that carries code is refused, and every way a
file can be wrong (missing, empty, truncated, another model's checkpoint) becomes one
:class:`InputError` sentence. torch and segment_anything are imported inside the functions.
"""

from __future__ import annotations

import os
import pickle
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from levitor_studio.model.errors import BackendUnavailable, InputError

#: (embed_dim, depth) of the three released image encoders
KNOWN_VARIANTS: dict[tuple[int, int], str] = {
    (768, 12): "ViT-B",
    (1024, 24): "ViT-L",
    (1280, 32): "ViT-H",
}

#: SAM's input normalisation (ImageNet statistics on the 0..255 scale)
PIXEL_MEAN = (123.675, 116.28, 103.53)
PIXEL_STD = (58.395, 57.12, 57.375)

#: tensors every SAM v1 checkpoint has; their absence means another model's file
_REQUIRED = (
    "image_encoder.patch_embed.proj.weight",
    "image_encoder.pos_embed",
    "image_encoder.neck.0.weight",
    "prompt_encoder.mask_downscaling.0.weight",
    "mask_decoder.mask_tokens.weight",
    "mask_decoder.transformer.layers.0.mlp.lin1.weight",
    "mask_decoder.iou_prediction_head.layers.0.weight",
)


@dataclass(frozen=True)
class SamArch:
    """Every hyper-parameter of a SAM v1 model, as recovered from its tensor shapes."""

    embed_dim: int
    depth: int
    num_heads: int
    mlp_ratio: float
    global_attn_indexes: tuple[int, ...]
    window_size: int
    img_size: int
    patch_size: int
    prompt_dim: int
    mask_in_chans: int
    decoder_depth: int
    decoder_mlp_dim: int
    num_multimask_outputs: int
    iou_head_depth: int
    iou_head_hidden_dim: int

    @property
    def variant(self) -> str:
        """``"ViT-B"``, ``"ViT-L"``, ``"ViT-H"`` or ``"custom"``."""
        return KNOWN_VARIANTS.get((self.embed_dim, self.depth), "custom")


def _count(shapes: Mapping[str, Any], prefix: str) -> int:
    pattern = re.compile(re.escape(prefix) + r"(\d+)\.")
    found = {int(m.group(1)) for k in shapes if (m := pattern.match(k))}
    return max(found) + 1 if found else 0


def arch_from_shapes(shapes: Mapping[str, tuple[int, ...]]) -> SamArch:
    """Recover a :class:`SamArch` from ``{tensor name: shape}`` of a SAM v1 state dict.

    Raises
    ------
    InputError
        If the names are not those of a SAM v1 checkpoint.
    """
    missing = [k for k in _REQUIRED if k not in shapes]
    if missing:
        raise InputError(_foreign_message(shapes))
    embed_dim, _, patch, _ = shapes["image_encoder.patch_embed.proj.weight"]
    grid = shapes["image_encoder.pos_embed"][1]
    depth = _count(shapes, "image_encoder.blocks.")
    # rel_pos_h has 2 * tokens - 1 rows: the whole grid for global blocks, a window otherwise
    rows = [shapes[f"image_encoder.blocks.{i}.attn.rel_pos_h"] for i in range(depth)]
    global_idx = tuple(i for i, r in enumerate(rows) if r[0] == 2 * grid - 1)
    windowed = [r[0] for i, r in enumerate(rows) if i not in global_idx]
    head_dim = rows[0][1]
    prompt_dim = shapes["image_encoder.neck.0.weight"][0]
    return SamArch(
        embed_dim=embed_dim,
        depth=depth,
        num_heads=embed_dim // head_dim,
        mlp_ratio=shapes["image_encoder.blocks.0.mlp.lin1.weight"][0] / embed_dim,
        global_attn_indexes=global_idx,
        window_size=(windowed[0] + 1) // 2 if windowed else 0,
        img_size=grid * patch,
        patch_size=patch,
        prompt_dim=prompt_dim,
        mask_in_chans=shapes["prompt_encoder.mask_downscaling.3.weight"][0],
        decoder_depth=_count(shapes, "mask_decoder.transformer.layers."),
        decoder_mlp_dim=shapes["mask_decoder.transformer.layers.0.mlp.lin1.weight"][0],
        num_multimask_outputs=shapes["mask_decoder.mask_tokens.weight"][0] - 1,
        iou_head_depth=_count(shapes, "mask_decoder.iou_prediction_head.layers."),
        iou_head_hidden_dim=shapes["mask_decoder.iou_prediction_head.layers.0.weight"][0],
    )


def _foreign_message(shapes: Mapping[str, Any]) -> str:
    keys = list(shapes)
    if any(k.startswith("image_encoder.trunk.") for k in keys):
        return "this is a SAM 2 checkpoint; LeviTor Studio's SAM plugin needs a SAM v1 file"
    if any(k.startswith("vision_encoder.") for k in keys):
        return (
            "this is a Hugging Face transformers SAM; use the original .pth checkpoint "
            "(sam_vit_b_01ec64.pth, sam_vit_l_0b3195.pth or sam_vit_h_4b8939.pth)"
        )
    if any(k.startswith("image_encoder.") for k in keys):
        return "the image encoder is not SAM's ViT (MobileSAM / EfficientSAM are not supported)"
    shown = ", ".join(keys[:3]) or "no tensors"
    return f"not a Segment Anything checkpoint (it holds {shown}...)"


def read_state_dict(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Tensors of a SAM checkpoint file, loaded with ``weights_only=True`` on the CPU."""
    import torch

    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such checkpoint file")
    if p.stat().st_size == 0:
        raise InputError(f"{p}: the checkpoint file is empty")
    try:
        with warnings.catch_warnings():
            # torch warns about unusual pickle protocols before refusing them; the refusal
            # below already says everything a user needs
            warnings.simplefilter("ignore", UserWarning)
            # not memory-mapped: a checkpoint replaced on disk later must not crash the app;
            # load_sam assigns these tensors to the model, so the weights are held only once
            obj = torch.load(p, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        raise InputError(
            f"{p}: refused: the file holds Python objects other than tensors "
            "(a pickle with code); only plain state-dict checkpoints are loaded"
        ) from None
    except (RuntimeError, EOFError, OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(
            f"{p}: cannot read the checkpoint; it is truncated or not a PyTorch file ({first})"
        ) from None
    state = _unwrap(obj)
    if state is None:
        raise InputError(f"{p}: not a Segment Anything checkpoint (no tensors found)")
    return state


def _unwrap(obj: Any) -> dict[str, Any] | None:
    import torch

    if not isinstance(obj, dict):
        return None
    # some training scripts nest the weights under "model" or "state_dict"
    for key in ("model", "state_dict"):
        inner = obj.get(key)
        if isinstance(inner, dict) and not any(isinstance(v, torch.Tensor) for v in obj.values()):
            obj = inner
            break
    tensors = {k: v for k, v in obj.items() if isinstance(v, torch.Tensor)}
    return tensors or None


def build_sam(arch: SamArch) -> Any:
    """An uninitialised SAM with ``arch`` (build it under ``torch.device("meta")`` to be free)."""
    from functools import partial

    import torch
    from segment_anything.modeling import (
        ImageEncoderViT,
        MaskDecoder,
        PromptEncoder,
        Sam,
        TwoWayTransformer,
    )

    grid = arch.img_size // arch.patch_size
    return Sam(
        image_encoder=ImageEncoderViT(
            depth=arch.depth,
            embed_dim=arch.embed_dim,
            img_size=arch.img_size,
            mlp_ratio=arch.mlp_ratio,
            norm_layer=partial(torch.nn.LayerNorm, eps=1e-6),
            num_heads=arch.num_heads,
            patch_size=arch.patch_size,
            qkv_bias=True,
            use_rel_pos=True,
            global_attn_indexes=arch.global_attn_indexes,
            window_size=arch.window_size,
            out_chans=arch.prompt_dim,
        ),
        prompt_encoder=PromptEncoder(
            embed_dim=arch.prompt_dim,
            image_embedding_size=(grid, grid),
            input_image_size=(arch.img_size, arch.img_size),
            mask_in_chans=arch.mask_in_chans,
        ),
        mask_decoder=MaskDecoder(
            num_multimask_outputs=arch.num_multimask_outputs,
            # every released SAM uses 8 decoder heads; the count is not visible in shapes
            transformer=TwoWayTransformer(
                depth=arch.decoder_depth,
                embedding_dim=arch.prompt_dim,
                mlp_dim=arch.decoder_mlp_dim,
                num_heads=8,
            ),
            transformer_dim=arch.prompt_dim,
            iou_head_depth=arch.iou_head_depth,
            iou_head_hidden_dim=arch.iou_head_hidden_dim,
        ),
        pixel_mean=list(PIXEL_MEAN),
        pixel_std=list(PIXEL_STD),
    )


def load_sam(path: str | os.PathLike[str], device: str = "cpu") -> tuple[Any, SamArch]:
    """Load a SAM checkpoint onto ``device``; returns the model (eval mode) and its arch."""
    import torch

    try:
        import segment_anything  # noqa: F401
    except ImportError:
        raise BackendUnavailable("the segment-anything package is not installed") from None
    state = read_state_dict(path)
    try:
        arch = arch_from_shapes({k: tuple(v.shape) for k, v in state.items()})
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
    with torch.device("meta"):
        model = build_sam(arch)
    try:
        model.load_state_dict(state, strict=True, assign=True)
    except RuntimeError as exc:
        detail = str(exc).splitlines()[1].strip() if "\n" in str(exc) else str(exc)
        raise InputError(f"{path}: does not match a {arch.variant} SAM ({detail})") from None
    # pixel_mean / pixel_std are non-persistent buffers: not in the file, still on meta
    model.register_buffer("pixel_mean", torch.tensor(PIXEL_MEAN).view(-1, 1, 1), False)
    model.register_buffer("pixel_std", torch.tensor(PIXEL_STD).view(-1, 1, 1), False)
    # half-precision files (some re-exports) run in float32 like the originals
    return model.float().to(device).eval(), arch
