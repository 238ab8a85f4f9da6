"""Lloyd's K-means over many small 2-D problems at once (the engine's batched K-means).

LeviTor clusters every label of every frame separately: a few hundred problems of a few hundred
to a few thousand pixel positions with one to sixteen centres each. Calling scikit-learn once per
problem spends most of its time in per-call overhead, so this module runs all problems in one
vectorised loop: each iteration assigns the samples of the problems that have not converged yet
to the nearest of their own centres and recomputes the means with ``np.bincount``.

It follows scikit-learn's Lloyd (``KMeans(init=array)``, ``algorithm="lloyd"``) in its float32
arithmetic, because the released checkpoint was driven by those points and pixel-grid samples
with integer initial centres produce exact distance ties that only the same rounding breaks the
same way: samples and centres are centred on the problem's mean, squared distances are
``‖c‖² − 2·fma(x₁, c₁, x₀·c₀)`` in float32 (the BLAS kernel's rounding), ties go to the lowest
index, cluster sums are float32 running sums per OpenMP thread (static schedule over 256-sample
chunks, two threads as on the machine that produced the reference) added at the end, a problem
stops when its labels repeat or its total squared centre shift is within ``tol × mean feature
variance``, and an empty cluster jumps to the sample farthest from its centre. On the reference
fixture and the bundled example every centre equals scikit-learn's bit for bit; with another
thread count only the last float32 bits of the sums differ (reference §5 allows 1 px).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

F32 = np.float32
Float32Array = NDArray[np.float32]
Float64Array = NDArray[np.float64]
IntArray = NDArray[np.int64]


#: scikit-learn's rows per OpenMP work item, and the thread count of the machine that produced
#: the reference points: both only decide the float32 rounding of the cluster sums
_CHUNK = 256
_THREADS = 2


def concat_ranges(starts: IntArray, lengths: IntArray) -> IntArray:
    """``concatenate([arange(s, s + n) for s, n in zip(starts, lengths)])``, vectorised."""
    lengths = np.asarray(lengths, dtype=np.int64)
    shift = np.asarray(starts, dtype=np.int64) - (np.cumsum(lengths) - lengths)
    result: IntArray = np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(shift, lengths)
    return result


def lloyd_batched(
    points: NDArray[np.floating],
    offsets: IntArray,
    centres: NDArray[np.floating],
    centre_offsets: IntArray,
    max_iter: int = 300,
    tol: float = 1e-4,
) -> Float32Array:
    """Run Lloyd's K-means on every problem of a packed batch.

    Parameters
    ----------
    points
        ``(N, 2)`` samples of all problems, problem after problem (pixel coordinates).
    offsets
        ``(P + 1,)`` start of each problem's samples in ``points`` (last entry ``N``).
    centres
        ``(K, 2)`` initial centres of all problems, problem after problem.
    centre_offsets
        ``(P + 1,)`` start of each problem's centres in ``centres``. Every problem needs at
        least one centre and no more centres than samples.
    max_iter, tol
        As scikit-learn's ``KMeans`` (``tol`` is relative to the mean feature variance).

    Returns
    -------
    numpy.ndarray
        ``(K, 2)`` float32 fitted centres, in the order of ``centres``.
    """
    n_in = np.diff(offsets)
    k_in = np.diff(centre_offsets)
    if n_in.size == 0:
        return np.asarray(centres, dtype=F32).copy()
    if np.any(k_in < 1) or np.any(k_in > n_in):
        raise ValueError("every problem needs between 1 and n_samples centres")
    # problems with more centres first: the samples that need centre j are then a prefix
    order = np.argsort(-k_in, kind="stable")
    take_s = concat_ranges(offsets[:-1][order], n_in[order])
    take_c = concat_ranges(centre_offsets[:-1][order], k_in[order])
    batch = _Batch(np.asarray(points, dtype=F32)[take_s], n_in[order], k_in[order])
    fitted = batch.run(np.asarray(centres, dtype=F32)[take_c], max_iter, tol)
    result = np.empty_like(fitted)
    result[take_c] = fitted
    return result


class _Batch:
    """Problems sorted by descending centre count, samples and centres packed in that order."""

    def __init__(self, x: Float32Array, n: IntArray, k: IntArray) -> None:
        self.n, self.k = n, k
        self.size = n.size
        self.owner = np.repeat(np.arange(self.size), n)
        self.centre_owner = np.repeat(np.arange(self.size), k)
        self.first_centre = np.concatenate([[0], np.cumsum(k)[:-1]]).astype(np.int64)
        self.slot_of_centre = np.arange(int(k.sum())) - self.first_centre[self.centre_owner]
        # pixel coordinates sum exactly in float32: this is numpy's float32 mean bit for bit
        sums = [np.bincount(self.owner, weights=x[:, d], minlength=self.size) for d in (0, 1)]
        self.mean = (np.stack(sums, axis=1).astype(F32) / n.astype(F32)[:, None]).astype(F32)
        self.xc = x - self.mean[self.owner]
        # which simulated OpenMP thread sums each sample (static schedule over 256-row chunks)
        chunks = -(-n // _CHUNK)
        threads = np.minimum(_THREADS, chunks)
        split = _CHUNK * -(-chunks // threads)
        within = np.arange(self.owner.size) - np.repeat(np.cumsum(n) - n, n)
        self.part = (within >= split[self.owner]).astype(np.int64)

    def run(self, init: Float32Array, max_iter: int, tol: float) -> Float32Array:
        size, k = self.size, self.k
        n_centres = int(k.sum())
        kmax = int(k.max())
        tolerance = _tolerance(self.xc, self.owner, self.n, tol)
        cc = init - self.mean[self.centre_owner]
        # the active samples, compacted whenever problems converge
        s = _Active(self.xc, self.part, np.arange(size), self.n)
        active = np.ones(size, dtype=bool)
        padded = np.zeros((size, kmax, 2), dtype=F32)
        sq_norm = np.zeros((size, kmax), dtype=F32)
        for _ in range(max_iter):
            padded[self.centre_owner, self.slot_of_centre] = cc
            sq_norm[self.centre_owner, self.slot_of_centre] = np.einsum("ij,ij->i", cc, cc)
            slot = self._assign(s, padded, sq_norm)
            label = np.repeat(self.first_centre[s.problems], s.count) + slot
            new = self._update(s, label, cc, active, n_centres)
            diff = new - cc
            shift = np.sqrt(diff[:, 0] * diff[:, 0] + diff[:, 1] * diff[:, 1])
            shift_tot = np.bincount(self.centre_owner, weights=shift * shift, minlength=size)
            moved = label != s.labels_old
            changed = np.logical_or.reduceat(moved, s.starts) if moved.size else moved
            s.labels_old = label
            cc = new
            done = ~changed | (shift_tot[s.problems].astype(F32) <= tolerance[s.problems])
            active[s.problems[done]] = False
            live = active[s.problems]
            if not live.any():
                break
            # compact lazily: finished problems' samples are cheap to carry for a while, and
            # their centres stay frozen because only active centres are updated
            if 3 * int(s.count[live].sum()) < 2 * s.x0.size:
                s = s.keep(live)
        result: Float32Array = cc + self.mean[self.centre_owner]
        return result

    def _assign(self, s: _Active, padded: Float32Array, sq_norm: Float32Array) -> IntArray:
        """Index of the nearest own centre of each active sample (ties: lowest index)."""
        ka = self.k[s.problems]
        m_all = s.x0.size
        best = np.empty(m_all, dtype=F32)
        slot = np.zeros(m_all, dtype=np.int64)
        fused = np.empty(m_all, dtype=np.float64)
        dist = np.empty(m_all, dtype=F32)
        closer = np.empty(m_all, dtype=bool)
        ends = np.cumsum(s.count)
        for j in range(int(ka[0])):
            # a one-centre problem needs no distances: its samples all take centre 0
            pj = int(np.count_nonzero(ka > max(j, 1)))
            if pj == 0:
                break
            m = int(ends[pj - 1])
            rows, reps = s.problems[:pj], s.count[:pj]
            c1 = np.repeat(padded[rows, j, 1].astype(np.float64), reps)
            # BLAS computes x0*c0 rounded to float32, then fma(x1, c1, that)
            np.multiply(s.x1_64[:m], c1, out=fused[:m])
            fused[:m] += s.x0[:m] * np.repeat(padded[rows, j, 0], reps)
            np.multiply(fused[:m], -2.0, out=dist[:m], casting="same_kind")
            dist[:m] += np.repeat(sq_norm[rows, j], reps)
            if j == 0:
                best[:m] = dist[:m]
                continue
            np.less(dist[:m], best[:m], out=closer[:m])
            np.copyto(best[:m], dist[:m], where=closer[:m])
            np.copyto(slot[:m], j, where=closer[:m])
        return slot

    def _update(
        self,
        s: _Active,
        label: IntArray,
        cc: Float32Array,
        active: NDArray[np.bool_],
        n_centres: int,
    ) -> Float32Array:
        """New centres: float32 per-thread sums, moved empties, times ``float32(1 / count)``."""
        count = np.bincount(label, minlength=n_centres).astype(F32)
        idx = label * 2 + s.part
        sums = np.zeros((2, n_centres * 2), dtype=F32)
        np.add.at(sums[0], idx, s.x0)
        np.add.at(sums[1], idx, s.x1)
        sum0 = sums[0, 0::2] + sums[0, 1::2]
        sum1 = sums[1, 0::2] + sums[1, 1::2]
        act_centre = active[self.centre_owner]
        empty = np.flatnonzero(act_centre & (count == 0))
        if empty.size:
            own = np.repeat(s.problems, s.count)
            pos = np.stack([s.x0, s.x1], axis=1)
            _relocate_empty(empty, self.centre_owner, own, label, pos, cc, count, sum0, sum1)
        new = cc.copy()
        filled = act_centre & (count > 0)
        alpha = (1.0 / count[filled].astype(np.float64)).astype(F32)
        new[filled, 0] = sum0[filled] * alpha
        new[filled, 1] = sum1[filled] * alpha
        return new


class _Active:
    """The samples of the problems still iterating, contiguous per problem."""

    def __init__(
        self, xc: Float32Array, part: IntArray, problems: IntArray, count: IntArray
    ) -> None:
        self.x0 = np.ascontiguousarray(xc[:, 0])
        self.x1 = np.ascontiguousarray(xc[:, 1])
        self.x1_64 = self.x1.astype(np.float64)
        self.part = part
        self.problems = problems
        self.count = count
        self.starts = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
        self.labels_old = np.full(self.x0.size, -1, dtype=np.int64)

    def keep(self, stays: NDArray[np.bool_]) -> _Active:
        mask = np.repeat(stays, self.count)
        out = _Active.__new__(_Active)
        out.x0, out.x1, out.x1_64 = self.x0[mask], self.x1[mask], self.x1_64[mask]
        out.part, out.labels_old = self.part[mask], self.labels_old[mask]
        out.problems, out.count = self.problems[stays], self.count[stays]
        out.starts = np.concatenate([[0], np.cumsum(out.count)[:-1]]).astype(np.int64)
        return out


def _tolerance(xc: Float32Array, owner: IntArray, n: IntArray, tol: float) -> Float32Array:
    """scikit-learn's absolute tolerance per problem: ``tol`` × mean per-feature variance."""
    size = n.size
    var = [
        np.bincount(owner, weights=xc[:, d].astype(np.float64) ** 2, minlength=size) / n
        - (np.bincount(owner, weights=xc[:, d], minlength=size) / n) ** 2
        for d in (0, 1)
    ]
    result: Float32Array = (0.5 * (var[0] + var[1]) * tol).astype(F32)
    return result


def _relocate_empty(
    empty: IntArray,
    centre_owner: IntArray,
    owner: IntArray,
    label: IntArray,
    pos: Float32Array,
    centres: Float32Array,
    count: Float32Array,
    sum0: Float32Array,
    sum1: Float32Array,
) -> None:
    """Move each empty cluster onto its problem's farthest sample (scikit-learn's rule).

    Works in place on the per-centre ``count`` and coordinate sums, before they are averaged.
    Rare (an init far from the label's pixels), so a loop over the affected problems is fine.
    """
    for problem in np.unique(centre_owner[empty]):
        mine = np.flatnonzero(owner == problem)
        d = ((pos[mine] - centres[label[mine]]) ** 2).sum(axis=1)
        if d.size == 0 or float(d.max()) == 0.0:
            continue
        empties = empty[centre_owner[empty] == problem]
        far = np.argpartition(d, -empties.size)[: -empties.size - 1 : -1]
        for new_id, far_i in zip(empties, far, strict=True):
            x, y = pos[mine[far_i]]
            old_id = label[mine[far_i]]
            sum0[old_id] -= x
            sum1[old_id] -= y
            count[old_id] -= 1
            sum0[new_id], sum1[new_id], count[new_id] = x, y, 1
