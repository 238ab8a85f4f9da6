"""The orbit tool's dialog: object A, centre object B, radius, start angle, turns, frame range,
direction. It checks the choice with :func:`~levitor_studio.engine.orbit.orbit_keyframes` before
closing, so a refused orbit shows its one-line reason and the dialog stays open. Its number fields
keep what was typed (:class:`~levitor_studio.ui.fields.TypedSpinBox`): a value outside its range
is refused the same way on OK, never clamped."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QWidget,
)

from ...engine.orbit import orbit_keyframes
from ...model.commands import locked_refusal
from ...model.errors import InputError
from ...model.limits import Limit
from ..document import Document
from ..fields import TypedSpinBox
from ..widgets import refusal_and_buttons, show_refusal


def orbit_refusal(document: Document, uid_a: int) -> str | None:
    """Why the editor may not rewrite A's keys (a locked object), else None."""
    return locked_refusal(document.scene, uid_a)


class OrbitDialog(QDialog):
    """Parameters of one orbit; read :attr:`uid_a`, :attr:`uid_b` and :meth:`parameters`."""

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Orbit")
        self.document = document
        scene = document.scene
        form = QFormLayout(self)
        self.a_box = QComboBox(self)
        self.b_box = QComboBox(self)
        for obj in scene.objects:
            self.a_box.addItem(obj.name, obj.uid)
            self.b_box.addItem(obj.name, obj.uid)
        selected = document.selected_uid
        if selected is not None:
            self.a_box.setCurrentIndex(self.a_box.findData(selected))
        if self.b_box.count() > 1 and self.b_box.currentIndex() == self.a_box.currentIndex():
            self.b_box.setCurrentIndex(1 if self.a_box.currentIndex() == 0 else 0)
        # one arrow step below each range stands for "automatic": from where A already is
        reach = Limit(0.0, 10.0 * max(scene.size), lo_open=True, decimals=2)
        self.radius = TypedSpinBox(reach, None, "Radius", self, auto="from A's position")
        self.radius.setSuffix(" px")
        self.depth_radius = TypedSpinBox(reach, None, "Depth radius", self, auto="same as radius")
        self.depth_radius.setSuffix(" px")
        degrees = Limit(-360.0, 360.0, decimals=2)
        self.start = TypedSpinBox(degrees, None, "Start angle", self, auto="from A's position")
        self.start.setSuffix("°")
        self.start.setToolTip("0° right of the centre, 90° behind it, 180° left, 270° in front")
        self.turns = TypedSpinBox(Limit(0.05, 20.0, decimals=2, step=0.25), 1.0, "Turns", self)
        clip = Limit(0, scene.frames - 1, integer=True)
        inside = f"the clip (0…{scene.frames - 1})"
        self.first = TypedSpinBox(clip, 0, "First frame", self, outside=inside)
        self.last = TypedSpinBox(clip, scene.frames - 1, "Last frame", self, outside=inside)
        self.direction = QComboBox(self)
        self.direction.addItem("right → behind → left → front", 1)
        self.direction.addItem("right → front → left → behind", -1)
        every = Limit(1, max(scene.frames - 1, 1), integer=True)
        self.every = TypedSpinBox(every, 1, "Key every", self)
        self.every.setSuffix(" frames")
        form.addRow("Object", self.a_box)
        form.addRow("Around", self.b_box)
        form.addRow("Radius", self.radius)
        form.addRow("Depth radius", self.depth_radius)
        form.addRow("Start angle", self.start)
        form.addRow("Turns", self.turns)
        form.addRow("First frame", self.first)
        form.addRow("Last frame", self.last)
        form.addRow("Direction", self.direction)
        form.addRow("Key every", self.every)
        self.error = refusal_and_buttons(self, form)

    @property
    def uid_a(self) -> int:
        return int(self.a_box.currentData())

    @property
    def uid_b(self) -> int:
        return int(self.b_box.currentData())

    def parameters(self) -> dict[str, object]:
        """Keyword arguments of :func:`orbit_keyframes` after the two object ids
        (:class:`InputError` with the reason for a typed value outside its range)."""
        return {
            "radius": self.radius.checked(),
            "start_angle": self.start.checked(),
            "turns": self.turns.checked(),
            "frame_start": self.first.checked(),
            "frame_end": self.last.checked(),
            "direction": int(self.direction.currentData()),
            "depth_radius": self.depth_radius.checked(),
            "key_every": self.every.checked(),
        }

    def _refuse(self, text: str) -> None:
        show_refusal(self, self.error, text)

    def accept(self) -> None:
        if self.a_box.count() < 2:
            self._refuse("the orbit needs two objects")
            return
        refusal = orbit_refusal(self.document, self.uid_a)
        if refusal:
            self._refuse(refusal)
            return
        try:
            orbit_keyframes(self.document.scene, self.uid_a, self.uid_b, **self.parameters())  # type: ignore[arg-type]
        except InputError as exc:
            self._refuse(str(exc))
            return
        super().accept()
