"""The inspector never silently changes what is typed (issue 15 item 3): an out-of-range value
is refused with its reason beside the field, and the field shows the previous value again."""

from __future__ import annotations

import pytest
from ui_helpers import type_into

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("k_z", "-1", "Pseudo-depth -1 must be 0.003922…1"),
        ("k_z", "0", "Pseudo-depth 0 must be 0.003922…1"),
        ("k_z", "5", "Pseudo-depth 5 must be 0.003922…1"),
        ("k_x", "99999", "X 99999 must be -512…1024"),
        ("k_y", "-600", "Y -600 must be -288…576"),
        ("k_frame", "40", "Frame 40 must be a whole number 0…15"),
    ],
)
def test_out_of_range_typing_is_refused_with_its_reason(qtbot, window, name, text, reason):
    doc = window.doc
    spoon = doc.scene.objects[1]
    doc.select_key(spoon.uid, 6)
    before = spoon.key_at(6)
    count = doc.undo_stack.count()
    insp = window.inspector_dock.widget()
    box = getattr(insp, name)
    shown = box.text()
    type_into(qtbot, box, text)
    assert spoon.key_at(6) == before and doc.undo_stack.count() == count
    assert box.text() == shown  # the previous value, not a clamped one
    assert box.error.text() == reason and box.error.isVisibleTo(insp)
    doc.select_key(None)  # the reason goes with the key it was typed for
    assert not box.error.isVisibleTo(insp)


def test_a_value_in_range_is_taken_as_typed_and_clears_the_reason(qtbot, window):
    doc = window.doc
    spoon = doc.scene.objects[1]
    doc.select_key(spoon.uid, 6)
    box = window.inspector_dock.widget().k_x
    type_into(qtbot, box, "99999")
    assert box.error.isVisibleTo(window.inspector_dock.widget())
    type_into(qtbot, box, "-300.5")
    assert spoon.key_at(6).x == -300.5
    assert not box.error.isVisibleTo(window.inspector_dock.widget())


@pytest.mark.parametrize(("x", "y"), [(200.0, 291.0), (-6.0, 100.0), (517.0, 50.0)])
def test_key_tool_refuses_a_click_outside_the_image(qtbot, window, x, y):
    """Issue 15 item 2: a key stored at y = 413 on a 288-high image."""
    from ui_helpers import click

    from levitor_studio.ui.image_tools import Tool

    doc = window.doc
    spoon = doc.scene.objects[1]
    doc.select(spoon.uid)
    doc.set_frame(9)
    window.set_tool(Tool.KEY)
    keys = list(spoon.keyframes)
    click(window.view, x, y)
    assert spoon.keyframes == keys
    assert window.statusBar().currentMessage() == (
        f"No key placed: ({x:.0f}, {y:.0f}) is outside the 512×288 image; click inside it "
        "(or drag a key out past the edge)"
    )
    click(window.view, 200.0, 280.0)  # inside: placed where clicked
    assert (spoon.key_at(9).x, spoon.key_at(9).y) == pytest.approx((200.0, 280.0), abs=1.0)
