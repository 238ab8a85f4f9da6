"""Benchmark of the control signal: batched K-means points and the tensor vs the original way.

Run: ``.venv/bin/python bench/bench_signal.py [--repeat N]``. Compares, on the same label and
depth maps, the engine's batched K-means (:func:`kmeans_points`) with the original's one
scikit-learn ``KMeans`` per label per frame, and the vectorised conditioning tensor with the
original's one-patch-per-point pasting (template precomputed, so that side is a lower bound).
Inputs: the reference K-means fixture (16 × 288×512, 23 labels) at ratios 1.0 / 0.5 / 2.0, and
the issue's benchmark scene (16 frames at 288×512, 3 moving objects, 20 static segments) through
the whole chain (masks + points + tensor). Prints a Markdown table of medians.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits
from timing import median_ms

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the slow reference implementations live there
sys.path.insert(0, str(ROOT / "bench"))

from bench_engine import bench_scene  # noqa: E402
from levitor_original import original_heatmap, original_points  # noqa: E402

from levitor_studio.engine.conditioning import build_conditioning, gaussian_template  # noqa: E402
from levitor_studio.engine.control_points import kmeans_points  # noqa: E402
from levitor_studio.engine.render import render_masks  # noqa: E402
from levitor_studio.engine.signal import build_signal  # noqa: E402

REFERENCE = ROOT / "tests" / "reference"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs of the fast paths")
    parser.add_argument("--repeat-slow", type=int, default=3, help="runs of the original way")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # scikit-learn's own chatter must not colour timings
    rows: list[tuple[str, float, float | None]] = []

    def slow_ms(fn: Callable[[], object]) -> float:
        # one OpenMP thread: on a busy 2-core machine scikit-learn's spinning threads can be
        # 10× slower than one, which would flatter the speed-up
        with threadpool_limits(1):
            return median_ms(fn, args.repeat_slow)

    def add(what: str, ours: float, original: float | None = None) -> None:
        rows.append((what, ours, original))
        extra = f"{original:10.1f} ms  ×{original / ours:5.1f}" if original else ""
        print(f"  {what:<52} {ours:9.2f} ms {extra}", flush=True)

    with np.load(REFERENCE / "levitor_kmeans_reference.npz", allow_pickle=False) as npz:
        labels, depth, n_moving = npz["labels"], npz["depth"], int(npz["num_moving"])
    # warm-up: scikit-learn's first fit inspects the thread pools (seconds, once per process)
    with threadpool_limits(1):
        original_points(labels[:2, :64, :64], depth[:2, :64, :64], n_moving, 1.0)
    kmeans_points(labels[:2], depth[:2], n_moving)
    for ratio in (1.0, 0.5, 2.0):
        ours = median_ms(lambda r=ratio: kmeans_points(labels, depth, n_moving, r), args.repeat)
        slow = slow_ms(lambda r=ratio: original_points(labels, depth, n_moving, r))
        add(f"K-means points, fixture, ratio {ratio}", ours, slow)

    with np.load(REFERENCE / "levitor_heatmap_reference.npz", allow_pickle=False) as npz:
        pts_json = json.loads(str(npz["points"]))
    pts = [np.array(p, dtype=np.int64).reshape(-1, 4) for p in pts_json]
    gaussian_template()
    build_conditioning(pts, 288, 512)  # fills the patch cache once, as any session does
    add(
        f"tensor, heatmap fixture ({sum(len(p) for p in pts)} points)",
        median_ms(lambda: build_conditioning(pts, 288, 512), args.repeat),
        slow_ms(lambda: original_heatmap(pts_json, 288, 512)),
    )

    scene = bench_scene(288, 512, 3)
    lab, dep = render_masks(scene)
    points = kmeans_points(lab, dep, 3)
    as_lists = [p.tolist() for p in points]
    masks_ms = median_ms(lambda: render_masks(scene), args.repeat)
    points_ms = median_ms(lambda: kmeans_points(lab, dep, 3), args.repeat)
    tensor_ms = median_ms(lambda: build_conditioning(points, 288, 512), args.repeat)
    slow_points = slow_ms(lambda: original_points(lab, dep, 3, 1.0))
    slow_tensor = slow_ms(lambda: original_heatmap(as_lists, 288, 512))
    n_pts = sum(len(p) for p in points)
    add("bench scene: render_masks (16 frames)", masks_ms)
    add(f"bench scene: K-means points ({n_pts} points)", points_ms, slow_points)
    add("bench scene: tensor", tensor_ms, slow_tensor)
    add("bench scene: points + tensor", points_ms + tensor_ms, slow_points + slow_tensor)
    add(
        "bench scene: whole signal (build_signal)",
        median_ms(lambda: build_signal(scene), args.repeat),
    )

    print()
    print("| operation | engine | original way | speed-up |")
    print("|---|---|---|---|")
    for what, ours, original in rows:
        if original is None:
            print(f"| {what} | {ours:.1f} ms | | |")
        else:
            print(f"| {what} | {ours:.1f} ms | {original:.0f} ms | {original / ours:.0f}× |")


if __name__ == "__main__":
    main()
