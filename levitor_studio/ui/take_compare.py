"""Comparing two takes: side by side, or one wiped over the other, at the playhead's frame.

Both videos are decoded in the background (:func:`levitor_studio.engine.takes.read_frames`);
the frame slider and the document's playhead follow each other, so the timeline scrubs both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QSlider, QVBoxLayout

from ..model.takes import Take

if TYPE_CHECKING:
    from .document import Document
    from .work import WorkController

MODES = ("Side by side", "Wipe")


def side_by_side(a: NDArray[np.uint8], b: NDArray[np.uint8]) -> NDArray[np.uint8]:
    return np.concatenate([a, b], axis=1)


def wipe(a: NDArray[np.uint8], b: NDArray[np.uint8], fraction: float) -> NDArray[np.uint8]:
    """``a`` left of the wipe line at ``fraction`` of the width, ``b`` right of it."""
    out = b.copy()
    x = int(round(fraction * a.shape[1]))
    out[:, :x] = a[:, :x]
    return out


class CompareDialog(QDialog):
    """Two takes of one project, compared frame by frame."""

    loaded = Signal()

    def __init__(self, doc: Document, a: Take, b: Take, work: WorkController, parent: Any = None):
        super().__init__(parent)
        self.setObjectName("take_compare")
        self.setWindowTitle(f"Compare {a.label}  |  {b.label}")
        self.doc, self.takes = doc, (a, b)
        self.frames: tuple[NDArray[np.uint8], NDArray[np.uint8]] | None = None
        self.mode = QComboBox()
        self.mode.addItems(MODES)
        self.wipe = QSlider(Qt.Orientation.Horizontal)
        self.wipe.setRange(0, 100)
        self.wipe.setValue(50)
        self.frame = QSlider(Qt.Orientation.Horizontal)
        self.frame.setRange(0, max(int(a.record["frames"]), int(b.record["frames"])) - 1)
        self.frame.setValue(doc.frame)
        self.image = QLabel("decoding both takes…")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption = QLabel(f"left: {a.label} ({a.id})    right: {b.label} ({b.id})")
        top = QHBoxLayout()
        for w in (QLabel("Mode"), self.mode, QLabel("Wipe"), self.wipe):
            top.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.image, 1)
        layout.addWidget(self.caption)
        layout.addWidget(self.frame)
        self.mode.currentIndexChanged.connect(lambda _i: self.redraw())
        self.wipe.valueChanged.connect(lambda _v: self.redraw())
        self.frame.valueChanged.connect(doc.set_frame)
        doc.frameChanged.connect(self._follow)
        handle = work.runner.submit("decode takes", lambda task: self._decode())
        if handle is not None:
            handle.finished.connect(self._loaded)
            handle.failed.connect(lambda msg: self.image.setText(f"cannot compare: {msg}"))

    def _decode(self) -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
        from ..engine.takes import read_frames

        return read_frames(self.takes[0]), read_frames(self.takes[1])

    def _loaded(self, frames: tuple[NDArray[np.uint8], NDArray[np.uint8]]) -> None:
        self.frames = frames
        self.redraw()
        self.loaded.emit()

    def _follow(self, frame: int) -> None:
        self.frame.blockSignals(True)
        self.frame.setValue(frame)
        self.frame.blockSignals(False)
        self.redraw()

    def composed(self) -> NDArray[np.uint8] | None:
        """The picture shown now, or None until both takes are decoded."""
        if self.frames is None:
            return None
        fa, fb = self.frames
        t = self.frame.value()
        a, b = fa[min(t, len(fa) - 1)], fb[min(t, len(fb) - 1)]
        if self.mode.currentIndex() == 0 or a.shape != b.shape:
            return side_by_side(a, b) if a.shape[0] == b.shape[0] else a
        return wipe(a, b, self.wipe.value() / 100)

    def redraw(self) -> None:
        self.wipe.setEnabled(self.mode.currentIndex() == 1)
        image = self.composed()
        if image is None:
            return
        h, w = image.shape[:2]
        data = np.ascontiguousarray(image)
        qimage = QImage(data.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
        pixmap = QPixmap.fromImage(qimage)
        if self.mode.currentIndex() == 1:  # the wipe line, drawn over the picture only
            painter = QPainter(pixmap)
            painter.setPen(QColor(255, 255, 255))
            x = int(round(self.wipe.value() / 100 * w))
            painter.drawLine(x, 0, x, h - 1)
            painter.end()
        self.image.setPixmap(pixmap)
