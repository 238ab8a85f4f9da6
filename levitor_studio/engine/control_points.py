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

from .kmeans_batch import lloyd_batched
from .label_samples import LabelSamples, sample_labels

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
#: points of one frame: ``(n, 4)`` int64 rows ``[row, col, instance_id, depth_0_255]``
FramePoints = IntArray

SAMPLE_STEP = 10
MAX_ID = 255


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


def _chunk_init(rows: IntArray, cols: IntArray, k: int) -> FloatArray:
    """Midpoints of ``k`` equal chunks of the raster-ordered samples (the original's init)."""
    step = rows.size // k
    picks = step // 2 + step * np.arange(k)
    return np.stack([rows[picks], cols[picks]], axis=1).astype(np.float64)


def _all_centres_in(
    centres: FloatArray, rows_seen: NDArray[np.bool_], cols_seen: NDArray[np.bool_]
) -> bool:
    """The original's ``point in samples`` for every centre: numpy's ``in`` is an element-wise
    ``any``, true when some sample shares the row *or* the column value."""
    for r, c in centres:
        row_hit = r == int(r) and 0 <= r < rows_seen.size and rows_seen[int(r)]
        col_hit = c == int(c) and 0 <= c < cols_seen.size and cols_seen[int(c)]
        if not (row_hit or col_hit):
            return False
    return True


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


def _pack(
    samples: LabelSamples, problems: IntArray, inits: list[FloatArray]
) -> tuple[FloatArray, IntArray, FloatArray, IntArray]:
    counts = samples.count[problems]
    offsets = np.zeros(problems.size + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    take = np.concatenate([np.arange(samples.offsets[p], samples.offsets[p + 1]) for p in problems])
    points = np.stack([samples.rows[take], samples.cols[take]], axis=1).astype(np.float64)
    centre_offsets = np.zeros(problems.size + 1, dtype=np.int64)
    np.cumsum([c.shape[0] for c in inits], out=centre_offsets[1:])
    return points, offsets, np.concatenate(inits), centre_offsets


def _initial_centres(
    samples: LabelSamples, active: IntArray, k: IntArray, height: int, width: int
) -> list[FloatArray]:
    """Initial centres of every active problem, chained across frames as the original does.

    A label's first frame starts from chunk midpoints and the fitted centres are kept; a later
    frame keeps the kept centres if each shares a row or column value with one of its samples,
    else it restarts from (and keeps) its own chunk midpoints.
    """

    def chunk(p: int) -> FloatArray:
        sl = slice(samples.offsets[p], samples.offsets[p + 1])
        return _chunk_init(samples.rows[sl], samples.cols[sl], int(k[p]))

    by_label: dict[int, list[int]] = {}
    for p in active.tolist():
        by_label.setdefault(int(samples.label[p]), []).append(p)
    first = np.array([ps[0] for ps in by_label.values()], dtype=np.int64)
    fitted = _fit(samples, first, [chunk(int(p)) for p in first])

    inits: dict[int, FloatArray] = {}
    rows_seen = np.zeros(height, dtype=bool)
    cols_seen = np.zeros(width, dtype=bool)
    for ps, kept in zip(by_label.values(), fitted, strict=True):
        inits[ps[0]] = kept
        for p in ps[1:]:
            sl = slice(samples.offsets[p], samples.offsets[p + 1])
            rows_seen[:] = False
            cols_seen[:] = False
            rows_seen[samples.rows[sl]] = True
            cols_seen[samples.cols[sl]] = True
            if not _all_centres_in(kept, rows_seen, cols_seen):
                kept = chunk(p)
            inits[p] = kept
    return [inits[int(p)] for p in active]


def _repeats(samples: LabelSamples, active: IntArray, inits: list[FloatArray]) -> IntArray:
    """For each active problem, the first earlier one it repeats exactly (or itself)."""
    rep = np.arange(active.size)
    last: dict[int, int] = {}
    rows, cols, off = samples.rows, samples.cols, samples.offsets
    for i, p in enumerate(active.tolist()):
        lab = int(samples.label[p])
        j = last.get(lab)
        last[lab] = i
        if j is None:
            continue
        q = int(active[j])
        if off[p + 1] - off[p] != off[q + 1] - off[q]:
            continue
        a, b = slice(off[p], off[p + 1]), slice(off[q], off[q + 1])
        same_init = inits[i] is inits[j] or np.array_equal(inits[i], inits[j])
        if same_init and np.array_equal(rows[a], rows[b]) and np.array_equal(cols[a], cols[b]):
            rep[i] = rep[j]
    return rep


def _fit(samples: LabelSamples, problems: IntArray, inits: list[FloatArray]) -> list[FloatArray]:
    """Batched K-means of some problems; the fitted centres of each, in order."""
    if problems.size == 0:
        return []
    points, offsets, centres, centre_offsets = _pack(samples, problems, inits)
    fitted = lloyd_batched(points, offsets, centres, centre_offsets)
    return np.split(fitted, centre_offsets[1:-1])


def kmeans_points(
    labels: NDArray[np.integer],
    depth: NDArray[np.floating],
    num_objects: int,
    ratio: float = 1.0,
    label_ratios: Mapping[int, float] | None = None,
    min_label: int = 1,
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
        The "number of points" factor applied to the pre-ratio count of every label.
    label_ratios
        Per-label factors overriding ``ratio`` (an object's own points ratio).
    min_label
        Labels below this are left out (single-point mode clusters only static segments).

    Returns
    -------
    list of numpy.ndarray
        Per frame, ``(n, 4)`` int64 ``[row, col, label, depth_0_255]`` ordered by label, then
        by cluster, as the original wrote them. Ids are the raw labels (see :func:`remap_ids`).
    """
    n_frames, height, width = labels.shape
    samples = sample_labels(labels, SAMPLE_STEP)
    k_pre = cluster_counts(samples.area, num_objects, height, width)
    k = _points_per_label(samples, k_pre, ratio, label_ratios or {})
    k[samples.label < min_label] = 0
    active = np.flatnonzero(k > 0)
    inits = _initial_centres(samples, active, k, height, width)
    # a label whose samples and initial centres repeat the previous frame's (a static segment
    # nothing passes over) gives the same centres: fit each distinct problem once
    rep = _repeats(samples, active, inits)
    distinct = np.flatnonzero(rep == np.arange(active.size))
    fitted = _fit(samples, active[distinct], [inits[i] for i in distinct])
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
    per_frame = np.bincount(frame, minlength=n_frames)
    return np.split(table, np.cumsum(per_frame)[:-1])
