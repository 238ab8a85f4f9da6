"""The ControlNet conditioning tensor built from per-frame control points (reference §6).

For every frame the released model sees three raw 0..255 float channels: a Gaussian bump per
point, the point's instance id and its depth on the bump's support. The original pastes, point
by point, a 200×200 template resized with OpenCV to the point's box — ``side`` pixels around it,
clamped to ``[1, W-1] × [1, H-1]``, so a box at the border is smaller and the bump squashed — and
each paste overwrites the whole box, zeros included, in all three channels. This module builds the
same tensor bit for bit without a per-point loop: the resized patches are made once per box size
and cached, every box pixel of every point is scattered at once, and the last point covering a
pixel wins, exactly as sequential pasting would.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import cv2
import numpy as np
from numpy.typing import NDArray

from levitor_studio.model.errors import InputError

__all__ = ["DEFAULT_SIDE", "build_conditioning", "flatten_points", "gaussian_template"]

TEMPLATE_SIZE = 200
TEMPLATE_SIGMA = 40.0
#: the demo's ``gaussian_r``: half-width of the pasted patch (a 20×20 patch)
DEFAULT_SIDE = 10


def gaussian_template(
    size: int = TEMPLATE_SIZE, sigma: float = TEMPLATE_SIGMA
) -> NDArray[np.uint8]:
    """The original's uint8 bump: an isotropic Gaussian clipped to a disc, peak 255."""
    disc = np.zeros((size, size), np.float32)
    cv2.circle(disc, (size // 2, size // 2), size // 2, 1, -1)
    i = np.arange(size, dtype=np.float64)[:, None]
    j = np.arange(size, dtype=np.float64)[None, :]
    # same float64 expression as the original's per-pixel loop, stored to float32
    gauss = (
        1
        / 2
        / np.pi
        / (sigma**2)
        * np.exp(-1 / 2 * ((i - size / 2) ** 2 / (sigma**2) + (j - size / 2) ** 2 / (sigma**2)))
    ).astype(np.float32)
    gauss = gauss * disc
    gauss = (gauss / np.max(gauss)).astype(np.float32)
    return (gauss / np.max(gauss) * 255).astype(np.uint8)


@cache
def _patch_bank(side: int) -> NDArray[np.uint8]:
    """``bank[h, w, :h, :w]``: the template resized (bilinear, OpenCV) to ``w × h``."""
    template = gaussian_template()
    full = 2 * side
    bank = np.zeros((full + 1, full + 1, full, full), dtype=np.uint8)
    for h in range(1, full + 1):
        for w in range(1, full + 1):
            bank[h, w, :h, :w] = cv2.resize(template, (w, h))
    bank.setflags(write=False)
    return bank


def flatten_points(
    points: Sequence[NDArray[np.integer]],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Per-frame point arrays as one ``(n, 4)`` table plus each row's frame index."""
    tables = [np.asarray(p, dtype=np.int64).reshape(-1, 4) for p in points]
    frame = np.repeat(np.arange(len(tables)), [t.shape[0] for t in tables])
    table = np.concatenate(tables) if tables else np.zeros((0, 4), dtype=np.int64)
    return frame.astype(np.int64), table


def build_conditioning(
    points: Sequence[NDArray[np.integer]],
    width: int,
    height: int,
    side: int = DEFAULT_SIDE,
) -> NDArray[np.float32]:
    """The ``(F, 3, H, W)`` float32 conditioning tensor of per-frame control points.

    Parameters
    ----------
    points
        One ``(n, 4)`` integer array per frame, rows ``[row, col, instance_id, depth_0_255]``
        in paste order. Points outside the frame are skipped, as in the original.
    width, height
        Frame size in pixels.
    side
        Half-width of the pasted patch (the demo's ``gaussian_r``, 10).

    Returns
    -------
    numpy.ndarray
        Channel 0 the bumps (0..255), channel 1 the ids and channel 2 the depths, both on the
        bumps' non-zero support; raw values, no normalisation.
    """
    if width < 2 or height < 2 or side < 1:
        raise InputError(f"cannot build a conditioning tensor of {width}×{height}, side {side}")
    frame, table = flatten_points(points)
    if table.size and (table[:, 2:].min() < 0 or table[:, 2:].max() > 255):
        raise InputError("control point ids and depths must lie in 0..255")
    out = np.zeros((len(points), 3, height, width), dtype=np.float32)
    row, col = table[:, 0], table[:, 1]
    inside = (col >= 0) & (row >= 0) & (col < width) & (row < height)
    frame, table, row, col = frame[inside], table[inside], row[inside], col[inside]
    x1 = np.maximum(col - side, 1)
    x2 = np.minimum(col + side, width - 1)
    y1 = np.maximum(row - side, 1)
    y2 = np.minimum(row + side, height - 1)
    w, h = x2 - x1, y2 - y1
    ok = (w >= 1) & (h >= 1)  # the original crashes on an empty box; skip it instead
    frame, table, x1, y1, w, h = frame[ok], table[ok], x1[ok], y1[ok], w[ok], h[ok]
    if frame.size == 0:
        return out

    # every box pixel of every point, point after point
    n_frames, plane = len(points), height * width
    full = 2 * side
    dr = np.repeat(np.arange(full), full)
    dc = np.tile(np.arange(full), full)
    in_box = (dr[None, :] < h[:, None]) & (dc[None, :] < w[:, None])
    pix = ((frame * plane + y1 * width + x1)[:, None] + (dr * width + dc)[None, :])[in_box]
    point = np.repeat(np.arange(frame.size), w * h)
    cells = _patch_bank(side)[h, w].reshape(frame.size, full * full)[in_box]
    # a pixel whose last box is zero there stays zero in all three channels, as the tensor
    # starts: only the winners' non-zero cells are written
    write = cells != 0
    contested = _overlapping(frame, x1, y1, w, h)
    if contested.any():
        # where boxes overlap the one pasted last wins: highest point number per pixel
        mine = np.flatnonzero(contested[point])
        number = point[mine].astype(np.int32) + 1  # 1-based: 0 is "no box" in the zeroed map
        owner = np.zeros(n_frames * plane, dtype=np.int32)
        np.maximum.at(owner, pix[mine], number)
        write[mine] &= owner[pix[mine]] == number
    pix, point, cells = pix[write], point[write], cells[write]
    per_point = np.bincount(point, minlength=frame.size)  # cells stay grouped by point
    # (F, 3, H, W) flat position of channel 0: skip the two other planes of earlier frames
    at = pix + np.repeat(2 * plane * frame, per_point)
    flat = out.reshape(-1)
    flat[at] = cells.astype(np.float32)
    flat[at + plane] = np.repeat(table[:, 2].astype(np.float32), per_point)
    flat[at + 2 * plane] = np.repeat(table[:, 3].astype(np.float32), per_point)
    return out


def _overlapping(
    frame: NDArray[np.int64],
    x1: NDArray[np.int64],
    y1: NDArray[np.int64],
    w: NDArray[np.int64],
    h: NDArray[np.int64],
) -> NDArray[np.bool_]:
    """Which boxes overlap another box of the same frame (points come frame after frame)."""
    out = np.zeros(frame.size, dtype=bool)
    bounds = np.searchsorted(frame, np.arange(int(frame.max()) + 2))
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        if hi - lo < 2:
            continue
        xa, ya, xb, yb = x1[lo:hi], y1[lo:hi], x1[lo:hi] + w[lo:hi], y1[lo:hi] + h[lo:hi]
        hit = (xa[:, None] < xb[None, :]) & (xa[None, :] < xb[:, None])
        hit &= (ya[:, None] < yb[None, :]) & (ya[None, :] < yb[:, None])
        np.fill_diagonal(hit, False)
        out[lo:hi] = hit.any(axis=1)
    return out
