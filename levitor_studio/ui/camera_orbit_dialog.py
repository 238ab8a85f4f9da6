"""Camera ▸ Orbit About Selected…: swing the camera around the selected object over a frame range.

The dialog asks for the angle, the frames and the easing; the pivot is the selected object's
anchor where it is at the first frame, at its depth there
(:func:`~levitor_studio.engine.camera_orbit.object_pivot`). It computes the keys with
:func:`~levitor_studio.engine.camera_orbit.orbit_camera_keys` before closing, so a refused orbit
shows its one-line reason (with the largest angle that fits) and the dialog stays open. Its
number fields keep what was typed (:class:`~levitor_studio.ui.fields.TypedSpinBox`); a value
outside its range is refused the same way on OK. The new
camera track goes in as one :class:`~levitor_studio.model.commands.SetCameraKeys` (one undo step).
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QWidget

from ..engine.camera_orbit import object_pivot, orbit_camera_keys
from ..model.camera_track import CameraKey
from ..model.commands import SetCameraKeys
from ..model.errors import InputError
from ..model.keyframes import Easing
from ..model.limits import ANGLE, Limit
from .document import Document
from .fields import TypedSpinBox
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
        # typed values stay as typed (a −360…360 box turned 400 into 40): checked on OK
        self.angle = TypedSpinBox(ANGLE, 30.0, "Angle", self)
        self.angle.setSuffix("°")
        self.angle.setToolTip(
            f"Positive: the camera swings left around {name} and turns right to keep it in "
            "place; what is nearer slides right, what is farther slides left"
        )
        clip = Limit(0, scene.frames - 1, integer=True)
        inside = f"the clip (0…{scene.frames - 1})"
        start = document.frame if document.frame < scene.frames - 1 else 0
        self.first = TypedSpinBox(clip, start, "First frame", self, outside=inside)
        self.last = TypedSpinBox(clip, scene.frames - 1, "Last frame", self, outside=inside)
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
        try:
            frame = self.first.checked()
        except InputError as exc:
            self.pivot.setText(str(exc))
            return
        p = object_pivot(scene, self.uid, frame)
        rest = scene.rest_depth(scene.object(self.uid))
        self.pivot.setText(
            f"{scene.object(self.uid).name}'s anchor at frame {frame}: "
            f"({p.x:.1f}, {p.y:.1f}) px, distance ×{p.z / rest:.2f} (z {p.z:.3f})"
        )

    def _refuse(self, text: str) -> None:
        show_refusal(self, self.error, text)

    def accept(self) -> None:
        scene = self.document.scene
        try:
            angle, first, last = (box.checked() for box in (self.angle, self.first, self.last))
            self.keys = orbit_camera_keys(
                scene,
                object_pivot(scene, self.uid, first),
                angle,
                first,
                last,
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
