"""Masks that refine: clicks and a box edit the selected object; Ctrl makes a new one."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from ui_helpers import click, drag

from levitor_studio.model.mask_edits import grow
from levitor_studio.ui.image_tools import Tool

CTRL = Qt.KeyboardModifier.ControlModifier
RIGHT = Qt.MouseButton.RightButton


def _wait_edit(qtbot, doc, count):
    qtbot.waitUntil(lambda: doc.undo_stack.count() == count, timeout=90000)


def test_clicks_edit_the_selected_object_and_ctrl_starts_a_new_one(qtbot, window):
    doc, view = window.doc, window.view
    cup = doc.scene.objects[0]
    before = cup.mask.copy()
    doc.select(cup.uid)
    window.set_tool(Tool.CLICKS)
    assert window.statusBar().currentMessage() == (
        "Clicks: edits the mask of cup — hold Ctrl for a new object, Esc to deselect"
    )
    # an include click just outside the cup, on the table: the cup's own mask grows there
    ys, xs = np.nonzero(before)
    x, y = float(xs.max() + 6), float(ys.mean())
    click(view, x, y)
    _wait_edit(qtbot, doc, 1)
    assert len(doc.scene.objects) == 2 and doc.undo_stack.undoText() == "Edit mask"
    assert not np.array_equal(cup.mask, before) and cup.mask[int(y), int(x)]
    # an exclude click (right button) there takes it out again, as its own undo step
    click(view, x, y, button=RIGHT)
    _wait_edit(qtbot, doc, 2)
    assert not cup.mask[int(y), int(x)] and len(doc.scene.objects) == 2
    window.actions_by_name["undo"].trigger()
    assert cup.mask[int(y), int(x)]

    # Ctrl + click: a new object, even with the cup selected
    with qtbot.waitSignal(window.work.objectAdded, timeout=90000) as added:
        click(view, 60.0, 250.0, mods=CTRL)
    assert len(doc.scene.objects) == 3 and doc.selected_uid == added.args[0]
    assert "boxes and clicks now edit its mask" in window.statusBar().currentMessage()


def test_a_box_edits_the_selected_object_and_esc_then_box_makes_a_new_one(qtbot, window):
    doc, view = window.doc, window.view
    cup = doc.scene.objects[0]
    doc.select(cup.uid)
    window.set_tool(Tool.BOX)
    ys, xs = np.nonzero(cup.mask)
    # a box around the cup's left half: the cup's mask keeps only what lies inside it
    mid = float(np.median(xs))
    drag(view, (float(xs.min() - 4), float(ys.min() - 4)), (mid, float(ys.max() + 4)))
    _wait_edit(qtbot, doc, 1)
    assert len(doc.scene.objects) == 2
    assert cup.area() > 0 and not cup.mask[:, int(mid) + 2 :].any()

    window.actions_by_name["deselect"].trigger()
    assert doc.selected_uid is None
    with qtbot.waitSignal(window.work.objectAdded, timeout=90000):
        drag(view, (55, 40), (420, 285))  # the saucer
    assert len(doc.scene.objects) == 3


def test_grow_shrink_feather_buttons_are_undoable(qtbot, window):
    doc = window.doc
    cup = doc.scene.objects[0]
    box = window.inspector_dock.widget().arrange_box
    doc.select(cup.uid)
    before = cup.mask.copy()
    box.pixels.setValue(3)
    box.mask_buttons["grow"].click()
    assert np.array_equal(cup.mask, grow(before, 3))
    assert doc.undo_stack.undoText() == "Grow mask 3 px"
    box.mask_buttons["shrink"].click()
    box.mask_buttons["feather"].click()
    assert doc.undo_stack.count() == 3
    for _ in range(3):
        window.actions_by_name["undo"].trigger()
    assert np.array_equal(cup.mask, before)
