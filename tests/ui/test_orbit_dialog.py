"""The orbit dialog shows a refusal in full, remedy included (issue 15 item 1)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "viewport3d"))
from test_orbit_sane import dog_and_bowl  # noqa: E402

from levitor_studio.ui.document import Document  # noqa: E402

pytestmark = pytest.mark.gui


def test_a_refused_orbit_is_shown_whole_in_the_dialog(qtbot):
    from levitor_studio.ui.viewport3d.orbit_dialog import OrbitDialog

    doc = Document(dog_and_bowl())
    doc.select(2)
    dialog = OrbitDialog(doc)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
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
