"""How much device memory a generation needs, estimated before anything is loaded.

The estimate is weights (tensor counts from the safetensors headers × the run's dtype size) plus
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
#: peak live bytes of VAE decoding divided by frames in the chunk × H × W × vae c0 × dtype bytes;
#: measured 7.88 GB for 16 frames at 288×512 fp16 (vae c0 = 128), i.e. 14.0
DECODE_FACTOR = 14.0
#: CUDA context, allocator slack and small buffers
OVERHEAD = 0.6 * GB
#: offload modes, least memory-saving (and fastest) first
OFFLOADS = ("none", "model", "sequential")
Offload = Literal["none", "model", "sequential"]
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


def estimate(
    layout: Layout,
    frames: int,
    height: int,
    width: int,
    dtype_bytes: int,
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
    dtype_bytes
        2 for fp16/bf16, 4 for fp32.
    guidance
        Classifier-free guidance (max guidance > 1) doubles the denoising batch.
    offload
        ``none``: every model resident; ``model``: only the current phase's models;
        ``sequential``: only the phase's largest parameter-owning module (see the module doc).
    decode_chunk
        Frames decoded by the VAE at a time.
    """
    w_bytes = {k: v.numel() * dtype_bytes for k, v in layout.weights.items()}
    unet_cfg = json.loads((layout.svd / "unet" / "config.json").read_text())
    vae_cfg = json.loads((layout.svd / "vae" / "config.json").read_text())
    h, w = height // 8, width // 8
    images = frames * (2 if guidance else 1)
    c0 = int(unet_cfg["block_out_channels"][0])
    denoise_act = DENOISE_FACTOR * images * dtype_bytes * c0 * h * w
    chunk = max(1, min(decode_chunk, frames))
    vae_c0 = int(vae_cfg["block_out_channels"][0])
    decode_act = DECODE_FACTOR * chunk * height * width * vae_c0 * dtype_bytes
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
            p: max(largest_unit(layout.weights[m]) for m in ms) * dtype_bytes
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
