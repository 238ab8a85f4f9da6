"""Where an object's frame-0 pixels are drawn at frame ``t``: the placement formula, once.

``scene-model.md``: pixel ``p`` of an object is drawn at
``anchor_t + s_t · S_t · Rot(angle_t) · (p − anchor_0)`` with ``s_t = z_0 / z_t``, where
``(anchor_t, z_t, angle_t, S_t)`` is row ``t`` of the object's interpolated path
(:meth:`~levitor_studio.model.scene.Scene.motion`; row 0 is the rest pose). The mask
renderer and the preview (:mod:`.render`, :mod:`.preview`), the image view's outlines
(``ui/overlays.py``) and the 3D view's clouds (``ui/viewport3d/geometry.py``) all take this
:class:`Pose`, so they cannot drift apart. The camera and parents extend :func:`pose` further.

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
    """One object at one frame: ``p ↦ anchor + L · (p − anchor0)``.

    ``L = scale · S · Rot(angle)`` with ``S = diag(stretch)``; ``Rot`` turns counter-clockwise
    on screen (y points down). Without rotation and stretch ``L`` is ``scale · I``, and the
    arithmetic is exactly the uniform-scale formula's.
    """

    anchor0: tuple[float, float]
    anchor: tuple[float, float]
    scale: float
    depth: float
    angle: float = 0.0
    stretch: tuple[float, float] = (1.0, 1.0)

    @property
    def axis_aligned(self) -> bool:
        """True when ``L`` is diagonal (no rotation): x and y map separately."""
        return self.angle % 360.0 == 0.0

    def linear(self) -> F64:
        """The 2×2 linear part ``L``."""
        sx, sy = self.stretch
        if self.axis_aligned:
            return np.array([[self.scale * sx, 0.0], [0.0, self.scale * sy]])
        a = np.deg2rad(self.angle)
        c, s = np.cos(a), np.sin(a)
        rot = np.array([[c, s], [-s, c]])  # counter-clockwise on screen, y down
        return np.asarray(self.scale * np.diag([sx, sy]) @ rot, np.float64)

    def apply(self, x: ArrayLike, y: ArrayLike) -> tuple[F64, F64]:
        """Frame-0 pixel coordinates → where they are drawn.

        x and y may differ in shape when the pose is :attr:`axis_aligned`; otherwise they
        broadcast against each other.
        """
        (ax, ay), (bx, by) = self.anchor, self.anchor0
        xs, ys = np.asarray(x, np.float64), np.asarray(y, np.float64)
        if self.axis_aligned:
            kx, ky = self.scale * self.stretch[0], self.scale * self.stretch[1]
            return np.asarray(ax + kx * (xs - bx), np.float64), np.asarray(
                ay + ky * (ys - by), np.float64
            )
        m = self.linear()
        dx, dy = xs - bx, ys - by
        return (
            np.asarray(ax + m[0, 0] * dx + m[0, 1] * dy, np.float64),
            np.asarray(ay + m[1, 0] * dx + m[1, 1] * dy, np.float64),
        )

    def invert(self, x: ArrayLike, y: ArrayLike) -> tuple[F64, F64]:
        """Drawn coordinates → the frame-0 pixel seen there (inverse of :meth:`apply`)."""
        (ax, ay), (bx, by) = self.anchor, self.anchor0
        xs, ys = np.asarray(x, np.float64), np.asarray(y, np.float64)
        if self.axis_aligned:
            kx, ky = self.scale * self.stretch[0], self.scale * self.stretch[1]
            return np.asarray((xs - ax) / kx + bx, np.float64), np.asarray(
                (ys - ay) / ky + by, np.float64
            )
        m = np.linalg.inv(self.linear())
        dx, dy = xs - ax, ys - ay
        return (
            np.asarray(bx + m[0, 0] * dx + m[0, 1] * dy, np.float64),
            np.asarray(by + m[1, 0] * dx + m[1, 1] * dy, np.float64),
        )

    def matrix(self) -> F64:
        """The 2×3 affine matrix of :meth:`apply` (for ``cv2.warpAffine`` and ``QTransform``)."""
        (ax, ay), (bx, by) = self.anchor, self.anchor0
        m = self.linear()
        if self.axis_aligned:
            return np.array([[m[0, 0], 0.0, ax - m[0, 0] * bx], [0.0, m[1, 1], ay - m[1, 1] * by]])
        off = np.array([ax, ay]) - m @ np.array([bx, by])
        return np.array([[m[0, 0], m[0, 1], off[0]], [m[1, 0], m[1, 1], off[1]]])


def pose(path: ArrayLike, t: int) -> Pose:
    """The object's pose at frame ``t`` from its interpolated path.

    Parameters
    ----------
    path
        :meth:`Scene.motion` ``(F, 6)`` of ``(x, y, z, angle, sx, sy)``, or
        :meth:`Scene.trajectory` ``(F, 3)`` (no rotation or stretch); row 0 is the rest pose.
        Angle and stretch count relative to row 0 (normally 0 and [1, 1]), as the depth scale
        does, so that frame 0 always shows the source image.
    t
        Frame number, ``0 … F-1``.
    """
    p = np.asarray(path, np.float64)
    x0, y0, z0 = (float(v) for v in p[0, :3])
    xt, yt, zt = (float(v) for v in p[t, :3])
    if p.shape[1] < 6:
        return Pose((x0, y0), (xt, yt), z0 / zt, zt)
    angle = float(p[t, 3] - p[0, 3])
    stretch = (float(p[t, 4] / p[0, 4]), float(p[t, 5] / p[0, 5]))
    return Pose((x0, y0), (xt, yt), z0 / zt, zt, angle, stretch)


def footprint(scene: Scene) -> NDArray[np.bool_]:
    """The objects' frame-0 footprint: the union of their masks."""
    return scene.objects_mask()
