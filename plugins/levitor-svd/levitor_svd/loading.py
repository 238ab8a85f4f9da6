"""Loading the checked folders into a :class:`LeviTorSVDPipeline` on a device.

Before a component is loaded its safetensors header is compared with the model its
``config.json`` describes (built on the meta device, so nothing is allocated): missing tensors,
unexpected ControlNet tensors and shape mismatches become one-line messages naming the folder
and the file, instead of a deep loader traceback. Loading never touches the network and never
reads a pickle (``use_safetensors=True``, offline mode).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from levitor_studio.model.errors import InputError

from .folders import Layout, Weights


def _offline() -> None:
    # huggingface_hub reads these once, at import: too late if diffusers is already loaded, so
    # every from_pretrained below also says local_files_only=True.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("DIFFUSERS_VERBOSITY", "error")
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()


def check_against_config(model: Any, weights: Weights, strict: bool) -> None:
    """Raise :class:`InputError` if ``weights`` cannot fill ``model`` (names and shapes)."""
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    found = {k: shape for k, (_dtype, shape) in weights.tensors.items()}
    where = f"{weights.folder / weights.name}"
    missing = sorted(set(expected) - set(found))
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise InputError(
            f"{where}: tensor {missing[0]!r}{more} missing (wrong model or config.json)"
        )
    if strict:
        extra = sorted(set(found) - set(expected))
        if extra:
            more = f" and {len(extra) - 1} more" if len(extra) > 1 else ""
            raise InputError(f"{where}: unexpected tensor {extra[0]!r}{more} (wrong model?)")
    for name, shape in expected.items():
        if found[name] != shape:
            raise InputError(
                f"{where}: tensor {name!r} has shape {list(found[name])}, but "
                f"{weights.folder / 'config.json'} needs {list(shape)}"
            )


def _meta_model(cls: Any, folder: Any, transformers_config: bool = False) -> Any:
    import torch

    with torch.device("meta"):
        if transformers_config:
            config = cls.config_class.from_pretrained(folder, local_files_only=True)
            return cls(config)
        return cls.from_config(cls.load_config(folder, local_files_only=True))


def load_pipeline(layout: Layout, device: str, dtypes: str | Mapping[str, str]) -> Any:
    """Build the pipeline from ``layout`` on ``device``.

    ``dtypes`` is one weights dtype name for every component, or one per component (``unet``,
    ``vae``, ``image_encoder``, ``controlnet``; see :func:`levitor_svd.memory.component_dtypes`).
    Parameters do not require gradients, so autocast caches no fp16 copies of fp32 weights.
    """
    _offline()
    import torch
    from diffusers import AutoencoderKLTemporalDecoder, EulerDiscreteScheduler
    from transformers import CLIPImageProcessor, CLIPVisionModelWithProjection

    from .controlnet import LeviTorControlNetModel
    from .pipeline import LeviTorSVDPipeline
    from .unet import ControlledUNetSpatioTemporalModel

    torch_dtypes = {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32}
    models = {
        "unet": (ControlledUNetSpatioTemporalModel, False),
        "vae": (AutoencoderKLTemporalDecoder, False),
        "image_encoder": (CLIPVisionModelWithProjection, True),
        "controlnet": (LeviTorControlNetModel, False),
    }
    # Check every component first, so that a bad folder is refused before anything is loaded.
    for name, (cls, is_transformers) in models.items():
        weights = layout.weights[name]
        try:
            model = _meta_model(cls, weights.folder, is_transformers)
        except Exception as exc:
            raise InputError(f"{weights.folder / 'config.json'}: unusable ({exc})") from None
        check_against_config(model, weights, strict=name == "controlnet")
    parts: dict[str, Any] = {}
    for name, (cls, is_transformers) in models.items():
        weights = layout.weights[name]
        kwargs: dict[str, Any] = {
            "use_safetensors": True,
            "variant": weights.variant,
            "local_files_only": True,
        }
        dtype = dtypes if isinstance(dtypes, str) else dtypes[name]
        kwargs["dtype" if is_transformers else "torch_dtype"] = torch_dtypes[dtype]
        try:
            parts[name] = cls.from_pretrained(weights.folder, **kwargs).requires_grad_(False)
        except Exception as exc:  # a loader error deep inside diffusers/transformers
            raise InputError(f"{weights.folder / weights.name}: cannot be loaded ({exc})") from None
    try:
        parts["scheduler"] = EulerDiscreteScheduler.from_pretrained(
            layout.svd / "scheduler", local_files_only=True
        )
        parts["feature_extractor"] = CLIPImageProcessor.from_pretrained(
            layout.svd / "feature_extractor", local_files_only=True
        )
    except Exception as exc:
        raise InputError(
            f"{layout.svd}: scheduler or feature_extractor unreadable ({exc})"
        ) from None
    pipe = LeviTorSVDPipeline(**parts)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def tune(pipe: Any, device: str, offload: str, low_memory: bool) -> None:
    """Place the pipeline on ``device`` (or offload it) and apply the low-memory option.

    Both offloads walk ``pipe.components``, which holds the ControlNet (registered by the
    pipeline); ``model`` follows ``model_cpu_offload_seq``, ``sequential`` hooks every module
    that owns parameters (``_exclude_from_cpu_offload`` is empty, so nothing stays resident).
    """
    if offload == "model":
        pipe.enable_model_cpu_offload(device=device)
    elif offload == "sequential":
        pipe.enable_sequential_cpu_offload(device=device)
    else:
        pipe.to(device)
    if low_memory:
        for model in (pipe.unet, pipe.controlnet):
            slice_attention(model)


def slice_attention(model: Any) -> int:
    """Bound the large temporaries of ``model``'s transformers; returns the attentions sliced.

    Only the spatial self-attention has a large score matrix (``(h·w)²`` per head): it is
    computed one image at a time (a slice of ``heads`` rows of the batch×heads axis), with the
    softmax upcast to fp32 as fused attention does. The temporal self-attention (over the
    frames) and the cross-attentions (one image token) stay fused: their scores are small. The
    feed-forward's 8× GEGLU expansion is chunked one image at a time in the spatial blocks and
    one frame at a time in the temporal blocks (diffusers fixes the latter's axis).
    """
    from diffusers.models.attention import BasicTransformerBlock, TemporalBasicTransformerBlock
    from diffusers.models.attention_processor import SlicedAttnProcessor

    sliced = 0
    for module in model.modules():
        if isinstance(module, TemporalBasicTransformerBlock):
            module.set_chunk_feed_forward(1)
        elif isinstance(module, BasicTransformerBlock):
            module.set_chunk_feed_forward(1, dim=0)
            attention = module.attn1
            attention.set_processor(SlicedAttnProcessor(slice_size=attention.heads))
            attention.upcast_softmax = True
            sliced += 1
    return sliced
