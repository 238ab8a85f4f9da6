"""Issue 17 in the editor: a key's angle and stretch, an object's parent (inspector fields,
image-view gestures, the objects panel's Parent column). Every edit is one undo step that
restores the key exactly; refusals leave the scene alone and say why under the field."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from ui_helpers import type_into, wheel, wheel_event

from levitor_studio.model.commands import SetKeyframe, SetObjectProperties

pytestmark = pytest.mark.gui
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def _spin_wheel(box, notches: int) -> None:
    """A real wheel event on a spin box (one notch = one arrow step)."""
    wheel_event(box, QPointF(box.width() / 2, box.height() / 2), notches)


def _choose(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} is not offered"
    combo.setCurrentIndex(index)


@pytest.fixture
def spoon_key(window):
    """The inspector on the spoon's key at frame 6 (a key with angle 0 and stretch 1)."""
    doc = window.doc
    spoon = doc.scene.objects[1]
    doc.set_frame(6)
    doc.select_key(spoon.uid, 6)
    return doc, spoon, window.inspector_dock.widget()


@pytest.fixture
def spoon_follows_cup(window):
    """The spoon made to follow the cup through the inspector's Parent field."""
    doc = window.doc
    cup, spoon = doc.scene.objects
    insp = window.inspector_dock.widget()
    doc.select(spoon.uid)
    _choose(insp.o_parent, "cup")
    assert spoon.parent == cup.uid
    return doc, cup, spoon, insp


def _undo(window) -> None:
    window.actions_by_name["undo"].trigger()


def test_typed_angle_is_stored_exactly_and_one_undo_restores_the_key(qtbot, window, spoon_key):
    doc, spoon, insp = spoon_key
    before, count = spoon.key_at(6), doc.undo_stack.count()
    assert insp.k_angle.text() == "0.0"
    type_into(qtbot, insp.k_angle, "37.5")
    assert spoon.key_at(6) == before.moved(angle=37.5)
    assert doc.undo_stack.count() == count + 1 and doc.undo_stack.undoText() == "Turn key"
    _undo(window)
    assert spoon.key_at(6) == before and insp.k_angle.value() == 0.0


def test_each_typed_stretch_is_one_undo_step(qtbot, window, spoon_key):
    doc, spoon, insp = spoon_key
    before, count = spoon.key_at(6), doc.undo_stack.count()
    type_into(qtbot, insp.k_sx, "1.5")
    type_into(qtbot, insp.k_sy, "0.75")
    assert spoon.key_at(6) == before.moved(stretch=(1.5, 0.75))
    assert doc.undo_stack.count() == count + 2 and doc.undo_stack.undoText() == "Stretch key"
    _undo(window)
    assert spoon.key_at(6) == before.moved(stretch=(1.5, 1.0))
    assert (insp.k_sx.value(), insp.k_sy.value()) == (1.5, 1.0)
    _undo(window)
    assert spoon.key_at(6) == before


def test_wheel_on_a_field_is_one_undo_step_per_field(qtbot, window, spoon_key):
    doc, spoon, insp = spoon_key
    before, count = spoon.key_at(6), doc.undo_stack.count()
    for _ in range(3):
        _spin_wheel(insp.k_angle, 1)  # 1° a notch
    assert spoon.key_at(6).angle == 3.0
    assert doc.undo_stack.count() == count + 1
    _spin_wheel(insp.k_sx, 1)
    _spin_wheel(insp.k_sx, 1)  # 0.05 a notch
    assert spoon.key_at(6) == before.moved(angle=3.0, stretch=(1.1, 1.0))
    assert doc.undo_stack.count() == count + 2
    _undo(window)
    assert spoon.key_at(6) == before.moved(angle=3.0)
    _undo(window)
    assert spoon.key_at(6) == before


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("k_angle", "4000", "Angle 4000 must be -3600…3600"),
        ("k_angle", "-3600.5", "Angle -3600.5 must be -3600…3600"),
        ("k_sx", "0.01", "Stretch x 0.01 must be 0.05…20"),
        ("k_sy", "25", "Stretch y 25 must be 0.05…20"),
    ],
)
def test_out_of_range_is_refused_under_the_field(qtbot, window, spoon_key, name, text, reason):
    doc, spoon, insp = spoon_key
    before, count = spoon.key_at(6), doc.undo_stack.count()
    box = getattr(insp, name)
    shown = box.text()
    type_into(qtbot, box, text)
    assert spoon.key_at(6) == before and doc.undo_stack.count() == count
    assert box.text() == shown
    assert box.error.text() == reason and box.error.isVisibleTo(insp)


def test_locked_object_refuses_the_turn_under_the_field(qtbot, window, spoon_key):
    doc, spoon, insp = spoon_key
    doc.push(SetObjectProperties(spoon.uid, locked=True))
    before, count = spoon.key_at(6), doc.undo_stack.count()
    type_into(qtbot, insp.k_angle, "10")
    assert spoon.key_at(6) == before and doc.undo_stack.count() == count
    assert insp.k_angle.text() == "0.0"
    assert insp.k_angle.error.text() == "spoon is locked; unlock it to change it"
    assert insp.k_angle.error.isVisibleTo(insp)


def test_fields_are_disabled_with_a_reason_without_a_key(qtbot, window, spoon_key):
    doc, spoon, insp = spoon_key
    assert insp.k_angle.isEnabledTo(insp) and insp.k_sy.isEnabledTo(insp)
    doc.select_key(None)
    assert not insp.k_angle.isEnabledTo(insp) and not insp.k_sx.isEnabledTo(insp)
    # no key: the neutral values, not a stretch of 0
    assert (insp.k_angle.text(), insp.k_sx.text(), insp.k_sy.text()) == ("0.0", "1.00", "1.00")
    assert insp.k_readout.text() == "Select a keyframe on the image or the timeline"


def test_choosing_a_parent_is_one_undo_step_and_shows_in_the_objects_panel(qtbot, window):
    doc = window.doc
    cup, spoon = doc.scene.objects
    doc.select(spoon.uid)
    insp = window.inspector_dock.widget()
    combo = insp.o_parent
    assert insp.k_sx.text() == "1.00"  # no key was selected yet: neutral, not a stretch of 0
    assert [combo.itemText(i) for i in range(combo.count())] == ["None", "cup"]
    count = doc.undo_stack.count()
    _choose(combo, "cup")
    assert spoon.parent == cup.uid and cup.parent is None
    assert doc.undo_stack.count() == count + 1 and doc.undo_stack.undoText() == "Set parent"
    table = window.objects_dock.widget().table
    assert table.horizontalHeaderItem(4).text() == "Parent" and not table.isColumnHidden(4)
    assert [table.item(r, 4).text() for r in range(2)] == ["", "cup"]
    _undo(window)
    assert spoon.parent is None and combo.currentText() == "None"
    assert [table.item(r, 4).text() for r in range(2)] == ["", ""]
    assert table.isColumnHidden(4)  # nothing follows anything: the names keep the room


def test_a_cycle_is_refused_with_the_commands_message_under_the_field(
    qtbot, window, spoon_follows_cup
):
    doc, cup, spoon, insp = spoon_follows_cup
    doc.select(cup.uid)
    assert insp.o_parent.currentText() == "None"
    count = doc.undo_stack.count()
    _choose(insp.o_parent, "spoon")
    assert cup.parent is None and spoon.parent == cup.uid
    assert doc.undo_stack.count() == count
    assert insp.o_parent.currentText() == "None"
    assert insp.o_parent_error.text() == (
        "object 'cup' cannot follow 'spoon': 'spoon' already follows 'cup'"
    )
    assert insp.o_parent_error.isVisibleTo(insp)
    doc.select(spoon.uid)  # the reason belongs to the object it was chosen for
    assert not insp.o_parent_error.isVisibleTo(insp)


def test_a_locked_object_keeps_its_parent(qtbot, window):
    doc = window.doc
    cup, spoon = doc.scene.objects
    doc.push(SetObjectProperties(spoon.uid, locked=True))
    insp = window.inspector_dock.widget()
    doc.select(spoon.uid)
    _choose(insp.o_parent, "cup")
    assert spoon.parent is None and insp.o_parent.currentText() == "None"
    assert insp.o_parent_error.text() == "spoon is locked; unlock it to change it"


def test_a_childs_key_shows_what_is_stored_and_says_in_which_space(
    qtbot, window, spoon_follows_cup
):
    doc, cup, spoon, insp = spoon_follows_cup
    doc.select_key(spoon.uid, 6)
    key = spoon.key_at(6)
    assert (insp.k_x.value(), insp.k_y.value(), insp.k_angle.value()) == (key.x, key.y, 0.0)
    space = (
        "Follows cup: x, y, angle and stretch are stored in cup's frame-0 space and shown "
        "as stored; the image shows them moved with cup"
    )
    assert insp.k_space.text() == space and insp.k_space.isVisibleTo(insp)
    for box in (insp.k_x, insp.k_y, insp.k_angle, insp.k_sx, insp.k_sy):
        assert space in box.toolTip()
    _undo(window)  # no parent: no note
    assert spoon.parent is None
    assert not insp.k_space.isVisibleTo(insp) and "frame-0 space" not in insp.k_x.toolTip()


def test_shift_wheel_on_a_key_turns_it_five_degrees_a_notch(qtbot, window, spoon_key):
    doc, spoon, insp = spoon_key
    before, count = spoon.key_at(6), doc.undo_stack.count()
    wheel(window.view, before.x, before.y, 2, SHIFT)
    wheel(window.view, before.x, before.y, 1, SHIFT)
    assert spoon.key_at(6) == before.moved(angle=15.0)  # up = counter-clockwise
    assert doc.undo_stack.count() == count + 1 and doc.undo_stack.undoText() == "Turn key"
    assert window.statusBar().currentMessage() == (
        "spoon, frame 6: angle 15° (Shift+wheel turns 5° a notch)"
    )
    assert insp.k_angle.value() == 15.0
    # the key's read-out (floating label and status bar) keeps saying it after the gesture
    assert window.readout_label.text().endswith(" · angle 15°")
    assert window.view.depth_label.textItem.toPlainText().endswith(" · angle 15°")
    wheel(window.view, before.x, before.y, -1, SHIFT)
    assert spoon.key_at(6).angle == 10.0 and doc.undo_stack.count() == count + 1
    _undo(window)
    assert spoon.key_at(6) == before


def test_alt_wheel_stretches_x_and_alt_shift_wheel_stretches_y(qtbot, window, spoon_key):
    doc, spoon, insp = spoon_key
    before, count = spoon.key_at(6), doc.undo_stack.count()
    wheel(window.view, before.x, before.y, 2, ALT)
    assert spoon.key_at(6) == before.moved(stretch=(1.1, 1.0))
    assert doc.undo_stack.undoText() == "Stretch key"
    assert window.statusBar().currentMessage() == (
        "spoon, frame 6: stretch 1.1 × 1 (Alt+wheel stretches x, Alt+Shift+wheel y)"
    )
    wheel(window.view, before.x, before.y, -3, ALT | SHIFT)
    assert spoon.key_at(6) == before.moved(stretch=(1.1, 0.85))
    assert window.readout_label.text().endswith(" · stretch 1.1 × 0.85")
    assert doc.undo_stack.count() == count + 2  # one step per gesture
    _undo(window)
    assert spoon.key_at(6) == before.moved(stretch=(1.1, 1.0))
    _undo(window)
    assert spoon.key_at(6) == before


def test_a_stretch_gesture_past_the_range_is_refused_with_its_reason(qtbot, window, spoon_key):
    doc, spoon, insp = spoon_key
    doc.push(SetKeyframe(spoon.uid, spoon.key_at(6).moved(stretch=(0.05, 1.0))))
    before, count = spoon.key_at(6), doc.undo_stack.count()
    wheel(window.view, before.x, before.y, -1, ALT)
    assert spoon.key_at(6) == before and doc.undo_stack.count() == count
    assert window.statusBar().currentMessage() == "keyframe stretch x 0 must be 0.05…20"


def test_plain_wheel_on_a_key_is_still_its_depth_not_its_turn(qtbot, window, spoon_key):
    doc, spoon, insp = spoon_key
    before = spoon.key_at(6)
    wheel(window.view, before.x, before.y, 1)
    after = spoon.key_at(6)
    assert after.z < before.z and (after.angle, after.stretch) == (0.0, (1.0, 1.0))


def test_a_childs_outline_and_hit_test_follow_its_parent(qtbot, window):
    """The preview draws a child moved with its parent; the image view's outline and clicks
    must agree (they showed and hit the child where its own keys alone put it)."""
    from PySide6.QtCore import QPointF as P

    from levitor_studio.model.commands import SetKeyframes, SetParent
    from levitor_studio.model.keyframes import Keyframe

    doc, view = window.doc, window.view
    cup, spoon = doc.scene.objects
    cx, cy = cup.centroid()
    z = doc.scene.rest_depth(cup)
    # the cup slides 40 px right over the clip, at its own depth (a pure translation)
    assert doc.push(SetKeyframes(cup.uid, [Keyframe(0, cx, cy, z), Keyframe(15, cx + 40, cy, z)]))
    doc.set_frame(15)
    own = view.overlay(spoon.uid).tint.transform()
    assert doc.push(SetParent(spoon.uid, cup.uid))
    moved = view.overlay(spoon.uid).tint.transform()
    p = P(200.0, 150.0)
    assert (moved.map(p).x(), moved.map(p).y()) == pytest.approx(
        (own.map(p).x() + 40.0, own.map(p).y()), abs=1e-9
    )
    # a click where the spoon is drawn now (its own key at 15 plus the cup's 40 px) selects it
    key = spoon.key_at(15)
    tools = view.tools
    assert tools.object_at(key.x + 40.0, key.y) == spoon.uid
