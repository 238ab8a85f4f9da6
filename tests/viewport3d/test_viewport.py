"""The 3D viewport widget: cloud geometry, handles, drags with undo, scrubbing, LOD, occlusion tint.

Runs under Xvfb (``xvfb-run -a``); under Qt's offscreen platform the widget renders through an
offscreen VTK window and every test here still applies except the real-mouse one.
"""

from __future__ import annotations

import numpy as np
import pytest
from viewport_scenes import orbit_scene, street_scene

from levitor_studio.engine.camera import PinholeCamera
from levitor_studio.engine.orbit import orbit_keyframes
from levitor_studio.engine.render import render_masks
from levitor_studio.model.commands import SetKeyframes
from levitor_studio.model.keyframes import Keyframe
from levitor_studio.ui.document import Document
from levitor_studio.ui.viewport3d import Viewport3DWidget
from levitor_studio.ui.viewport3d import geometry as G
from levitor_studio.ui.viewport3d.pipeline import PATH_WIDTH, SELECTED_PATH_WIDTH

pytestmark = pytest.mark.xvfb


@pytest.fixture
def make_viewport(qtbot):
    docs = []

    def make(scene):
        doc = Document(scene)
        docs.append(doc)
        widget = Viewport3DWidget(doc)
        qtbot.addWidget(widget)
        widget.resize(520, 400)
        widget.show()
        qtbot.waitExposed(widget)
        widget.render_now()
        return widget

    yield make
    for doc in docs:  # as the window does when it closes (Document.close)
        doc.close()


def _vtk_points(poly) -> np.ndarray:
    from vtkmodules.util.numpy_support import vtk_to_numpy

    return vtk_to_numpy(poly.GetPoints().GetData()).astype(np.float64)


def test_cloud_has_one_point_per_pixel_at_its_unprojection(make_viewport) -> None:
    scene = street_scene()
    scene.objects = []
    view = make_viewport(scene)
    pipe = view.pipeline
    pts = _vtk_points(pipe.background)
    assert len(pts) == scene.width * scene.height
    ys, xs = np.mgrid[0 : scene.height, 0 : scene.width]
    expected = PinholeCamera.of_scene(scene).unproject(xs, ys, scene.depth_map()).reshape(-1, 3)
    np.testing.assert_allclose(pts, expected, rtol=1e-6, atol=1e-7)
    lo, hi = expected.min(axis=0), expected.max(axis=0)
    bounds = np.array(pipe.background.GetBounds()).reshape(3, 2)
    np.testing.assert_allclose(bounds[:, 0], lo, rtol=1e-6)
    np.testing.assert_allclose(bounds[:, 1], hi, rtol=1e-6)
    colors = pipe.background.GetPointData().GetScalars()
    assert colors.GetNumberOfComponents() == 3
    assert colors.GetTuple3(5 * scene.width + 7) == tuple(float(c) for c in scene.image[5, 7])


def test_objects_take_their_footprint_out_of_the_background(make_viewport) -> None:
    scene = street_scene()
    view = make_viewport(scene)
    pipe = view.pipeline
    footprint = sum(int(o.mask.sum()) for o in scene.objects)
    assert pipe.background.GetNumberOfPoints() == scene.width * scene.height - footprint
    total = pipe.background.GetNumberOfPoints() + sum(
        e.cloud.GetNumberOfPoints() for e in pipe.objects.values()
    )
    assert total == scene.width * scene.height
    # an object's card at rest is its own pixels at its rest depth
    centre = scene.object(1)
    ys, xs = np.nonzero(centre.mask)
    card = PinholeCamera.of_scene(scene).unproject(xs, ys, scene.rest_depth(centre))
    np.testing.assert_allclose(_vtk_points(pipe.objects[1].cloud), card, rtol=1e-6)


def test_exaggeration_stretches_depth_along_camera_rays(make_viewport) -> None:
    scene = street_scene()
    scene.objects = []
    view = make_viewport(scene)
    view.set_exaggeration(2.0)
    pts = _vtk_points(view.pipeline.background)
    pix = PinholeCamera.of_scene(scene).project(pts)
    ys, xs = np.mgrid[0 : scene.height, 0 : scene.width]
    np.testing.assert_allclose(pix[:, 0], xs.ravel(), atol=1e-3)
    np.testing.assert_allclose(pix[:, 1], ys.ravel(), atol=1e-3)
    ref = float(np.median(scene.depth_map()))
    z = scene.depth_map().ravel().astype(np.float64)
    np.testing.assert_allclose(pts[:, 2], ref * (z / ref) ** 2.0, rtol=1e-5)


def test_handle_sits_at_the_unprojected_key_and_is_picked_there(make_viewport) -> None:
    scene = street_scene()
    view = make_viewport(scene)
    pipe = view.pipeline
    cam = PinholeCamera.of_scene(scene)
    for i, (uid, frame) in enumerate(pipe.handle_keys):
        key = scene.object(uid).key_at(frame)
        np.testing.assert_allclose(pipe.handle_world[i], cam.unproject(key.x, key.y, key.z))
        assert pipe.pick_handle(*view.handle_display_position(uid, frame)) == (uid, frame)
    assert sorted(pipe.handle_keys) == [(2, 0), (2, 15)]
    # through the image camera a handle covers the pixel of its key, whatever the depth
    key = scene.object(2).key_at(15)
    on_wall = pipe.world_to_display(cam.unproject(key.x, key.y, 0.8))
    np.testing.assert_allclose(view.handle_display_position(2, 15), on_wall, atol=1e-6)


@pytest.mark.parametrize("gain", [1.0, 2.0])
def test_drag_parallel_to_the_image_plane_is_one_undo_step(make_viewport, gain) -> None:
    scene = street_scene()
    view = make_viewport(scene)
    view.set_exaggeration(gain)
    view.set_preset("orbit")
    doc = view.document
    before = scene.object(2).key_at(15)
    cam = PinholeCamera.of_scene(scene)
    disp = view.pipeline.display
    steps = [(before.x - 3.0 * i, before.y - 2.0 * i) for i in range(1, 6)]
    targets = [view.pipeline.world_to_display(G.world(cam, disp, x, y, before.z)) for x, y in steps]
    view.drag_handle(2, 15, targets)
    after = scene.object(2).key_at(15)
    assert (after.x, after.y) == pytest.approx(steps[-1], abs=1e-6)
    assert after.z == before.z and after.ease == before.ease
    assert doc.undo_stack.count() == 1
    assert doc.selected_key == (2, 15)
    doc.undo_stack.undo()
    assert scene.object(2).key_at(15) == before
    # the view follows the model: the handle is back at the old key
    np.testing.assert_allclose(
        view.pipeline.handle_world[1], G.world(cam, disp, before.x, before.y, before.z)
    )


@pytest.mark.parametrize("gain", [1.0, 0.5])
def test_drag_along_the_camera_ray_changes_only_depth(make_viewport, gain) -> None:
    scene = street_scene()
    view = make_viewport(scene)
    view.set_exaggeration(gain)
    view.set_preset("side")
    view.render_now()
    before = scene.object(2).key_at(15)
    cam = PinholeCamera.of_scene(scene)
    disp = view.pipeline.display
    target = view.pipeline.world_to_display(G.world(cam, disp, before.x, before.y, 0.35))
    messages = []
    view.document.message.connect(messages.append)
    view.drag_handle(2, 15, [target], along_ray=True)
    after = scene.object(2).key_at(15)
    assert (after.x, after.y) == (before.x, before.y)
    assert after.z == pytest.approx(0.35, abs=2e-3)
    # the depth read in artist units: relative to the object's rest, apparent size in %
    z0 = scene.rest_depth(scene.object(2))
    name = scene.object(2).name
    assert messages[-1].startswith(
        f"{name}: distance ×{after.z / z0:.2f} ({100 * z0 / after.z:.0f} %) · z {after.z:.4g}"
    )
    assert view.document.undo_stack.count() == 1
    view.document.undo_stack.undo()
    assert scene.object(2).key_at(15) == before


def test_depth_drag_through_the_image_camera_uses_vertical_motion(make_viewport) -> None:
    scene = street_scene()
    view = make_viewport(scene)
    before = scene.object(2).key_at(15)
    x, y = view.handle_display_position(2, 15)
    view.drag_handle(2, 15, [(x + 5.0, y + 60.0), (x + 9.0, y + 120.0)], along_ray=True)
    after = scene.object(2).key_at(15)
    assert (after.x, after.y) == (before.x, before.y)
    assert after.z == pytest.approx(min(2.0 * before.z, 1.0))
    assert view.document.undo_stack.count() == 1


def test_scrubbing_moves_the_object_cloud(make_viewport) -> None:
    scene = street_scene()
    view = make_viewport(scene)
    obj = scene.object(2)
    cam = PinholeCamera.of_scene(scene)
    first = _vtk_points(view.pipeline.objects[2].cloud).copy()
    background = _vtk_points(view.pipeline.background).copy()
    view.document.set_frame(10)
    moved = _vtk_points(view.pipeline.objects[2].cloud)
    path = scene.trajectory(obj)
    ys, xs = np.nonzero(obj.mask)
    s = path[0, 2] / path[10, 2]
    expected = cam.unproject(
        path[10, 0] + s * (xs - path[0, 0]), path[10, 1] + s * (ys - path[0, 1]), path[10, 2]
    )
    np.testing.assert_allclose(moved, expected, rtol=1e-6)
    # the card's centre follows the anchor, scaled about it by z0 / z_t (nearer: larger)
    assert s > 1.0
    centroid = np.array(obj.centroid())
    np.testing.assert_allclose(cam.project(first).mean(axis=0)[:2], centroid, atol=1e-3)
    np.testing.assert_allclose(
        cam.project(moved).mean(axis=0)[:2], path[10, :2] + s * (centroid - path[0, :2]), atol=1e-3
    )
    assert cam.project(moved)[:, 2] == pytest.approx(path[10, 2])
    np.testing.assert_array_equal(_vtk_points(view.pipeline.background), background)


def test_level_of_detail_swaps_to_a_subset_while_interacting(make_viewport) -> None:
    scene = street_scene()
    scene.objects = []
    view = make_viewport(scene)
    pipe = view.pipeline
    pipe.lod_budget = 500
    pipe.rebuild()
    assert pipe.background_lod.GetNumberOfPoints() == 500
    assert pipe.background_actor.GetVisibility() and not pipe.background_lod_actor.GetVisibility()
    pipe.set_interacting(True)
    assert not pipe.background_actor.GetVisibility() and pipe.background_lod_actor.GetVisibility()
    # the subset is a subset: every drawn point is one of the full cloud's
    full = {tuple(p) for p in _vtk_points(pipe.background)}
    assert all(tuple(p) in full for p in _vtk_points(pipe.background_lod))
    pipe.set_interacting(False)
    assert pipe.background_actor.GetVisibility()


def test_occlusion_tint_marks_exactly_the_hidden_pixels(make_viewport) -> None:
    scene = orbit_scene()
    keys = orbit_keyframes(scene, 2, 1, turns=1.0, frame_start=0, frame_end=15)
    SetKeyframes(2, keys).apply(scene)
    view = make_viewport(scene)
    view.set_occlusion_tint(True)
    entry = view.pipeline.objects[2]
    source = scene.image[np.nonzero(scene.object(2).mask)].astype(np.float64)

    def colors() -> np.ndarray:
        rgb = entry.cloud.GetPointData().GetScalars()
        return np.array([rgb.GetTuple3(i) for i in range(rgb.GetNumberOfTuples())])

    # at rest, beside B: nothing hidden, nothing tinted
    np.testing.assert_array_equal(colors(), source)
    # farthest point of the orbit: straight behind B (B's card is 16 px, A's 6 px): all hidden
    zb = scene.rest_depth(scene.object(1))
    behind = max(range(16), key=lambda t: keys[t].z)
    assert keys[behind].z > zb
    view.document.set_frame(behind)
    tinted = colors()
    assert np.all(np.any(tinted != source, axis=1))
    assert np.all(tinted[:, 0] > tinted[:, 1])  # pulled towards magenta
    # and the engine agrees pixel for pixel
    labels = render_masks(scene)[0][behind]
    assert G.hidden_pixels(scene, scene.object(2), behind, labels, entry.data).all()
    # nearest point: in front of B, fully shown
    front = min(range(16), key=lambda t: keys[t].z)
    view.document.set_frame(front)
    np.testing.assert_array_equal(colors(), source)
    # path ticks: grey exactly on the frames whose label map hides A's anchor
    ticks = entry.ticks.GetPointData().GetScalars()
    grey = [ticks.GetTuple3(t) == (90.0, 90.0, 90.0) for t in range(16)]
    assert grey[behind] and not grey[front] and not grey[0]
    all_labels = render_masks(scene)[0]
    ids = scene.instance_ids()[2]
    for t, key in enumerate(keys):
        shown = all_labels[t, int(np.floor(key.y + 0.5)), int(np.floor(key.x + 0.5))]
        assert grey[t] == (shown != ids)


def test_orbit_is_one_undo_step(make_viewport) -> None:
    scene = orbit_scene()
    view = make_viewport(scene)
    doc = view.document
    assert view.apply_orbit(2, 1, turns=1.0, frame_start=0, frame_end=15)
    assert len(scene.object(2).keyframes) == 16
    assert doc.undo_stack.count() == 1 and doc.undo_stack.undoText() == "Orbit"
    doc.undo_stack.undo()
    assert scene.object(2).keyframes == []
    messages = []
    doc.message.connect(messages.append)
    assert not view.apply_orbit(2, 1, radius=30.0, start_angle=45.0, frame_start=0)
    assert "frame 0 shows the source image" in messages[0]
    assert doc.undo_stack.count() == 1


def test_presets_show_different_views_and_the_image_view_matches_the_image(make_viewport) -> None:
    scene = street_scene(96, 64)
    scene.objects = []
    view = make_viewport(scene)
    shots = {}
    for name in ("image", "top", "side", "orbit"):
        view.set_preset(name)
        shots[name] = view.grab_image().astype(np.int32)
    for a in shots:
        for b in shots:
            if a < b:
                assert np.abs(shots[a] - shots[b]).mean() > 5, f"{a} and {b} look alike"
    # through the image camera, the pixel under a scene pixel has that pixel's colour
    pipe = view.pipeline
    view.set_preset("image")
    shot = view.grab_image()
    cam = PinholeCamera.of_scene(scene)
    height = shot.shape[0]
    for x, y in [(20, 10), (48, 32), (80, 50), (10, 60)]:
        dx, dy = pipe.world_to_display(cam.unproject(x, y, scene.depth_map()[y, x]))
        got = shot[height - 1 - int(round(dy)), int(round(dx))].astype(int)
        assert np.abs(got - scene.image[y, x].astype(int)).max() <= 12, (x, y, got)


def test_frame_selected_fits_the_object(make_viewport) -> None:
    scene = street_scene()
    view = make_viewport(scene)
    view.document.select(2)
    view.set_preset("orbit")
    view.frame_selected()
    lo, hi = np.array(view.pipeline.bounds_of(2)).reshape(3, 2).T
    for corner in (lo, hi):
        dx, dy = view.pipeline.world_to_display(corner)
        w, h = view.pipeline.renderer.GetSize()
        assert 0 <= dx <= w and 0 <= dy <= h


def test_mouse_drag_on_a_handle_goes_through_the_same_path(make_viewport, qtbot) -> None:
    from PySide6.QtCore import QPoint, Qt

    scene = street_scene()
    view = make_viewport(scene)
    if view.interactor is None:
        pytest.skip("real mouse events need the xcb platform: xvfb-run -a pytest -p no:xvfb")
    before = scene.object(2).key_at(15)
    x, y = view.handle_display_position(2, 15)
    ratio = view.interactor.devicePixelRatioF()
    h = view.interactor.height()
    press = QPoint(int(round(x / ratio)), int(round(h - 1 - y / ratio)))
    qtbot.mousePress(view.interactor, Qt.MouseButton.LeftButton, pos=press)
    assert view.dragging
    qtbot.mouseMove(view.interactor, press + QPoint(-30, 20))
    qtbot.mouseRelease(view.interactor, Qt.MouseButton.LeftButton, pos=press + QPoint(-30, 20))
    assert not view.dragging
    after = scene.object(2).key_at(15)
    assert after.x < before.x and after.y > before.y and after.z == before.z
    assert view.document.undo_stack.count() == 1
    view.document.undo_stack.undo()
    assert scene.object(2).key_at(15) == Keyframe(
        before.frame, before.x, before.y, before.z, before.ease
    )


def test_orbit_dialog_defaults_start_at_a_and_refusals_keep_it_open(qtbot) -> None:
    from levitor_studio.ui.viewport3d.orbit_dialog import OrbitDialog

    scene = orbit_scene()
    doc = Document(scene)
    doc.select(2)
    dialog = OrbitDialog(doc)
    qtbot.addWidget(dialog)
    assert (dialog.uid_a, dialog.uid_b) == (2, 1)
    params = dialog.parameters()
    assert params["radius"] is None and params["start_angle"] is None
    assert (params["frame_start"], params["frame_end"]) == (0, scene.frames - 1)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    keys = orbit_keyframes(scene, 2, 1, **params)
    a0 = scene.trajectory(scene.object(2))[0]
    assert (keys[0].x, keys[0].y, keys[0].z) == pytest.approx(tuple(a0), abs=1e-9)

    refused = OrbitDialog(doc)
    qtbot.addWidget(refused)
    refused.radius.setValue(30.0)
    refused.start.setValue(45.0)
    refused.accept()
    assert refused.result() != refused.DialogCode.Accepted
    assert "frame 0 shows the source image" in refused.error.text()


@pytest.mark.parametrize("preset", ["image", "orbit"])
def test_handles_are_the_same_size_on_screen_in_any_view(make_viewport, preset) -> None:
    from scipy import ndimage

    from levitor_studio.ui.viewport3d.handles import HANDLE_PX

    scene = street_scene(96, 64)
    view = make_viewport(scene)
    view.set_preset(preset)
    pipe = view.pipeline
    actors = pipe.renderer.GetActors()
    actors.InitTraversal()
    for _ in range(actors.GetNumberOfItems()):
        actors.GetNextActor().SetVisibility(False)
    pipe.axes_renderer.DrawOff()
    shot = view.grab_image().astype(int)
    drawn = np.abs(shot - shot[0, 0]).sum(axis=2) > 10
    blobs, n = ndimage.label(drawn)
    assert n == len(pipe.handle_keys) == 2
    areas = ndimage.sum(drawn, blobs, range(1, n + 1))
    # two keys at depths 0.5 and 0.25 (one twice as near): the same size on screen
    np.testing.assert_allclose(areas, np.pi * HANDLE_PX**2, rtol=0.25)


def test_selected_path_is_wider_and_brighter(make_viewport) -> None:
    scene = orbit_scene()
    SetKeyframes(2, orbit_keyframes(scene, 2, 1, turns=1.0, frame_start=0, frame_end=15)).apply(
        scene
    )
    view = make_viewport(scene)
    doc, objects = view.document, view.pipeline.objects

    def widths() -> dict[int, float]:
        return {uid: e.actors[1].GetProperty().GetLineWidth() for uid, e in objects.items()}

    assert widths() == {1: PATH_WIDTH, 2: PATH_WIDTH}
    doc.select(2)
    assert widths() == {1: PATH_WIDTH, 2: SELECTED_PATH_WIDTH}
    rgb = tuple(c / 255.0 for c in scene.object(2).color)
    shown = objects[2].actors[1].GetProperty().GetColor()
    assert all(s > c for s, c in zip(shown, rgb, strict=True))
    doc.select(1)
    assert widths() == {1: SELECTED_PATH_WIDTH, 2: PATH_WIDTH}
    assert objects[2].actors[1].GetProperty().GetColor() == rgb
    view.pipeline.rebuild()  # a scene rebuild keeps the highlight
    assert widths() == {1: SELECTED_PATH_WIDTH, 2: PATH_WIDTH}
