"""The graph editor's stretch and camera channels (issue 17 item 4): curves equal the engine's
interpolation, drags write exact keys as one undo step, easing and framing on every channel."""

from __future__ import annotations

import numpy as np
import pytest
from graph_helpers import click, drag, make_editor, widget_pos
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from scenes import make_scene

from levitor_studio.model.camera_track import CameraKey, interpolate_camera
from levitor_studio.model.commands import SetCameraKeys, SetKeyframe
from levitor_studio.model.keyframes import Easing, Keyframe, interpolate_motion

pytestmark = pytest.mark.gui
LIN = Easing.LINEAR
PAN = 6  # the index of the camera's first channel in CHANNELS
CAM5 = CameraKey(5, 10.0, -4.0, 2.0, 0.1, -0.05, 0.02, LIN)
CAM12 = CameraKey(12, -6.0, 3.0, 0.0, 0.3, 0.05, -0.04, Easing.SMOOTH)


@pytest.fixture
def editor(qtbot):
    from levitor_studio.ui.document import Document

    doc = Document(make_scene())
    doc.push(SetKeyframe(1, Keyframe(8, 30.0, 12.0, 0.5, LIN, angle=45.0, stretch=(1.5, 0.8))))
    doc.push(SetCameraKeys([CAM5, CAM12]))
    doc.undo_stack.clear()
    doc.select(1)
    return make_editor(qtbot, doc)


def test_the_channel_list():
    from levitor_studio.ui.graph_channels import CHANNELS

    assert [c.name for c in CHANNELS] == [
        *("x", "y", "depth", "angle", "stretch x", "stretch y"),
        *("pan", "tilt", "roll", "dolly", "truck", "pedestal"),
    ]
    assert [c.camera for c in CHANNELS] == [False] * 6 + [True] * 6


@pytest.mark.parametrize("column", [4, 5])
def test_stretch_curves_are_the_engine_interpolation(editor, column):
    editor.set_channel(column)
    scene = editor.doc.scene
    path = interpolate_motion(scene.effective_keys(scene.object(1)), scene.frames)
    t, values = editor.curve.getData()
    assert np.array_equal(t, np.arange(16)) and np.array_equal(values, path[:, column])
    x, y = editor.handles.getData()
    assert list(x) == [0, 8, 15] and list(y) == [1.0, (1.5, 0.8)[column - 4], 1.0]
    label = editor.plot.getPlotItem().getAxis("left").labelText
    assert label == f"stretch {'xy'[column - 4]} (×)"


def test_dragging_stretch_y_writes_the_key_and_undoes_in_one_step(editor):
    editor.set_channel(5)
    doc = editor.doc
    before = doc.scene.object(1).key_at(8)
    start = widget_pos(editor, 8, 0.8)
    end = QPoint(widget_pos(editor, 10, 0.8).x(), start.y() - 30)
    dv = drag(editor, start, end)
    key = doc.scene.object(1).key_at(10)
    assert dv > 0.01 and doc.scene.object(1).key_at(8) is None
    assert key == before.moved(frame=10, stretch=(1.5, 0.8 + dv))
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.scene.object(1).key_at(8) == before and doc.scene.object(1).key_at(10) is None


def _artist(scene, column: int, stored):
    """Stored camera values in the camera fields' units (camera_units.py's definitions)."""
    zs = min(scene.rest_depth(o) for o in scene.objects)  # the nearest object
    focal = (scene.height / 2) / np.tan(np.radians(scene.fov) / 2)
    if column == 3:
        return 100.0 * stored / zs  # dolly %: of the way to the subject
    return focal * stored / zs if column > 3 else stored  # truck / pedestal px, angles °


@pytest.mark.parametrize("column", range(6))
def test_camera_curves_are_the_camera_interpolation(editor, column):
    editor.set_channel(PAN + column)
    scene = editor.doc.scene
    path = interpolate_camera([CameraKey(0, ease=LIN), CAM5, CAM12], 16)[:, column]
    expected = _artist(scene, column, path)
    t, values = editor.curve.getData()
    assert np.array_equal(t, np.arange(16)) and np.allclose(values, expected, rtol=1e-15, atol=0)
    x, y = editor.handles.getData()
    stored = [CAM5.values()[column], CAM12.values()[column]]
    assert list(x) == [5, 12] and np.allclose(y, _artist(scene, column, np.array(stored)), 1e-15)
    unit = ["°", "°", "°", "%", "px", "px"][column]
    assert editor.plot.getPlotItem().getAxis("left").labelText.endswith(f"({unit})")
    editor.doc.select(None)  # the camera does not need an object
    assert np.array_equal(editor.curve.getData()[1], values)


def test_camera_dolly_reads_in_percent_of_the_way_to_the_subject(editor):
    editor.set_channel(PAN + 3)
    scene = editor.doc.scene
    # the subject is the nearest object: b, the median depth of its mask (rows 25…34)
    zs = float(np.median(np.linspace(0.9, 0.1, 48)[25:35]))
    assert zs == pytest.approx(scene.rest_depth(scene.object(2)), abs=1e-7) and zs < 0.5
    assert list(editor.handles.getData()[1]) == [
        pytest.approx(100 * 0.1 / zs, rel=1e-6),
        pytest.approx(100 * 0.3 / zs, rel=1e-6),
    ]
    start = widget_pos(editor, 12, 100 * 0.3 / zs)
    dv = drag(editor, start, start + QPoint(0, 20))
    zs = scene.rest_depth(scene.object(2))
    assert dv < -1 and scene.camera[1] == CameraKey(
        12, *CAM12.values()[:3], (100.0 * 0.3 / zs + dv) * zs / 100.0, 0.05, -0.04, Easing.SMOOTH
    )


def test_dragging_a_camera_key_in_time_and_value_is_one_undo(editor):
    from levitor_studio.model.camera_track import CAMERA_COLUMNS

    editor.set_channel(PAN + 1)  # tilt
    doc = editor.doc
    start = widget_pos(editor, 5, -4.0)
    end = QPoint(widget_pos(editor, 8, -4.0).x(), start.y() - 25)
    dv = drag(editor, start, end)
    assert dv > 0.1 and CAMERA_COLUMNS[1] == "tilt"
    moved = CameraKey(8, 10.0, -4.0 + dv, 2.0, 0.1, -0.05, 0.02, LIN)
    assert doc.scene.camera == [moved, CAM12]
    assert doc.undo_stack.count() == 1 and doc.undo_stack.undoText() == "Move camera key"
    assert editor.track.selected() == 8
    doc.undo_stack.undo()
    assert doc.scene.camera == [CAM5, CAM12]


def test_a_camera_key_never_lands_on_frame_0_and_the_frame_0_key_stays(editor):
    editor.set_channel(PAN)
    doc = editor.doc
    start = widget_pos(editor, 5, 10.0)
    drag(editor, start, QPoint(widget_pos(editor, -3, 10.0).x(), start.y()), steps=8)
    assert [k.frame for k in doc.scene.camera] == [1, 12]  # stopped at frame 1
    doc.push(SetCameraKeys([CameraKey(0), *doc.scene.camera]))
    messages: list[str] = []
    doc.message.connect(messages.append)
    count, before = doc.undo_stack.count(), list(doc.scene.camera)
    start = widget_pos(editor, 0, 0.0)
    drag(editor, start, start + QPoint(60, -40))
    assert messages == [
        "frame 0 shows the photograph as taken, so its camera stays at zero: "
        "its key there does not move"
    ]
    assert doc.scene.camera == before
    assert doc.undo_stack.count() == count


def test_camera_easing_per_segment(editor):
    editor.set_channel(PAN)
    doc = editor.doc
    assert not editor.ease.isEnabled()
    click(editor, 5, 10.0)
    assert doc.camera_selected and doc.selected_camera_key == 5 and doc.selected_uid is None
    assert editor.track.selected() == 5 and editor.ease.currentText() == "linear"
    editor.ease.setCurrentText("hold")
    editor.ease.activated.emit(editor.ease.currentIndex())
    assert doc.scene.camera == [CameraKey(5, *CAM5.values(), Easing.HOLD), CAM12]
    assert np.all(editor.curve.getData()[1][5:12] == 10.0)  # holds until the next key
    doc.undo_stack.undo()
    assert doc.scene.camera == [CAM5, CAM12]


@pytest.mark.parametrize("index", range(12))
def test_frame_all_frames_every_channel(editor, index):
    from levitor_studio.ui.graph_channels import CHANNELS

    editor.set_channel(index)
    editor.vb.setRange(xRange=(3, 4), yRange=(100, 101), padding=0)
    QTest.keyClick(editor.plot, Qt.Key.Key_A)
    (x0, x1), (y0, y1) = editor.vb.viewRange()
    values = np.concatenate([editor.curve.getData()[1], editor.handles.getData()[1]])
    assert x0 <= 0 and 15 <= x1 < 17
    assert y0 <= values.min() and values.max() <= y1 and y1 - y0 >= CHANNELS[index].span


@pytest.mark.parametrize("index", [3, 4, 7, 11])
def test_frame_selected_frames_the_key_on_every_channel(editor, index):
    editor.set_channel(index)
    frame = 12 if editor.channel.camera else 8
    editor.track.select(frame)
    value = editor.channel.read(editor.track.key_at(frame), editor.track.ref())
    QTest.keyClick(editor.plot, Qt.Key.Key_F)
    (x0, x1), (y0, y1) = editor.vb.viewRange()
    assert x0 < frame < x1 and x1 - x0 < 15 and y0 < value < y1


def test_nothing_selected_frames_the_clip_and_says_what_to_do(editor):
    assert not editor.hint.isVisible()
    editor.doc.select(None)
    (x0, x1), (y0, y1) = editor.vb.viewRange()
    assert x0 <= 0 and 15 <= x1 < 17 and (y0, y1) != (0, 0)
    assert (
        editor.hint.isVisible() and editor.hint.toPlainText() == "Select an object to see its keys"
    )
    assert x0 < editor.hint.pos().x() < x1 and y0 < editor.hint.pos().y() < y1
    editor.set_camera(True)  # the camera needs no object
    assert not editor.hint.isVisible()
    editor.doc.push(SetCameraKeys([]))  # no camera keys: a flat line and what to do
    assert editor.hint.isVisible() and editor.hint.toPlainText() == (
        "The camera stands still: Camera ▸ Add Camera Key, or a move from the Camera menu"
    )
    (x0, x1), (y0, y1) = editor.vb.viewRange()
    assert (editor.hint.pos().x(), editor.hint.pos().y()) == ((x0 + x1) / 2, (y0 + y1) / 2)


def test_camera_and_object_buttons_switch_the_channel_bar(editor):
    def shown():
        return [b.text() for b in editor.channel_buttons.buttons() if not b.isHidden()]

    assert shown() == ["x", "y", "depth", "angle", "stretch x", "stretch y"]
    editor.channel_buttons.button(4).click()
    editor.source_buttons.button(1).click()  # Camera
    assert shown() == ["pan", "tilt", "roll", "dolly", "truck", "pedestal"]
    assert editor.channel.name == "pan" and list(editor.handles.getData()[0]) == [5, 12]
    editor.channel_buttons.button(PAN + 3).click()
    editor.source_buttons.button(0).click()  # back to the object, at its last channel
    assert editor.channel.name == "stretch x"
    editor.source_buttons.button(1).click()
    assert editor.channel.name == "dolly"


def test_the_graph_follows_the_camera_and_object_selection(editor):
    doc = editor.doc
    editor.set_channel(3)
    doc.select_camera(12)  # e.g. a click on the Camera row's diamond
    assert editor.channel.name == "pan" and editor.ease.currentText() == "smooth"
    brushes = [b.color().name() for b in editor.handles.data["brush"]]
    assert brushes == ["#ffb300", "#ffffff"]  # key 12 drawn selected
    doc.select(2)
    assert not editor.channel.camera and editor.channel.name == "angle"
    click(editor, 0, 0.0)  # a frame, not a key: the playhead moves, the channel stays
    assert doc.frame == 0 and editor.channel.name == "angle"


def test_a_hidden_graph_switches_source_once_shown(editor):
    editor.hide()
    editor.doc.select_camera(5)
    editor.show()
    shown = [b.text() for b in editor.channel_buttons.buttons() if not b.isHidden()]
    assert editor.channel.name == "pan" and shown[0] == "pan"
    assert list(editor.handles.getData()[0]) == [5, 12]


def test_the_bar_fits_800_pixels_for_either_source(editor):
    """Twelve 80 px push buttons made the dock at least 1043 px wide."""
    assert editor.minimumSizeHint().width() <= 800
    editor.set_camera(True)
    assert editor.minimumSizeHint().width() <= 800 and editor.width() == 800


def test_a_right_click_on_a_segment_sets_its_easing(editor, qtbot):
    from PySide6.QtCore import QPointF

    editor.set_channel(PAN)
    doc, vp = editor.doc, editor.plot.viewport()
    before_first = editor.vb.mapViewToScene(QPointF(2, 0.0))
    assert editor.segment_menu(before_first) is None  # no segment starts before the first key
    QTest.mouseClick(
        vp, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, widget_pos(editor, 9, 0.0)
    )
    menu = editor.popup
    qtbot.waitUntil(menu.isVisible)
    assert [a.text() for a in menu.actions()] == [e.value for e in Easing]
    assert [a.text() for a in menu.actions() if a.isChecked()] == ["linear"]
    assert doc.selected_camera_key == 5  # the segment's first key
    next(a for a in menu.actions() if a.text() == "ease-out").trigger()
    menu.close()
    assert doc.scene.camera == [CameraKey(5, *CAM5.values(), Easing.EASE_OUT), CAM12]
    assert editor.ease.currentText() == "ease-out" and doc.undo_stack.count() == 1
    assert doc.undo_stack.undoText() == "Camera key easing"
    doc.undo_stack.undo()
    assert doc.scene.camera == [CAM5, CAM12]


def test_segment_easing_on_an_object_channel(editor):
    editor.set_channel(4)  # stretch x: keys at 0, 8, 15
    menu = editor.segment_menu(editor.plot.mapToScene(widget_pos(editor, 11, 1.2)))
    assert [a.text() for a in menu.actions() if a.isChecked()] == ["linear"]
    assert editor.doc.selected_key == (1, 8)
    next(a for a in menu.actions() if a.text() == "hold").trigger()
    assert editor.doc.scene.object(1).key_at(8).ease is Easing.HOLD
    assert np.all(editor.curve.getData()[1][8:15] == 1.5)


def test_a_key_added_elsewhere_frames_all_a_retime_keeps_the_view(editor):
    """Seen under Xvfb: keys added with the Key tool fell outside a view framed on one key."""
    from levitor_studio.model.commands import MoveKeyframe

    doc = editor.doc
    editor.vb.setRange(xRange=(3, 4), yRange=(100, 101), padding=0)
    doc.push(MoveKeyframe(1, 8, doc.scene.object(1).key_at(8).moved(frame=9)))  # a retime
    (x0, x1), (y0, y1) = editor.vb.viewRange()
    assert (x0, x1, y0, y1) == (3, 4, 100, 101)
    doc.push(SetKeyframe(1, Keyframe(4, 60.0, 12.0, 0.5)))  # a new key, from the image view
    (x0, x1), (y0, y1) = editor.vb.viewRange()
    assert x0 <= 0 and x1 >= 15 and y0 <= 14.5 and y1 >= 60.0
