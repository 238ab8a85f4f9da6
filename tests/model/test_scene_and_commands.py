from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scenes import make_scene

from levitor_studio.model import commands as c
from levitor_studio.model.depth_units import (
    channel_value,
    depth_to_channel,
    disparity_to_depth,
    in_no_depth_band,
)
from levitor_studio.model.errors import InputError
from levitor_studio.model.keyframes import Easing, Keyframe
from levitor_studio.model.scene import Scene, snapshot


def test_rest_pose_is_the_mask_centroid_at_the_median_depth(scene: Scene) -> None:
    b = scene.object(2)
    assert scene.rest_depth(b) == pytest.approx(float(np.median(scene.depth[b.mask])))
    path = scene.trajectory(b)
    assert (path == [36.5, 29.5, scene.rest_depth(b)]).all()
    assert not scene.is_moving(b)


def test_a_first_key_after_frame_zero_starts_from_rest(scene: Scene) -> None:
    b = scene.object(2)
    c.SetKeyframe(2, Keyframe(8, 10.0, 10.0, 0.2)).apply(scene)
    path = scene.trajectory(b)
    assert tuple(path[0]) == (36.5, 29.5, scene.rest_depth(b))
    assert tuple(path[8]) == (10.0, 10.0, 0.2)
    assert scene.is_moving(b)


def test_instance_ids_follow_object_order(scene: Scene) -> None:
    assert scene.instance_ids() == {1: 1, 2: 2}
    c.MoveObjectInOrder(2, 0).apply(scene)
    assert scene.instance_ids() == {2: 1, 1: 2}


def test_depth_unit_conversions() -> None:
    assert disparity_to_depth(np.array([255, 1, 0])).tolist() == pytest.approx([1 / 255, 1.0, 1.0])
    assert depth_to_channel(np.array([1 / 255, 0.5, 0.6, 0.7, 1.0])).tolist() == [255, 2, 2, 0, 0]
    assert channel_value(0.66) == 2 and in_no_depth_band(0.67) and not in_no_depth_band(0.66)


def test_refused_edits_change_nothing(scene: Scene) -> None:
    before = snapshot(scene)
    for bad in (
        c.SetKeyframe(1, Keyframe(16, 0, 0, 0.5)),
        c.SetKeyframe(1, Keyframe(3, 0, 0, 0.0)),
        c.SetKeyframe(1, Keyframe(3, 0, 0, 1.5)),
        c.MoveKeyframe(1, 0, Keyframe(15, 0, 0, 0.5)),
        c.DeleteKeyframe(2, 3),
        c.SetObjectMask(1, np.zeros((4, 4), bool)),
        c.SetObjectProperties(1, name="  "),
        c.SetGenerationSettings({"control_scale": 11.0}),
        c.SetGenerationSettings({"nonsense": 1}),
        c.SetSceneTiming(frames=10),
        c.Batch([c.SetObjectProperties(1, name="ok"), c.SetKeyframe(1, Keyframe(99, 0, 0, 0.5))]),
    ):
        with pytest.raises(InputError):
            bad.apply(scene)
        assert snapshot(scene) == before


def _random_command(scene: Scene, data: st.DataObject) -> c.Command:
    uids = [o.uid for o in scene.objects]
    kind = data.draw(
        st.sampled_from(
            [
                "add",
                "remove",
                "props",
                "mask",
                "key",
                "move",
                "del",
                "settings",
                "timing",
                "depth",
                "segments",
                "order",
                "keys",
            ]
        )
    )
    draw_frame = st.integers(0, scene.frames - 1)
    if kind == "add" or not uids:
        mask = np.zeros((scene.height, scene.width), bool)
        y, x = data.draw(st.integers(0, 40)), data.draw(st.integers(0, 56))
        mask[y : y + 6, x : x + 6] = True
        return c.AddObject(c.new_object(scene, mask), data.draw(st.integers(0, len(uids))))
    uid = data.draw(st.sampled_from(uids))
    obj = scene.object(uid)
    z = data.draw(st.floats(0.01, 1.0))
    xy = data.draw(st.floats(-10, 80))
    if kind == "remove":
        return c.RemoveObject(uid)
    if kind == "props":
        return c.SetObjectProperties(
            uid,
            name=data.draw(st.text("abc", min_size=1, max_size=4)),
            color=(1, 2, data.draw(st.integers(0, 255))),
            points_ratio=data.draw(st.sampled_from([None, 0.5, 2.0])),
        )
    if kind == "mask":
        return c.SetObjectMask(uid, np.roll(obj.mask, data.draw(st.integers(1, 5)), axis=1))
    if kind in ("move", "del") and obj.keyframes:
        key = data.draw(st.sampled_from(obj.keyframes))
        if kind == "del":
            return c.DeleteKeyframe(uid, key.frame)
        free = [f for f in range(scene.frames) if obj.key_at(f) is None or f == key.frame]
        return c.MoveKeyframe(uid, key.frame, Keyframe(data.draw(st.sampled_from(free)), xy, xy, z))
    if kind == "settings":
        return c.SetGenerationSettings({"seed": data.draw(st.integers(0, 99)), "points_ratio": 0.5})
    if kind == "timing":
        return c.SetSceneTiming(fps=data.draw(st.sampled_from([6.0, 8.0, 24.0])), fov=40.0)
    if kind == "depth":
        return c.SetDepthMap(np.full((scene.height, scene.width), z, np.float32))
    if kind == "segments":
        return c.SetSegments(
            np.full((scene.height, scene.width), data.draw(st.integers(0, 3)), np.int32)
        )
    if kind == "order":
        return c.MoveObjectInOrder(uid, data.draw(st.integers(0, len(uids) - 1)))
    if kind == "keys":
        return c.SetKeyframes(
            uid, [Keyframe(0, xy, xy, z), Keyframe(9, 1.0, 2.0, 0.3, Easing.HOLD)]
        )
    return c.SetKeyframe(
        uid, Keyframe(data.draw(draw_frame), xy, xy, z, data.draw(st.sampled_from(list(Easing))))
    )


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_random_edits_then_undoing_all_restores_the_scene(data: st.DataObject) -> None:
    scene = make_scene()
    original = snapshot(scene)
    inverses = []
    for _ in range(data.draw(st.integers(1, 60))):
        try:
            inverses.append(_random_command(scene, data).apply(scene))
        except InputError:
            pass
    for inverse in reversed(inverses):
        inverse.apply(scene)
    assert snapshot(scene) == original


def test_set_depth_and_easing_helpers(scene: Scene) -> None:
    c.set_depth(scene, 1, 15, 0.4).apply(scene)
    c.set_easing(scene, 1, 0, Easing.HOLD).apply(scene)
    assert scene.object(1).key_at(15).z == 0.4
    assert scene.object(1).key_at(0).ease is Easing.HOLD
    with pytest.raises(InputError):
        c.set_depth(scene, 1, 7, 0.4)


def test_without_a_depth_map_objects_rest_in_front_of_the_far_scene() -> None:
    from levitor_studio.engine import render_masks
    from levitor_studio.model.scene import REST_DEPTH_WITHOUT_MAP

    scene = make_scene()
    scene.depth = None
    b = scene.object(2)
    assert scene.rest_depth(b) == REST_DEPTH_WITHOUT_MAP < 1.0
    c.SetKeyframe(2, Keyframe(15, 10.0, 10.0, scene.rest_depth(b))).apply(scene)
    labels, _ = render_masks(scene)
    assert (labels[15] == 2).sum() == b.area()  # moved and fully visible, not hidden by "far"


def test_disparity_normalisation_uses_the_originals_float32_arithmetic() -> None:
    from levitor_studio.model.depth_units import normalise_disparity

    rng = np.random.default_rng(3)
    raw = rng.uniform(0.1, 7.3, (64, 64)).astype(np.float32)
    expected = ((raw - raw.min()) / (raw.max() - raw.min()) * 255.0).astype(np.uint8)  # float32
    assert np.array_equal(normalise_disparity(raw), expected)
    assert normalise_disparity(np.full((2, 2), 3.0)).tolist() == [[0, 0], [0, 0]]
