"""Image-view overlays follow the camera track (issue 17): outlines, paths and key handles are
drawn where the preview under them is, and clicks and drags on them map back through the camera.

Expected positions come from the engine's own per-pixel reprojection
(:func:`levitor_studio.engine.camera_move.reproject`, what the preview and the label maps use)
applied to the engine's placement, never from the overlay code. Tolerances: 1e-6 px for mapped
geometry (floating point through ``QTransform``), 1e-9 px for the programmatic drag, half a
scene pixel for real mouse events (widget pixels are rounded to integers).
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from scenes import make_scene
from ui_helpers import click, drag

from levitor_studio.engine.camera import PinholeCamera
from levitor_studio.engine.camera_move import CameraPose, reproject
from levitor_studio.engine.placement import pose
from levitor_studio.model.camera_track import CameraKey
from levitor_studio.model.commands import SetCameraKeys
from levitor_studio.model.keyframes import Easing
from levitor_studio.ui.overlays import mask_path

pytestmark = pytest.mark.gui
LEFT, NONE = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
FRAME = 10
CAMERA = [
    CameraKey(0, ease=Easing.LINEAR),
    CameraKey(15, pan=6.0, tilt=-3.0, dolly=0.1, truck=0.05, pedestal=-0.02),
]


def _shown(qtbot, *commands):
    """An image view of the 128 × 96 test scene after ``commands``, at the playhead ``FRAME``."""
    from levitor_studio.ui.document import Document
    from levitor_studio.ui.image_view import ImageView

    doc = Document(make_scene(128, 96))
    for command in commands:
        doc.push(command)
    doc.undo_stack.clear()
    v = ImageView(doc)
    qtbot.addWidget(v)
    v.resize(900, 700)
    v.show()
    qtbot.waitExposed(v)
    doc.set_frame(FRAME)
    return v


@pytest.fixture
def view(qtbot):
    return _shown(qtbot, SetCameraKeys(CAMERA))


def _seen(scene, x, y, z, frame=FRAME):
    at = CameraPose.of_row(scene.camera_path()[frame])
    nx, ny, _ = reproject(PinholeCamera.of_scene(scene), at, x, y, z)
    return np.asarray(nx), np.asarray(ny)


def test_the_drawn_outline_is_the_reprojection_of_the_placed_outline(view) -> None:
    scene = view.doc.scene
    obj = scene.objects[0]
    polys = mask_path(obj.mask).toSubpathPolygons()
    pts = np.array([(p.x(), p.y()) for poly in polys for p in poly])
    at = pose(scene.motion(obj), FRAME)
    px, py = at.apply(pts[:, 0], pts[:, 1])
    ex, ey = _seen(scene, px, py, at.depth)
    tr = view.overlay(obj.uid).tint.transform()
    drawn = np.array([(q.x(), q.y()) for q in (tr.map(QPointF(x, y)) for x, y in pts)])
    assert np.abs(ex - px).max() > 2.0  # the camera really moves it
    np.testing.assert_allclose(drawn[:, 0], ex, atol=1e-6)
    np.testing.assert_allclose(drawn[:, 1], ey, atol=1e-6)


def test_path_ticks_and_key_handles_are_drawn_through_the_playhead_camera(view) -> None:
    scene = view.doc.scene
    obj = scene.objects[0]
    ov = view.overlay(obj.uid)
    path = scene.motion(obj)
    ex, ey = _seen(scene, path[:, 0], path[:, 1], path[:, 2])
    xs, ys = ov.line.getData()
    np.testing.assert_allclose(xs, ex, atol=1e-6)
    np.testing.assert_allclose(ys, ey, atol=1e-6)
    handles = sorted((p.data(), p.pos().x(), p.pos().y()) for p in ov.keys.points())
    for (frame, hx, hy), key in zip(handles, obj.keyframes, strict=True):
        kx, ky = _seen(scene, key.x, key.y, key.z)
        assert frame == key.frame
        assert (hx, hy) == pytest.approx((float(kx), float(ky)), abs=1e-6)
    view.doc.set_frame(0)  # frame 0's camera is the photograph's: keys where they were put
    handles = sorted((p.data(), p.pos().x(), p.pos().y()) for p in ov.keys.points())
    assert [(h[1], h[2]) for h in handles] == [(14.5, 14.5), (40.0, 20.0)]


def test_a_dragged_handle_writes_the_key_that_lands_under_the_mouse(view) -> None:
    scene = view.doc.scene
    obj = scene.objects[0]
    key = obj.key_at(15)
    hx, hy = (float(v) for v in _seen(scene, key.x, key.y, key.z))
    tools = view.tools
    tools.drag_at("start", hx, hy, hx, hy, LEFT, NONE)
    tools.drag_at("move", hx, hy, hx + 7.0, hy - 4.0, LEFT, NONE)
    tools.drag_at("finish", hx, hy, hx + 12.0, hy + 9.0, LEFT, NONE)
    moved = obj.key_at(15)
    assert moved.z == key.z
    nx, ny = _seen(scene, moved.x, moved.y, moved.z)
    assert (float(nx), float(ny)) == pytest.approx((hx + 12.0, hy + 9.0), abs=1e-9)
    # the plain delta (ignoring the camera) would have written another key
    assert abs(moved.x - (key.x + 12.0)) + abs(moved.y - (key.y + 9.0)) > 0.5
    assert view.doc.undo_stack.count() == 1

    # with the real mouse, starting on the drawn handle
    hx, hy = (float(v) for v in _seen(scene, moved.x, moved.y, moved.z))
    drag(view, (hx, hy), (hx - 15.0, hy + 6.0), steps=5)
    again = obj.key_at(15)
    nx, ny = _seen(scene, again.x, again.y, again.z)
    assert (float(nx), float(ny)) == pytest.approx((hx - 15.0, hy + 6.0), abs=0.5)
    assert view.doc.undo_stack.count() == 2


def test_clicks_land_on_what_is_drawn_under_them(view) -> None:
    from levitor_studio.ui.image_tools import Tool

    scene = view.doc.scene
    obj = scene.objects[1]  # b: still, rows 25-34, cols 30-43, at the scene depth there
    at = pose(scene.motion(obj), FRAME)
    cx, cy = at.apply(36.5, 29.5)
    sx, sy = (float(v) for v in _seen(scene, cx, cy, at.depth))
    click(view, sx, sy)
    assert view.doc.selected_uid == obj.uid
    # a new key at the playhead lands where the artist clicked, seen through the camera
    view.set_tool(Tool.KEY)
    view.tools.add_key_at(60.0, 50.0)
    key = obj.key_at(FRAME)
    nx, ny = _seen(scene, key.x, key.y, key.z)
    assert (float(nx), float(ny)) == pytest.approx((60.0, 50.0), abs=1e-9)


@pytest.fixture
def rider_view(qtbot):
    """Object b follows object a (a moves from (14.5, 14.5) at 0.5 to (40, 20) at 0.25, so it
    doubles in size about its anchor); b has a key of its own at frame 8. Still camera."""
    from levitor_studio.model.commands import SetKeyframe, SetParent
    from levitor_studio.model.keyframes import Keyframe

    key = Keyframe(8, 50.0, 35.0, 0.4, Easing.LINEAR)
    return _shown(qtbot, SetParent(2, 1), SetKeyframe(2, key))


def test_a_child_is_drawn_where_its_parent_takes_it(rider_view) -> None:
    from levitor_studio.engine.placement import object_pose

    scene = rider_view.doc.scene
    rider = scene.object(2)
    at = object_pose(scene, rider, FRAME)
    tr = rider_view.overlay(2).tint.transform()
    for x, y in ((30.0, 25.0), (44.0, 35.0)):
        q = tr.map(QPointF(x, y))
        ex, ey = at.apply(x, y)
        assert (q.x(), q.y()) == pytest.approx((float(ex), float(ey)), abs=1e-9)
    xs, _ = rider_view.overlay(2).line.getData()
    anchors = [object_pose(scene, rider, t).anchor[0] for t in range(scene.frames)]
    np.testing.assert_allclose(xs, anchors, atol=1e-9)
    # the key's handle is where the parent takes the key at its frame
    (handle,) = rider_view.overlay(2).keys.points()
    kx, ky = object_pose(scene, rider, 8).anchor
    assert (handle.pos().x(), handle.pos().y()) == pytest.approx((kx, ky), abs=1e-9)


def test_dragging_a_childs_handle_puts_it_under_the_mouse(rider_view) -> None:
    from levitor_studio.engine.placement import object_pose

    scene = rider_view.doc.scene
    hx, hy = object_pose(scene, scene.object(2), 8).anchor
    tools = rider_view.tools
    tools.drag_at("start", hx, hy, hx, hy, LEFT, NONE)
    tools.drag_at("finish", hx, hy, hx + 10.0, hy - 6.0, LEFT, NONE)
    nx, ny = object_pose(scene, scene.object(2), 8).anchor
    assert (nx, ny) == pytest.approx((hx + 10.0, hy - 6.0), abs=1e-9)
