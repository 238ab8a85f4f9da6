"""Camera ▸ Orbit About Selected…: swing the camera around the selected object over a frame range.

The dialog asks for the angle, the frames and the easing; the pivot is the selected object's
anchor where it is at the first frame, at its depth there
(:func:`~levitor_studio.engine.camera_orbit.object_pivot`). It computes the keys with
:func:`~levitor_studio.engine.camera_orbit.orbit_camera_keys` before closing, so a refused orbit
shows its one-line reason (with the largest angle that fits) and the dialog stays open. The new
camera track goes in as one :class:`~levitor_studio.model.commands.SetCameraKeys` (one undo step).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from ..engine.camera_orbit import object_pivot, orbit_camera_keys
from ..model.camera_track import CameraKey
from ..model.commands import SetCameraKeys
from ..model.errors import InputError
from ..model.keyframes import Easing
from .document import Document
from .widgets import refusal_and_buttons, show_refusal

EASINGS = (Easing.EASE_IN_OUT, Easing.LINEAR, Easing.EASE_IN, Easing.EASE_OUT)


class CameraOrbitDialog(QDialog):
    """The orbit's parameters; after :meth:`accept`, :attr:`keys` holds the new camera track."""

    def __init__(self, document: Document, uid: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.uid = uid
        self.keys: list[CameraKey] | None = None
        scene = document.scene
        name = scene.object(uid).name
        self.setWindowTitle(f"Orbit Camera About {name}")
        form = QFormLayout(self)
        self.pivot = QLabel(self)
        self.angle = QDoubleSpinBox(self)
        self.angle.setRange(-360.0, 360.0)
        self.angle.setDecimals(1)
        self.angle.setSuffix("°")
        self.angle.setValue(30.0)
        self.angle.setToolTip(
            f"Positive: the camera swings left around {name} and turns right to keep it in "
            "place; what is nearer slides right, what is farther slides left"
        )
        self.first = QSpinBox(self)
        self.last = QSpinBox(self)
        for box in (self.first, self.last):
            box.setRange(0, scene.frames - 1)
        self.first.setValue(document.frame if document.frame < scene.frames - 1 else 0)
        self.last.setValue(scene.frames - 1)
        self.ease = QComboBox(self)
        for ease in EASINGS:
            self.ease.addItem(ease.value, ease)
        form.addRow("About", self.pivot)
        form.addRow("Angle", self.angle)
        form.addRow("First frame", self.first)
        form.addRow("Last frame", self.last)
        form.addRow("Easing", self.ease)
        self.error = refusal_and_buttons(self, form)
        self.first.valueChanged.connect(self._show_pivot)
        self._show_pivot()

    def _show_pivot(self) -> None:
        scene = self.document.scene
        p = object_pivot(scene, self.uid, self.first.value())
        rest = scene.rest_depth(scene.object(self.uid))
        self.pivot.setText(
            f"{scene.object(self.uid).name}'s anchor at frame {self.first.value()}: "
            f"({p.x:.1f}, {p.y:.1f}) px, distance ×{p.z / rest:.2f} (z {p.z:.3f})"
        )

    def _refuse(self, text: str) -> None:
        show_refusal(self, self.error, text)

    def accept(self) -> None:
        scene = self.document.scene
        try:
            self.keys = orbit_camera_keys(
                scene,
                object_pivot(scene, self.uid, self.first.value()),
                self.angle.value(),
                self.first.value(),
                self.last.value(),
                Easing(self.ease.currentData()),
            )
        except InputError as exc:
            self._refuse(str(exc))
            return
        super().accept()

    def apply(self) -> bool:
        """Put the accepted orbit on the undo stack (one step)."""
        return self.keys is not None and self.document.push(SetCameraKeys(self.keys))


def orbit_about_selected(document: Document | None, parent: QWidget | None = None) -> bool:
    """Camera ▸ Orbit About Selected…: the dialog, then one undo step (False: nothing done)."""
    if document is None:
        return False
    uid = document.selected_uid
    if uid is None:
        document.message.emit("Select the object to orbit about first (click it in the image)")
        return False
    dialog = CameraOrbitDialog(document, uid, parent)
    title = dialog.windowTitle()
    try:
        done = dialog.exec() == QDialog.DialogCode.Accepted and dialog.apply()
    finally:
        dialog.deleteLater()
    if done:
        document.message.emit(f"{title}: done (undo with Ctrl+Z)")
    return done
