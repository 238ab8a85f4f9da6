"""Where an object's frame-0 pixels are drawn at frame ``t``: the placement formula, once.

``scene-model.md``: pixel ``p`` of an object is drawn at ``anchor_t + s_t · (p − anchor_0)``
with ``s_t = z_0 / z_t``, where ``(anchor_t, z_t)`` is row ``t`` of the object's interpolated
path (:meth:`~levitor_studio.model.scene.Scene.trajectory`; row 0 is the rest pose). The mask
renderer and the preview (:mod:`.render`, :mod:`.preview`), the image view's outlines
(``ui/overlays.py``) and the 3D view's clouds (``ui/viewport3d/geometry.py``) all take this
:class:`Pose`, so they cannot drift apart. Rotation, stretch, the camera and parents extend
:func:`pose` (and :class:`Pose` gains a 2×2 linear part); callers that use :meth:`Pose.apply`,
:meth:`Pose.invert` and :meth:`Pose.matrix` keep working unchanged.

The objects' frame-0 footprint (the union of their masks, vacated in every frame) is
:meth:`Scene.objects_mask`, re-exported here as :func:`footprint`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..model.scene import Scene

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class Pose:
    """One object at one frame: ``p ↦ anchor + scale · (p − anchor0)``."""

    anchor0: tuple[float, float]
    anchor: tuple[float, float]
    scale: float
    depth: float

    def apply(self, x: ArrayLike, y: ArrayLike) -> tuple[F64, F64]:
        """Frame-0 pixel coordinates → where they are drawn (x and y may differ in shape)."""
        (ax, ay), (bx, by), s = self.anchor, self.anchor0, self.scale
        return (
            np.asarray(ax + s * (np.asarray(x, np.float64) - bx), np.float64),
            np.asarray(ay + s * (np.asarray(y, np.float64) - by), np.float64),
        )

    def invert(self, x: ArrayLike, y: ArrayLike) -> tuple[F64, F64]:
        """Drawn coordinates → the frame-0 pixel seen there (inverse of :meth:`apply`)."""
        (ax, ay), (bx, by), s = self.anchor, self.anchor0, self.scale
        return (
            np.asarray((np.asarray(x, np.float64) - ax) / s + bx, np.float64),
            np.asarray((np.asarray(y, np.float64) - ay) / s + by, np.float64),
        )

    def matrix(self) -> F64:
        """The 2×3 affine matrix of :meth:`apply` (for ``cv2.warpAffine`` and ``QTransform``)."""
        (ax, ay), (bx, by), s = self.anchor, self.anchor0, self.scale
        return np.array([[s, 0.0, ax - s * bx], [0.0, s, ay - s * by]])


def pose(path: ArrayLike, t: int) -> Pose:
    """The object's pose at frame ``t`` from its interpolated path ``(F, 3)`` of ``(x, y, z)``.

    Parameters
    ----------
    path
        :meth:`Scene.trajectory` of the object; row 0 is its rest pose.
    t
        Frame number, ``0 … F-1``.
    """
    p = np.asarray(path, np.float64)
    x0, y0, z0 = (float(v) for v in p[0])
    xt, yt, zt = (float(v) for v in p[t])
    return Pose((x0, y0), (xt, yt), z0 / zt, zt)


def footprint(scene: Scene) -> NDArray[np.bool_]:
    """The objects' frame-0 footprint: the union of their masks."""
    return scene.objects_mask()
