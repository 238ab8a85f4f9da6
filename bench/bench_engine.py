"""Benchmark of mask rendering, the CPU preview and video export; prints a Markdown table.

Run: ``.venv/bin/python bench/bench_engine.py [--repeat N]``. Scenes are synthetic (textured
image, ground-plane depth, 20 static segments, 2–5 moving objects that change depth), 16 frames.
Times are medians of ``repeat`` runs on this machine; "per frame" rows divide a whole-clip run.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
from functools import partial
from pathlib import Path

import numpy as np
import timing

from levitor_studio.engine.preview import PreviewRenderer, render_frame, render_preview
from levitor_studio.engine.render import MaskRenderer, render_masks
from levitor_studio.engine.video_export import write_mp4
from levitor_studio.model.keyframes import Easing, Keyframe
from levitor_studio.model.scene import Scene, SceneObject

#: every timing here starts with one untimed call (caches, lazy imports)
median_ms = partial(timing.median_ms, warmup=True)


def bench_scene(width: int, height: int, n_objects: int, frames: int = 16) -> Scene:
    rng = np.random.default_rng(n_objects)
    yy, xx = np.mgrid[0:height, 0:width]
    image = np.stack(
        [80 + 60 * np.sin(xx / 9.0), 120 + 50 * np.cos(yy / 11.0), 100 + 0.2 * yy], -1
    ).clip(0, 255)
    image = image.astype(np.uint8)
    horizon = 0.35 * height
    depth = np.where(yy < horizon, 1.0, 8.0 / (8.0 + 247.0 * (yy - horizon) / (height - horizon)))
    depth = np.clip(depth, 1 / 255, 1).astype(np.float32)
    # 20 static segments: a 4 × 5 grid
    segments = (yy * 4 // height) * 5 + (xx * 5 // width) + 1
    objects = []
    for i in range(n_objects):
        r = min(width, height) * rng.uniform(0.06, 0.12)
        cx, cy = width * rng.uniform(0.2, 0.8), height * rng.uniform(0.45, 0.85)
        mask = (xx - cx) ** 2 + (yy - cy) ** 2 <= r * r
        z0 = float(np.median(depth[mask]))
        end = (width * rng.uniform(0.2, 0.8), height * rng.uniform(0.4, 0.9))
        keys = [
            Keyframe(0, cx, cy, z0, Easing.SMOOTH),
            Keyframe(frames // 2, (cx + end[0]) / 2, cy - r, z0 * 0.7, Easing.SMOOTH),
            Keyframe(frames - 1, end[0], end[1], min(z0 * 1.4, 1.0)),
        ]
        objects.append(SceneObject(i + 1, f"o{i}", (200, 100, 0), mask, keys))
    return Scene(
        image=image,
        frames=frames,
        depth=depth,
        objects=objects,
        segments=segments.astype(np.int32),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    rows: list[tuple[str, str, float]] = []

    def add(what: str, size: str, ms: float) -> None:
        rows.append((what, size, ms))
        print(f"  {what:<46} {size:>8} {ms:9.2f} ms", flush=True)

    for n in (2, 3, 5):
        scene = bench_scene(288, 512, n)
        f = scene.frames
        add(
            f"render_masks, {n} objects, per frame",
            "288×512",
            median_ms(lambda s=scene: render_masks(s), args.repeat) / f,
        )
        mr = MaskRenderer(scene)
        add(
            f"mask frame (static part cached), {n} obj",
            "288×512",
            median_ms(lambda m=mr, t=f // 2: m.frame(t), args.repeat),
        )
        add(
            f"preview setup (inpaint + layers), {n} obj",
            "288×512",
            median_ms(lambda s=scene: PreviewRenderer(s), args.repeat),
        )
        pr = PreviewRenderer(scene)
        add(
            f"preview frame (renderer held), {n} obj",
            "288×512",
            median_ms(lambda s=scene, p=pr, t=f // 2: p.frame(s, t), args.repeat),
        )
        add(
            f"render_frame (cache lookup), {n} obj",
            "288×512",
            median_ms(lambda s=scene, t=f // 2: render_frame(s, t), args.repeat),
        )
    big = bench_scene(1024, 576, 3)
    bpr = PreviewRenderer(big)
    add(
        "preview frame (renderer held), 3 obj",
        "1024×576",
        median_ms(lambda: bpr.frame(big, 8), args.repeat),
    )
    add(
        "render_masks, 3 objects, per frame",
        "1024×576",
        median_ms(lambda: render_masks(big), max(args.repeat // 3, 1)) / big.frames,
    )
    clip = render_preview(bench_scene(288, 512, 3))
    with tempfile.TemporaryDirectory() as tmp:
        add(
            "MP4 export, 16 frames",
            "288×512",
            median_ms(lambda: write_mp4(clip, Path(tmp) / "c.mp4"), max(args.repeat // 3, 1)),
        )

    print()
    print(
        f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print()
    print("| operation | size | median |")
    print("|---|---|---|")
    for what, size, ms in rows:
        print(f"| {what} | {size} | {ms:.2f} ms |")


if __name__ == "__main__":
    main()
