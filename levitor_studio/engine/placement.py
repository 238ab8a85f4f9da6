"""Where an object's frame-0 pixels are drawn at frame ``t``: the placement formula, once.

``scene-model.md``: pixel ``p`` of an object is drawn at
``anchor_t + s_t · S_t · Rot(angle_t) · (p − anchor_0)`` with ``s_t = z_0 / z_t``, where
``(anchor_t, z_t, angle_t, S_t)`` is row ``t`` of the object's interpolated path
(:meth:`~levitor_studio.model.scene.Scene.motion`; row 0 is the rest pose). The mask
renderer and the preview (:mod:`.render`, :mod:`.preview`), the image view's outlines
(``ui/overlays.py``) and the 3D view's clouds (``ui/viewport3d/geometry.py``) all take this
:class:`Pose`, so they cannot drift apart. An object that follows a parent composes the
parent's pose at ``t`` after its own (:func:`compose`, :func:`object_pose`). The camera extends
this further.

The objects' frame-0 footprint (the union of their masks, vacated in every frame) is
:meth:`Scene.objects_mask`, re-exported here as :func:`footprint`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..model.scene import Scene, SceneObject

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
    #: a parent's stretch and turn applied after this pose's own (row-major 2×2), if any
    outer: tuple[float, float, float, float] | None = None

    @property
    def axis_aligned(self) -> bool:
        """True when ``L`` is diagonal (no rotation): x and y map separately."""
        if self.outer is not None and (self.outer[1] != 0.0 or self.outer[2] != 0.0):
            return False
        return self.angle % 360.0 == 0.0

    def shape(self) -> F64:
        """``L / scale``: the stretch and turn, the parents' included."""
        sx, sy = self.stretch
        own = np.diag([sx, sy])
        if self.angle % 360.0 != 0.0:
            a = np.deg2rad(self.angle)
            c, s = np.cos(a), np.sin(a)
            own = own @ np.array([[c, s], [-s, c]])  # counter-clockwise on screen, y down
        if self.outer is not None:
            own = np.reshape(self.outer, (2, 2)) @ own
        return np.asarray(own, np.float64)

    def linear(self) -> F64:
        """The 2×2 linear part ``L``."""
        if self.axis_aligned:
            sh = self.shape()
            return np.array([[self.scale * sh[0, 0], 0.0], [0.0, self.scale * sh[1, 1]]])
        return np.asarray(self.scale * self.shape(), np.float64)

    def _diagonal(self) -> tuple[float, float]:
        sx, sy = self.stretch
        if self.outer is not None:
            sx, sy = sx * self.outer[0], sy * self.outer[3]
        return self.scale * sx, self.scale * sy

    def apply(self, x: ArrayLike, y: ArrayLike) -> tuple[F64, F64]:
        """Frame-0 pixel coordinates → where they are drawn.

        x and y may differ in shape when the pose is :attr:`axis_aligned`; otherwise they
        broadcast against each other.
        """
        (ax, ay), (bx, by) = self.anchor, self.anchor0
        xs, ys = np.asarray(x, np.float64), np.asarray(y, np.float64)
        if self.axis_aligned:
            kx, ky = self._diagonal()
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
            kx, ky = self._diagonal()
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


def compose(parent: Pose, child: Pose) -> Pose:
    """The child's own pose followed by its parent's (``scene-model.md`` § Parents).

    The child's anchor is carried by the parent's similarity, its stretch and turn are followed
    by the parent's, its scale multiplies the parent's, and its depth becomes
    ``z_child,t · z_parent,t / z_parent,0`` (``z_parent,0 = scale · depth`` of the parent).
    """
    ax, ay = parent.apply(child.anchor[0], child.anchor[1])
    sh = parent.shape()
    return Pose(
        child.anchor0,
        (float(ax), float(ay)),
        child.scale * parent.scale,
        child.depth / parent.scale,
        child.angle,
        child.stretch,
        (float(sh[0, 0]), float(sh[0, 1]), float(sh[1, 0]), float(sh[1, 1])),
    )


def chain_pose(paths: Sequence[ArrayLike], t: int) -> Pose:
    """The pose at ``t`` of an object whose own path is ``paths[0]`` and whose parent's,
    grand-parent's, … paths follow (:func:`object_paths`)."""
    out = pose(paths[0], t)
    for parent in paths[1:]:
        out = compose(pose(parent, t), out)
    return out


def object_paths(scene: Scene, obj: SceneObject) -> list[F64]:
    """The object's :meth:`Scene.motion`, then those of its parent, grand-parent, …"""
    return [scene.motion(o) for o in (obj, *scene.ancestors(obj))]


def object_pose(scene: Scene, obj: SceneObject, t: int) -> Pose:
    """Where ``obj`` is drawn at frame ``t``, its parents followed."""
    return chain_pose(object_paths(scene, obj), t)


def footprint(scene: Scene) -> NDArray[np.bool_]:
    """The objects' frame-0 footprint: the union of their masks."""
    return scene.objects_mask()
