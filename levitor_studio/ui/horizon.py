"""The ground-plane heuristic's horizon, drawn on the image view and draggable.

Shown while the depth map is a ground-plane map (its horizon is read back from the map, so undo
moves the line too) and the heuristic is the chosen estimator. Dropping the line re-estimates
the depth map at the new horizon, object cards included, as one undoable step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ..backends.heuristic_depth import ground_plane_depth, horizon_of
from ..model.commands import SetDepthMap

if TYPE_CHECKING:
    from .image_view import ImageView

#: the horizon cannot be dragged closer than this to the top or bottom edge
MARGIN = 0.02


class HorizonLine:
    """A horizontal line at the heuristic's horizon; dragging it re-estimates depth."""

    def __init__(self, view: ImageView) -> None:
        self.view = view
        self.enabled = True
        pen = pg.mkPen(QColor(120, 220, 255), width=1.5, style=Qt.PenStyle.DashLine)
        self.line = pg.InfiniteLine(
            angle=0,
            movable=True,
            pen=pen,
            hoverPen=pg.mkPen(QColor(160, 240, 255), width=3),
            label="horizon (drag to re-estimate depth)",
            labelOpts={"position": 0.08, "color": (160, 230, 255), "anchors": [(0, 1), (0, 1)]},
        )
        self.line.setZValue(45)
        self.line.setToolTip("The ground plane's horizon: drag it to where the floor meets the sky")
        view.vb.addItem(self.line, ignoreBounds=True)
        self.line.sigPositionChangeFinished.connect(lambda _l: self.dropped())
        self.sync()

    def set_enabled(self, on: bool) -> None:
        """Shown only while the heuristic is the depth estimator."""
        self.enabled = on
        self.sync()

    def fraction(self) -> float | None:
        return horizon_of(self.view.doc.scene.depth)

    def sync(self) -> None:
        scene = self.view.doc.scene
        horizon = self.fraction()
        self.line.setVisible(self.enabled and horizon is not None)
        if horizon is not None:
            self.line.blockSignals(True)
            self.line.setPos(horizon * (scene.height - 1))
            self.line.blockSignals(False)

    def drop_at(self, y: float) -> bool:
        """Re-estimate the depth map with the horizon at working row ``y`` (one undo step)."""
        doc = self.view.doc
        scene = doc.scene
        fraction = min(max(y / (scene.height - 1), MARGIN), 1.0 - MARGIN)
        depth = ground_plane_depth(
            scene.height, scene.width, [o.mask for o in scene.objects], fraction
        )
        command = SetDepthMap(depth)
        command.label = "Move horizon"
        pushed = doc.push(command)
        if pushed:
            doc.message.emit(f"Horizon at {fraction:.0%} of the height: depth re-estimated")
        self.sync()
        return pushed

    def dropped(self) -> None:
        self.drop_at(float(self.line.value()))
