"""Ordering commands, artist depth units and "stay on the ground" (issue 14 item 2)."""

from __future__ import annotations

import numpy as np
import pytest
from scenes import make_scene

from levitor_studio.engine.render import render_masks
from levitor_studio.model.depth_units import (
    apparent_scale_percent,
    artist_depth,
    depth_from_relative,
    relative_distance,
    technical_depth,
)
from levitor_studio.model.errors import InputError
from levitor_studio.model.ground import grounded_depth_change, grounded_key
from levitor_studio.model.keyframes import Keyframe
from levitor_studio.model.ordering import STEP, Thing, no_depth_fix, order, segment_at
from levitor_studio.model.scene import snapshot


def test_artist_units_read_relative_to_the_rest():
    assert relative_distance(0.2, 0.1) == 2.0 and apparent_scale_percent(0.2, 0.1) == 50.0
    assert depth_from_relative(2.0, 0.1) == pytest.approx(0.2)
    assert artist_depth(0.1, 0.1) == "×1.00 (100 %)"
    assert artist_depth(0.2, 0.1) == "×2.00 (50 %)"
    assert artist_depth(0.05, 0.1) == "×0.50 (200 %)"
    assert technical_depth(0.125) == "z 0.125 · model 8/255"
    assert technical_depth(0.9) == "z 0.9 · model 0/255"


def test_send_an_object_behind_another_scales_its_keys_and_undoes():
    scene = make_scene()
    a, b = scene.objects
    before = snapshot(scene)
    zb = scene.rest_depth(b)
    inverse = order(scene, Thing("object", a.uid), Thing("object", b.uid), behind=True).apply(scene)
    assert scene.rest_depth(a) == pytest.approx(zb * STEP)
    # its authored motion keeps its size relative to the rest: 0.5 → 0.25 was ×0.5
    keys = {k.frame: k for k in a.keyframes}
    assert keys[15].z / keys[0].z == pytest.approx(0.5)
    assert (keys[15].x, keys[15].y) == (40.0, 20.0)
    inverse.apply(scene)
    assert snapshot(scene) == before


def test_an_object_without_a_rest_key_gets_one_at_its_rest_pose():
    scene = make_scene()
    a, b = scene.objects
    order(scene, Thing("object", b.uid), Thing("object", a.uid), behind=False).apply(scene)
    k0 = b.key_at(0)
    assert (k0.x, k0.y) == b.centroid() and k0.z == pytest.approx(0.5 / STEP)
    assert len(b.keyframes) == 1


def test_ordering_decides_who_hides_whom_where_they_overlap():
    scene = make_scene()
    a, b = scene.objects
    # a's square (rows 10..19, cols 10..19) moves by exactly (+20, +15) at its rest size onto
    # b's rectangle (rows 25..34, cols 30..43): at frame 15 it covers rows 25..34, cols 30..39
    a.keyframes = [Keyframe(0, 14.5, 14.5, 0.5), Keyframe(15, 34.5, 29.5, 0.5)]
    card = np.zeros_like(a.mask)
    card[25:35, 30:40] = True
    a_id, b_id = 1, 2
    order(scene, Thing("object", a.uid), Thing("object", b.uid), behind=False).apply(scene)
    labels, _ = render_masks(scene)
    assert np.array_equal(labels[15] == a_id, card)
    order(scene, Thing("object", a.uid), Thing("object", b.uid), behind=True).apply(scene)
    labels, _ = render_masks(scene)
    assert not np.any(labels[15] == a_id)
    assert np.all(labels[15][card] == b_id)


def test_a_static_segment_becomes_an_occluder():
    scene = make_scene()
    segments = np.zeros((scene.height, scene.width), np.int32)
    segments[:, 50:] = 7
    scene.segments = segments
    a = scene.objects[0]
    assert segment_at(scene, 55.0, 3.0) == 7 and segment_at(scene, 5.0, 3.0) is None
    before, depth = snapshot(scene), scene.depth.copy()
    cmd = order(scene, Thing("segment", 7), Thing("object", a.uid), behind=False)
    assert cmd.label == "Bring segment 7 in front of a"
    inverse = cmd.apply(scene)
    assert np.all(scene.depth[:, 50:] == np.float32(0.5 / STEP))
    assert np.array_equal(scene.depth[:, :50], depth[:, :50])
    inverse.apply(scene)
    assert snapshot(scene) == before


def test_orders_that_cannot_be_made_say_why():
    scene = make_scene()
    a, b = scene.objects
    with pytest.raises(InputError, match="no static segment 3"):
        scene.segments = np.zeros((48, 64), np.int32)
        order(scene, Thing("segment", 3), Thing("object", a.uid), behind=True)
    with pytest.raises(InputError, match="choose another object"):
        order(scene, Thing("object", a.uid), Thing("object", a.uid), behind=True)
    b.keyframes = [Keyframe(0, 36.5, 29.5, 0.9)]
    # a step behind 0.9 would leave the range: behind it as far as depth goes
    order(scene, Thing("object", a.uid), Thing("object", b.uid), behind=True).apply(scene)
    assert scene.rest_depth(a) == 1.0
    b.keyframes = [Keyframe(0, 36.5, 29.5, 1.0)]
    with pytest.raises(InputError, match="b is at 'far': nothing fits behind it; bring b nearer"):
        order(scene, Thing("object", a.uid), Thing("object", b.uid), behind=True)
    b.keyframes = [Keyframe(0, 36.5, 29.5, 1 / 255)]
    with pytest.raises(InputError, match="b is as near as depth goes: send it back instead"):
        order(scene, Thing("object", a.uid), Thing("object", b.uid), behind=False)


def test_the_no_depth_fix_brings_a_far_object_to_the_farthest_readable_depth():
    scene = make_scene()
    a, b = scene.objects
    assert no_depth_fix(scene, a.uid) is None  # rests at 0.5: the model reads it
    b.keyframes = [Keyframe(0, 36.5, 29.5, 1.0), Keyframe(8, 36.5, 29.5, 1.0)]
    cmd = no_depth_fix(scene, b.uid)
    cmd.apply(scene)
    assert [k.z for k in b.keyframes] == [0.5, 0.5]


def test_pushing_back_on_the_ground_keeps_the_contact_on_the_floor():
    # anchor at rest (100, 200), contact row 250, horizon row 100, rest depth 0.1
    key = Keyframe(8, 100.0, 200.0, 0.1)
    moved = grounded_key(key, 0.2, 0.1, 200.0, 250.0, 100.0)
    # twice as far: the contact halves its height below the horizon (150 → 75 px) and the
    # anchor, 50 px above it at rest, is 25 px above it at half the size
    assert (moved.x, moved.y, moved.z) == (100.0, 150.0, 0.2)
    bottom = moved.y + (0.1 / 0.2) * (250.0 - 200.0)
    assert bottom == 175.0


def test_grounded_depth_change_reads_the_mask_and_rest():
    scene = make_scene()
    b = scene.objects[1]  # rows 25..34, centroid y 29.5, rest depth = median of the ramp
    scene.objects[1].keyframes = [Keyframe(5, 36.5, 29.5, 0.2)]
    z0 = scene.rest_depth(b)
    horizon = 10.0 / 47.0
    key = grounded_depth_change(scene, b.uid, 5, 0.4, horizon)
    bottom0 = 29.5 + (z0 / 0.2) * (34 - 29.5)
    expected_bottom = 10.0 + (bottom0 - 10.0) * 0.2 / 0.4
    assert key.y == pytest.approx(expected_bottom - (z0 / 0.4) * (34 - 29.5))
    assert grounded_depth_change(scene, b.uid, 5, 0.4, horizon).z == 0.4
