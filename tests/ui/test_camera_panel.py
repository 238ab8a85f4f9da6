"""The Camera panel: typed artist values become stored keys at the playhead, one undo step each."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from scenes import camera_scene

from levitor_studio.model.camera_track import CameraKey
from levitor_studio.model.keyframes import Easing
from levitor_studio.model.scene import snapshot
from levitor_studio.ui.camera_panel import CameraPanel
from levitor_studio.ui.document import Document

pytestmark = pytest.mark.gui
E = Easing
KEY8 = CameraKey(8, dolly=0.075, ease=E.LINEAR)  # dolly 30 % of the way to the subject


@pytest.fixture
def panel(qtbot):
    scene = camera_scene([KEY8])
    p = CameraPanel(Document(scene))
    qtbot.addWidget(p)
    p.show()
    return p


def _type(qtbot, box, text: str) -> None:
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)


def test_the_fields_show_the_camera_at_the_playhead_in_artist_units(panel) -> None:
    doc = panel.doc
    doc.set_frame(4)  # linear from 0 to 30 % at frame 8
    assert panel.fields["dolly"].value() == 15.0
    assert panel.fields["dolly"].text() == "15.0 %"
    assert panel.where.text() == "Frame 4: between keys. Editing a value keys the camera here."
    assert not panel.ease.isEnabled()
    doc.set_frame(8)
    assert (panel.fields["dolly"].value(), panel.ease.currentText()) == (30.0, "linear")
    assert panel.where.text() == "Camera key at frame 8"
    assert panel.subject.text() == (
        "Subject: the median depth of the photograph (no objects), at pseudo-depth 0.25. "
        "Dolly 100 % reaches it; truck and pedestal are the pixels it slides."
    )


def test_typing_keys_the_camera_at_the_playhead_in_one_undo_step(qtbot, panel) -> None:
    doc = panel.doc
    before = snapshot(doc.scene)
    doc.set_frame(4)
    _type(qtbot, panel.fields["dolly"], "40")
    assert doc.scene.camera == [CameraKey(4, dolly=0.1, ease=E.LINEAR), KEY8]
    assert doc.undo_stack.count() == 1
    doc.set_frame(8)
    _type(qtbot, panel.fields["pan"], "-12.5")
    assert doc.scene.camera[1] == CameraKey(8, pan=-12.5, dolly=0.075, ease=E.LINEAR)
    panel.ease.textActivated.emit("hold")
    assert doc.scene.camera[1].ease == E.HOLD
    assert doc.undo_stack.count() == 3
    for _ in range(3):
        doc.undo_stack.undo()
    assert snapshot(doc.scene) == before


def test_arrow_steps_on_one_field_merge_into_one_undo_step(panel) -> None:
    doc = panel.doc
    doc.set_frame(4)
    box = panel.fields["dolly"]
    for _ in range(3):
        box.stepBy(1)  # 15 % + 3 × 5 %
    assert doc.scene.camera == [CameraKey(4, dolly=0.075, ease=E.LINEAR), KEY8]
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.scene.camera == [KEY8]


def test_out_of_range_and_frame_zero_are_refused_under_the_field(qtbot, panel) -> None:
    doc = panel.doc
    before = snapshot(doc.scene)
    doc.set_frame(4)
    box = panel.fields["dolly"]
    _type(qtbot, box, "1000")  # the model's ±2 units are ±800 % for a subject at 0.25
    assert box.error.text() == "camera dolly 1000.0 % must be -800.0…800.0 %"
    assert box.error.isVisible() and box.value() == 15.0
    doc.set_frame(0)
    assert panel.where.text() == (
        "Frame 0: the photograph's camera (always zero). Move the playhead to key it."
    )
    _type(qtbot, panel.fields["pan"], "10")
    assert panel.fields["pan"].error.text() == (
        "frame 0 shows the photograph as taken, so its camera stays at zero: "
        "move the playhead to a later frame to key the camera"
    )
    assert snapshot(doc.scene) == before and doc.undo_stack.count() == 0


def test_selecting_the_camera_row_asks_for_the_panel(qtbot, panel) -> None:
    with qtbot.waitSignal(panel.wanted, timeout=1000):
        panel.doc.select_camera(8)


def test_a_hidden_panel_waits_until_shown(qtbot, panel) -> None:
    doc = panel.doc
    panel.hide()
    doc.set_frame(8)
    assert panel.fields["dolly"].value() == 0.0  # still frame 0's camera: no work while hidden
    panel.show()
    assert panel.fields["dolly"].value() == 30.0
    assert panel.where.text() == "Camera key at frame 8"
