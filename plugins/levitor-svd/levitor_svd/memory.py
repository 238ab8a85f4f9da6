"""How much device memory a generation needs, estimated before anything is loaded.

The estimate is weights (tensor counts from the safetensors headers × each component's dtype size
under the run's precision, :func:`component_dtypes`) plus
activations per phase (first-frame encoding, denoising, VAE decoding), each from the UNet and
VAE configs and the clip size. With model CPU offload only the models of the current phase are
on the device (the ControlNet and the UNet together while denoising, as they alternate every
step). With sequential CPU offload (accelerate's ``cpu_offload``, which hooks every module that
owns parameters and moves its weights to the device only for its own forward) the resident
weights are the largest such unit of the phase's models: the tensors in the headers are grouped
by their owning module (the name up to the last dot), which is exactly accelerate's unit, so that
figure is exact; that only one unit is resident at a time is how accelerate works, not measured.
The activation factors below were measured by counting live tensor bytes through the
real architectures under PyTorch's FakeTensorMode (``bench/bench_svd.py``), with fused attention
(SDPA) as diffusers uses by default; a GPU run should confirm them (``docs/benchmarks.md``).

Under ``autocast`` (the released demo's regime: UNet and ControlNet weights in fp32 run under fp16
autocast, CLIP and VAE weights in fp16) the denoising activations are a mix of fp16 (matmul and
conv outputs) and fp32 (norm outputs), with their own measured factor, which also holds the
fp16 copy autocast makes of each fp32 weight as it is used. The models' parameters do not
require gradients, so autocast keeps no cache of those copies (it would hold 4.1 GB of them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

from .folders import Layout, Weights

GB = 1024**3
#: peak live activation bytes of one denoising step (ControlNet then UNet) divided by
#: images × dtype bytes × c0 × h × w; measured 2.74 GB for SVD-XT at 16×288×512 fp16 with CFG
#: (32 images, c0 = 320, latents 36×64), i.e. 62.3, rounded up
DENOISE_FACTOR = 64.0
#: the same under CUDA fp16 autocast over fp32 UNet and ControlNet weights, divided by
#: images × c0 × h × w (the bytes are in the factor, as autocast mixes fp16 and fp32): measured
#: 2.79 GB at the size above with CUDA's cast rules on fake CUDA tensors, i.e. 126.7, rounded up
AUTOCAST_DENOISE_FACTOR = 128.0
#: peak live bytes of VAE decoding divided by frames in the chunk × H × W × vae c0 × dtype bytes;
#: measured 7.88 GB for 16 frames at 288×512 fp16 (vae c0 = 128), i.e. 14.0
DECODE_FACTOR = 14.0
#: CUDA context, allocator slack and small buffers
OVERHEAD = 0.6 * GB
#: offload modes, least memory-saving (and fastest) first
OFFLOADS = ("none", "model", "sequential")
Offload = Literal["none", "model", "sequential"]
#: precisions, the released demo's first
PRECISIONS = ("autocast", "fp16", "bf16", "fp32")
DTYPE_BYTES = {"fp16": 2, "bf16": 2, "fp32": 4}
#: the models resident in each phase under model offload
PHASE_MODELS = {
    "encode": ("image_encoder", "vae"),
    "denoise": ("unet", "controlnet"),
    "decode": ("vae",),
}


@dataclass(frozen=True)
class MemoryEstimate:
    """Peak bytes per phase and overall, with the weights part of each."""

    phases: dict[str, int] = field(default_factory=dict)
    weights: dict[str, int] = field(default_factory=dict)

    @property
    def peak(self) -> int:
        return max(self.phases.values())

    def describe(self) -> str:
        parts = ", ".join(f"{k} {v / GB:.1f} GB" for k, v in self.phases.items())
        return f"about {self.peak / GB:.1f} GB ({parts})"


def component_dtypes(precision: str, half: str = "fp16") -> dict[str, str]:
    """The weights dtype of each component under ``precision``.

    ``autocast`` keeps the UNet and ControlNet in fp32 and CLIP and the VAE in ``half`` (the
    autocast dtype: fp16 on CUDA; a CPU test may pass bf16); the others use one dtype for all.
    """
    if precision == "autocast":
        return {"unet": "fp32", "vae": half, "image_encoder": half, "controlnet": "fp32"}
    if precision not in DTYPE_BYTES:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
    return dict.fromkeys(("unet", "vae", "image_encoder", "controlnet"), precision)


def estimate(
    layout: Layout,
    frames: int,
    height: int,
    width: int,
    precision: str,
    guidance: bool = True,
    offload: Offload = "none",
    decode_chunk: int = 16,
) -> MemoryEstimate:
    """Peak device memory of one generation.

    Parameters
    ----------
    layout
        The checked folders (tensor counts come from their headers).
    frames, height, width
        Clip size in pixels.
    precision
        ``autocast``, ``fp16``, ``bf16`` or ``fp32`` (see :func:`component_dtypes`).
    guidance
        Classifier-free guidance (max guidance > 1) doubles the denoising batch.
    offload
        ``none``: every model resident; ``model``: only the current phase's models;
        ``sequential``: only the phase's largest parameter-owning module (see the module doc).
    decode_chunk
        Frames decoded by the VAE at a time.
    """
    sizes = {k: DTYPE_BYTES[d] for k, d in component_dtypes(precision).items()}
    w_bytes = {k: v.numel() * sizes[k] for k, v in layout.weights.items()}
    unet_cfg = json.loads((layout.svd / "unet" / "config.json").read_text())
    vae_cfg = json.loads((layout.svd / "vae" / "config.json").read_text())
    h, w = height // 8, width // 8
    images = frames * (2 if guidance else 1)
    c0 = int(unet_cfg["block_out_channels"][0])
    if precision == "autocast":
        denoise_act = AUTOCAST_DENOISE_FACTOR * images * c0 * h * w
    else:
        denoise_act = DENOISE_FACTOR * images * sizes["unet"] * c0 * h * w
    chunk = max(1, min(decode_chunk, frames))
    vae_c0 = int(vae_cfg["block_out_channels"][0])
    decode_act = DECODE_FACTOR * chunk * height * width * vae_c0 * sizes["vae"]
    decode_act += frames * 3 * height * width * 4  # decoded frames kept in fp32
    # SVD's VAE has force_upcast: the first frame is encoded in fp32.
    encode_act = DECODE_FACTOR * height * width * vae_c0 * 4

    if offload not in OFFLOADS:
        raise ValueError(f"offload must be one of {OFFLOADS}, not {offload!r}")
    if offload == "none":
        resident = dict.fromkeys(PHASE_MODELS, sum(w_bytes.values()))
    elif offload == "model":
        resident = {p: sum(w_bytes[m] for m in ms) for p, ms in PHASE_MODELS.items()}
    else:
        resident = {
            p: max(largest_unit(layout.weights[m]) * sizes[m] for m in ms)
            for p, ms in PHASE_MODELS.items()
        }
    acts = {"encode": encode_act, "denoise": denoise_act, "decode": decode_act}
    phases = {k: int(resident[k] + acts[k] + OVERHEAD) for k in acts}
    return MemoryEstimate(phases=phases, weights=w_bytes)


def largest_unit(weights: Weights) -> int:
    """Elements of the largest group of tensors owned directly by one module.

    Sequential offload moves one such group to the device at a time (a ``Linear``'s weight and
    bias, a ``GroupNorm``'s scale and shift, a bare ``nn.Parameter``'s owner), so this bounds the
    weights resident under it.
    """
    units: dict[str, int] = {}
    for name, (_dtype, shape) in weights.tensors.items():
        owner = name.rsplit(".", 1)[0] if "." in name else ""
        n = 1
        for d in shape:
            n *= d
        units[owner] = units.get(owner, 0) + n
    return max(units.values(), default=0)
