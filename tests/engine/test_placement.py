"""The placement formula, once (``engine/placement.py``), against hand-computed values.

An object resting with its anchor at (10, 20) and depth 0.5 that moves to (30, 40) at depth
0.25 doubles in size about its anchor: pixel (12, 21) is drawn at (30 + 2·2, 40 + 2·1) = (34, 42).
All numbers are dyadic, so every result is exact in floating point.
"""

from __future__ import annotations

import numpy as np
import pytest
from scenes import make_scene

from levitor_studio.engine.placement import Pose, footprint, pose
from levitor_studio.engine.render import card_coverage, placement, render_masks

PATH = np.array([[10.0, 20.0, 0.5], [30.0, 40.0, 0.25], [10.0, 20.0, 1.0]])


def test_pose_at_rest_and_moved() -> None:
    assert pose(PATH, 0) == Pose((10.0, 20.0), (10.0, 20.0), 1.0, 0.5)
    assert pose(PATH, 1) == Pose((10.0, 20.0), (30.0, 40.0), 2.0, 0.25)
    assert pose(PATH, 2) == Pose((10.0, 20.0), (10.0, 20.0), 0.5, 1.0)


def test_apply_invert_and_matrix_are_exact() -> None:
    at = pose(PATH, 1)
    x, y = at.apply([12.0, 10.0, 8.0], [21.0, 20.0, 16.0])
    assert x.tolist() == [34.0, 30.0, 26.0]
    assert y.tolist() == [42.0, 40.0, 32.0]
    ix, iy = at.invert([34.0, 30.0, 26.0], [42.0, 40.0, 32.0])
    assert (ix.tolist(), iy.tolist()) == ([12.0, 10.0, 8.0], [21.0, 20.0, 16.0])
    # x' = 2 x + (30 - 2·10), y' = 2 y + (40 - 2·20)
    assert at.matrix().tolist() == [[2.0, 0.0, 10.0], [0.0, 2.0, 0.0]]
    far = pose(PATH, 2)  # twice as far: half the size about the anchor
    assert [v.tolist() for v in far.apply(14.0, 28.0)] == [12.0, 24.0]
    assert far.matrix().tolist() == [[0.5, 0.0, 5.0], [0.0, 0.5, 10.0]]


def test_the_renderers_placement_is_the_pose() -> None:
    scene = make_scene()
    place = placement(scene, scene.objects[0], 1)
    path = scene.trajectory(scene.objects[0])
    for t in (0, 7, 15):
        assert place.pose(t) == pose(path, t)
        assert place.affine(t).tolist() == pose(path, t).matrix().tolist()
        moved = place.to_frame(t, np.array([[12.0, 13.0]]))
        assert moved.tolist() == [[float(v) for v in pose(path, t).apply(12.0, 13.0)]]


def test_card_coverage_of_a_doubled_square() -> None:
    """A 2×2 block at rows/cols 20-21 doubled about (20, 20) covers rows/cols 20-23 exactly."""
    mask = np.zeros((48, 64), bool)
    mask[20:22, 20:22] = True
    path = np.array([[20.0, 20.0, 0.5], [20.0, 20.0, 0.25]])
    from levitor_studio.engine.render import Placement

    hit = card_coverage(mask, Placement(1, 1, path), 1)
    assert hit is not None
    (y0, y1, x0, x1), cover = hit
    ys, xs = np.nonzero(cover)
    # source (x+0.5 rounding): destination q takes source floor((q - 20) / 2 + 20 + 0.5)
    assert sorted({int(v) + y0 for v in ys}) == [19, 20, 21, 22]
    assert sorted({int(v) + x0 for v in xs}) == [19, 20, 21, 22]
    assert cover.sum() == 16


@pytest.mark.parametrize("edge", ["top", "left"])
def test_an_object_touching_the_top_or_left_edge_keeps_its_first_row(edge: str) -> None:
    """A card placed at the frame's edge still covers row / column 0 (clip bound 0, not 1)."""
    scene = make_scene()
    obj = scene.objects[1]  # rows 25-34, cols 30-43: keyed so its box starts at row / col 0
    obj.mask[:] = False
    obj.mask[25:35, 30:44] = True
    z = 0.05  # nearer than every pixel of the depth ramp (0.1…0.9): nothing occludes it
    cx, cy = obj.centroid()
    from levitor_studio.model.keyframes import Keyframe

    dx, dy = (0.0, -25.0) if edge == "top" else (-30.0, 0.0)
    obj.keyframes = [Keyframe(0, cx, cy, z), Keyframe(1, cx + dx, cy + dy, z)]
    labels, _ = render_masks(scene)
    uid_id = scene.instance_ids()[obj.uid]
    expected = np.zeros((48, 64), bool)
    if edge == "top":
        expected[0:10, 30:44] = True
    else:
        expected[25:35, 0:14] = True
    assert np.array_equal(labels[1] == uid_id, expected)


def test_footprint_is_the_union_of_the_masks() -> None:
    scene = make_scene()
    expected = np.zeros((48, 64), bool)
    expected[10:20, 10:20] = True
    expected[25:35, 30:44] = True
    assert np.array_equal(footprint(scene), expected)
