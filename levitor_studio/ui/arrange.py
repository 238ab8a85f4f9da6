"""The "Depth and mask" box of the selected object, and the depth helpers the tools share.

Shows the object's rest depth (pseudo-depth and the model's value: at rest an object is ×1.0 by
definition), a warning with a one-click fix when it rests in the model's no-depth band, the
ordering commands ("Bring in Front of…", "Send Behind…": the next click on the image picks the
other object or static segment), the "stay on the ground" option for depth changes, and
grow / shrink / feather of the mask by N pixels. Every button pushes one model command.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..backends.heuristic_depth import HORIZON, horizon_of
from ..model.depth_units import NO_DEPTH_FROM, in_no_depth_band, technical_depth
from ..model.errors import InputError
from ..model.ground import grounded_depth_change
from ..model.keyframes import Keyframe
from ..model.mask_edits import MAX_PIXELS, ReshapeMask
from ..model.ordering import no_depth_fix
from .document import Document
from .widgets import Binding

WARN_STYLE = "color: #ff785a; font-weight: bold;"


def depth_changed_key(doc: Document, uid: int, frame: int, z: float) -> Keyframe | None:
    """The key at ``frame`` moved to depth ``z``; up the ground plane with "stay on the ground"."""
    scene = doc.scene
    key = scene.object(uid).key_at(frame)
    if key is None:
        return None
    if not doc.stay_on_ground:
        return key.moved(z=z)
    horizon = horizon_of(scene.depth) or HORIZON
    try:
        return grounded_depth_change(scene, uid, frame, z, horizon)
    except InputError as exc:
        doc.message.emit(str(exc))
        return None


def no_depth_warning(doc: Document, uid: int) -> str:
    """The warning for an object resting in the no-depth band ("" when it is fine)."""
    obj = doc.scene.object(uid)
    z0 = doc.scene.rest_depth(obj)
    if not in_no_depth_band(z0):
        return ""
    return (
        f"⚠ {obj.name} rests at z {z0:.3g} > {NO_DEPTH_FROM:.2f}: the model reads it as "
        "'no depth' and cannot hide or reveal it"
    )


class ArrangeBox(QGroupBox):
    """Depth order, floor contact and mask refinement of the selected object."""

    def __init__(
        self, doc: Document, start_order: Callable[[bool], None], parent: QWidget | None = None
    ) -> None:
        super().__init__("Depth and mask", parent)
        self.doc = doc
        col = QVBoxLayout(self)
        self.rest_label = QLabel()
        col.addWidget(self.rest_label)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(WARN_STYLE)
        self.fix_button = QPushButton("Fix: bring it to the farthest depth the model reads")
        self.fix_button.clicked.connect(self.fix_no_depth)
        col.addWidget(self.warning)
        col.addWidget(self.fix_button)
        row = QHBoxLayout()
        self.front_button = QPushButton("Bring in Front of…")
        self.front_button.setToolTip("Then click the object or static segment it should hide")
        self.front_button.clicked.connect(lambda: start_order(False))
        self.behind_button = QPushButton("Send Behind…")
        self.behind_button.setToolTip("Then click the object or static segment that should hide it")
        self.behind_button.clicked.connect(lambda: start_order(True))
        row.addWidget(self.front_button)
        row.addWidget(self.behind_button)
        col.addLayout(row)
        self.ground_box = QCheckBox("Stay on the ground when the depth changes")
        self.ground_box.setToolTip(
            "Pushing a key back moves it up the ground plane, so the object's contact stays on "
            "the floor instead of sinking into it"
        )
        self.ground_box.toggled.connect(lambda on: setattr(self.doc, "stay_on_ground", on))
        col.addWidget(self.ground_box)
        row = QHBoxLayout()
        self.pixels = QSpinBox()
        self.pixels.setRange(1, MAX_PIXELS)
        self.pixels.setValue(2)
        self.pixels.setSuffix(" px")
        row.addWidget(QLabel("Mask"))
        row.addWidget(self.pixels)
        self.mask_buttons: dict[str, QPushButton] = {}
        for op in ("grow", "shrink", "feather"):
            button = QPushButton(op.capitalize())
            button.clicked.connect(lambda _=False, o=op: self.reshape(o))
            row.addWidget(button)
            self.mask_buttons[op] = button
        col.addLayout(row)
        self._binding = Binding()
        self.set_document(doc)

    def set_document(self, doc: Document) -> None:
        """Work on ``doc`` (the window swaps documents under its panels)."""
        self._binding.clear()
        self.doc = doc
        self.ground_box.setChecked(doc.stay_on_ground)
        self._binding.connect(doc.sceneChanged, lambda _w: self.sync())
        self._binding.connect(doc.selectionChanged, lambda _u: self.sync())
        self.sync()

    def sync(self) -> None:
        uid = self.doc.selected_uid
        self.setEnabled(uid is not None)
        warning = no_depth_warning(self.doc, uid) if uid is not None else ""
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        self.fix_button.setVisible(bool(warning))
        if uid is None:
            self.setTitle("Depth and mask")
            self.rest_label.setText("Select an object")
            return
        obj = self.doc.scene.object(uid)
        self.setTitle(f"Depth and mask — {obj.name}")
        self.rest_label.setText(
            f"Rest ×1.00 (100 %) · {technical_depth(self.doc.scene.rest_depth(obj))}"
        )

    def fix_no_depth(self) -> None:
        uid = self.doc.selected_uid
        if uid is None:
            return
        try:
            command = no_depth_fix(self.doc.scene, uid)
        except InputError as exc:
            self.doc.message.emit(str(exc))
            return
        if command is not None:
            self.doc.push(command)

    def reshape(self, operation: str) -> None:
        uid = self.doc.selected_uid
        if uid is None:
            self.doc.message.emit("Select an object to change its mask")
            return
        self.doc.push(ReshapeMask(uid, operation, self.pixels.value()))
