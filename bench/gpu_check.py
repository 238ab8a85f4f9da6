"""The levitor-svd check to run the day a GPU is lent: one command, random weights, < 8 minutes.

Builds the real SVD-XT UNet, LeviTor's ControlNet architecture, SVD's temporal VAE and the
CLIP-H image encoder with random weights (the ControlNet's zero convs made random too, so its
residuals are not all zero), then for each precision (autocast, fp16, fp32) and offload plan
(none, model, sequential) runs one whole take at 16 × 288×512 with guidance (25 steps by
default) through the plugin's own pipeline, in the default context order. For each run it
prints seconds per step (median), the time of the whole take, the peak memory allocated in
each phase (first-frame encoding, denoising, decoding) next to the plugin's estimate for the
same plan, and the count of non-finite values in the ControlNet residuals and the latents.
Runs that would pass the time budget are stopped or skipped and say so. Exit status: 0, 1 when
a non-finite value was seen, 2 when there is no CUDA GPU (one line, nothing measured).

Usage: ``.venv/bin/python bench/gpu_check.py [--steps 25] [--budget 400]``
"""

from __future__ import annotations

import argparse
import copy
import gc
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "plugins" / "levitor-svd"))
sys.path.insert(0, str(HERE))

FRAMES, HEIGHT, WIDTH = 16, 288, 512
#: runs in order of importance: the released regime first, fp32 (slowest) last
PLANS = [(p, o) for o in ("none", "model", "sequential") for p in ("autocast", "fp16")] + [
    ("fp32", o) for o in ("none", "model", "sequential")
]


def no_gpu_reason() -> str | None:
    """Why this machine cannot run the check, or ``None`` when it can."""
    try:
        import torch
    except ImportError:
        return "gpu_check: torch is not installed; nothing was measured"
    if not torch.cuda.is_available():
        return "gpu_check: no CUDA GPU is visible to torch; nothing was measured"
    return None


def random_models() -> dict[str, Any]:
    """The four networks at full size with random weights, built on the GPU, kept on the CPU."""
    import torch
    from bench_svd import CLIP_H, SVD_VAE
    from diffusers import AutoencoderKLTemporalDecoder
    from levitor_svd.controlnet import LeviTorControlNetModel
    from levitor_svd.unet import ControlledUNetSpatioTemporalModel
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    torch.manual_seed(0)
    with torch.device("cuda"):  # random init is fast there
        unet = ControlledUNetSpatioTemporalModel()
        controlnet = LeviTorControlNetModel.from_unet(unet, load_weights_from_unet=False)
        with torch.no_grad():
            for name, param in controlnet.named_parameters():
                if name.startswith(("controlnet_", "controlnet_cond_embedding.conv_out")):
                    param.normal_(0.0, 0.02)
        vae = AutoencoderKLTemporalDecoder(**SVD_VAE)
        encoder = CLIPVisionModelWithProjection(CLIPVisionConfig(**CLIP_H))
    models = {"unet": unet, "controlnet": controlnet, "vae": vae, "image_encoder": encoder}
    return {k: m.to("cpu").eval().requires_grad_(False) for k, m in models.items()}


def make_pipeline(models: dict[str, Any], precision: str, offload: str) -> Any:
    import torch
    from diffusers import EulerDiscreteScheduler
    from levitor_svd.loading import tune
    from levitor_svd.pipeline import LeviTorSVDPipeline
    from levitor_svd.tiny import SVD_SCHEDULER
    from transformers import CLIPImageProcessor

    dtypes = {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32}
    parts = {k: copy.deepcopy(m).to(dtypes[d]) for k, (m, d) in _paired(models, precision).items()}
    pipe = LeviTorSVDPipeline(
        scheduler=EulerDiscreteScheduler(**SVD_SCHEDULER),
        feature_extractor=CLIPImageProcessor(crop_size=224, size=224),
        **parts,
    )
    pipe.set_progress_bar_config(disable=True)
    tune(pipe, "cuda", offload, False)
    return pipe


def _paired(models: dict[str, Any], precision: str) -> dict[str, tuple[Any, str]]:
    from levitor_svd.memory import component_dtypes

    return {k: (models[k], d) for k, d in component_dtypes(precision).items()}


def run_take(pipe: Any, precision: str, steps: int, deadline: float) -> dict[str, Any]:
    """One take; peak bytes per phase, step times, non-finite counts, whether it was stopped."""
    import numpy as np
    import PIL.Image
    import torch
    from levitor_svd.backend import autocast

    cuda = torch.cuda
    peaks: dict[str, int] = {}
    stamps: list[float] = []
    bad = {"residuals": 0, "latents": 0}

    def mark(phase: str) -> None:
        cuda.synchronize()
        peaks[phase] = cuda.max_memory_allocated()
        cuda.reset_peak_memory_stats()

    def before_controlnet(_m: Any, _args: Any) -> None:
        if "encode" not in peaks:
            mark("encode")
            stamps.append(time.perf_counter())

    def after_controlnet(_m: Any, _args: Any, out: Any) -> None:
        down, mid = out if isinstance(out, tuple) else (out[0], out[1])
        bad["residuals"] += sum(int((~torch.isfinite(t)).sum()) for t in (*down, mid))

    def on_step(p: Any, i: int, _t: Any, tensors: dict[str, Any]) -> dict[str, Any]:
        cuda.synchronize()
        stamps.append(time.perf_counter())
        bad["latents"] += int((~torch.isfinite(tensors["latents"])).sum())
        if i == steps - 1:
            mark("denoise")
        elif time.monotonic() > deadline:
            p.interrupt = True
        return tensors

    rng = np.random.default_rng(0)
    image = PIL.Image.fromarray(rng.integers(0, 256, (HEIGHT, WIDTH, 3), dtype=np.uint8))
    cond = np.zeros((FRAMES, 3, HEIGHT, WIDTH), np.float32)
    for f in range(FRAMES):
        x = 64 + 16 * f
        cond[f, :, 100:180, x : x + 80] = np.array([255.0, 1.0, 128.0])[:, None, None]
    handles = [
        pipe.controlnet.register_forward_pre_hook(before_controlnet),
        pipe.controlnet.register_forward_hook(after_controlnet),
    ]
    cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    try:
        with autocast("cuda", precision):
            out = pipe(
                image,
                cond,
                height=HEIGHT,
                width=WIDTH,
                num_frames=FRAMES,
                num_inference_steps=steps,
                decode_chunk_size=16,
                generator=torch.Generator("cpu").manual_seed(42),
                output_type="np",
                callback_on_step_end=on_step,
            )
        mark("decode")
    finally:
        for handle in handles:
            handle.remove()
    take = time.perf_counter() - start
    done = len(stamps) - 1
    return {
        "peaks": peaks,
        "step_s": float(np.median(np.diff(stamps))) if done > 0 else float("nan"),
        "take_s": take,
        "steps_done": done,
        "stopped": out.frames is None,
        "bad": bad,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=25)
    parser.add_argument("--budget", type=float, default=400.0, help="seconds for everything")
    args = parser.parse_args(argv)
    reason = no_gpu_reason()
    if reason is not None:
        print(reason, file=sys.stderr)
        return 2

    import torch
    from bench_svd import real_size_layout
    from levitor_svd.memory import GB, estimate

    start = time.monotonic()
    deadline = start + args.budget
    print(f"# levitor-svd GPU check on {torch.cuda.get_device_name()}, torch {torch.__version__}")
    print(f"# {FRAMES} frames × {HEIGHT}×{WIDTH}, guidance 1→3 (batch 2), {args.steps} steps")
    models = random_models()
    print(f"# random models built in {time.monotonic() - start:.0f} s")
    print(
        "| precision | offload | s/step | take s | encode GB (est.) | denoise GB (est.) "
        "| decode GB (est.) | non-finite residuals / latents |"
    )
    print("|---|---|---|---|---|---|---|---|")
    nonfinite = False
    with tempfile.TemporaryDirectory() as tmp:
        layout = real_size_layout(Path(tmp))
        for precision, offload in PLANS:
            if time.monotonic() > deadline:
                print(f"| {precision} | {offload} | skipped: time budget spent |||||")
                continue
            est = estimate(layout, FRAMES, HEIGHT, WIDTH, precision, True, offload, 16)  # type: ignore[arg-type]
            pipe = make_pipeline(models, precision, offload)
            try:
                r = run_take(pipe, precision, args.steps, deadline)
            except torch.cuda.OutOfMemoryError:
                print(
                    f"| {precision} | {offload} | out of memory (estimate {est.describe()}) |||||"
                )
                r = None
            finally:
                del pipe
                gc.collect()
                torch.cuda.empty_cache()
            if r is None:
                continue
            cells = [
                f"{r['peaks'].get(k, 0) / GB:.2f} ({est.phases[k] / GB:.2f})"
                for k in ("encode", "denoise", "decode")
            ]
            note = f" (stopped after {r['steps_done']} steps)" if r["stopped"] else ""
            bad = r["bad"]
            nonfinite |= bad["residuals"] > 0 or bad["latents"] > 0
            print(
                f"| {precision} | {offload} | {r['step_s']:.3f} | {r['take_s']:.1f}{note} | "
                + " | ".join(cells)
                + f" | {bad['residuals']} / {bad['latents']} |"
            )
    print(
        f"# total {time.monotonic() - start:.0f} s. Measured: torch.cuda.max_memory_allocated "
        "per phase; the estimate also counts 0.6 GB of CUDA context and allocator slack."
    )
    if nonfinite:
        print("gpu_check: non-finite values were seen (see the last column)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
