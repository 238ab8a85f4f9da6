"""LeviTor's control points: K-means centres per label and frame (reference §5).

From the rendered label maps and pseudo-depth maps of a clip, this module computes what the
released ControlNet is told each frame: ``[row, col, instance_id, depth_0_255]`` per point.
It reproduces the original demo exactly — the count rule, every 10th pixel in raster order,
chunk-midpoint initial centres carried forward across frames by the original's loose test,
truncated centres, ``round(1 / z)`` depths — with the guards the original lacks: never more
clusters than samples, and ids above 255 remapped instead of overflowing the uint8 id channel.
All labels of all frames are clustered together by :func:`~.kmeans_batch.lloyd_batched`.

It also offers the paper's single-point control (one point per object at its anchor), the
points ratio (global and per object) and the id / depth ablation switches.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from levitor_studio.model.depth_units import depth_to_channel
from levitor_studio.model.errors import InputError

from .label_samples import LabelSamples, sample_labels
from .point_chains import fit_problems, initial_centres, repeats

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
#: points of one frame: ``(n, 4)`` int64 rows ``[row, col, instance_id, depth_0_255]``
FramePoints = IntArray

__all__ = [
    "MAX_ID",
    "anchor_points",
    "cluster_counts",
    "compute_control_points",
    "kmeans_points",
    "remap_ids",
]

SAMPLE_STEP = 10
MAX_ID = 255
#: largest label id accepted (per-label tables are indexed by id)
MAX_LABEL = 1 << 20
MODES = ("multi", "single")


def cluster_counts(area: IntArray, num_objects: int, height: int, width: int) -> IntArray:
    """The original's pre-ratio cluster count per label (index = label, 0 where absent).

    ``k = round(max_area * 50 / (H * W))`` clipped to ``[1, 8]``, raised to 3 for a user object
    (labels ``1..num_objects``), a label that vanishes in some frame, or one whose area varies
    more than tenfold. ``area`` is ``(F, max_label + 1)`` pixels per frame and label.
    """
    amax = area.max(axis=0)
    amin = area.min(axis=0)
    # np.rint rounds half to even, as Python's round() in the original
    k = np.clip(np.rint(amax * 50 / (height * width)), 1, 8).astype(np.int64)
    ids = np.arange(area.shape[1])
    ratio_big = np.zeros(amax.shape, dtype=bool)
    np.greater(amax, 10 * amin, out=ratio_big, where=amin > 0)
    at_least_3 = (ids <= num_objects) | (amin == 0) | ratio_big
    result: IntArray = np.where(at_least_3, np.maximum(k, 3), k)
    result[amax == 0] = 0
    result[0] = 0
    return result


def remap_ids(ids: IntArray, num_objects: int, max_id: int = MAX_ID) -> IntArray:
    """Fit instance ids into ``1..max_id``: objects keep theirs, later segments wrap around.

    The original stores ids in uint8 and silently overflows past 255 segments. Here segment
    ids above ``max_id`` cycle through ``num_objects + 1 .. max_id`` so that neighbouring
    segments keep distinct ids and no object id is reused.
    """
    if num_objects >= max_id:
        raise InputError(f"at most {max_id - 1} objects can be controlled, got {num_objects}")
    ids = np.asarray(ids, dtype=np.int64)
    span = max_id - num_objects
    wrapped = num_objects + 1 + (ids - num_objects - 1) % span
    return np.where(ids > max_id, wrapped, ids)


def _points_per_label(
    samples: LabelSamples,
    k_pre: IntArray,
    ratio: float,
    label_ratios: Mapping[int, float],
) -> IntArray:
    """Post-ratio cluster count per problem, 0 where the original skips the label."""
    n = samples.count
    kp = k_pre[samples.label]
    ratios = np.full(kp.shape, float(ratio))
    for lab, r in label_ratios.items():
        ratios[samples.label == lab] = float(r)
    k = np.maximum(1, (kp * ratios).astype(np.int64))
    k = np.minimum(k, n)  # guard: never more clusters than samples
    return np.where((kp == 0) | (n < kp), 0, k)


def _check_maps(labels: NDArray[np.integer], depth: NDArray[np.floating], num_objects: int) -> None:
    if labels.ndim != 3 or labels.shape[0] < 1:
        raise InputError(f"label maps must be (frames, height, width), got shape {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise InputError(f"label maps must hold integers, got {labels.dtype}")
    if depth.shape != labels.shape:
        raise InputError(f"depth maps are {depth.shape}, label maps {labels.shape}")
    if labels.size and int(labels.min()) < 0:
        raise InputError("label maps hold a negative label")
    if labels.size and int(labels.max()) > MAX_LABEL:
        # per-label tables are indexed by id: renumber sparse ids compactly first
        raise InputError(f"label ids above {MAX_LABEL} are not supported: renumber the segments")
    if num_objects < 0:
        raise InputError(f"the object count must not be negative, got {num_objects}")


def _check_ratio(what: str, ratio: float) -> None:
    if not (np.isfinite(ratio) and ratio > 0):
        raise InputError(f"{what} must be a positive number, got {ratio}")


def _kmeans_table(
    samples: LabelSamples,
    depth: NDArray[np.floating],
    num_objects: int,
    ratio: float,
    label_ratios: Mapping[int, float],
    min_label: int,
) -> tuple[IntArray, IntArray]:
    """All K-means points as one ``(n, 4)`` table in output order, and each row's frame."""
    _, height, width = depth.shape
    k_pre = cluster_counts(samples.area, num_objects, height, width)
    k = _points_per_label(samples, k_pre, ratio, label_ratios)
    k[samples.label < min_label] = 0
    active = np.flatnonzero(k > 0)
    inits = initial_centres(samples, active, k, height, width)
    # a label whose samples and initial centres repeat the previous frame's (a static segment
    # nothing passes over) gives the same centres: fit each distinct problem once
    rep = repeats(samples, active, inits)
    distinct = np.flatnonzero(rep == np.arange(active.size))
    fitted = fit_problems(samples, active[distinct], [inits[i] for i in distinct])
    slot_of = np.zeros(active.size, dtype=np.int64)
    slot_of[distinct] = np.arange(distinct.size)
    centres = np.concatenate([fitted[i] for i in slot_of[rep]] or [np.zeros((0, 2))])
    frame = np.repeat(samples.frame[active], k[active])
    label = np.repeat(samples.label[active], k[active])
    # the original truncates centres (int()), it does not round them
    rows = np.trunc(centres[:, 0]).astype(np.int64)
    cols = np.trunc(centres[:, 1]).astype(np.int64)
    z = depth[frame, rows, cols].astype(np.float64)
    if z.size and not (np.all(np.isfinite(z)) and float(z.min()) > 0):
        raise InputError("depth maps must hold pseudo-depths in (0, 1]; found zero or invalid")
    table = np.stack([rows, cols, label, depth_to_channel(z)], axis=1).astype(np.int64)
    return table, frame


def _split(table: IntArray, frame: IntArray, n_frames: int) -> list[FramePoints]:
    """Rows sorted by frame (stable: in-frame order kept) cut into one array per frame."""
    order = np.argsort(frame, kind="stable")
    per_frame = np.bincount(frame, minlength=n_frames)
    return list(np.split(table[order], np.cumsum(per_frame)[:-1]))


def kmeans_points(
    labels: NDArray[np.integer],
    depth: NDArray[np.floating],
    num_objects: int,
    ratio: float = 1.0,
    label_ratios: Mapping[int, float] | None = None,
) -> list[FramePoints]:
    """The original demo's K-means control points for every frame (reference §5).

    Parameters
    ----------
    labels
        ``(F, H, W)`` rendered label maps (0 = none; objects are ``1..num_objects``).
    depth
        ``(F, H, W)`` rendered pseudo-depth maps, ``z`` in ``(0, 1]``.
    num_objects
        How many labels are user objects (they always get at least 3 points).
    ratio
        The "number of points" factor applied to every label's pre-ratio count.
    label_ratios
        Per-label factors overriding ``ratio`` (an object's own points ratio).

    Returns
    -------
    list of numpy.ndarray
        Per frame, ``(n, 4)`` int64 ``[row, col, label, depth_0_255]`` ordered by label, then
        by cluster, as the original wrote them. Ids are the raw labels (see :func:`remap_ids`).

    Raises
    ------
    InputError
        For maps of the wrong shape or type, a non-positive ratio or an invalid depth.
    """
    _check_maps(labels, depth, num_objects)
    _check_ratio("the points ratio", ratio)
    for lab, r in (label_ratios or {}).items():
        _check_ratio(f"the points ratio of label {lab}", r)
    samples = sample_labels(labels, SAMPLE_STEP)
    table, frame = _kmeans_table(samples, depth, num_objects, ratio, label_ratios or {}, 1)
    return _split(table, frame, labels.shape[0])


def anchor_points(
    anchors: NDArray[np.floating],
    width: int,
    height: int,
    visible: NDArray[np.bool_] | None = None,
) -> list[FramePoints]:
    """Single-point control: one point per object per frame, at its anchor (the paper's setting).

    Parameters
    ----------
    anchors
        ``(F, N, 3)`` per frame and object ``(x, y, z)``: the interpolated key (the anchor's
        position and the object's pseudo-depth). Object ``i`` has instance id ``i + 1``.
    width, height
        Frame size: anchors outside it give no point.
    visible
        Optional ``(F, N)``: False where the object is wholly hidden; no point is given there
        (as K-means gives none for an absent label).

    Returns
    -------
    list of numpy.ndarray
        Per frame, ``(n, 4)`` int64 ``[int(y), int(x), id, depth_0_255]`` in object order.
    """
    anchors = np.asarray(anchors, dtype=np.float64)
    if anchors.ndim != 3 or anchors.shape[2] != 3:
        raise InputError(f"anchors must be (frames, objects, 3), got shape {anchors.shape}")
    x, y, z = anchors[..., 0], anchors[..., 1], anchors[..., 2]
    if not (np.all(np.isfinite(anchors)) and np.all(z > 0)):
        raise InputError("anchor depths must lie in (0, 1] and positions must be finite")
    keep = (x >= 0) & (y >= 0) & (x < width) & (y < height)
    if visible is not None:
        keep &= visible
    frame, obj = np.nonzero(keep)
    table = np.stack(
        [np.trunc(y[keep]), np.trunc(x[keep]), obj + 1, depth_to_channel(z[keep])], axis=1
    ).astype(np.int64)
    return _split(table, frame.astype(np.int64), anchors.shape[0])


def compute_control_points(
    labels: NDArray[np.integer],
    depth: NDArray[np.floating],
    num_objects: int,
    *,
    ratio: float = 1.0,
    label_ratios: Mapping[int, float] | None = None,
    mode: str = "multi",
    anchors: NDArray[np.floating] | None = None,
    use_ids: bool = True,
    use_depth: bool = True,
) -> list[FramePoints]:
    """The points the model is given, per frame: K-means or single-point, ids fitted to 1..255.

    ``mode="multi"`` is the original's K-means on every label (:func:`kmeans_points`).
    ``mode="single"`` gives each object one point at its anchor (``anchors``, ``(F, N, 3)``
    ``(x, y, z)``, required) while static segments keep their K-means points as anchors of the
    background. Ids above :data:`MAX_ID` are remapped (:func:`remap_ids`); ``use_ids=False``
    and ``use_depth=False`` zero the id or depth column (the paper's ablations).
    """
    if mode not in MODES:
        raise InputError(f"control mode must be one of {', '.join(MODES)}, got {mode!r}")
    _check_maps(labels, depth, num_objects)
    _check_ratio("the points ratio", ratio)
    for lab, r in (label_ratios or {}).items():
        _check_ratio(f"the points ratio of label {lab}", r)
    n_frames, height, width = labels.shape
    if mode == "single" and (anchors is None or np.shape(anchors) != (n_frames, num_objects, 3)):
        raise InputError(f"single-point control needs ({n_frames}, {num_objects}, 3) anchors")
    samples = sample_labels(labels, SAMPLE_STEP)
    min_label = 1 if mode == "multi" else num_objects + 1
    table, frame = _kmeans_table(samples, depth, num_objects, ratio, label_ratios or {}, min_label)
    if mode == "single" and anchors is not None:
        area = np.zeros((n_frames, num_objects + 1), dtype=np.int64)
        known = min(samples.area.shape[1], num_objects + 1)
        area[:, :known] = samples.area[:, :known]
        singles = anchor_points(anchors, width, height, visible=area[:, 1:] > 0)
        per_frame = [p.shape[0] for p in singles]
        table = np.concatenate([*singles, table])
        frame = np.concatenate([np.repeat(np.arange(n_frames), per_frame), frame])
    table[:, 2] = remap_ids(table[:, 2], num_objects)
    if not use_ids:
        table[:, 2] = 0
    if not use_depth:
        table[:, 3] = 0
    return _split(table, frame, n_frames)
