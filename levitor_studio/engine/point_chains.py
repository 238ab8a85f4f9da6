"""How the original chains K-means initial centres across frames, and the batched fit.

The original keeps, per label, a set of centres from frame to frame: a label's first frame starts
from chunk midpoints of its samples and keeps the fitted centres; a later frame keeps the kept
centres if each shares a row or a column value with one of its samples (numpy's loose ``in``
test), else it restarts from — and keeps — its own chunk midpoints. Every initialisation is known
once the first frames are fitted, so all later frames are fitted in one batch; problems that
repeat the previous frame exactly (a static segment nothing passes over) are fitted once.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .kmeans_batch import concat_ranges, lloyd_batched
from .label_samples import LabelSamples

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.floating]


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


def _pack(
    samples: LabelSamples, problems: IntArray, inits: list[FloatArray]
) -> tuple[FloatArray, IntArray, FloatArray, IntArray]:
    counts = samples.count[problems]
    offsets = np.zeros(problems.size + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    take = concat_ranges(samples.offsets[problems], counts)
    points = np.stack([samples.rows[take], samples.cols[take]], axis=1).astype(np.float64)
    centre_offsets = np.zeros(problems.size + 1, dtype=np.int64)
    np.cumsum([c.shape[0] for c in inits], out=centre_offsets[1:])
    return points, offsets, np.concatenate(inits), centre_offsets


def initial_centres(
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
    fitted = fit_problems(samples, first, [chunk(int(p)) for p in first])

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
            # the guard (k <= samples) can change a label's count between frames, where the
            # original would have crashed: kept centres of another count cannot be carried
            if kept.shape[0] != k[p] or not _all_centres_in(kept, rows_seen, cols_seen):
                kept = chunk(p)
            inits[p] = kept
    return [inits[int(p)] for p in active]


def repeats(samples: LabelSamples, active: IntArray, inits: list[FloatArray]) -> IntArray:
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


def fit_problems(
    samples: LabelSamples, problems: IntArray, inits: list[FloatArray]
) -> list[FloatArray]:
    """Batched K-means of some problems; the fitted centres of each, in order."""
    if problems.size == 0:
        return []
    points, offsets, centres, centre_offsets = _pack(samples, problems, inits)
    fitted = lloyd_batched(points, offsets, centres, centre_offsets)
    return np.split(fitted, centre_offsets[1:-1])
