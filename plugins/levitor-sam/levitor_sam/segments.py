"""Turning SAM's overlapping automatic masks into one label map of static segments.

The rules follow the original LeviTor demo (reference §2): larger masks are painted first and
keep the pixels they claim (the larger segment wins an overlap), and segments whose final area
is under ``min_area_fraction`` of the image are dropped. Unlike the original, pixels no mask
claims are not left as "nothing": each unclaimed region large enough becomes a segment of its
own and smaller crumbs join their nearest segment, so the whole free image is covered
(``scene-model.md``: regions no object claims are split into static segments).
Pure numpy / SciPy; no torch.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage


def min_area_pixels(shape: tuple[int, int], fraction: float) -> int:
    """Smallest kept segment, in pixels (at least one pixel)."""
    return max(1, math.ceil(fraction * shape[0] * shape[1]))


def label_segments(
    masks: Iterable[NDArray[np.bool_]],
    shape: tuple[int, int],
    exclude: NDArray[np.bool_] | None = None,
    min_area_fraction: float = 0.001,
) -> NDArray[np.int32]:
    """A label map (0 = excluded or nothing, 1..M) from overlapping boolean masks.

    Parameters
    ----------
    masks
        Boolean ``(H, W)`` masks in any order (SAM's automatic output).
    shape
        ``(H, W)`` of the image.
    exclude
        Pixels no segment may take (the user's objects); they stay 0.
    min_area_fraction
        Segments with fewer pixels than this fraction of the image are dropped.

    Returns
    -------
    numpy.ndarray
        ``int32`` labels numbered 1..M in decreasing order of the mask sizes painted, then the
        unclaimed regions by size. Every non-excluded pixel is labelled when at least one
        segment reaches the minimum area.
    """
    h, w = shape
    free = np.ones(shape, dtype=bool) if exclude is None else ~np.asarray(exclude, dtype=bool)
    if free.shape != (h, w):
        raise ValueError(f"exclude mask has shape {free.shape}, expected {(h, w)}")
    min_area = min_area_pixels(shape, min_area_fraction)
    labels = np.zeros(shape, dtype=np.int32)
    stack = [np.asarray(m, dtype=bool) for m in masks]
    # stable sort: equal areas keep SAM's order, so the result is deterministic
    order = sorted(range(len(stack)), key=lambda i: -int(stack[i].sum()))
    next_id = 1
    for i in order:
        claim = stack[i] & free & (labels == 0)
        if int(claim.sum()) < min_area:
            continue
        labels[claim] = next_id
        next_id += 1
    next_id = _label_leftovers(labels, free, min_area, next_id)
    return labels


def _label_leftovers(
    labels: NDArray[np.int32], free: NDArray[np.bool_], min_area: int, next_id: int
) -> int:
    """Give unclaimed free regions ids (large ones) or their nearest segment's id (crumbs)."""
    rest = free & (labels == 0)
    if not rest.any():
        return next_id
    components, count = ndimage.label(rest)
    sizes = np.bincount(components.ravel(), minlength=count + 1)[1:]
    for comp in sorted(range(count), key=lambda c: -int(sizes[c])):
        if sizes[comp] >= min_area:
            labels[components == comp + 1] = next_id
            next_id += 1
    crumbs = free & (labels == 0)
    if crumbs.any() and next_id > 1:
        # index of the nearest labelled pixel for every pixel (labelled ones point at themselves)
        _, (rows, cols) = ndimage.distance_transform_edt(labels == 0, return_indices=True)
        labels[crumbs] = labels[rows[crumbs], cols[crumbs]]
    return next_id
