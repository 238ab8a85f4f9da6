"""LeviTor's K-means control points (reference §5): fixture conformance, count rule, guards."""

from __future__ import annotations

import json

import numpy as np
import pytest
from levitor_original import original_points
from scenes import REFERENCE

from levitor_studio.engine.control_points import (
    anchor_points,
    cluster_counts,
    compute_control_points,
    kmeans_points,
    remap_ids,
)
from levitor_studio.engine.kmeans_batch import lloyd_batched
from levitor_studio.engine.label_samples import sample_labels
from levitor_studio.model.errors import InputError

KMEANS_FIXTURE = REFERENCE / "levitor_kmeans_reference.npz"


@pytest.fixture(scope="module")
def fixture() -> dict[str, object]:
    with np.load(KMEANS_FIXTURE, allow_pickle=False) as npz:
        return {
            "labels": npz["labels"],
            "depth": npz["depth"],
            "num_moving": int(npz["num_moving"]),
            "expected": json.loads(str(npz["expected"])),
        }


@pytest.mark.parametrize("ratio", ["1.0", "0.5", "2.0"])
def test_reproduces_the_original_points(fixture: dict[str, object], ratio: str) -> None:
    """Every point of every frame equals the original's, exactly (the engine is exact here)."""
    labels, depth = fixture["labels"], fixture["depth"]
    got = kmeans_points(labels, depth, fixture["num_moving"], float(ratio))  # type: ignore[arg-type]
    expected = fixture["expected"][ratio]  # type: ignore[index]
    assert len(got) == len(expected) == 16
    assert all(ours.dtype == np.int64 for ours in got)
    assert sum(len(theirs) for theirs in expected) > 300
    assert [ours.reshape(-1).tolist() for ours in got] == [
        np.array(theirs, dtype=np.int64).reshape(-1).tolist() for theirs in expected
    ]


def moving_scene(frames: int = 6, h: int = 60, w: int = 80) -> tuple[np.ndarray, np.ndarray]:
    """Hand-made maps: a moving object over two static segments, one vanishing segment."""
    labels = np.zeros((frames, h, w), np.int32)
    depth = np.full((frames, h, w), 0.6, np.float32)
    for f in range(frames):
        labels[f, :, :40] = 2
        labels[f, :, 40:] = 3
        if f < 3:
            labels[f, 50:, 60:] = 4  # vanishes half-way
        labels[f, 10:30, 5 + 6 * f : 25 + 6 * f] = 1  # the object slides right over both
        depth[f, 10:30, 5 + 6 * f : 25 + 6 * f] = 0.1
    return labels, depth


@pytest.mark.parametrize("ratio", [1.0, 0.5, 2.0])
def test_matches_scikit_learn_per_label_on_hand_made_maps(ratio: float) -> None:
    labels, depth = moving_scene()
    ours = [p.tolist() for p in kmeans_points(labels, depth, 1, ratio)]
    assert ours == original_points(labels, depth, 1, ratio)


def test_lloyd_matches_scikit_learn_on_random_problems() -> None:
    from sklearn.cluster import KMeans

    rng = np.random.default_rng(3)
    problems = []
    for _ in range(12):
        n, k = int(rng.integers(5, 250)), int(rng.integers(1, 5))
        pts = rng.integers(0, 100, (n, 2)).astype(np.float32)
        problems.append((pts, pts[rng.choice(n, k, replace=False)]))
    offsets = np.cumsum([0] + [len(p) for p, _ in problems])
    centre_offsets = np.cumsum([0] + [len(c) for _, c in problems])
    fitted = lloyd_batched(
        np.concatenate([p for p, _ in problems]),
        offsets,
        np.concatenate([c for _, c in problems]),
        centre_offsets,
    )
    for i, (pts, init) in enumerate(problems):
        theirs = KMeans(n_clusters=len(init), init=init).fit(pts).cluster_centers_
        # one 256-row chunk each: scikit-learn's float32 sums are thread-independent here
        np.testing.assert_array_equal(fitted[centre_offsets[i] : centre_offsets[i + 1]], theirs)


def test_lloyd_matches_two_thread_scikit_learn_on_problems_of_several_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Problems over 256 samples: the cluster sums split between two OpenMP threads as in
    scikit-learn (static schedule of 256-sample chunks), so the centres match it bit for bit."""
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(5)
    problems = []
    for n in (700, 1300, 530, 2100):
        pts = rng.integers(0, 300, (n, 2)).astype(np.float32)  # pixel positions, as in use
        problems.append((pts, pts[rng.choice(n, int(rng.integers(2, 6)), replace=False)]))
    offsets = np.cumsum([0] + [len(p) for p, _ in problems])
    centre_offsets = np.cumsum([0] + [len(c) for _, c in problems])
    fitted = lloyd_batched(
        np.concatenate([p for p, _ in problems]),
        offsets,
        np.concatenate([c for _, c in problems]),
        centre_offsets,
    )
    # two threads even on a one-core machine: scikit-learn caps at the core count unless
    # OMP_NUM_THREADS is set
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    with threadpool_limits(limits=2, user_api="openmp"):
        for i, (pts, init) in enumerate(problems):
            theirs = KMeans(n_clusters=len(init), init=init, n_init=1).fit(pts).cluster_centers_
            np.testing.assert_array_equal(fitted[centre_offsets[i] : centre_offsets[i + 1]], theirs)


def test_samples_every_tenth_pixel_in_raster_order() -> None:
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 5, (3, 23, 17)).astype(np.int32)
    s = sample_labels(labels)
    expected = [(f, lab) for f in range(3) for lab in range(1, 5)]
    assert list(zip(s.frame.tolist(), s.label.tolist(), strict=True)) == expected
    for p, (f, lab) in enumerate(zip(s.frame, s.label, strict=True)):
        rr, cc = np.nonzero(labels[f] == lab)
        sl = slice(s.offsets[p], s.offsets[p + 1])
        np.testing.assert_array_equal(s.rows[sl], rr[::10])
        np.testing.assert_array_equal(s.cols[sl], cc[::10])
        assert s.area[f, lab] == rr.size


def test_count_rule() -> None:
    h, w = 100, 100
    area = np.zeros((3, 7), np.int64)
    area[:, 1] = 40  # tiny object: 3 because it is an object
    area[:, 2] = 40  # tiny static segment: 1
    area[:, 3] = [400, 0, 400]  # vanishes once: 3
    area[:, 4] = [2000, 150, 2000]  # max/min > 10: 3 (round(2000*50/1e4) = 10 -> 8 first)
    area[:, 5] = [1000, 900, 1000]  # round(5.0) = 5
    area[:, 6] = [500, 500, 500]  # round(2.5) = 2 (half to even, as Python's round)
    k = cluster_counts(area, num_objects=1, height=h, width=w)
    assert k.tolist() == [0, 3, 1, 3, 8, 5, 2]


def test_ratio_guard_and_skip_rule() -> None:
    labels = np.zeros((2, 40, 40), np.int32)
    labels[0, :20, :] = 1  # 800 px -> 80 samples; k = round(800*50/1600) = 25 -> 8
    labels[1, :3, :10] = 1  # 30 px -> 3 samples < pre-ratio 8: skipped in frame 1
    labels[:, 30:, 30:] = 2  # 100 px, 10 samples; k = 3 (3 px/... ) -> ratio 8 asks 24 > 10
    depth = np.full(labels.shape, 0.5, np.float32)
    pts = kmeans_points(labels, depth, 0, ratio=8.0)
    assert (pts[0][:, 2] == 1).sum() == 64  # int(8 * 8) clusters of 80 samples
    assert (pts[1][:, 2] == 1).sum() == 0
    assert (pts[0][:, 2] == 2).sum() == 10  # guard: never more clusters than samples
    half = kmeans_points(labels, depth, 0, ratio=0.1)
    assert (half[0][:, 2] == 1).sum() == 1  # max(1, int(8 * 0.1))


def test_guard_capped_count_changes_between_frames() -> None:
    """A label whose sample count caps k in one frame but not the next gets fresh centres."""
    labels = np.zeros((3, 40, 40), np.int32)
    labels[0, 10:14, 10:20] = 1  # 40 px -> 4 samples: ratio 2 asks 6, the guard gives 4
    labels[1:, 10:20, 10:20] = 1  # 100 px -> 10 samples: 6 clusters
    labels[2, 10:14, 10:20] = 0  # back to 60 px -> 6 samples: 6 clusters
    depth = np.full(labels.shape, 0.5, np.float32)
    pts = kmeans_points(labels, depth, 1, ratio=2.0)
    assert [int((p[:, 2] == 1).sum()) for p in pts] == [4, 6, 6]
    # each frame's centres lie on its own label
    for t, p in enumerate(pts):
        assert np.all(labels[t, p[:, 0], p[:, 1]] == 1)


def test_per_object_ratio_overrides_the_global_one() -> None:
    labels, depth = moving_scene()
    base = kmeans_points(labels, depth, 1, 1.0)
    more = kmeans_points(labels, depth, 1, 1.0, label_ratios={1: 3.0})
    for a, b in zip(base, more, strict=True):
        # 400 px of 60×80: round(400 * 50 / 4800) = 4 points, 12 at ratio 3
        assert (b[:, 2] == 1).sum() == 3 * (a[:, 2] == 1).sum() == 12
        np.testing.assert_array_equal(a[a[:, 2] != 1], b[b[:, 2] != 1])


def test_points_carry_depth_channel_and_truncated_positions() -> None:
    labels = np.zeros((1, 30, 30), np.int32)
    labels[0, 10:13, 10:20] = 1  # 30 px -> 3 samples, k = 3: each sample is its own centre
    depth = np.full(labels.shape, 0.9, np.float32)  # round(1/0.9) = 1 -> "no depth" 0
    depth[0, 10, 10:20] = 0.02  # round(50) = 50
    pts = kmeans_points(labels, depth, 1)[0]
    assert pts.tolist() == [[10, 10, 1, 50], [11, 10, 1, 0], [12, 10, 1, 0]]


def test_ids_above_255_are_remapped_not_overflowed() -> None:
    ids = np.arange(1, 601)
    out = remap_ids(ids, num_objects=3)
    assert out.min() == 1 and out.max() == 255
    np.testing.assert_array_equal(out[:255], ids[:255])
    assert out[255] == 4  # 256 wraps to the first static id, objects keep theirs
    assert np.all(out[3:] >= 4) and np.all(out[1:] != out[:-1])
    with pytest.raises(InputError):
        remap_ids(ids, num_objects=255)


def test_control_points_with_300_segments_keeps_ids_in_range() -> None:
    labels = np.repeat(np.arange(1, 301, dtype=np.int32), 20).reshape(1, 60, 100)
    depth = np.full(labels.shape, 0.5, np.float32)
    pts = compute_control_points(labels, depth, 2)[0]
    assert pts[:, 2].max() <= 255 and pts[:, 2].min() >= 1
    # the two 20-px objects have 2 samples, fewer than their 3 points: skipped (§5)
    assert set(pts[:, 2].tolist()) == set(range(3, 256))


def test_switches_zero_the_id_and_depth_columns() -> None:
    labels, depth = moving_scene()
    full = compute_control_points(labels, depth, 1)
    no_id = compute_control_points(labels, depth, 1, use_ids=False)
    no_depth = compute_control_points(labels, depth, 1, use_depth=False)
    for a, b, c in zip(full, no_id, no_depth, strict=True):
        assert np.all(b[:, 2] == 0) and np.all(c[:, 3] == 0)
        np.testing.assert_array_equal(a[:, [0, 1, 3]], b[:, [0, 1, 3]])
        np.testing.assert_array_equal(a[:, :3], c[:, :3])
    assert any(np.any(a[:, 3] > 0) for a in full)


def test_single_point_mode_puts_one_point_per_object_at_its_anchor() -> None:
    labels, depth = moving_scene()
    frames = labels.shape[0]
    anchors = np.zeros((frames, 1, 3))
    anchors[:, 0] = [[15.7 + 6 * f, 20.2, 0.1] for f in range(frames)]
    anchors[5, 0, 0] = 95.0  # leaves the 80-px-wide frame: no point
    pts = compute_control_points(labels, depth, 1, mode="single", anchors=anchors)
    multi = compute_control_points(labels, depth, 1)
    for f in range(frames):
        objs = pts[f][pts[f][:, 2] == 1]
        if f == 5:
            assert objs.shape[0] == 0
        else:
            assert objs.tolist() == [[20, 15 + 6 * f, 1, 10]]
        # the static segments keep their K-means anchors, after the object's point
        np.testing.assert_array_equal(pts[f][objs.shape[0] :], multi[f][multi[f][:, 2] != 1])


def test_single_point_skips_hidden_objects() -> None:
    anchors = np.array([[[5.0, 5.0, 0.5], [6.0, 7.0, 0.02]]])
    visible = np.array([[False, True]])
    assert anchor_points(anchors, 10, 10, visible)[0].tolist() == [[7, 6, 2, 50]]


def test_bad_input_is_a_clear_error() -> None:
    labels, depth = moving_scene()
    with pytest.raises(InputError, match="positive"):
        kmeans_points(labels, depth, 1, ratio=0.0)
    with pytest.raises(InputError, match="depth maps"):
        kmeans_points(labels, depth[:-1], 1)
    with pytest.raises(InputError, match="integers"):
        kmeans_points(labels.astype(np.float32), depth, 1)
    with pytest.raises(InputError, match="pseudo-depth"):
        kmeans_points(labels, np.zeros_like(depth), 1)
    with pytest.raises(InputError, match="renumber"):
        kmeans_points(np.full((1, 4, 4), 1 << 30, np.int32), np.ones((1, 4, 4), np.float32), 0)
    with pytest.raises(InputError, match="control mode"):
        compute_control_points(labels, depth, 1, mode="many")
    with pytest.raises(InputError, match="anchors"):
        compute_control_points(labels, depth, 1, mode="single")


def test_an_empty_clip_gives_no_points() -> None:
    labels = np.zeros((4, 8, 8), np.int32)
    pts = kmeans_points(labels, np.ones(labels.shape, np.float32), 0)
    assert [p.shape for p in pts] == [(0, 4)] * 4
