"""Vector overlays of the image view: mask outlines, per-frame object placement, read-outs.

Masks become ``QPainterPath`` outlines once per mask edit; placing an object at a frame is then a
``QTransform`` made from the engine's placement (:func:`levitor_studio.engine.placement.pose`),
so tinting and onion-skinning cost nothing per frame and match the render exactly. :func:`depth_readout` is the one sentence the image
view and the inspector both show while depth is being changed.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QPointF
from PySide6.QtGui import QPainterPath, QPolygonF, QTransform

from ..engine.placement import pose
from ..model.depth_units import NO_DEPTH_FROM, artist_depth, in_no_depth_band, technical_depth
from ..model.scene import Scene, SceneObject


def mask_path(mask: NDArray[np.bool_]) -> QPainterPath:
    """The outline of a binary mask (holes included) in pixel-edge coordinates."""
    path = QPainterPath()
    path.setFillRule(path.fillRule().OddEvenFill)
    if not mask.any():
        return path
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    for contour in contours:
        pts = contour.reshape(-1, 2).astype(np.float64) + 0.5  # pixel centres
        if len(pts) < 3:
            # a one- or two-pixel sliver: its bounding square keeps it visible
            x0, y0 = pts.min(axis=0) - 0.5
            x1, y1 = pts.max(axis=0) + 0.5
            path.addRect(float(x0), float(y0), float(x1 - x0), float(y1 - y0))
            continue
        path.addPolygon(QPolygonF([QPointF(float(x), float(y)) for x, y in pts]))
        path.closeSubpath()
    return path


def placement(path: NDArray[np.float64], frame: int) -> QTransform:
    """Frame-0 pixels → pixels at ``frame`` (a frame past either end shows the nearest one)."""
    m = pose(path, min(max(frame, 0), len(path) - 1)).matrix()
    # QTransform(m11, m12, m21, m22, dx, dy) maps (x, y) to (m11 x + m21 y + dx, m12 x + m22 y + dy)
    return QTransform(m[0, 0], m[1, 0], m[0, 1], m[1, 1], m[0, 2], m[1, 2])


def depth_readout(scene: Scene, obj: SceneObject, z: float) -> tuple[str, bool]:
    """``("distance ×2.00 (50 %) · z 0.42 · model 2/255", warn)`` for a key of ``obj`` at ``z``.

    Artist units first (relative to the object's rest), the pseudo-depth and the model's
    channel value after them (``scene-model.md`` § What a person reads).
    """
    warn = in_no_depth_band(z)
    text = f"distance {artist_depth(z, scene.rest_depth(obj))} · {technical_depth(z)}"
    if warn:
        text += f"  ⚠ z > {NO_DEPTH_FROM:.2f}: the model reads this as 'no depth'"
    return text, warn


def to_frame0(path: NDArray[np.float64], frame: int, x: float, y: float) -> tuple[float, float]:
    """Inverse of :func:`placement`: where a point seen at ``frame`` lies on the frame-0 mask."""
    fx, fy = pose(path, min(max(frame, 0), len(path) - 1)).invert(x, y)
    return float(fx), float(fy)


def paint_disc(
    mask: NDArray[np.bool_], x: float, y: float, radius: float, value: bool
) -> NDArray[np.bool_]:
    """A copy of ``mask`` with a filled disc set to ``value`` (the brush)."""
    out = mask.copy()
    h, w = out.shape
    r = max(radius, 0.5)
    x0, x1 = max(int(np.floor(x - r)), 0), min(int(np.ceil(x + r)) + 1, w)
    y0, y1 = max(int(np.floor(y - r)), 0), min(int(np.ceil(y + r)) + 1, h)
    if x0 >= x1 or y0 >= y1:
        return out
    yy, xx = np.mgrid[y0:y1, x0:x1]
    disc = (xx + 0.5 - x) ** 2 + (yy + 0.5 - y) ** 2 <= r * r
    out[y0:y1, x0:x1][disc] = value
    return out
