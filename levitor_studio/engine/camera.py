"""The pinhole camera of the 3D view (``scene-model.md`` § Depth).

Pixel ``(x, y)`` at pseudo-depth ``z`` unprojects to camera space with the principal point at the
image centre and a vertical field of view ``fov``; projection is the exact inverse. Camera space
follows the image axes (x right, y down, z forward = away from the viewer), so a 3D view that
wants y up flips one axis itself. Only the 3D display and 3D dragging use this: the signal and the
generator never depend on ``fov``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray


@dataclass(frozen=True)
class PinholeCamera:
    """A camera for a ``width × height`` image with vertical field of view ``fov`` (degrees)."""

    width: int
    height: int
    fov: float = 50.0

    def __post_init__(self) -> None:
        if not 0.0 < self.fov < 180.0:
            raise ValueError(f"field of view must be in (0, 180) degrees, not {self.fov}")

    @classmethod
    def of_scene(cls, scene: Any) -> PinholeCamera:
        """The camera of a :class:`~levitor_studio.model.scene.Scene` (its size and ``fov``)."""
        return cls(int(scene.width), int(scene.height), float(scene.fov))

    @property
    def focal(self) -> float:
        """Focal length in pixels (square pixels: the same for x and y)."""
        return (self.height / 2.0) / math.tan(math.radians(self.fov) / 2.0)

    @property
    def centre(self) -> tuple[float, float]:
        """Principal point ``(cx, cy)``: the image centre, as in the original renderer."""
        return (self.width / 2.0, self.height / 2.0)

    def unproject(self, x: ArrayLike, y: ArrayLike, z: ArrayLike) -> NDArray[np.float64]:
        """Camera-space points ``(..., 3)`` of pixels ``(x, y)`` at pseudo-depth ``z``.

        Parameters
        ----------
        x, y
            Pixel coordinates (broadcastable).
        z
            Pseudo-depth, used as the camera-space Z.

        Returns
        -------
        ndarray, shape (..., 3)
            ``(X, Y, Z)`` with ``X = (x - cx) z / f``, ``Y = (y - cy) z / f``, ``Z = z``.
        """
        xa, ya, za = np.broadcast_arrays(
            np.asarray(x, np.float64), np.asarray(y, np.float64), np.asarray(z, np.float64)
        )
        cx, cy = self.centre
        f = self.focal
        return np.stack([(xa - cx) * za / f, (ya - cy) * za / f, za], axis=-1)

    def project(self, points: ArrayLike) -> NDArray[np.float64]:
        """Pixels ``(..., 3)`` as ``(x, y, z)`` of camera-space points ``(..., 3)``.

        Points at or behind the camera (``Z <= 0``) get ``nan`` pixel coordinates.
        """
        p = np.asarray(points, dtype=np.float64)
        if p.shape[-1] != 3:
            raise ValueError(f"points must have 3 coordinates in the last axis, not {p.shape}")
        z = p[..., 2]
        safe = np.where(z > 0, z, np.nan)
        cx, cy = self.centre
        f = self.focal
        return np.stack([p[..., 0] * f / safe + cx, p[..., 1] * f / safe + cy, z], axis=-1)

    def depth_image_points(self, depth: ArrayLike, step: int = 1) -> NDArray[np.float64]:
        """Camera-space points ``(h, w, 3)`` of every ``step``-th pixel of a depth map."""
        d = np.asarray(depth, dtype=np.float64)[::step, ::step]
        ys, xs = np.mgrid[0 : d.shape[0], 0 : d.shape[1]]
        return self.unproject(xs * step, ys * step, d)
