"""The New Project dialog: the options of ``levitor-studio new``, asked before a project is made.

Working size (default from the photo's aspect, multiples of 8), fit (crop or letterbox), clip
frames and fps, depth estimator, segmenter and whether to make static segments (on by default,
as on the command line). :meth:`NewProjectDialog.values` returns the keyword arguments of
:func:`levitor_studio.api.new_project`, so the editor and the command line make the same scene.
When cropping would drop more than half of the photo (a panorama on a 16:9 frame) the fit
starts unchosen and OK stays disabled until the user picks crop or letterbox. Numbers keep what
was typed (:class:`~levitor_studio.ui.fields.TypedSpinBox`); OK refuses one outside its range,
or a size that is not a multiple of 8 or too large, with the reason under the form.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ..api import CROP_LOSS_ASK, crop_loss
from ..model import limits
from ..model.errors import InputError
from ..model.imaging import default_size
from ..plugin_host import list_backends
from ..plugin_host.protocols import DEPTH, SEGMENTER
from .fields import TypedSpinBox

CHOOSE = "— choose crop or letterbox —"


def _size_spin(value: int, what: str) -> TypedSpinBox:
    box = TypedSpinBox(limits.SIDE, value, what)
    box.setSingleStep(8)
    box.setSuffix(" px")
    return box


class NewProjectDialog(QDialog):
    """Asks how to make a project from the photo ``path`` of ``image_size = (w, h)`` pixels."""

    def __init__(
        self,
        path: str | Path,
        image_size: tuple[int, int],
        backends: dict[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New Project")
        self.path = Path(path)
        self.image_size = image_size
        backends = backends or {}
        col = QVBoxLayout(self)
        col.addWidget(QLabel(f"{self.path.name} — {image_size[0]} × {image_size[1]} pixels"))
        form = QFormLayout()
        col.addLayout(form)
        w, h = default_size(*image_size)
        self.width_box, self.height_box = _size_spin(w, "Width"), _size_spin(h, "Height")
        row = QHBoxLayout()
        row.addWidget(self.width_box)
        row.addWidget(QLabel("×"))
        row.addWidget(self.height_box)
        row.addStretch(1)  # keep W × H together instead of spreading them over the row
        form.addRow("Working size", row)
        self.fit_box = QComboBox()
        form.addRow("Fit", self.fit_box)
        self.fit_note = QLabel()
        self.fit_note.setWordWrap(True)
        form.addRow("", self.fit_note)
        self.frames_box = TypedSpinBox(limits.FRAMES, 16, "Frames")
        form.addRow("Frames", self.frames_box)
        self.fps_box = TypedSpinBox(limits.FPS, 8.0, "Frames per second")
        form.addRow("Frames per second", self.fps_box)
        self.depth_box = self._backend_combo(DEPTH, backends.get(DEPTH, "heuristic"))
        form.addRow("Depth", self.depth_box)
        self.segmenter_box = self._backend_combo(SEGMENTER, backends.get(SEGMENTER, "grabcut"))
        form.addRow("Segmenter", self.segmenter_box)
        self.segments_box = QCheckBox("Static segments (anchors for the background)")
        self.segments_box.setChecked(True)
        self.segments_box.setToolTip(
            "Split what no object claims into static segments, as the model was trained with"
        )
        form.addRow("", self.segments_box)
        self.error = QLabel()
        self.error.setStyleSheet("color: #d55e00")
        self.error.setWordWrap(True)
        col.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        col.addWidget(self.buttons)
        for box in (self.width_box, self.height_box):
            box.valueChanged.connect(lambda _v: self._refresh_fit())
        self.fit_box.currentTextChanged.connect(lambda _t: self._refresh_ok())
        self._refresh_fit()

    @staticmethod
    def _backend_combo(kind: str, current: str) -> QComboBox:
        box = QComboBox()
        box.addItems([info.id for info in list_backends(kind)])
        if box.findText(current) < 0:
            box.addItem(current)
        box.setCurrentText(current)
        return box

    def size(self) -> tuple[int, int]:  # type: ignore[override]
        return (self.width_box.whole(), self.height_box.whole())

    def check(self) -> None:
        """:class:`InputError` with the reason when a typed value cannot make a project."""
        for box in (self.width_box, self.height_box, self.frames_box, self.fps_box):
            box.checked()
        w, h = self.size()
        if w % 8 or h % 8:
            raise InputError(f"Working size {w}×{h}: each side must be a multiple of 8")
        if w * h > limits.MAX_PIXELS:
            raise InputError(
                f"Working size {w}×{h} is {w * h:,} pixels, more than {limits.MAX_PIXELS:,} "
                "(2048×2048)"
            )

    def accept(self) -> None:
        try:
            self.check()
        except InputError as exc:
            self.error.setText(str(exc))
            return
        super().accept()

    def crop_loss(self) -> float:
        return crop_loss(self.image_size, self.size())

    def _refresh_fit(self) -> None:
        """Offer crop / letterbox; a strongly different aspect makes the user choose."""
        current = self.fit_box.currentText()
        if not all(limits.SIDE.contains(side) for side in self.size()):
            self.fit_note.setText("")  # OK says why the size cannot be used
            return
        loss = self.crop_loss()
        must_ask = loss > CROP_LOSS_ASK
        items = ([CHOOSE] if must_ask else []) + ["crop", "letterbox"]
        self.fit_box.blockSignals(True)
        self.fit_box.clear()
        self.fit_box.addItems(items)
        self.fit_box.setCurrentText(current if current in items else items[0])
        self.fit_box.blockSignals(False)
        if must_ask:
            self.fit_note.setText(
                f"⚠ The photo's shape differs strongly from {self.size()[0]}×{self.size()[1]}: "
                f"cropping drops {loss:.0%} of it, letterboxing adds bars."
            )
        else:
            self.fit_note.setText(f"Cropping drops {loss:.0%} of the photo." if loss else "")
        self._refresh_ok()

    def _refresh_ok(self) -> None:
        ok = self.fit_box.currentText() != CHOOSE
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def values(self) -> dict[str, Any]:
        """Keyword arguments of :func:`levitor_studio.api.new_project` (image excluded)."""
        return {
            "size": self.size(),
            "frames": self.frames_box.whole(),
            "fps": self.fps_box.typed(),
            "fit": self.fit_box.currentText(),
            "depth": self.depth_box.currentText(),
            "segmenter": self.segmenter_box.currentText(),
            "segments": self.segments_box.isChecked(),
        }
