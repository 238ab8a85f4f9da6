"""The Camera menu: key commands and one-click moves, each one undo step; the Camera dock."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from levitor_studio.model.camera_track import CameraKey
from levitor_studio.model.keyframes import Easing
from levitor_studio.model.scene import snapshot

pytestmark = pytest.mark.gui


def _menu_texts(window) -> list[str]:
    return [a.text() for a in window.menus["camera"].actions()]


def test_the_camera_menu_sits_between_view_and_render(window) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Camera", "&Render", "&Help"]
    assert _menu_texts(window)[:10] == [
        "&Add Camera Key",
        "&Delete Camera Key",
        "&Clear Camera Move",
        "",
        "Push In",
        "Pull Out",
        "Pan Left",
        "Pan Right",
        "Truck Left",
        "Truck Right",
    ]


def test_push_in_and_pan_over_the_in_out_range_each_one_undo_step(window) -> None:
    doc, a = window.doc, window.actions_by_name
    scene = doc.scene
    before = snapshot(scene)
    last = scene.frames - 1
    subject = min(scene.rest_depth(o) for o in scene.objects)  # the nearest object
    a["camera_push_in"].trigger()
    assert [k.frame for k in scene.camera] == [0, last]
    assert scene.camera[0] == CameraKey(0, ease=Easing.EASE_IN_OUT)
    assert scene.camera[1].dolly == pytest.approx(subject * 0.3, rel=1e-15)
    assert scene.camera[1].values()[:3] + scene.camera[1].values()[4:] == [0.0] * 5
    assert doc.undo_stack.count() == 1
    doc.set_in_out(4, 10)
    a["camera_pan_right"].trigger()
    assert [k.frame for k in scene.camera] == [0, 4, 10, last]
    assert scene.camera[2].pan == 10.0 and scene.camera[1].pan == 0.0
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert snapshot(scene) == before


def test_add_delete_and_clear_from_the_menu(window) -> None:
    doc, a = window.doc, window.actions_by_name
    messages: list[str] = []
    doc.message.connect(messages.append)
    doc.set_frame(5)
    a["camera_delete_key"].trigger()
    assert messages == [
        "No camera key at frame 5: select one on the Camera row or move the playhead onto one"
    ]
    a["camera_add_key"].trigger()
    assert doc.scene.camera == [CameraKey(5)]
    assert (doc.camera_selected, doc.selected_camera_key) == (True, 5)
    assert not window.camera_panel.visibleRegion().isEmpty()  # raised over the Inspector
    a["camera_delete_key"].trigger()
    assert doc.scene.camera == []
    a["camera_clear"].trigger()
    assert messages[-1] == "the camera does not move: there is nothing to clear"
    a["camera_push_in"].trigger()
    a["camera_clear"].trigger()
    assert doc.scene.camera == []
    assert doc.undo_stack.count() == 4
    window.actions_by_name["deselect"].trigger()
    assert not doc.camera_selected


def test_the_camera_dock_is_tabbed_with_the_inspector(window) -> None:
    assert window.camera_dock in window.tabifiedDockWidgets(window.inspector_dock)
    assert window.camera_dock.windowTitle() == "Camera"
    assert window.dockWidgetArea(window.camera_dock) == Qt.DockWidgetArea.RightDockWidgetArea


def test_k_on_the_timeline_keys_the_camera_while_its_row_is_selected(qtbot, window) -> None:
    from PySide6.QtCore import QPoint

    from levitor_studio.ui.image_tools import Tool
    from levitor_studio.ui.timeline import ROW_H, RULER_H

    doc, tl = window.doc, window.timeline.timeline
    doc.set_frame(6)
    qtbot.mouseClick(tl, Qt.MouseButton.LeftButton, pos=QPoint(40, int(RULER_H + ROW_H / 2)))
    assert doc.camera_selected
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    tl.setFocus()
    qtbot.waitUntil(tl.hasFocus)
    qtbot.keyClick(tl, Qt.Key.Key_K)
    assert doc.scene.camera == [CameraKey(6)]
    assert not window.tool_actions[Tool.KEY].isChecked()
    doc.select(doc.scene.objects[0].uid)  # an object selected: K is the Key tool again
    qtbot.keyClick(tl, Qt.Key.Key_K)
    assert window.tool_actions[Tool.KEY].isChecked()
    assert doc.scene.camera == [CameraKey(6)]
