"""Benchmark of the SAM segmenter plugin: load, image embedding once, then per click.

Run: ``.venv/bin/python bench/bench_sam.py [--repeat N] [--skip-vit-b] [--auto N]``. Models are
randomly initialised (no weights are downloaded) and saved as real checkpoints, then loaded
through the plugin: the tests' tiny SAM and the real ViT-B architecture (the timings of random
and trained weights are the same). Image: a 512 × 288 working frame. Per-click rows are medians
of ``repeat`` prompts with the embedding cached. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from timing import fmt_seconds, median_min


def _image(w: int = 512, h: int = 288) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w]
    img = np.stack([xx * 255 // w, yy * 255 // h, (xx + yy) % 256], -1).astype(np.uint8)
    img[80:200, 200:330] = (230, 200, 40)
    return img


def _once(fn: Callable[[], Any]) -> tuple[float, float]:
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    return elapsed, elapsed


def _checkpoint(folder: Path, name: str, arch: Any) -> Path:
    import torch
    from levitor_sam.checkpoint import build_sam

    torch.manual_seed(0)
    model = build_sam(arch)
    path = folder / f"{name}.pth"
    torch.save(model.state_dict(), path)
    return path


Row = tuple[str, str, tuple[float, float]]


def bench(name: str, path: Path, repeat: int, auto_points: int) -> list[Row]:
    from levitor_sam.backend import SamSegmenter

    from levitor_studio.plugin_host.protocols import Prompt

    image = _image()
    size = f"{image.shape[1]}×{image.shape[0]}"
    options = {"checkpoint": str(path), "device": "cpu", "points_per_side": str(auto_points or 32)}
    sam = SamSegmenter(options)
    mb = path.stat().st_size / 1e6
    rows: list[Row] = [(f"{name}: load checkpoint ({mb:.0f} MB)", "", _once(sam._ensure_model))]
    rows.append(
        (f"{name}: image embedding (once per image)", size, _once(lambda: sam.set_image(image)))
    )
    rows.append(
        (
            f"{name}: set_image again (cached)",
            size,
            median_min(lambda: sam.set_image(image), repeat),
        )
    )
    prompts = {
        "1 click (3 candidates)": Prompt(clicks=[(260.0, 140.0, 1)]),
        "3 clicks (4 candidates)": Prompt(clicks=[(260.0, 140.0, 1), (300, 120, 1), (20, 20, 0)]),
        "box (4 candidates)": Prompt(box=(190.0, 70.0, 340.0, 210.0)),
    }
    first = next(iter(prompts.values()))
    # the first prompt after loading includes one-off allocations
    rows.append((f"{name}: first click after loading", size, _once(lambda: sam.segment(first))))
    for label, prompt in prompts.items():
        timing = median_min(lambda p=prompt: sam.segment(p), repeat)
        rows.append((f"{name}: per click, {label}", size, timing))
    if auto_points:
        found: list[int] = []
        timing = _once(lambda: found.append(int(sam.automatic().max())))
        label = f"{name}: automatic, {auto_points}×{auto_points} prompts ({found[0]} segments)"
        rows.append((label, size, timing))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--skip-vit-b", action="store_true", help="only the tiny model")
    parser.add_argument(
        "--auto", type=int, default=0, metavar="N", help="also time the automatic mode, N×N grid"
    )
    args = parser.parse_args()

    import torch
    from levitor_sam.checkpoint import SamArch, arch_from_shapes
    from segment_anything import sam_model_registry

    tiny = SamArch(32, 2, 2, 2.0, (1,), 2, 64, 16, 32, 4, 2, 64, 3, 3, 32)
    with torch.device("meta"):
        shapes = {k: tuple(v.shape) for k, v in sam_model_registry["vit_b"]().state_dict().items()}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += bench("tiny SAM", _checkpoint(Path(tmp), "tiny", tiny), args.repeat, args.auto)
        if not args.skip_vit_b:
            vit_b = _checkpoint(Path(tmp), "vit_b", arch_from_shapes(shapes))
            rows += bench("ViT-B", vit_b, args.repeat, args.auto)
    cpu = platform.processor() or platform.machine()
    print(f"\nCPU: {cpu}, torch threads {torch.get_num_threads()}, repeat {args.repeat}\n")
    print("| operation | image | median | min |")
    print("|---|---|---|---|")
    for label, size, (median, best) in rows:
        print(f"| {label} | {size} | {fmt_seconds(median)} | {fmt_seconds(best)} |")


if __name__ == "__main__":
    main()
