"""Export settings (issue 15 item 10): format, size, overlay and frame range of File ▸ Export.

:class:`ExportSettings` is what the next export uses; File ▸ Export Settings… edits it in an
:class:`ExportSettingsDialog` (the settings stay for the session, as a render queue's do). The
frame range defaults to the timeline's in/out range; a frame typed outside the clip is kept as
typed and refused on OK with its reason, the dialog staying open. :func:`apply_settings` turns rendered
frames into what is written: the range, the control-point overlay, the size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QWidget,
)

from ..model.errors import InputError
from ..model.limits import Limit
from .fields import TypedSpinBox
from .widgets import refusal_and_buttons, show_refusal

FORMATS = {  # name → (file dialog filter, suffix)
    "MP4": ("MP4 video (*.mp4)", ".mp4"),
    "GIF": ("GIF animation (*.gif)", ".gif"),
    "PNG": ("PNG frames (a folder name, no extension) (*)", ""),
}
SCALES = (25, 50, 100, 200)


@dataclass
class ExportSettings:
    """What File ▸ Export writes; ``frame_range`` None means the timeline's in/out range."""

    format: str = "MP4"
    scale: int = 100  # percent of the working size
    overlay: bool = False  # draw the control points the model is given
    frame_range: tuple[int, int] | None = None

    def filter(self) -> str:
        return FORMATS[self.format][0]

    def size(self, width: int, height: int) -> tuple[int, int]:
        """The written size: even sides (H.264 needs them), at least 2 px."""

        def even(v: float) -> int:
            return max(2, int(round(v / 2.0)) * 2)

        return even(width * self.scale / 100.0), even(height * self.scale / 100.0)


def apply_settings(
    frames: NDArray[np.uint8], settings: ExportSettings, points: Any = None, scene: Any = None
) -> NDArray[np.uint8]:
    """``frames`` (the whole clip) cut to the range, with the overlay, at the export size."""
    import cv2

    from ..engine import draw_points

    first, last = settings.frame_range or (0, len(frames) - 1)
    out = np.array(frames[first : last + 1], copy=True)
    if settings.overlay and points is not None:
        for i, frame in enumerate(out):
            draw_points(frame, points[first + i], scene)
    h, w = out.shape[1:3]
    size = settings.size(w, h)
    if size != (w, h):
        shrink = size[0] < w
        mode = cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
        out = np.stack([cv2.resize(f, size, interpolation=mode) for f in out])
    return out


class ExportSettingsDialog(QDialog):
    """Format, size, overlay and frame range; :meth:`settings` reads them back."""

    def __init__(
        self,
        current: ExportSettings,
        frames: int,
        default_range: tuple[int, int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export settings")
        form = QFormLayout(self)
        self.format = QComboBox()
        self.format.addItems(list(FORMATS))
        self.format.setCurrentText(current.format)
        self.scale = QComboBox()
        for s in SCALES:
            self.scale.addItem(f"{s} %", s)
        self.scale.setCurrentIndex(SCALES.index(current.scale) if current.scale in SCALES else 2)
        self.overlay = QCheckBox("Draw the control points")
        self.overlay.setChecked(current.overlay)
        first, last = current.frame_range or default_range
        clip, inside = Limit(0, frames - 1, integer=True), f"the clip (0…{frames - 1})"
        self.first = TypedSpinBox(clip, first, "First frame", outside=inside)
        self.last = TypedSpinBox(clip, last, "Last frame", outside=inside)
        for label, w in (
            ("Format", self.format),
            ("Size", self.scale),
            ("Overlay", self.overlay),
            ("First frame", self.first),
            ("Last frame", self.last),
        ):
            form.addRow(label, w)
        self.error = refusal_and_buttons(self, form)
        self._default = default_range

    def accept(self) -> None:
        try:
            self.first.checked(), self.last.checked()
        except InputError as exc:
            show_refusal(self, self.error, str(exc))
            return
        super().accept()

    def settings(self) -> ExportSettings:
        span = (self.first.whole(), self.last.whole())
        if span[0] > span[1]:
            span = (span[1], span[0])
        return ExportSettings(
            format=self.format.currentText(),
            scale=int(self.scale.currentData()),
            overlay=self.overlay.isChecked(),
            frame_range=None if span == self._default else span,
        )
