"""The views place objects with the engine's formula: the image view's outline transform and the
3D view's clouds, checked against the same hand-computed values as ``tests/engine/test_placement``.

Anchor (10, 20) at depth 0.5 at rest, (30, 40) at depth 0.25 at frame 1: twice the size about
the anchor, so pixel (12, 21) is drawn at (34, 42).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF
from scenes import make_scene

from levitor_studio.model.keyframes import Keyframe
from levitor_studio.ui.overlays import placement, to_frame0
from levitor_studio.ui.viewport3d import geometry as G

PATH = np.array([[10.0, 20.0, 0.5], [30.0, 40.0, 0.25], [10.0, 20.0, 1.0]])


def test_outline_transform_is_the_engine_pose() -> None:
    p = placement(PATH, 1).map(QPointF(12.0, 21.0))
    assert (p.x(), p.y()) == (34.0, 42.0)
    p = placement(PATH, 2).map(QPointF(14.0, 28.0))
    assert (p.x(), p.y()) == (12.0, 24.0)
    p = placement(PATH, 9).map(QPointF(14.0, 28.0))  # past the end: the last frame
    assert (p.x(), p.y()) == (12.0, 24.0)
    assert to_frame0(PATH, 1, 34.0, 42.0) == (12.0, 21.0)
    assert to_frame0(PATH, -3, 34.0, 42.0) == (34.0, 42.0)  # before the start: frame 0


def _doubled_scene():
    scene = make_scene()  # object a: rows / cols 10-19, depth ramp 0.9 (top) … 0.1 (bottom)
    obj = scene.objects[0]
    obj.keyframes = [Keyframe(0, 10.0, 20.0, 0.5), Keyframe(1, 30.0, 40.0, 0.25)]
    return scene, obj


def test_3d_cloud_hidden_pixels_use_the_engine_pose() -> None:
    scene, obj = _doubled_scene()
    uid_id = scene.instance_ids()[obj.uid]
    cloud = G.Cloud(
        np.zeros((3, 3), np.float32),
        np.zeros((3, 3), np.uint8),
        np.array([[12, 11], [12, 15], [19, 19]]),
    )
    labels = np.full((48, 64), uid_id, np.int32)
    # (12, 11) → (34, 22); (12, 15) → (34, 30); (19, 19) → (48, 38)
    labels[22, 34] = 0
    labels[38, 48] = 0
    assert G.hidden_pixels(scene, obj, 1, labels, cloud).tolist() == [True, False, True]
    labels[:] = uid_id
    assert G.hidden_pixels(scene, obj, 1, labels, cloud).tolist() == [False, False, False]


def test_3d_object_cloud_projects_to_the_engine_pose() -> None:
    scene, obj = _doubled_scene()
    disp = G.DepthDisplay(0.5, 1.0)
    cloud = G.object_cloud(scene, obj, 1, disp)
    cam = G.PinholeCamera.of_scene(scene)
    back = G.to_key_space(cam, disp, cloud.points.astype(np.float64))
    src = cloud.pixels.astype(np.float64)
    np.testing.assert_allclose(back[:, 0], 30.0 + 2.0 * (src[:, 0] - 10.0), atol=1e-3)
    np.testing.assert_allclose(back[:, 1], 40.0 + 2.0 * (src[:, 1] - 20.0), atol=1e-3)
    np.testing.assert_allclose(back[:, 2], 0.25, atol=1e-6)
