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


def _landings(
    cam: PinholeCamera, at: CameraPose, depth: NDArray[np.float32]
) -> tuple[NDArray[np.intp], F64, F64, F64]:
    """Every pixel of ``depth`` that lands in front of the moved camera: its raster index and
    new ``(x, y, z)``, in raster order.

    The same arithmetic as :func:`reproject` on the pixel grid, in the same order of operations
    (and the same ``(H, W, 3)`` product with the rotation), so each value is bit-identical; it
    only skips the pixel grid, the stacked copies and the ``nan`` fill of points it drops.
    """
    h, w = depth.shape
    cx, cy = cam.centre
    f = cam.focal
    z = depth.astype(np.float64)
    p = np.empty((h, w, 3))
    np.multiply((np.arange(w, dtype=np.float64) - cx)[None, :], z, out=p[..., 0])
    np.divide(p[..., 0], f, out=p[..., 0])
    np.multiply((np.arange(h, dtype=np.float64) - cy)[:, None], z, out=p[..., 1])
    np.divide(p[..., 1], f, out=p[..., 1])
    p[..., 2] = z
    far = (z >= 1.0).ravel()
    np.subtract(p, at.centre, out=p, where=~far.reshape(h, w, 1))
    q = (p @ at.rotation).reshape(-1, 3)  # Rᵀ (P − c) for row vectors
    src = np.flatnonzero(q[:, 2] > 0)
    nz = q[src, 2]
    nx = q[src, 0] * f / nz + cx
    ny = q[src, 1] * f / nz + cy
    keep = np.isfinite(nx) & np.isfinite(ny)
    if not keep.all():
        src, nx, ny, nz = src[keep], nx[keep], ny[keep], nz[keep]
    return src, nx, ny, np.where(far[src], 1.0, nz)


def _nearest_first(
    cell: NDArray[np.intp], z: F64, source: NDArray[np.intp], size: int
) -> tuple[F64, NDArray[np.int64]]:
    """Per cell of ``size``: the smallest ``z`` landing there (``inf`` if none) and the first
    source pixel at that depth (:data:`_NONE` if none)."""
    best_z = np.full(size, np.inf)
    np.minimum.at(best_z, cell, z)
    tie = z == best_z[cell]
    best_s = np.full(size, _NONE, np.int64)
    np.minimum.at(best_s, cell[tie], source[tie])
    return best_z, best_s


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
    src, fx, fy, fz = _landings(cam, at, depth)
    ax, ay = np.floor(fx).astype(np.intp), np.floor(fy).astype(np.intp)
    near_x, near_y = np.floor(fx + 0.5).astype(np.intp), np.floor(fy + 0.5).astype(np.intp)
    # anchors in a grid padded by one row and column above and left: ⌊x⌋ = −1 still lands on 0
    touch = (ax >= -1) & (ax < w) & (ay >= -1) & (ay < h)
    anchor = (ay[touch] + 1) * (w + 1) + (ax[touch] + 1)
    hit = np.zeros((h + 1) * (w + 1), bool)
    hit[anchor] = True
    a_z, a_s = _nearest_first(anchor, fz[touch], src[touch], hit.size)
    a_z2, a_s2, hit2 = (
        a_z.reshape(h + 1, w + 1),
        a_s.reshape(h + 1, w + 1),
        hit.reshape(h + 1, w + 1),
    )
    # a centre's four anchors: the padded grid shifted by 0 or 1 in x and y
    windows = [
        (slice(1 - dy, h + 1 - dy), slice(1 - dx, w + 1 - dx)) for dy in (0, 1) for dx in (0, 1)
    ]
    win_z = a_z2[windows[0]].copy()
    covered = hit2[windows[0]].copy()
    for win in windows[1:]:
        np.minimum(win_z, a_z2[win], out=win_z)
        covered |= hit2[win]
    win_s = np.full((h, w), _NONE, np.int64)
    for win in windows:
        np.minimum(win_s, np.where(a_z2[win] == win_z, a_s2[win], _NONE), out=win_s)
    # a pixel landing on its nearest centre at the winning depth beats the 2 × 2 landings there
    inside = (near_x >= 0) & (near_x < w) & (near_y >= 0) & (near_y < h)
    near = near_y[inside] * w + near_x[inside]
    flat_z, flat_s = win_z.ravel(), win_s.ravel()
    ties = fz[inside] == flat_z[near]
    first = np.full(h * w, _NONE, np.int64)
    np.minimum.at(first, near[ties], src[inside][ties])
    nearest = first != _NONE
    flat_s[nearest] = first[nearest]
    targets = np.flatnonzero(covered)
    sources = flat_s[targets]
    new_depth = np.ones(h * w, np.float32)
    new_depth[targets] = flat_z[targets]
    moved: list[NDArray[np.generic]] = []
    for layer, fill in zip(layers, fills, strict=True):
        flat = layer.reshape(h * w, -1)
        out = np.empty_like(flat)
        out[:] = fill
        out[targets] = flat[sources]
        moved.append(out.reshape(layer.shape))
    return new_depth.reshape(h, w), moved, covered
