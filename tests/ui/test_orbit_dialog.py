"""The orbit dialog shows a refusal in full, remedy included (issue 15 item 1)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "viewport3d"))
from test_orbit_sane import dog_and_bowl  # noqa: E402

from levitor_studio.ui.document import Document  # noqa: E402

pytestmark = pytest.mark.gui


@pytest.fixture
def dialog(qtbot):
    """The orbit dialog on the dog and the bowl, the bowl selected, shown."""
    from levitor_studio.ui.viewport3d.orbit_dialog import OrbitDialog

    doc = Document(dog_and_bowl())
    doc.select(2)
    dialog = OrbitDialog(doc)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_a_refused_orbit_is_shown_whole_in_the_dialog(dialog):
    dialog.radius.setValue(30.0)
    dialog.depth_radius.setValue(30.0)
    dialog.first.setValue(0)
    dialog.accept()
    assert dialog.isVisible()
    label = dialog.error
    assert label.text().endswith("or set the first frame to 1 or later")
    dialog.layout().activate()
    # every line of the wrapped message fits in the label, and the label in the dialog
    assert label.height() >= label.heightForWidth(label.width())
    assert dialog.rect().contains(label.geometry())


@pytest.mark.parametrize(
    ("field", "text", "reason"),
    [
        ("radius", "99999", "Radius 99999 must be in (0, 5120]"),
        ("depth_radius", "-5", "Depth radius -5 must be in (0, 5120]"),
        ("start", "400", "Start angle 400 must be -360…360"),
        ("turns", "50", "Turns 50 must be 0.05…20"),
        ("first", "-2", "First frame -2 is outside the clip (0…15)"),
        ("last", "40", "Last frame 40 is outside the clip (0…15)"),
        ("every", "99", "Key every 99 must be a whole number 1…15"),
    ],
)
def test_a_typed_value_out_of_range_is_kept_and_refused_on_ok(qtbot, dialog, field, text, reason):
    """Typed through the keys, then Enter (OK): Qt's ranges used to drop the keystroke."""
    from ui_helpers import type_into

    box = getattr(dialog, field)
    type_into(qtbot, box.lineEdit(), text)
    assert box.value() == float(text)  # kept as typed, neither clamped nor cut
    assert dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted
    assert dialog.error.text() == reason
