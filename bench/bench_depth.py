"""Benchmark of the Depth Anything V2 plugin on this CPU: load, one depth map, cached repeat.

Run: ``.venv/bin/python bench/bench_depth.py [--repeat N] [--skip-small]``. Models are randomly
initialised (nothing is downloaded), saved with ``save_pretrained`` in transformers' layout and
loaded through the plugin: a tiny model and the real Depth Anything V2 *Small* architecture
(24.8 M parameters; random and trained weights cost the same). Images are the two default
working frames, 512 × 288 and 288 × 512; the network input follows the original's size rule
(short side 518, or 512 as the LeviTor demo). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from timing import fmt_seconds, median_min


def _image(w: int, h: int) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w]
    img = np.stack([xx * 255 // w, yy * 255 // h, (xx * yy) % 256], -1).astype(np.uint8)
    img[h // 4 : h // 2, w // 3 : w // 2] = (230, 200, 40)
    return img


def _save(folder: Path, config: Any) -> Path:
    import torch
    from transformers import DepthAnythingForDepthEstimation, DPTImageProcessor
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    torch.manual_seed(0)
    DepthAnythingForDepthEstimation(config).save_pretrained(folder)
    DPTImageProcessor(size={"height": 518, "width": 518}, ensure_multiple_of=14).save_pretrained(
        folder
    )
    return folder


def _configs() -> dict[str, Any]:
    from transformers import DepthAnythingConfig, Dinov2Config

    tiny_backbone = Dinov2Config(
        hidden_size=16,
        num_hidden_layers=4,
        num_attention_heads=2,
        intermediate_size=32,
        out_indices=[1, 2, 3, 4],
        reshape_hidden_states=False,
    )
    return {
        "tiny": DepthAnythingConfig(
            backbone_config=tiny_backbone,
            neck_hidden_sizes=[4, 4, 4, 4],
            fusion_hidden_size=4,
            head_hidden_size=2,
            reassemble_hidden_size=16,
        ),
        # transformers' defaults are the Depth Anything (V2) Small architecture
        "V2 Small": DepthAnythingConfig(),
    }


Row = tuple[str, str, tuple[float, float]]


def bench(name: str, folder: Path, repeat: int) -> list[Row]:
    from levitor_depth_anything.backend import DepthAnythingEstimator
    from levitor_depth_anything.inference import model_input_size

    rows: list[Row] = []
    for input_size in ("518", "512"):
        est = DepthAnythingEstimator({"model_dir": str(folder), "input_size": input_size})
        start = time.perf_counter()
        est._ensure_model()
        load = time.perf_counter() - start
        if input_size == "518":
            params = sum(p.numel() for p in est._model.parameters()) / 1e6
            rows.append((f"{name} ({params:.1f} M params): load", "", (load, load)))
        for w, h in ((512, 288), (288, 512)):
            image = _image(w, h)
            nh, nw = model_input_size(h, w, int(input_size))
            size = f"{w}×{h} → {nw}×{nh}"
            # a new image each run: a different pixel defeats the per-image cache
            variants = [image.copy() for _ in range(repeat)]
            for i, img in enumerate(variants):
                img[0, 0, 0] = i
            images = iter(variants)
            timing = median_min(lambda it=images, e=est: e.estimate(next(it)), repeat)
            rows.append((f"{name}: depth map, input {input_size}", size, timing))
            cached = median_min(lambda e=est, im=image: e.estimate(im), repeat)
            rows.append((f"{name}: same image again (cached)", size, cached))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-small", action="store_true", help="only the tiny model")
    args = parser.parse_args()

    import torch

    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, config in _configs().items():
            if name != "tiny" and args.skip_small:
                continue
            rows += bench(name, _save(Path(tmp) / name.replace(" ", "_"), config), args.repeat)
    cpu = platform.processor() or platform.machine()
    print(f"\nCPU: {cpu}, torch threads {torch.get_num_threads()}, repeat {args.repeat}\n")
    print("| operation | image → network input | median | min |")
    print("|---|---|---|---|")
    for label, size, (median, best) in rows:
        print(f"| {label} | {size} | {fmt_seconds(median)} | {fmt_seconds(best)} |")


if __name__ == "__main__":
    main()
