"""Vector overlays of the image view: mask outlines, per-frame object placement, read-outs.

Masks become ``QPainterPath`` outlines once per mask edit; placing an object at a frame is then a
``QTransform`` made from the engine's placement (:func:`levitor_studio.engine.placement.pose`),
so tinting and onion-skinning cost nothing per frame and match the render exactly.
:func:`depth_readout` is the one sentence the image view and the inspector both show while
depth is being changed.

The camera track moves the picture under the overlays, so every overlay point is seen through
the playhead's camera (:class:`CameraView`) with its own depth, as
:func:`levitor_studio.engine.camera_move.reproject` moves the rendered pixels: a card at depth
``z`` maps by the homography ``K Rᵀ (z K⁻¹ − c e₃ᵀ)`` (``K Rᵀ K⁻¹`` at the far plane), paths
and key handles point by point. :meth:`CameraView.from_view` is the exact inverse on the plane
of a given depth, so a click or drag on what is drawn lands on the key or pixel drawn there.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import ArrayLike, NDArray
from PySide6.QtCore import QPointF
from PySide6.QtGui import QPainterPath, QPolygonF, QTransform

from ..engine.camera import PinholeCamera
from ..engine.camera_move import CameraPose, reproject
from ..engine.placement import Pose, chain_pose, object_paths, object_pose, pose
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


def pose_transform(at: Pose) -> QTransform:
    """The pose as a ``QTransform`` (frame-0 pixels → where they are drawn)."""
    m = at.matrix()
    # QTransform(m11, m12, m21, m22, dx, dy) maps (x, y) to (m11 x + m21 y + dx, m12 x + m22 y + dy)
    return QTransform(m[0, 0], m[1, 0], m[0, 1], m[1, 1], m[0, 2], m[1, 2])


def placement(path: NDArray[np.float64], frame: int) -> QTransform:
    """Frame-0 pixels → pixels at ``frame`` (a frame past either end shows the nearest one)."""
    return pose_transform(pose(path, min(max(frame, 0), len(path) - 1)))


def object_poses(scene: Scene, obj: SceneObject) -> list[Pose]:
    """The object's pose on every frame, its parents followed (what the render draws)."""
    paths = object_paths(scene, obj)
    return [chain_pose(paths, t) for t in range(scene.frames)]


def key_to_view(
    scene: Scene, obj: SceneObject, frame: int, view: CameraView
) -> tuple[float, float]:
    """Where the handle of ``obj``'s key at ``frame`` is drawn: the key (in its parent's frame-0
    space) carried by its parents at that frame, then seen through ``view`` (nan: behind)."""
    at = object_pose(scene, obj, frame)
    x, y = view.to_view(at.anchor[0], at.anchor[1], at.depth)
    return float(x), float(y)


def key_from_view(
    scene: Scene, obj: SceneObject, frame: int, x: float, y: float, view: CameraView
) -> tuple[float, float]:
    """Inverse of :func:`key_to_view` at the key's depth: the key ``(x, y)`` whose handle is
    drawn at view position ``(x, y)`` (nan where that is behind the camera)."""
    at = object_pose(scene, obj, frame)
    wx, wy = view.from_view(x, y, at.depth)
    for parent in reversed([pose(scene.motion(o), frame) for o in scene.ancestors(obj)]):
        wx, wy = parent.invert(wx, wy)  # outermost parent first
    return float(wx), float(wy)


@dataclass(frozen=True)
class CameraView:
    """The playhead frame's camera as the overlays apply it; ``at`` is None when it stands
    still (frame 0's camera), and every mapping is then the identity."""

    cam: PinholeCamera
    at: CameraPose | None
    row: tuple[float, ...] = ()

    @classmethod
    def of(cls, scene: Scene, frame: int) -> CameraView:
        path = scene.camera_path()
        row = path[min(max(frame, 0), len(path) - 1)]
        at = CameraPose.of_row(row)
        return cls(PinholeCamera.of_scene(scene), None if at.still else at, tuple(map(float, row)))

    def to_view(
        self, x: ArrayLike, y: ArrayLike, z: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Where placed points ``(x, y)`` at depth ``z`` are drawn (nan behind the camera)."""
        if self.at is None:
            xs, ys, _ = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(y, np.float64), z)
            return xs.astype(np.float64), ys.astype(np.float64)
        nx, ny, _ = reproject(self.cam, self.at, x, y, z)
        return nx, ny

    def from_view(
        self, x: ArrayLike, y: ArrayLike, z: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The placed pixel at depth ``z`` that is drawn at view position ``(x, y)``: the view
        ray met with the plane ``Z = z`` (nan where it meets it behind the camera)."""
        if self.at is None:
            xs, ys, _ = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(y, np.float64), z)
            return xs.astype(np.float64), ys.astype(np.float64)
        za = np.asarray(z, np.float64)
        ray = self.cam.unproject(x, y, 1.0) @ self.at.rotation.T  # R K⁻¹ [x, y, 1]
        far = za >= 1.0
        origin_z = np.where(far, 0.0, self.at.centre[2])
        with np.errstate(divide="ignore", invalid="ignore"):
            s = (za - origin_z) / ray[..., 2]
        s = np.where(s > 0, s, np.nan)
        px = np.where(far, 0.0, self.at.centre[0]) + s * ray[..., 0]
        py = np.where(far, 0.0, self.at.centre[1]) + s * ray[..., 1]
        cx, cy = self.cam.centre
        f = self.cam.focal
        return px * f / za + cx, py * f / za + cy

    def homography(self, z: float) -> NDArray[np.float64]:
        """``3 × 3``: placed pixels of the plane at depth ``z`` → view pixels (homogeneous)."""
        if self.at is None:
            return np.eye(3)
        f = self.cam.focal
        cx, cy = self.cam.centre
        k = np.array([[f, 0.0, cx], [0.0, f, cy], [0.0, 0.0, 1.0]])
        k_inv = np.linalg.inv(k)
        rt = self.at.rotation.T
        if z >= 1.0:
            return np.asarray(k @ rt @ k_inv, np.float64)
        return np.asarray(k @ rt @ (z * k_inv - np.outer(self.at.centre, [0.0, 0.0, 1.0])))

    def transform(self, z: float) -> QTransform:
        """:meth:`homography` as a (projective) ``QTransform``."""
        h = self.homography(z)
        return QTransform(
            h[0, 0], h[1, 0], h[2, 0], h[0, 1], h[1, 1], h[2, 1], h[0, 2], h[1, 2], h[2, 2]
        )

    def in_front(self, x: ArrayLike, y: ArrayLike, z: float) -> bool:
        """Whether all placed points ``(x, y)`` at depth ``z`` lie in front of the camera."""
        if self.at is None:
            return True
        nx, _ = self.to_view(x, y, z)
        return bool(np.isfinite(nx).all())


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


def to_frame0(
    path: NDArray[np.float64], frame: int, x: float, y: float, view: CameraView | None = None
) -> tuple[float, float]:
    """Inverse of :func:`placement` (then of ``view``'s camera, at the object's depth there):
    where a point seen at ``frame`` lies on the frame-0 mask."""
    return pose_to_frame0(pose(path, min(max(frame, 0), len(path) - 1)), x, y, view)


def pose_to_frame0(
    at: Pose, x: float, y: float, view: CameraView | None = None
) -> tuple[float, float]:
    """Where a point drawn at ``(x, y)`` by pose ``at`` (seen through ``view``) lies on the
    frame-0 mask."""
    if view is not None:
        vx, vy = view.from_view(x, y, at.depth)
        x, y = float(vx), float(vy)
    fx, fy = at.invert(x, y)
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
