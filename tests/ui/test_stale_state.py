"""Read-outs never go stale (issue 15 item 6): the depth read-out on the image, the status bar
and the inspector follow drags, undo, deletion and the undoing of an object's creation."""

from __future__ import annotations

import pytest
from ui_helpers import click, drag

from levitor_studio.model.commands import AddObject, RemoveObject, new_object
from levitor_studio.ui.overlays import depth_readout

pytestmark = pytest.mark.gui


def _label_at(view):
    p = view.depth_label.pos()
    return (p.x(), p.y())


def test_depth_readout_follows_drag_and_undo_and_goes_with_the_key(qtbot, window):
    doc, view = window.doc, window.view
    spoon = doc.scene.objects[1]
    doc.set_frame(6)
    k = spoon.key_at(6)
    click(view, k.x, k.y)
    assert doc.selected_key == (spoon.uid, 6) and view.depth_label.isVisible()
    drag(view, (k.x, k.y), (k.x + 40, k.y + 20))
    moved = spoon.key_at(6)
    assert (moved.x, moved.y) != (k.x, k.y)
    assert _label_at(view) == (moved.x, moved.y)
    doc.undo_stack.undo()
    assert _label_at(view) == (k.x, k.y)
    text, _warn = depth_readout(doc.scene, spoon, k.z)
    assert view.depth_label.toPlainText() == text == window.readout_label.text()

    window.actions_by_name["delete"].trigger()  # the key goes
    assert spoon.key_at(6) is None
    assert not view.depth_label.isVisible() and window.readout_label.text() == ""


def test_depth_readout_goes_with_its_object(qtbot, window):
    doc, view = window.doc, window.view
    spoon = doc.scene.objects[1]
    k = spoon.key_at(6)
    doc.set_frame(6)
    click(view, k.x, k.y)
    assert view.depth_label.isVisible()
    doc.push(RemoveObject(spoon.uid))
    assert not view.depth_label.isVisible() and window.readout_label.text() == ""


def test_undoing_an_objects_creation_clears_the_inspector(qtbot, window):
    doc = window.doc
    mask = doc.scene.objects[0].mask.copy()
    obj = new_object(doc.scene, mask)
    assert doc.push(AddObject(obj))
    doc.select(obj.uid)
    insp = window.inspector_dock.widget()
    assert insp.obj_box.title() == f"Object — {obj.name}"
    doc.undo_stack.undo()
    assert insp.obj_box.title() == "Object" and not insp.obj_box.isEnabled()


def test_toolbar_buttons_stay_put_as_the_undo_text_changes(qtbot, window):
    """Issue 15 item 7: "Undo Generation settings" pushed Generate from under the pointer."""
    from levitor_studio.model.commands import SetGenerationSettings

    bar = window.toolbar
    bar.layout().activate()
    before = {a.text(): bar.widgetForAction(a).geometry() for a in bar.actions() if a.text()}
    doc = window.doc
    seed = doc.scene.settings.seed
    assert doc.push(SetGenerationSettings({"seed": seed + 1}))
    bar.layout().activate()
    after = {a.text(): bar.widgetForAction(a).geometry() for a in bar.actions() if a.text()}
    assert after == before
    undo = window.actions_by_name["toolbar_undo"]
    assert undo.text() == "Undo" and undo.isEnabled()
    assert undo.toolTip() == "Undo Generation settings (Ctrl+Z)"
    undo.trigger()
    assert doc.scene.settings.seed == seed
    assert undo.toolTip() == "Nothing to undo (Ctrl+Z)" and not undo.isEnabled()


def test_selected_objects_path_is_highlighted_in_the_image_view(qtbot, window):
    """Issue 15 item 13: the selected object's path is wider, brighter and on top."""
    doc, view = window.doc, window.view
    cup, spoon = doc.scene.objects
    doc.select(spoon.uid)
    sel, other = view.overlay(spoon.uid), view.overlay(cup.uid)
    assert sel.line.opts["pen"].widthF() == 3.5 and other.line.opts["pen"].widthF() == 1.5
    assert sel.line.zValue() > other.line.zValue() and sel.keys.zValue() > other.keys.zValue()
    doc.select(cup.uid)
    assert sel.line.opts["pen"].widthF() == 1.5 and other.line.opts["pen"].widthF() == 3.5
