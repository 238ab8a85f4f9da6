"""Zoom and pan of the image view: fit, 100 %, a zoom read-out (issue 15 item 9).

Ctrl+wheel zooms about the cursor and a middle drag pans (pyqtgraph's view box does both once
the tools leave the event to it); the plain wheel stays the depth of a key under the cursor and
zooms elsewhere. :class:`ViewZoom` adds the commands an artist expects from Blender or After
Effects: fit the image (F), actual pixels (100 %), and the current zoom as a percentage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from .image_view import ImageView

FIT_PADDING = 0.02


class ViewZoom(QObject):
    """Zoom commands and the read-out of one :class:`ImageView`."""

    changed = Signal(float)  # screen pixels per image pixel, as a percentage

    def __init__(self, view: ImageView) -> None:
        super().__init__(view)
        self.view = view
        view.vb.sigRangeChanged.connect(lambda *_: self.changed.emit(self.percent()))

    def percent(self) -> float:
        """Screen pixels per working pixel × 100 (the same both ways: the aspect is locked)."""
        vb = self.view.vb
        (x0, x1), _ = vb.viewRange()
        width = vb.width()
        return 100.0 * width / (x1 - x0) if x1 > x0 and width > 0 else 100.0

    def fit(self) -> None:
        """The whole image in view."""
        scene = self.view.doc.scene
        self.view.vb.setRange(
            xRange=(0, scene.width), yRange=(0, scene.height), padding=FIT_PADDING
        )

    def actual_size(self) -> None:
        """One working pixel per screen pixel, about the centre of the view."""
        vb = self.view.vb
        (x0, x1), (y0, y1) = vb.viewRange()
        cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
        half_w, half_h = vb.width() / 2.0, vb.height() / 2.0
        vb.setRange(
            xRange=(cx - half_w, cx + half_w), yRange=(cy - half_h, cy + half_h), padding=0.0
        )

    def text(self) -> str:
        return f"Zoom {self.percent():.0f} %"
