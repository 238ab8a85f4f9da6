"""The graph editor dock (issue 17 item 4): curves from the engine's interpolation, key handles
dragged through the plot's viewport as one undo step, depth in artist units, easing, framing."""

from __future__ import annotations

import numpy as np
import pytest
from graph_helpers import LEFT, NONE, drag, make_editor, widget_pos
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from scenes import make_scene

from levitor_studio.model.commands import SetKeyframe
from levitor_studio.model.keyframes import Easing, Keyframe, interpolate_motion

pytestmark = pytest.mark.gui


@pytest.fixture
def editor(qtbot):
    from levitor_studio.ui.document import Document

    doc = Document(make_scene())
    doc.push(SetKeyframe(1, Keyframe(8, 30.0, 12.0, 1.0, Easing.LINEAR, angle=45.0)))  # z = 2·z0
    doc.undo_stack.clear()
    doc.select(1)
    return make_editor(qtbot, doc)


@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_curve_samples_are_the_engine_interpolation(editor, index):
    editor.set_channel(index)
    scene = editor.doc.scene
    obj = scene.object(1)
    path = interpolate_motion(scene.effective_keys(obj), scene.frames)
    expected = path[:, index] / 0.5 if index == 2 else path[:, index]
    t, values = editor.curve.getData()
    assert np.array_equal(t, np.arange(16)) and np.array_equal(values, expected)


def test_depth_reads_in_artist_units(editor):
    editor.set_channel(2)
    assert editor.plot.getPlotItem().getAxis("left").labelText == "depth (× rest distance)"
    x, y = editor.handles.getData()
    assert list(x) == [0, 8, 15] and list(y) == [1.0, 2.0, 0.5]


def test_dragging_a_handle_moves_the_key_as_one_undo_step(editor):
    doc = editor.doc
    before = doc.scene.object(1).key_at(8)
    start = widget_pos(editor, 8, 30.0)
    end = start + QPoint(0, -40)
    end.setX(widget_pos(editor, 11, 30.0).x())
    dy = drag(editor, start, end)
    moved = doc.scene.object(1).keyframes
    assert [k.frame for k in moved] == [0, 11, 15]
    key = doc.scene.object(1).key_at(11)
    assert key.x == pytest.approx(30.0 + dy, abs=1e-9) and dy > 2
    assert (key.y, key.z, key.ease, key.angle) == (before.y, before.z, before.ease, 45.0)
    assert doc.undo_stack.count() == 1 and doc.selected_key == (1, 11)
    doc.undo_stack.undo()
    assert doc.scene.object(1).key_at(8) == before and doc.scene.object(1).key_at(11) is None


def test_dragging_depth_writes_pseudo_depth_through_the_rest(editor):
    editor.set_channel(2)
    doc = editor.doc
    start = widget_pos(editor, 8, 2.0)
    dv = drag(editor, start, start + QPoint(0, 30), steps=2)
    assert doc.scene.object(1).key_at(8).z == pytest.approx((2.0 + dv) * 0.5, abs=1e-12)
    assert dv < 0 and doc.undo_stack.count() == 1


def test_angle_channel_drags_the_keys_angle(editor):
    editor.set_channel(3)
    assert list(editor.handles.getData()[1]) == [0.0, 45.0, 0.0]
    start = widget_pos(editor, 8, 45.0)
    da = drag(editor, start, start + QPoint(0, -30), steps=2)
    key = editor.doc.scene.object(1).key_at(8)
    assert key.angle == pytest.approx(45.0 + da, abs=1e-9) and da > 1 and key.x == 30.0


def test_easing_combo_sets_the_selected_keys_easing(editor, qtbot):
    doc = editor.doc
    doc.select_key(1, 8)
    assert editor.ease.isEnabled() and editor.ease.currentText() == "linear"
    editor.ease.setCurrentText("hold")
    editor.ease.activated.emit(editor.ease.currentIndex())
    assert doc.scene.object(1).key_at(8).ease is Easing.HOLD
    _t, values = editor.curve.getData()
    assert np.all(values[8:15] == 30.0)  # hold: the value stays until the next key
    doc.undo_stack.undo()
    assert doc.scene.object(1).key_at(8).ease is Easing.LINEAR


def test_frame_all_covers_every_key_and_a_frames_it(editor):
    editor.vb.setRange(xRange=(3, 4), yRange=(0, 1), padding=0)
    QTest.keyClick(editor.plot, Qt.Key.Key_A)
    (x0, x1), (y0, y1) = editor.vb.viewRange()
    assert x0 <= 0 and x1 >= 15
    assert y0 <= 14.5 and y1 >= 40.0  # x of the keys: 14.5, 30, 40
    QTest.keyClick(editor.plot, Qt.Key.Key_F)  # no key selected: frames all
    editor.doc.select_key(1, 8)
    QTest.keyClick(editor.plot, Qt.Key.Key_F)
    (x0, x1), (y0, y1) = editor.vb.viewRange()
    assert x0 < 8 < x1 and x1 - x0 < 15 and y0 < 30.0 < y1


def test_follows_playhead_selection_and_document(editor, qtbot):
    from levitor_studio.ui.document import Document

    doc = editor.doc
    doc.set_frame(5)
    assert editor.playhead.value() == 5
    doc.select(2)  # no keys: the rest pose, flat
    assert len(editor.handles.getData()[0]) == 0
    other = Document(make_scene())
    editor.set_document(other)
    doc.select(1)
    doc.set_frame(9)
    assert editor.playhead.value() == 0 and editor.curve.getData()[0] is None
    other.select(1)
    assert list(editor.handles.getData()[0]) == [0, 15]


def test_window_graph_dock_follows_the_open_document(window):
    from scenes import EXAMPLE

    ed = window.graph_editor
    assert window.docks["graph"].widget() is ed and ed.doc is window.doc
    window.graph_dock.raise_()  # tabbed behind the Timeline: it redraws once shown
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert window.docks["graph"].toggleViewAction() in view.actions()
    spoon = window.doc.scene.objects[1]
    window.doc.select(spoon.uid)
    assert list(ed.handles.getData()[0]) == [k.frame for k in spoon.keyframes] == [0, 6, 11, 15]
    first = window.doc
    assert window.open_path(EXAMPLE / "coffee.levitor", ask=False)
    assert ed.doc is window.doc is not first and ed.curve.getData()[0] is None


def test_locked_object_refuses_the_drag_once(editor):
    from levitor_studio.model.commands import SetObjectProperties

    doc = editor.doc
    doc.push(SetObjectProperties(1, locked=True))
    messages: list[str] = []
    doc.message.connect(messages.append)
    count, before = doc.undo_stack.count(), doc.scene.object(1).key_at(8)
    start = widget_pos(editor, 8, 30.0)
    drag(editor, start, start + QPoint(80, -40), steps=4)
    assert messages == ["a is locked; unlock it to change it"]
    assert doc.undo_stack.count() == count and doc.scene.object(1).key_at(8) == before


def test_f_in_the_window_frames_the_graph_not_the_image(window, qtbot):
    ed, view = window.graph_editor, window.view
    window.graph_dock.raise_()
    spoon = window.doc.scene.objects[1]
    window.doc.select_key(spoon.uid, 11)
    window.doc.select(spoon.uid)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    ed.plot.setFocus()
    qtbot.waitUntil(ed.plot.hasFocus)
    zoom = view.zoom.percent()
    QTest.keyClick(ed.plot, Qt.Key.Key_F)
    (x0, x1), _ = ed.vb.viewRange()
    assert x0 < 11 < x1 and x1 - x0 < 15 and view.zoom.percent() == zoom


def test_click_selects_a_key_or_moves_the_playhead(editor):
    doc, vp = editor.doc, editor.plot.viewport()
    QTest.mouseClick(vp, LEFT, NONE, widget_pos(editor, 15, 40.0))
    assert doc.selected_key == (1, 15) and editor.ease.currentText() == "smooth"
    QTest.mouseClick(vp, LEFT, NONE, widget_pos(editor, 5, 40.0))
    assert doc.frame == 5 and editor.playhead.value() == 5 and doc.selected_key == (1, 15)


def test_hidden_graph_redraws_only_when_shown(editor, monkeypatch):
    doc, calls = editor.doc, []
    editor.hide()
    real = editor.refresh
    monkeypatch.setattr(editor, "refresh", lambda: (calls.append(1), real()))
    doc.push(SetKeyframe(1, Keyframe(4, 20.0, 12.0, 0.5)))
    doc.select_key(1, 4)
    assert calls == []  # nothing drawn behind the Timeline's tab
    editor.show()
    assert calls == [1] and list(editor.handles.getData()[0]) == [0, 4, 8, 15]
