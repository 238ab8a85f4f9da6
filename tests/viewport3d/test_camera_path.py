"""The 3D view shows the camera track (issue 17): the path of camera centres through the depth
exaggeration, a frustum per camera key and a highlighted one at the playhead.

Values are written out by hand: with ``ref = 0.5`` and gain 2 the display depth is
``z_d = 2 z²``, so a point slides along its ray by ``m(z) = z_d / z = 2 z``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from viewport_scenes import street_scene

from levitor_studio.engine.camera import PinholeCamera
from levitor_studio.model.camera_track import CameraKey
from levitor_studio.model.commands import SetCameraKeys
from levitor_studio.model.keyframes import Easing
from levitor_studio.ui.document import Document
from levitor_studio.ui.viewport3d import Viewport3DWidget
from levitor_studio.ui.viewport3d import camera_path as C
from levitor_studio.ui.viewport3d.geometry import DepthDisplay
from levitor_studio.ui.viewport3d.pipeline import CAMERA_SIZE

W, H = 64, 48
F = (H / 2) / math.tan(math.radians(50.0) / 2)


def test_camera_centres_slide_along_their_rays_and_stay_continuous_before_the_scene() -> None:
    disp = DepthDisplay(0.5, 2.0)
    centres = np.array([[0.1, 0.0, 0.3], [0.2, -0.1, 0.0], [0.0, 0.0, 0.0], [0.1, 0.1, 0.05]])
    out = C.display_centres(disp, 0.1, centres)
    expected = [[0.06, 0.0, 0.18], [0.04, -0.02, 0.0], [0.0, 0.0, 0.0], [0.02, 0.02, 0.01]]
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-15)
    # a centre beyond the nearest surface lands where a scene point there is drawn
    ray_point = PinholeCamera(W, H).unproject(50.0, 10.0, 0.3)
    seen = C.display_centres(disp, 0.1, ray_point[None])[0]
    assert seen[2] == pytest.approx(disp.to_display(0.3), abs=1e-15)
    assert PinholeCamera(W, H).project(seen)[:2] == pytest.approx([50.0, 10.0], abs=1e-12)
    # gain 1: the identity
    np.testing.assert_array_equal(C.display_centres(DepthDisplay(0.5, 1.0), 0.1, centres), centres)


def test_a_frustum_has_its_apex_at_the_centre_and_its_corners_on_the_turned_rays() -> None:
    cam = PinholeCamera(W, H)
    apex = np.array([0.1, 0.2, 0.3])
    pts, lines = C.frustum(cam, np.eye(3), apex, 0.1)
    tl = [-32 * 0.1 / F, -24 * 0.1 / F, 0.1]
    br = [32 * 0.1 / F, 24 * 0.1 / F, 0.1]
    np.testing.assert_allclose(pts, [apex, apex + tl, apex + [br[0], tl[1], 0.1], apex + br,
                                     apex + [tl[0], br[1], 0.1]], atol=1e-15)  # fmt: skip
    assert [line.tolist() for line in lines] == [[0, 1], [0, 2], [0, 3], [0, 4], [1, 2, 3, 4, 1]]
    # panned 90° right: forward (z) turns to +x and right (x) to −z
    pan90 = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [-1.0, 0.0, 0.0]])
    pts, _ = C.frustum(cam, pan90, np.zeros(3), 0.1)
    np.testing.assert_allclose(pts[1], [0.1, tl[1], -tl[0]], atol=1e-15)


def _points(poly) -> np.ndarray:
    from vtkmodules.util.numpy_support import vtk_to_numpy

    if poly.GetPoints() is None:
        return np.zeros((0, 3))
    return vtk_to_numpy(poly.GetPoints().GetData()).astype(np.float64)


@pytest.mark.xvfb
def test_the_viewport_draws_the_camera_path_and_follows_edits_and_the_playhead(qtbot) -> None:
    scene = street_scene(W, H, frames=9)
    doc = Document(scene)
    view = Viewport3DWidget(doc)
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    pipe = view.pipeline
    assert len(_points(pipe.camera_path)) == 0 and len(_points(pipe.camera_now)) == 0
    doc.push(
        SetCameraKeys(
            [CameraKey(0, ease=Easing.LINEAR), CameraKey(8, pan=90.0, dolly=0.4, truck=-0.2)]
        )
    )
    path = _points(pipe.camera_path)
    # linear: frame t at t/8 of the way; gain 1, so the world centres themselves
    expected = [[-0.2 * t / 8, 0.0, 0.4 * t / 8] for t in range(9)]
    np.testing.assert_allclose(path, expected, atol=1e-12)
    keys = _points(pipe.camera_keys)
    assert len(keys) == 10  # two key frustums
    np.testing.assert_allclose(keys[[0, 5]], [[0, 0, 0], [-0.2, 0.0, 0.4]], atol=1e-12)
    size = 1.5 * CAMERA_SIZE * pipe.display.ref
    np.testing.assert_allclose(_points(pipe.camera_now)[0], [0, 0, 0], atol=1e-12)
    doc.set_frame(8)
    now = _points(pipe.camera_now)
    np.testing.assert_allclose(now[0], [-0.2, 0.0, 0.4], atol=1e-12)
    # looking 90° right: the top-left corner's ray points along +x
    np.testing.assert_allclose(
        now[1], [-0.2 + size, -24 * size / F, 0.4 + 32 * size / F], atol=1e-12
    )
    view.set_exaggeration(2.0)  # the path goes through the display mapping
    near = float(scene.depth_map().min())
    disp = DepthDisplay.of_scene(scene, 2.0)
    np.testing.assert_allclose(
        _points(pipe.camera_path), C.display_centres(disp, near, np.array(expected)), atol=1e-12
    )
    # through the image camera the frustums around its eye would only cross the picture
    view.render_now()
    assert [a.GetVisibility() for a in pipe.camera_actors] == [False, False, False]
    view.set_preset("top")
    view.render_now()
    assert [a.GetVisibility() for a in pipe.camera_actors] == [True, True, True]
    doc.close()
