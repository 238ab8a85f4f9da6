"""The timeline's Camera row: select, retime (one undo step), insert, delete, tooltips."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from scenes import camera_scene

from levitor_studio.model.camera_track import CameraKey
from levitor_studio.model.keyframes import Easing
from levitor_studio.ui.document import Document
from levitor_studio.ui.timeline import ROW_H, RULER_H, TimelineWidget

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton
CAM_Y = int(RULER_H + ROW_H / 2)


@pytest.fixture
def timeline(qtbot):
    scene = camera_scene([CameraKey(8, dolly=0.075, ease=Easing.LINEAR)])
    doc = Document(scene)
    tl = TimelineWidget(doc)
    qtbot.addWidget(tl)
    tl.resize(600, 120)
    messages: list[str] = []
    doc.message.connect(messages.append)
    tl.messages = messages
    return tl


def _at(tl, frame: int) -> QPoint:
    return QPoint(int(tl.x_of(frame)), CAM_Y)


def test_a_camera_key_is_selected_and_dragged_in_one_undo_step(qtbot, timeline) -> None:
    tl, doc = timeline, timeline.doc
    qtbot.mousePress(tl, LEFT, pos=_at(tl, 8))
    assert (doc.camera_selected, doc.selected_camera_key) == (True, 8)
    for f in (7, 6, 5):
        qtbot.mouseMove(tl, _at(tl, f))
    qtbot.mouseRelease(tl, LEFT, pos=_at(tl, 5))
    assert doc.scene.camera == [CameraKey(5, dolly=0.075, ease=Easing.LINEAR)]
    assert doc.selected_camera_key == 5
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.scene.camera == [CameraKey(8, dolly=0.075, ease=Easing.LINEAR)]


def test_dragging_a_moved_camera_key_onto_frame_zero_is_refused_once(qtbot, timeline) -> None:
    tl, doc = timeline, timeline.doc
    qtbot.mousePress(tl, LEFT, pos=_at(tl, 8))
    for f in (6, 3, 1, 0, 0):
        qtbot.mouseMove(tl, _at(tl, f))
        qtbot.mouseMove(tl, _at(tl, f) + QPoint(1, 0))
    qtbot.mouseRelease(tl, LEFT, pos=_at(tl, 0))
    assert doc.scene.camera == [CameraKey(1, dolly=0.075, ease=Easing.LINEAR)]
    assert tl.messages == [
        "frame 0 shows the photograph as taken, so its camera stays at zero: "
        "move the playhead to a later frame to place this key"
    ]


def test_insert_and_delete_with_the_camera_row_selected(qtbot, timeline) -> None:
    tl, doc = timeline, timeline.doc
    doc.set_frame(4)
    qtbot.mouseClick(tl, LEFT, pos=QPoint(40, CAM_Y))  # the row's name
    assert (doc.camera_selected, doc.selected_camera_key, doc.frame) == (True, None, 4)
    qtbot.keyClick(tl, Qt.Key.Key_Delete)
    assert tl.messages == ["Select a camera key to delete: click its diamond on the Camera row"]
    qtbot.keyClick(tl, Qt.Key.Key_Insert)  # linear from 0 to 0.075 at 8: half of it at 4
    assert doc.scene.camera == [
        CameraKey(4, dolly=0.0375, ease=Easing.LINEAR),
        CameraKey(8, dolly=0.075, ease=Easing.LINEAR),
    ]
    assert doc.selected_camera_key == 4
    qtbot.keyClick(tl, Qt.Key.Key_I)
    assert tl.messages[-1] == "frame 4 already has a camera key"
    qtbot.keyClick(tl, Qt.Key.Key_Delete)
    assert doc.scene.camera == [CameraKey(8, dolly=0.075, ease=Easing.LINEAR)]
    assert (doc.camera_selected, doc.selected_camera_key) == (True, None)
    assert doc.undo_stack.count() == 2


def test_hovering_a_camera_key_says_it_in_artist_units(timeline) -> None:
    tl = timeline
    assert tl.key_tooltip(tl.x_of(8), CAM_Y) == "Camera, frame 8: dolly 30.0 % · linear"
    assert tl.key_tooltip(tl.x_of(7), CAM_Y) == ""
