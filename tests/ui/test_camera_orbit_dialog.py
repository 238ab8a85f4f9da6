"""Camera ▸ Orbit About Selected… (issue 17 item 1): the dialog writes the orbit as one undo step
and keeps a refused one open with its reason whole."""

from __future__ import annotations

import math

import pytest
from scenes import make_scene
from ui_helpers import type_into

from levitor_studio.engine.camera import PinholeCamera
from levitor_studio.engine.camera_move import CameraPose, reproject
from levitor_studio.model.keyframes import Easing
from levitor_studio.ui.document import Document

pytestmark = pytest.mark.gui


@pytest.fixture
def dialog(qtbot):
    from levitor_studio.ui.camera_orbit_dialog import CameraOrbitDialog

    doc = Document(make_scene())  # object 1 "a": anchor (14.5, 14.5) at 0.5, (40, 20) at 0.25
    doc.select(1)
    dlg = CameraOrbitDialog(doc, 1)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def test_the_orbit_is_one_undo_step_and_keeps_the_object_in_place(dialog) -> None:
    doc = dialog.document
    assert dialog.pivot.text() == "a's anchor at frame 0: (14.5, 14.5) px, distance ×1.00 (z 0.500)"
    dialog.first.setValue(3)  # a is moving: at frame 3 of its 0 → 15 smooth path
    x, y, z = doc.scene.trajectory(doc.scene.object(1))[3]
    assert dialog.pivot.text().startswith(f"a's anchor at frame 3: ({x:.1f}, {y:.1f}) px")
    dialog.angle.setValue(-25.0)
    dialog.last.setValue(12)
    dialog.ease.setCurrentIndex(dialog.ease.findData(Easing.LINEAR))
    dialog.accept()
    assert not dialog.isVisible()
    assert dialog.apply()
    assert doc.undo_stack.count() == 1
    scene = doc.scene
    assert [k.frame for k in scene.camera] == list(range(3, 13))
    assert scene.camera[-1].pan == pytest.approx(-25.0, abs=1e-12)
    cam = PinholeCamera.of_scene(scene)
    for t in range(3, 13):
        nx, ny, nz = reproject(cam, CameraPose.of_row(scene.camera_path()[t]), x, y, z)
        assert (float(nx), float(ny), float(nz)) == pytest.approx((x, y, z), abs=1e-9)
    doc.undo_stack.undo()
    assert scene.camera == []


def test_a_refused_orbit_stays_open_with_the_largest_angle_that_fits(dialog) -> None:
    dialog.angle.setValue(250.0)
    dialog.ease.setCurrentIndex(dialog.ease.findData(Easing.LINEAR))
    dialog.accept()
    assert dialog.isVisible() and dialog.keys is None
    text = dialog.error.text()
    assert text.startswith("An orbit of 250° would take the camera's pan to ")
    assert text.endswith("the largest orbit that fits is 180°")
    dialog.layout().activate()
    assert dialog.rect().contains(dialog.error.geometry())
    assert not dialog.apply() and dialog.document.undo_stack.count() == 0
    assert math.isclose(dialog.angle.value(), 250.0)


def test_the_camera_menu_offers_it_and_asks_for_a_selection(qtbot) -> None:
    from levitor_studio.ui.camera_orbit_dialog import orbit_about_selected
    from levitor_studio.ui.main_window import MainWindow

    win = MainWindow(viewport3d=False)
    qtbot.addWidget(win)
    action = win.actions_by_name["orbit_about_selected"]
    assert action in win.menus["camera"].actions()
    assert action.text() == "&Orbit About Selected…"
    doc = Document(make_scene())
    with qtbot.waitSignal(doc.message) as said:
        assert not orbit_about_selected(doc)
    assert said.args == ["Select the object to orbit about first (click it in the image)"]


def test_a_typed_angle_beyond_the_box_reaches_the_engine_refusal(qtbot, dialog) -> None:
    """400 typed then Enter: Qt's −360…360 validator used to drop the last 0 and orbit 40°."""
    dialog.ease.setCurrentIndex(dialog.ease.findData(Easing.LINEAR))
    type_into(qtbot, dialog.angle.lineEdit(), "400")  # Enter presses OK
    assert dialog.angle.value() == 400.0
    assert dialog.isVisible() and dialog.keys is None
    assert dialog.error.text().startswith("An orbit of 400° would take the camera's pan to ")
    assert dialog.error.text().endswith("the largest orbit that fits is 180°")
    assert dialog.document.undo_stack.count() == 0


@pytest.mark.parametrize(
    ("field", "text", "reason"),
    [
        ("last", "20", "Last frame 20 is outside the clip (0…15)"),
        ("first", "-3", "First frame -3 is outside the clip (0…15)"),
        ("angle", "4000", "Angle 4000 must be -3600…3600"),
    ],
)
def test_a_typed_value_out_of_range_is_kept_and_refused_on_ok(
    qtbot, dialog, field, text, reason
) -> None:
    box = getattr(dialog, field)
    type_into(qtbot, box.lineEdit(), text)  # Enter presses OK
    assert box.value() == float(text)  # kept as typed, not clamped nor cut
    assert dialog.isVisible() and dialog.keys is None
    assert dialog.error.text() == reason
    assert not dialog.apply() and dialog.document.undo_stack.count() == 0
