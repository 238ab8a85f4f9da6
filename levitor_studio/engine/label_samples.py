"""Sampling of rendered label maps for the control-point K-means (reference §5).

The original clusters, per label and frame, every 10th pixel of the label in raster order. This
module finds all of those samples for all labels of all frames in one pass, without sorting the
whole ``(F, H, W)`` stack: it run-length encodes each image row, orders the runs (far fewer than
pixels) by frame and label, and counts each run's place in its label's raster sequence to know
which of its pixels are every 10th. It also returns each label's area per frame, which the
count rule needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class LabelSamples:
    """Every ``step``-th pixel of each (frame, label) in raster order, grouped by problem.

    Problems (one per frame and label present, label > 0) are ordered by frame, then label.
    ``rows``/``cols`` hold the samples of problem ``p`` at ``offsets[p]:offsets[p + 1]``.
    """

    frame: IntArray
    label: IntArray
    offsets: IntArray
    rows: IntArray
    cols: IntArray
    area: IntArray  # (F, max_label + 1) pixels per frame and label

    @property
    def count(self) -> IntArray:
        """Samples per problem."""
        return np.diff(self.offsets)

    def problem_index(self) -> dict[tuple[int, int], int]:
        """``(frame, label) -> problem``."""
        return {
            (int(f), int(lab)): p
            for p, (f, lab) in enumerate(zip(self.frame, self.label, strict=True))
        }


def sample_labels(labels: NDArray[np.integer], step: int = 10) -> LabelSamples:
    """Every ``step``-th pixel of every non-zero label of every frame, in raster order.

    Parameters
    ----------
    labels
        ``(F, H, W)`` integer label maps, 0 = no label.
    step
        Sampling stride along each label's raster-ordered pixel list (10 in the original).

    Returns
    -------
    LabelSamples
        The samples grouped by (frame, label), and the per-frame label areas.
    """
    n_frames, height, width = labels.shape
    flat = labels.reshape(n_frames * height, width)
    max_label = int(labels.max()) if labels.size else 0

    # run starts: first column of every row, and every column where the label changes
    change = np.empty(flat.shape, dtype=bool)
    change[:, 0] = True
    np.not_equal(flat[:, 1:], flat[:, :-1], out=change[:, 1:])
    starts = np.flatnonzero(change)
    run_label = flat.reshape(-1)[starts].astype(np.int64)
    ends = np.append(starts[1:], flat.size)
    # a run never crosses a row end because every row start is a run start
    keep = run_label > 0
    starts, ends, run_label = starts[keep], ends[keep], run_label[keep]
    run_len = ends - starts
    run_line = starts // width  # frame * height + row
    run_frame = run_line // height

    n_keys = max_label + 1
    key = run_frame * n_keys + run_label
    area = np.bincount(key, weights=run_len, minlength=n_frames * n_keys)
    area = area.astype(np.int64).reshape(n_frames, n_keys)

    # group runs by (frame, label), raster order kept within each group (stable sort)
    # (numpy's stable sort is a radix sort for 16-bit keys: several times faster)
    small = key.astype(np.uint16) if n_frames * n_keys <= 1 << 16 else key
    order = np.argsort(small, kind="stable")
    starts, run_len, key, run_line = starts[order], run_len[order], key[order], run_line[order]
    group_first = np.ones(key.size, dtype=bool)
    group_first[1:] = key[1:] != key[:-1]
    group_id = np.cumsum(group_first) - 1
    cum = np.cumsum(run_len) - run_len  # pixels before each run over all groups
    before = cum - cum[group_first][group_id]  # pixels of the label before the run

    first = (-before) % step  # offset of the run's first sampled pixel
    per_run = np.maximum(0, (run_len - first + step - 1) // step)
    total = int(per_run.sum())
    # a sample's column: its run's first sampled column, then every step-th (no int division
    # over all samples: rows and columns come from the runs)
    col0 = starts - run_line * width + first
    within = np.arange(total) - np.repeat(np.cumsum(per_run) - per_run, per_run)
    rows = np.repeat(run_line % height, per_run)
    cols = np.repeat(col0, per_run) + step * within

    group_keys = key[group_first]
    # every group has a sample: its first run starts at label pixel 0
    per_group = np.bincount(group_id, weights=per_run, minlength=group_keys.size).astype(np.int64)
    offsets = np.zeros(group_keys.size + 1, dtype=np.int64)
    np.cumsum(per_group, out=offsets[1:])
    return LabelSamples(
        frame=group_keys // n_keys,
        label=group_keys % n_keys,
        offsets=offsets,
        rows=rows,
        cols=cols,
        area=area,
    )
