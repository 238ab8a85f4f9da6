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
    """
    h, w = depth.shape
    ys, xs = np.mgrid[0:h, 0:w]
    nx, ny, nz = reproject(cam, at, xs, ys, depth)
    ok = np.isfinite(nx) & np.isfinite(ny)
    src = np.flatnonzero(ok.ravel())
    fx, fy, fz = nx.ravel()[src], ny.ravel()[src], nz.ravel()[src]
    tx, ty, tsrc, tz, tpri = [], [], [], [], []
    near_x, near_y = np.floor(fx + 0.5).astype(np.intp), np.floor(fy + 0.5).astype(np.intp)
    cells = [(near_x, near_y, True)] + [
        (np.floor(fx).astype(np.intp) + dx, np.floor(fy).astype(np.intp) + dy, False)
        for dx in (0, 1)
        for dy in (0, 1)
    ]
    for cx, cy, primary in cells:
        inside = (cx >= 0) & (cx < w) & (cy >= 0) & (cy < h)
        tx.append(cx[inside])
        ty.append(cy[inside])
        tsrc.append(src[inside])
        tz.append(fz[inside])
        tpri.append(np.full(int(inside.sum()), 0 if primary else 1, np.int8))
    target = np.concatenate(ty) * w + np.concatenate(tx)
    source = np.concatenate(tsrc)
    z = np.concatenate(tz)
    rank = np.concatenate(tpri)
    # per pixel: the nearest depth wins, then a pixel's nearest landing over the 2 × 2 hole
    # filling, then the earlier source pixel in raster order (deterministic)
    order = np.lexsort((source, rank, z, target))
    first = np.ones(order.size, bool)
    first[1:] = target[order][1:] != target[order][:-1]
    win_t, win_s, win_z = target[order][first], source[order][first], z[order][first]
    covered = np.zeros(h * w, bool)
    covered[win_t] = True
    new_depth = np.ones(h * w, np.float32)
    new_depth[win_t] = win_z
    moved = []
    for layer, fill in zip(layers, fills, strict=True):
        flat = layer.reshape(h * w, -1)
        out = np.empty_like(flat)
        out[:] = fill
        out[win_t] = flat[win_s]
        moved.append(out.reshape(layer.shape))
    return new_depth.reshape(h, w), moved, covered.reshape(h, w)
