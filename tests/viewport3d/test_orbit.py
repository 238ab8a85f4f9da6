"""The orbit tool's keys (engine, no display): geometry of the circle and the occlusion it makes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from viewport_scenes import orbit_scene

from levitor_studio.engine.camera import PinholeCamera
from levitor_studio.engine.orbit import orbit_keyframes
from levitor_studio.engine.render import card_coverage, placements, render_masks
from levitor_studio.model.commands import SetKeyframes
from levitor_studio.model.errors import InputError
from levitor_studio.model.keyframes import Keyframe


def test_explicit_orbit_swings_behind_and_in_front_of_b() -> None:
    scene = orbit_scene()
    b = scene.object(1)
    bx, by = b.centroid()
    zb = scene.rest_depth(b)
    f = PinholeCamera.of_scene(scene).focal
    # frames 4..12, one turn: 4 → 0° (right), 6 → 90° (behind), 8 → 180°, 10 → 270° (in front)
    keys = orbit_keyframes(scene, 2, 1, 12.0, 0.0, 1.0, 4, 12, 1)
    by_frame = {k.frame: k for k in keys}
    assert sorted(by_frame) == list(range(4, 13))
    a_height = PinholeCamera.of_scene(scene).unproject(*scene.trajectory(scene.object(2))[4])
    assert by_frame[4].x == pytest.approx(bx + 12.0, abs=1e-9)
    assert by_frame[4].z == pytest.approx(zb, abs=1e-12)
    # far side: depth grows by the radius in 3D (12 px at B's depth = 12 zb / f)
    assert by_frame[6].z == pytest.approx(zb + 12.0 * zb / f, rel=1e-12)
    assert by_frame[10].z == pytest.approx(zb - 12.0 * zb / f, rel=1e-12)
    assert by_frame[6].z > zb > by_frame[10].z
    assert by_frame[8].x == pytest.approx(bx - 12.0, abs=1e-9)
    # straight behind / in front of B in 3D (same camera-space X), in the plane at A's height
    cam = PinholeCamera.of_scene(scene)
    b3d = cam.unproject(bx, by, zb)
    for t in (6, 10):
        p = cam.unproject(by_frame[t].x, by_frame[t].y, by_frame[t].z)
        assert p[0] == pytest.approx(b3d[0], abs=1e-12)
        assert p[1] == pytest.approx(a_height[1], abs=1e-12)
    # B sits left of the optical axis: behind it, A projects nearer the centre column
    assert bx < by_frame[6].x < cam.centre[0]


def test_direction_reverses_the_sides() -> None:
    scene = orbit_scene()
    zb = scene.rest_depth(scene.object(1))
    keys = {k.frame: k for k in orbit_keyframes(scene, 2, 1, 12.0, 0.0, 1.0, 4, 12, -1)}
    assert keys[6].z < zb < keys[10].z


def test_automatic_orbit_starts_where_a_is_and_keeps_other_keys() -> None:
    scene = orbit_scene()
    a = scene.object(2)
    a.keyframes = [Keyframe(15, 10.0, 10.0, 0.5)]
    start = scene.trajectory(a)[0]
    keys = orbit_keyframes(scene, 2, 1, turns=0.5, frame_start=0, frame_end=8)
    assert (keys[0].x, keys[0].y, keys[0].z) == pytest.approx(tuple(start), abs=1e-9)
    assert keys[-1] == Keyframe(15, 10.0, 10.0, 0.5)
    assert [k.frame for k in keys] == [*range(0, 9), 15]
    # half a turn from the right of B at the same depth ends at its left, same depth
    bx = scene.object(1).centroid()[0]
    assert keys[8].x == pytest.approx(2 * bx - start[0], abs=1e-9)
    assert keys[8].z == pytest.approx(start[2], abs=1e-12)
    SetKeyframes(2, keys).apply(scene)  # the model accepts the keys as they are


def test_orbit_refusals_are_one_line_input_errors() -> None:
    scene = orbit_scene()
    with pytest.raises(InputError, match="frame 0 shows the source image"):
        orbit_keyframes(scene, 2, 1, 30.0, 45.0, 1.0, 0, 15)
    with pytest.raises(InputError, match="beyond the far limit"):
        orbit_keyframes(scene, 2, 1, 200.0, 0.0, 0.25, 1, 15)
    with pytest.raises(InputError, match="behind the camera"):
        orbit_keyframes(scene, 2, 1, 200.0, 180.0, 0.25, 1, 15)
    with pytest.raises(InputError, match="itself"):
        orbit_keyframes(scene, 2, 2)
    with pytest.raises(InputError, match="start < end"):
        orbit_keyframes(scene, 2, 1, frame_start=9, frame_end=3)


def test_label_maps_hide_a_behind_b_exactly_on_the_far_side() -> None:
    scene = orbit_scene()
    keys = orbit_keyframes(scene, 2, 1, turns=1.0, frame_start=0, frame_end=15)
    SetKeyframes(2, keys).apply(scene)
    labels, _ = render_masks(scene)
    ids = scene.instance_ids()
    place = {p.uid: p for p in placements(scene)}
    zb = scene.rest_depth(scene.object(1))
    seen = {"behind": 0, "in front": 0}
    for t in range(scene.frames):
        hit_a = card_coverage(scene.object(2).mask, place[2], t)
        assert hit_a is not None
        (y0, y1, x0, x1), cover = hit_a
        over_b = cover & scene.object(1).mask[y0:y1, x0:x1]
        if not over_b.any():
            continue
        shown = labels[t, y0:y1, x0:x1][over_b]
        za = place[2].depth(t)
        if za > zb:
            seen["behind"] += 1
            assert np.all(shown == ids[1]), f"frame {t}: A at {za:.3f} shows through B"
        else:
            assert za < zb
            seen["in front"] += 1
            assert np.all(shown == ids[2]), f"frame {t}: A at {za:.3f} hidden in front of B"
        # where A does not overlap B it stays visible (nothing else is nearer)
        assert np.all(labels[t, y0:y1, x0:x1][cover & ~over_b] == ids[2])
    assert seen["behind"] >= 2 and seen["in front"] >= 2
    # the angle at each key follows the turn: a quarter turn after the start A is behind B
    theta = 2 * math.pi * np.arange(16) / 15
    assert np.array_equal(np.array([k.z for k in keys]) > zb + 1e-9, np.sin(theta) > 1e-9)
