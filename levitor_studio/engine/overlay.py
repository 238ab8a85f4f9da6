"""Drawing the control points on a frame, so users see what the model will be told.

A point is ``[row, col, instance_id, depth_0_255]`` (the original demo's keypoint format). Its
colour says its id (an object's own colour for ids 1..N, a stable generated hue for static
segments) and its size says its depth channel value: larger = nearer; value 0 ("no depth") is
drawn smallest, with a hollow centre.
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

#: radius of a point with depth value 0 and with 255, pixels
RADIUS_FAR = 3
RADIUS_NEAR = 9


def id_colour(instance_id: int, scene: Any = None) -> tuple[int, int, int]:
    """RGB colour of an instance id: the object's colour, else a golden-ratio hue."""
    if scene is not None and 1 <= instance_id <= len(scene.objects):
        r, g, b = scene.objects[instance_id - 1].color
        return (int(r), int(g), int(b))
    hue = (instance_id * 0.618033988749895) % 1.0
    r, g, b = colorsys.hsv_to_rgb(hue, 0.55, 0.95)
    return (round(r * 255), round(g * 255), round(b * 255))


def point_radius(depth_value: float) -> int:
    """Drawn radius for a 0..255 depth channel value (nearer = larger)."""
    v = min(max(float(depth_value), 0.0), 255.0)
    return int(round(RADIUS_FAR + (RADIUS_NEAR - RADIUS_FAR) * v / 255.0))


def draw_points(
    frame: NDArray[np.uint8], points: Sequence[Sequence[float]], scene: Any = None
) -> NDArray[np.uint8]:
    """Draw ``points`` on ``frame`` (RGB, in place) and return it.

    Parameters
    ----------
    frame
        ``(H, W, 3)`` uint8 image, modified in place.
    points
        ``[row, col, instance_id, depth_0_255]`` per point; points outside the frame are skipped.
    scene
        Gives the objects' colours; optional.
    """
    h, w = frame.shape[:2]
    for p in points:
        row, col, iid, dv = int(p[0]), int(p[1]), int(p[2]), float(p[3])
        if not (0 <= row < h and 0 <= col < w):
            continue
        r = point_radius(dv)
        colour = id_colour(iid, scene)
        cv2.circle(frame, (col, row), r + 1, (20, 20, 20), -1, cv2.LINE_AA)
        cv2.circle(frame, (col, row), r, colour, -1, cv2.LINE_AA)
        if dv <= 0:
            cv2.circle(frame, (col, row), max(r - 2, 1), (20, 20, 20), -1, cv2.LINE_AA)
    return frame
