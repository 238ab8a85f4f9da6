"""The camera track (issue 17 item 1): parallax from reprojecting every pixel with its own depth.

Under a dolly ``d`` forward (no rotation) a pixel at offset ``u`` from the principal point at
depth ``z`` moves to ``u · z / (z − d)``: its shift ``u · d / (z − d)`` grows as it nears the
camera. Two segments at the same offset and depths ``z1 < z2`` therefore shift in the ratio
``(z2 − d) / (z1 − d)``. Far (1) does not move under translation.
"""

from __future__ import annotations

import numpy as np
import pytest

from levitor_studio.engine.camera import PinholeCamera
from levitor_studio.engine.camera_move import CameraPose, reproject
from levitor_studio.engine.preview import render_frame
from levitor_studio.engine.render import render_masks
from levitor_studio.model.camera_track import CameraKey
from levitor_studio.model.commands import SetCameraKeys
from levitor_studio.model.errors import InputError
from levitor_studio.model.keyframes import Easing
from levitor_studio.model.scene import Scene, snapshot

W, H = 128, 96
Z_NEAR, Z_FAR, DOLLY = 0.3, 0.6, 0.1  # the near square grows 1.5×, the far one 1.2×


def _scene(keys: list[CameraKey]) -> Scene:
    depth = np.full((H, W), 0.9, np.float32)
    segments = np.ones((H, W), np.int32)
    segments[44:52, 29:37] = 2  # near, centred 31.5 px left of the principal point (64, 48)
    depth[44:52, 29:37] = Z_NEAR
    segments[44:52, 91:99] = 3  # far, centred 30.5 px right of it
    depth[44:52, 91:99] = Z_FAR
    rng = np.random.default_rng(1)
    image = rng.integers(0, 255, (H, W, 3), dtype=np.uint8)
    return Scene(image=image, frames=5, depth=depth, segments=segments, camera=keys)


def _centroid(mask: np.ndarray) -> tuple[float, float]:
    ys, xs = np.nonzero(mask)
    return float(xs.mean()), float(ys.mean())


def test_a_dolly_moves_near_points_more_than_far_ones_in_the_depth_ratio() -> None:
    scene = _scene([CameraKey(0, ease=Easing.LINEAR), CameraKey(4, dolly=DOLLY)])
    labels, depth = render_masks(scene)
    (nx0, _), (fx0, _) = _centroid(labels[0] == 2), _centroid(labels[0] == 3)
    (nx4, ny4), (fx4, fy4) = _centroid(labels[4] == 2), _centroid(labels[4] == 3)
    near_shift, far_shift = nx4 - nx0, fx4 - fx0
    # u = −31.5 and +30.5 (centroids 32.5 and 94.5 against the principal point 64), so the
    # shifts' ratio is (Z_FAR − d) / (Z_NEAR − d) · 31.5 / 30.5
    assert near_shift == pytest.approx(-31.5 * DOLLY / (Z_NEAR - DOLLY), abs=0.5)
    assert far_shift == pytest.approx(30.5 * DOLLY / (Z_FAR - DOLLY), abs=0.5)
    ratio = (Z_FAR - DOLLY) / (Z_NEAR - DOLLY) * 31.5 / 30.5
    assert abs(near_shift) / abs(far_shift) == pytest.approx(ratio, rel=0.08)
    assert (ny4, fy4) == pytest.approx((47.5, 47.5), abs=0.5)  # on the axis: no vertical move
    assert np.allclose(depth[4][labels[4] == 2], Z_NEAR - DOLLY)
    # the magnified near square has no holes
    ys, xs = np.nonzero(labels[4] == 2)
    assert (labels[4] == 2).sum() == (ys.max() - ys.min() + 1) * (xs.max() - xs.min() + 1)


def test_far_stays_far_and_moves_only_with_rotation() -> None:
    cam = PinholeCamera(W, H, 50.0)
    moved = CameraPose.of_row([0, 0, 0, 0.5, 0.3, 0.2])
    x, y, z = reproject(cam, moved, 10.0, 20.0, 1.0)
    assert (float(x), float(y), float(z)) == pytest.approx((10.0, 20.0, 1.0), abs=1e-9)
    panned = CameraPose.of_row([10, 0, 0, 0, 0, 0])  # look right: the scene slides left
    x, y, z = reproject(cam, panned, 64.0, 48.0, 1.0)
    assert float(x) == pytest.approx(64.0 - cam.focal * np.tan(np.radians(10.0)), abs=1e-9)
    assert (float(y), float(z)) == (48.0, 1.0)


def test_behind_the_camera_is_not_drawn_and_uncovered_edges_get_no_id() -> None:
    scene = _scene([CameraKey(0), CameraKey(4, dolly=0.35)])  # past the near square (0.3)
    labels, depth = render_masks(scene)
    assert not (labels[4] == 2).any()
    scene = _scene([CameraKey(0), CameraKey(4, truck=0.2)])  # the camera moves right
    labels, depth = render_masks(scene)
    # everything slides left; the right edge is uncovered: no id, depth far
    assert (labels[4][:, -3:] == 0).all() and (depth[4][:, -3:] == 1.0).all()
    frame = render_frame(scene, 4)
    assert frame[:, -3:].std() > 0  # inpainted from the neighbours, not a black band
    assert not (frame[:, -3:] == 0).all(axis=-1).any()


def test_camera_keys_are_one_undoable_command_with_ranges() -> None:
    scene = _scene([])
    before = snapshot(scene)
    undo = SetCameraKeys([CameraKey(4, pan=5.0, dolly=0.1)]).apply(scene)
    assert scene.camera_path()[2].tolist() == pytest.approx([2.5, 0, 0, 0.05, 0, 0])
    undo.apply(scene)
    assert snapshot(scene) == before
    with pytest.raises(InputError, match="^camera pan 200 must be -180…180$"):
        SetCameraKeys([CameraKey(4, pan=200.0)]).apply(scene)
    with pytest.raises(InputError, match="^the camera at frame 0 is the photograph's"):
        SetCameraKeys([CameraKey(0, dolly=0.1)]).apply(scene)
    assert snapshot(scene) == before


def test_a_camera_key_or_a_parent_makes_takes_stale() -> None:
    from scenes import make_scene

    from levitor_studio.engine.take_hash import control_hash
    from levitor_studio.model.commands import SetParent

    scene = make_scene()
    plain = control_hash(scene)
    undo = SetCameraKeys([CameraKey(3, tilt=1.0)]).apply(scene)
    assert control_hash(scene) != plain
    undo.apply(scene)
    assert control_hash(scene) == plain
    SetParent(2, 1).apply(scene)
    assert control_hash(scene) != plain
