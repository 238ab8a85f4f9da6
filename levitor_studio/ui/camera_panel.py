"""The Camera panel: the camera at the playhead, in artist units, and where a person keys it.

Pan, tilt and roll in degrees; dolly in % of the way to the subject, truck and pedestal in the
pixels the subject slides (:mod:`~levitor_studio.model.camera_units`); the easing of the key at
the playhead. Typing a value keys the camera at the playhead (the key is made there from the
interpolated camera when there is none: :func:`~levitor_studio.model.camera_edits.set_value`),
one undo step per edit, and the arrows' repeated steps on one field merge into one. A value
outside the model's range, or a move at frame 0 (the photograph's camera), is refused with the
reason under the field and nothing is written. The panel shows the document; it owns no data.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFocusEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..model import camera_edits, limits
from ..model.camera_track import CAMERA_COLUMNS
from ..model.camera_units import (
    ARTIST_DECIMALS,
    ARTIST_UNIT,
    CameraUnits,
    subject_description,
)
from ..model.errors import InputError
from ..model.keyframes import Easing
from .document import Document
from .fields import CheckedSpinBox, field
from .widgets import Binding

LABELS = {
    "pan": ("Pan", "Turn the camera: positive looks right"),
    "tilt": ("Tilt", "Turn the camera: positive looks up"),
    "roll": ("Roll", "Turn the camera about its view axis"),
    "dolly": ("Dolly", "Move the camera forward, in % of the way to the subject (negative: back)"),
    "truck": ("Truck", "Move the camera right: the subject slides this many pixels left"),
    "pedestal": ("Pedestal", "Move the camera down: the subject slides this many pixels up"),
}
STEPS = {"pan": 1.0, "tilt": 1.0, "roll": 1.0, "dolly": 5.0, "truck": 5.0, "pedestal": 5.0}


class CameraField(CheckedSpinBox):
    """One camera column, checked in artist units at commit (:meth:`CameraUnits.check`)."""

    def __init__(self, panel: CameraPanel, name: str) -> None:
        super().__init__(limits.CAMERA_KEY[name], LABELS[name][0])
        self.panel, self.name = panel, name
        self.setDecimals(ARTIST_DECIMALS[name])
        self.setSingleStep(STEPS[name])
        self.setSuffix(f" {ARTIST_UNIT[name]}" if ARTIST_UNIT[name] != "°" else "°")
        self.setToolTip(LABELS[name][1])
        self.stepping = False
        self.session = 0  # a new arrow session on every focus-in: its steps merge

    def check(self, value: Any) -> None:
        """Refuse a value outside the range, or any move at frame 0, in the person's words."""
        self.panel.stored_value(self.name, float(value))

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        lo, hi = self.panel.units.artist_range(self.name)
        value = min(max(self.value() + steps * self.singleStep(), lo), hi)
        self.stepping = True
        try:
            self.setValue(value)
        finally:
            self.stepping = False

    def focusInEvent(self, ev: QFocusEvent) -> None:  # noqa: N802 - Qt override
        self.session += 1
        super().focusInEvent(ev)


class CameraPanel(QScrollArea):
    """Camera key fields at the playhead; :attr:`wanted` asks the window to show the panel.

    A scroll area, like the Inspector it is tabbed with: its fields must not set the height of
    the right-hand docks (the Graph tab below needs room in a 720 px window)."""

    wanted = Signal()

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.units = CameraUnits.of_scene(document.scene)
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.subject = QLabel()
        self.subject.setWordWrap(True)
        self.subject.setStyleSheet("color: #9a9aa2;")
        form = QFormLayout()
        self.fields: dict[str, CameraField] = {}
        for name in CAMERA_COLUMNS:
            box = self.fields[name] = CameraField(self, name)
            box.committed.connect(lambda v, n=name: self._edit(n, v))
            form.addRow(LABELS[name][0], field(box))
        self.ease = QComboBox()
        self.ease.addItems([e.value for e in Easing])
        self.ease.setToolTip("Easing of the move leaving the key at the playhead")
        self.ease.textActivated.connect(self._edit_ease)
        form.addRow("Ease", self.ease)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.where)
        layout.addLayout(form)
        layout.addWidget(self.subject)
        layout.addStretch(1)
        self.setWidget(body)
        self.setWidgetResizable(True)
        self._binding = Binding()
        self._bind(document)
        self._stale = True

    def showEvent(self, ev: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(ev)
        if self._stale:
            self.sync()

    def _bind(self, doc: Document) -> None:
        for sig in (doc.sceneChanged, doc.frameChanged):
            self._binding.connect(sig, lambda *_: self.sync())
        self._binding.connect(doc.cameraSelectionChanged, self._on_camera_selection)

    def set_document(self, document: Document) -> None:
        self._binding.clear()
        self.doc = document
        self._bind(document)
        self.sync()

    def _on_camera_selection(self, selected: bool, _frame: object) -> None:
        if selected:
            self.wanted.emit()

    def sync(self) -> None:
        """Show the camera at the playhead (the key there, else the interpolated camera).

        Only while shown: the subject's median depth costs a few ms, and a panel tabbed behind
        the Inspector would pay it on every step of an image drag. It catches up when shown.
        """
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        scene, frame = self.doc.scene, self.doc.frame
        self.units = CameraUnits.of_scene(scene)
        key = camera_edits.key_at(scene, frame)
        shown = camera_edits.interpolated_key(scene, frame)
        for name, value in self.units.artist_values(shown).items():
            self.fields[name].show_value(value)
        self.ease.setCurrentText(shown.ease.value)
        self.ease.setEnabled(key is not None)
        if frame == 0:
            text = "Frame 0: the photograph's camera (always zero). Move the playhead to key it."
        elif key is not None:
            text = f"Camera key at frame {frame}"
        else:
            text = f"Frame {frame}: between keys. Editing a value keys the camera here."
        self.where.setText(text)
        self.subject.setText(
            f"Subject: {subject_description(scene)}, at pseudo-depth {self.units.subject:.4g}. "
            "Dolly 100 % reaches it; truck and pedestal are the pixels it slides."
        )

    def stored_value(self, name: str, artist: float) -> float:
        """The stored value of an artist value typed at the playhead, or :class:`InputError`."""
        stored = self.units.check(name, artist)
        if self.doc.frame == 0 and stored != 0:
            raise InputError(camera_edits.FRAME_ZERO)
        return stored

    def _edit(self, name: str, artist: float) -> None:
        box, frame, scene = self.fields[name], self.doc.frame, self.doc.scene
        merge = f"camera-field:{name}:{frame}:{box.session}" if box.stepping else None
        stored = self.stored_value(name, artist)  # checked by the field already
        if not self.doc.push_camera(
            lambda: camera_edits.set_value(scene, frame, name, stored), merge
        ):
            self.sync()  # refused (the status bar says why): show the camera as it is

    def _edit_ease(self, text: str) -> None:
        frame, scene = self.doc.frame, self.doc.scene
        self.doc.push_camera(lambda: camera_edits.set_ease(scene, frame, Easing(text)))
