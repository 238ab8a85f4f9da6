"""Slow reference implementations of the original demo's control points and heatmap.

They follow ``gradio_demo/gradio_run.py`` and ``cotracker/predictor.py`` of the public LeviTor
release step by step (one scikit-learn ``KMeans`` per label per frame, one patch pasted per
point), so the engine's batched versions can be cross-checked on inputs other than the
fixtures. Written from the reference's description; used by the tests and the benchmark.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np
from numpy.typing import NDArray


def original_points(
    labels: NDArray[np.integer], depth: NDArray[np.floating], num_moving: int, ratio: float
) -> list[list[list[int]]]:
    """The original's K-means keypoints: one list of ``[row, col, id, depth]`` per frame."""
    from sklearn.cluster import KMeans

    n_frames, height, width = labels.shape
    rows, cols = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    pos = np.stack([rows, cols], axis=-1).astype(np.float32)
    n_labels = int(labels.max())
    area_max = [0] * n_labels
    area_min = [math.inf] * n_labels
    for f in range(n_frames):
        for j in range(n_labels):
            a = int((labels[f] == j + 1).sum())
            area_max[j] = max(area_max[j], a)
            area_min[j] = min(area_min[j], a)

    def chunks(samples: NDArray[np.float32], k: int) -> NDArray[np.float32]:
        step = len(samples) // k
        ids = [step // 2]
        for _ in range(k - 1):
            ids.append(ids[-1] + step)
        return samples[ids]

    kept: dict[int, NDArray[np.float32]] = {}
    out: list[list[list[int]]] = []
    for f in range(n_frames):
        frame_points: list[list[int]] = []
        for i in range(int(labels[f].max())):
            if area_max[i] == 0:
                continue
            k = min(max(round(area_max[i] * 50 / (height * width)), 1), 8)
            if i < num_moving or area_min[i] == 0 or area_max[i] / area_min[i] > 10:
                k = max(k, 3)
            samples = pos[labels[f] == i + 1][::10]
            if len(samples) < k:
                continue
            k = max(1, int(k * ratio))
            if i + 1 not in kept:
                kept[i + 1] = (
                    KMeans(n_clusters=k, init=chunks(samples, k)).fit(samples).cluster_centers_
                )
            elif any(point not in samples for point in kept[i + 1]):
                kept[i + 1] = chunks(samples, k)
            centres = KMeans(n_clusters=k, init=kept[i + 1]).fit(samples).cluster_centers_
            for c in centres:
                d = round(1.0 / float(depth[f][int(c[0])][int(c[1])]))
                frame_points.append([int(c[0]), int(c[1]), i + 1, 0 if d == 1 else d])
        out.append(frame_points)
    return out


def original_template() -> NDArray[np.uint8]:
    """The 200×200 uint8 Gaussian bump, computed pixel by pixel as the original does."""
    size = 200
    disc = cv2.circle(np.zeros((size, size), np.float32), (size // 2, size // 2), size // 2, 1, -1)
    img = np.zeros((size, size), np.float32)
    for i in range(size):
        for j in range(size):
            img[i, j] = (
                1
                / 2
                / np.pi
                / (40**2)
                * np.exp(-1 / 2 * ((i - size / 2) ** 2 / (40**2) + (j - size / 2) ** 2 / (40**2)))
            )
    img = img * disc
    img = (img / np.max(img)).astype(np.float32)
    return (img / np.max(img) * 255).astype(np.uint8)


def original_heatmap(
    points: list[list[list[int]]], width: int, height: int, side: int = 10
) -> NDArray[np.float32]:
    """The original's ``generate_gassian_heatmap``: one patch pasted per point, in order."""
    template = original_template()
    frames = []
    for frame_points in points:
        img = np.zeros((3, height, width), np.float32)
        for py, px, iid, dv in frame_points:
            if px < 0 or py < 0 or px >= width or py >= height:
                continue
            x1, x2 = max(px - side, 1), min(px + side, width - 1)
            y1, y2 = max(py - side, 1), min(py + side, height - 1)
            patch = cv2.resize(template, (x2 - x1, y2 - y1))
            img[0, y1:y2, x1:x2] = patch
            img[1, y1:y2, x1:x2] = (np.ones_like(patch) * iid) * (patch != 0)
            img[2, y1:y2, x1:x2] = (np.ones_like(patch) * dv) * (patch != 0)
        frames.append(img)
    return np.stack(frames)


def original_path(points: Sequence[tuple[float, float, float]], frames: int) -> NDArray[np.float64]:
    """The original demo's path: clicks spread evenly in time, PCHIP over the click index."""
    pts = np.asarray(points, dtype=np.float64)
    idx = np.arange(len(pts), dtype=np.float64)
    from scipy.interpolate import PchipInterpolator

    f = PchipInterpolator(idx, pts, axis=0)
    return np.asarray(f(np.linspace(0.0, len(pts) - 1.0, frames)), dtype=np.float64)
