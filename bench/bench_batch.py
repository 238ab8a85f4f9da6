"""Batch throughput: 64 preview shots here and on a local two-worker Ray cluster, plus a paper
estimate of a day of SVD shots on N GPUs.

Shots: the bundled coffee example (512×288, 16 frames) × 16 seeds × 4 setting overrides, each
stored as a take and copied to the output folder, exactly as ``levitor-studio batch`` does.
Per-shot overhead is what a shot costs beyond its generator: inside the shot (load the project,
hash, encode and store the take, copy the video) and, on Ray, scheduling and the result's trip.

The SVD estimate counts the floating-point operations of one denoising step (ControlNet + UNet,
batch 2 for guidance) and of the VAE decode of the real SVD-XT architecture under PyTorch's
FakeTensorMode (nothing is allocated), and divides by an assumed sustained GPU throughput. No
GPU has been lent to this project, so it is a PAPER ESTIMATE, not a measurement.

    .venv/bin/python bench/bench_batch.py [--shots 64] [--no-ray] [--no-svd]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "resources" / "examples" / "coffee" / "coffee.levitor"
#: sustained fp16 throughput assumed for the paper estimate (TFLOP/s): about 35 % of an
#: A100's 312 dense fp16 peak, typical for diffusion UNets with fused attention
SUSTAINED_TFLOPS = 110.0
STEPS = 25
RAY_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0"}


def make_job(folder: Path, shots: int) -> Path:
    shutil.copy(EXAMPLE, folder / "coffee.levitor")
    seeds = list(range(1, shots // 4 + 1))
    overrides = "".join(
        f'\n[[overrides]]\nname = "m{m}"\nmotion_bucket = {m}\n' for m in (40, 80, 127, 200)
    )
    job = folder / "job.toml"
    job.write_text(
        textwrap.dedent(
            f"""
            output = "out"
            generator = "preview"
            seeds = {seeds}
            [[scenes]]
            project = "coffee.levitor"
            """
        )
        + overrides
    )
    return job


def describe(summary, workers: int) -> dict[str, float]:
    res = [r for r in summary.results if r.status == "rendered"]
    n = len(res)
    shot = statistics.mean(r.seconds for r in res)
    gen = statistics.mean(r.generate_s for r in res)
    return {
        "shots": n,
        "total_s": summary.seconds,
        "shots_per_min": 60 * n / summary.seconds,
        "shot_s": shot,
        "generate_s": gen,
        "in_shot_overhead_s": shot - gen,
        "scheduling_overhead_s": summary.seconds * workers / n - shot,
    }


def run_local_bench(shots: int) -> dict[str, float]:
    from levitor_studio.batch.job import load_job
    from levitor_studio.batch.run import run_local

    with tempfile.TemporaryDirectory() as tmp:
        job = load_job(make_job(Path(tmp), shots))
        return describe(run_local(job), workers=1)


def run_ray_bench(shots: int) -> dict[str, float]:
    os.environ.update(RAY_ENV)
    import ray
    from ray.cluster_utils import Cluster

    from levitor_studio.batch.farm import run_ray
    from levitor_studio.batch.job import load_job

    ray._private.ray_constants.ENABLE_RAY_CLUSTER = False
    head = {"num_cpus": 0, "include_dashboard": False, "node_ip_address": "127.0.0.1"}
    cluster = Cluster(initialize_head=True, head_node_args=head)
    try:
        for _ in range(2):
            cluster.add_node(num_cpus=1, node_ip_address="127.0.0.1")
        cluster.wait_for_nodes()
        with tempfile.TemporaryDirectory() as tmp:
            job = load_job(make_job(Path(tmp), shots))
            return describe(run_ray(job, cluster.address), workers=2)
    finally:
        cluster.shutdown()


def svd_flops(frames: int = 16, height: int = 288, width: int = 512) -> dict[str, float]:
    """TFLOPs of one guided denoising step and of the VAE decode (FakeTensorMode)."""
    import torch
    from diffusers import AutoencoderKLTemporalDecoder
    from levitor_svd.controlnet import LeviTorControlNetModel
    from levitor_svd.unet import ControlledUNetSpatioTemporalModel
    from torch._subclasses.fake_tensor import FakeTensorMode
    from torch.utils.flop_counter import FlopCounterMode

    sys.path.insert(0, str(ROOT / "bench"))
    from bench_svd import SVD_VAE

    torch.set_default_dtype(torch.float16)
    try:
        with FakeTensorMode(allow_non_fake_inputs=True), torch.no_grad():
            unet = ControlledUNetSpatioTemporalModel()
            cn = LeviTorControlNetModel.from_unet(unet, load_weights_from_unet=False)
            vae = AutoencoderKLTemporalDecoder(**SVD_VAE)
            h, w = height // 8, width // 8
            x = torch.randn(2, frames, 8, h, w)
            ehs, ids = torch.randn(2, 1, 1024), torch.randn(2, 3)
            cond = torch.randn(2, frames, 3, height, width)
            step = FlopCounterMode(display=False)
            with step:
                down, mid = cn(x, torch.tensor(1.0), ehs, ids, cond, return_dict=False)
                unet(
                    x,
                    torch.tensor(1.0),
                    ehs,
                    ids,
                    down_block_additional_residuals=down,
                    mid_block_additional_residual=mid,
                )
            dec = FlopCounterMode(display=False)
            with dec:
                vae.decode(torch.randn(frames, 4, h, w), num_frames=frames)
    finally:
        torch.set_default_dtype(torch.float32)
    return {"step": step.get_total_flops() / 1e12, "decode": dec.get_total_flops() / 1e12}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shots", type=int, default=64)
    ap.add_argument("--no-ray", action="store_true")
    ap.add_argument("--no-svd", action="store_true")
    args = ap.parse_args()
    rows = {"local, one at a time": run_local_bench(args.shots)}
    if not args.no_ray:
        rows["Ray, head + 2 one-CPU workers"] = run_ray_bench(args.shots)
    print("| where | shots | total | shots/min | shot (wall, in task) | generator | in-shot "
          "overhead | scheduling overhead |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for where, d in rows.items():
        print(
            f"| {where} | {d['shots']} | {d['total_s']:.1f} s | {d['shots_per_min']:.1f} | "
            f"{d['shot_s']:.2f} s | {d['generate_s']:.2f} s | {d['in_shot_overhead_s']:.2f} s | "
            f"{d['scheduling_overhead_s']:.2f} s |"
        )
    if args.no_svd:
        return
    tf = svd_flops()
    take_tflop = STEPS * tf["step"] + tf["decode"]
    seconds = take_tflop / SUSTAINED_TFLOPS
    print(
        f"\nPAPER ESTIMATE (no GPU measured): one guided step {tf['step']:.1f} TFLOP, decode "
        f"{tf['decode']:.1f} TFLOP, {STEPS} steps = {take_tflop:.0f} TFLOP per take; at "
        f"{SUSTAINED_TFLOPS:.0f} TFLOP/s sustained: {seconds:.0f} s per take"
    )
    for n in (1, 8, 64):
        print(f"  {n:3d} GPUs: {86400 * n / seconds:,.0f} takes per day")


if __name__ == "__main__":
    main()
