"""Benchmarks of the levitor-svd generator that run without a GPU or weights.

1. Per-step time of the LeviTor pipeline on the tiny random model, against the UNet + ControlNet
   forward passes alone (target ≤ 1.05×) and against diffusers' plain SVD pipeline.
2. Peak activation memory of one denoising step (UNet + ControlNet; fp16, and fp16 autocast over
   fp32 weights as the released demo runs) and of VAE decoding for the real SVD-XT architecture
   at 16×288×512, measured by counting live tensor bytes under PyTorch's FakeTensorMode
   (nothing is allocated); these calibrate levitor_svd.memory.
3. The memory estimate for the real model (weights from header-only safetensors files with the
   real tensor shapes) in each precision, without offload, with model and with sequential CPU
   offload, to be confirmed on a GPU (``bench/gpu_check.py``).

Usage: ``.venv/bin/python bench/bench_svd.py [--steps 6] [--skip-fake]``
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
import tempfile
import time
import warnings
import weakref
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "plugins" / "levitor-svd"))
warnings.filterwarnings("ignore", message="__array__ implementation")


def tiny_timings(steps: int, frames: int, size: int) -> dict[str, float]:
    import numpy as np
    import PIL.Image
    import torch
    from diffusers import StableVideoDiffusionPipeline
    from levitor_svd.folders import check_folders
    from levitor_svd.loading import load_pipeline
    from levitor_svd.tiny import save_tiny_folders

    torch.set_num_threads(1)  # a shared 2-core machine: one thread gives steadier numbers
    root = Path(tempfile.mkdtemp())
    svd, cn = save_tiny_folders(root, variant=None)
    pipe = load_pipeline(check_folders(svd, cn, prefer_fp16=False), "cpu", "fp32")
    pipe.context_order = "stock"  # against diffusers' own pipeline: the same computation
    plain = StableVideoDiffusionPipeline(
        pipe.vae, pipe.image_encoder, pipe.unet, pipe.scheduler, pipe.feature_extractor
    )
    plain.set_progress_bar_config(disable=True)
    image = PIL.Image.fromarray(np.full((size, size, 3), 128, np.uint8))
    cond = np.zeros((frames, 3, size, size), np.float32)
    cond[:, 0, size // 4 : size // 2, size // 4 : size // 2] = 255.0

    def per_step(run) -> float:
        stamps: list[float] = []

        def cb(_p, _i, _t, kw):
            stamps.append(time.perf_counter())
            return kw

        run(cb)
        gaps = np.diff(stamps)
        return float(np.median(gaps))

    common = dict(
        height=size, width=size, num_frames=frames, num_inference_steps=steps, output_type="latent"
    )
    levitor = per_step(lambda cb: pipe(image, cond, callback_on_step_end=cb, **common))
    stock = per_step(lambda cb: plain(image, fps=7, callback_on_step_end=cb, **common))

    # The forward passes alone, with the inputs one step of the pipeline gives them.
    h = size // 8
    x = torch.randn(2, frames, 8, h, h)
    ehs = torch.randn(2, 1, pipe.unet.config.cross_attention_dim)
    ids = torch.tensor([[5.0, 100.0, 0.02]] * 2)
    control = torch.from_numpy(cond)[None].repeat(2, 1, 1, 1, 1)
    t = pipe.scheduler.timesteps[0] if len(pipe.scheduler.timesteps) else torch.tensor(1.0)
    times = []
    with torch.no_grad():
        for _ in range(steps + 1):
            start = time.perf_counter()
            down, mid = pipe.controlnet(x, t, ehs, ids, control, return_dict=False)
            pipe.unet(
                x,
                t,
                ehs,
                ids,
                down_block_additional_residuals=down,
                mid_block_additional_residual=mid,
            )
            times.append(time.perf_counter() - start)
    forward = float(np.median(times[1:]))
    return {"levitor_step_s": levitor, "forward_s": forward, "plain_svd_step_s": stock}


class LiveBytes:
    """Counts bytes of live tensors created by aten ops (views and in-place results excluded)."""

    def __init__(self) -> None:
        from torch.utils._python_dispatch import TorchDispatchMode

        outer = self

        class Mode(TorchDispatchMode):
            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                import torch
                from torch.utils._pytree import tree_flatten

                out = func(*args, **(kwargs or {}))
                inputs = {id(a) for a in tree_flatten((args, kwargs))[0]}
                for t in tree_flatten(out)[0]:
                    if isinstance(t, torch.Tensor) and id(t) not in inputs and not t._is_view():
                        n = t.untyped_storage().nbytes()
                        outer.live += n
                        outer.peak = max(outer.peak, outer.live)
                        weakref.finalize(t, outer.release, n)
                return out

        self.mode = Mode()
        self.live = self.peak = 0

    def release(self, n: int) -> None:
        self.live -= n


def fake_activation_peaks(frames: int, height: int, width: int) -> dict[str, float]:
    """Live-byte peaks of one denoising step (fp16, and fp16 autocast over fp32 weights) and of
    VAE decoding (fp16), for the real architectures under FakeTensorMode (nothing allocated).

    The autocast step runs on fake CUDA tensors with CUDA autocast switched on through its
    low-level switches (``torch.autocast`` refuses when no GPU is present), so CUDA's own cast
    rules decide which ops run in fp16 and which in fp32, as on a GPU.
    """
    import torch
    from diffusers import AutoencoderKLTemporalDecoder
    from levitor_svd.controlnet import LeviTorControlNetModel
    from levitor_svd.unet import ControlledUNetSpatioTemporalModel
    from torch._subclasses.fake_tensor import FakeTensorMode

    h, w = height // 8, width // 8
    sdpa = torch.nn.functional.scaled_dot_product_attention

    def fused(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, **_kw):
        # Fake CUDA tensors make SDPA take its math path, which materialises the attention
        # scores; on a GPU it picks a fused kernel that does not. Call that kernel explicitly,
        # with the fp16 cast autocast applies to SDPA.
        if q.device.type != "cuda":
            return sdpa(q, k, v, attn_mask, dropout_p, is_causal, scale=scale)
        if torch.is_autocast_enabled("cuda"):
            q, k, v = (t.to(torch.float16) for t in (q, k, v))
        efficient = torch.ops.aten._scaled_dot_product_efficient_attention
        return efficient(q, k, v, attn_mask, False, dropout_p, is_causal, scale=scale)[0]

    def step_peak(device: str, dtype, autocast: bool) -> int:
        # weights: fp32 under autocast, else the run's dtype (made so, as .to() cannot swap fakes)
        torch.set_default_dtype(torch.float32 if autocast else dtype)
        with FakeTensorMode(allow_non_fake_inputs=True), torch.no_grad(), torch.device(device):
            unet = ControlledUNetSpatioTemporalModel().requires_grad_(False)
            cn = LeviTorControlNetModel.from_unet(unet, load_weights_from_unet=False)
            cn.requires_grad_(False)
            torch.set_default_dtype(torch.float32)
            for model in (unet, cn):  # AlphaBlender makes its scalar with torch.Tensor([...]),
                for m in model.modules():  # which ignores the default device: put it there
                    if isinstance(getattr(m, "mix_factor", None), torch.nn.Parameter):
                        m.mix_factor = torch.nn.Parameter(
                            torch.full((1,), 0.5, dtype=m.mix_factor.dtype), requires_grad=False
                        )
            x = torch.randn(2, frames, 8, h, w, dtype=dtype)
            ehs, ids = torch.randn(2, 1, 1024, dtype=dtype), torch.randn(2, 3, dtype=dtype)
            cond = torch.randn(2, frames, 3, height, width, dtype=dtype)
            t = torch.tensor(1.0)
            step = LiveBytes()
            if autocast:
                torch.set_autocast_dtype("cuda", torch.float16)
                torch.set_autocast_enabled("cuda", True)
                torch.autocast_increment_nesting()
            try:
                with step.mode:
                    down, mid = cn(x, t, ehs, ids, cond, return_dict=False)
                    unet(
                        x,
                        t,
                        ehs,
                        ids,
                        down_block_additional_residuals=down,
                        mid_block_additional_residual=mid,
                    )
                    del down, mid
            finally:
                if autocast:
                    torch.autocast_decrement_nesting()
                    torch.set_autocast_enabled("cuda", False)
                    torch.clear_autocast_cache()
        return step.peak

    torch.nn.functional.scaled_dot_product_attention = fused
    try:
        peaks = {
            "denoise": step_peak("cpu", torch.float16, False),
            "denoise_fp16_cuda": step_peak("cuda", torch.float16, False),
            "denoise_autocast": step_peak("cuda", torch.float16, True),
        }
    finally:
        torch.nn.functional.scaled_dot_product_attention = sdpa
    torch.set_default_dtype(torch.float16)
    try:
        with FakeTensorMode(allow_non_fake_inputs=True), torch.no_grad():
            vae = AutoencoderKLTemporalDecoder(**SVD_VAE)
            latents = torch.randn(frames, 4, h, w)
            dec = LiveBytes()
            with dec.mode:
                vae.decode(latents, num_frames=frames)
    finally:
        torch.set_default_dtype(torch.float32)
    peaks["decode"] = dec.peak
    return peaks


SVD_VAE = {
    "down_block_types": ["DownEncoderBlock2D"] * 4,
    "block_out_channels": [128, 256, 512, 512],
    "layers_per_block": 2,
    "latent_channels": 4,
    "sample_size": 768,
    "scaling_factor": 0.18215,
    "force_upcast": True,
}
CLIP_H = {
    "hidden_size": 1280,
    "intermediate_size": 5120,
    "num_hidden_layers": 32,
    "num_attention_heads": 16,
    "patch_size": 14,
    "image_size": 224,
    "projection_dim": 1024,
}


def write_header_only(path: Path, shapes: dict[str, tuple[int, ...]], dtype: str) -> None:
    """A safetensors header with the real names and shapes and no data (enough for estimates)."""
    header, offset = {}, 0
    for name, shape in shapes.items():
        n = 2 if dtype == "F16" else 4
        for d in shape:
            n *= d
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    blob = json.dumps(header).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(struct.pack("<Q", len(blob)) + blob)


def real_size_layout(root: Path):
    import torch
    from diffusers import AutoencoderKLTemporalDecoder, UNetSpatioTemporalConditionModel
    from levitor_svd.controlnet import LeviTorControlNetModel
    from levitor_svd.folders import check_folders
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    with torch.device("meta"):
        unet = UNetSpatioTemporalConditionModel()
        parts = {
            "svd/unet/diffusion_pytorch_model.fp16.safetensors": unet,
            "svd/vae/diffusion_pytorch_model.fp16.safetensors": AutoencoderKLTemporalDecoder(
                **SVD_VAE
            ),
            "svd/image_encoder/model.fp16.safetensors": CLIPVisionModelWithProjection(
                CLIPVisionConfig(**CLIP_H)
            ),
            "controlnet/diffusion_pytorch_model.safetensors": LeviTorControlNetModel.from_unet(
                unet, load_weights_from_unet=False
            ),
        }
    for rel, model in parts.items():
        shapes = {k: tuple(v.shape) for k, v in model.state_dict().items()}
        write_header_only(root / rel, shapes, "F32" if rel.startswith("controlnet") else "F16")
    (root / "svd/model_index.json").write_text("{}")
    (root / "svd/unet/config.json").write_text(json.dumps(dict(unet.config)))
    (root / "svd/vae/config.json").write_text(json.dumps(SVD_VAE))
    (root / "svd/image_encoder/config.json").write_text(json.dumps(CLIP_H))
    for sub, name in (
        ("scheduler", "scheduler_config.json"),
        ("feature_extractor", "preprocessor_config.json"),
    ):
        (root / "svd" / sub).mkdir(parents=True, exist_ok=True)
        (root / "svd" / sub / name).write_text("{}")
    (root / "controlnet/config.json").write_text("{}")
    return check_folders(root / "svd", root / "controlnet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--frames", type=int, default=4)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--skip-fake", action="store_true", help="skip the activation count")
    args = parser.parse_args()
    from levitor_svd.memory import GB, OFFLOADS, estimate, largest_unit

    t = tiny_timings(args.steps, args.frames, args.size)
    print(f"## tiny model, {args.frames} frames × {args.size}², CFG, CPU 1 thread")
    print("| what | s/step | ratio |\n|---|---|---|")
    print(f"| UNet + ControlNet forward alone | {t['forward_s']:.4f} | 1.00 |")
    print(
        f"| LeviTor pipeline | {t['levitor_step_s']:.4f} | "
        f"{t['levitor_step_s'] / t['forward_s']:.2f} |"
    )
    print(
        f"| diffusers SVD pipeline (no ControlNet) | {t['plain_svd_step_s']:.4f} | "
        f"{t['plain_svd_step_s'] / t['forward_s']:.2f} |"
    )

    if not args.skip_fake:
        peaks = fake_activation_peaks(16, 512, 288)
        print("\n## measured activation peaks, SVD-XT architecture, 16×288×512 (fake tensors)")
        print(
            f"denoise step (CFG batch 2) fp16: {peaks['denoise'] / GB:.2f} GB "
            f"(on fake CUDA tensors: {peaks['denoise_fp16_cuda'] / GB:.2f} GB); "
            f"fp16 autocast over fp32 weights: {peaks['denoise_autocast'] / GB:.2f} GB; "
            f"VAE decode of 16 frames fp16: {peaks['decode'] / GB:.2f} GB"
        )

    with tempfile.TemporaryDirectory() as tmp:
        layout = real_size_layout(Path(tmp))
        print("\n## memory estimate, real SVD-XT + ControlNet, 16×288×512, guidance on")
        print("| precision | offload | decode chunk | encode | denoise | decode | peak |")
        print("|---|---|---|---|---|---|---|")
        for precision in ("autocast", "fp16", "fp32"):
            for offload in OFFLOADS:
                for chunk in (16, 4):
                    e = estimate(layout, 16, 512, 288, precision, True, offload, chunk)
                    p = e.phases
                    print(
                        f"| {precision} | {offload} | {chunk} | "
                        f"{p['encode'] / GB:.1f} | {p['denoise'] / GB:.1f} | "
                        f"{p['decode'] / GB:.1f} | **{e.peak / GB:.1f} GB** |"
                    )
        for precision in ("fp16", "autocast"):
            weights = estimate(layout, 16, 512, 288, precision).weights
            print(
                f"weights ({precision}): "
                + ", ".join(f"{k} {v / GB:.2f} GB" for k, v in weights.items())
            )
        print(
            "largest parameter-owning module (fp16, resident under sequential offload): "
            + ", ".join(
                f"{k} {largest_unit(w) * 2 / 2**20:.1f} MiB" for k, w in layout.weights.items()
            )
        )


if __name__ == "__main__":
    main()
