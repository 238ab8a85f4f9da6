"""Authoring in the real window: box → object, keys by clicking, drag, wheel depth, scrub,
undo/redo back to the original, save and reopen."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from scenes import EXAMPLE
from ui_helpers import click, drag, wheel

from levitor_studio.engine import render_frame
from levitor_studio.model.project_io import load_project
from levitor_studio.model.scene import snapshot
from levitor_studio.ui.image_tools import WHEEL_STEP, Tool

pytestmark = pytest.mark.gui

TARGETS = {3: (200.0, 100.0), 8: (300.0, 150.0), 13: (380.0, 120.0)}


def scrub_to(qtbot, window, frame: int) -> None:
    """Click the timeline at ``frame`` and wait for that frame's preview to be shown."""
    tl = window.timeline.timeline
    with qtbot.waitSignal(
        window.preview.ready, timeout=10000, check_params_cb=lambda f, _img: f == frame
    ):
        qtbot.mouseClick(tl, Qt.MouseButton.LeftButton, pos=QPoint(int(tl.x_of(frame)), 10))
    assert window.doc.frame == frame


def test_author_undo_redo_save_reopen(qtbot, window, tmp_path):
    doc, view = window.doc, window.view
    original = load_project(EXAMPLE / "coffee.levitor")

    # an object from a box, through the active segmenter (GrabCut), one undo step
    window.set_tool(Tool.BOX)
    with qtbot.waitSignal(window.work.objectAdded, timeout=30000) as added:
        drag(view, (150, 20), (330, 220))
    uid = added.args[0]
    obj = doc.scene.object(uid)
    ys, xs = np.nonzero(obj.mask)
    assert obj.area() > 500
    assert xs.min() >= 149 and xs.max() <= 330 and ys.min() >= 19 and ys.max() <= 220
    assert doc.selected_uid == uid and doc.undo_stack.count() == 1
    assert window.windowTitle().startswith("coffee.levitor*")

    # three keys at chosen frames by clicking at the playhead
    window.set_tool(Tool.KEY)
    for frame, (x, y) in TARGETS.items():
        doc.set_frame(frame)
        click(view, x, y)
    assert [k.frame for k in obj.keyframes] == [3, 8, 13]
    for k in obj.keyframes:
        assert abs(k.x - TARGETS[k.frame][0]) < 1.0 and abs(k.y - TARGETS[k.frame][1]) < 1.0
    assert doc.undo_stack.count() == 4

    # drag the middle key: many moves, one undo step
    doc.set_frame(8)
    window.set_tool(Tool.SELECT)
    k8 = obj.key_at(8)
    drag(view, (k8.x, k8.y), (k8.x + 30, k8.y + 20), steps=8)
    moved = obj.key_at(8)
    assert abs(moved.x - (k8.x + 30)) < 1.5 and abs(moved.y - (k8.y + 20)) < 1.5
    assert moved.z == k8.z
    assert doc.undo_stack.count() == 5

    # the wheel over the key brings it nearer, with a live read-out; merged into one step
    wheel(view, moved.x, moved.y, 2)
    wheel(view, moved.x, moved.y, 1)
    z = obj.key_at(8).z
    assert z == pytest.approx(k8.z / WHEEL_STEP**3)
    assert doc.undo_stack.count() == 6
    rest = doc.scene.rest_depth(obj)
    # artist units first (distance relative to the rest, apparent size), then z and the channel
    assert f"distance ×{z / rest:.2f} ({100 * rest / z:.0f} %) · z {z:.4g}" in (
        window.readout_label.text()
    )
    assert f"model {round(1 / z)}/255" in window.readout_label.text()
    assert view.depth_label.isVisible()

    # scrubbing shows, at every frame, exactly the engine's preview of the edited scene
    for frame in (0, 3, 8, 13, 15):
        scrub_to(qtbot, window, frame)
        np.testing.assert_array_equal(view.current_image(), render_frame(doc.scene, frame))

    edited = snapshot(doc.scene)
    undo, redo = window.actions_by_name["undo"], window.actions_by_name["redo"]
    while doc.undo_stack.canUndo():
        undo.trigger()
    assert doc.scene.same_as(original)
    assert not doc.is_dirty() and "*" not in window.windowTitle()
    while doc.undo_stack.canRedo():
        redo.trigger()
    assert snapshot(doc.scene) == edited

    out = tmp_path / "authored.levitor"
    assert window.save_to(out)
    assert window.windowTitle().startswith("authored.levitor —")
    assert snapshot(load_project(out)) == edited


def test_depth_warning_in_the_no_depth_band(qtbot, window):
    doc, view = window.doc, window.view
    spoon = doc.scene.objects[1]
    key = spoon.key_at(15)
    from levitor_studio.model.commands import SetKeyframe

    doc.push(SetKeyframe(spoon.uid, key.moved(z=0.6)))
    doc.set_frame(15)
    wheel(view, key.x, key.y, -3)  # down = farther: 0.6 · 1.06³ ≈ 0.715 > 2/3
    assert spoon.key_at(15).z > 2 / 3
    assert "no depth" in window.readout_label.text()
    assert "no depth" in window.inspector_dock.widget().k_readout.text()


def test_wheel_off_a_key_zooms_instead(qtbot, window):
    doc, view = window.doc, window.view
    before = view.vb.viewRange()
    count = doc.undo_stack.count()
    wheel(view, 20, 20, 2)
    assert doc.undo_stack.count() == count
    assert view.vb.viewRange() != before


def test_brush_adds_and_erases_mask_pixels(qtbot, window):
    doc, view = window.doc, window.view
    cup = doc.scene.objects[0]
    doc.select(cup.uid)
    window.set_tool(Tool.BRUSH)
    area = cup.area()
    drag(view, (20, 20), (60, 20))
    grown = doc.scene.object(cup.uid)
    assert grown.area() > area and grown.mask[20, 40]
    assert doc.undo_stack.count() == 1
    drag(view, (20, 20), (60, 20), button=Qt.MouseButton.RightButton)
    assert not doc.scene.object(cup.uid).mask[20, 40]
    assert doc.undo_stack.count() == 2


def test_locked_objects_refuse_edits_with_a_message(qtbot, window):
    doc, view = window.doc, window.view
    from levitor_studio.model.commands import SetObjectProperties

    spoon = doc.scene.objects[1]
    doc.push(SetObjectProperties(spoon.uid, locked=True))
    key = spoon.key_at(6)
    drag(view, (key.x, key.y), (key.x + 20, key.y))
    assert doc.scene.object(spoon.uid).key_at(6) == key
    assert window.statusBar().currentMessage() == f"{spoon.name} is locked; unlock it to change it"


def test_delete_key_then_object(qtbot, window):
    doc = window.doc
    spoon = doc.scene.objects[1]
    doc.select_key(spoon.uid, 6)
    window.actions_by_name["delete"].trigger()
    assert [k.frame for k in spoon.keyframes] == [0, 11, 15]
    window.actions_by_name["delete"].trigger()
    assert [o.name for o in doc.scene.objects] == ["cup"]
    assert doc.undo_stack.count() == 2


def test_bracket_keys_resize_the_brush_and_it_paints_that_disc(qtbot, window):
    doc, view = window.doc, window.view
    cup = doc.scene.objects[0]
    doc.select(cup.uid)
    window.set_tool(Tool.BRUSH)
    assert "Brush 8 px" in window.statusBar().currentMessage()
    # window shortcuts reach only the active window (a real X server, as under `make test`)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(view, Qt.Key.Key_BracketRight)
    r = view.tools.brush_radius
    assert r == 12.0
    assert window.statusBar().currentMessage() == "Brush 12 px"
    assert "Brush 12 px" in window.tool_actions[Tool.BRUSH].toolTip()

    # one dab far from the cup, through the same entry point as a mouse drag
    before = doc.scene.object(cup.uid).mask.copy()
    x, y = 40.0, 40.0
    assert not before[int(y) - 15 : int(y) + 15, int(x) - 15 : int(x) + 15].any()
    for phase in ("start", "finish"):
        view.tools.drag_at(phase, x, y, x, y, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0))
    changed = doc.scene.object(cup.uid).mask != before
    assert abs(int(changed.sum()) - np.pi * r * r) <= 0.15 * np.pi * r * r
    ys, xs = np.nonzero(changed)
    assert xs.min() >= x - r - 1 and xs.max() <= x + r and ys.min() >= y - r - 1
    assert ys.max() <= y + r

    for _ in range(10):  # 12 → 8 → 5 → 3 → 2 → 1, then it stays at the 1 px floor
        qtbot.keyClick(view, Qt.Key.Key_BracketLeft)
    assert view.tools.brush_radius == 1.0
    assert window.statusBar().currentMessage() == "Brush 1 px"
