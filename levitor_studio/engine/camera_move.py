"""The camera track at work: every pixel reprojected through the moved camera with its own depth.

``scene-model.md`` § Camera: pixel ``(x, y)`` at pseudo-depth ``z`` unprojects to
``P = z · K⁻¹ [x, y, 1]ᵀ`` (:class:`.camera.PinholeCamera`), moves to ``P' = R_tᵀ (P − c_t)``
and projects to ``K P' / P'_z`` with depth ``P'_z``. Depth 1 ("far") is at infinity: it ignores
``c_t``, moves only with the rotation and stays 1. A point whose new depth is not positive is
not drawn.

A frame with a moved camera is the frame rendered without the camera (objects already placed,
occlusion resolved), forward-splatted through the camera: each pixel lands on the 2 × 2 pixel
centres around its new position, the nearest depth winning (a pixel's nearest centre first among
equals), so a magnification up to 2× leaves no holes; a near surface's outline may grow by a
pixel. Pixels nothing lands on (the frame edges a move uncovers, large disocclusions) get
no id and depth far in the label maps; the preview inpaints them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .camera import PinholeCamera

F64 = NDArray[np.float64]


def _rot(axis: int, deg: float) -> F64:
    a = np.deg2rad(deg)
    c, s = float(np.cos(a)), float(np.sin(a))
    if axis == 0:  # tilt: positive looks up (forward turns towards −y)
        return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])
    if axis == 1:  # pan: positive looks right (forward turns towards +x)
        return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])  # roll about the view axis


@dataclass(frozen=True)
class CameraPose:
    """The camera at one frame: rotation ``R`` (columns = its axes in frame-0 camera space)
    and centre ``c``."""

    rotation: F64
    centre: F64

    @classmethod
    def of_row(cls, row: ArrayLike) -> CameraPose:
        """From one row of :meth:`Scene.camera_path` (pan, tilt, roll, dolly, truck, pedestal)."""
        pan, tilt, roll, dolly, truck, pedestal = (float(v) for v in np.asarray(row))
        r = _rot(1, pan) @ _rot(0, tilt) @ _rot(2, roll)
        return cls(r, np.array([truck, pedestal, dolly]))

    @property
    def still(self) -> bool:
        return bool(np.array_equal(self.rotation, np.eye(3)) and not self.centre.any())


def reproject(
    cam: PinholeCamera, at: CameraPose, x: ArrayLike, y: ArrayLike, z: ArrayLike
) -> tuple[F64, F64, F64]:
    """Pixels ``(x, y)`` at depth ``z`` seen from the moved camera: ``(x', y', z')``.

    ``z' <= 0`` (behind the camera) gives ``nan`` coordinates; far points (``z >= 1``) keep
    depth 1 and ignore the camera's translation.
    """
    p = cam.unproject(x, y, z)
    za = p[..., 2]
    far = za >= 1.0
    shifted = p - np.where(far[..., None], 0.0, at.centre)
    q = shifted @ at.rotation  # Rᵀ (P − c) for row vectors
    out = cam.project(q)
    depth = np.where(far, 1.0, q[..., 2])
    bad = ~(q[..., 2] > 0)
    xs = np.where(bad, np.nan, out[..., 0])
    ys = np.where(bad, np.nan, out[..., 1])
    return xs, ys, np.where(bad, np.nan, depth)


#: "no source pixel" in a per-cell winner map
_NONE = np.iinfo(np.int64).max
#: pixels reprojected per chunk: the per-pixel arithmetic stays in the CPU cache
_CHUNK = 16384
_local = threading.local()


class _Work:
    """Buffers for splatting one frame size, kept per thread and reused frame after frame (a
    fresh set of frame-sized arrays per frame cost more in page faults than the arithmetic):
    about 120 bytes a pixel, 18 MB at 512×288, per thread that splats."""

    def __init__(self, h: int, w: int) -> None:
        n, rows = h * w, max(1, min(h, _CHUNK // w))
        self.shape = (h, w)
        # one chunk of rows: camera-space points and their new pixel coordinates
        self.p, self.q = np.empty((rows, w, 3)), np.empty((rows, w, 3))
        self.z64, self.x, self.y = np.empty((rows, w)), np.empty((rows, w)), np.empty((rows, w))
        self.far, self.use = np.empty((rows, w), bool), np.empty((rows, w), bool)
        self.cell, self.tmp = np.empty((rows, w), np.intp), np.empty((rows, w), np.intp)
        # per pixel of the frame: new depth, anchor cell, nearest cell (the last cell = "none")
        self.z, self.anchor, self.near = np.empty(n), np.empty(n, np.intp), np.empty(n, np.intp)
        self.source = np.arange(n, dtype=np.int64)
        self.key, self.gather, self.tie = np.empty(n, np.int64), np.empty(n), np.empty(n, bool)
        cells = (h + 1) * (w + 1) + 1  # anchors padded by a row and a column, + "none"
        self.a_z, self.a_s, self.hit = (
            np.empty(cells),
            np.empty(cells, np.int64),
            np.empty(cells, bool),
        )
        self.win_z, self.first = np.empty(n + 1), np.empty(n + 1, np.int64)
        self.win_s, self.covered = np.empty((h, w), np.int64), np.empty((h, w), bool)
        self.same, self.cand = np.empty((h, w), bool), np.empty((h, w), np.int64)


def _work(h: int, w: int) -> _Work:
    work: _Work | None = getattr(_local, "work", None)
    if work is None or work.shape != (h, w):
        work = _local.work = _Work(h, w)
    return work


def _land(cam: PinholeCamera, at: CameraPose, depth: NDArray[np.float32], work: _Work) -> None:
    """Reproject every pixel: its new depth into ``work.z``, the anchor ``(⌊x⌋, ⌊y⌋)`` and the
    nearest centre ``(⌊x + ½⌋, ⌊y + ½⌋)`` of the pixels that land in reach of the frame into
    ``work.anchor`` and ``work.near`` (the last cell, "none", for the others).

    The same arithmetic as :func:`reproject`, in the same order of operations (the product with
    the rotation is the same ``(rows, W, 3) @ (3, 3)`` matmul, one row per product), so every
    value is bit-identical; a chunk of rows at a time, in reused buffers.
    """
    h, w = depth.shape
    cx, cy = cam.centre
    f = cam.focal
    dx = np.arange(w, dtype=np.float64) - cx
    dy = np.arange(h, dtype=np.float64) - cy
    rows = work.p.shape[0]
    none_a, none_n = work.a_z.size - 1, h * w
    for r0 in range(0, h, rows):
        k = min(rows, h - r0)
        span = slice(r0 * w, (r0 + k) * w)
        z64, p, q = work.z64[:k], work.p[:k], work.q[:k]
        x, y, far, use = work.x[:k], work.y[:k], work.far[:k], work.use[:k]
        cell, tmp = work.cell[:k], work.tmp[:k]
        np.copyto(z64, depth[r0 : r0 + k])
        np.greater_equal(z64, 1.0, out=far)
        np.logical_not(far, out=use)
        # P − c (far points keep P), a coordinate plane at a time, then interleaved for matmul
        np.multiply(dx[None, :], z64, out=x)
        np.divide(x, f, out=x)
        np.multiply(dy[r0 : r0 + k, None], z64, out=y)
        np.divide(y, f, out=y)
        for j, plane in enumerate((x, y, z64)):
            np.subtract(plane, at.centre[j], out=plane, where=use)
            p[..., j] = plane
        np.matmul(p, at.rotation, out=q)  # Rᵀ (P − c) for row vectors
        qz = q[..., 2]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for out, col, c in ((x, 0, cx), (y, 1, cy)):
                np.multiply(q[..., col], f, out=out)
                np.divide(out, qz, out=out)
                np.add(out, c, out=out)
        zk = work.z[span].reshape(k, w)
        np.copyto(zk, qz)
        np.copyto(zk, 1.0, where=far)
        # in reach: in front of the camera with ⌊x⌋ in −1 … W−1 and ⌊y⌋ in −1 … H−1
        # (comparisons are False for nan, so this also drops what reproject marks nan)
        np.greater(qz, 0.0, out=use)
        for v, hi in ((x, w), (y, h)):
            use &= v >= -1.0
            use &= v < hi
        np.copyto(x, -1.0, where=~use)  # the dropped get harmless coordinates
        np.copyto(y, -1.0, where=~use)
        anchor, near = work.anchor[span].reshape(k, w), work.near[span].reshape(k, w)
        np.floor(y, out=q[..., 0])
        np.copyto(cell, q[..., 0], casting="unsafe")
        np.floor(x, out=q[..., 1])
        np.copyto(tmp, q[..., 1], casting="unsafe")
        np.multiply(cell + 1, w + 1, out=anchor)
        anchor += tmp + 1
        np.copyto(anchor, none_a, where=~use)
        np.add(y, 0.5, out=q[..., 0])
        np.floor(q[..., 0], out=q[..., 0])
        np.copyto(cell, q[..., 0], casting="unsafe")
        np.add(x, 0.5, out=q[..., 1])
        np.floor(q[..., 1], out=q[..., 1])
        np.copyto(tmp, q[..., 1], casting="unsafe")
        use &= (cell < h) & (tmp < w) & (cell >= 0) & (tmp >= 0)
        np.multiply(cell, w, out=near)
        near += tmp
        np.copyto(near, none_n, where=~use)


def splat(
    cam: PinholeCamera,
    at: CameraPose,
    depth: NDArray[np.float32],
    layers: list[NDArray[np.generic]],
    fills: list[object],
) -> tuple[NDArray[np.float32], list[NDArray[np.generic]], NDArray[np.bool_]]:
    """Forward-splat ``layers`` (``(H, W)`` or ``(H, W, C)``) by ``depth`` through the camera.

    Returns the new depth (far 1.0 where nothing lands), the moved layers (``fills`` where
    nothing lands) and the mask of pixels something landed on.

    Each pixel lands on the 2 × 2 centres ``(⌊x⌋ + dx, ⌊y⌋ + dy)``, one of which is its nearest
    centre ``(⌊x + ½⌋, ⌊y + ½⌋)``. A centre takes, among what lands on it, the smallest depth,
    then a pixel whose nearest centre it is, then the first pixel in raster order. That order is
    found without sorting the ~4·H·W landings: per anchor ``(⌊x⌋, ⌊y⌋)`` (one scatter-min of the
    H·W pixels) the smallest depth and the first pixel at it; a centre's best among its four
    anchors is then a dense minimum over four shifted grids, and the pixels whose nearest centre
    holds their own depth take it over (the first of them in raster order).
    """
    h, w = depth.shape
    work = _work(h, w)
    _land(cam, at, depth, work)
    z, anchor, near, key = work.z, work.anchor, work.near, work.key
    # per anchor: the smallest depth, then the first source pixel at it
    a_z, a_s, hit = work.a_z, work.a_s, work.hit
    a_z.fill(np.inf)
    np.minimum.at(a_z, anchor, z)
    np.take(a_z, anchor, out=work.gather)
    np.equal(z, work.gather, out=work.tie)
    key.fill(_NONE)
    np.copyto(key, work.source, where=work.tie)
    a_s.fill(_NONE)
    np.minimum.at(a_s, anchor, key)
    hit.fill(False)
    hit[anchor] = True
    # a centre's four anchors: the padded grid shifted by 0 or 1 in x and y
    grids = [g[:-1].reshape(h + 1, w + 1) for g in (a_z, a_s, hit)]
    windows = [
        (slice(1 - dy, h + 1 - dy), slice(1 - dx, w + 1 - dx)) for dy in (0, 1) for dx in (0, 1)
    ]
    win_z, covered, win_s = work.win_z[:-1].reshape(h, w), work.covered, work.win_s
    np.copyto(win_z, grids[0][windows[0]])
    np.copyto(covered, grids[2][windows[0]])
    for win in windows[1:]:
        np.minimum(win_z, grids[0][win], out=win_z)
        covered |= grids[2][win]
    win_s.fill(_NONE)
    for win in windows:
        np.equal(grids[0][win], win_z, out=work.same)
        work.cand.fill(_NONE)
        np.copyto(work.cand, grids[1][win], where=work.same)
        np.minimum(win_s, work.cand, out=win_s)
    # a pixel landing on its nearest centre at the winning depth beats the 2 × 2 landings there
    work.win_z[-1] = np.nan  # "none" ties nothing
    np.take(work.win_z, near, out=work.gather)
    np.equal(z, work.gather, out=work.tie)
    key.fill(_NONE)
    np.copyto(key, work.source, where=work.tie)
    first = work.first
    first.fill(_NONE)
    np.minimum.at(first, near, key)
    flat_s = win_s.ravel()
    np.copyto(flat_s, first[:-1], where=first[:-1] != _NONE)
    uncovered = ~covered
    new_depth = win_z.astype(np.float32)
    np.copyto(new_depth, np.float32(1.0), where=uncovered)
    moved: list[NDArray[np.generic]] = []
    for layer, fill in zip(layers, fills, strict=True):
        out = np.take(layer.reshape(h * w, -1), flat_s, axis=0, mode="clip")
        out[uncovered.ravel()] = fill
        moved.append(out.reshape(layer.shape))
    return new_depth, moved, covered.copy()
