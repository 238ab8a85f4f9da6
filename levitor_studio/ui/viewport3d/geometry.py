"""What the 3D viewport draws, as numpy arrays: no Qt, no VTK.

World space is the scene camera's space (:class:`~levitor_studio.engine.camera.PinholeCamera`):
x right, y down, z forward, camera at the origin, and a point's world Z *is* its pseudo-depth
(distance = z, unit scale; the projection is scale-free, so any other unit would only rescale the
whole view). The depth-exaggeration slider acts in display space only, *along camera rays*:
``z_d = ref · (z / ref) ** gain`` about the median scene depth ``ref``, so every point stays on
its own pixel's ray and the view through the image camera is unchanged by the slider. Objects are
drawn as the engine draws them: a flat card at ``z_t`` placed by
:func:`levitor_studio.engine.placement.pose`; their frame-0 footprint
(:func:`~levitor_studio.engine.placement.footprint`) is left out of the background cloud. Dragging maps a view ray back to a key: parallel to the image plane (the plane
``Z = const`` through the handle) or along the key's own camera ray.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ...engine.camera import PinholeCamera
from ...engine.placement import object_pose
from ...model.depth_units import Z_MAX, Z_MIN
from ...model.keyframes import Keyframe
from ...model.scene import Scene, SceneObject

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class DepthDisplay:
    """Depth exaggeration along camera rays: ``z_d = ref · (z / ref) ** gain``."""

    ref: float = 0.5
    gain: float = 1.0

    @classmethod
    def of_scene(cls, scene: Scene, gain: float = 1.0) -> DepthDisplay:
        return cls(float(np.median(scene.depth_map())), float(gain))

    def to_display(self, z: NDArray[np.floating] | float) -> F64:
        return np.asarray(self.ref * (np.asarray(z, np.float64) / self.ref) ** self.gain)

    def from_display(self, zd: NDArray[np.floating] | float) -> F64:
        return np.asarray(self.ref * (np.asarray(zd, np.float64) / self.ref) ** (1.0 / self.gain))


def world(cam: PinholeCamera, disp: DepthDisplay, x: object, y: object, z: object) -> F64:
    """World points ``(..., 3)`` of pixels ``(x, y)`` at pseudo-depth ``z``."""
    return cam.unproject(np.asarray(x), np.asarray(y), disp.to_display(np.asarray(z, np.float64)))


def to_key_space(cam: PinholeCamera, disp: DepthDisplay, points: F64) -> F64:
    """Inverse of :func:`world`: ``(..., 3)`` as ``(x, y, z)`` with z the pseudo-depth."""
    pix = cam.project(points)
    pix[..., 2] = disp.from_display(pix[..., 2])
    return pix


@dataclass
class Cloud:
    """Points ``(N, 3)`` float32, colours ``(N, 3)`` uint8 and their source pixels ``(N, 2)``."""

    points: NDArray[np.float32]
    colors: NDArray[np.uint8]
    pixels: NDArray[np.intp]


def background_cloud(
    scene: Scene, disp: DepthDisplay, hide: NDArray[np.bool_] | None = None
) -> Cloud:
    """Every frame-0 pixel not in ``hide`` at its own depth, coloured by the image."""
    keep = np.ones((scene.height, scene.width), bool) if hide is None else ~hide
    ys, xs = np.nonzero(keep)
    cam = PinholeCamera.of_scene(scene)
    pts = world(cam, disp, xs, ys, scene.depth_map()[ys, xs])
    return Cloud(pts.astype(np.float32), scene.image[ys, xs, :3].copy(), np.stack([xs, ys], 1))


def object_cloud(scene: Scene, obj: SceneObject, frame: int, disp: DepthDisplay) -> Cloud:
    """The object's card at ``frame``: its mask pixels moved and scaled, all at depth ``z_t``."""
    ys, xs = np.nonzero(obj.mask)
    at = object_pose(scene, obj, frame)
    px, py = at.apply(xs, ys)
    cam = PinholeCamera.of_scene(scene)
    pts = world(cam, disp, px, py, np.full(xs.shape, at.depth))
    return Cloud(pts.astype(np.float32), scene.image[ys, xs, :3].copy(), np.stack([xs, ys], 1))


def hidden_pixels(
    scene: Scene, obj: SceneObject, frame: int, labels: NDArray[np.int32], cloud: Cloud
) -> NDArray[np.bool_]:
    """Which cloud points the engine's label map of ``frame`` does not show (occlusion tint).

    A point is hidden where its destination pixel carries another label; points that leave the
    frame count as not hidden (nothing there to hide them).
    """
    uid_id = scene.instance_ids()[obj.uid]
    src = cloud.pixels.astype(np.float64)
    fx, fy = object_pose(scene, obj, frame).apply(src[:, 0], src[:, 1])
    qx = np.floor(fx + 0.5).astype(np.intp)
    qy = np.floor(fy + 0.5).astype(np.intp)
    inside = (qx >= 0) & (qx < scene.width) & (qy >= 0) & (qy < scene.height)
    hidden = np.zeros(src.shape[0], bool)
    hidden[inside] = labels[qy[inside], qx[inside]] != uid_id
    return hidden


def path_world(scene: Scene, obj: SceneObject, disp: DepthDisplay) -> F64:
    """The interpolated path ``(F, 3)`` in world space (one point per frame)."""
    path = scene.trajectory(obj)
    return world(PinholeCamera.of_scene(scene), disp, path[:, 0], path[:, 1], path[:, 2])


def path_hidden(
    scene: Scene, obj: SceneObject, labels: list[NDArray[np.int32]]
) -> NDArray[np.bool_]:
    """Per frame: does that frame's label map show something else at the object's anchor?"""
    uid_id = scene.instance_ids()[obj.uid]
    px = np.floor(scene.trajectory(obj)[:, :2] + 0.5).astype(np.intp)
    out = np.zeros(len(labels), bool)
    for t, lab in enumerate(labels):
        x, y = px[t]
        if 0 <= x < scene.width and 0 <= y < scene.height:
            out[t] = lab[y, x] != uid_id
    return out


def key_world(scene: Scene, key: Keyframe, disp: DepthDisplay) -> F64:
    """Where a keyframe's handle sits in world space."""
    return world(PinholeCamera.of_scene(scene), disp, key.x, key.y, key.z)


# -- dragging --------------------------------------------------------------------------------


def drag_in_plane(
    scene: Scene, disp: DepthDisplay, key: Keyframe, origin: F64, direction: F64
) -> Keyframe | None:
    """The key moved parallel to the image plane to where the view ray meets its plane.

    The plane is ``Z = const`` through the key's handle; ``None`` when the ray runs parallel to
    it or meets it behind the viewer.
    """
    cam = PinholeCamera.of_scene(scene)
    handle = key_world(scene, key, disp)
    if abs(direction[2]) < 1e-12:
        return None
    t = (handle[2] - origin[2]) / direction[2]
    if t <= 0:
        return None
    x, y, _ = to_key_space(cam, disp, origin + t * direction)
    return key.moved(x=float(x), y=float(y))


def drag_along_ray(
    scene: Scene,
    disp: DepthDisplay,
    key: Keyframe,
    eye: F64,
    origin: F64,
    direction: F64,
    min_angle: float = 4.0,
) -> Keyframe | None:
    """The key moved along its own camera ray (same pixel) to the point nearest the view ray.

    ``None`` when the viewer's ``eye`` sits (within ``min_angle`` degrees, seen from the handle)
    on the key's ray: the ray then shows as a dot and the mouse cannot say where along it to go.
    That is always the case through the image camera.
    """
    handle = key_world(scene, key, disp)
    ray = handle / np.linalg.norm(handle)
    to_eye = eye - handle
    off_line = np.linalg.norm(to_eye - float(to_eye @ ray) * ray)
    if off_line <= np.sin(np.radians(min_angle)) * np.linalg.norm(to_eye):
        return None
    d = direction / np.linalg.norm(direction)
    # closest points of the lines s·ray and origin + u·d
    b = float(ray @ d)
    denom = 1.0 - b * b
    if denom < 1e-12:
        return None
    w0 = -origin
    s = (b * float(d @ w0) - float(ray @ w0)) / denom
    zd = max(s * float(ray[2]), 1e-9)
    z = float(np.clip(disp.from_display(zd), Z_MIN, Z_MAX))
    return key.moved(z=z)
