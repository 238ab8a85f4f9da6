"""Geometry of the rendered label and depth maps (reference §4, scene-model.md)."""

from __future__ import annotations

import numpy as np
import pytest
from engine_scenes import GROUND_Z, H, W, disc, keys, pole_scene, rect, scene_with
from scipy import ndimage

from levitor_studio.engine.camera import PinholeCamera
from levitor_studio.engine.render import FAR, placements, render_masks, static_labels
from levitor_studio.model.errors import InputError
from levitor_studio.model.scene import SceneObject


def obj(uid: int, mask: np.ndarray, *points: tuple[int, float, float, float]) -> SceneObject:
    return SceneObject(uid, f"o{uid}", (200, 0, 0), mask, keys(*points))


def centroid(m: np.ndarray) -> tuple[float, float]:
    ys, xs = np.nonzero(m)
    return float(xs.mean()), float(ys.mean())


def test_disc_moving_to_half_depth_grows_four_times_and_lands_on_key() -> None:
    mask = disc(20, 24, 6)
    scene = scene_with([obj(1, mask, (0, 20, 24, 0.4), (8, 40, 22, 0.2))])
    labels, depth = render_masks(scene)
    assert labels.shape == depth.shape == (9, H, W)
    assert labels.dtype == np.int32 and depth.dtype == np.float32
    last = labels[8] == 1
    assert abs(last.sum() / mask.sum() - 4.0) <= 0.2  # ±5 %
    cx, cy = centroid(last)
    assert abs(cx - 40) <= 0.5 and abs(cy - 22) <= 0.5
    assert np.all(depth[8][last] == np.float32(0.2))
    # every frame: area follows s_t² = (z0 / z_t)²
    place = placements(scene)[0]
    for t in range(9):
        expected = mask.sum() * place.scale(t) ** 2
        assert abs((labels[t] == 1).sum() / expected - 1.0) <= 0.1


def test_frame_zero_is_the_scene_at_rest() -> None:
    mask = rect(10, 30, 20, 40)
    segments = np.where(np.arange(H)[:, None] < 24, 5, 9).repeat(W, axis=1).astype(np.int32)
    scene = scene_with([obj(1, mask, (4, 30, 30, 0.5))], segments=segments)
    labels, depth = render_masks(scene)
    np.testing.assert_array_equal(labels[0], static_labels(scene))
    # segments renumbered compactly after the one object: 5 → 2, 9 → 3
    assert set(np.unique(labels[0])) == {1, 2, 3}
    z0 = scene.rest_depth(scene.objects[0])
    assert np.all(depth[0][mask] == np.float32(z0))
    np.testing.assert_array_equal(depth[0][~mask], scene.depth_map()[~mask])


def test_occlusion_exactly_where_the_scene_is_nearer() -> None:
    scene, pole = pole_scene()
    mask = scene.objects[0].mask
    labels, depth = render_masks(scene)
    for t in range(9):
        shifted = np.roll(mask, 5 * t, axis=1)  # 5 px per frame, stays inside the frame
        expected = shifted & ~pole
        np.testing.assert_array_equal(labels[t] == 1, expected)
        assert np.all(depth[t][expected] == np.float32(0.3))
    assert (labels[4] == 1).sum() < mask.sum()  # partly behind the pole mid-way
    assert (labels[8] == 1).sum() == mask.sum()  # whole again after passing
    # the pole keeps its label and depth wherever the disc would have been
    assert np.all(labels[4][pole] == 3) and np.all(depth[4][pole] == np.float32(0.05))


def test_two_moving_objects_are_ordered_by_depth() -> None:
    a, b = rect(5, 20, 15, 30), rect(45, 20, 55, 30)
    centre = rect(27, 22, 33, 28)  # covered by both cards at the meeting point

    def meeting(z_a: float, z_b: float) -> tuple[np.ndarray, np.ndarray]:
        scene = scene_with(
            [
                obj(1, a, (0, 9.5, 24.5, 0.3), (8, 30, 25, z_a)),
                obj(2, b, (0, 49.5, 24.5, 0.3), (8, 30, 25, z_b)),
            ]
        )
        labels, depth = render_masks(scene)
        return labels[8], depth[8]

    labels, depth = meeting(0.2, 0.25)
    assert np.all(labels[centre] == 1) and np.all(depth[centre] == np.float32(0.2))
    assert not np.any(labels == 2)  # b's card (scale 1.2) lies wholly behind a's (1.5)
    labels, depth = meeting(0.25, 0.2)
    assert np.all(labels[centre] == 2) and np.all(depth[centre] == np.float32(0.2))
    assert not np.any(labels == 1)


def test_vacated_footprint_takes_the_label_above_and_far_depth() -> None:
    mask = disc(20, 34, 5)
    segments = np.ones((H, W), np.int32)
    segments[:20] = 7  # "sky" far above; the object sits in segment 1 ("ground")
    depth = np.full((H, W), GROUND_Z, np.float32)
    scene = scene_with(
        [obj(1, mask, (0, 20, 34, 0.4), (8, 50, 20, 0.4))], depth=depth, segments=segments
    )
    labels, depth_maps = render_masks(scene)
    vacated = mask & (labels[8] != 1)
    assert vacated.sum() == mask.sum()
    assert np.all(labels[8][vacated] == 2)  # segment 1 → id 2, as just above the disc
    assert np.all(depth_maps[8][vacated] == np.float32(FAR))


def test_no_holes_when_scaled_up_three_times() -> None:
    mask = disc(32, 24, 4)
    # a ring-shaped texture of the mask must not matter: only coverage is rendered
    scene = scene_with([obj(1, mask, (0, 32, 24, 0.6), (8, 32, 24, 0.2))])
    labels, _ = render_masks(scene)
    drawn = labels[8] == 1
    np.testing.assert_array_equal(ndimage.binary_fill_holes(drawn), drawn)
    assert ndimage.label(drawn)[1] == 1
    assert np.all(drawn[disc(32, 24, 3 * 4 - 2)])  # everything well inside is covered
    assert abs(drawn.sum() / (9 * mask.sum()) - 1.0) <= 0.05


def test_object_leaving_the_frame_is_clipped() -> None:
    mask = disc(20, 24, 5)
    scene = scene_with([obj(1, mask, (0, 20, 24, 0.5), (8, W + 30, 24, 0.5))])
    labels, _ = render_masks(scene)
    assert (labels[8] == 1).sum() == 0
    assert 0 < (labels[5] == 1).sum() <= mask.sum()


def test_many_segments_keep_distinct_int32_ids() -> None:
    segments = (np.arange(H * W).reshape(H, W) % 300 + 1).astype(np.int32)
    scene = scene_with([obj(1, disc(20, 24, 5))], segments=segments)
    labels, _ = render_masks(scene)
    assert labels.max() == 301 and labels.dtype == np.int32


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="empty mask"):
        render_masks(scene_with([obj(1, np.zeros((H, W), bool))]))
    with pytest.raises(InputError, match="outside"):
        render_masks(scene_with([obj(1, disc(20, 24, 5), (0, 20, 24, 0.5), (4, 20, 24, 0.0))]))


def test_placement_maps_the_anchor_onto_each_key() -> None:
    scene = scene_with([obj(1, disc(20, 24, 5), (2, 30, 20, 0.5), (8, 40, 10, 0.25))])
    place = placements(scene)[0]
    assert place.instance_id == 1
    assert place.anchor0 == pytest.approx(scene.objects[0].centroid())
    for t in (2, 8):
        moved = place.to_frame(t, np.array(place.anchor0))
        assert moved == pytest.approx(place.anchor(t))
    assert place.scale(8) == pytest.approx(place.rest_depth / 0.25)
    assert place.at_rest(0) and not place.at_rest(8)


def test_camera_unprojection_round_trip() -> None:
    cam = PinholeCamera(64, 48, fov=50.0)
    xs, ys = np.meshgrid(np.arange(0, 64, 7.0), np.arange(0, 48, 5.0))
    zs = np.linspace(0.05, 1.0, xs.size).reshape(xs.shape)
    pts = cam.unproject(xs, ys, zs)
    np.testing.assert_allclose(cam.project(pts), np.stack([xs, ys, zs], -1), atol=1e-9)
    assert cam.unproject(32, 24, 0.5) == pytest.approx([0.0, 0.0, 0.5])
    top = cam.unproject(32, 0, 1.0)  # the top edge is half the vertical fov above the axis
    assert -top[1] / top[2] == pytest.approx(np.tan(np.radians(25.0)))
    assert np.all(np.isnan(cam.project(np.array([1.0, 1.0, 0.0]))[:2]))
